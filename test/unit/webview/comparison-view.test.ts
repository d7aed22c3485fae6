import { strict as assert } from 'node:assert';
import { parseMessage, snapshotProblem, type ComparisonView } from '../../../src/contracts';
import { comparisonView as buildComparison, registryStats } from '../../../src/core/registry';
import { anOutcome } from '../core/registry/records';
import { aSnapshot, pushOf } from './builders';
import { FakeVsCodeApi, installDom } from './dom';

const win = installDom();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPanel } = require('../../../webview-ui/panel-app') as typeof import('../../../webview-ui/panel-app');

function mount(api = new FakeVsCodeApi()) {
  const root = win.document.createElement('main');
  win.document.body.replaceChildren(root);
  const app = startPanel(root as unknown as HTMLElement, api, win as unknown as Window);
  return { root: root as unknown as HTMLElement, app, api };
}

const lineage = { parent: 'bugfix@1.0.0', parentHash: 'a'.repeat(64) };
const fork = (i: number, over: Parameters<typeof anOutcome>[1] = {}) => anOutcome(100 + i, { blueprint: { name: 'bugfix-ours', version: '1.0.0', hash: 'f'.repeat(64) }, lineage, ...over });

/** The stats fixture: the parent with 20 runs (16 PR_READY, 4 NO_OP), the fork with `forkRuns` (all PR_READY, first validation passing), then the view the host builds. */
function fixture(forkRuns: number): ComparisonView {
  const outcomes = [
    ...Array.from({ length: 20 }, (_, i) => anOutcome(i, i < 4 ? { terminal: { state: 'NO_OP', reason: 'already-fixed' }, firstAttemptValidation: 'none', verdict: 'pending' } : { firstAttemptValidation: i % 2 ? 'passed' : 'failed' })),
    ...Array.from({ length: forkRuns }, (_, i) => fork(i)),
  ];
  const published = [{ name: 'bugfix', version: '1.0.0' }, { name: 'bugfix-ours', version: '1.0.0', parent: 'bugfix' }, { name: 'bugfix-ours', version: '1.1.0', parent: 'bugfix' }];
  return buildComparison(registryStats(outcomes), published, 'bugfix-ours', { at: '2026-12-04T10:00:00.000Z' });
}
const text = (root: HTMLElement, sel: string) => root.querySelector(sel)?.textContent?.replace(/\s+/g, ' ') ?? '';

describe('webview-ui/comparison-view: a fork beside its parent, per version', () => {
  it('draws the terminal-state mix per version as stacked bars and every figure as text in the table', () => {
    const { root, app } = mount();
    app.receive(pushOf(aSnapshot(1, { packet: null, comparison: fixture(12) })));
    assert.match(text(root, '#comparison-title'), /Compare bugfix-ours · fork of bugfix/);
    const bars = [...root.querySelectorAll('[data-testid="comparison-mix"] .bar-row')];
    assert.deepEqual(bars.map((b) => b.getAttribute('data-version')), ['bugfix@1.0.0', 'bugfix-ours@1.0.0'], 'versions with runs, parent first; 1.1.0 has none');
    const parentBar = bars[0]!.querySelector('svg')!;
    assert.equal(parentBar.getAttribute('role'), 'img');
    assert.equal(parentBar.getAttribute('aria-label'), 'bugfix@1.0.0: PR_READY 16, NO_OP 4, ESCALATE 0, RETRYABLE_FAILURE 0 of 20 runs');
    const segs = [...parentBar.querySelectorAll('rect.seg')].map((r) => [r.getAttribute('data-state'), Number(r.getAttribute('width'))]);
    assert.deepEqual(segs, [['PR_READY', 80], ['NO_OP', 20]]);
    assert.equal(bars[1]!.querySelector('.bar-n')?.textContent, 'n=12');

    const rows = [...root.querySelectorAll('[data-testid="comparison-table"] tbody tr')].map((r) => [...r.children].map((c) => c.textContent!.replace(/\s+/g, ' ').trim()).join(' | '));
    assert.equal(rows.length, 3, 'the version without runs is in the table');
    assert.match(rows[0]!, /^bugfix@1\.0\.0 \| parent \| 20 \| PR_READY 16, NO_OP 4, ESCALATE 0, RETRYABLE_FAILURE 0 of 20 runs \| 100% \(16 of 16; 95% interval 81%–100%\) \| 50% \(8 of 16; 95% interval 28%–72%\) \| 2\.0 min \(n=20; 95% interval 2\.0–2\.0\) \| $/);
    assert.match(rows[1]!, /^bugfix-ours@1\.0\.0 \| this blueprint \| 12 \| .* \| 100% \(12 of 12; 95% interval 76%–100%\) \|/);
    assert.match(rows[2]!, /^bugfix-ours@1\.1\.0 \| this blueprint \| 0 \| no runs recorded \| no samples \(n=0\) \| no samples \(n=0\) \| no samples \(n=0\) \| no runs yet$/);

    const marks = root.querySelectorAll('[data-testid="comparison-intervals"] svg.interval');
    assert.equal(marks.length, 6, 'three interval marks per version with runs');
    assert.match(marks[1]!.getAttribute('aria-label') ?? '', /^bugfix@1\.0\.0 first-attempt validation: 50% \(8 of 16; 95% interval 28%–72%\)$/);
    const range = marks[1]!.querySelector('rect.interval-range')!;
    assert.equal(Math.round(Number(range.getAttribute('x'))), 28);
    // The statements: validation is better beyond the intervals; the rest overlap.
    const statements = text(root, '[data-testid="comparison-statements"]');
    assert.match(statements, /First-attempt validation pass rate: bugfix-ours is better than bugfix \(100% .* against 50% .*; the intervals do not overlap\)/);
    assert.match(statements, /Reviewer acceptance: no clear difference between bugfix-ours/);
  });

  it('says plainly when the data is too thin, and marks thin versions', () => {
    const { root, app } = mount();
    app.receive(pushOf(aSnapshot(1, { packet: null, comparison: fixture(3) })));
    const statements = [...root.querySelectorAll('[data-testid="comparison-statements"] li')].map((l) => l.textContent!.replace(/\s+/g, ' '));
    assert.equal(statements.length, 3);
    for (const s of statements) assert.match(s, /too little data to say whether bugfix-ours differs from bugfix \(n=3 and n=\d+; at least 10 on each side are needed\)/);
    assert.match(text(root, '[data-testid="comparison-table"] tr[data-version="bugfix-ours@1.0.0"] .thin'), /thin: 3 runs, fewer than 10/);
    assert.equal(text(root, '[data-testid="comparison-table"] tr[data-version="bugfix@1.0.0"] .thin'), '', 'the parent has 20 runs: not thin');
  });

  it('with no runs at all and nothing to compare with, says so and draws no chart', () => {
    const { root, app } = mount();
    const empty = buildComparison(registryStats([]), [{ name: 'lonely', version: '1.0.0' }], 'lonely', { at: '2026-12-04T10:00:00.000Z' });
    app.receive(pushOf(aSnapshot(1, { packet: null, comparison: empty })));
    assert.match(text(root, '[data-testid="comparison-statements"]'), /No runs of lonely are recorded in the registry yet: there is nothing to say\..*lonely is not a fork and has no forks/);
    assert.equal(root.querySelector('[data-testid="comparison-mix"]'), null);
    assert.equal(root.querySelectorAll('[data-testid="comparison-table"] tbody tr').length, 1);
  });

  it('renders names and problems as text, never markup; the close button tells the host', () => {
    const { root, app, api } = mount();
    const c = fixture(12);
    const evil = '<img src=x onerror=alert(1)>';
    c.versions[0]!.name = evil;
    c.problem = `<script>alert(1)</script>`;
    app.receive(pushOf(aSnapshot(1, { packet: null, comparison: c })));
    assert.equal(root.querySelector('img, script'), null);
    assert.ok(text(root, '[data-testid="comparison-table"]').includes(`${evil}@1.0.0`));
    assert.match(text(root, '[data-testid="comparison-problem"]'), /<script>alert\(1\)<\/script>/);
    (root.querySelector('[data-testid="comparison-close"]') as HTMLElement).click();
    assert.deepEqual((api.posted.at(-1) as { method: string }).method, 'comparison/close');
  });

  it('updates in place when a newer snapshot brings new figures (a sync landed), and the Refresh button asks the host to re-read', () => {
    const { root, app, api } = mount();
    app.receive(pushOf(aSnapshot(1, { packet: null, comparison: fixture(3) })));
    const section = root.querySelector('[data-testid="comparison"]');
    assert.equal(text(root, '[data-testid="comparison-mix"] .bar-row[data-version="bugfix-ours@1.0.0"] .bar-n'), 'n=3');
    const newer = { ...fixture(12), at: '2026-12-04T11:00:00.000Z' };
    app.receive(pushOf(aSnapshot(2, { packet: null, comparison: newer })));
    assert.equal(root.querySelector('[data-testid="comparison"]'), section, 'the same section, re-rendered, not a new view');
    assert.equal(text(root, '[data-testid="comparison-mix"] .bar-row[data-version="bugfix-ours@1.0.0"] .bar-n'), 'n=12');
    assert.match(text(root, '[data-testid="comparison-table"] tr[data-version="bugfix-ours@1.0.0"]'), /this blueprint\s*12\s*PR_READY 12, NO_OP 0/);
    assert.match(text(root, '.comparison > p.muted'), /From the registry at 2026-12-04T11:00:00\.000Z/);
    assert.doesNotMatch(text(root, '[data-testid="comparison-statements"]'), /too little data/, 'the thin statements went with the old figures');
    // A stale push (lower number) arriving late never brings the old figures back.
    app.receive(pushOf(aSnapshot(1, { packet: null, comparison: fixture(3) })));
    assert.equal(text(root, '[data-testid="comparison-mix"] .bar-row[data-version="bugfix-ours@1.0.0"] .bar-n'), 'n=12');
    (root.querySelector('[data-testid="comparison-refresh"]') as HTMLElement).click();
    assert.deepEqual(api.posted.at(-1), { v: 1, kind: 'notification', method: 'comparison/refresh', params: {} });
    assert.equal(parseMessage(api.posted.at(-1), 'toHost').ok, true, 'the refresh is a protocol message the host accepts');
  });

  it('the host checks its snapshot: a figure that is not a number (NaN) is refused with its path, never sent to be drawn', () => {
    const c = fixture(12);
    assert.equal(snapshotProblem(aSnapshot(1, { comparison: c })), undefined);
    (c.versions[0]!.reviewerAcceptance as { rate: number | null }).rate = Number.NaN;
    assert.match(snapshotProblem(aSnapshot(1, { comparison: c })) ?? '', /comparison\.versions\[0\]\.reviewerAcceptance\.rate/);
  });
});
