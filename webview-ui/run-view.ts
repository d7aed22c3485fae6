import type { PanelSnapshot } from '../src/contracts/protocol';
import { el } from './render-dom';

type RunView = NonNullable<PanelSnapshot['run']>;
export type GateChoice = 'approve' | 'reject' | 'retry' | 'skip';

/** Terminal states a reviewer may choose when rejecting at a gate (reason codes from src/contracts/terminal-state.ts). */
const REJECT_CHOICES: Array<{ label: string; state: 'ESCALATE' | 'NO_OP'; reason: string }> = [
  { label: 'Escalate: rejected at gate', state: 'ESCALATE', reason: 'rejected-at-gate' },
  { label: 'Escalate: needs a product decision', state: 'ESCALATE', reason: 'needs-product-decision' },
  { label: 'No-op: contradicts intended behaviour', state: 'NO_OP', reason: 'contradicts-behaviour' },
  { label: 'No-op: missing context', state: 'NO_OP', reason: 'missing-context' },
];

const STATUS_ICON: Record<string, string> = { pending: '○', gate: '⏸', running: '▶', passed: '✓', failed: '✗', skipped: '↷' };

/** Renders a run: its stations, the open gate with what is under review, and the terminal state. */
export function renderRun(
  run: RunView,
  decide: (gateId: string, decision: GateChoice, reason?: string, terminal?: { state: 'ESCALATE' | 'NO_OP'; reason: string; detail?: string }) => void,
  push?: (runId: string) => void,
): HTMLElement {
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

  const gate = run.openGate;
  if (gate) {
    const box = el('div', { className: 'gate', attrs: { role: 'group', 'aria-label': `Gate ${gate.position} ${gate.stationId}`, 'data-testid': 'gate' } });
    box.append(el('h3', { text: `Gate ${gate.position} ${gate.stationId}` }), el('p', { text: gate.summary }));
    if (gate.content) box.append(el('pre', { className: 'gate-content', text: gate.content, attrs: { tabindex: '0', 'aria-label': 'Under review' } }));
    const reason = el('textarea', { attrs: { rows: '2', maxlength: '4000', placeholder: 'Reason (recorded with the decision)', 'aria-label': 'Reason', 'data-testid': 'gate-reason' } });
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
          decide(gate.gateId, choice, why, { state: c.state, reason: c.reason, detail: why });
        } else decide(gate.gateId, choice, why);
      });
      buttons.append(b);
    };
    add('approve', 'Approve', false);
    add('retry', 'Retry', true);
    add('skip', 'Skip', true);
    add('reject', 'Reject', true);
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
