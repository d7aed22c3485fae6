import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { contentHash } from '../../src/core/hash';
import { outcome, teamBlueprint } from '../integration/registry/support';
import { aFinishedRunFolder } from '../support/run-folder-fixture';
import { findWebviewFrame, runCommand } from './support/browser';
import { embeddedRegistry } from './support/registry';
import { RESULTS, useVsCode } from './support/session';

/**
 * "Shopfloor: Review Evidence from the Registry…" in real VS Code (code-server + Chromium),
 * on the editor's embedded registry seeded through the registry's own publish and sync:
 * two outcomes of one blueprint, one of a run whose folder is in the workspace (a sealed run
 * folder as the engine leaves it), one of a run from elsewhere. The first opens verified in
 * reviewer mode; the second says the registry holds only its outcome.
 */
describe('e2e: reviewer mode from the registry (code-server + Chromium)', function () {
  const vs = useVsCode();

  it("lists the registry's runs newest first; the one this workspace has opens verified, another says the registry holds only its outcome", async () => {
    const run = await aFinishedRunFolder('run-20261206-registry');
    const reg = await embeddedRegistry(vs.server.userDataDir);
    const bp = teamBlueprint('bugfix-reviewed');
    await reg.publish(bp, { by: 'Rita <r@example.com>', workspace: 'c'.repeat(64) });
    await reg.sync([
      outcome('bugfix-reviewed', '1.0.0', contentHash(bp), 0, { runId: run.runId, endedAt: '2026-12-06T10:00:00.000Z' }),
      outcome('bugfix-reviewed', '1.0.0', contentHash(bp), 1, { runId: 'run-elsewhere-1', endedAt: '2026-12-06T09:00:00.000Z', terminal: { state: 'ESCALATE', reason: 'agent-gave-up' } }),
    ]);
    const page = await vs.open(run.repo, true);
    const rows = page.locator('.quick-input-list .monaco-list-row');

    await runCommand(page, 'Shopfloor: Review Evidence from the Registry…');
    await rows.filter({ hasText: 'run-elsewhere-1' }).first().waitFor({ timeout: 60_000 });
    const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    assert.match(texts[0] ?? '', new RegExp(`${run.runId}.*bugfix-reviewed@1\\.0\\.0 · PR_READY.*bundle in this workspace`), texts.join(' | '));
    assert.match(texts[1] ?? '', /run-elsewhere-1.*bugfix-reviewed@1\.0\.0 · ESCALATE.*outcome only/, texts.join(' | '));
    await page.screenshot({ path: join(RESULTS, 'review-registry-pick.png') });
    await rows.filter({ hasText: run.runId }).first().click();
    const frame = await findWebviewFrame(page, '[data-testid="evidence"]', 60_000);
    await frame.waitForFunction((id) => (document.querySelector('[data-testid="evidence"] h2')?.textContent ?? '').includes(id), run.runId, { timeout: 30_000 });
    await frame.waitForSelector('[data-testid="review-trusted"]');

    await runCommand(page, 'Shopfloor: Review Evidence from the Registry…');
    await rows.filter({ hasText: 'run-elsewhere-1' }).first().waitFor({ timeout: 60_000 });
    await rows.filter({ hasText: 'run-elsewhere-1' }).first().click();
    await page.locator('.notifications-toasts', { hasText: 'holds only the outcome of run run-elsewhere-1' }).first().waitFor({ timeout: 30_000 });
  });
});
