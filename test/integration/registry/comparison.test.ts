import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { contentHash } from '../../../src/core/hash';
import { comparableNames, loadComparison } from '../../../src/app/blueprint-comparison';
import { bareRegistry, client, outcome, scratch, teamBlueprint } from './support';

/**
 * The comparison view's data from a real bare registry: a parent, its fork with lineage and
 * outcomes of both go in through publish, fork and sync; loadComparison gives each version
 * (one without runs too), the fork against its parent, and a verdict record counted. An
 * unreachable registry gives a view that says why.
 */
describe('registry: the comparison view from a real registry', function () {
  this.timeout(120_000);

  it('a fork beside its parent, per version, with verdicts counted; an unreachable registry says why', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const reg = await client(bare, root, 'a');
    const parent = teamBlueprint('bugfix-team');
    await reg.publish(parent, { by: 'Rita <r@example.com>', workspace: 'c'.repeat(64) });
    const fork = await reg.fork('bugfix-team@1.0.0', { name: 'bugfix-ours', by: 'Rita <r@example.com>', workspace: 'c'.repeat(64) });
    await reg.publish({ ...fork.blueprint, version: '1.1.0' }, { by: 'Rita <r@example.com>', workspace: 'c'.repeat(64), forkOf: 'bugfix-team@1.0.0' });
    const lineage = { parent: 'bugfix-team@1.0.0', parentHash: contentHash(parent) };
    await reg.sync([
      ...Array.from({ length: 12 }, (_, i) => outcome('bugfix-team', '1.0.0', contentHash(parent), i, i < 3 ? { terminal: { state: 'ESCALATE', reason: 'agent-gave-up' }, verdict: 'pending' } : { verdict: 'pending' })),
      ...Array.from({ length: 4 }, (_, i) => outcome('bugfix-ours', '1.0.0', fork.record.hash, i, { lineage, verdict: 'pending' })),
      { kind: 'review-verdict', runId: 'run-bugfix-team-5', blueprint: { name: 'bugfix-team', version: '1.0.0' }, verdict: 'changes-requested', reviewer: 'e'.repeat(64), at: '2026-12-04T10:00:00.000Z' },
      { kind: 'review-verdict', runId: 'run-bugfix-team-6', blueprint: { name: 'bugfix-team', version: '1.0.0' }, verdict: 'accepted', reviewer: 'e'.repeat(64), at: '2026-12-04T10:00:00.000Z' },
    ]);

    // Another machine's clone reads it.
    const other = await client(bare, root, 'b');
    assert.deepEqual(await comparableNames(other), ['bugfix-ours', 'bugfix-team']);
    const c = await loadComparison(other, 'bugfix-ours', new Date('2026-12-04T12:00:00Z'));
    assert.equal(c.problem, null);
    assert.equal(c.parent, 'bugfix-team');
    assert.deepEqual(c.versions.map((v) => `${v.role}:${v.name}@${v.version}:${v.runs}`), ['parent:bugfix-team@1.0.0:12', 'blueprint:bugfix-ours@1.0.0:4', 'blueprint:bugfix-ours@1.1.0:0']);
    assert.deepEqual(c.versions[0]!.terminal, { PR_READY: 9, NO_OP: 0, ESCALATE: 3, RETRYABLE_FAILURE: 0 });
    assert.deepEqual([c.versions[0]!.reviewerAcceptance.k, c.versions[0]!.reviewerAcceptance.n], [1, 2], 'changes requested: judged, not accepted');
    assert.equal(c.versions[2]!.reviewerAcceptance.rate, null, 'no samples: no made-up rate');
    assert.deepEqual(c.pairs.map((p) => `${p.fork}>${p.parent}`), ['bugfix-ours>bugfix-team']);
    assert.ok(c.pairs[0]!.figures.every((f) => f.verdict === 'too-thin'), 'the fork has 4 runs: too thin on every figure');
    // The parent's own comparison lists its fork.
    assert.deepEqual((await loadComparison(other, 'bugfix-team')).versions.map((v) => v.role), ['blueprint', 'fork', 'fork']);

    const gone = await client(join(root, 'no-such.git'), root, 'c');
    const g = await loadComparison(gone, 'bugfix-ours');
    assert.match(g.problem ?? '', /unreachable/);
    assert.deepEqual(g.versions, []);
  });
});
