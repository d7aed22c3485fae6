import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerContainerRuntime } from '../../../src/adapters/docker';
import { ContainerEnvironmentProvider } from '../../../src/adapters/docker/container-environment';
import { IMAGE, requireEngine, testRuntime, workspace } from './support';

/** The default-image provider over a test runtime; logs kept. */
function provider(rt: DockerContainerRuntime, logs: string[]): ContainerEnvironmentProvider {
  return new ContainerEnvironmentProvider({ runtime: rt, sessionId: 'sess', defaultImage: IMAGE, repoName: 'repo', scratchDir: () => '/nonexistent', logger: { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) } as never });
}

const request = (ws: string, runId: string) => ({ runId, stationId: 'setup', workspaceDir: ws, network: { mode: 'none' as const }, mounts: [], env: {} }) as never;

describe('docker: the default station image takes the Node.js and package manager the repository asks for', function () {
  this.timeout(600_000);
  const { rt, cleanup } = testRuntime('tool');
  before(() => requireEngine(rt));
  after(cleanup);

  it('a repository asking for another Node.js major (.nvmrc) gets it, with the npm that goes with it; the image is reused', async () => {
    const ws = workspace();
    writeFileSync(join(ws, '.nvmrc'), 'v20\n');
    writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', engines: { node: '>=14' } }));
    const logs: string[] = [];
    const env = await provider(rt, logs).prepare(request(ws, 'tool-1'));
    const r = await env.exec(['sh', '-c', 'node -v; npm -v; command -v node']);
    assert.equal(r.exitCode, 0, r.output);
    const [node, npm, where] = r.output.trim().split('\n');
    assert.match(node!, /^v20\./, r.output);
    assert.match(npm!, /^10\./, 'npm 10 goes with Node.js 20');
    assert.equal(where, '/usr/local/bin/node');
    assert.ok(logs.some((l) => /Node\.js v20 \(asked by \.nvmrc\)|Node\.js 20 \(asked by \.nvmrc\)/.test(l)), logs.join('\n'));
    const digest = env.imageDigest;
    const again = await provider(rt, []).prepare(request(ws, 'tool-2'));
    assert.equal(again.imageDigest, digest, 'same base and request: the built image is reused');
  });

  it('packageManager pnpm@9 gets pnpm 9; a request the image already satisfies keeps the image', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', packageManager: 'pnpm@9.15.0', engines: { node: '>=18' } }));
    const logs: string[] = [];
    const env = await provider(rt, logs).prepare(request(ws, 'tool-3'));
    const r = await env.exec(['sh', '-c', 'node -v; pnpm --version']);
    assert.equal(r.exitCode, 0, r.output);
    assert.match(r.output, /^v18\.[\s\S]*\n9\.15\.0\n$/, r.output);
    assert.ok(logs.some((l) => /Node\.js v18\.\S+ of the station image satisfies package\.json engines\.node/.test(l)), logs.join('\n'));
  });
});
