import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { AnthropicDouble } from '../support/model-double/anthropic';
import { git, sampleRepo } from './support/sample-repo';
import { chooseAgent, openPacketInPanel, RESULTS as results, useVsCode } from './support/session';

/**
 * An agent run from the editor with the real Claude Code CLI in the station container,
 * driven by the Anthropic model double on this machine through the run's model proxy:
 * the agent is chosen in the Start Run pick, the missing model key is set from the
 * warning's "Set Model API Key" button (SecretStorage), the station's output is live in
 * the panel, and the implement gate shows the agent's claim as a record beside the
 * line's own facts.
 */
/** Clicks "Set Model API Key" in the missing-key warning, picks Anthropic and types a placeholder key. */
async function setKeyFromWarning(page: Page): Promise<void> {
  await page.locator('.monaco-dialog-box').locator('a.monaco-button, button', { hasText: 'Set Model API Key' }).first().click();
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Anthropic' }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await page.locator('.quick-input-widget input[type="password"]').waitFor({ timeout: 15_000 });
  await page.keyboard.type('e2e-placeholder-key');
  await page.keyboard.press('Enter');
}

describe('e2e: an agent run with Claude Code, its claim at the gate (code-server + Chromium + Docker + model double)', function () {
  const vs = useVsCode();
  let page: Page;
  let frame: Frame;
  let repo: string;
  const claim = (o: Record<string, unknown>) => '```shopfloor-claim\n' + JSON.stringify(o) + '\n```';
  const double = new AnthropicDouble([
    // plan (read-only workspace): the plan is its final message
    { blocks: [{ type: 'text', text: `Plan: make index.js export the string fixed.\n${claim({ terminal: 'PR_READY', summary: 'Planned a one-line change.' })}` }] },
    // implement: a change through the shell, then the claim
    { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: `printf "module.exports = 'fixed';\\n" > index.js && node repro.js && echo reproduction-passes` } }] },
    {
      blocks: [
        {
          type: 'text',
          text: `Done.\n${claim({ terminal: 'PR_READY', summary: 'index.js now exports fixed.', filesChanged: ['index.js'], validationRun: ['node repro.js'], residualUncertainty: 'Callers of the old value were not checked.' })}`,
        },
      ],
    },
  ]);

  /**
   * Points the user's settings at `modelBase`, makes a sample repository whose run blueprint
   * is a repository blueprint `name` with `stations` (the packet edited by `editPacket`),
   * opens it, approves the packet in the panel, starts a run with Claude Code and sets the
   * key if asked. Sets `page` and `frame`; returns the repository.
   */
  async function startBlueprintRun(modelBase: string, name: string, stations: unknown[], editPacket?: (p: Record<string, unknown>) => Record<string, unknown>): Promise<string> {
    const settings = join(vs.server.userDataDir, 'User', 'settings.json');
    writeFileSync(settings, JSON.stringify({ ...JSON.parse(readFileSync(settings, 'utf8')), 'shopfloor.model.anthropic.baseUrl': modelBase }, null, 2));
    const dir = sampleRepo();
    const blueprint = { schemaVersion: 1, name, version: '1.0.0', tier: 'team', pattern: 'interactive', maxRevisions: 0, riskPaths: [], stations };
    mkdirSync(join(dir, '.shopfloor', 'blueprints'), { recursive: true });
    writeFileSync(join(dir, '.shopfloor', 'blueprints', `${name}.json`), JSON.stringify(blueprint, null, 2));
    if (editPacket) {
      const pf = join(dir, '.shopfloor', 'packets', 'fix-index.json');
      writeFileSync(pf, JSON.stringify(editPacket(JSON.parse(readFileSync(pf, 'utf8'))), null, 2));
    }
    const ws = join(dir, '.vscode', 'settings.json');
    writeFileSync(ws, JSON.stringify({ ...JSON.parse(readFileSync(ws, 'utf8')), 'shopfloor.run.blueprint': name }, null, 2));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', `${name} blueprint`);
    page = await vs.open(dir, true);
    frame = await openPacketInPanel(page, 'fix-index.json');
    return dir;
  }

  /** Approves the packet in the panel, starts the run with Claude Code, and sets the key if asked. */
  async function approveAndStart(): Promise<void> {
    await frame.click('[data-testid="approve"]');
    await frame.waitForFunction(() => /Approved by/.test(document.querySelector('[data-testid="approval"]')?.textContent ?? ''));
    await frame.click('[data-testid="start-run"]');
    await chooseAgent(page, 'Claude Code');
    // A new window of code-server may not share the first one's SecretStorage: set the key again if asked.
    if (await page.locator('.monaco-dialog-box').waitFor({ timeout: 10_000 }).then(() => true, () => false)) await setKeyFromWarning(page);
  }

  /**
   * Approves every gate `pass` does not pass over until the run shows its terminal state. Each
   * look is one snapshot of the panel (it re-renders between separate queries); a gate that
   * stays without an approve for 10 s (a failure or budget gate) means the line went wrong:
   * the test fails naming it.
   */
  async function approveUntilTerminal(pass: (g: { label: string; hasClaim: boolean }) => boolean): Promise<void> {
    const deadline = Date.now() + 5 * 60_000;
    let stuck: { label: string; since: number } | undefined;
    while (Date.now() < deadline) {
      const g = await frame.evaluate(() => {
        const gate = document.querySelector('[data-testid="gate"]');
        return {
          terminal: !!document.querySelector('[data-testid="terminal"]'),
          label: gate?.getAttribute('aria-label') ?? null,
          hasClaim: !!gate?.querySelector('[data-testid="gate-claim"]'),
          hasApprove: !!gate?.querySelector('[data-testid="gate-approve"]'),
          text: gate?.textContent ?? '',
        };
      });
      if (g.terminal) return;
      if (g.label === null || pass({ label: g.label, hasClaim: g.hasClaim })) {
        stuck = undefined;
        await page.waitForTimeout(300);
        continue;
      }
      if (!g.hasApprove) {
        if (stuck?.label !== g.label) stuck = { label: g.label, since: Date.now() };
        if (Date.now() - stuck.since > 10_000) assert.fail(`${g.label} offers no approve: ${g.text}`);
        await page.waitForTimeout(300);
        continue;
      }
      stuck = undefined;
      await frame.click('[data-testid="gate-approve"]');
      await frame.waitForFunction((l) => document.querySelector('[data-testid="gate"]')?.getAttribute('aria-label') !== l, g.label, { timeout: 5 * 60_000 });
    }
  }

  before(async () => {
    const base = await double.listen('127.0.0.1');
    // The provider's address is a machine setting (a workspace cannot send keys elsewhere): the user's settings.
    const settings = join(vs.server.userDataDir, 'User', 'settings.json');
    writeFileSync(settings, JSON.stringify({ ...JSON.parse(readFileSync(settings, 'utf8')), 'shopfloor.model.anthropic.baseUrl': base }, null, 2));
    repo = sampleRepo();
    page = await vs.open(repo, true);
    frame = await openPacketInPanel(page, 'fix-index.json');
  });
  after(async () => {
    await double.close();
  });

  it('choose Claude Code, set its key from the warning, see its output live and its claim beside the facts, end PR_READY', async function () {
    this.timeout(12 * 60_000);
    await frame.click('[data-testid="approve"]');
    await frame.waitForFunction(() => /Approved by/.test(document.querySelector('[data-testid="approval"]')?.textContent ?? ''));
    await frame.click('[data-testid="start-run"]');
    await page.screenshot({ path: join(results, 'e2e-agent-pick.png') });
    await chooseAgent(page, 'Claude Code');

    // No key anywhere: the warning offers to set one, and the run starts once it is stored.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    assert.match((await dialog.textContent()) ?? '', /Claude Code needs a model API key \(anthropic\)/);
    await setKeyFromWarning(page);
    await frame.waitForSelector('[data-testid="run"]', { timeout: 60_000 });

    let sawClaim = false;
    const deadline = Date.now() + 10 * 60_000;
    while (Date.now() < deadline) {
      if (await frame.$('[data-testid="terminal"]')) break;
      const gate = await frame.$('[data-testid="gate"]');
      if (gate) {
        const label = (await gate.getAttribute('aria-label')) ?? '';
        if (label === 'Gate after implement') {
          const c = (await frame.textContent('[data-testid="gate-claim"]')) ?? '';
          assert.match(c, /Claims: PR_READY/, c);
          assert.match(c, /index\.js now exports fixed\./, c);
          assert.match(c, /Validation it says it ran\s*node repro\.js/, c);
          assert.match(c, /Callers of the old value were not checked\./, c);
          const f = (await frame.textContent('[data-testid="gate-facts"]')) ?? '';
          assert.match(f, /Files the diff changes\s*index\.js/, f);
          assert.match(f, /reproduce \(reproduce\): failed/, f);
          const log = (await frame.textContent('[data-testid="station-log"]')) ?? '';
          assert.match(log, /Output · implement/, log);
          assert.match(log, /reproduction-passes|Bash/, `the agent's readable output reached the panel: ${log}`);
          await page.screenshot({ path: join(results, 'e2e-agent-claim.png'), fullPage: true });
          sawClaim = true;
        }
        await frame.click('[data-testid="gate-approve"]');
        await frame.waitForFunction((l) => document.querySelector('[data-testid="gate"]')?.getAttribute('aria-label') !== l, label, { timeout: 5 * 60_000 });
        continue;
      }
      await page.waitForTimeout(300);
    }
    const terminal = (await frame.textContent('[data-testid="terminal"]')) ?? '';
    assert.match(terminal, /^PR_READY/, terminal);
    // The branch is created after the terminal state is recorded: wait for the panel to show it.
    await frame.waitForSelector('[data-testid="output"]', { timeout: 60_000 });
    assert.ok(sawClaim, 'the implement gate was shown');
    // The key reached the provider double through the proxy; the agent had only a placeholder.
    assert.ok(double.requests.some((r) => r.headers['x-api-key'] === 'e2e-placeholder-key'), 'the stored key reached the provider');
    const branch = git(repo, 'branch', '--list', 'shopfloor/*').trim().replace(/^[*\s]+/, '');
    assert.match(git(repo, 'show', `${branch}:index.js`), /fixed/);
    assert.match(git(repo, 'log', '-1', '--format=%B', branch), /Agent: claude/);
  });

  it('a station that reaches its budget stops at a budget gate; "Raise budget and retry" with a new limit runs it again to PR_READY', async function () {
    this.timeout(12 * 60_000);
    const turns = new AnthropicDouble([
      // attempt 1: one call (120 tokens) passes the 100-token budget; the next is refused by the proxy and never reaches the double
      { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: `printf "module.exports = 'fixed';\\n" > index.js` } }] },
      // attempt 2, under the raised budget
      { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: `printf "module.exports = 'fixed';\\n" > index.js` } }] },
      { blocks: [{ type: 'text', text: `Done.\n${claim({ terminal: 'PR_READY', summary: 'Fixed on the second try.', filesChanged: ['index.js'] })}` }] },
    ]);
    const base = await turns.listen('127.0.0.1');
    try {
      const none = { when: 'none', allowSkip: false };
      const dir = await startBlueprintRun(base, 'budget-fix', [
        { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
        { id: 'implement', role: 'implement', kind: 'agent', budget: { tokens: 100 }, gate: { when: 'after', allowSkip: false }, retries: 0 },
        { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
        { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: none, retries: 0 },
      ]);
      await approveAndStart();
      await frame.waitForSelector('[data-testid="gate-budget"]', { timeout: 5 * 60_000 });
      const b = (await frame.textContent('[data-testid="gate-budget"]')) ?? '';
      assert.match(b, /Budget reached/, b);
      assert.match(b, /Budget now: 100 tokens/, b);
      assert.equal(await frame.$('[data-testid="gate-approve"]'), null, 'a budget gate has no approve');
      await frame.fill('[data-testid="budget-tokens"]', '-5');
      await frame.click('[data-testid="gate-raise-budget"]');
      assert.match((await frame.textContent('[data-testid="budget-error"]')) ?? '', /positive number/);
      await frame.fill('[data-testid="budget-tokens"]', '100000');
      await page.screenshot({ path: join(results, 'e2e-budget-gate.png'), fullPage: true });
      await frame.click('[data-testid="gate-raise-budget"]');
      await frame.waitForSelector('[data-testid="gate"][aria-label="Gate after implement"] [data-testid="gate-claim"]', { timeout: 5 * 60_000 });
      assert.match((await frame.textContent('[data-testid="gate-claim"]')) ?? '', /Fixed on the second try\./);
      await frame.click('[data-testid="gate-approve"]');
      // The implement gate, with its claim, may still be on screen for a moment: it was approved.
      await approveUntilTerminal((g) => g.hasClaim);
      const terminal = (await frame.textContent('[data-testid="terminal"]')) ?? '';
      assert.match(terminal, /^PR_READY/, terminal);
      // The raised budget is recorded with the human's retry in the evidence.
      const run = readdirSync(join(dir, '.shopfloor', 'runs'), { withFileTypes: true }).find((d) => d.isDirectory())!.name;
      await frame.waitForSelector('[data-testid="output"]', { timeout: 60_000 });
      const evidence = JSON.parse(readFileSync(join(dir, '.shopfloor', 'runs', run, 'evidence.json'), 'utf8')) as { gates: Array<{ stationId: string; decision: string; budget?: unknown }> };
      assert.ok(evidence.gates.some((g) => g.stationId === 'implement' && g.decision === 'retry' && JSON.stringify(g.budget) === JSON.stringify({ tokens: 100000 })), JSON.stringify(evidence.gates));
    } finally {
      await turns.close();
    }
  });

  it('no reproduction in the packet: the reproduce station\'s agent writes one; its gate shows script, expected failure and actual output side by side; approved, frozen, PR_READY', async function () {
    this.timeout(12 * 60_000);
    const script = "const v = require('../../index.js');\nif (v !== 'fixed') { console.error('index.js still exports ' + v); process.exit(1); }\n";
    const manifest = JSON.stringify({ statement: 'index.js exports the wrong value', argv: ['node', '.shopfloor/reproduction/repro.js'], expectFailure: { exitCode: 1, outputMatches: 'still exports' } });
    const turns = new AnthropicDouble([
      // reproduce: the script and its manifest, then the claim
      { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: `mkdir -p .shopfloor/reproduction && cat > .shopfloor/reproduction/repro.js <<'EOF'\n${script}EOF\ncat > .shopfloor/reproduction/reproduction.json <<'EOF'\n${manifest}\nEOF\nnode .shopfloor/reproduction/repro.js; echo "exit $?"` } }] },
      { blocks: [{ type: 'text', text: `Written.\n${claim({ terminal: 'PR_READY', summary: 'A reproduction that fails while index.js exports the wrong value.' })}` }] },
      // implement
      { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: `printf "module.exports = 'fixed';\\n" > index.js` } }] },
      { blocks: [{ type: 'text', text: `Done.\n${claim({ terminal: 'PR_READY', summary: 'index.js exports fixed.', filesChanged: ['index.js'] })}` }] },
    ]);
    const base = await turns.listen('127.0.0.1');
    try {
      const none = { when: 'none', allowSkip: false };
      const dir = await startBlueprintRun(
        base,
        'write-repro',
        [
          { id: 'reproduce', role: 'reproduce', kind: 'agent', gate: { when: 'after', allowSkip: false }, retries: 0 },
          { id: 'implement', role: 'implement', kind: 'agent', gate: none, retries: 0 },
          { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
          { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: none, retries: 0 },
        ],
        (p) => ({ ...p, reproduction: [], validation: [], flags: ['no-reproduction'], approval: undefined }),
      );
      assert.match((await frame.textContent('[data-testid="no-reproduction"]')) ?? '', /No reproduction yet/);
      await approveAndStart();
      await frame.waitForSelector('[data-testid="gate"][aria-label="Gate after reproduce"] [data-testid="gate-reproduction"]', { timeout: 5 * 60_000 });
      assert.match((await frame.textContent('[data-testid="repro-statement"]')) ?? '', /index\.js exports the wrong value/);
      assert.match((await frame.textContent('[data-testid="repro-script"]')) ?? '', /still exports/);
      const expected = (await frame.textContent('[data-testid="repro-expected"]')) ?? '';
      assert.match(expected, /exits with code 1/);
      assert.match(expected, /output matches \/still exports\//);
      const actual = (await frame.textContent('[data-testid="repro-actual"]')) ?? '';
      assert.match(actual, /exit 1/);
      assert.match(actual, /Verdict: reproduced/);
      assert.match(actual, /index\.js still exports broken/);
      await page.screenshot({ path: join(results, 'e2e-written-reproduction-gate.png'), fullPage: true });
      await frame.click('[data-testid="gate-approve"]');
      // The reproduce gate may still be on screen for a moment: it was approved.
      await approveUntilTerminal((g) => g.label === 'Gate after reproduce');
      const terminal = (await frame.textContent('[data-testid="terminal"]')) ?? '';
      assert.match(terminal, /^PR_READY/, terminal);
      await frame.waitForSelector('[data-testid="output"]', { timeout: 60_000 });
      const run = readdirSync(join(dir, '.shopfloor', 'runs'), { withFileTypes: true }).find((d) => d.isDirectory())!.name;
      const evidence = JSON.parse(readFileSync(join(dir, '.shopfloor', 'runs', run, 'evidence.json'), 'utf8')) as { reproduction: { sha256?: string; written?: { statement: string }; after: Array<{ exitCode: number }> } };
      assert.equal(evidence.reproduction.written?.statement, 'index.js exports the wrong value');
      assert.match(evidence.reproduction.sha256 ?? '', /^[0-9a-f]{64}$/);
      assert.deepEqual(evidence.reproduction.after.map((c) => c.exitCode), [0]);
    } finally {
      await turns.close();
    }
  });
});
