import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { BlueprintRegistry } from '../../src/adapters/registry';
import { contentHash } from '../../src/core/hash';
import { outcome, teamBlueprint } from '../integration/registry/support';
import { findWebviewFrame, runCommand } from './support/browser';
import { embeddedRegistry } from './support/registry';
import { RESULTS as results, screenshotInThemes, useVsCode } from './support/session';

/**
 * The registry comparison view in real VS Code (code-server + Chromium), on the editor's
 * embedded registry (a bare repository in the extension's global storage, in this
 * code-server's own user-data folder) seeded through the registry's own publish, fork and
 * sync: "Compare Blueprint with Parent and Forks" picks the fork, the panel shows the chart
 * and every figure as text, and an outcome synced by another clone (as the CLI would) shows
 * in the open view without reopening it. Screenshots in the dark and light themes go to
 * test-results/.
 */

const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' } as const;
const by = { by: 'Rita <r@example.com>', workspace: 'c'.repeat(64) };

/** Publishes `parent@1.0.0` with 12 outcomes (3 ESCALATE), its fork `fork@1.0.0` with `forkRuns` outcomes, and `fork@1.1.0` with none. Returns the fork's hash and lineage. */
async function seed(reg: BlueprintRegistry, parent: string, fork: string, forkRuns: number) {
  const bp = teamBlueprint(parent);
  await reg.publish(bp, by);
  const f = await reg.fork(`${parent}@1.0.0`, { name: fork, ...by });
  await reg.publish({ ...f.blueprint, version: '1.1.0' }, { ...by, forkOf: `${parent}@1.0.0` });
  const lineage = { parent: `${parent}@1.0.0`, parentHash: contentHash(bp) };
  await reg.sync([
    ...Array.from({ length: 12 }, (_, i) => outcome(parent, '1.0.0', contentHash(bp), i, i < 3 ? { terminal: { state: 'ESCALATE', reason: 'agent-gave-up' } } : {})),
    ...Array.from({ length: forkRuns }, (_, i) => outcome(fork, '1.0.0', f.record.hash, i, { lineage })),
  ]);
  return { hash: f.record.hash, lineage };
}

function workspace(theme: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'shopfloor-ws-compare-'));
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': theme }));
  return dir;
}

/** Runs the compare command, picks `name` in its quick pick, and returns the panel frame showing its comparison. */
async function compare(page: Page, name: string): Promise<Frame> {
  await runCommand(page, 'Shopfloor: Registry: Compare Blueprint with Parent and Forks');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'attached', timeout: 30_000 });
  await input.fill(name);
  await page.keyboard.press('Enter');
  const frame = await findWebviewFrame(page, '[data-testid="comparison"]', 60_000);
  await frame.waitForFunction((n) => (document.querySelector('#comparison-title')?.textContent ?? '').includes(`Compare ${n}`), name, { timeout: 30_000 });
  return frame;
}

const textOf = (frame: Frame, sel: string) => frame.evaluate((s) => [...document.querySelectorAll(s)].map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()), sel);
/** Each table row as its cells' text joined by " | ". */
const rowsOf = (frame: Frame) => frame.evaluate(() => [...document.querySelectorAll('[data-testid="comparison-table"] tbody tr')].map((r) => [...r.children].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()).join(' | ')));
const barN = (frame: Frame, version: string) => frame.evaluate((v) => document.querySelector(`[data-testid="comparison-mix"] .bar-row[data-version="${v}"] .bar-n`)?.textContent ?? null, version);

describe('e2e: the registry comparison view (code-server + Chromium)', function () {
  const vs = useVsCode();

  it('shows a fork beside its parent with the chart and figures as text, and updates in place when an outcome lands', async () => {
    const reg = await embeddedRegistry(vs.server.userDataDir);
    const { hash, lineage } = await seed(reg, 'bugfix-team', 'bugfix-ours', 4);
    const page = await vs.open(workspace(THEMES.dark), true);
    const frame = await compare(page, 'bugfix-ours');

    assert.match((await textOf(frame, '#comparison-title'))[0]!, /Compare bugfix-ours · fork of bugfix-team/);
    // The chart: one stacked bar per version with runs, parent first, each labelled as text.
    assert.deepEqual(await frame.evaluate(() => [...document.querySelectorAll('[data-testid="comparison-mix"] .bar-row')].map((r) => r.getAttribute('data-version'))), ['bugfix-team@1.0.0', 'bugfix-ours@1.0.0']);
    assert.equal(await barN(frame, 'bugfix-team@1.0.0'), 'n=12');
    assert.equal(await barN(frame, 'bugfix-ours@1.0.0'), 'n=4');
    const parentBar = await frame.getAttribute('[data-testid="comparison-mix"] .bar-row[data-version="bugfix-team@1.0.0"] svg.bar', 'aria-label');
    assert.equal(parentBar, 'bugfix-team@1.0.0: PR_READY 9, NO_OP 0, ESCALATE 3, RETRYABLE_FAILURE 0 of 12 runs');
    const segments = await frame.evaluate(() => [...document.querySelectorAll('[data-version="bugfix-team@1.0.0"] svg.bar rect.seg')].map((r) => `${r.getAttribute('data-state')}:${r.getBoundingClientRect().width > 0}`));
    assert.deepEqual(segments, ['PR_READY:true', 'ESCALATE:true'], 'the bar is drawn, not only labelled');
    const edges = await frame.evaluate(() => [...document.querySelectorAll('[data-testid="comparison-mix"] svg.bar')].map((b) => { const r = b.getBoundingClientRect(); return `${Math.round(r.left)}-${Math.round(r.right)}`; }));
    assert.equal(new Set(edges).size, 1, `every bar spans the same x range, so they read against each other: ${edges.join(', ')}`);
    assert.equal((await frame.$$('[data-testid="comparison-intervals"] svg.interval')).length, 6, 'three interval marks per version with runs');
    // Every figure as text: runs per version, the mix, proportions with their intervals, the thin note.
    const rows = await rowsOf(frame);
    assert.equal(rows.length, 3);
    assert.match(rows[0]!, /^bugfix-team@1\.0\.0 \| parent \| 12 \| PR_READY 9, NO_OP 0, ESCALATE 3, RETRYABLE_FAILURE 0 of 12 runs \| 100% \(9 of 9; 95% interval 70%–100%\) \| 100% \(12 of 12; 95% interval 76%–100%\) \| 1\.0 min \(n=12; 95% interval 1\.0–1\.0\) \| $/);
    assert.match(rows[1]!, /^bugfix-ours@1\.0\.0 \| this blueprint \| 4 \| PR_READY 4, NO_OP 0, ESCALATE 0, RETRYABLE_FAILURE 0 of 4 runs \| 100% \(4 of 4; 95% interval 51%–100%\) \| .* \| thin: 4 runs, fewer than 10$/);
    assert.match(rows[2]!, /^bugfix-ours@1\.1\.0 \| this blueprint \| 0 \| no runs recorded \| no samples \(n=0\) \| no samples \(n=0\) \| no samples \(n=0\) \| no runs yet$/);
    const statements = (await textOf(frame, '[data-testid="comparison-statements"] li')).join('\n');
    assert.match(statements, /First-attempt validation pass rate: too little data to say whether bugfix-ours differs from bugfix-team \(n=4 and n=12; at least 10 on each side are needed\)/);
    const firstRead = (await textOf(frame, '.comparison > p.muted'))[0]!;
    await page.screenshot({ path: join(results, 'comparison-dark.png') });

    // Another clone (the CLI, another window) syncs 8 more outcomes of the fork: the open view follows, with no command run.
    const more = await reg.sync(Array.from({ length: 8 }, (_, i) => outcome('bugfix-ours', '1.0.0', hash, 100 + i, { lineage })));
    assert.equal(more.delivered, 8);
    await frame.waitForFunction(() => document.querySelector('[data-testid="comparison-mix"] .bar-row[data-version="bugfix-ours@1.0.0"] .bar-n')?.textContent === 'n=12', undefined, { timeout: 60_000 });
    assert.notEqual((await textOf(frame, '.comparison > p.muted'))[0], firstRead, 'read again: a new time');
    const updatedRows = await rowsOf(frame);
    assert.match(updatedRows[1]!, /^bugfix-ours@1\.0\.0 \| this blueprint \| 12 \| PR_READY 12, NO_OP 0, ESCALATE 0, RETRYABLE_FAILURE 0 of 12 runs \|/);
    assert.doesNotMatch(updatedRows[1]!, /thin/);
    const updated = (await textOf(frame, '[data-testid="comparison-statements"] li')).join('\n');
    assert.match(updated, /First-attempt validation pass rate: no clear difference between bugfix-ours \(100% \(12 of 12;.*\) and bugfix-team \(100% \(12 of 12;.*the intervals overlap/);
    await page.screenshot({ path: join(results, 'comparison-dark-updated.png') });
    await frame.evaluate(() => document.querySelector('[data-testid="comparison-table"]')?.scrollIntoView());
    await page.screenshot({ path: join(results, 'comparison-dark-table.png') });

    // Running the command again on the blueprint shown re-reads it in the same panel (no second one).
    const shownAt = (await textOf(frame, '.comparison > p.muted'))[0]!;
    const again = await compare(page, 'bugfix-ours');
    await again.waitForFunction((before) => (document.querySelector('.comparison > p.muted')?.textContent ?? '') !== before, shownAt, { timeout: 30_000 });
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'Shopfloor' }).count(), 1, 'one Shopfloor panel');
    assert.equal(await barN(again, 'bugfix-ours@1.0.0'), 'n=12');

    // Close removes it from the panel.
    await again.click('[data-testid="comparison-close"]');
    await again.waitForSelector('[data-testid="comparison"]', { state: 'detached', timeout: 30_000 });
  });

  it('renders the comparison in the light, high-contrast and dark themes (screenshots)', async () => {
    const reg = await embeddedRegistry(vs.server.userDataDir);
    await seed(reg, 'deps-team', 'deps-ours', 5);
    const dir = workspace(THEMES.light);
    const page = await vs.open(dir, true);
    const frame = await compare(page, 'deps-ours');
    assert.equal(await barN(frame, 'deps-ours@1.0.0'), 'n=5');
    await page.screenshot({ path: join(results, 'comparison-light.png') });
    await frame.evaluate(() => document.querySelector('[data-testid="comparison-table"]')?.scrollIntoView());
    await page.screenshot({ path: join(results, 'comparison-light-table.png') });
    await screenshotInThemes(page, frame, dir, 'comparison-table');
  });
});
