import type { FieldProblem, PanelSnapshot, ParamsOf } from '../src/contracts/protocol';
import { HostClient } from './client';
import type { PanelActions, RenderContext } from './context';
import { stepReview } from './evidence-view';
import { LogWindow } from './log-window';
import { packetDraftKey } from './packet-form';
import { renderSnapshot } from './render';
import { ViewStore } from './view-state';
import type { VsCodeApi } from './vscode-api';

/** A started panel: feed it the host's messages; tests read its store and client. */
export interface PanelApp {
  receive(data: unknown): void;
  readonly store: ViewStore;
  /** The last snapshot shown, if any. */
  readonly snapshot: PanelSnapshot | undefined;
}

/**
 * Starts the panel in `root`: restores the view state, renders every newer snapshot
 * (stale ones are dropped by `seq`), sends the ready handshake with the view state, and
 * keeps the page's scroll in the view state. Everything shown comes from the host.
 */
export function startPanel(root: HTMLElement, api: VsCodeApi, win: Window): PanelApp {
  const store = new ViewStore(api);
  let last: PanelSnapshot | undefined;
  let lastSeq = -1;
  let restoredScroll = false;
  const client = new HostClient(api, (n) => {
    if (n.method === 'review/didStep') return stepReview(ctx, last?.review ?? null, n.params.delta);
    if (n.method !== 'state/didChange') return;
    if (n.params.seq <= lastSeq) return; // stale push: a newer one was already shown
    const first = !last;
    if (first) win.performance?.mark?.('shopfloor:snapshot');
    lastSeq = n.params.seq;
    last = n.params;
    draw();
    // The frame after the first render is when it is painted: bench/panel/code-server.ts reads this mark.
    if (first) win.requestAnimationFrame?.(() => win.performance?.mark?.('shopfloor:first-paint'));
    root.ownerDocument.body.dataset.ready = 'true';
    root.ownerDocument.body.dataset.seq = String(n.params.seq);
  });

  const setStatus = (text: string, isError = false) => {
    ctx.status = { text, isError };
    draw();
  };
  const focusFirstProblem = () => {
    const field = root.querySelector<HTMLElement>('[aria-invalid="true"]');
    field?.scrollIntoView?.({ block: 'center' });
    field?.focus();
  };

  const actions: PanelActions = {
    showLog: () => client.notify('log/show', {}),
    closeComparison: () => client.notify('comparison/close', {}),
    refreshComparison: () => client.notify('comparison/refresh', {}),
    savePacket: async (file, value, problems: FieldProblem[]) => {
      ctx.localProblems = problems;
      if (problems.length) {
        draw();
        focusFirstProblem();
        return;
      }
      const r = await client.request('packet/save', { file, value });
      const saved = r.ok && r.result.saved;
      // Saved: the host's value is now what was typed, so the drafts are done with.
      if (saved) store.dropDrafts(packetDraftKey(file, ''));
      setStatus(r.ok ? (saved ? 'Packet saved.' : 'Not saved: fix the fields marked below.') : `Error: ${r.error}`, !saved);
      if (!saved) focusFirstProblem();
    },
    approvePacket: async (file) => {
      const r = await client.request('packet/approve', { file });
      setStatus(r.ok ? (r.result.approved ? 'Packet approved.' : `Not approved: ${r.result.message ?? ''}`) : `Error: ${r.error}`, !(r.ok && r.result.approved));
    },
    startRun: async (file) => {
      const r = await client.request('run/start', { file });
      setStatus(r.ok ? (r.result.started ? 'Run started.' : `Not started: ${r.result.message ?? ''}`) : `Error: ${r.error}`, !(r.ok && r.result.started));
    },
    pushBranch: async (runId) => {
      setStatus('Pushing…');
      const r = await client.request('run/push', { runId });
      setStatus(r.ok ? (r.result.pushed ? `Pushed to ${r.result.remote ?? 'the remote'}.` : `Not pushed: ${r.result.message ?? ''}`) : `Error: ${r.error}`, !(r.ok && r.result.pushed));
    },
    openDiff: async (runId, path) => {
      const r = await client.request('diff/open', { runId, path });
      if (!r.ok) setStatus(`Error: ${r.error}`, true);
      else if (!r.result.opened) setStatus(`Diff not opened: ${r.result.message ?? ''}`, true);
    },
    openReview: async (runId) => {
      const r = await client.request('review/open', { runId });
      if (!r.ok) setStatus(`Error: ${r.error}`, true);
      else if (!r.result.opened) setStatus(`Reviewer mode not opened: ${r.result.message ?? ''}`, true);
    },
    recordVerdict: async (runId, verdict, comment, sectionComments) => {
      const r = await client.request('review/verdict', { runId, verdict, comment, sectionComments });
      const recorded = r.ok && r.result.recorded;
      if (recorded) store.dropDrafts(`review:${runId}:`);
      setStatus(r.ok ? (recorded ? `Verdict recorded${r.result.message ? `: ${r.result.message}` : '.'}` : `Not recorded: ${r.result.message ?? ''}`) : `Error: ${r.error}`, !recorded);
    },
    decideGate: async (gate, d) => {
      const r = await client.request('gate/decide', { ...gate, ...d });
      if (!r.ok) setStatus(`Error: ${r.error}`, true);
      else if (!r.result.accepted) setStatus(`Not accepted: ${r.result.problem ?? 'that gate is no longer open'}.`, true);
    },
  };

  const logRequests = { range: (p: ParamsOf<'log/range'>) => client.request('log/range', p), search: (p: ParamsOf<'log/search'>) => client.request('log/search', p) };
  const follow = { get: () => store.follow, set: (on: boolean) => (store.follow = on) };
  const ctx: RenderContext = {
    store,
    actions,
    localProblems: [],
    status: { text: '', isError: false },
    errors: new Map(),
    log: new LogWindow('run', logRequests, follow, () => draw()),
    reviewLog: new LogWindow('review', logRequests, follow, () => draw()),
    rerender: () => draw(),
  };

  function draw(): void {
    if (!last) return;
    renderSnapshot(root, last, ctx);
    if (!restoredScroll) {
      restoredScroll = true;
      if (store.scrollY) win.scrollTo?.(0, store.scrollY);
    }
  }

  let scrollTimer: ReturnType<typeof setTimeout> | undefined;
  win.addEventListener('scroll', () => {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(() => (store.scrollY = Math.round(win.scrollY)), 150);
  });

  // The host embeds the snapshot it had when it wrote the page: drawn now, not after the ready round trip.
  const initial = root.ownerDocument.getElementById('shopfloor-initial')?.textContent;
  if (initial) {
    try {
      client.receive(JSON.parse(initial));
    } catch {
      console.warn('[shopfloor] the embedded first snapshot is not JSON; waiting for the host');
    }
  }
  // bench/panel/code-server.ts splits the first paint at this mark (evaluated | waiting for the host).
  win.performance?.mark?.('shopfloor:ready-sent');
  client.notify('webview/ready', { viewState: store.snapshot() });
  return {
    receive: (data) => client.receive(data),
    store,
    get snapshot() {
      return last;
    },
  };
}
