import { strict as assert } from 'node:assert';
import { PROTOCOL_VERSION, type ReviewView } from '../../../src/contracts';
import { anEvidenceBundle } from '../../support/run-folder-fixture';
import { aSnapshot, pushOf } from './builders';
import { FakeVsCodeApi, installDom, type } from './dom';

const win = installDom();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPanel } = require('../../../webview-ui/panel-app') as typeof import('../../../webview-ui/panel-app');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EVIDENCE_SECTIONS } = require('../../../webview-ui/evidence-view') as typeof import('../../../webview-ui/evidence-view');

function mount(api = new FakeVsCodeApi()) {
  const root = win.document.createElement('main');
  win.document.body.replaceChildren(root);
  const app = startPanel(root as unknown as HTMLElement, api, win as unknown as Window);
  return { root: root as unknown as HTMLElement, app, api };
}

const review = (over: Partial<ReviewView> = {}): ReviewView => ({
  runId: 'run-1',
  folder: '.shopfloor/runs/run-1',
  mode: 'review',
  trusted: true,
  problems: [],
  logs: [],
  bundle: anEvidenceBundle('run-1'),
  evidenceSha256: 'e'.repeat(64),
  verdict: null,
  ...over,
});
const text = (root: HTMLElement, sel: string) => root.querySelector(sel)?.textContent ?? '';
const click = (root: HTMLElement, sel: string) => (root.querySelector(sel) as HTMLElement | null)!.click();

describe('webview-ui/evidence-view: the bundle, its trust, and reviewer mode', () => {
  it('a verified bundle says so at the top; an unverified one says it is not to be trusted, with every problem, and is never marked verified', () => {
    const ok = mount();
    ok.app.receive(pushOf(aSnapshot(1, { packet: null, review: review() })));
    assert.match(text(ok.root, '[data-testid="review-trusted"]'), /Verified/);

    const bad = mount();
    bad.app.receive(pushOf(aSnapshot(1, { packet: null, review: review({ trusted: false, problems: ['record 1: evidence.json was changed after the journal recorded it (SHA-256 differs)'] }) })));
    const banner = bad.root.querySelector('[data-testid="review-untrusted"]')!;
    assert.equal(banner.getAttribute('role'), 'alert');
    assert.match(banner.textContent ?? '', /Not verified: do not trust this bundle\..*evidence\.json was changed/s);
    assert.equal(bad.root.querySelector('[data-testid="review-trusted"]'), null);
    const evidence = bad.root.querySelector('[data-testid="evidence"]')!;
    assert.equal(evidence.firstElementChild?.nextElementSibling?.nextElementSibling, banner, 'the banner is at the top, under the title');
    assert.ok(evidence.classList.contains('is-untrusted'));
  });

  it('steps through every section with Next/Previous and the host\'s step commands; the section shown is view state', () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { packet: null, review: review() })));
    const shown = EVIDENCE_SECTIONS.filter((s) => s.show(review().bundle!));
    assert.match(text(root, '[data-testid="review-position"]'), new RegExp(`Section 1 of ${shown.length}: Summary`));
    assert.match(text(root, '[data-testid="evidence-rule"]'), /rule T15/);
    click(root, '[data-testid="review-next"]');
    click(root, '[data-testid="review-next"]');
    assert.match(text(root, '[data-testid="review-position"]'), /Section 3 of .*Reproduction before and after/);
    const rows = root.querySelectorAll('[data-testid="evidence-repro-table"] tbody tr');
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.textContent ?? '', /node repro\.js.*exit 1 \(fails: the problem is there\).*AssertionError.*exit 0 \(passes: fixed\)/s);
    assert.equal((api.state as { reviewSection: string }).reviewSection, 'run-1/reproduction');
    // Another run's bundle starts at its own first section.
    app.receive(pushOf(aSnapshot(2, { packet: null, review: review({ runId: 'run-2', bundle: anEvidenceBundle('run-2') }) })));
    assert.match(text(root, '[data-testid="review-position"]'), /Section 1 of/);
    app.receive(pushOf(aSnapshot(3, { packet: null, review: review() })));
    assert.match(text(root, '[data-testid="review-position"]'), /Section 3 of/);
    app.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'review/didStep', params: { delta: -1 } });
    assert.match(text(root, '[data-testid="review-position"]'), /Section 2 of/);
    for (let i = 0; i < 20; i++) app.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'review/didStep', params: { delta: 1 } });
    assert.match(text(root, '[data-testid="review-position"]'), new RegExp(`Section ${shown.length} of ${shown.length}`));
    assert.ok(root.querySelector('[data-testid="review-next"]')?.hasAttribute('disabled'));
  });

  it('after a run every section is a fold, the summary open; gates show who decided, when and after how long', () => {
    const { root, app } = mount();
    app.receive(pushOf(aSnapshot(1, { packet: null, review: review({ mode: 'run' }) })));
    const folds = [...root.querySelectorAll('[data-testid="evidence"] > details')] as HTMLDetailsElement[];
    assert.ok(folds.length >= 10);
    assert.deepEqual(folds.filter((d) => d.open).map((d) => d.dataset.section), ['evidence:summary']);
    assert.match(text(root, '[data-testid="evidence-gates"]'), /after implement.*approve.*Rita Reviewer \(human\).*2026-12-03T10:01:30.000Z.*1\.5 min/s);
  });

  it('records a verdict with its comment (kept as a draft until recorded) and opens a file\'s diff from the change section', async () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { packet: null, review: review() })));
    type(root.querySelector('[data-testid="review-comment"]'), 'Add a test for 0.');
    app.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'review/didStep', params: { delta: 1 } });
    app.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'review/didStep', params: { delta: 1 } });
    type(root.querySelector('[data-testid="review-section-comment"]'), 'Convincing.');
    assert.match(text(root, '[data-testid="review-pending-comments"]'), /1 section comment/);
    app.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'review/didStep', params: { delta: 1 } });
    assert.equal((root.querySelector('[data-testid="review-section-comment"]') as HTMLTextAreaElement).value, '', 'each section has its own comment');
    app.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'review/didStep', params: { delta: -1 } });
    assert.equal((root.querySelector('[data-testid="review-section-comment"]') as HTMLTextAreaElement).value, 'Convincing.');
    assert.equal((api.state as { drafts: Record<string, string> }).drafts['review:run-1:comment'], 'Add a test for 0.');
    click(root, '[data-testid="review-request-changes"]');
    const req = api.posted.at(-1) as { id: string; method: string; params: unknown };
    assert.deepEqual([req.method, req.params], ['review/verdict', { runId: 'run-1', verdict: 'request-changes', comment: 'Add a test for 0.', sectionComments: { reproduction: 'Convincing.' } }]);
    app.receive({ v: PROTOCOL_VERSION, kind: 'response', id: req.id, ok: true, result: { recorded: true } });
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(text(root, '[data-testid="message"]'), 'Verdict recorded.');
    assert.deepEqual((api.state as { drafts: object }).drafts, {});

    app.receive(pushOf(aSnapshot(2, { packet: null, review: review({ verdict: { schemaVersion: 1, runId: 'run-1', verdict: 'request-changes', comment: 'Add a test for 0.', sectionComments: { reproduction: 'Convincing.' }, by: 'Rita', at: '2026-12-03T12:00:00.000Z', evidenceSha256: 'e'.repeat(64), trusted: true } }) })));
    assert.match(text(root, '[data-testid="review-verdict-recorded"]'), /Request changes by Rita/);
    assert.match(text(root, '[data-testid="review-section-comments-recorded"]'), /Reproduction before and after:\s*Convincing\./);
    for (let i = 0; i < 2; i++) app.receive({ v: PROTOCOL_VERSION, kind: 'notification', method: 'review/didStep', params: { delta: 1 } });
    assert.match(text(root, '[data-testid="review-position"]'), /The change/);
    click(root, '[data-testid="evidence-open-diff"]');
    assert.deepEqual((api.posted.at(-1) as { params: unknown }).params, { runId: 'run-1', path: 'index.js' });
  });

  it('every section renders bundle text as text', () => {
    const { root, app } = mount();
    const b = anEvidenceBundle('run-1', { summary: '<script>window.x=1</script>', residualRisk: ['<img src=x onerror=alert(1)>'], plan: '<b>plan</b>' });
    app.receive(pushOf(aSnapshot(1, { packet: null, review: review({ mode: 'run', bundle: b }) })));
    for (const d of root.querySelectorAll('details')) (d as HTMLDetailsElement).open = true;
    assert.equal(root.querySelector('[data-testid="evidence"] script, [data-testid="evidence"] img, [data-testid="evidence"] b'), null);
    assert.ok((root.textContent ?? '').includes('<script>window.x=1</script>'));
  });

  it('the tool calls section shows the gateway decision of each call (a held call is not "refused") and what became of it', () => {
    const { root, app } = mount();
    const bundle = anEvidenceBundle('run-1');
    const digest = 'd'.repeat(64);
    bundle.tools = {
      audit: 'artifacts/tools/audit.jsonl',
      auditHead: { records: 3, hash: 'f'.repeat(64) },
      calls: [
        { at: '2026-12-03T10:00:00.000Z', stationId: 'implement', server: 'docs', tool: 'search', decision: 'allowed', durationMs: 3.2, argsSha256: digest },
        { at: '2026-12-03T10:00:01.000Z', stationId: 'implement', server: 'team', tool: 'echo', decision: 'denied', reason: 'not in the packet\'s allowedTools', durationMs: 0, argsSha256: digest },
        { at: '2026-12-03T10:00:02.000Z', stationId: 'implement', server: 'tracker', tool: 'create_ticket', decision: 'queued', reason: 'its annotations do not say it is read-only', durationMs: 1, argsSha256: digest },
      ],
      effects: [{ id: 'effect-1', server: 'tracker', tool: 'create_ticket', argsSha256: digest, state: 'discarded', detail: 'declined at the output gate by Rita' }],
      pins: [],
      drift: [],
      recorded: [],
      claims: [],
    };
    app.receive(pushOf(aSnapshot(1, { packet: null, review: review({ bundle, mode: 'run' }) })));
    const rows = [...root.querySelectorAll('[data-testid="tool-calls"] tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()).join(' | '));
    assert.equal(rows.length, 3);
    assert.match(rows[0]!, /implement \| docs__search \| allowed \|  \| 3 ms/);
    assert.match(rows[1]!, /team__echo \| refused \| not in the packet's allowedTools/);
    assert.match(rows[2]!, /tracker__create_ticket \| held for the output gate \| its annotations/);
    assert.doesNotMatch(rows[2]!, /refused/);
    assert.match(text(root, '[data-testid="tool-effects"]'), /tracker__create_ticket effect-1: discarded \(declined at the output gate by Rita\)/);
    assert.match(root.textContent ?? '', /Audit log artifacts\/tools\/audit\.jsonl: 3 record\(s\), head ffffffffffff/);
  });
});
