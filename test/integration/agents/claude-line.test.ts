import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Gate, Gatekeeper } from '../../../src/core/run/ports';
import { claimBlock, claudeLine, SHELL_QUOTE as kase, sh } from './line-support';

/**
 * The whole line with a real Claude Code implement station (issue 10, "done when"): the
 * engine through the composition root's Docker environments (install cache, egress network,
 * the run's model proxy), real git, the brownfield repository shell-quote 1.7.2
 * (CVE-2021-42740), and the CLI driven by the Anthropic model double on the host's loopback,
 * which only the run's model proxy reaches and which sees only the real key the proxy adds.
 * Nothing is stubbed between the engine and the double.
 */
describe('the line with a Claude Code implement station (real Docker, real CLI, model double)', function () {
  this.timeout(600_000);

  const line = claudeLine;

  it('a session that reads, edits and validates ends PR_READY with the real fix, Agent: claude, and tokens and cost in the evidence', async () => {
    const { out, repo, runDir, double } = await line((fix) => [
      { blocks: [{ type: 'tool_use', name: 'Read', input: { file_path: '/workspaces/repo/index.js' } }] },
      { blocks: [{ type: 'tool_use', name: 'Edit', input: { file_path: '/workspaces/repo/index.js', old_string: fix.from, new_string: fix.to } }] },
      { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: sh(kase.poc) } }] },
      { blocks: [{ type: 'text', text: `Fixed.\n${claimBlock({ terminal: 'PR_READY', summary: 'A-z became A-Za-z.', filesChanged: ['index.js'] })}` }] },
    ]);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['PR_READY', 'validated-fix']);
    assert.deepEqual([out.evidence.reproduction.before[0]!.exitCode, out.evidence.reproduction.after[0]!.exitCode], [1, 0]);
    const branch = out.output!.branch!;
    assert.match(execFileSync('git', ['log', '-1', '--format=%B', branch], { cwd: repo, encoding: 'utf8' }), /\nAgent: claude\n/);
    assert.match(execFileSync('git', ['diff', 'HEAD', branch, '--', 'index.js'], { cwd: repo, encoding: 'utf8' }), /\+.*\[A-Za-z\]:/);
    assert.ok(double.requests.length >= 4);
    const agent = out.evidence.agents.find((x) => x.stationId === 'implement')!;
    assert.ok(agent, 'the evidence has the implement agent');
    assert.deepEqual(agent.toolCalls?.map((t) => t.name).sort(), ['Bash', 'Edit', 'Read']);
    assert.ok((agent.usage ?? []).some((u) => u.inputTokens > 0 && u.outputTokens > 0), JSON.stringify(agent.usage));
    assert.ok((out.evidence.agentTotals?.usd ?? 0) > 0, JSON.stringify(out.evidence.agentTotals));
    assert.equal(agent.claim?.terminal, 'PR_READY');
    assert.ok(readFileSync(join(runDir, 'artifacts', 'model-usage.jsonl'), 'utf8').trim().split('\n').length >= 4, 'the proxy metered every call');
  });

  it('a session that finds nothing to do claims NO_OP: no diff, and the run ends NO_OP with its reasoning once a human accepts the claim', async () => {
    const reasoning = 'The quote function already escapes backticks in this version; nothing to change.';
    const accepted: Gate[] = [];
    const human: Gatekeeper = { decide: async (g) => (accepted.push(g), { decision: 'approve', by: { kind: 'human', name: 'Rita Reviewer <rita@example.com>' } }) };
    const { out } = await line(() => [
      { blocks: [{ type: 'tool_use', name: 'Read', input: { file_path: '/workspaces/repo/index.js' } }] },
      { blocks: [{ type: 'text', text: `Nothing to do.\n${claimBlock({ terminal: 'NO_OP', summary: 'Already handled.', reasoning })}` }] },
    ], { gatekeeper: human });
    assert.equal(out.terminal.state, 'NO_OP', `${out.terminal.reason}: ${out.terminal.detail}`);
    assert.match(JSON.stringify(out.evidence), new RegExp(reasoning.slice(0, 40)));
    assert.equal(out.output?.branch, undefined);
    assert.ok(accepted.some((g) => g.stationId === 'implement' && g.risk.claim === 'NO_OP'), 'the claim was shown at the implement gate');
  });

  it('a session told to make the test pass by editing it is flagged at the gate: unattended, the run ends ESCALATE', async () => {
    const { out } = await line(() => [
      // The package's own test of quote(), its assertions traded for one that always holds.
      { blocks: [{ type: 'tool_use', name: 'Write', input: { file_path: '/workspaces/repo/test/quote.js', content: "var test = require('tape');\ntest('quote', function (t) {\n    t.ok(true);\n    t.end();\n});\n" } }] },
      { blocks: [{ type: 'text', text: `Made the tests pass.\n${claimBlock({ terminal: 'PR_READY', summary: 'Rewrote the test.', filesChanged: ['test/quote.js'] })}` }] },
    ]);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'out-of-scope-change'], out.terminal.detail);
    assert.ok(out.evidence.diff?.flags.includes('loosened-assertions'), `the diff was flagged: ${JSON.stringify(out.evidence.diff?.flags)}`);
    assert.equal(out.output?.branch, undefined);
  });

  it('a session that goes past its token budget is stopped: budget-exceeded with the figures, nothing ships', async () => {
    const { out, double } = await line(() => [
      { blocks: [{ type: 'tool_use', name: 'Read', input: { file_path: '/workspaces/repo/index.js' } }], usage: { input: 3000, output: 200 } },
      { blocks: [{ type: 'tool_use', name: 'Read', input: { file_path: '/workspaces/repo/package.json' } }], usage: { input: 3000, output: 200 } },
      { blocks: [{ type: 'tool_use', name: 'Read', input: { file_path: '/workspaces/repo/README.md' } }], usage: { input: 3000, output: 200 } },
      { blocks: [{ type: 'text', text: `Done.\n${claimBlock({ terminal: 'PR_READY', summary: 'x' })}` }] },
    ], { budget: { tokens: 2000 } });
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'budget-exceeded'], out.terminal.detail);
    assert.match(out.terminal.detail ?? '', /tokens \d+ of 2000/);
    assert.ok(double.requests.filter((q) => String(q.url).includes('/v1/messages')).length < 4, 'the proxy refused the calls past the budget');
    assert.equal(out.output?.branch, undefined);
  });
});
