import type { FieldProblem, PanelSnapshot } from '../src/contracts/protocol';
import { renderPacketForm } from './packet-form';

/** What the rendered panel can ask of the host. */
export interface PanelActions {
  showLog(): void;
  savePacket(value: Record<string, unknown>, problems: FieldProblem[]): void;
  approvePacket(): void;
  startRun(): void;
  decideGate(gateId: string, decision: 'approve' | 'reject' | 'retry' | 'skip', reason?: string): void;
}

/**
 * Small DOM helper: text is always set with textContent, never parsed as HTML, because
 * snapshots carry repository text (design.md: repository text is rendered as text).
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  children.forEach((c) => node.appendChild(c));
  return node;
}

/** Renders a snapshot into the panel's root element. */
export function renderSnapshot(root: HTMLElement, s: PanelSnapshot, actions: PanelActions, localProblems: FieldProblem[] = []): void {
  const header = el('header', { className: 'header' }, [
    el('h1', { text: 'Shopfloor' }),
    el('span', { className: 'badge', text: `v${s.extensionVersion}`, attrs: { 'data-testid': 'version' } }),
  ]);
  const ws = s.workspace
    ? el('p', {
        className: 'workspace',
        text: `Workspace: ${s.workspace.name}${s.workspace.trusted ? '' : ' (restricted mode: nothing from this workspace runs)'}`,
      })
    : el('p', { className: 'muted', text: 'No folder is open. Open a repository to draft a task packet.' });

  const body: Node[] = [header, ws, el('p', { className: 'message', attrs: { 'data-testid': 'message', role: 'status' } })];
  if (s.packet) {
    body.push(
      renderPacketForm(s.packet, { save: actions.savePacket, approve: actions.approvePacket, startRun: actions.startRun }, localProblems),
    );
  }
  if (s.run) {
    const list = el('ol', { className: 'stations', attrs: { 'aria-label': 'Stations' } });
    for (const st of s.run.stations) {
      list.appendChild(el('li', { className: `station status-${st.status}`, text: `${st.title} (${st.kind}) — ${st.status}` }));
    }
    body.push(el('h2', { text: `Run ${s.run.runId} · ${s.run.blueprint}` }), list);
  } else if (!s.packet) {
    body.push(
      el('section', { className: 'empty' }, [
        el('h2', { text: 'No run yet' }),
        el('p', {
          text: 'Shopfloor drafts a task packet from a seed (an issue, a failing test, an advisory), runs each station of a blueprint in a local devcontainer, and stops at a gate for your approval between steps.',
        }),
      ]),
    );
  }
  const logButton = el('vscode-button' as keyof HTMLElementTagNameMap, { text: 'Show log', attrs: { secondary: '' } });
  logButton.addEventListener('click', () => actions.showLog());
  body.push(el('footer', { className: 'footer' }, [el('span', { className: 'status', text: 'Connected to host', attrs: { 'data-testid': 'connection' } }), logButton]));
  root.replaceChildren(...body);
}
