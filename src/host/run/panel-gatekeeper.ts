import * as vscode from 'vscode';
import type { OpenGateView, ParamsOf } from '../../contracts';
import { RunInterruptedError } from '../../core/run/errors';
import { normalizeAnswer } from '../../core/run/gates';
import type { Gate, GateAnswer, Gatekeeper } from '../../core/run/ports';
import { openGateView } from './gate-view';

/**
 * Gates decided by a human in the editor (design.md "Gate": only ever by a human action
 * in the UI). `decide` opens the gate and waits; the panel's `gate/decide` request (or the
 * optional modal) resolves it with the identity of the person at the keyboard. An agent
 * or tool call has no path to `answer`.
 */
export class PanelGatekeeper implements Gatekeeper {
  private pending: { gate: Gate; resolve: (a: GateAnswer) => void } | undefined;

  constructor(
    private readonly who: () => Promise<string>,
    private readonly onChange: (gate: OpenGateView | null) => void,
    private readonly useModal: () => boolean,
    private readonly token?: vscode.CancellationToken,
  ) {}

  decide(gate: Gate): Promise<GateAnswer> {
    return new Promise<GateAnswer>((resolve, reject) => {
      // A cancel at a gate interrupts the run (resumable), as a cancel during a station does.
      if (this.token?.isCancellationRequested) return reject(new RunInterruptedError('the run was cancelled'));
      this.pending = { gate, resolve };
      this.token?.onCancellationRequested(() => {
        if (this.pending?.gate === gate) {
          this.pending = undefined;
          this.onChange(null);
          reject(new RunInterruptedError(`the run was cancelled at gate ${gate.gateId}`));
        }
      });
      this.onChange(openGateView(gate));
      if (this.useModal()) void this.askModal(gate);
    });
  }

  /** The open gate's id, if any. */
  get openGateId(): string | undefined {
    return this.pending?.gate.gateId;
  }

  /**
   * Applies a decision from the panel. Returns `{ accepted: false, problem }` when no such
   * gate is open, the decision names another run or content than the open gate shows, or
   * the gate rules (src/core/run/gates.ts) refuse it; the gate then stays open.
   */
  async answer(p: ParamsOf<'gate/decide'>): Promise<{ accepted: boolean; problem?: string }> {
    const open = this.pending;
    if (!open || open.gate.gateId !== p.gateId) return { accepted: false, problem: `gate ${p.gateId} is not open` };
    if (p.runId !== undefined && p.runId !== open.gate.runId) return { accepted: false, problem: `the decision is for run ${p.runId}, the open gate is run ${open.gate.runId}'s` };
    if (p.contentHash !== undefined && p.contentHash !== open.gate.contentHash) return { accepted: false, problem: 'the decision was made on other content than the gate now shows' };
    const name = await this.who();
    if (this.pending !== open) return { accepted: false, problem: 'the gate closed while the decision was read' };
    const n = normalizeAnswer(open.gate, {
      decision: p.decision,
      by: { kind: 'human', name },
      reason: p.reason,
      terminal: p.terminal,
      editedPlan: p.decision === 'edit' ? p.editedPlan : undefined,
      // A raised budget is checked by the gate rules: only with retry, at a budget gate.
      ...(p.raisedBudget ? { raisedBudget: p.raisedBudget } : {}),
      // Declined held tool calls are checked by the gate rules against what the gate holds.
      ...(p.declinedEffects?.length ? { declinedEffects: p.declinedEffects } : {}),
    });
    if ('problem' in n) return { accepted: false, problem: n.problem };
    this.pending = undefined;
    this.onChange(null);
    open.resolve(n.answer);
    return { accepted: true };
  }

  private async askModal(gate: Gate): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `Shopfloor gate ${gate.position} ${gate.stationId}`,
      { modal: true, detail: gate.summary },
      // A budget gate has no approve: its retry with a raised budget is in the panel.
      ...(gate.allowed.includes('approve') ? ['Approve'] : []),
      'Reject',
    );
    if (!choice || this.pending?.gate !== gate) return;
    await this.answer({ gateId: gate.gateId, runId: gate.runId, contentHash: gate.contentHash, decision: choice === 'Approve' ? 'approve' : 'reject' });
  }
}
