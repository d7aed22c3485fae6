import Docker from 'dockerode';
import { EngineUnavailableError, type EngineAttempt, type EngineInfo } from '../../core/container';
import { endpointCandidates, type DiscoveryEnv, type EndpointCandidate } from './endpoints';

/** A reached engine. */
export interface Connection {
  docker: Docker;
  info: EngineInfo;
  candidate: EndpointCandidate;
}

/**
 * Tries each candidate (see `endpointCandidates`) with a ping bounded by `timeoutMs`,
 * in order, and returns the first that answers. Throws EngineUnavailableError listing
 * every attempt; never hangs longer than candidates × timeout.
 */
export async function connectToEngine(opts: { setting?: string; timeoutMs?: number; discovery?: DiscoveryEnv } = {}): Promise<Connection> {
  const attempts: EngineAttempt[] = [];
  for (const candidate of endpointCandidates(opts.setting, opts.discovery)) {
    try {
      const docker = new Docker(candidate.options);
      const info = await withTimeout(probe(docker, candidate), opts.timeoutMs ?? 3000, `no answer in ${opts.timeoutMs ?? 3000} ms`);
      return { docker, info, candidate };
    } catch (e) {
      attempts.push({ source: candidate.source, endpoint: candidate.endpoint, error: describe(e) });
    }
  }
  throw new EngineUnavailableError(attempts);
}

async function probe(docker: Docker, c: EndpointCandidate): Promise<EngineInfo> {
  await docker.ping();
  const v = await docker.version();
  return { endpoint: `${c.source}: ${c.endpoint}`, serverVersion: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch, remote: c.remote };
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'socket not found';
  if (err?.code === 'ECONNREFUSED') return 'connection refused';
  if (err?.code === 'EACCES') return 'permission denied (is your user in the docker group?)';
  return err?.message?.split('\n')[0] ?? String(e);
}

/** Rejects with `message` after `ms`; the losing promise's later result is ignored. */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
