import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { BUGFIX } from '../../../../src/core/blueprints';
import { PassThrough, Writable } from 'node:stream';
import { costOfUsage, describeBudget, parseBudget, runBudget, summarizeToolCalls } from '../../../../src/core/agent/usage';
import { TerminalGatekeeper } from '../../../../src/cli/terminal-prompt';
import { draftPacket } from '../../../../src/core/packet/draft';
import { DEFAULT_RUN_BUDGET } from '../../../../src/core/packet/defaults';
import { FakeRepoReader, FIXTURES } from '../profile/fake-reader';
import { aPacket } from '../../../support/builders';

describe('core/agent/usage: budgets, usage and tool calls (issue 10)', () => {
  it('a drafted packet carries the default run budget, marked as a default', async () => {
    const reader = FakeRepoReader.fromDir(join(FIXTURES, 'npm'), [{ commit: 'c1', at: 1, paths: ['src/index.js'] }]);
    const { packet } = await draftPacket({ seed: { kind: 'failing-test', text: 'FAIL test/index.test.js\n  ● dates › parses empty string\n\n      at Object.parseDate (/ci/repo/src/index.js:3:10)' }, reader });
    assert.deepEqual(packet.budget, DEFAULT_RUN_BUDGET);
    assert.equal(packet.provenance?.['budget']?.source, 'default');
  });

  it("the run budget is the packet's, else the blueprint's, else none", () => {
    assert.deepEqual(runBudget({ budget: { tokens: 10 } }, { budget: { usd: 1 } }), { tokens: 10 });
    assert.deepEqual(runBudget(aPacket().build(), { ...BUGFIX, budget: { usd: 1 } }), { usd: 1 });
    assert.equal(runBudget(aPacket().build(), BUGFIX), undefined);
  });

  it('usage by model sums to tokens and dollars (dollars only when priced); tool calls sum by name; budgets read as words', () => {
    assert.deepEqual(costOfUsage([{ model: 'a', inputTokens: 10, outputTokens: 2, cacheReadTokens: 99 }, { model: 'b', inputTokens: 5, outputTokens: 1, usd: 0.5 }]), { inputTokens: 15, outputTokens: 3, usd: 0.5 });
    assert.deepEqual(costOfUsage([{ model: 'a', inputTokens: 1, outputTokens: 1 }]), { inputTokens: 1, outputTokens: 1 });
    assert.equal(costOfUsage([]), undefined);
    assert.deepEqual(summarizeToolCalls([{ name: 'Read', outcome: 'ok' }, { name: 'Bash', outcome: 'unknown', durationMs: 3 }, { name: 'Read', outcome: 'error', durationMs: 4 }]), [
      { name: 'Read', calls: 2, errors: 1, durationMs: 4 },
      { name: 'Bash', calls: 1, errors: 0, durationMs: 3 },
    ]);
    assert.equal(describeBudget({ tokens: 100, usd: 2 }), 'tokens 100, $2');
    assert.equal(describeBudget(undefined), 'no limit');
  });
});

describe('core/agent/usage parseBudget and the terminal budget gate', () => {
  it('reads tokens=N usd=N wallMs=N; empty is no change; a wrong key or bound is a problem in words', () => {
    assert.deepEqual(parseBudget('tokens=200000 usd=5, wallMs=600000'), { budget: { tokens: 200000, usd: 5, wallMs: 600000 } });
    assert.deepEqual(parseBudget('  '), { budget: undefined });
    assert.match((parseBudget('cost=5') as { problem: string }).problem, /"cost=5" is not tokens=N/);
    assert.match((parseBudget('tokens=1.5') as { problem: string }).problem, /^tokens: /);
  });

  it('a person at the terminal retries a budget gate with a raised budget (asked again after a typo)', async () => {
    const input = new PassThrough();
    const answers = ['t', 'tokens=lots', 'tokens=5000'];
    const output = new Writable({
      write(chunk, _enc, done) {
        if (/: $/.test(String(chunk))) setImmediate(() => input.write(`${answers.shift()}\n`));
        done();
      },
    });
    const keeper = new TerminalGatekeeper({ input, output, close: () => input.end() }, 'Ana');
    const gate = { runId: 'r', gateId: 'implement.after.3', stationId: 'implement', position: 'after' as const, contentHash: 'a'.repeat(64), summary: 'budget', content: {}, allowed: ['retry' as const, 'reject' as const], risk: { packetRisk: 'auto-ship' as const, touchedRiskPaths: [], diffFlags: [], budgetExceeded: 'station tokens 1001 of 1000' } };
    assert.deepEqual(await keeper.decide(gate), { decision: 'retry', by: { kind: 'human', name: 'Ana' }, raisedBudget: { tokens: 5000 } });
  });
});
