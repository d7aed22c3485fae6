import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { runCommand } from './support/browser';
import { sampleRepo } from './support/sample-repo';
import { RESULTS, screenshotInThemes, useVsCode } from './support/session';

/**
 * The Packets view and the first-use walkthrough in real VS Code (code-server): the view
 * lists the workspace's packets (a draft, an invalid file naming its bad field, one
 * drafted while the view is open), approving from the row's inline button marks it
 * approved, and "Shopfloor: Open Walkthrough" opens the five steps.
 */

/** The Packets view's pane in the Shopfloor container. */
function packetsPane(page: Page): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Packets/ }) }).first();
}

describe('e2e: the Packets view and the walkthrough', function () {
  const vs = useVsCode();
  let page: Page;
  let repo: string;

  before(async () => {
    repo = sampleRepo();
    writeFileSync(join(repo, '.shopfloor', 'packets', 'broken.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(repo, '.shopfloor', 'packets', 'fix-index.json'), 'utf8')), id: 'broken', risk: 'sometimes' }, null, 2));
    page = await vs.open(repo, true);
  });

  it('lists the packets, adds one drafted while it is open, and approves a draft from its inline button', async () => {
    await page.locator('.activitybar .action-item a[aria-label^="Shopfloor"], .activitybar .action-label[aria-label^="Shopfloor"]').first().click();
    const pane = packetsPane(page);
    const rows = pane.locator('.monaco-list-row');
    await rows.filter({ hasText: "index.js must export 'fixed'." }).first().waitFor({ timeout: 60_000 });
    const broken = rows.filter({ hasText: 'broken.json' }).first();
    assert.match((await broken.innerText()).replace(/\s+/g, ' '), /invalid: risk/);

    // A draft written while the view is open shows through the file watcher.
    await runCommand(page, 'Shopfloor: Draft Task Packet');
    const picks = page.locator('.quick-input-list .monaco-list-row');
    await picks.filter({ hasText: 'Type or paste a seed' }).first().click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill("TODO: repro.js should print which value index.js exported when it fails");
    await page.keyboard.press('Enter');
    await picks.filter({ hasText: 'guessed from the text' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await rows.filter({ hasText: 'repro.js should print' }).first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(RESULTS, 'e2e-packets-view.png') });

    // Approve from the row: VS Code hands the command the row itself.
    const draft = rows.filter({ hasText: "index.js must export 'fixed'." }).first();
    await draft.hover();
    await draft.locator('.action-label[aria-label^="Approve Task Packet"]').click();
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await draft.locator('.codicon-verified').waitFor({ timeout: 30_000 });
    const approved = JSON.parse(readFileSync(join(repo, '.shopfloor', 'packets', 'fix-index.json'), 'utf8'));
    assert.equal(approved.approval.by, 'Rita Reviewer <rita@example.com>');
    await draft.hover();
    assert.equal(await draft.locator('.action-label[aria-label^="Start Run"]').count(), 1, 'an approved row offers Start Run');
    await page.screenshot({ path: join(RESULTS, 'e2e-packets-view-approved.png') });
  });

  it("Shopfloor: Open Walkthrough opens the five first-use steps; running a step's command marks it done", async () => {
    await runCommand(page, 'Shopfloor: Open Walkthrough');
    const steps = page.locator('.getting-started-step');
    await page.locator('.gettingStartedContainer', { hasText: 'Get started with Shopfloor' }).first().waitFor({ timeout: 30_000 });
    const titles = (await steps.allInnerTexts()).map((t) => t.split('\n')[0]!.trim());
    for (const t of ['Pick a seed', 'Draft a task packet', 'Approve the packet', 'Run it and approve the gates', 'Review the evidence']) assert.ok(titles.some((x) => x.includes(t)), `${t} in ${JSON.stringify(titles)}`);
    // A step completes when its command runs (completionEvents onCommand:...): the step's own button, its quick pick dismissed.
    const done = () => page.locator('[data-done-step-id][aria-checked="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-done-step-id')));
    // Not asserted empty before: which earlier commands VS Code counted depends on when its walkthrough service started
    // (with startupEditor none, seen here: only once the walkthrough opened, so the draft and approval above did not count).
    await page.locator('.getting-started-step', { hasText: 'Pick a seed' }).getByRole('button', { name: 'Draft Task Packet' }).click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Type or paste a seed' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    await page.locator('[data-done-step-id$="#pickSeed"][aria-checked="true"]').waitFor({ timeout: 10_000 });
    assert.ok((await done()).includes('shopfloor.shopfloor#shopfloor.firstRun#pickSeed'), 'running Draft Task Packet completes "Pick a seed"');
    // The Packets row's hover tooltip (from the approve click above) would cover the steps.
    await page.mouse.move(1000, 120);
    await page.keyboard.press('Escape');
    await page.locator('.monaco-hover').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    await page.screenshot({ path: join(RESULTS, 'e2e-walkthrough.png') });
    // Last, so that no later step runs after the theme changes (a theme switch before the walkthrough left its quick pick rows hidden in CI).
    await screenshotInThemes(page, undefined, repo, 'e2e-packets-view-walkthrough');
  });
});
