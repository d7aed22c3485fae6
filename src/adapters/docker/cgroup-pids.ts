import { readFile } from 'node:fs/promises';

/**
 * Where a local container's pids cgroup keeps `pids.events`, for cgroup v1 and v2 with
 * the cgroupfs and systemd drivers. Its `max` counter is the number of forks refused
 * by the pids limit: the one reliable sign that a command hit the wall (a fork bomb
 * under a limit can burn out by itself in a second, leaving nothing else to see).
 */
export function pidsEventsPaths(containerId: string): string[] {
  return [
    `/sys/fs/cgroup/pids/docker/${containerId}/pids.events`,
    `/sys/fs/cgroup/pids/system.slice/docker-${containerId}.scope/pids.events`,
    `/sys/fs/cgroup/system.slice/docker-${containerId}.scope/pids.events`,
    `/sys/fs/cgroup/docker/${containerId}/pids.events`,
  ];
}

/** Refused-fork count of a local container, or undefined when its cgroup is not visible (remote engine, VM). */
export async function refusedForks(containerId: string): Promise<number | undefined> {
  for (const p of pidsEventsPaths(containerId)) {
    const text = await readFile(p, 'utf8').catch(() => undefined);
    const m = text && /^max (\d+)$/m.exec(text);
    if (m) return Number(m[1]);
  }
  return undefined;
}
