import type { FieldProblem, PanelSnapshot } from '../src/contracts/protocol';
import { renderPacketForm } from './packet-form';
import { el } from './render-dom';
import { type GateDecide, renderRun } from './run-view';

/** What the rendered panel can ask of the host. */
export interface PanelActions {
  showLog(): void;
  savePacket(value: Record<string, unknown>, problems: FieldProblem[]): void;
  approvePacket(): void;
  startRun(): void;
  pushBranch(runId: string): void;
  decideGate: GateDecide;
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
  if (s.run) {
    body.push(renderRun(s.run, actions.decideGate, (runId) => actions.pushBranch(runId)));
  }
  if (s.packet) {
    const form = renderPacketForm(s.packet, { save: actions.savePacket, approve: actions.approvePacket, startRun: actions.startRun }, localProblems);
    // While a run is shown, the packet it came from folds away under the run.
    body.push(s.run ? el('details', { className: 'packet-fold' }, [el('summary', { text: `Task packet · ${s.packet.file}` }), form]) : form);
  }
  if (!s.run && !s.packet) {
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
