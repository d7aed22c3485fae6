import { strict as assert } from 'node:assert';
import { RunOutcomeRecordSchema } from '../../../../src/contracts';
import { checkPromotion, compareFork, DEFAULT_PROMOTION_RULES, registryStats } from '../../../../src/core/registry';
import { anOutcome } from './records';

const parent = { parent: 'bugfix@1.0.0', parentHash: 'a'.repeat(64) };

describe('core/registry: analytics and the promotion rule', () => {
  it('the test records are valid outcome records', () => {
    assert.ok(RunOutcomeRecordSchema.safeParse(anOutcome(1)).success);
    assert.equal(RunOutcomeRecordSchema.safeParse({ ...anOutcome(1), diff: 'x' }).success, false, 'an undeclared field is refused');
  });

  it('figures per version and per blueprint, with verdict records overriding', () => {
    const outcomes = [
      ...Array.from({ length: 8 }, (_, i) => anOutcome(i)),
      anOutcome(8, { terminal: { state: 'NO_OP', reason: 'already-fixed' }, firstAttemptValidation: 'none', verdict: 'pending' }),
      anOutcome(9, { firstAttemptValidation: 'failed', humanEdited: true, humanMs: 600_000, cost: { inputTokens: 0, outputTokens: 0 } }),
      anOutcome(10, { blueprint: { name: 'bugfix', version: '1.1.0', hash: 'd'.repeat(64) } }),
    ];
    const s = registryStats(outcomes, [{ kind: 'review-verdict', runId: 'r-0', blueprint: { name: 'bugfix', version: '1.0.0' }, verdict: 'rejected', reviewer: 'e'.repeat(64), at: '2026-12-03T11:00:00.000Z' }]);
    assert.deepEqual(s.versions.map((v) => `${v.name}@${v.version}:${v.runs}`), ['bugfix@1.0.0:10', 'bugfix@1.1.0:1']);
    const v = s.versions[0]!;
    assert.deepEqual(v.terminal, { PR_READY: 9, NO_OP: 1, ESCALATE: 0, RETRYABLE_FAILURE: 0 });
    assert.equal(v.reviewerAcceptance.k, 8, 'r-0 rejected by its verdict record');
    assert.equal(v.reviewerAcceptance.n, 9);
    assert.equal(v.acceptedNoEdit.k, 7, 'r-9 was edited at a gate');
    assert.equal(v.acceptedNoEdit.n, 10);
    assert.deepEqual([v.firstAttemptValidation.k, v.firstAttemptValidation.n], [8, 9]);
    assert.equal(v.humanMinutes.median, 2);
    assert.equal(v.usd.n, 9, 'a run without a known cost is left out of the cost');
    assert.equal(v.usd.totalUsd, 4.5);
    assert.equal(v.durationSec.median, 60);
    assert.equal(s.blueprints[0]!.runs, 11);
  });

  it("reviewer acceptance: a changes-requested verdict is judged, not accepted; a reviewer's later verdict replaces the earlier", () => {
    const v = (runId: string, verdict: 'accepted' | 'changes-requested' | 'rejected', at: string) => ({ kind: 'review-verdict' as const, runId, blueprint: { name: 'bugfix', version: '1.0.0' }, verdict, reviewer: 'e'.repeat(64), at });
    const outcomes = [0, 1, 2, 3].map((i) => anOutcome(i, { verdict: 'pending' }));
    const s = registryStats(outcomes, [v('r-0', 'accepted', '2026-12-03T11:00:00.000Z'), v('r-1', 'changes-requested', '2026-12-03T11:00:00.000Z'), v('r-2', 'changes-requested', '2026-12-03T11:00:00.000Z'), v('r-2', 'accepted', '2026-12-03T12:00:00.000Z')]);
    const f = s.versions[0]!.reviewerAcceptance;
    assert.deepEqual([f.k, f.n], [2, 3], 'r-0 and r-2 (accepted after changes) accepted; r-1 judged, not accepted; r-3 pending, left out');
  });

  it('a fork against its parent: better, worse, or too thin to say', () => {
    const par = registryStats(Array.from({ length: 40 }, (_, i) => anOutcome(i, { firstAttemptValidation: i % 2 ? 'passed' : 'failed' }))).blueprints[0]!;
    const good = registryStats(Array.from({ length: 40 }, (_, i) => anOutcome(i, { blueprint: { name: 'bugfix-ours', version: '1.0.0', hash: 'f'.repeat(64) }, lineage: parent }))).blueprints[0]!;
    assert.equal(good.parent, 'bugfix');
    const c = compareFork(good, par);
    assert.equal(c.find((x) => x.figure === 'firstAttemptValidation')!.verdict, 'better');
    assert.equal(c.find((x) => x.figure === 'reviewerAcceptance')!.verdict, 'no-clear-difference');
    assert.equal(compareFork(par, good).find((x) => x.figure === 'firstAttemptValidation')!.verdict, 'worse');
    const thin = registryStats([anOutcome(1, { blueprint: { name: 'bugfix-ours', version: '1.0.0', hash: 'f'.repeat(64) } })]).blueprints[0]!;
    assert.ok(compareFork(thin, par).every((x) => x.verdict === 'too-thin'));
  });

  it('promotion: refuses a version short of runs and names the figure', () => {
    const cand = registryStats(Array.from({ length: 4 }, (_, i) => anOutcome(i))).versions[0]!;
    const d = checkPromotion(DEFAULT_PROMOTION_RULES.team, cand);
    assert.equal(d.met, false);
    assert.deepEqual(d.shortfalls, ['runs: 4 recorded, at least 10 runs']);
  });

  it('promotion: refuses a candidate worse than production beyond the interval, and names that figure', () => {
    const prod = registryStats(Array.from({ length: 50 }, (_, i) => anOutcome(i))).versions[0]!;
    const cand = registryStats(Array.from({ length: 30 }, (_, i) => anOutcome(i, { blueprint: { name: 'bugfix', version: '1.1.0', hash: 'd'.repeat(64) }, firstAttemptValidation: i < 10 ? 'passed' : 'failed' }))).versions[0]!;
    const d = checkPromotion(DEFAULT_PROMOTION_RULES.team, cand, prod);
    assert.equal(d.met, false);
    assert.equal(d.shortfalls.length, 1);
    assert.match(d.shortfalls[0]!, /^firstAttemptValidation: 33\.3% .*n=30\), needs not worse than production 100\.0%/);
    const same = registryStats(Array.from({ length: 30 }, (_, i) => anOutcome(i, { firstAttemptValidation: i === 0 ? 'failed' : 'passed' }))).versions[0]!;
    assert.equal(checkPromotion(DEFAULT_PROMOTION_RULES.team, same, prod).met, true, 'one failure in 30 is within the interval of 100%');
  });

  it('promotion without production: a figure with no samples falls short', () => {
    const cand = registryStats(Array.from({ length: 12 }, (_, i) => anOutcome(i, { terminal: { state: 'NO_OP', reason: 'already-fixed' }, firstAttemptValidation: 'none' }))).versions[0]!;
    const d = checkPromotion(DEFAULT_PROMOTION_RULES.team, cand);
    assert.deepEqual(d.figures.filter((f) => !f.met).map((f) => f.figure), ['firstAttemptValidation', 'reviewerAcceptance']);
  });
});
