import type { CommandResult, Station, StationWall } from '../../contracts';
import type { CommandsOutcome } from './decide-terminal';
import type { DiffCheck } from './diff-check';
import type { AgentCost, WorkspaceDiff } from './ports';
import type { RetryableReason } from './errors';

/**
 * What one station attempt produced. Stored as `artifacts/stations/<id>/<attempt>.json`
 * before its `station/finished` record, so a resumed run reads it back instead of
 * running the station again.
 */
export interface StationResult {
  stationId: string;
  role: Station['role'];
  kind: Station['kind'];
  attempt: number;
  outcome: 'passed' | 'failed' | 'error' | 'timeout' | 'cancelled' | 'skipped';
  /** Commands run (command, verifier, set-up and dependency-check stations). */
  commands: CommandResult[];
  /** passed / failed / absent (no commands), for the terminal decision. */
  commandsOutcome: CommandsOutcome;
  /** Set when the failure is the environment's: the station is retried with backoff. */
  retryable?: { reason: RetryableReason; detail: string };
  /**
   * Set when a command (or the agent) ran into a station wall: memory, processes or disk.
   * Not retried; the run ends naming the wall (rule T2w). `detail` names the station and command.
   */
  wall?: { reason: StationWall; detail: string };
  /** Plan or investigation note (agent stations with role plan or investigate). */
  text?: string;
  agent?: { name: string; outcome: string; cost?: AgentCost; outputTail: string };
  /** The change after an implement station. */
  diff?: WorkspaceDiff & { check: DiffCheck };
  /** Set-up restored from the cache for this base commit instead of running. */
  fromCache?: boolean;
  /** Milliseconds spent inside the station's commands or agent. */
  machineMs: number;
  imageDigest?: string;
  note?: string;
}
