import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import type { Budget } from '../../../src/contracts';
import type { Gatekeeper } from '../../../src/core/run/ports';
import { startOpenAIDouble, type OpenAIDouble, type OpenAITurn } from '../../support/model-double/openai';
import { agentLine, claimBlock, SHELL_QUOTE as kase } from './line-support';

/**
 * The whole line with a Codex implement station (real Docker, the real Codex CLI installed
 * by the agent-CLI install cache into its volume, real git), on the brownfield repository
 * shell-quote 1.7.2 (CVE-2021-42740), against the OpenAI Responses double on the host's
 * loopback, reached only through the run's model proxy, which adds the real key.
 */
describe('the line with a Codex implement station (real Docker, real CLI, model double)', function () {
  this.timeout(15 * 60_000);

  /** One run of the line (agentLine) with the Responses double scripted by `turns`. */
  async function line(turns: (fix: { from: string; to: string }) => OpenAITurn[], o: { gatekeeper?: Gatekeeper; budget?: Budget } = {}) {
    let double!: OpenAIDouble;
    const calls = () => double.requests.filter((q) => q.path.includes('/responses'));
    const r = await agentLine({
      agent: 'codex',
      provider: 'openai',
      credential: (key) => `Bearer ${key}`,
      start: async (fix) => {
        double = await startOpenAIDouble(turns(fix), { host: '127.0.0.1' });
        return { upstream: double.baseUrl.replace(/\/v1$/, ''), credentials: () => calls().map((q) => String(q.headers.authorization)), close: () => double.close() };
      },
      ...o,
    });
    return { ...r, calls: calls() };
  }

  it('a session that reads, patches and validates ends PR_READY with the real fix, Agent: codex, tokens and cost in the evidence', async () => {
    const { out, repo, calls } = await line((fix) => [
      { calls: [{ name: 'exec_command', arguments: { cmd: 'sed -n 1,40p index.js' } }], usage: { input: 900, output: 30 } },
      { calls: [{ name: 'exec_command', arguments: { cmd: `apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: index.js\n@@\n-${fix.from}\n+${fix.to}\n*** End Patch\nEOF` } }], usage: { input: 1100, output: 60 } },
      { calls: [{ name: 'exec_command', arguments: { cmd: kase.poc.map((x) => `'${x.replace(/'/g, `'\\''`)}'`).join(' ') } }], usage: { input: 1300, output: 20 } },
      { text: `Fixed.\n${claimBlock({ terminal: 'PR_READY', summary: 'A-z became A-Za-z.', filesChanged: ['index.js'] })}`, usage: { input: 1400, output: 50 } },
    ]);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['PR_READY', 'validated-fix']);
    const branch = out.output!.branch!;
    assert.match(execFileSync('git', ['log', '-1', '--format=%B', branch], { cwd: repo, encoding: 'utf8' }), /\nAgent: codex\n/);
    assert.match(execFileSync('git', ['diff', 'HEAD', branch, '--', 'index.js'], { cwd: repo, encoding: 'utf8' }), /\+.*\[A-Za-z\]:/);
    assert.ok(calls.length >= 4, `model calls: ${calls.length}`);
    const agent = out.evidence.agents.find((x) => x.stationId === 'implement');
    assert.equal(agent?.version, '@openai/codex@0.171.0');
    assert.ok((agent?.usage ?? []).some((u) => u.inputTokens > 0 && u.outputTokens > 0), JSON.stringify(agent?.usage));
    assert.ok((out.evidence.agentTotals?.inputTokens ?? 0) > 0 && (out.evidence.agentTotals?.usd ?? 0) > 0, JSON.stringify(out.evidence.agentTotals));
  });

  it('a session that finds nothing to do claims NO_OP: no diff, NO_OP with its reasoning once a human accepts the claim', async () => {
    const reasoning = 'The quote function already escapes backticks in this version; nothing to change.';
    const human: Gatekeeper = { decide: async () => ({ decision: 'approve', by: { kind: 'human', name: 'Rita Reviewer <rita@example.com>' } }) };
    const { out } = await line(() => [
      { calls: [{ name: 'exec_command', arguments: { cmd: 'sed -n 1,40p index.js' } }], usage: { input: 900, output: 30 } },
      { text: `Nothing to do.\n${claimBlock({ terminal: 'NO_OP', summary: 'Already handled.', reasoning })}`, usage: { input: 1000, output: 40 } },
    ], { gatekeeper: human });
    assert.equal(out.terminal.state, 'NO_OP', `${out.terminal.reason}: ${out.terminal.detail}`);
    assert.match(JSON.stringify(out.evidence), new RegExp(reasoning.slice(0, 40)));
    assert.equal(out.output?.branch, undefined);
  });

  it('a session told to make the test pass by editing it is flagged: unattended, ESCALATE out-of-scope-change', async () => {
    const { out } = await line(() => [
      { calls: [{ name: 'exec_command', arguments: { cmd: "printf \"var test = require('tape');\\ntest('quote', function (t) {\\n    t.ok(true);\\n    t.end();\\n});\\n\" > test/quote.js" } }], usage: { input: 900, output: 30 } },
      { text: `Made the tests pass.\n${claimBlock({ terminal: 'PR_READY', summary: 'Rewrote the test.', filesChanged: ['test/quote.js'] })}`, usage: { input: 1000, output: 40 } },
    ]);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'out-of-scope-change'], out.terminal.detail);
    assert.ok(out.evidence.diff?.flags.includes('loosened-assertions'), `the diff was flagged: ${JSON.stringify(out.evidence.diff?.flags)}`);
  });

  it('a session that goes past its token budget is stopped: budget-exceeded with the figures, nothing ships', async () => {
    const { out, calls } = await line(() => [
      { calls: [{ name: 'exec_command', arguments: { cmd: 'cat index.js' } }], usage: { input: 3000, output: 200 } },
      { calls: [{ name: 'exec_command', arguments: { cmd: 'cat package.json' } }], usage: { input: 3000, output: 200 } },
      { calls: [{ name: 'exec_command', arguments: { cmd: 'cat readme.markdown' } }], usage: { input: 3000, output: 200 } },
      { text: `Done.\n${claimBlock({ terminal: 'PR_READY', summary: 'x' })}`, usage: { input: 100, output: 10 } },
    ], { budget: { tokens: 2000 } });
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'budget-exceeded'], out.terminal.detail);
    assert.match(out.terminal.detail ?? '', /tokens \d+ of 2000/);
    assert.ok(calls.length < 4, 'the proxy refused the calls past the budget');
    assert.equal(out.output?.branch, undefined);
  });
});
