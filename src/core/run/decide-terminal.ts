import { TERMINAL_DETAIL_MAX, type StationWall, type TaskPacket, type TerminalState } from '../../contracts';
import type { RetryableReason } from './errors';

/** Outcome of a group of commands: all exited 0, one failed, or there were none to run. */
export type CommandsOutcome = 'passed' | 'failed' | 'absent';

/**
 * What the run knows when it asks for a decision. Fields the run has not reached yet are
 * undefined. "Round" fields (implement, diff, validation, reproductionAfter) describe the
 * current revise round only.
 */
export interface TerminalFacts {
  /** The packet is flagged `missing-context`: the seed was too vague to act on (rule T0). */
  packetMissingContext?: boolean;
  /** A gate was rejected with this terminal state (a human's or a policy's choice). */
  rejected?: TerminalState;
  /** A station ran out of retries on an environment cause. */
  retryable?: { reason: RetryableReason; detail?: string };
  /** A command ran into a station wall (memory, processes, disk); `detail` names the station and command (rule T2w). */
  wall?: { reason: StationWall; detail: string };
  /**
   * An agent station ended because the model proxy refused further calls (its station's or
   * the run's budget), and no human raised the budget at its gate: the figures (rule T2b).
   */
  budgetExceeded?: string;
  /** A reproduction before any change failed in a way that shows nothing about the problem: which command and why (rule T3r). */
  reproductionRefused?: string;
  /** The set-up station's result; undefined when there is none. */
  setup?: CommandsOutcome;
  noOpRules: TaskPacket['noOpRules'];
  /** The blueprint has an implement station (false: an investigation). */
  implements: boolean;
  /** Reproduction before any change; undefined until it ran (or when the blueprint has no reproduce station). */
  reproductionBefore?: CommandsOutcome;
  /** The implement station's outcome in this round; undefined until it ran. */
  implement?: 'done' | 'gave-up' | 'failed' | 'skipped';
  /**
   * The implement station's agent ended on a NO_OP or ESCALATE claim, leaving no diff, with
   * its reasoning; `acceptedBy` names the human who approved the claim at the station's after
   * gate (undefined: no human did; a policy approval does not count). Rule T8c.
   */
  claim?: { terminal: 'NO_OP' | 'ESCALATE'; reasoning: string; acceptedBy?: string };
  /** The diff after implementing: file count and flags (out-of-scope, deleted/skipped tests, loosened assertions). */
  diff?: { files: number; flags: readonly string[]; riskPaths?: readonly string[] };
  /** A human approved the diff with its flags at a gate. */
  flagsApproved?: boolean;
  /** Reproduction re-run after the change, in this round. */
  reproductionAfter?: CommandsOutcome;
  /**
   * Validation (validate, verify and check stations) in this round: failed if any command
   * failed that is not a pre-existing failure (see `preexistingFailures`).
   */
  validation?: CommandsOutcome;
  /**
   * Validation commands of this round that failed the same way on the base commit (the
   * validation baseline, src/core/run/baseline.ts), e.g. `npm test (exit 1)`. They do not
   * make `validation` fail and are never revised (rules T11, T12, T16).
   */
  preexistingFailures?: readonly string[];
  /** Validation commands of this round that passed on the base commit and fail after the change (part of a failed `validation`). */
  regressions?: readonly string[];
  /**
   * Whether a human accepted the pre-existing failures at the output gate: undefined until
   * that gate was decided, false when it was passed by anything but a human (rule T16).
   */
  preexistingAccepted?: boolean;
  /** Stations still to run on the line (in this revise round). */
  stationsPending: boolean;
  /** Revise rounds still allowed (blueprint maxRevisions minus rounds done). */
  revisionsLeft: number;
}

/** The decision: a terminal state, or go on (`continue`), or implement again with the failure as feedback (`revise`). */
export type TerminalDecision =
  | { kind: 'terminal'; terminal: TerminalState; rule: RuleId }
  | { kind: 'continue'; rule: RuleId }
  | { kind: 'revise'; rule: RuleId };

/** Rule ids, as numbered in docs/terminal-decision.md (T2w and T2b after T2, T8c after T8, T16 before T15: ids stay stable when rows are inserted). */
export type RuleId = 'T0' | 'T1' | 'T2' | 'T2w' | 'T2b' | 'T3' | 'T3r' | 'T4' | 'T5' | 'T6' | 'T7' | 'T8' | 'T8c' | 'T9' | 'T10' | 'T11' | 'T12' | 'T13' | 'T14' | 'T16' | 'T15';

const terminal = (rule: RuleId, t: TerminalState): TerminalDecision => ({ kind: 'terminal', terminal: t, rule });

/** Applies the packet's no-op rules when the reproduction passes before any change (rule T4). */
function whenNotReproduced(rules: TaskPacket['noOpRules']): TerminalState {
  const rule = rules.find((r) => r.when === 'reproduction-passes-before-change' || r.when === 'already-fixed-upstream');
  const detail = 'The reproduction passed before any change: the problem is not there.' + (rule?.reason ? ` Packet rule: ${rule.reason}` : '');
  if (!rule) return { state: 'ESCALATE', reason: 'missing-context', detail: `${detail} The packet has no no-op rule for this; a human decides.` };
  if (rule.then === 'ESCALATE') return { state: 'ESCALATE', reason: 'missing-context', detail };
  return { state: 'NO_OP', reason: rule.when === 'already-fixed-upstream' ? 'already-fixed' : 'could-not-reproduce', detail };
}

/**
 * What an agent's NO_OP or ESCALATE claim ends in (rule T8c): the claim is evidence, not a
 * decision. A NO_OP claim becomes `NO_OP needs-product-decision` only when a human accepted
 * it at the implement station's after gate (a reproduction passing on the base commit is
 * T4's, before any agent runs); otherwise, and for an ESCALATE claim, `ESCALATE
 * needs-product-decision` with the agent's reasoning for the human.
 */
function claimTerminal(c: NonNullable<TerminalFacts['claim']>): TerminalState {
  const why = (s: string) => s.slice(0, TERMINAL_DETAIL_MAX);
  if (c.terminal === 'NO_OP' && c.acceptedBy) return { state: 'NO_OP', reason: 'needs-product-decision', detail: why(`The agent claimed NO_OP and ${c.acceptedBy} accepted the claim at the gate: ${c.reasoning}`) };
  if (c.terminal === 'NO_OP') return { state: 'ESCALATE', reason: 'needs-product-decision', detail: why(`The agent claimed NO_OP and no human accepted the claim (only a human, or the reproduction passing on the base commit, makes a NO_OP): ${c.reasoning}`) };
  return { state: 'ESCALATE', reason: 'needs-product-decision', detail: why(`The agent escalated: ${c.reasoning}`) };
}

/** The T2w detail: what hit the wall, and what a human can do about it; within TERMINAL_DETAIL_MAX characters. */
function wallDetail(what: string): string {
  const why = ' A command that hits a station wall is neither a failing test nor evidence of the problem; raise the limit in the devcontainer (runArgs) or find what uses it up.';
  return `${what.slice(0, TERMINAL_DETAIL_MAX - why.length - 1)}.${why}`;
}

/** Applies the packet's `missing-context` no-op rule (rule T0); without one, a human decides (ESCALATE). */
function whenMissingContext(rules: TaskPacket['noOpRules']): TerminalState {
  const rule = rules.find((r) => r.when === 'missing-context');
  const detail = 'The packet is flagged missing-context: the seed is too vague to act on, so nothing runs.' + (rule?.reason ? ` Packet rule: ${rule.reason}` : '');
  return { state: rule?.then === 'NO_OP' ? 'NO_OP' : 'ESCALATE', reason: 'missing-context', detail };
}

/**
 * The terminal decision table (docs/terminal-decision.md), as one pure function. Rules are
 * tried in order T0, T1, T2, T2w, T2b, T3, T3r, T4..T8, T8c, T9..T14, T16, T15 and the first that applies decides. The engine asks after
 * every station, and once more after the output gate when T16 decided; `continue` means no
 * rule ends the run yet.
 */
export function decideTerminal(f: TerminalFacts): TerminalDecision {
  if (f.packetMissingContext && !f.rejected) return terminal('T0', whenMissingContext(f.noOpRules));
  if (f.rejected) return terminal('T1', f.rejected);
  if (f.retryable) return terminal('T2', { state: 'RETRYABLE_FAILURE', reason: f.retryable.reason, detail: f.retryable.detail });
  // Before set-up, reproduction and validation: a walled command says nothing about the code's behaviour.
  if (f.wall) return terminal('T2w', { state: 'ESCALATE', reason: f.wall.reason, detail: wallDetail(f.wall.detail) });
  if (f.budgetExceeded !== undefined)
    return terminal('T2b', { state: 'ESCALATE', reason: 'budget-exceeded', detail: `An agent station reached its budget and no human raised it: ${f.budgetExceeded}`.slice(0, TERMINAL_DETAIL_MAX) });
  if (f.setup === 'failed') return terminal('T3', { state: 'ESCALATE', reason: 'missing-context', detail: 'Set-up (dependency install) failed; nothing can be reproduced.' });
  if (f.reproductionRefused !== undefined)
    return terminal('T3r', {
      state: 'ESCALATE',
      reason: 'invalid-reproduction',
      detail: `The reproduction was refused: it failed on the base commit, but not for the problem's reason, so a fix could not be shown by it. ${f.reproductionRefused}`.slice(0, TERMINAL_DETAIL_MAX),
    });
  if (f.reproductionBefore === 'passed') return terminal('T4', whenNotReproduced(f.noOpRules));
  if (f.implements && f.reproductionBefore === 'absent')
    return terminal('T5', { state: 'ESCALATE', reason: 'missing-context', detail: 'The packet has no reproduction commands: a fix could not be shown to work.' });
  if (!f.implements) {
    if (f.stationsPending) return { kind: 'continue', rule: 'T6' };
    return terminal('T6', { state: 'ESCALATE', reason: 'needs-product-decision', detail: 'Investigation finished: the note is for a human to decide on.' });
  }
  if (f.implement === undefined) return { kind: 'continue', rule: 'T7' };
  if (f.implement === 'gave-up' || f.implement === 'failed')
    return terminal('T8', { state: 'ESCALATE', reason: 'agent-gave-up', detail: `The implement station ${f.implement === 'gave-up' ? 'gave up' : 'failed'}.` });
  if (f.claim) return terminal('T8c', claimTerminal(f.claim));
  if (!f.diff) return { kind: 'continue', rule: 'T9' };
  if (f.diff.files === 0) return terminal('T9', { state: 'ESCALATE', reason: 'empty-diff', detail: 'The change is empty; an empty diff is never PR_READY.' });
  // Risk paths (the blueprint's and the trust hand-off paths every blueprint has) ship only on a human's word.
  if (f.diff.riskPaths?.length && !f.flagsApproved)
    return terminal('T10', { state: 'ESCALATE', reason: 'hard-stop-risk', detail: `The change touches risk paths (${f.diff.riskPaths.join(', ')}) and no human approved it.` });
  if (f.diff.flags.length > 0 && !f.flagsApproved)
    return terminal('T10', { state: 'ESCALATE', reason: 'out-of-scope-change', detail: `The diff was flagged (${f.diff.flags.join(', ')}) and no human approved it.` });
  const failed = f.validation === 'failed' || f.reproductionAfter === 'failed';
  if (failed && f.revisionsLeft > 0) return { kind: 'revise', rule: 'T11' };
  if (failed) {
    const regressed = f.regressions?.length ? ` Regressions (passed on the base commit): ${f.regressions.join(', ')}.` : '';
    const pre = f.preexistingFailures?.length ? ` Failing on the base commit too, not counted: ${f.preexistingFailures.join(', ')}.` : '';
    return terminal('T12', {
      state: 'ESCALATE',
      reason: 'validation-failed',
      detail: (f.reproductionAfter === 'failed' ? 'The reproduction still fails after the change and no revise round is left.' : 'Validation failed and no revise round is left.') + regressed + pre,
    });
  }
  if (f.stationsPending) return { kind: 'continue', rule: 'T13' };
  if (f.reproductionAfter !== 'passed')
    return terminal('T14', { state: 'ESCALATE', reason: 'missing-context', detail: 'The reproduction was not re-run after the change; PR_READY needs it failing before and passing after.' });
  if (f.validation !== 'passed')
    return terminal('T14', { state: 'ESCALATE', reason: 'missing-context', detail: 'No validation ran; PR_READY needs all validation green.' });
  if (f.preexistingFailures?.length) {
    const list = f.preexistingFailures.join(', ');
    if (f.preexistingAccepted === false)
      return terminal('T16', { state: 'ESCALATE', reason: 'pre-existing-failure', detail: `Validation fails the same way on the base commit (${list}) and no human accepted that.` });
    // Before the output gate (undefined) this is what a human is asked to accept there; only a human's approval keeps it.
    const flags = f.diff.flags.length > 0 ? ` Flags approved by a human: ${f.diff.flags.join(', ')}.` : '';
    return terminal('T16', { state: 'PR_READY', reason: 'accepted-with-preexisting-failures', detail: `Failing the same way on the base commit, before the change: ${list}. The rest of validation is green.${flags}` });
  }
  return terminal('T15', f.diff.flags.length > 0 ? { state: 'PR_READY', reason: 'approved-with-flags', detail: `Flags approved by a human: ${f.diff.flags.join(', ')}.` } : { state: 'PR_READY', reason: 'validated-fix' });
}
