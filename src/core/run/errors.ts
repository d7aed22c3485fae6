import { TERMINAL_REASONS } from '../../contracts';

/** Causes that end a run as RETRYABLE_FAILURE once retries are spent. */
export type RetryableReason = (typeof TERMINAL_REASONS.RETRYABLE_FAILURE)[number];

/**
 * An error a port throws when the failure is the environment's, not the change's: the
 * engine retries the station with backoff and, when retries run out, ends the run as
 * RETRYABLE_FAILURE with `reason`. Example: `throw new RetryableCause('engine-unavailable', 'docker: connection refused')`.
 */
export class RetryableCause extends Error {
  constructor(
    readonly reason: RetryableReason,
    message: string,
  ) {
    super(message);
    this.name = 'RetryableCause';
  }
}

/** Type guard that also accepts errors from another copy of this module (tagged by name). */
export function isRetryableCause(e: unknown): e is RetryableCause {
  return e instanceof RetryableCause || (e instanceof Error && e.name === 'RetryableCause' && 'reason' in e);
}

/** The journal does not fit the run being resumed (other packet or blueprint, or divergent events). */
export class ResumeMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResumeMismatchError';
  }
}

/**
 * The run was stopped before it reached a terminal state: its signal aborted (a cancel in
 * the editor, SIGINT, SIGTERM or SIGHUP in the CLI) or its gatekeeper stopped waiting. The
 * journal is left as it is (an interrupted station attempt has no `station/finished`), so
 * the run resumes from its last completed step.
 */
export class RunInterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInterruptedError';
  }
}

/**
 * The output publisher refused to ship: the patch it was given is not the one the output
 * gate approved (its SHA-256 differs: the run folder's approved patch was changed after
 * approval), or it does not apply to the base commit. Not retryable: the run's journal and
 * evidence stay as they are (PR_READY, approved), no branch is created, and resuming refuses
 * again until the approved patch is back; `shopfloor verify` names the changed file.
 */
export class OutputRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputRefusedError';
  }
}
