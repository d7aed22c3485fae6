import { strict as assert } from 'node:assert';
import { TerminalStateSchema } from '../../../../src/contracts';
import { decideTerminal, type TerminalFacts } from '../../../../src/core/run/decide-terminal';

/** Facts of a run that reproduced, implemented, re-ran the reproduction and validated, all green. */
const green = (over: Partial<TerminalFacts> = {}): TerminalFacts => ({
  noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
  implements: true,
  setup: 'passed',
  reproductionBefore: 'failed',
  implement: 'done',
  diff: { files: 1, flags: [] },
  reproductionAfter: 'passed',
  validation: 'passed',
  stationsPending: false,
  revisionsLeft: 2,
  ...over,
});
const t = (f: TerminalFacts) => {
  const d = decideTerminal(f);
  return d.kind === 'terminal' ? `${d.rule} ${d.terminal.state} ${d.terminal.reason}` : `${d.rule} ${d.kind}`;
};

describe('core/run/decideTerminal: the decision table (docs/terminal-decision.md)', () => {
  it('T15: reproduction failing before and passing after, diff non-empty, validation green → PR_READY validated-fix', () => {
    assert.equal(t(green()), 'T15 PR_READY validated-fix');
  });

  it('T15: flags a human approved → PR_READY approved-with-flags', () => {
    assert.equal(t(green({ diff: { files: 2, flags: ['out-of-scope'] }, flagsApproved: true })), 'T15 PR_READY approved-with-flags');
  });

  it('T0: a packet flagged missing-context ends before anything runs, by its missing-context rule', () => {
    const fresh: TerminalFacts = { noOpRules: [], implements: true, stationsPending: true, revisionsLeft: 2, packetMissingContext: true };
    assert.equal(t(fresh), 'T0 ESCALATE missing-context');
    assert.equal(t({ ...fresh, noOpRules: [{ when: 'missing-context', then: 'NO_OP' }] }), 'T0 NO_OP missing-context');
    assert.equal(t({ ...fresh, noOpRules: [{ when: 'missing-context', then: 'ESCALATE' }] }), 'T0 ESCALATE missing-context');
  });

  it('T1: a rejection at a gate wins over everything', () => {
    assert.equal(t(green({ rejected: { state: 'NO_OP', reason: 'needs-product-decision' }, retryable: { reason: 'timeout' } })), 'T1 NO_OP needs-product-decision');
  });

  it('T2: retries exhausted on an environment cause → RETRYABLE_FAILURE with the cause', () => {
    for (const reason of ['engine-unavailable', 'image-build-failed', 'timeout', 'station-crashed', 'cancelled'] as const)
      assert.equal(t(green({ retryable: { reason } })), `T2 RETRYABLE_FAILURE ${reason}`);
  });

  it('T2b: an agent reached its budget and no human raised it → ESCALATE budget-exceeded with the figures, before set-up, implement or validation facts', () => {
    const d = decideTerminal(green({ budgetExceeded: 'station implement: station tokens 10234 of 10000', diff: undefined, implement: 'failed' }));
    assert.equal(d.kind === 'terminal' && `${d.rule} ${d.terminal.state} ${d.terminal.reason}`, 'T2b ESCALATE budget-exceeded');
    assert.match(d.kind === 'terminal' ? d.terminal.detail! : '', /10234 of 10000/);
    assert.equal(t(green({ budgetExceeded: 'x', setup: 'failed' })), 'T2b ESCALATE budget-exceeded');
    assert.equal(t(green({ budgetExceeded: 'x', retryable: { reason: 'timeout' } })), 'T2 RETRYABLE_FAILURE timeout', 'an environment cause comes first');
  });

  it("T8c: the implement agent's NO_OP claim is NO_OP only when a human accepted it; otherwise, and an ESCALATE claim always, ESCALATE needs-product-decision", () => {
    const c = (terminal: 'NO_OP' | 'ESCALATE', acceptedBy?: string) => green({ diff: undefined, reproductionAfter: undefined, validation: undefined, stationsPending: true, claim: { terminal, reasoning: 'documented behaviour', acceptedBy } });
    assert.equal(t(c('NO_OP', 'alice')), 'T8c NO_OP needs-product-decision');
    assert.equal(t(c('NO_OP')), 'T8c ESCALATE needs-product-decision');
    assert.equal(t(c('ESCALATE', 'alice')), 'T8c ESCALATE needs-product-decision');
    const d = decideTerminal(c('NO_OP'));
    assert.match(d.kind === 'terminal' ? d.terminal.detail! : '', /no human accepted the claim[\s\S]*documented behaviour/);
    assert.equal(t(green({ reproductionBefore: 'passed', claim: { terminal: 'NO_OP', reasoning: 'r' } })), 'T4 NO_OP could-not-reproduce', 'a reproduction passing on the base commit is T4, before any claim');
  });

  describe('T2w: a command hit a station wall (memory, processes, disk)', () => {
    const wall = (reason: 'memory-limit' | 'pids-limit' | 'disk-limit') => ({ reason, detail: `station validate: node alloc.js hit the station's wall (${reason})` });
    it('→ ESCALATE naming the wall, with the station and command in the detail', () => {
      for (const reason of ['memory-limit', 'pids-limit', 'disk-limit'] as const) {
        const d = decideTerminal(green({ wall: wall(reason) }));
        assert.equal(t(green({ wall: wall(reason) })), `T2w ESCALATE ${reason}`);
        assert.ok(d.kind === 'terminal' && TerminalStateSchema.safeParse(d.terminal).success);
        assert.match(d.kind === 'terminal' ? (d.terminal.detail ?? '') : '', /^station validate: node alloc\.js .*neither a failing test nor evidence of the problem/);
      }
    });
    it('is never a revise or validation-failed, even with validation failed and revise rounds left', () => {
      assert.equal(t(green({ validation: 'failed', revisionsLeft: 2, wall: wall('memory-limit') })), 'T2w ESCALATE memory-limit');
      assert.equal(t(green({ validation: 'failed', revisionsLeft: 0, wall: wall('memory-limit') })), 'T2w ESCALATE memory-limit');
      assert.equal(t(green({ reproductionAfter: 'failed', wall: wall('pids-limit') })), 'T2w ESCALATE pids-limit');
    });
    it('a reproduction that hit a wall is not evidence the problem exists: no implement, no NO_OP', () => {
      const before = { reproductionBefore: 'failed' as const, implement: undefined, diff: undefined, reproductionAfter: undefined, validation: undefined, stationsPending: true };
      assert.equal(t(green({ ...before, wall: wall('memory-limit') })), 'T2w ESCALATE memory-limit');
    });
    it('comes before set-up (T3): an install that ran out of disk names the disk wall', () => {
      assert.equal(t(green({ setup: 'failed', wall: wall('disk-limit') })), 'T2w ESCALATE disk-limit');
    });
    it('comes after a rejection (T1) and an environment cause (T2)', () => {
      assert.equal(t(green({ rejected: { state: 'ESCALATE', reason: 'rejected-at-gate' }, wall: wall('memory-limit') })), 'T1 ESCALATE rejected-at-gate');
      assert.equal(t(green({ retryable: { reason: 'timeout' }, wall: wall('memory-limit') })), 'T2 RETRYABLE_FAILURE timeout');
    });
    it('a very long detail still fits the terminal state schema', () => {
      const d = decideTerminal(green({ wall: { reason: 'memory-limit', detail: 'x'.repeat(10_000) } }));
      assert.ok(d.kind === 'terminal' && TerminalStateSchema.safeParse(d.terminal).success);
    });
  });

  it('T3: set-up failed → ESCALATE missing-context', () => {
    assert.equal(t(green({ setup: 'failed' })), 'T3 ESCALATE missing-context');
  });

  describe('T4: reproduction passes before any change (the problem is not there)', () => {
    const before = { reproductionBefore: 'passed' as const, implement: undefined, diff: undefined, reproductionAfter: undefined, validation: undefined, stationsPending: true };
    it('NO_OP could-not-reproduce by the packet rule, before implement ever runs', () => {
      assert.equal(t(green(before)), 'T4 NO_OP could-not-reproduce');
    });
    it('NO_OP already-fixed when the packet says already-fixed-upstream', () => {
      assert.equal(t(green({ ...before, noOpRules: [{ when: 'already-fixed-upstream', then: 'NO_OP' }] })), 'T4 NO_OP already-fixed');
    });
    it('ESCALATE when the packet rule says so', () => {
      assert.equal(t(green({ ...before, noOpRules: [{ when: 'reproduction-passes-before-change', then: 'ESCALATE' }] })), 'T4 ESCALATE missing-context');
    });
    it('ESCALATE when the packet has no rule for it (never a decorative change)', () => {
      assert.equal(t(green({ ...before, noOpRules: [] })), 'T4 ESCALATE missing-context');
    });
    it('other no-op rules do not apply to a passing reproduction', () => {
      assert.equal(t(green({ ...before, noOpRules: [{ when: 'missing-context', then: 'NO_OP' }] })), 'T4 ESCALATE missing-context');
    });
  });

  it('T5: nothing to reproduce with an implement station → ESCALATE missing-context', () => {
    assert.equal(t(green({ reproductionBefore: 'absent', implement: undefined, stationsPending: true })), 'T5 ESCALATE missing-context');
  });

  it('T6: an investigation continues while stations remain, then ESCALATEs its note', () => {
    const inv = green({ implements: false, implement: undefined, diff: undefined, reproductionAfter: undefined, validation: undefined });
    assert.equal(t({ ...inv, stationsPending: true }), 'T6 continue');
    assert.equal(t(inv), 'T6 ESCALATE needs-product-decision');
    assert.equal(t({ ...inv, reproductionBefore: 'passed' }), 'T4 NO_OP could-not-reproduce');
  });

  it('T7: continues until the implement station has run', () => {
    assert.equal(t(green({ implement: undefined, diff: undefined, reproductionAfter: undefined, validation: undefined, stationsPending: true })), 'T7 continue');
  });

  it('T8: implement gave up or failed → ESCALATE agent-gave-up', () => {
    assert.equal(t(green({ implement: 'gave-up' })), 'T8 ESCALATE agent-gave-up');
    assert.equal(t(green({ implement: 'failed' })), 'T8 ESCALATE agent-gave-up');
  });

  it('T9: an empty diff is never PR_READY', () => {
    assert.equal(t(green({ diff: { files: 0, flags: [] } })), 'T9 ESCALATE empty-diff');
    assert.equal(t(green({ implement: 'skipped', diff: { files: 0, flags: [] } })), 'T9 ESCALATE empty-diff');
  });

  it('T10: a flagged diff without a human approval → ESCALATE out-of-scope-change', () => {
    for (const flag of ['out-of-scope', 'deleted-tests', 'skipped-tests', 'loosened-assertions'])
      assert.equal(t(green({ diff: { files: 1, flags: [flag] } })), 'T10 ESCALATE out-of-scope-change');
  });

  it('T11/T12: failed validation revises while rounds remain, then ESCALATE validation-failed', () => {
    assert.equal(t(green({ validation: 'failed' })), 'T11 revise');
    assert.equal(t(green({ validation: 'failed', revisionsLeft: 0 })), 'T12 ESCALATE validation-failed');
    assert.equal(t(green({ reproductionAfter: 'failed', stationsPending: true })), 'T11 revise');
    assert.equal(t(green({ reproductionAfter: 'failed', revisionsLeft: 0 })), 'T12 ESCALATE validation-failed');
  });

  it('T11/T12: failures that were red on the base commit too are not revised (validation stays green); regressions are named', () => {
    // The engine counts only failures blamed on the change in `validation`: pre-existing ones alone leave it passed.
    assert.equal(t(green({ validation: 'passed', preexistingFailures: ['npm test (exit 1)'] })), 'T16 PR_READY accepted-with-preexisting-failures');
    const d = decideTerminal(green({ validation: 'failed', regressions: ['npm run lint (exit 1)'], preexistingFailures: ['npm test (exit 1)'], revisionsLeft: 0 }));
    assert.equal(d.kind === 'terminal' && d.rule, 'T12');
    assert.match(d.kind === 'terminal' ? (d.terminal.detail ?? '') : '', /Regressions \(passed on the base commit\): npm run lint \(exit 1\).*not counted: npm test \(exit 1\)/);
  });

  it('T16: the only red validation was red before: PR_READY accepted-with-preexisting-failures once a human accepts, else ESCALATE pre-existing-failure', () => {
    const pre = { preexistingFailures: ['npm test (exit 1)'] };
    // Before the output gate: what a human is asked to accept there.
    assert.equal(t(green(pre)), 'T16 PR_READY accepted-with-preexisting-failures');
    assert.equal(t(green({ ...pre, preexistingAccepted: true })), 'T16 PR_READY accepted-with-preexisting-failures');
    assert.equal(t(green({ ...pre, preexistingAccepted: false })), 'T16 ESCALATE pre-existing-failure');
    const d = decideTerminal(green({ ...pre, preexistingAccepted: false }));
    assert.match(d.kind === 'terminal' ? (d.terminal.detail ?? '') : '', /npm test \(exit 1\)/);
    // Rules before it still win: a flagged diff nobody approved, a failing reproduction.
    assert.equal(t(green({ ...pre, diff: { files: 1, flags: ['out-of-scope'] } })), 'T10 ESCALATE out-of-scope-change');
    assert.equal(t(green({ ...pre, reproductionAfter: 'failed' })), 'T11 revise');
    assert.equal(t(green({ ...pre, stationsPending: true, validation: undefined })), 'T13 continue');
    // Without pre-existing failures T15 decides as before.
    assert.equal(t(green({ preexistingFailures: [] })), 'T15 PR_READY validated-fix');
  });

  it('T13: continues while validation stations remain', () => {
    assert.equal(t(green({ validation: undefined, reproductionAfter: undefined, stationsPending: true })), 'T13 continue');
  });

  it('T14: PR_READY needs the reproduction re-run after and validation that ran', () => {
    assert.equal(t(green({ reproductionAfter: undefined })), 'T14 ESCALATE missing-context');
    assert.equal(t(green({ reproductionAfter: 'absent' })), 'T14 ESCALATE missing-context');
    assert.equal(t(green({ validation: 'absent' })), 'T14 ESCALATE missing-context');
    assert.equal(t(green({ validation: undefined })), 'T14 ESCALATE missing-context');
  });

  it('every terminal it returns is a valid terminal state for the contract', () => {
    const cases: Partial<TerminalFacts>[] = [
      {},
      { setup: 'failed' },
      { reproductionBefore: 'passed' },
      { implement: 'gave-up' },
      { diff: { files: 0, flags: [] } },
      { validation: 'failed', revisionsLeft: 0 },
      { preexistingFailures: ['x (exit 1)'] },
      { preexistingFailures: ['x (exit 1)'], preexistingAccepted: false },
    ];
    for (const c of cases) {
      const d = decideTerminal(green(c));
      assert.equal(d.kind, 'terminal');
      if (d.kind === 'terminal') assert.ok(TerminalStateSchema.safeParse(d.terminal).success, JSON.stringify(d.terminal));
    }
  });
});
