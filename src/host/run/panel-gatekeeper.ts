import * as vscode from 'vscode';
import type { ParamsOf, TerminalState } from '../../contracts';
import type { Gate, GateAnswer, Gatekeeper } from '../../core/run/ports';

/** How much of a gate's content (diff, plan, results) the panel shows, in characters. */
const CONTENT_CAP = 200_000;

/** The gate waiting for a human, as the panel shows it. */
export interface OpenGateView {
  gateId: string;
  stationId: string;
  position: 'before' | 'after';
  summary: string;
  content: string;
  allowed: string[];
  /** The plan the reviewer may edit and approve here, or null. */
  plan: string | null;
}

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
      if (this.token?.isCancellationRequested) return reject(new Error('run cancelled'));
      this.pending = { gate, resolve };
      this.token?.onCancellationRequested(() => {
        if (this.pending?.gate === gate) {
          this.pending = undefined;
          this.onChange(null);
          reject(new Error('run cancelled at a gate'));
        }
      });
      this.onChange({
        gateId: gate.gateId,
        stationId: gate.stationId,
        position: gate.position,
        summary: gate.summary,
        content: textOf(gate.content),
        allowed: [...gate.allowed],
        plan: gate.plan ?? null,
      });
      if (this.useModal()) void this.askModal(gate);
    });
  }

  /** The open gate's id, if any. */
  get openGateId(): string | undefined {
    return this.pending?.gate.gateId;
  }

  /** Applies a decision from the panel. Returns false when no such gate is open or the decision is not allowed there. */
  async answer(p: ParamsOf<'gate/decide'>): Promise<boolean> {
    const open = this.pending;
    if (!open || open.gate.gateId !== p.gateId || !open.gate.allowed.includes(p.decision)) return false;
    // The panel edits only plans, and only where the gate offers one.
    if (p.decision === 'edit' && (open.gate.plan === undefined || !p.editedPlan?.trim())) return false;
    const name = await this.who();
    if (this.pending !== open) return false; // cancelled (or answered) while the identity was read
    this.pending = undefined;
    // A rejection ends the run without shipping: never as PR_READY, whatever the message says.
    const chosen = p.terminal && (p.terminal.state === 'ESCALATE' || p.terminal.state === 'NO_OP') ? p.terminal : undefined;
    const terminal: TerminalState | undefined =
      p.decision === 'reject' ? (chosen ?? { state: 'ESCALATE', reason: 'rejected-at-gate', detail: p.reason }) : undefined;
    this.onChange(null);
    const editedPlan = p.decision === 'edit' ? p.editedPlan : undefined;
    open.resolve({ decision: p.decision, by: { kind: 'human', name }, reason: p.reason, terminal, editedPlan });
    return true;
  }

  private async askModal(gate: Gate): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `Shopfloor gate ${gate.position} ${gate.stationId}`,
      { modal: true, detail: gate.summary },
      'Approve',
      'Reject',
    );
    if (!choice || this.pending?.gate !== gate) return;
    await this.answer({ gateId: gate.gateId, decision: choice === 'Approve' ? 'approve' : 'reject' });
  }
}

function textOf(content: unknown): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2) ?? '';
  return text.length > CONTENT_CAP ? `${text.slice(0, CONTENT_CAP)}\n… [${text.length - CONTENT_CAP} more characters not shown; see the run folder]` : text;
}
