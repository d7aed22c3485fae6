import { BudgetSchema, TERMINAL_REASONS, TaskPacketSchema, isStationWall, type GateChoice, type Station, type TerminalState } from '../../contracts';
import type { Gate, GateAnswer } from './ports';
import { heldEffectIds } from '../mcp/effects';

/**
 * The gate rules in one place (design.md "Gate"): which decisions a gate allows, what a
 * rejection ends in when the decider names no terminal state, and the normalisation of
 * an answer. The engine, the editor's gatekeeper and the terminal gatekeeper all call
 * these; nothing else decides whether an answer is acceptable.
 */

/** What a rejection ends in when the decider chose no terminal state (rule T1 of docs/terminal-decision.md). */
export const DEFAULT_REJECTION: TerminalState = Object.freeze({ state: 'ESCALATE', reason: 'rejected-at-gate' }) as TerminalState;

/**
 * The decisions a station's gate allows: before a station approve, reject, edit (the
 * packet or plan) and skip where the blueprint allows it; after a station approve, reject,
 * edit and retry. The output gate (`decide.after`) allows only approve and reject: what
 * ships is decided, not edited. The after gate of a station whose agent reached its budget
 * (`budget`) allows retry (with a raised budget) and reject.
 */
export function gateChoicesFor(station: Pick<Station, 'gate'> | 'output' | 'budget', position: 'before' | 'after'): GateChoice[] {
  if (station === 'output') return ['approve', 'reject'];
  // A station that reached its budget: raise it and retry, or stop (rule T2b); approving would ship nothing.
  if (station === 'budget') return ['retry', 'reject'];
  if (position === 'before') return ['approve', 'reject', 'edit', ...(station.gate.allowSkip ? (['skip'] as const) : [])];
  return ['approve', 'reject', 'edit', 'retry'];
}

/**
 * A rejection's terminal state: the decider's choice when it is ESCALATE or NO_OP (a
 * rejection never ships, so it can never end PR_READY, and RETRYABLE_FAILURE belongs to
 * the environment), else DEFAULT_REJECTION carrying the decider's reason as its detail.
 */
export function rejectionTerminal(chosen: TerminalState | undefined, reason?: string): TerminalState {
  if (chosen && (chosen.state === 'ESCALATE' || chosen.state === 'NO_OP')) return chosen;
  return reason ? { ...DEFAULT_REJECTION, detail: reason.slice(0, 4000) } : DEFAULT_REJECTION;
}

/**
 * Checks and normalises an answer for `gate`. Returns the answer to record (a reject
 * always carries its terminal state; fields that do not belong to the decision are
 * dropped) or `{ problem }` saying why it cannot be accepted: a decision the gate does not
 * allow, no decider named, a raised budget where the gate offers none or not from a human
 * or not a valid budget, an edit with neither an edited packet nor a non-empty edited
 * plan, an edited plan where the gate offers none to edit, an edited packet that is not a
 * valid task packet, declined tool calls with anything but approve or naming a call the
 * gate's content does not hold. Pure.
 */
export function normalizeAnswer(gate: Pick<Gate, 'allowed' | 'plan'> & { risk?: Pick<Gate['risk'], 'budgetExceeded'>; content?: unknown }, a: GateAnswer): { answer: GateAnswer } | { problem: string } {
  if (!gate.allowed.includes(a.decision)) return { problem: `this gate allows ${gate.allowed.join(', ')}` };
  if (!a.by?.name?.trim()) return { problem: 'it does not say who decided' };
  const base: GateAnswer = { decision: a.decision, by: a.by, ...(a.reason !== undefined ? { reason: a.reason } : {}) };
  if (a.declinedEffects?.length) {
    // Declining held tool calls is part of approving the change that carries them (the output gate's content lists them).
    if (a.decision !== 'approve') return { problem: 'held tool calls are declined only when approving the output gate (a rejection discards them all)' };
    const held = new Set(heldEffectIds(gate.content));
    const unknown = a.declinedEffects.filter((id) => !held.has(id));
    if (unknown.length) return { problem: `this gate holds no tool call ${unknown.join(', ')}` };
    base.declinedEffects = [...new Set(a.declinedEffects)];
  }
  switch (a.decision) {
    case 'retry': {
      if (a.raisedBudget === undefined) return { answer: base };
      if (!gate.risk?.budgetExceeded) return { problem: 'this gate offers no budget to raise' };
      if (a.by.kind !== 'human') return { problem: 'only a human raises a budget' };
      const b = BudgetSchema.safeParse(a.raisedBudget);
      if (!b.success) return { problem: `the raised budget is not a valid budget (${b.error.issues[0]?.path.join('.') || 'root'}: ${b.error.issues[0]?.message})` };
      return { answer: { ...base, raisedBudget: b.data } };
    }
    case 'reject':
      return { answer: { ...base, terminal: rejectionTerminal(a.terminal, a.reason) } };
    case 'edit': {
      const plan = a.editedPlan !== undefined && a.editedPlan.trim() !== '' ? a.editedPlan : undefined;
      if (!a.editedPacket && plan === undefined) return { problem: 'an edit needs an edited packet or a non-empty edited plan' };
      if (plan !== undefined && gate.plan === undefined && !a.editedPacket) return { problem: 'this gate offers no plan to edit' };
      if (a.editedPacket) {
        const parsed = TaskPacketSchema.safeParse(a.editedPacket);
        if (!parsed.success) return { problem: `the edited packet is not a valid task packet (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message})` };
        return { answer: { ...base, editedPacket: parsed.data, ...(plan !== undefined ? { editedPlan: plan } : {}) } };
      }
      return { answer: { ...base, editedPlan: plan } };
    }
    default:
      return { answer: base };
  }
}

/**
 * The terminal states a reviewer may choose when rejecting at a gate, in menu order:
 * ESCALATE's reasons, then NO_OP's. Station walls and budget stops are not among them (they
 * are the line's finding, rules T2w and T2b), nor is PR_READY (a rejection never ships) or RETRYABLE_FAILURE (the
 * environment's). Pure.
 */
export function reviewerRejections(): TerminalState[] {
  return [
    ...TERMINAL_REASONS.ESCALATE.filter((reason) => !isStationWall(reason) && reason !== 'budget-exceeded').map((reason) => ({ state: 'ESCALATE', reason }) as TerminalState),
    ...TERMINAL_REASONS.NO_OP.map((reason) => ({ state: 'NO_OP', reason }) as TerminalState),
  ];
}
