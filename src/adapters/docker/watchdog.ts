import { statfs } from 'node:fs/promises';
import type Docker from 'dockerode';
import type { ResourceLimits } from '../../core/container';
import { refusedForks } from './cgroup-pids';
import type { EngineEvents } from './engine-events';
import type { ExecWatch, Violation } from './exec';

/** How long a command runs before the watchdog starts polling, and how often it polls. */
const START_AFTER_MS = 250;
const EVERY_MS = 250;
/** Disk and stats checks are costlier: every this many ticks. */
const SLOW_EVERY = 4;

/**
 * Watches one station's walls while a command runs. Memory: the engine's OOM event.
 * Pids: on a local engine the pids cgroup's refused-fork counter (`cgroup-pids.ts`) is
 * read while the command runs and once more when it ends; any refused fork ends the
 * station. Where the cgroup is not visible, stats are polled and a count pinned at the
 * limit for two samples ends it. Disk: this
 * engine (overlay2 on ext4, no pquota) cannot cap a container's writable layer, so the
 * watchdog polls the layer's size (inspect size=true) and, for a bind-mounted
 * workspace, the fall in the host filesystem's free space since the command began.
 */
export class Watchdog {
  constructor(
    private readonly docker: Docker,
    private readonly containerId: string,
    private readonly limits: ResourceLimits,
    private readonly events: EngineEvents,
    private readonly workspaceDir: string | undefined,
  ) {}

  watch(): ExecWatch {
    let oom = false;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let resolveViolation!: (v: Violation) => void;
    const violation = new Promise<Violation>((r) => (resolveViolation = r));
    const off = this.events.on(this.containerId, (e) => {
      if (e === 'oom') oom = true;
    });
    const container = this.docker.getContainer(this.containerId);
    let pinned = 0;
    let tick = 0;
    let freeAtStart: number | undefined;
    if (this.workspaceDir) void freeBytes(this.workspaceDir).then((f) => (freeAtStart = f));
    const forksAtStart = refusedForks(this.containerId);
    const pidsViolation = (): Violation => ({
      reason: 'pids-limit',
      detail: `the station hit its process limit (${this.limits.pids} processes): fork bomb or runaway process; the container was killed`,
    });
    const forksRefused = async () => {
      const [a, b] = [await forksAtStart, await refusedForks(this.containerId)];
      return a !== undefined && b !== undefined ? b > a : undefined;
    };

    const poll = async () => {
      if (stopped) return;
      tick++;
      try {
        const refused = await forksRefused();
        if (refused) return resolveViolation(pidsViolation());
        if (refused === undefined && tick % SLOW_EVERY === 0) {
          const stats = (await container.stats({ stream: false, 'one-shot': true } as never)) as unknown as { pids_stats?: { current?: number } };
          pinned = (stats.pids_stats?.current ?? 0) >= this.limits.pids - 2 ? pinned + 1 : 0;
          if (pinned >= 2) return resolveViolation(pidsViolation());
        }
        if (tick % SLOW_EVERY === 0) {
          const info = (await container.inspect({ size: true } as never)) as unknown as { SizeRw?: number };
          let grown = info.SizeRw ?? 0;
          if (this.workspaceDir && freeAtStart !== undefined) {
            const free = await freeBytes(this.workspaceDir);
            if (free !== undefined) grown = Math.max(grown, freeAtStart - free);
          }
          if (grown > this.limits.diskBytes) return resolveViolation({ reason: 'disk-limit', detail: `the station wrote more than its disk limit (${this.limits.diskBytes} bytes); the container was killed` });
        }
      } catch {
        // A failed poll (container just exited) is not a violation; the exec result says what happened.
      }
      if (!stopped) timer = setTimeout(poll, EVERY_MS);
    };
    timer = setTimeout(poll, START_AFTER_MS);
    return {
      violation,
      oomSeen: () => oom,
      finalCheck: async () => ((await forksRefused()) ? pidsViolation() : undefined),
      stop: () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        // Keep listening briefly: the OOM event may trail the exec's end.
        setTimeout(off, 1000).unref();
      },
    };
  }
}

async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}
