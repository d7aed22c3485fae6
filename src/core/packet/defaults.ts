import type { SeedKind, TaskPacket } from '../../contracts';

type NoOpRule = TaskPacket['noOpRules'][number];

/**
 * The run budget a drafted packet starts with (issue 10): what all of a run's agents may
 * spend together, enforced by the run's model proxy; a human edits it with the packet.
 * Generous for one bug fix with a few revise rounds, small enough that a looping agent
 * stops within the hour: 4 million tokens, 20 US dollars, 2 hours of agent wall time.
 */
export const DEFAULT_RUN_BUDGET = Object.freeze({ tokens: 4_000_000, usd: 20, wallMs: 7_200_000 });

/** Tools the implementing agent may use unless the packet says otherwise (MCP gateway allowlist names). */
export const DEFAULT_ALLOWED_TOOLS = ['read_file', 'search', 'edit_file', 'run_reproduction', 'run_validation'];

const COMMON_NON_GOALS = ['No changes outside the scope paths unless the reproduction proves they are needed.', 'No new dependencies and no lockfile changes.', 'No reformatting or refactoring of code the fix does not need.'];

/** Per seed kind: non-goals, no-op rules, evidence, output format. Provenance: `default`. */
export const KIND_DEFAULTS: Record<SeedKind, { nonGoals: string[]; noOpRules: NoOpRule[]; evidence: string[]; output: TaskPacket['outputFormat'] }> = {
  issue: {
    nonGoals: [...COMMON_NON_GOALS, 'No behaviour change beyond what the issue asks for.'],
    noOpRules: [
      { when: 'reproduction-passes-before-change', then: 'NO_OP', reason: 'the reported problem does not reproduce' },
      { when: 'contradicts-documented-behaviour', then: 'ESCALATE', reason: 'the request contradicts documented behaviour: needs a product decision' },
      { when: 'missing-context', then: 'ESCALATE', reason: 'the issue does not say enough to act on' },
    ],
    evidence: ['reproduction-before-after', 'diff', 'validation'],
    output: 'pr',
  },
  'failing-test': {
    nonGoals: [...COMMON_NON_GOALS, 'Do not weaken, skip, or delete the failing test or its assertions.'],
    noOpRules: [
      { when: 'reproduction-passes-before-change', then: 'NO_OP', reason: 'the test passes already (flaky or fixed)' },
      { when: 'already-fixed-upstream', then: 'NO_OP', reason: 'fixed on the base branch' },
    ],
    evidence: ['reproduction-before-after', 'diff', 'validation'],
    output: 'pr',
  },
  advisory: {
    nonGoals: [...COMMON_NON_GOALS, 'No public API change beyond what closes the vulnerability.', 'Do not disable, skip or delete existing tests.'],
    noOpRules: [
      // First: for an advisory, a proof-of-concept that already passes means this version carries the fix.
      { when: 'already-fixed-upstream', then: 'NO_OP', reason: 'the proof-of-concept does not reproduce: this version is already fixed' },
      { when: 'reproduction-passes-before-change', then: 'NO_OP', reason: 'the proof-of-concept does not reproduce: not vulnerable here' },
      { when: 'missing-context', then: 'ESCALATE', reason: 'the advisory does not identify the vulnerable code' },
    ],
    evidence: ['reproduction-before-after', 'diff', 'validation', 'advisory-reference'],
    output: 'pr',
  },
  'ci-log': {
    nonGoals: [...COMMON_NON_GOALS, 'Do not change CI configuration to hide the failure (no skipped steps, no allowed failures).'],
    noOpRules: [
      { when: 'reproduction-passes-before-change', then: 'NO_OP', reason: 'the failing step passes locally: infrastructure or flakiness, not code' },
      { when: 'missing-context', then: 'ESCALATE', reason: 'the log does not show which step failed' },
    ],
    evidence: ['reproduction-before-after', 'diff', 'validation', 'ci-log-excerpt'],
    output: 'pr',
  },
  selection: {
    nonGoals: [...COMMON_NON_GOALS, 'Change only the selected code and what it needs.'],
    noOpRules: [{ when: 'missing-context', then: 'ESCALATE', reason: 'the selection does not say what should change' }],
    evidence: ['diff', 'validation'],
    output: 'pr',
  },
  todo: {
    nonGoals: [...COMMON_NON_GOALS, 'Resolve only this TODO/FIXME; leave other TODOs alone.'],
    noOpRules: [
      { when: 'already-fixed-upstream', then: 'NO_OP', reason: 'the TODO is already done; remove the comment only' },
      { when: 'missing-context', then: 'ESCALATE', reason: 'the TODO does not say what to do' },
    ],
    evidence: ['diff', 'validation'],
    output: 'pr',
  },
};
