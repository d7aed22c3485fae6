import { z } from 'zod';
import { TERMINAL_STATES } from './protocol-wire';

/**
 * The four terminal states a run may end in, exactly these (design.md "Terminal states").
 * Every run ends in one of them, with a reason code from `TERMINAL_REASONS`.
 */
export { TERMINAL_STATES };
export const TerminalStateNameSchema = z.enum(TERMINAL_STATES).describe('One of the four terminal states.');
export type TerminalStateName = z.infer<typeof TerminalStateNameSchema>;

/** Reason codes per terminal state. NO_OP's come from design.md; the others name the rule that fired. */
export const TERMINAL_REASONS = {
  PR_READY: ['validated-fix', 'approved-with-flags', 'accepted-with-preexisting-failures'],
  NO_OP: ['could-not-reproduce', 'already-fixed', 'contradicts-behaviour', 'missing-context', 'needs-product-decision'],
  ESCALATE: [
    'missing-context',
    'needs-product-decision',
    'validation-failed',
    'out-of-scope-change',
    'hard-stop-risk',
    'rejected-at-gate',
    'empty-diff',
    'agent-gave-up',
    // The station walls (STATION_WALLS in station-end.ts): a command ran into a resource limit.
    'memory-limit',
    'pids-limit',
    'disk-limit',
    'pre-existing-failure',
    // The model proxy refused further model calls: a station or run budget (tokens, money, wall time) was reached.
    'budget-exceeded',
    // The reproduction failed on the base commit, but not for the reason it states (a syntax error, a missing module): it shows nothing.
    'invalid-reproduction',
  ],
  RETRYABLE_FAILURE: ['engine-unavailable', 'image-build-failed', 'timeout', 'station-crashed', 'cancelled'],
} as const satisfies Record<TerminalStateName, readonly string[]>;

/** Characters a terminal state's detail may hold. */
export const TERMINAL_DETAIL_MAX = 4000;

const detail = z.string().max(TERMINAL_DETAIL_MAX).optional().describe('Human-readable explanation.');

/** A terminal state with its reason code; the pair is checked (NO_OP cannot carry `timeout`). */
export const TerminalStateSchema = z
  .discriminatedUnion('state', [
    z.object({ state: z.literal('PR_READY'), reason: z.enum(TERMINAL_REASONS.PR_READY), detail }),
    z.object({ state: z.literal('NO_OP'), reason: z.enum(TERMINAL_REASONS.NO_OP), detail }),
    z.object({ state: z.literal('ESCALATE'), reason: z.enum(TERMINAL_REASONS.ESCALATE), detail }),
    z.object({ state: z.literal('RETRYABLE_FAILURE'), reason: z.enum(TERMINAL_REASONS.RETRYABLE_FAILURE), detail }),
  ])
  .describe('How a run ended: one of PR_READY, NO_OP, ESCALATE, RETRYABLE_FAILURE with a reason code.');
export type TerminalState = z.infer<typeof TerminalStateSchema>;
