import '@vscode-elements/elements/dist/vscode-button/index.js';
import { notification, parseMessage, PROTOCOL_VERSION, type Envelope, type FieldProblem, type MethodName, type PanelSnapshot, type ParamsOf } from '../src/contracts/protocol';
import { renderSnapshot, type PanelActions } from './render';
import { vscodeApi } from './vscode-api';

/**
 * Panel entry point. Keeps only view state; every run, packet and piece of evidence comes
 * from the host in numbered snapshots (style.md "Webview done right"). Messages from the
 * host are validated against the protocol and dropped when they do not parse.
 */
const api = vscodeApi();
const root = document.getElementById('app') as HTMLElement;
let lastSeq = -1;
let last: PanelSnapshot | undefined;
let nextId = 0;
const waiting = new Map<string, (r: { ok: boolean; result?: unknown; error?: { message: string } }) => void>();

function send(message: Envelope): void {
  api.postMessage(message);
}

/** Sends a request and resolves with its response (the host always answers). */
function request<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<{ ok: boolean; result?: unknown; error?: { message: string } }> {
  const id = `w${++nextId}`;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    send({ v: PROTOCOL_VERSION, kind: 'request', id, method, params });
  });
}

/** The last status line; kept across re-renders so a snapshot does not wipe what an action reported. */
let status = { text: '', isError: false };

function setStatus(text: string, isError = false): void {
  status = { text, isError };
  showStatus();
}

function showStatus(): void {
  const el = document.querySelector('[data-testid="message"]');
  if (el) {
    el.textContent = status.text;
    el.classList.toggle('error', status.isError);
  }
}

const actions: PanelActions = {
  showLog: () => send(notification('log/show', {})),
  savePacket: async (value, problems: FieldProblem[]) => {
    if (!last?.packet) return;
    if (problems.length) {
      render(last, problems);
      focusFirstProblem();
      return;
    }
    const r = await request('packet/save', { file: last.packet.file, value });
    const res = r.result as { saved?: boolean } | undefined;
    setStatus(r.ok ? (res?.saved ? 'Packet saved.' : 'Not saved: fix the fields marked below.') : `Error: ${r.error?.message}`, !res?.saved);
    if (!res?.saved) focusFirstProblem();
  },
  approvePacket: async () => {
    if (!last?.packet) return;
    const r = await request('packet/approve', { file: last.packet.file });
    const res = r.result as { approved?: boolean; message?: string } | undefined;
    setStatus(r.ok ? (res?.approved ? 'Packet approved.' : `Not approved: ${res?.message ?? ''}`) : `Error: ${r.error?.message}`, !res?.approved);
  },
  startRun: async () => {
    if (!last?.packet) return;
    const r = await request('run/start', { file: last.packet.file });
    const res = r.result as { started?: boolean; message?: string } | undefined;
    setStatus(r.ok ? (res?.started ? 'Run started.' : `Not started: ${res?.message ?? ''}`) : `Error: ${r.error?.message}`, !res?.started);
  },
  pushBranch: async (runId) => {
    setStatus('Pushing…');
    const r = await request('run/push', { runId });
    const res = r.result as { pushed?: boolean; remote?: string; message?: string } | undefined;
    setStatus(r.ok ? (res?.pushed ? `Pushed to ${res.remote}.` : `Not pushed: ${res?.message ?? ''}`) : `Error: ${r.error?.message}`, !res?.pushed);
  },
  decideGate: async (gate, decision, reason, terminal, editedPlan, raisedBudget) => {
    const r = await request('gate/decide', { ...gate, decision, reason, terminal: terminal as ParamsOf<'gate/decide'>['terminal'], editedPlan, raisedBudget });
    const res = r.result as { accepted?: boolean; problem?: string } | undefined;
    if (!r.ok || !res?.accepted) setStatus(r.ok ? `Not accepted: ${res?.problem ?? 'that gate is no longer open'}.` : `Error: ${r.error?.message}`, true);
  },
};

/** Moves keyboard focus to the first field with an error, so it is seen and can be fixed at once. */
function focusFirstProblem(): void {
  const field = root.querySelector<HTMLElement>('[aria-invalid="true"]');
  field?.scrollIntoView({ block: 'center' });
  field?.focus();
}

function render(snapshot: PanelSnapshot, localProblems: FieldProblem[] = []): void {
  renderSnapshot(root, snapshot, actions, localProblems);
  showStatus();
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseMessage(event.data, 'toWebview');
  if (!parsed.ok) {
    // Responses are not in the method table: route them by id before dropping anything.
    console.warn(`[shopfloor] dropped a host message: ${parsed.error}`);
    return;
  }
  const m = parsed.message;
  if (m.kind === 'response') {
    waiting.get(m.id)?.({ ok: m.ok, result: m.result, error: m.error });
    waiting.delete(m.id);
  } else if (m.kind === 'notification' && m.method === 'state/didChange') {
    const snapshot = m.params as PanelSnapshot;
    if (snapshot.seq <= lastSeq) return; // stale push: a newer one was already shown
    lastSeq = snapshot.seq;
    last = snapshot;
    render(snapshot);
    document.body.dataset.ready = 'true';
    document.body.dataset.seq = String(snapshot.seq);
  }
});

send(notification('webview/ready', { viewState: (api.getState() as Record<string, unknown> | undefined) ?? undefined }));
