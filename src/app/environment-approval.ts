import { basename } from 'node:path';
import type { TaskPacket } from '../contracts';
import { environmentProblems } from '../adapters/docker/environment-check';
import { DEFAULT_STATION_IMAGE } from './docker-environments';

/**
 * Why a Docker run must be refused, before anything is written, or undefined: whose station environment cannot be
 * built or started here (environmentProblems: the devcontainer.json at the packet's base
 * commit, its features, Compose services and images), naming every problem by property,
 * so the run never ends mid-way on a configuration that could not work. I/O: git, the
 * engine, registry probes.
 */
export async function unbuildableEnvironment(
  repo: string,
  packet: TaskPacket,
  o: { dockerHost?: string; defaultImage?: string; reachable?: (host: string) => Promise<boolean> },
): Promise<string | undefined> {
  const check = await environmentProblems({
    repo,
    ref: packet.baseCommit ?? 'HEAD',
    defaultImage: o.defaultImage || DEFAULT_STATION_IMAGE,
    workspaceBasename: basename(repo),
    dockerHost: o.dockerHost,
    reachable: o.reachable,
  });
  if (check.problems.length === 0) return undefined;
  return (
    [`the station environment (${check.configPath ?? `image ${o.defaultImage || DEFAULT_STATION_IMAGE}`}) cannot be built here:`, ...check.problems.map((p) => `  - ${p.property}: ${p.message}`)].join('\n')
  );
}
