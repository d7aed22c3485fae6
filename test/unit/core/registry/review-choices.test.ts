import { strict as assert } from 'node:assert';
import type { ReviewVerdictRecord } from '../../../../src/contracts';
import { registryReviewChoices } from '../../../../src/core/registry/review-choices';
import { anOutcome } from './records';

const verdict = (runId: string, v: ReviewVerdictRecord['verdict'], at: string): ReviewVerdictRecord => ({ kind: 'review-verdict', runId, blueprint: { name: 'bugfix', version: '1.0.0' }, verdict: v, reviewer: 'd'.repeat(64), at });

describe('core/registry/review-choices: the registry runs a reviewer can pick', () => {
  it('lists every outcome newest first, with the latest verdict record over the outcome\'s own, and marks the runs this workspace has', () => {
    const outcomes = [
      anOutcome(1, { endedAt: '2026-12-01T10:00:00.000Z', verdict: 'pending' }),
      anOutcome(2, { endedAt: '2026-12-03T10:00:00.000Z', terminal: { state: 'ESCALATE', reason: 'validation-failed' }, verdict: 'pending' }),
      anOutcome(3, { endedAt: '2026-12-02T10:00:00.000Z', verdict: 'accepted', blueprint: { name: 'cve-remediation', version: '2.1.0', hash: 'e'.repeat(64) } }),
    ];
    const verdicts = [verdict('r-1', 'changes-requested', '2026-12-01T11:00:00.000Z'), verdict('r-1', 'accepted', '2026-12-01T12:00:00.000Z'), verdict('r-9', 'rejected', '2026-12-04T00:00:00.000Z')];
    const choices = registryReviewChoices(outcomes, verdicts, new Set(['r-3']));
    assert.deepEqual(
      choices.map((c) => [c.runId, c.blueprint, c.terminal, c.verdict, c.here]),
      [
        ['r-2', 'bugfix@1.0.0', 'ESCALATE', 'pending', false],
        ['r-3', 'cve-remediation@2.1.0', 'PR_READY', 'accepted', true],
        ['r-1', 'bugfix@1.0.0', 'PR_READY', 'accepted', false],
      ],
    );
    // A verdict for a run the registry has no outcome of offers nothing to review.
    assert.ok(!choices.some((c) => c.runId === 'r-9'));
  });

  it('an empty registry offers nothing', () => {
    assert.deepEqual(registryReviewChoices([], [], new Set(['r-1'])), []);
  });
});
