import { z } from 'zod';

/**
 * Why a station command ended, beyond its exit code: one vocabulary from the container
 * runtime through the engine's station-environment port to the evidence (issue 8).
 * - `exited`: the process ended by itself; its exit code says how.
 * - `timeout`, `cancelled`: Shopfloor killed it (wall-clock limit, or the user cancelled).
 * - `oom-killed`, `pids-limit`, `disk-limit`: it hit one of the station's resource walls
 *   (memory, process count, disk); see `STATION_WALLS`.
 * - `container-died`: the container went away under it.
 * - `killed`: a signal nobody on Shopfloor's side sent ended it (no-isolation fallback).
 * - `not-started`: it never ran (spawn failed, working directory outside the workspace).
 */
export const EXEC_END_REASONS = ['exited', 'timeout', 'cancelled', 'oom-killed', 'pids-limit', 'disk-limit', 'container-died', 'killed', 'not-started'] as const;
export const ExecEndReasonSchema = z.enum(EXEC_END_REASONS).describe('Why a command ended beyond its exit code: exited, timeout, cancelled, a station wall (oom-killed, pids-limit, disk-limit), container-died, killed, not-started.');
export type ExecEndReason = z.infer<typeof ExecEndReasonSchema>;

/**
 * The station walls: end reasons that mean the command ran into a resource limit of its
 * station, mapped to the ESCALATE reason code a run hitting it ends with (rule T2w of
 * docs/terminal-decision.md). Such a command is neither a failing test (nothing to revise)
 * nor an environment hiccup (the same command hits the same wall again): a human decides
 * whether the limit or the code is wrong.
 */
export const STATION_WALLS = {
  'oom-killed': 'memory-limit',
  'pids-limit': 'pids-limit',
  'disk-limit': 'disk-limit',
} as const satisfies Partial<Record<ExecEndReason, string>>;

/** An ESCALATE reason code naming a station wall: `memory-limit`, `pids-limit` or `disk-limit`. */
export type StationWall = (typeof STATION_WALLS)[keyof typeof STATION_WALLS];

/** The wall an end reason names, or undefined when it names none. */
export function stationWallOf(reason: ExecEndReason | undefined): StationWall | undefined {
  return reason && reason in STATION_WALLS ? STATION_WALLS[reason as keyof typeof STATION_WALLS] : undefined;
}

/** True for a reason code that names a station wall; a human rejecting at a gate never picks one (the line does). */
export function isStationWall(reason: string): reason is StationWall {
  return (Object.values(STATION_WALLS) as string[]).includes(reason);
}
