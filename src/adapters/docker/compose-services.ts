import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { ImageBuildError, isInsideRoot, type BuildOutput, type ComposeServiceSpec, type ComposeSpec, type EnvironmentSpec, type ResourceLimits } from '../../core/container';
import { contentHash } from '../../core/hash';
import { ensureImage } from './images';
import { LABEL_OWNER, LABEL_RUN, LABEL_SESSION, nameFragment } from './labels';

/** Marks the networks and volumes of a run's Compose services (containers carry LABEL_RUN like stations). */
export const LABEL_COMPOSE = 'shopfloor.compose';
/** The Compose service a container runs. */
export const LABEL_SERVICE = 'shopfloor.service';

/**
 * Capabilities a service container keeps: Docker's default set without NET_RAW, MKNOD,
 * SETPCAP, SETFCAP, SYS_CHROOT and AUDIT_WRITE. Database images start as root and drop
 * to their own user in their entrypoint (chown of the data folder, setuid), which needs these.
 */
const SERVICE_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'];

/** The services of a run, started. */
export interface RunServices {
  /** The run's internal network: no route out; services are reachable on it by their service name. */
  network: string;
  /** Container id per service name. */
  ids: Record<string, string>;
}

/**
 * Starts the Compose services beside a run's stations (ComposeSpec.services, dependencies
 * first) on the run's own internal network (`Internal`: Docker gives it no route out), each
 * reachable by its service name, or reuses those already running for the run. The Compose
 * model comes from Shopfloor's resolution (src/core/container/compose.ts) and runs on the
 * Engine API directly: the only Compose this machine's packages offer is Compose v1, which
 * is end-of-life. Each service container is labelled with the run, session and owner like a
 * station (so `removeRun` and the orphan sweep remove it), drops every capability but
 * SERVICE_CAPABILITIES, runs with no-new-privileges and the station's memory, CPU and pids
 * walls, binds only paths inside the workspace, and its named volumes are per run
 * (labelled, removed with the run). A service with a healthcheck is waited for until
 * healthy. I/O: the engine, reads `env_file`s inside the workspace.
 * Throws ImageBuildError when a service image cannot be had, Error when a service exits or
 * stays unhealthy.
 */
export async function ensureRunServices(
  docker: Docker,
  compose: ComposeSpec,
  o: { runId: string; sessionId: string; owner: string; workspace: string; limits: ResourceLimits; onBuildOutput?: (l: BuildOutput) => void; log: (l: string) => void },
): Promise<RunServices> {
  const labels = { [LABEL_RUN]: o.runId, [LABEL_SESSION]: o.sessionId, [LABEL_OWNER]: o.owner };
  const key = nameFragment(o.runId);
  const network = `shopfloor-run-${key}-${contentHash(o.runId).slice(0, 8)}`;
  await ensureNetwork(docker, network, { ...labels, [LABEL_COMPOSE]: '1' });
  const ids: Record<string, string> = {};
  for (const svc of compose.services) {
    const existing = (await docker.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${o.owner}`, `${LABEL_RUN}=${o.runId}`, `${LABEL_SERVICE}=${svc.name}`] } }))[0];
    if (existing) {
      if (existing.State !== 'running') await docker.getContainer(existing.Id).start();
      ids[svc.name] = existing.Id;
      await waitReady(docker, svc, existing.Id, o.log);
      continue;
    }
    const image = await ensureImage(docker, { image: svc.image, build: svc.build } as EnvironmentSpec, o.workspace, o.onBuildOutput).catch((e: Error) => {
      throw e instanceof ImageBuildError ? new ImageBuildError(`service ${svc.name}: ${e.message}`, e.log) : e;
    });
    const mounts: Docker.MountSettings[] = [];
    const tmpfs: Record<string, string> = {};
    for (const v of svc.volumes) {
      if (v.type === 'run-volume') {
        const name = `shopfloor-${key}-${nameFragment(v.name)}`;
        await docker.createVolume({ Name: name, Labels: { ...labels, [LABEL_COMPOSE]: '1' } });
        mounts.push({ Type: 'volume', Source: name, Target: v.target });
      } else if (v.type === 'bind') {
        const real = await realpath(join(o.workspace, ...v.workspacePath.split('/'))).catch(() => undefined);
        if (!real || !isInsideRoot(o.workspace, real)) throw new Error(`service ${svc.name}: ${v.workspacePath} is missing or leaves the run workspace`);
        mounts.push({ Type: 'bind', Source: real, Target: v.target, ReadOnly: v.readOnly });
      } else tmpfs[v.target] = `rw,nosuid,nodev${v.sizeBytes ? `,size=${v.sizeBytes}` : ''}`;
    }
    const env = { ...(await envFiles(o.workspace, svc.envFiles)), ...svc.environment };
    const created = await docker.createContainer({
      name: `shopfloor-${key}-svc-${nameFragment(svc.name)}`,
      Image: image.id,
      ...(svc.entrypoint !== undefined ? { Entrypoint: typeof svc.entrypoint === 'string' ? ['/bin/sh', '-c', svc.entrypoint] : svc.entrypoint } : {}),
      ...(svc.command !== undefined ? { Cmd: typeof svc.command === 'string' ? ['/bin/sh', '-c', svc.command] : svc.command } : {}),
      ...(svc.user ? { User: svc.user } : {}),
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: { ...labels, [LABEL_SERVICE]: svc.name },
      ...(svc.healthcheck
        ? { Healthcheck: { Test: svc.healthcheck.test, Interval: svc.healthcheck.intervalMs * 1e6, Timeout: svc.healthcheck.timeoutMs * 1e6, Retries: svc.healthcheck.retries, StartPeriod: svc.healthcheck.startPeriodMs * 1e6 } }
        : {}),
      StopTimeout: 5,
      HostConfig: {
        CapDrop: ['ALL'],
        CapAdd: SERVICE_CAPABILITIES,
        SecurityOpt: ['no-new-privileges:true'],
        Privileged: false,
        PidsLimit: o.limits.pids,
        Memory: o.limits.memoryBytes,
        MemorySwap: o.limits.memoryBytes,
        NanoCpus: Math.round(o.limits.cpus * 1e9),
        Mounts: mounts,
        Tmpfs: tmpfs,
        NetworkMode: network,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [svc.name] } } },
    });
    await created.start();
    ids[svc.name] = created.id;
    o.log(`[compose] service ${svc.name} started (${created.id.slice(0, 12)}) on ${network}`);
    // Dependencies first, each ready before the next starts (Compose's depends_on with condition service_healthy).
    await waitReady(docker, svc, created.id, o.log);
  }
  return { network, ids };
}

/**
 * Removes the networks and volumes of this owner's Compose services whose run has no
 * container left (the containers go first, with the run or by the orphan sweep). Returns
 * the removed names.
 */
export async function removeIdleServiceResources(docker: Docker, owner: string): Promise<string[]> {
  const runsLeft = new Set((await docker.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${owner}`] } })).map((c) => c.Labels?.[LABEL_RUN] ?? '').map((r) => r.split('.')[0]));
  const removed: string[] = [];
  const idle = (l: Record<string, string> | undefined) => !runsLeft.has((l?.[LABEL_RUN] ?? '').split('.')[0]!);
  for (const n of await docker.listNetworks({ filters: { label: [`${LABEL_OWNER}=${owner}`, `${LABEL_COMPOSE}=1`] } }))
    if (idle(n.Labels)) await docker.getNetwork(n.Id).remove().then(() => removed.push(n.Name), ignoreGone);
  const vols = (await docker.listVolumes({ filters: { label: [`${LABEL_OWNER}=${owner}`, `${LABEL_COMPOSE}=1`] } })).Volumes ?? [];
  for (const v of vols) if (idle(v.Labels)) await docker.getVolume(v.Name).remove().then(() => removed.push(v.Name), ignoreGone);
  return removed;
}

function ignoreGone(e: { statusCode?: number }): void {
  if (e.statusCode !== 404) throw e;
}

async function ensureNetwork(docker: Docker, name: string, labels: Record<string, string>): Promise<void> {
  try {
    await docker.getNetwork(name).inspect();
    return;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  try {
    await docker.createNetwork({ Name: name, Driver: 'bridge', Internal: true, CheckDuplicate: true, Labels: labels });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 409) throw e;
  }
}

/** `env_file` entries (KEY=value lines, `#` comments), read only from real paths inside the workspace; an absent file is an error, as in Compose. */
async function envFiles(workspace: string, files: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const real = await realpath(join(workspace, f)).catch(() => undefined);
    if (!real || !isInsideRoot(workspace, real)) throw new Error(`env_file ${f} is missing or leaves the run workspace`);
    for (const line of (await readFile(real, 'utf8')).split(/\r?\n/)) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
      if (m && !line.trim().startsWith('#')) out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  return out;
}

/** Waits for a service: healthy when it has a healthcheck, else running; fails when it exits or turns unhealthy. */
async function waitReady(docker: Docker, svc: ComposeServiceSpec, id: string, log: (l: string) => void): Promise<void> {
  const h = svc.healthcheck;
  const limitMs = h ? h.startPeriodMs + (h.retries + 1) * (h.intervalMs + h.timeoutMs) + 10_000 : 10_000;
  const start = Date.now();
  for (;;) {
    const s = (await docker.getContainer(id).inspect()).State;
    if (!s.Running) throw new Error(`service ${svc.name} exited with code ${s.ExitCode} before the station started`);
    if (!h || s.Health?.Status === 'healthy') {
      log(`[compose] service ${svc.name} ${h ? 'healthy' : 'running'} after ${Date.now() - start} ms`);
      return;
    }
    if (s.Health?.Status === 'unhealthy') throw new Error(`service ${svc.name} is unhealthy: ${s.Health.Log?.at(-1)?.Output?.trim() ?? ''}`);
    if (Date.now() - start > limitMs) throw new Error(`service ${svc.name} did not become healthy within ${Math.round(limitMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
