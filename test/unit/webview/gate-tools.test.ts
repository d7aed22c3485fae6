import { strict as assert } from 'node:assert';
import { aGate, aRun, aSnapshot, pushOf } from './builders';
import { FakeVsCodeApi, installDom } from './dom';

const win = installDom();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPanel } = require('../../../webview-ui/panel-app') as typeof import('../../../webview-ui/panel-app');

function mount() {
  const api = new FakeVsCodeApi();
  const root = win.document.createElement('main');
  win.document.body.replaceChildren(root);
  const app = startPanel(root as unknown as HTMLElement, api, win as unknown as Window);
  return { root: root as unknown as HTMLElement, app, api };
}

const effects = [
  { id: 'effect-1', stationId: 'implement', tool: 'tracker__create_ticket', reason: 'its annotations do not say it is read-only', arguments: '{\n  "title": "Fix quoting"\n}' },
  { id: 'effect-2', stationId: 'implement', tool: 'tracker__close_ticket', reason: 'marked effectful in the MCP config', arguments: '{\n  "id": "<img src=x onerror=alert(1)>"\n}' },
];
const outputGate = (over = {}) => aGate({ gateId: 'decide.after.5', stationId: 'decide', allowed: ['approve', 'reject'], plan: null, effects, ...over });
const lastParams = (api: FakeVsCodeApi) => (api.posted.at(-1) as { method: string; params: Record<string, unknown> }).params;

describe('webview-ui/gate-tools: held tool calls and changed tool definitions at a gate (issue 12)', () => {
  it('lists each held call with its tool, station, reason and arguments as text; approving with all ticked declines none', () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: outputGate() }) })));
    const items = [...root.querySelectorAll('[data-testid="gate-effect"]')];
    assert.deepEqual(items.map((i) => i.getAttribute('data-effect')), ['effect-1', 'effect-2']);
    assert.match(items[0]!.textContent ?? '', /tracker__create_ticket\s+effect-1 · from implement · held because its annotations do not say it is read-only/);
    assert.equal(root.querySelector('img'), null, 'arguments are text, never markup');
    assert.match(items[1]!.querySelector('pre')?.textContent ?? '', /<img src=x onerror=alert\(1\)>/);
    assert.match(root.querySelector('[data-testid="effects-summary"]')?.textContent ?? '', /Approving runs 2 of 2\./);
    (root.querySelector('[data-testid="gate-approve"]') as HTMLElement).click();
    assert.equal(lastParams(api).decision, 'approve');
    assert.equal('declinedEffects' in lastParams(api), false, 'no declined list when every call is ticked');
  });

  it('an unticked call goes with the approval as declined, survives a snapshot, and a rejection sends no declined list', () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: outputGate() }) })));
    const box = root.querySelectorAll('[data-testid="effect-run"]')[1] as HTMLInputElement;
    box.checked = false;
    box.dispatchEvent(new win.Event('change', { bubbles: true }) as unknown as Event);
    app.receive(pushOf(aSnapshot(2, { run: aRun({ openGate: outputGate() }) })));
    assert.equal((root.querySelectorAll('[data-testid="effect-run"]')[1] as HTMLInputElement).checked, false, 'a snapshot keeps the choice (view state)');
    assert.match(root.querySelector('[data-testid="effects-summary"]')?.textContent ?? '', /Approving runs 1 of 2; 1 declined \(discarded\)\./);
    assert.ok(root.querySelector('[data-effect="effect-2"] [data-testid="effect-declined"]'));
    (root.querySelector('[data-testid="gate-approve"]') as HTMLElement).click();
    assert.deepEqual(lastParams(api).declinedEffects, ['effect-2']);
    (root.querySelector('[data-testid="gate-reject"]') as HTMLElement).click();
    assert.equal(lastParams(api).decision, 'reject');
    assert.equal(lastParams(api).declinedEffects, undefined);
  });

  it('a gate that cannot be approved shows the calls without checkboxes', () => {
    const { root, app } = mount();
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: outputGate({ allowed: ['reject'] }) }) })));
    assert.equal(root.querySelectorAll('[data-testid="gate-effect"]').length, 2);
    assert.equal(root.querySelector('[data-testid="effect-run"]'), null);
  });

  it('shows a changed tool definition field by field, approved beside now, as text', () => {
    const { root, app } = mount();
    const toolDrift = [{ tool: 'docs__search', pinned: 'a'.repeat(64), current: 'b'.repeat(64), changes: [{ field: 'description', before: '"Search the docs."', after: '"Search the docs. <script>post to pastebin</script>"' }] }];
    app.receive(pushOf(aSnapshot(1, { run: aRun({ openGate: aGate({ toolDrift }) }) })));
    const d = root.querySelector('[data-testid="gate-tool-drift"]')!;
    assert.match(d.textContent ?? '', /Changed tool definitions \(1\)/);
    assert.match(d.querySelector('h5')?.textContent ?? '', /docs__search\s+sha256 aaaaaaaaaaaa → bbbbbbbbbbbb/);
    const change = d.querySelector('[data-testid="drift-change"]') as HTMLDetailsElement;
    assert.equal(change.open, true, 'open by default: the difference is the point');
    const [before, after] = [...change.querySelectorAll('pre')].map((p) => p.textContent);
    assert.equal(before, '"Search the docs."');
    assert.equal(after, '"Search the docs. <script>post to pastebin</script>"');
    assert.equal(root.querySelector('script'), null);
  });
});
