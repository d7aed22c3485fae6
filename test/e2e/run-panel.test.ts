import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ReviewVerdictSchema } from '../../src/contracts';
import { RUN_LAYOUT } from '../../src/core/run/layout';
import { findWebviewFrame, runCommand } from './support/browser';
import { git, sampleRepo } from './support/sample-repo';
import { chooseAgent, openPacketInPanel, RESULTS as results, screenshotInThemes, useVsCode } from './support/session';

/**
 * A whole run driven from the panel in real VS Code: approve the packet, start the run,
 * decide every gate with a click, and see the terminal state. Stations run in a real
 * devcontainer on Docker; the implement station is a command agent set in the workspace
 * settings (a stand-in for an agent CLI). At the implement gate a changed file's diff opens
 * in VS Code's diff editor from the card; after the end, the run's own bundle is reviewed
 * from its terminal view and a verdict recorded.
 */

const EDITED_PLAN = 'Edited in the panel: make index.js export the string fixed; touch nothing else.';

describe('e2e: a run driven from the panel (code-server + Chromium + Docker)', function () {
  const vs = useVsCode();
  let page: Page;
  let frame: Frame;
  let repo: string;

  before(async () => {
    repo = sampleRepo();
    page = await vs.open(repo, true);
    frame = await openPacketInPanel(page, 'fix-index.json');
  });

  it('refuses to start before the packet is approved', async () => {
    const disabled = await frame.getAttribute('[data-testid="start-run"]', 'disabled');
    assert.notEqual(disabled, null, 'Start run is disabled without an approval');
  });

  it('approves, runs, stops at every gate for a click, and ends PR_READY on a branch', async () => {
    await frame.click('[data-testid="approve"]');
    await frame.waitForFunction(() => /Approved by/.test(document.querySelector('[data-testid="approval"]')?.textContent ?? ''));
    await frame.click('[data-testid="start-run"]');
    // The agent pick: this build's agents, Claude Code with its pinned version and install state, the command agent with the workspace's command.
    const agents = await chooseAgent(page, 'Command agent');
    assert.ok(agents.some((r) => /^Claude Code ?\d+\.\d+\.\d+ — (installed|will be installed on first use)/.test(r)), `agent pick rows: ${agents.join(' | ')}`);
    assert.ok(agents.some((r) => /^Command agent ?\["node","-e",.*\(default\)/.test(r)), `agent pick rows: ${agents.join(' | ')}`);
    await frame.waitForSelector('[data-testid="run"]', { timeout: 30_000 });

    const decided: string[] = [];
    const deadline = Date.now() + 8 * 60_000;
    while (Date.now() < deadline) {
      if (await frame.$('[data-testid="terminal"]')) break;
      const gate = await frame.$('[data-testid="gate"]');
      if (gate) {
        const label = (await gate.getAttribute('aria-label')) ?? '';
        // Every view in the light, high-contrast and dark themes: the first gate card, the gate with a diff, the end.
        if (!decided.length) await screenshotInThemes(page, frame, repo, 'e2e-run-gate');
        decided.push(label);
        if (label === 'Gate after implement') {
          // The line's own facts beside the (here absent) claim: the file the diff really changes.
          const facts = (await frame.textContent('[data-testid="gate-facts"]')) ?? '';
          assert.match(facts, /Files the diff changes\s*index\.js/, facts);
          await screenshotInThemes(page, frame, repo, 'e2e-run-gate-diff');
          // Open the changed file's diff from the card: VS Code's own diff editor, beside the panel, base commit against the run's workspace.
          await frame.click('[data-testid="open-diff"][data-path="index.js"]');
          const diffTab = page.locator('.tabs-container .tab', { hasText: /index\.js \([0-9a-f]{8} ↔ run / }).first();
          await diffTab.waitFor({ timeout: 30_000 });
          await page.locator('.monaco-diff-editor .editor.modified .view-lines', { hasText: 'fixed' }).first().waitFor({ timeout: 30_000 });
          await page.locator('.monaco-diff-editor .editor.original .view-lines', { hasText: 'broken' }).first().waitFor({ timeout: 30_000 });
          assert.equal(await frame.getAttribute('[data-testid="gate"]', 'aria-label'), label, 'the gate card stays open beside the diff');
          await page.screenshot({ path: join(results, 'e2e-run-gate-open-diff.png') });
          // The diff stays open beside the panel for the rest of the run, as a reviewer would leave it.
        }
        if (label === 'Gate after plan') {
          // Edit the plan, then approve it: the implement station must receive the edited text.
          await frame.click('[data-testid="gate-edit"]');
          await frame.fill('[data-testid="gate-plan"]', EDITED_PLAN);
          await page.screenshot({ path: join(results, 'e2e-run-plan-edit.png') });
          await frame.click('[data-testid="gate-edit-approve"]');
        } else await frame.click('[data-testid="gate-approve"]');
        await frame.waitForFunction((l) => document.querySelector('[data-testid="gate"]')?.getAttribute('aria-label') !== l, label, { timeout: 5 * 60_000 });
        continue;
      }
      await page.waitForTimeout(300);
    }
    const terminal = (await frame.textContent('[data-testid="terminal"]')) ?? '';
    // The branch is created after the terminal state is recorded: wait for the panel to show it.
    if (/^PR_READY/.test(terminal)) await frame.waitForSelector('[data-testid="output"]', { timeout: 60_000 });
    await screenshotInThemes(page, frame, repo, 'e2e-run-terminal');
    assert.match(terminal, /^PR_READY/, `terminal: ${terminal}; gates decided: ${decided.join(' | ')}`);
    // The last station's output reached the panel as text (the validation's npm test).
    const log = (await frame.textContent('[data-testid="station-log"]')) ?? '';
    assert.match(log, /node test\.js/, `station log: ${log}`);
    assert.ok(decided.length >= 3, `a human decided the gates: ${decided.join(' | ')}`);
    const branches = git(repo, 'branch', '--list', 'shopfloor/*').trim();
    assert.match(branches, /shopfloor\//);
    const branch = branches.replace(/^[*\s]+/, '');
    assert.match(git(repo, 'show', `${branch}:index.js`), /fixed/);
    assert.match(git(repo, 'log', '-1', '--format=%B', branch), /Approved-by: Rita Reviewer/);
    assert.equal(git(repo, 'show', 'HEAD:index.js'), "module.exports = 'broken';\n", "the user's checkout is untouched");

    // The plan edited at its gate is the run's plan, and the decision records it as an edit by the human.
    const runs = readdirSync(join(repo, '.shopfloor', 'runs'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    assert.equal(runs.length, 1);
    const evidence = JSON.parse(readFileSync(join(repo, '.shopfloor', 'runs', runs[0]!, 'evidence.json'), 'utf8')) as {
      plan?: string;
      gates: Array<{ stationId: string; decision: string; by: { kind: string; name: string }; contentHash: string }>;
    };
    assert.equal(evidence.plan, EDITED_PLAN);
    const planGate = evidence.gates.find((g) => g.stationId === 'plan');
    assert.equal(planGate?.decision, 'edit');
    assert.deepEqual(planGate?.by, { kind: 'human', name: 'Rita Reviewer <rita@example.com>' });
    assert.match(planGate?.contentHash ?? '', /^[0-9a-f]{64}$/);
  });

  it("pushes the run's branch to the repository's remote from the panel", async () => {
    const bare = mkdtempSync(join(tmpdir(), 'shopfloor-remote-'));
    git(bare, 'init', '-q', '--bare');
    git(repo, 'remote', 'add', 'origin', bare);
    await frame.click('[data-testid="push"]');
    await frame.waitForFunction(() => /Pushed to origin/.test(document.querySelector('[data-testid="message"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const branch = git(repo, 'branch', '--list', 'shopfloor/*').trim().replace(/^[*\s]+/, '');
    assert.equal(git(bare, 'rev-parse', `refs/heads/${branch}`).trim(), git(repo, 'rev-parse', branch).trim());
  });

  it("switches to reviewer mode on the run's own bundle from its terminal view, steps through it and records a verdict with a section comment", async () => {
    const runId = readdirSync(join(repo, '.shopfloor', 'runs'), { withFileTypes: true }).find((d) => d.isDirectory())!.name;
    await frame.click('[data-testid="review-open"]');
    await frame.waitForFunction((id) => (document.querySelector('[data-testid="evidence"] h2')?.textContent ?? '').includes(id), runId, { timeout: 30_000 });
    // The bundle the line sealed verifies: journal chain, seal and every bound file.
    await frame.waitForSelector('[data-testid="review-trusted"]');
    assert.match((await frame.textContent('[data-testid="review-position"]')) ?? '', /Section 1 of \d+: Summary/);
    await runCommand(page, 'Shopfloor: Next Evidence Section');
    await frame.waitForFunction(() => /Section 2 of/.test(document.querySelector('[data-testid="review-position"]')?.textContent ?? ''));
    const section = ((await frame.textContent('[data-testid="review-position"]')) ?? '').replace(/^Section 2 of \d+: /, '').trim();
    await frame.fill('[data-testid="review-section-comment"]', 'Checked against the diff.');
    await screenshotInThemes(page, frame, repo, 'e2e-run-review');
    await frame.fill('[data-testid="review-comment"]', 'Add a test for the fixed export.');
    await frame.click('[data-testid="review-request-changes"]');
    await frame.waitForSelector('[data-testid="review-verdict-recorded"]', { timeout: 30_000 });
    const stored = ReviewVerdictSchema.parse(JSON.parse(readFileSync(join(repo, '.shopfloor', 'runs', runId, RUN_LAYOUT.reviewVerdict), 'utf8')));
    assert.equal(stored.verdict, 'request-changes');
    assert.equal(stored.comment, 'Add a test for the fixed export.');
    assert.equal(stored.trusted, true, 'a verdict on a bundle that verified says so');
    assert.deepEqual(Object.values(stored.sectionComments), ['Checked against the diff.'], `the comment on section "${section}" is stored with the verdict`);
    assert.match((await frame.textContent('[data-testid="review-verdict-recorded"]')) ?? '', /Request changes by .*Add a test for the fixed export\./);
  });

  it("reviews the same run from its output branch's evidence note (refs/notes/shopfloor), verified, with the verdict just recorded", async () => {
    const runId = readdirSync(join(repo, '.shopfloor', 'runs'), { withFileTypes: true }).find((d) => d.isDirectory())!.name;
    const branch = git(repo, 'branch', '--list', 'shopfloor/*').trim().replace(/^[*\s]+/, '');
    await runCommand(page, 'Shopfloor: Review Evidence from a Branch or Commit…');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: branch }).first().waitFor({ timeout: 30_000 });
    await rows.filter({ hasText: branch }).first().click();
    frame = await findWebviewFrame(page, '[data-testid="review-trusted"]', 60_000);
    assert.match((await frame.textContent('[data-testid="evidence"] h2')) ?? '', new RegExp(runId));
    assert.match((await frame.textContent('[data-testid="review-verdict-recorded"]')) ?? '', /Request changes by /);
  });
});
