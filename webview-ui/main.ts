import '@vscode-elements/elements/dist/vscode-button/index.js';
import { notification, parseMessage, type Envelope } from '../src/contracts/protocol';
import { renderSnapshot } from './render';
import { vscodeApi } from './vscode-api';

/**
 * Panel entry point. Keeps only view state; every run, packet and piece of evidence comes
 * from the host in numbered snapshots (style.md "Webview done right"). Messages from the
 * host are validated against the protocol and dropped when they do not parse.
 */
const api = vscodeApi();
const root = document.getElementById('app') as HTMLElement;
let lastSeq = -1;

function send(message: Envelope): void {
  api.postMessage(message);
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseMessage(event.data, 'toWebview');
  if (!parsed.ok) {
    console.warn(`[shopfloor] dropped a host message: ${parsed.error}`);
    return;
  }
  const m = parsed.message;
  if (m.kind === 'notification' && m.method === 'state/didChange') {
    const snapshot = m.params as Parameters<typeof renderSnapshot>[1];
    if (snapshot.seq <= lastSeq) return; // stale push: a newer one was already shown
    lastSeq = snapshot.seq;
    renderSnapshot(root, snapshot, () => send(notification('log/show', {})));
    document.body.dataset.ready = 'true';
    document.body.dataset.seq = String(snapshot.seq);
  }
});

send(notification('webview/ready', { viewState: (api.getState() as Record<string, unknown> | undefined) ?? undefined }));
