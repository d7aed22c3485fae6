import { html, nothing, type TemplateResult } from 'lit-html';
import type { OpenGateView } from '../src/contracts/protocol';
import type { GateChoice, GateDecision, GateRef, RejectTerminal, RenderContext } from './context';
import { budgetView, claimView, commandsView, factsView, gatePacketView, reproductionView } from './gate-details';
import { declinedEffects, effectsView, toolDriftView } from './gate-tools';
import { fold } from './section';

/** Terminal states a reviewer may choose when rejecting at a gate (reason codes from src/contracts/terminal-state.ts). */
export const REJECT_CHOICES: ReadonlyArray<{ label: string; terminal: RejectTerminal }> = [
  { label: 'Escalate: rejected at gate', terminal: { state: 'ESCALATE', reason: 'rejected-at-gate' } },
  { label: 'Escalate: needs a product decision', terminal: { state: 'ESCALATE', reason: 'needs-product-decision' } },
  { label: 'No-op: contradicts intended behaviour', terminal: { state: 'NO_OP', reason: 'contradicts-behaviour' } },
  { label: 'No-op: missing context', terminal: { state: 'NO_OP', reason: 'missing-context' } },
];

const BUTTON_LABELS: Record<GateChoice, string> = { approve: 'Approve', edit: 'Edit plan', retry: 'Retry', skip: 'Skip', reject: 'Reject' };

/**
 * The open gate, rendered for a person: what is under review (a written reproduction, the
 * agent's claim beside the line's own facts, a budget gate's figures, the plan to edit, the
 * tool calls held for the output gate with a checkbox each, changed tool definitions),
 * the raw content one click away, and the decision: approve, edit, retry, skip, reject with
 * the terminal state and reason. The reason, the chosen terminal state and the edited plan
 * are drafts of this gate in the view state. Keyboard: Ctrl+Enter approves, Ctrl+Shift+Enter
 * rejects (Cmd on macOS), from anywhere in the card.
 */
export function gateCard(ctx: RenderContext, gate: OpenGateView): TemplateResult {
  const ref: GateRef = { gateId: gate.gateId, runId: gate.runId, contentHash: gate.contentHash };
  const key = (k: string) => `gate:${gate.gateId}:${k}`;
  const reason = () => ctx.store.draft(key('reason'))?.trim() || undefined;
  const rejectChoice = () => REJECT_CHOICES[Number(ctx.store.draft(key('terminal')) ?? '0')] ?? REJECT_CHOICES[0]!;
  const allowed = (c: GateChoice) => gate.allowed.includes(c);
  const send = (d: GateDecision) => ctx.actions.decideGate(ref, d);
  const decide = (choice: GateChoice) => {
    const why = reason();
    if (choice === 'reject') {
      send({ decision: 'reject', reason: why, terminal: { ...rejectChoice().terminal, detail: why } });
    } else {
      // Held tool calls the reviewer unticked go with the approval; the others run after the gate.
      const declined = choice === 'approve' ? declinedEffects(ctx, gate.gateId, gate.effects) : [];
      send({ decision: choice, reason: why, ...(declined.length ? { declinedEffects: declined } : {}) });
    }
  };
  const canEditPlan = gate.plan !== null && allowed('edit');
  const editorOpen = canEditPlan && ctx.store.isOpen(key('plan-editor'));
  const planText = () => ctx.store.draft(key('plan')) ?? gate.plan ?? '';
  const approveEdited = () => {
    if (!planText().trim()) {
      ctx.errors.set(key('plan'), 'The plan cannot be empty: reject the gate instead.');
      ctx.rerender();
      return;
    }
    send({ decision: 'edit', reason: reason(), editedPlan: planText() });
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
    const choice: GateChoice = e.shiftKey ? 'reject' : 'approve';
    if (!allowed(choice)) return;
    e.preventDefault();
    decide(choice);
  };
  const button = (choice: GateChoice, label = BUTTON_LABELS[choice], secondary = true) =>
    allowed(choice)
      ? html`<vscode-button data-testid="gate-${choice}" ?secondary=${secondary} aria-label=${`${label} at gate ${gate.position} ${gate.stationId}`}
          aria-keyshortcuts=${choice === 'approve' ? 'Control+Enter' : choice === 'reject' ? 'Control+Shift+Enter' : nothing}
          @click=${() => decide(choice)}>${label}</vscode-button>`
      : nothing;
  const structured = gate.claim || gate.budget || gate.reproduction || gate.commands || gate.text !== null || gate.packet || gate.facts || gate.effects?.length;
  const statuses = new Map((gate.diffFiles ?? []).map((f) => [f.path, f.status]));
  const raw = gate.content ? html`<pre class="gate-content" tabindex="0" aria-label="Under review">${gate.content}</pre>` : nothing;
  return html`<div class="gate" role="group" aria-label=${`Gate ${gate.position} ${gate.stationId}`} data-testid="gate" @keydown=${onKey}>
    <h3>Gate ${gate.position} ${gate.stationId}</h3>
    <p>${gate.summary}</p>
    ${gate.packet ? gatePacketView(gate.packet) : nothing}
    ${gate.reproduction ? reproductionView(gate.reproduction) : nothing}
    ${gate.commands ? commandsView(ctx, gate.gateId, gate.commands, gate.facts?.stations.find((s) => s.id === gate.stationId)?.role === 'reproduce') : nothing}
    ${gate.text !== null ? html`<section class="gate-text" aria-label=${`What ${gate.stationId} wrote`} data-testid="gate-text"><h4>What ${gate.stationId} wrote</h4><pre class="prose">${gate.text}</pre></section>` : nothing}
    ${gate.claim || gate.facts
      ? html`<div class="gate-columns">${gate.claim ? claimView(gate.claim) : nothing}${gate.facts ? factsView(gate.facts, gate.claim, (path) => ctx.actions.openDiff(gate.runId, path), statuses) : nothing}</div>`
      : nothing}
    ${gate.effects?.length ? effectsView(ctx, gate.gateId, gate.effects, allowed('approve')) : nothing}
    ${gate.toolDrift?.length ? toolDriftView(ctx, gate.gateId, gate.toolDrift) : nothing}
    ${gate.budget ? budgetView(ctx, gate.gateId, gate.budget, (budget) => send({ decision: 'retry', reason: reason(), raisedBudget: budget })) : nothing}
    ${gate.content && structured ? fold(ctx, key('raw'), 'Everything under review (as recorded)', raw, { className: 'gate-raw' }) : raw}
    ${editorOpen
      ? html`<div class="plan-editor" data-testid="gate-plan-editor">
          <label for="gate-plan">Plan (edit, then approve)</label>
          <textarea id="gate-plan" rows="10" aria-label="Edited plan" data-testid="gate-plan" aria-invalid=${ctx.errors.has(key('plan')) ? 'true' : nothing}
            .value=${planText()}
            @input=${(e: Event) => {
              ctx.store.setDraft(key('plan'), (e.currentTarget as HTMLTextAreaElement).value, gate.plan ?? undefined);
              if (ctx.errors.delete(key('plan'))) ctx.rerender();
            }}></textarea>
          <p class="error" role="alert" data-testid="gate-plan-error">${ctx.errors.get(key('plan')) ?? ''}</p>
          <div class="actions"><vscode-button data-testid="gate-edit-approve" @click=${approveEdited}>Approve edited plan</vscode-button></div>
        </div>`
      : nothing}
    <textarea rows="2" maxlength="4000" placeholder="Reason (recorded with the decision)" aria-label="Reason" data-testid="gate-reason"
      .value=${ctx.store.draft(key('reason')) ?? ''}
      @input=${(e: Event) => ctx.store.setDraft(key('reason'), (e.currentTarget as HTMLTextAreaElement).value, '')}></textarea>
    ${allowed('reject')
      ? html`<select aria-label="Terminal state when rejecting" data-testid="gate-terminal"
          @change=${(e: Event) => ctx.store.setDraft(key('terminal'), (e.currentTarget as HTMLSelectElement).value, '0')}>
          ${REJECT_CHOICES.map((c, i) => html`<option value=${String(i)} ?selected=${rejectChoice() === c}>${c.label}</option>`)}
        </select>`
      : nothing}
    <div class="actions">
      ${button('approve', 'Approve', false)}
      ${canEditPlan
        ? html`<vscode-button secondary data-testid="gate-edit" aria-expanded=${editorOpen ? 'true' : 'false'}
            @click=${() => {
              ctx.store.setOpen(key('plan-editor'), !editorOpen);
              if (editorOpen) ctx.store.setDraft(key('plan'), undefined);
              ctx.rerender();
              if (!editorOpen) document.querySelector<HTMLTextAreaElement>('[data-testid="gate-plan"]')?.focus();
            }}>Edit plan</vscode-button>`
        : nothing}
      ${button('retry', gate.budget ? 'Retry with the same budget' : 'Retry')}
      ${button('skip')}
      ${button('reject')}
    </div>
    ${allowed('approve') || allowed('reject')
      ? html`<p class="muted keys">Keyboard: ${allowed('approve') ? 'Ctrl+Enter approves' : ''}${allowed('approve') && allowed('reject') ? ', ' : ''}${allowed('reject') ? 'Ctrl+Shift+Enter rejects' : ''}.</p>`
      : nothing}
  </div>`;
}
