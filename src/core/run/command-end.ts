import { stationWallOf, type ExecEndReason, type StationWall } from '../../contracts';
import type { RetryableReason } from './errors';

/**
 * What the line makes of the way one station command (or agent process) ended:
 * - `exited`: it ended by itself; its exit code says pass (0) or fail;
 * - `wall`: it ran into a station wall (memory, processes, disk): the run ends naming the
 *   wall (rule T2w), it is never a failing test to revise, nor evidence of the problem;
 * - `retryable`: the environment's cause (timeout, cancellation, a crash or a process that
 *   never started): retried with backoff where the engine retries, else RETRYABLE_FAILURE.
 */
export type CommandEnd =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'wall'; wall: StationWall; detail: string }
  | { kind: 'retryable'; reason: RetryableReason; detail: string };

const WALL_NAMES: Record<StationWall, string> = { 'memory-limit': 'memory', 'pids-limit': 'process', 'disk-limit': 'disk' };

/**
 * Maps a command's end (exit code, structured end reason and its detail) to a CommandEnd.
 * `what` names the command in the detail (its argv, or `agent`); `timeoutMs` is the limit
 * it ran under, for the timeout detail. Pure.
 */
export function commandEnd(r: { exitCode: number | null; endReason: ExecEndReason; endDetail?: string }, what: string, timeoutMs?: number): CommandEnd {
  const wall = stationWallOf(r.endReason);
  if (wall) return { kind: 'wall', wall, detail: `${what} hit the station's ${WALL_NAMES[wall]} limit (${r.endReason}${r.endDetail ? `: ${r.endDetail}` : ''})` };
  switch (r.endReason) {
    case 'exited':
      return r.exitCode === null ? { kind: 'retryable', reason: 'station-crashed', detail: `${what} ended without an exit code` } : { kind: 'exited', exitCode: r.exitCode };
    case 'timeout':
      return { kind: 'retryable', reason: 'timeout', detail: `${what} timed out${timeoutMs !== undefined ? ` after ${timeoutMs} ms` : r.endDetail ? `: ${r.endDetail}` : ''}` };
    case 'cancelled':
      return { kind: 'retryable', reason: 'cancelled', detail: 'cancelled' };
    case 'not-started':
      return { kind: 'retryable', reason: 'station-crashed', detail: `${what} did not run: ${r.endDetail ?? 'it could not be started'}` };
    default:
      // container-died, killed: the environment went away under the command.
      return { kind: 'retryable', reason: 'station-crashed', detail: `${what} was killed (${r.endReason}${r.endDetail ? `: ${r.endDetail}` : ''})` };
  }
}
