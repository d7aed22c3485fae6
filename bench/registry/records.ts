import type { RunOutcomeRecord } from '../../src/contracts';
import { seededRandom } from '../../src/core/registry';

/**
 * `count` synthetic, valid run outcome records over `versions` versions of a parent
 * blueprint and `forks` forks of it, drawn from a seeded PRNG (the same records every run).
 */
export function syntheticOutcomes(count: number, o: { versions?: number; forks?: number; seed?: number; prefix?: string } = {}): RunOutcomeRecord[] {
  const rand = seededRandom(o.seed ?? 42);
  const versions = o.versions ?? 10;
  const forks = o.forks ?? 5;
  const states = ['PR_READY', 'PR_READY', 'PR_READY', 'NO_OP', 'ESCALATE', 'RETRYABLE_FAILURE'] as const;
  const reasons = { PR_READY: 'validated-fix', NO_OP: 'already-fixed', ESCALATE: 'validation-failed', RETRYABLE_FAILURE: 'timeout' } as const;
  const out: RunOutcomeRecord[] = [];
  for (let i = 0; i < count; i++) {
    const fork = Math.floor(rand() * (forks + 1));
    const name = fork === 0 ? 'bugfix-std' : `team${fork}-bugfix`;
    const version = `1.${Math.floor(rand() * versions)}.0`;
    const state = states[Math.floor(rand() * states.length)]!;
    out.push({
      kind: 'run-outcome',
      runId: `${o.prefix ?? 'run'}-${i}`,
      blueprint: { name, version, hash: 'a'.repeat(64) },
      ...(fork ? { lineage: { parent: 'bugfix-std@1.0.0', parentHash: 'b'.repeat(64) } } : {}),
      repository: 'c'.repeat(64),
      workspace: 'd'.repeat(64),
      pattern: 'interactive',
      terminal: { state, reason: reasons[state] },
      stations: [
        { id: 'reproduce', attempts: 1, outcome: 'failed', ms: Math.round(rand() * 5000) },
        { id: 'implement', attempts: 1, outcome: 'passed', ms: Math.round(rand() * 60000) },
        { id: 'validate', attempts: 1, outcome: rand() < 0.7 ? 'passed' : 'failed', ms: Math.round(rand() * 20000) },
      ],
      firstAttemptValidation: rand() < 0.7 ? 'passed' : rand() < 0.9 ? 'failed' : 'none',
      reviseRounds: Math.floor(rand() * 3),
      humanMs: Math.round(rand() * 900_000),
      humanEdited: rand() < 0.3,
      gateRejections: rand() < 0.1 ? 1 : 0,
      verdict: state === 'PR_READY' ? (rand() < 0.8 ? 'accepted' : 'rejected') : 'pending',
      cost: { usd: Math.round(rand() * 300) / 100, inputTokens: Math.round(rand() * 100_000), outputTokens: Math.round(rand() * 10_000) },
      durationMs: Math.round(rand() * 1_800_000),
      agents: [{ agent: 'claude', model: 'claude-sonnet-4' }],
      endedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    });
  }
  return out;
}
