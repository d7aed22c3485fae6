import type { TerminalState } from '../../contracts';
import type { Gate, GateAnswer, Gatekeeper } from './ports';
import { heldEffectIds } from '../mcp/effects';

/** Why an unattended policy must hand a gate to a human, or undefined when it may decide. */
export function needsHuman(gate: Gate): { why: string; terminal: TerminalState } | undefined {
  const { packetRisk, touchedRiskPaths, diffFlags } = gate.risk;
  if (packetRisk === 'hard-stop') return { why: 'the packet is hard-stop risk', terminal: { state: 'ESCALATE', reason: 'hard-stop-risk', detail: 'Hard-stop risk: a human must decide this gate.' } };
  if (touchedRiskPaths.length)
    return {
      why: `the change touches risk paths (${touchedRiskPaths.join(', ')})`,
      terminal: { state: 'ESCALATE', reason: 'hard-stop-risk', detail: `The change touches risk paths: ${touchedRiskPaths.join(', ')}. A human must decide.` },
    };
  if (diffFlags.length)
    return {
      why: `the diff is flagged (${diffFlags.join(', ')})`,
      terminal: { state: 'ESCALATE', reason: 'out-of-scope-change', detail: `The diff is flagged (${diffFlags.join(', ')}) and needs a human's explicit approval.` },
    };
  if (gate.risk.budgetExceeded)
    return { why: `an agent reached its budget (${gate.risk.budgetExceeded})`, terminal: { state: 'ESCALATE', reason: 'budget-exceeded', detail: `An agent station reached its budget: ${gate.risk.budgetExceeded}. Only a human raises a budget.`.slice(0, 4000) } };
  if (gate.risk.claim === 'NO_OP')
    return { why: 'the agent claims there is nothing to change', terminal: { state: 'ESCALATE', reason: 'needs-product-decision', detail: "The agent claimed NO_OP; only a human accepts such a claim (rule T8c)." } };
  if (gate.risk.preexistingFailures?.length) {
    const list = gate.risk.preexistingFailures.join(', ');
    return {
      why: `validation fails on the base commit too (${list})`,
      terminal: { state: 'ESCALATE', reason: 'pre-existing-failure', detail: `Validation fails the same way on the base commit, before any change (${list}); only a human can accept a change resting on pre-existing failures.` },
    };
  }
  return undefined;
}

/**
 * The unattended policy (design.md "The same runtime, two patterns"): approves every gate
 * by rule, except that hard-stop risk, a change touching the blueprint's riskPaths, a
 * flagged diff, validation failures that were already there on the base commit
 * (docs/terminal-decision.md T16), an agent that reached its budget (T2b) or an agent's
 * NO_OP claim (T8c) always stop for a human. With a `human` gatekeeper (a
 * terminal prompt) those gates go to the human; without one (headless, no TTY) the policy
 * rejects them and the run ends ESCALATE (`hard-stop-risk`, `out-of-scope-change` for flags
 * only, `pre-existing-failure` for pre-existing failures only). An output gate holding
 * tool calls (MCP effects) goes to the human when there is one; without one the policy
 * approves the change and the calls are discarded (only a human approves them).
 */
export class PolicyGatekeeper implements Gatekeeper {
  constructor(
    private readonly human?: Gatekeeper,
    private readonly name = 'unattended-policy',
  ) {}

  async decide(gate: Gate): Promise<GateAnswer> {
    const stop = needsHuman(gate);
    // Held tool calls run only on a human's approval (core/mcp/effects.ts planEffects): a human who is there is asked; without one the change is approved and the calls are discarded.
    const held = heldEffectIds(gate.content).length;
    if (!stop && held && this.human) return this.human.decide(gate);
    if (!stop)
      return {
        decision: 'approve',
        by: { kind: 'policy', name: this.name },
        reason: `no hard-stop risk, risk path, diff flag or pre-existing failure${held ? `; ${held} held tool call(s) are not run: only a human approves them` : ''}`,
      };
    if (this.human) return this.human.decide(gate);
    return { decision: 'reject', by: { kind: 'policy', name: this.name }, reason: `needs a human: ${stop.why}; none is available`, terminal: stop.terminal };
  }
}
