import { strict as assert } from 'node:assert';
import { StationResultSchema, type StationResult } from '../../../src/contracts';
import { BUGFIX } from '../../../src/core/blueprints/builtins';
import { RunViewModel } from '../../../src/host/run/run-view';

const H = 'a'.repeat(64);

function result(over: Partial<StationResult> & Pick<StationResult, 'stationId' | 'role' | 'kind' | 'attempt' | 'outcome'>): StationResult {
  return StationResultSchema.parse({ commands: [], commandsOutcome: 'absent', machineMs: 0, ...over });
}

describe('host/run/run-view: the run timeline', () => {
  it('each station carries its duration and attempts; each decided gate who decided what, when, after how long', () => {
    const m = new RunViewModel('r1', BUGFIX);
    m.apply({ type: 'station/started', stationId: 'plan', attempt: 1 });
    m.apply({ type: 'station/finished', stationId: 'plan', attempt: 1, outcome: 'failed', durationMs: 800 });
    m.apply({ type: 'station/started', stationId: 'plan', attempt: 2 });
    m.apply({ type: 'station/finished', stationId: 'plan', attempt: 2, outcome: 'passed', durationMs: 1250 });
    m.apply({ type: 'gate/opened', gateId: 'g-plan', stationId: 'plan', position: 'after', contentHash: H });
    m.apply({
      type: 'gate/decided',
      decision: { gateId: 'g-plan', stationId: 'plan', position: 'after', decision: 'edit', by: { kind: 'human', name: 'Rita <rita@example.com>' }, openedAt: '2026-12-06T08:00:00.000Z', decidedAt: '2026-12-06T08:00:42.000Z', humanMs: 42_000, contentHash: H, reason: 'tighter scope' },
    });
    const v = m.view();
    const plan = v.stations.find((s) => s.id === 'plan')!;
    assert.equal(plan.status, 'passed');
    assert.equal(plan.durationMs, 1250, 'the last attempt');
    assert.equal(plan.attempts, 2);
    assert.deepEqual(v.gates, [{ gateId: 'g-plan', stationId: 'plan', position: 'after', decision: 'edit', by: 'Rita <rita@example.com>', decidedAt: '2026-12-06T08:00:42.000Z', humanMs: 42_000, reason: 'tighter scope' }]);
    assert.equal(v.stations.find((s) => s.id === 'validate')!.durationMs, null, 'not run: nothing known');
  });

  it("an agent station shows its agent and what its attempts cost together; the run's spend sums the stations", () => {
    const m = new RunViewModel('r1', BUGFIX);
    assert.equal(m.spent(), undefined, 'nothing known yet');
    const agent = (usd: number, input: number) => ({ name: 'claude-code', version: '@anthropic-ai/claude-code@2.1.3', outcome: 'finished', outputTail: '', usage: [{ model: 'm', inputTokens: input, outputTokens: 100, usd }] });
    m.addResult(result({ stationId: 'implement', role: 'implement', kind: 'agent', attempt: 1, outcome: 'failed', agent: agent(0.01, 900) }));
    m.addResult(result({ stationId: 'implement', role: 'implement', kind: 'agent', attempt: 2, outcome: 'passed', agent: agent(0.02, 1900) }));
    // A result read twice (a resumed run replays it) counts once.
    m.addResult(result({ stationId: 'implement', role: 'implement', kind: 'agent', attempt: 2, outcome: 'passed', agent: agent(0.02, 1900) }));
    m.addResult(result({ stationId: 'plan', role: 'plan', kind: 'agent', attempt: 1, outcome: 'passed', agent: { name: 'codex', outcome: 'finished', outputTail: '', cost: { inputTokens: 50, outputTokens: 50 } } }));
    const st = m.view().stations;
    const impl = st.find((s) => s.id === 'implement')!;
    assert.equal(impl.agent, 'claude-code (@anthropic-ai/claude-code@2.1.3)');
    assert.ok(Math.abs(impl.usd! - 0.03) < 1e-9, String(impl.usd));
    assert.equal(impl.tokens, 3000);
    const plan = st.find((s) => s.id === 'plan')!;
    assert.equal(plan.agent, 'codex');
    assert.equal(plan.usd, null, 'unpriced');
    assert.equal(plan.tokens, 100);
    const spent = m.spent()!;
    assert.ok(Math.abs(spent.usd! - 0.03) < 1e-9);
    assert.equal(spent.tokens, 3100);
  });

  it('a reproduction that failed as it must is marked so; one refused says why and is not', () => {
    const m = new RunViewModel('r1', BUGFIX);
    const cmd = (verdict: 'reproduced' | 'refused', reason: string) => ({ command: { argv: ['node', 'repro.js'] }, exitCode: 1, durationMs: 5, timedOut: false, truncated: false, outputTail: '', reproduction: { verdict, reason } });
    m.addResult(result({ stationId: 'reproduce', role: 'reproduce', kind: 'agent', attempt: 1, outcome: 'failed', commands: [cmd('reproduced', 'exit 1 as expected')], commandsOutcome: 'failed' }));
    let r = m.view().stations.find((s) => s.id === 'reproduce')!;
    assert.equal(r.failureExpected, true);
    assert.equal(r.note, 'reproduced: exit 1 as expected');
    m.addResult(result({ stationId: 'reproduce', role: 'reproduce', kind: 'agent', attempt: 2, outcome: 'failed', commands: [cmd('reproduced', 'exit 1'), cmd('refused', 'Cannot find module')], commandsOutcome: 'failed' }));
    r = m.view().stations.find((s) => s.id === 'reproduce')!;
    assert.equal(r.failureExpected, false, 'one command did not show the problem');
    assert.equal(r.note, 'refused: Cannot find module');
  });
});
