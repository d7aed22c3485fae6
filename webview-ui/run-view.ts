import type { PanelSnapshot, ParamsOf } from '../src/contracts/protocol';
import type { Budget } from '../src/contracts/agent';
import { renderBudget, renderClaim, renderFacts, renderReproduction, renderStationLog } from './gate-details';
import { el } from './render-dom';

type RunView = NonNullable<PanelSnapshot['run']>;
/** A gate decision the panel can send: the protocol's own list. */
export type GateChoice = ParamsOf<'gate/decide'>['decision'];

/** Which gate a decision is for: the run and the content hash shown travel with it, so the host refuses a decision meant for other content. */
export interface GateRef {
  gateId: string;
  runId: string;
  contentHash: string;
}

/** Called with a gate decision; `editedPlan` comes with `edit`, `raisedBudget` with `retry` at a budget gate. */
export type GateDecide = (
  gate: GateRef,
  decision: GateChoice,
  reason?: string,
  terminal?: { state: 'ESCALATE' | 'NO_OP'; reason: string; detail?: string },
  editedPlan?: string,
  raisedBudget?: Budget,
) => void;

/**
 * What the reviewer has typed at the open gate (reason, edited plan), kept across
 * re-renders: every snapshot redraws the panel, and a half-written edit must survive it.
 * View state only (style.md): it is dropped as soon as another gate opens.
 */
const drafts: { gateId?: string; reason?: string; plan?: string } = {};

/** Terminal states a reviewer may choose when rejecting at a gate (reason codes from src/contracts/terminal-state.ts). */
const REJECT_CHOICES: Array<{ label: string; state: 'ESCALATE' | 'NO_OP'; reason: string }> = [
  { label: 'Escalate: rejected at gate', state: 'ESCALATE', reason: 'rejected-at-gate' },
  { label: 'Escalate: needs a product decision', state: 'ESCALATE', reason: 'needs-product-decision' },
  { label: 'No-op: contradicts intended behaviour', state: 'NO_OP', reason: 'contradicts-behaviour' },
  { label: 'No-op: missing context', state: 'NO_OP', reason: 'missing-context' },
];

const STATUS_ICON: Record<string, string> = { pending: '○', gate: '⏸', running: '▶', passed: '✓', failed: '✗', skipped: '↷' };

/** Renders a run: its stations, the open gate with what is under review, and the terminal state. */
export function renderRun(run: RunView, decide: GateDecide, push?: (runId: string) => void): HTMLElement {
  const section = el('section', { className: 'run', attrs: { 'aria-label': 'Run', 'data-testid': 'run' } });
  section.append(el('h2', { text: `Run ${run.runId} · ${run.blueprint}` }));
  const list = el('ol', { className: 'stations', attrs: { 'aria-label': 'Stations' } });
  for (const st of run.stations) {
    list.append(
      el('li', { className: `station status-${st.status}`, attrs: { 'data-station': st.id, 'data-status': st.status } }, [
        el('span', { className: 'icon', text: STATUS_ICON[st.status] ?? '•', attrs: { 'aria-hidden': 'true' } }),
        el('span', { text: `${st.title} (${st.kind}): ${st.status}` }),
      ]),
    );
  }
  section.append(list);
  if (run.log) section.append(renderStationLog(run.log, run.stations.some((s) => s.id === run.log!.stationId && s.status === 'running')));

  const gate = run.openGate;
  if (gate) {
    if (drafts.gateId !== gate.gateId) Object.assign(drafts, { gateId: gate.gateId, reason: undefined, plan: undefined });
    const ref: GateRef = { gateId: gate.gateId, runId: gate.runId, contentHash: gate.contentHash };
    const box = el('div', { className: 'gate', attrs: { role: 'group', 'aria-label': `Gate ${gate.position} ${gate.stationId}`, 'data-testid': 'gate' } });
    box.append(el('h3', { text: `Gate ${gate.position} ${gate.stationId}` }), el('p', { text: gate.summary }));
    // A written reproduction first (it is what is under review), then the claim beside the line's own facts; the raw content stays one click away.
    if (gate.reproduction) box.append(renderReproduction(gate.reproduction));
    if (gate.claim || gate.facts) box.append(el('div', { className: 'gate-columns' }, [...(gate.claim ? [renderClaim(gate.claim)] : []), ...(gate.facts ? [renderFacts(gate.facts)] : [])]));
    if (gate.budget) box.append(renderBudget(gate.gateId, gate.budget, (budget) => decide(ref, 'retry', reason.value.trim() || undefined, undefined, undefined, budget)));
    const raw = gate.content ? el('pre', { className: 'gate-content', text: gate.content, attrs: { tabindex: '0', 'aria-label': 'Under review' } }) : undefined;
    if (raw) box.append(gate.claim || gate.budget || gate.reproduction ? el('details', { className: 'gate-raw' }, [el('summary', { text: 'Everything under review (as recorded)' }), raw]) : raw);
    const reason = el('textarea', { attrs: { rows: '2', maxlength: '4000', placeholder: 'Reason (recorded with the decision)', 'aria-label': 'Reason', 'data-testid': 'gate-reason' } });
    reason.value = drafts.reason ?? '';
    reason.addEventListener('input', () => (drafts.reason = reason.value));
    const select = el('select', { attrs: { 'aria-label': 'Terminal state when rejecting', 'data-testid': 'gate-terminal' } });
    REJECT_CHOICES.forEach((c, i) => select.append(el('option', { text: c.label, attrs: { value: String(i) } })));
    const buttons = el('div', { className: 'actions' });
    const add = (choice: GateChoice, label: string, secondary: boolean) => {
      if (!gate.allowed.includes(choice)) return;
      const b = el('vscode-button' as keyof HTMLElementTagNameMap, { text: label, attrs: { 'data-testid': `gate-${choice}` } });
      if (secondary) b.setAttribute('secondary', '');
      b.addEventListener('click', () => {
        const why = reason.value.trim() || undefined;
        if (choice === 'reject') {
          const c = REJECT_CHOICES[Number(select.value)] ?? REJECT_CHOICES[0]!;
          decide(ref, choice, why, { state: c.state, reason: c.reason, detail: why });
        } else decide(ref, choice, why);
      });
      buttons.append(b);
    };
    add('approve', 'Approve', false);
    const planEditor = gate.plan !== null && gate.allowed.includes('edit') ? renderPlanEditor(ref, gate.plan, () => reason.value.trim() || undefined, decide) : undefined;
    if (planEditor) buttons.append(planEditor.toggle);
    // At a budget gate, a retry without a raised budget runs the agent again under the same limits.
    add('retry', gate.budget ? 'Retry with the same budget' : 'Retry', true);
    add('skip', 'Skip', true);
    add('reject', 'Reject', true);
    if (planEditor) box.append(planEditor.editor);
    box.append(reason);
    if (gate.allowed.includes('reject')) box.append(select);
    box.append(buttons);
    section.append(box);
  }
  if (run.terminal) {
    section.append(
      el('p', { className: `terminal terminal-${run.terminal.state}`, attrs: { 'data-testid': 'terminal' } }, [
        el('strong', { text: run.terminal.state }),
        el('span', { text: ` (${run.terminal.reason})${run.terminal.detail ? `: ${run.terminal.detail}` : ''}` }),
      ]),
    );
    if (run.output) section.append(el('p', { text: `Output: ${run.output}`, attrs: { 'data-testid': 'output' } }));
    if (run.branch && run.terminal.state === 'PR_READY' && push) {
      const b = el('vscode-button' as keyof HTMLElementTagNameMap, { text: 'Push branch and open pull request', attrs: { 'data-testid': 'push' } });
      b.addEventListener('click', () => push(run.runId));
      section.append(el('div', { className: 'actions' }, [b]));
    }
    if (run.evidence) section.append(el('p', { text: `Evidence: ${run.evidence}` }));
  }
  return section;
}

/**
 * "Edit plan": a textarea holding the plan under review and an "Approve edited plan"
 * button that sends an `edit` decision with the new text (design.md "Gate": edit, then
 * approve). The host records the hash of the edited plan as what was approved, and the
 * implement station receives the edited plan.
 */
function renderPlanEditor(
  gate: GateRef,
  plan: string,
  reason: () => string | undefined,
  decide: GateDecide,
): { toggle: HTMLElement; editor: HTMLElement } {
  const text = el('textarea', { attrs: { rows: '10', 'aria-label': 'Edited plan', 'data-testid': 'gate-plan' } });
  text.value = drafts.plan ?? plan;
  const problem = el('p', { className: 'error', attrs: { role: 'alert', 'data-testid': 'gate-plan-error' } });
  const approve = el('vscode-button' as keyof HTMLElementTagNameMap, { text: 'Approve edited plan', attrs: { 'data-testid': 'gate-edit-approve' } });
  approve.addEventListener('click', () => {
    if (!text.value.trim()) {
      problem.textContent = 'The plan cannot be empty: reject the gate instead.';
      text.setAttribute('aria-invalid', 'true');
      text.focus();
      return;
    }
    decide(gate, 'edit', reason(), undefined, text.value);
  });
  const editor = el('div', { className: 'plan-editor', attrs: { 'data-testid': 'gate-plan-editor' } }, [
    el('label', { text: 'Plan (edit, then approve)' }),
    text,
    problem,
    el('div', { className: 'actions' }, [approve]),
  ]);
  const open = (show: boolean) => {
    editor.hidden = !show;
    if (show) drafts.plan ??= plan;
    else drafts.plan = undefined;
  };
  open(drafts.plan !== undefined);
  text.addEventListener('input', () => (drafts.plan = text.value));
  const toggle = el('vscode-button' as keyof HTMLElementTagNameMap, { text: 'Edit plan', attrs: { secondary: '', 'data-testid': 'gate-edit' } });
  toggle.addEventListener('click', () => {
    open(editor.hidden);
    if (!editor.hidden) text.focus();
  });
  return { toggle, editor };
}
