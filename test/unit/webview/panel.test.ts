import { strict as assert } from 'node:assert';
import { PROTOCOL_VERSION } from '../../../src/contracts/protocol';
import { aGate, aRun, aSnapshot, aStation, pushOf } from './builders';
import { FakeVsCodeApi, installDom, type } from './dom';

const win = installDom();
// lit-html reads `document` when it loads: require the panel only after the DOM is installed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPanel } = require('../../../webview-ui/panel-app') as typeof import('../../../webview-ui/panel-app');

function mount(api = new FakeVsCodeApi()) {
  const root = win.document.createElement('main');
  root.innerHTML = '<p class="muted">Connecting to Shopfloor…</p>';
  win.document.body.replaceChildren(root);
  const app = startPanel(root as unknown as HTMLElement, api, win as unknown as Window);
  return { root: root as unknown as HTMLElement, app, api };
}

const q = (root: HTMLElement, sel: string) => root.querySelector(sel);
const openFold = (d: Element | null) => {
  if (!d) throw new Error('no such section');
  (d as HTMLDetailsElement).open = true;
  d.dispatchEvent(new win.Event('toggle') as unknown as Event);
};

describe('webview-ui: keyed rendering and view state', () => {
  it('draws the snapshot the host embedded in the page before any message arrives, then sends ready', () => {
    const api = new FakeVsCodeApi();
    const data = win.document.createElement('script');
    data.setAttribute('type', 'application/json');
    data.id = 'shopfloor-initial';
    data.textContent = JSON.stringify(pushOf(aSnapshot(3, { run: aRun() })));
    win.document.head.appendChild(data);
    try {
      const { root, app } = mount(api);
      assert.ok(q(root, '[data-testid="run"]'), 'the run is drawn from the embedded snapshot');
      assert.equal(app.snapshot?.seq, 3);
      assert.equal((api.posted.at(-1) as { method: string }).method, 'webview/ready');
      app.receive(pushOf(aSnapshot(3, { run: null })));
      assert.ok(q(root, '[data-testid="run"]'), 'the host\'s push of the same seq is stale');
    } finally {
      data.remove();
    }
  });

  it('sends the ready handshake with the view state, then shows the first snapshot in place of the placeholder', () => {
    const { root, app, api } = mount();
    assert.deepEqual((api.posted[0] as { method: string }).method, 'webview/ready');
    app.receive(pushOf(aSnapshot(1)));
    assert.equal(root.textContent?.includes('Connecting'), false);
    assert.ok(q(root, '[data-testid="packet-form"]'));
    assert.equal((q(root, '[data-field="intent"]') as HTMLTextAreaElement).value, 'Make index.js export 42.');
  });

  it('a snapshot during a run keeps an open section open, the same field focused, and a half-typed packet edit and gate reason intact', () => {
    const { root, app } = mount();
    const gate = aGate();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: gate }) })));
    openFold(q(root, '[data-section="packet-fold"]'));
    const intent = q(root, '[data-field="intent"]') as HTMLTextAreaElement;
    type(intent, 'Make index.js export 4');
    intent.focus();
    type(q(root, '[data-testid="gate-reason"]'), 'looks rig');

    // The next station event: a new snapshot with a changed station and new log lines, same gate.
    app.receive(pushOf(aSnapshot(2, { run: aRun({ openGate: gate, stations: [...aRun().stations.slice(0, 1), aStation({ id: 'implement', kind: 'agent', status: 'gate', attempts: 1 }), aRun().stations[2]!], log: { stationId: 'implement', lines: ['one', 'two'], dropped: 0 } }) })));

    assert.equal((q(root, '[data-section="packet-fold"]') as HTMLDetailsElement).open, true, 'the packet section stays open');
    assert.equal(q(root, '[data-field="intent"]'), intent, 'the field is patched, not replaced');
    assert.equal(intent.value, 'Make index.js export 4', 'the half-typed edit is intact');
    assert.equal(win.document.activeElement, intent as unknown, 'focus stays in the field');
    assert.equal((q(root, '[data-testid="gate-reason"]') as HTMLTextAreaElement).value, 'looks rig');
    assert.equal(q(root, '[data-station="implement"]')?.getAttribute('data-status'), 'gate', 'what changed is patched in');
    assert.ok(q(root, '[data-testid="edited-intent"]'), 'the field says it has unsaved edits');
  });

  it('a host update of the packet does not overwrite a draft, and a field typed back to the host value is no draft', () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1)));
    type(q(root, '[data-field="intent"]'), 'my edit');
    const changed = aSnapshot(2);
    changed.packet!.value = { ...changed.packet!.value, intent: 'changed on disk', risk: 'hard-stop' };
    app.receive(pushOf(changed));
    assert.equal((q(root, '[data-field="intent"]') as HTMLTextAreaElement).value, 'my edit');
    assert.equal((q(root, '[data-field="risk"]') as HTMLSelectElement).value, 'hard-stop', 'fields without a draft follow the host');
    type(q(root, '[data-field="intent"]'), 'changed on disk');
    assert.deepEqual((api.state as { drafts: Record<string, string> }).drafts, {});
    assert.equal(q(root, '[data-testid="packet-unsaved"]'), null);
  });

  it('keeps drafts and open sections in the webview state, so a panel hidden and shown again (a new webview) restores them', () => {
    const first = mount();
    first.app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate() }) })));
    openFold(q(first.root, '[data-section="packet-fold"]'));
    type(q(first.root, '[data-field="intent"]'), 'half-typed');
    type(q(first.root, '[data-testid="gate-reason"]'), 'because');

    const again = mount(new FakeVsCodeApi(first.api.state));
    const ready = again.api.posted[0] as { params: { viewState: { drafts: Record<string, string> } } };
    assert.equal(ready.params.viewState.drafts['packet:.shopfloor/packets/fix.json:intent'], 'half-typed', 'the handshake carries the view state');
    again.app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate() }) })));
    assert.equal((q(again.root, '[data-section="packet-fold"]') as HTMLDetailsElement).open, true);
    assert.equal((q(again.root, '[data-field="intent"]') as HTMLTextAreaElement).value, 'half-typed');
    assert.equal((q(again.root, '[data-testid="gate-reason"]') as HTMLTextAreaElement).value, 'because');
  });

  it('a new gate gets a fresh card: the decided gate\'s reason is dropped from the view state', () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate() }) })));
    type(q(root, '[data-testid="gate-reason"]'), 'for the old gate');
    app.receive(pushOf(aSnapshot(2, { run: aRun({ openGate: aGate({ gateId: 'validate.after.3', stationId: 'validate', contentHash: 'h2' }) }) })));
    assert.equal((q(root, '[data-testid="gate-reason"]') as HTMLTextAreaElement).value, '');
    assert.deepEqual(Object.keys((api.state as { drafts: object }).drafts), []);
  });

  it('drops a stale snapshot (a lower seq than the one shown)', () => {
    const { root, app } = mount();
    app.receive(pushOf(aSnapshot(5, { run: aRun() })));
    app.receive(pushOf(aSnapshot(4, { run: null })));
    assert.ok(q(root, '[data-testid="run"]'));
    assert.equal(app.snapshot?.seq, 5);
  });

  it('a gate decision carries the run and content hash shown; a decision the host did not accept is shown with its reason', async () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate() }) })));
    type(q(root, '[data-testid="gate-reason"]'), 'ok by me');
    (q(root, '[data-testid="gate-approve"]') as HTMLElement).click();
    const req = api.posted.at(-1) as { id: string; method: string; params: Record<string, unknown> };
    assert.equal(req.method, 'gate/decide');
    assert.deepEqual(req.params, { gateId: 'implement.after.2', runId: 'r1', contentHash: 'h1', decision: 'approve', reason: 'ok by me' });
    app.receive({ v: PROTOCOL_VERSION, kind: 'response', id: req.id, ok: true, result: { accepted: false, problem: 'the gate shows other content now' } });
    await new Promise((r) => setTimeout(r, 0));
    assert.match(q(root, '[data-testid="message"]')?.textContent ?? '', /Not accepted: the gate shows other content now\./);
  });

  it('Ctrl+Enter in the gate card approves; Ctrl+Shift+Enter rejects with the chosen terminal state', () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate() }) })));
    const reason = q(root, '[data-testid="gate-reason"]')!;
    reason.dispatchEvent(new win.KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }) as unknown as Event);
    assert.equal((api.posted.at(-1) as { params: { decision: string } }).params.decision, 'approve');
    const select = q(root, '[data-testid="gate-terminal"]') as HTMLSelectElement;
    select.value = '3';
    select.dispatchEvent(new win.Event('change', { bubbles: true }) as unknown as Event);
    reason.dispatchEvent(new win.KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, shiftKey: true, bubbles: true }) as unknown as Event);
    const p = (api.posted.at(-1) as { params: { decision: string; terminal: unknown } }).params;
    assert.equal(p.decision, 'reject');
    assert.deepEqual(p.terminal, { state: 'NO_OP', reason: 'missing-context', detail: undefined });
    assert.equal(q(root, '[data-testid="gate-approve"]')?.getAttribute('aria-keyshortcuts'), 'Control+Enter');
  });
});

describe('webview-ui: repository and station text is shown as text', () => {
  const hostile = ['<b>bold</b> <img src=x onerror="window.pwned=1">', '<script>window.pwned=1</script>', '\x1b[31mred\x1b[0m plain \x1b]0;title\x07\x1b[2Jcleared \x1b[1;92mbright\x1b[0m'];

  it('a station printing HTML, <script> and ANSI escape sequences shows them as text, with colours as classes and no escape left', () => {
    const { root, app } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ log: { stationId: 'implement', lines: hostile, dropped: 0 } }) })));
    const log = q(root, '[data-testid="station-log-text"]')!;
    assert.equal(log.querySelector('script, img, b'), null, 'no element was made from the output');
    assert.equal(root.querySelector('script'), null);
    assert.equal((win as unknown as { pwned?: number }).pwned, undefined);
    const text = log.textContent ?? '';
    assert.ok(text.includes('<script>window.pwned=1</script>'), text);
    assert.ok(text.includes('<b>bold</b> <img src=x onerror="window.pwned=1">'));
    assert.equal(/\x1b/.test(text), false, 'no escape character reaches the page');
    assert.ok(text.includes('red plain cleared bright'));
    const red = [...log.querySelectorAll('span.ansi-fg-1')].map((s) => s.textContent);
    assert.deepEqual(red, ['red']);
    const bright = log.querySelector('span.ansi-fg-10');
    assert.equal(bright?.textContent, 'bright');
    assert.ok(bright?.classList.contains('ansi-bold'));
  });

  it('a gate whose content, claim and plan carry markup shows the markup as text', () => {
    const { root, app } = mount();
    const claim = { terminal: 'PR_READY' as const, summary: '<script>alert(1)</script>', filesChanged: ['<i>x</i>.js'], validationRun: [], residualUncertainty: '', reasoning: '', claimEnded: null };
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate({ content: '<iframe src="javascript:alert(1)"></iframe>', claim, summary: '<h1>big</h1>' }) }) })));
    const card = q(root, '[data-testid="gate"]')!;
    assert.equal(card.querySelector('script, iframe, h1, i'), null);
    assert.ok(card.textContent?.includes('<script>alert(1)</script>'));
    assert.ok(card.textContent?.includes('<iframe src="javascript:alert(1)"></iframe>'));
  });

  it('the log search asks the host for the next match and highlights it; follow mode is view state', async () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ log: { stationId: 'implement', lines: ['alpha', 'beta', 'alphabet'], dropped: 0, total: 3 } }) })));
    const search = q(root, '[data-testid="log-search"]')!;
    type(search, 'alpha');
    search.dispatchEvent(new win.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }) as unknown as Event);
    const asked = api.posted.find((m) => (m as { method?: string }).method === 'log/search') as { id: string; params: Record<string, unknown> };
    assert.deepEqual(asked.params, { runId: aRun().runId, stationId: 'implement', query: 'alpha', fromLine: -1, direction: 'next' });
    app.receive({ v: PROTOCOL_VERSION, kind: 'response', id: asked.id, ok: true, result: { line: 2, complete: true, searchedTo: 2 } });
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(q(root, '[data-testid="log-matches"]')?.textContent, 'line 3 of 3');
    assert.deepEqual([...root.querySelectorAll('.log-match')].map((l) => l.textContent), ['alphabet']);
    assert.equal((api.state as { follow: boolean }).follow, false, 'a match scrolled to stops following the end');
    const follow = q(root, '[data-testid="log-follow"]') as HTMLInputElement;
    follow.checked = true;
    follow.dispatchEvent(new win.Event('change', { bubbles: true }) as unknown as Event);
    assert.equal((api.state as { follow: boolean }).follow, true);
  });
});

describe('webview-ui/gate-card: what is being approved, rendered for a person', () => {
  it('a gate after a command station lists its commands with their exit codes', () => {
    const { root, app } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate({ stationId: 'validate', gateId: 'validate.after.4', commands: [{ argv: ['npm', 'test'], exitCode: 0, timedOut: false, outputTail: '1 passing' }, { argv: ['npm', 'run', 'lint'], exitCode: 2, timedOut: false, outputTail: 'lint error' }] }) }) })));
    const rows = [...root.querySelectorAll('[data-testid="gate-command"]')];
    assert.deepEqual(rows.map((r) => r.className), ['ok', 'bad']);
    assert.match(rows[0]!.textContent ?? '', /npm test\s*·\s*exit 0/);
    assert.match(rows[1]!.textContent ?? '', /npm run lint\s*·\s*exit 2/);
    assert.ok(root.querySelector('[data-section="gate:validate.after.4:raw"]'), 'the raw content is one click away, folded');
  });

  it('after a reproduce station a failing command is what was wanted, and says so', () => {
    const { root, app } = mount();
    const facts = { packetRisk: 'one-reviewer', filesChanged: [], diffFlags: [], touchedRiskPaths: [], preexistingFailures: [], stations: [{ id: 'reproduce', role: 'reproduce', status: 'failed' }] };
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate({ stationId: 'reproduce', gateId: 'reproduce.after.1', facts, commands: [{ argv: ['node', 'repro.js'], exitCode: 1, timedOut: false, outputTail: '' }] }) }) })));
    const row = root.querySelector('[data-testid="gate-command"]')!;
    assert.equal(row.className, 'expected');
    assert.match(row.textContent ?? '', /exit 1 \(fails: the problem is there\)/);
  });

  it('a gate before a station shows the packet fields; a plan gate shows the plan as text', () => {
    const { root, app } = mount();
    const packet = { intent: 'Export 42.', scope: ['index.js'], nonGoals: ['No refactor'], reproduction: [['node', 'repro.js']], validation: [['npm', 'test']], risk: 'one-reviewer', outputFormat: 'pr' };
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate({ position: 'before', gateId: 'implement.before.1', packet }) }) })));
    assert.match(root.querySelector('[data-testid="gate-packet"]')?.textContent ?? '', /Intent\s*Export 42\..*Scope\s*index\.js.*Reproduction\s*node repro\.js.*Validation\s*npm test.*Risk\s*one-reviewer/s);
    app.receive(pushOf(aSnapshot(2, { run: aRun({ openGate: aGate({ stationId: 'plan', gateId: 'plan.after.2', text: '1. Change the export.\n2. Run the tests.' }) }) })));
    assert.match(root.querySelector('[data-testid="gate-text"]')?.textContent ?? '', /What plan wrote\s*1\. Change the export\.\n2\. Run the tests\./);
  });

  it('the diff summary names each file with its status, explains each flag, calls out claim and diff disagreeing, and opens the editor\'s diff per file', () => {
    const { root, app, api } = mount();
    const facts = { packetRisk: 'one-reviewer', filesChanged: ['index.js', 'test.js'], diffFlags: ['deleted-tests', 'out-of-scope'], touchedRiskPaths: [], preexistingFailures: ['npm run lint'], stations: [] };
    const claim = { terminal: 'PR_READY' as const, summary: 'Fixed.', filesChanged: ['index.js', 'README.md'], validationRun: [], residualUncertainty: '', reasoning: '', claimEnded: null };
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate({ facts, claim, diffFiles: [{ path: 'index.js', status: 'modified' }, { path: 'test.js', status: 'deleted' }] }) }) })));
    const files = root.querySelector('[data-testid="facts-files"]')!.textContent ?? '';
    assert.match(files, /index\.js\s*modified/);
    assert.match(files, /test\.js\s*deleted/);
    assert.match(root.querySelector('[data-testid="facts-flags"]')?.textContent ?? '', /deleted-tests: tests were deleted.*out-of-scope: files outside the packet's scope changed/s);
    assert.match(root.querySelector('[data-testid="facts-preexisting"]')?.textContent ?? '', /pre-existing, not blamed on the change.*npm run lint/s);
    const mismatch = root.querySelector('[data-testid="facts-claim-mismatch"]')?.textContent ?? '';
    assert.match(mismatch, /test\.js: changed, not in the agent's claim/);
    assert.match(mismatch, /README\.md: claimed, not changed by the diff/);
    const diff = root.querySelectorAll('[data-testid="open-diff"]')[1] as HTMLElement;
    assert.equal(diff.getAttribute('aria-label'), 'Open the diff of test.js against the base commit');
    diff.click();
    assert.deepEqual((api.posted.at(-1) as { method: string; params: unknown }), { v: PROTOCOL_VERSION, kind: 'request', id: (api.posted.at(-1) as { id: string }).id, method: 'diff/open', params: { runId: 'r1', path: 'test.js' } });
  });
});

describe('webview-ui/run-view: the run timeline', () => {
  it('shows each station with duration, attempts, agent and cost, and under it the gates decided with who, what, when and after how long', () => {
    const { root, app } = mount();
    const stations = [
      aStation({ id: 'reproduce', kind: 'agent', status: 'failed', durationMs: 2300, attempts: 1, note: 'reproduced: exit 1 as expected', failureExpected: true }),
      aStation({ id: 'implement', kind: 'agent', status: 'passed', durationMs: 65_000, attempts: 2, agent: 'claude-code (@anthropic-ai/claude-code@2.1.3)', usd: 0.0312, tokens: 12_345 }),
      aStation({ id: 'validate', status: 'failed', durationMs: 450, attempts: 1 }),
    ];
    const gates = [{ gateId: 'g-impl', stationId: 'implement', position: 'after' as const, decision: 'approve', by: 'Rita <rita@example.com>', decidedAt: '2026-12-06T08:00:42.000Z', humanMs: 42_000, reason: '<b>fine</b>' }];
    app.receive(pushOf(aSnapshot(1, { run: aRun({ stations, gates }) })));
    const row = (id: string) => root.querySelector(`[data-station="${id}"]`)!;
    assert.match(row('implement').querySelector('[data-testid="station-facts"]')!.textContent ?? '', /1 min 05 s · 2 attempts · claude-code \(@anthropic-ai\/claude-code@2\.1\.3\) · \$0\.0312 · 12\.3k tokens/);
    const decided = row('implement').querySelector('[data-gate="g-impl"]')!;
    assert.match(decided.textContent ?? '', /Gate after: approve by Rita <rita@example\.com> at .+, after 42\.0 s · .?<b>fine<\/b>/s);
    assert.equal(decided.querySelector('time')!.getAttribute('datetime'), '2026-12-06T08:00:42.000Z');
    assert.equal(decided.querySelector('b'), null, 'a reason is text, not markup');
    // A reproduction failing as it must is evidence: said so, not drawn as an error; a failed validation is.
    assert.match(row('reproduce').textContent ?? '', /failed as it must \(the problem is there\)/);
    assert.ok(row('reproduce').classList.contains('failure-expected'));
    assert.match(row('reproduce').querySelector('[data-testid="station-note"]')!.textContent ?? '', /reproduced: exit 1 as expected/);
    assert.ok(!row('validate').classList.contains('failure-expected'));
    assert.match(row('validate').textContent ?? '', /: failed/);
  });

  it('a finished run offers "Review evidence", which asks the host for reviewer mode on that run; a run without a bundle does not', () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ terminal: { state: 'ESCALATE', reason: 'validation-failed' }, evidence: null }) })));
    assert.equal(q(root, '[data-testid="review-open"]'), null, 'no bundle, nothing to review');
    app.receive(pushOf(aSnapshot(2, { run: aRun({ terminal: { state: 'PR_READY', reason: 'validated-fix' }, evidence: '/r/.shopfloor/runs/r1/evidence.md', branch: 'shopfloor/r1' }) })));
    const button = q(root, '[data-testid="review-open"]') as HTMLElement;
    assert.match(button.getAttribute('aria-label') ?? '', /Review the evidence bundle of this run/);
    button.click();
    const req = api.posted.at(-1) as { method: string; params: { runId: string } };
    assert.equal(req.method, 'review/open');
    assert.equal(req.params.runId, aRun().runId);
  });
});
