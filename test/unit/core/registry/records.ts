import type { RunOutcomeRecord } from '../../../../src/contracts';

/** A valid run outcome record for tests; `over` replaces fields. */
export function anOutcome(i: number, over: Partial<RunOutcomeRecord> = {}): RunOutcomeRecord {
  return {
    kind: 'run-outcome',
    runId: `r-${i}`,
    blueprint: { name: 'bugfix', version: '1.0.0', hash: 'a'.repeat(64) },
    repository: 'b'.repeat(64),
    workspace: 'c'.repeat(64),
    pattern: 'interactive',
    terminal: { state: 'PR_READY', reason: 'validated-fix' },
    stations: [{ id: 'implement', attempts: 1, outcome: 'passed', ms: 1000 }],
    firstAttemptValidation: 'passed',
    reviseRounds: 0,
    humanMs: 120_000,
    humanEdited: false,
    gateRejections: 0,
    verdict: 'accepted',
    cost: { usd: 0.5, inputTokens: 100, outputTokens: 10 },
    durationMs: 60_000,
    agents: [{ agent: 'claude', model: 'claude-sonnet-4' }],
    endedAt: '2026-12-03T10:00:00.000Z',
    ...over,
  };
}
