import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { DockerContainerRuntime, LABEL_OWNER } from '../../../src/adapters/docker';

export const IMAGE = 'shopfloor/node:bookworm';
export const FIXTURES = resolve(__dirname, '..', '..', 'fixtures', 'devcontainer');

/** Fails (never skips) with how to start Docker when no engine answers. */
export async function requireEngine(rt: DockerContainerRuntime): Promise<void> {
  try {
    await rt.ping();
  } catch (e) {
    throw new Error(`These integration tests need a running Docker engine and the image ${IMAGE}.\nRun: bash scripts/setup-system.sh (starts dockerd and builds the local images).\n${(e as Error).message}`);
  }
  try {
    await new Docker().getImage(IMAGE).inspect();
  } catch {
    throw new Error(`Image ${IMAGE} is missing. Run: bash scripts/setup-system.sh`);
  }
}

/** A runtime whose containers carry a unique owner, plus a cleanup that removes them all. */
export function testRuntime(tag: string): { rt: DockerContainerRuntime; owner: string; cleanup: () => Promise<void> } {
  const owner = `it-${tag}-${process.pid}`;
  const rt = new DockerContainerRuntime({ owner });
  return {
    rt,
    owner,
    cleanup: async () => {
      await rt.dispose();
      const d = new Docker();
      for (const c of await d.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${owner}`] } })) await d.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      for (const n of await d.listNetworks({ filters: { label: [`${LABEL_OWNER}=${owner}`] } })) await d.getNetwork(n.Id).remove().catch(() => undefined);
    },
  };
}

/** A fresh run workspace: a copy of a fixture, or an empty folder. */
export function workspace(fixture?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-ws-'));
  const ws = join(dir, 'repo');
  if (fixture) cpSync(join(FIXTURES, fixture), ws, { recursive: true });
  else execFileSync('mkdir', ['-p', ws]);
  return ws;
}

export function dockerInspect(id: string): any {
  return JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' }))[0];
}

export function collect(): { sink: (b: Buffer) => void; text: () => string } {
  const parts: Buffer[] = [];
  return { sink: (b) => void parts.push(Buffer.from(b)), text: () => Buffer.concat(parts).toString('utf8') };
}
