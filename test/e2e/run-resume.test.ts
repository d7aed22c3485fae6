import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { findWebviewFrame, runCommand, waitForWorkbench } from './support/browser';
import { sampleRepo } from './support/sample-repo';
import { chooseAgent, openPacketInPanel, RESULTS as results, useVsCode } from './support/session';

/**
 * A window reload during a run (issue 8, "Done when"): the extension host dies mid-run
 * like a crash; after "Shopfloor: Resume Run" the panel shows the stations that already
 * finished (from the journal), not every station as pending, and the run goes on to its
 * terminal state from the gate it was at.
 */

const statuses = (frame: Frame) =>
  frame.$$eval('[data-testid="run"] [data-station]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-station'), e.getAttribute('data-status')])));

async function waitForGate(frame: Frame, label: string): Promise<void> {
  await frame.waitForFunction((l) => document.querySelector('[data-testid="gate"]')?.getAttribute('aria-label') === l, label, { timeout: 5 * 60_000 });
}

describe('e2e: a run resumed after a window reload shows its finished stations (code-server + Chromium + Docker)', function () {
  const vs = useVsCode();
  let page: Page;
  let repo: string;

  it('reload at the plan gate, Resume Run: set-up passed, reproduction failed, plan passed; then on to PR_READY', async () => {
    repo = sampleRepo();
    page = await vs.open(repo, true);
    let frame = await openPacketInPanel(page, 'fix-index.json');
    await frame.click('[data-testid="approve"]');
    await frame.waitForFunction(() => /Approved by/.test(document.querySelector('[data-testid="approval"]')?.textContent ?? ''));
    await frame.click('[data-testid="start-run"]');
    await chooseAgent(page, 'Command agent');
    await waitForGate(frame, 'Gate after reproduce');
    await frame.click('[data-testid="gate-approve"]');
    await waitForGate(frame, 'Gate after plan');
    const before = await statuses(frame);
    assert.equal(before.plan, 'passed', JSON.stringify(before));

    // The window reloads: the extension host (and the run in it) is gone.
    await page.reload();
    await waitForWorkbench(page);
    const runId = readdirSync(join(repo, '.shopfloor', 'runs'), { withFileTypes: true }).find((d) => d.isDirectory())!.name;
    await runCommand(page, 'Shopfloor: Resume Run');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: runId }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');

    frame = await findWebviewFrame(page, `[data-testid="run"] [data-station="plan"]`, 60_000);
    await waitForGate(frame, 'Gate after plan');
    const after = await statuses(frame);
    await page.screenshot({ path: join(results, 'e2e-run-resumed.png') });
    assert.deepEqual(
      { setup: after.setup, reproduce: after.reproduce, plan: after.plan, implement: after.implement },
      { setup: 'passed', reproduce: 'failed', plan: 'passed', implement: 'pending' },
      `stations after the resume: ${JSON.stringify(after)}`,
    );

    const deadline = Date.now() + 6 * 60_000;
    while (Date.now() < deadline && !(await frame.$('[data-testid="terminal"]'))) {
      const gate = await frame.$('[data-testid="gate"]');
      if (gate) {
        const label = (await gate.getAttribute('aria-label')) ?? '';
        await frame.click('[data-testid="gate-approve"]');
        await frame.waitForFunction((l) => document.querySelector('[data-testid="gate"]')?.getAttribute('aria-label') !== l, label, { timeout: 5 * 60_000 });
      } else await page.waitForTimeout(300);
    }
    const terminal = (await frame.textContent('[data-testid="terminal"]')) ?? '';
    assert.match(terminal, /^PR_READY/, terminal);
  });
});
