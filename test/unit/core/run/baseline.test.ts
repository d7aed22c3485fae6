import { strict as assert } from 'node:assert';
import type { CommandResult } from '../../../../src/contracts';
import { BUGFIX, CVE_REMEDIATION } from '../../../../src/core/blueprints';
import { baselineCacheKey, failsTheSameWay, judgeCommands, judgeStation, planBaseline, reviseFeedback } from '../../../../src/core/run/baseline';
import type { StationResult } from '../../../../src/core/run/station-result';
import { aPacket } from '../../../support/builders';

const run = (argv: string[], exitCode: number | null, over: Partial<CommandResult> = {}): CommandResult => ({ command: { argv }, exitCode, durationMs: 1, timedOut: false, outputTail: `${argv.join(' ')} -> ${exitCode}`, truncated: false, ...over });
const result = (commands: CommandResult[], over: Partial<StationResult> = {}): StationResult => ({
  stationId: 'validate',
  role: 'validate',
  kind: 'command',
  attempt: 1,
  outcome: commands.some((c) => c.exitCode !== 0) ? 'failed' : 'passed',
  commands,
  commandsOutcome: commands.length ? (commands.some((c) => c.exitCode !== 0) ? 'failed' : 'passed') : 'absent',
  machineMs: 1,
  ...over,
});
const profile = { setup: [{ argv: ['npm', 'install'] }], dependencyCheck: [], registryHosts: [] };

describe('core/run/baseline: the validation baseline (design.md "Validation baseline")', () => {
  it('"fails the same way" is the same non-zero exit code on both sides, neither timed out nor killed', () => {
    assert.equal(failsTheSameWay(run(['t'], 1), run(['t'], 1)), true);
    assert.equal(failsTheSameWay(run(['t'], 1), run(['t'], 2)), false, 'another exit code is another failure');
    assert.equal(failsTheSameWay(run(['t'], 0), run(['t'], 1)), false, 'green before is a regression, not pre-existing');
    assert.equal(failsTheSameWay(run(['t'], null), run(['t'], null)), false, 'killed is not a failure of the code');
    assert.equal(failsTheSameWay(run(['t'], 1, { timedOut: true }), run(['t'], 1)), false);
  });

  it('judges each command after the change against the base commit: passed, pre-existing, regression, failed differently, no baseline', () => {
    const before = [run(['npm', 'test'], 1), run(['npm', 'run', 'lint'], 0), run(['tsc'], 2)];
    const after = [run(['npm', 'test'], 1), run(['npm', 'run', 'lint'], 1), run(['tsc'], 1), run(['node', 'poc.js'], 1), run(['npm', 'run', 'build'], 0)];
    assert.deepEqual(
      judgeCommands('validate', before, after).map((v) => `${v.argv.join(' ')}: ${v.before ?? '-'} → ${v.after} ${v.verdict}`),
      ['npm test: 1 → 1 pre-existing-failure', 'npm run lint: 0 → 1 regression', 'tsc: 2 → 1 failed-differently', 'node poc.js: - → 1 failed', 'npm run build: - → 0 passed'],
    );
  });

  it('matches commands by argv, cwd and env, in order for repeats, whatever their description', () => {
    const before = [run(['npm', 'test'], 1, { command: { argv: ['npm', 'test'], cwd: 'a' } }), run(['npm', 'test'], 0, { command: { argv: ['npm', 'test'], cwd: 'b', description: 'b tests' } })];
    const after = [run(['npm', 'test'], 1, { command: { argv: ['npm', 'test'], cwd: 'b' } }), run(['npm', 'test'], 1, { command: { argv: ['npm', 'test'], cwd: 'a' } })];
    assert.deepEqual(judgeCommands('validate', before, after).map((v) => v.verdict), ['regression', 'pre-existing-failure']);
  });

  it('a station whose only failures were there before is green for the decision, and says which', () => {
    const base = { stationId: 'validate', station: BUGFIX.stations.at(-1)!, commands: [], skipped: [], key: 'k', result: result([run(['npm', 'test'], 1), run(['lint'], 0)]) };
    const j = judgeStation(result([run(['npm', 'test'], 1), run(['lint'], 0)]), base);
    assert.equal(j.outcome, 'passed');
    assert.deepEqual(j.preexisting, ['npm test (exit 1)']);
    const k = judgeStation(result([run(['npm', 'test'], 1), run(['lint'], 3)]), base);
    assert.equal(k.outcome, 'failed');
    assert.deepEqual(k.regressions, ['lint (exit 3)']);
    assert.equal(judgeStation(result([run(['npm', 'test'], 1)]), undefined).outcome, 'failed', 'without a baseline every failure is the change\'s');
    assert.equal(judgeStation(result([], { outcome: 'failed', commandsOutcome: 'absent', note: 'scenarios missing' }), base).outcome, 'failed');
  });

  it('plans a baseline for validate command stations only, without the reproduction commands (they must fail before)', () => {
    const repro = { argv: ['node', '-e', 'process.exit(1)'] };
    const packet = aPacket().with('reproduction', [repro]).with('validation', [repro, { argv: ['npm', 'test'] }]).build();
    const validate = CVE_REMEDIATION.stations.find((s) => s.role === 'validate')!;
    const plan = planBaseline(validate, CVE_REMEDIATION, packet, profile, 'a'.repeat(40))!;
    assert.equal(plan.station.id, 'validate@baseline');
    assert.equal(plan.station.gate.when, 'none');
    assert.deepEqual(plan.commands.map((c) => c.argv), [['npm', 'test']]);
    assert.deepEqual(plan.skipped.map((c) => c.argv), [repro.argv]);
    for (const s of CVE_REMEDIATION.stations.filter((x) => x.role !== 'validate')) assert.equal(planBaseline(s, CVE_REMEDIATION, packet, profile, 'a'.repeat(40)), undefined, s.id);
    const onlyRepro = aPacket().with('reproduction', [repro]).with('validation', [repro]).build();
    assert.equal(planBaseline(validate, CVE_REMEDIATION, onlyRepro, profile, 'a'.repeat(40)), undefined, 'nothing left to run');
  });

  it('the cache key changes with the base commit, set-up, commands, image and environment', () => {
    const o = { baseCommit: 'a'.repeat(40), setup: profile.setup, commands: [{ argv: ['npm', 'test'] }], image: undefined, env: {} };
    const k = baselineCacheKey(o);
    assert.match(k, /^[0-9a-f]{64}$/);
    assert.equal(baselineCacheKey({ ...o, commands: [{ argv: ['npm', 'test'], description: 'other words' }] }), k, 'descriptions do not change what runs');
    for (const over of [{ baseCommit: 'b'.repeat(40) }, { setup: [{ argv: ['npm', 'ci'] }] }, { commands: [{ argv: ['npm', 'test'], cwd: 'x' }] }, { image: 'node:20' }, { env: { CI: '1' } }])
      assert.notEqual(baselineCacheKey({ ...o, ...over }), k, JSON.stringify(over));
  });

  it('revise feedback names regressions and lists pre-existing failures apart, as not the implementer\'s to fix', () => {
    const r = result([run(['npm', 'test'], 1), run(['lint'], 1)]);
    const verdicts = judgeCommands('validate', [run(['npm', 'test'], 1), run(['lint'], 0)], r.commands);
    const fb = reviseFeedback([r], verdicts);
    assert.match(fb, /^\$ lint \(exit 1, a regression: it passed on the base commit\)/);
    assert.match(fb, /Failing the same way on the base commit \(pre-existing, not caused by the change; do not try to fix them\):\n\$ npm test \(exit 1\)$/);
  });
});
