import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReviewVerdictSchema } from '../../src/contracts';
import { RUN_LAYOUT } from '../../src/core/run/layout';
import { aFinishedRunFolder } from '../support/run-folder-fixture';
import { runCommand } from './support/browser';
import { RESULTS as results, review, THEMES as ALL_THEMES, useVsCode } from './support/session';

/**
 * Reviewer mode in real VS Code (code-server + Chromium), on run folders as the engine
 * leaves them (a sealed journal binding evidence.json): "Shopfloor: Review Evidence
 * Bundle" picks a run, "Next Evidence Section" steps through it, Accept with a comment
 * writes the verdict into the run folder; a tampered bundle says it is not verified.
 * Screenshots of the views in the dark, light and high-contrast themes go to test-results/.
 */

const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern', 'high-contrast': 'Default High Contrast' } as const satisfies Record<(typeof ALL_THEMES)[number]['name'], string>;

async function workspaceWith(theme: string): Promise<{ repo: string; runId: string; tampered: string }> {
  const run = await aFinishedRunFolder('run-20261203-review');
  const tampered = await aFinishedRunFolder('run-20261203-tampered');
  // The second run lives in the same repository; its evidence is edited after the journal bound it.
  const dst = join(run.repo, '.shopfloor', 'runs', tampered.runId);
  mkdirSync(join(dst, 'artifacts'), { recursive: true });
  for (const f of [RUN_LAYOUT.journal, RUN_LAYOUT.evidenceJson]) writeFileSync(join(dst, f), readFileSync(join(tampered.dir, f), 'utf8'));
  writeFileSync(join(dst, RUN_LAYOUT.evidenceJson), readFileSync(join(dst, RUN_LAYOUT.evidenceJson), 'utf8').replace('Fixed the export', 'Fixed it all, trust me'));
  mkdirSync(join(run.repo, '.vscode'), { recursive: true });
  writeFileSync(join(run.repo, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': theme }));
  return { repo: run.repo, runId: run.runId, tampered: tampered.runId };
}

describe('e2e: reviewer mode (code-server + Chromium)', function () {
  const vs = useVsCode();

  it('steps through a verified bundle section by section and records a verdict in the run folder', async () => {
    const ws = await workspaceWith(THEMES.dark);
    const page = await vs.open(ws.repo, true);
    const frame = await review(page, ws.runId);
    await frame.waitForSelector('[data-testid="review-trusted"]');
    assert.match((await frame.textContent('[data-testid="review-position"]')) ?? '', /Section 1 of \d+: Summary/);
    await page.screenshot({ path: join(results, 'review-dark-summary.png') });
    await runCommand(page, 'Shopfloor: Next Evidence Section');
    await runCommand(page, 'Shopfloor: Next Evidence Section');
    await frame.waitForFunction(() => /Section 3 of/.test(document.querySelector('[data-testid="review-position"]')?.textContent ?? ''));
    assert.match((await frame.textContent('[data-testid="evidence-repro-table"]')) ?? '', /node repro\.js.*exit 1.*exit 0/s);
    await page.screenshot({ path: join(results, 'review-dark-reproduction.png') });
    await runCommand(page, 'Shopfloor: Previous Evidence Section');
    await frame.waitForFunction(() => /Section 2 of/.test(document.querySelector('[data-testid="review-position"]')?.textContent ?? ''));
    await frame.fill('[data-testid="review-comment"]', 'Reproduction and validation hold.');
    await frame.click('[data-testid="review-accept"]');
    await frame.waitForSelector('[data-testid="review-verdict-recorded"]', { timeout: 30_000 });
    const stored = ReviewVerdictSchema.parse(JSON.parse(readFileSync(join(ws.repo, '.shopfloor', 'runs', ws.runId, RUN_LAYOUT.reviewVerdict), 'utf8')));
    assert.equal(stored.verdict, 'accept');
    assert.equal(stored.comment, 'Reproduction and validation hold.');
    assert.equal(stored.trusted, true);
    assert.match((await frame.textContent('[data-testid="review-verdict-recorded"]')) ?? '', /Accept by .*Reproduction and validation hold\./);
  });

  it('a bundle whose evidence was edited after the journal bound it says so at the top and is never shown as verified', async () => {
    const ws = await workspaceWith(THEMES.dark);
    const page = await vs.open(ws.repo, true);
    const frame = await review(page, ws.tampered);
    const banner = (await frame.textContent('[data-testid="review-untrusted"]')) ?? '';
    assert.match(banner, /Not verified: do not trust this bundle/);
    assert.match(banner, /evidence\.json was changed after the journal recorded it/);
    assert.equal(await frame.$('[data-testid="review-trusted"]'), null);
    await page.screenshot({ path: join(results, 'review-dark-untrusted.png') });
  });

  for (const [name, theme] of Object.entries(THEMES).filter(([n]) => n !== 'dark')) {
    it(`renders reviewer mode in the ${name} theme (screenshots)`, async () => {
      const ws = await workspaceWith(theme);
      const page = await vs.open(ws.repo, true);
      const frame = await review(page, ws.runId);
      await frame.waitForSelector('[data-testid="review-trusted"]');
      await page.screenshot({ path: join(results, `review-${name}-summary.png`) });
      await runCommand(page, 'Shopfloor: Next Evidence Section');
      await runCommand(page, 'Shopfloor: Next Evidence Section');
      await frame.waitForFunction(() => /Section 3 of/.test(document.querySelector('[data-testid="review-position"]')?.textContent ?? ''));
      await page.screenshot({ path: join(results, `review-${name}-reproduction.png`) });
      const untrusted = await review(page, ws.tampered);
      await untrusted.waitForSelector('[data-testid="review-untrusted"]');
      await page.screenshot({ path: join(results, `review-${name}-untrusted.png`) });
      assert.ok(existsSync(join(results, `review-${name}-untrusted.png`)));
    });
  }
});
