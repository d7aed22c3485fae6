import type { EvidenceBundle, GateDecision } from '../../contracts';
import type { BaselineRun, CommandVerdict } from './baseline';
import type { TerminalFacts } from './decide-terminal';
import type { StationResult } from './station-result';

type DecisionEvidence = NonNullable<EvidenceBundle['decision']>;
type BaselineEvidence = NonNullable<EvidenceBundle['baseline']>;

/** The evidence record of one implement round (EvidenceBundle `decision.rounds[]`). */
export type RoundRecord = DecisionEvidence['rounds'][number];

/** The last lines of `text`, at most `max` characters: enough to say why an agent stopped. */
function tail(text: string, max = 1500): string {
  const t = text.trimEnd();
  return t.length <= max ? t : `…${t.slice(-max)}`;
}

/**
 * What the evidence says about an implement attempt: its outcome and, when it did not pass,
 * why (the environment cause, the station's note, or the tail of the agent's output), so an
 * implement station failing on its second attempt is explained, not just counted.
 */
export function implementRecord(res: StationResult): NonNullable<RoundRecord['implement']> {
  const parts = [
    res.retryable?.detail,
    res.note,
    res.agent ? `agent ${res.agent.name} ended ${res.agent.outcome}${res.agent.outputTail.trim() ? `; output tail:\n${tail(res.agent.outputTail)}` : ''}` : undefined,
    ...res.commands.filter((c) => c.exitCode !== 0).map((c) => `${c.command.argv.join(' ')} exited ${c.exitCode ?? 'none'}:\n${tail(c.outputTail)}`),
  ].filter((p): p is string => !!p);
  const why = res.outcome === 'passed' || !parts.length ? undefined : parts.join('\n');
  return {
    attempt: res.attempt,
    outcome: res.outcome,
    ...(res.agent ? { agentOutcome: res.agent.outcome } : {}),
    ...(why ? { why } : {}),
    files: res.diff?.files.map((f) => f.path) ?? [],
    flags: res.diff ? [...res.diff.check.flags] : [],
  };
}

/**
 * Walls the stations hit (limits and environment causes): a retryable end (timeout, crash,
 * engine down, image build failed, cancelled), a command that timed out, output cut at its
 * cap. One entry per station result and wall.
 */
export function wallsOf(results: readonly StationResult[]): DecisionEvidence['walls'] {
  const out: DecisionEvidence['walls'] = [];
  for (const r of results) {
    if (r.retryable) out.push({ stationId: r.stationId, attempt: r.attempt, wall: r.retryable.reason, detail: r.retryable.detail });
    if (r.wall) out.push({ stationId: r.stationId, attempt: r.attempt, wall: r.wall.reason, detail: r.wall.detail });
    for (const c of r.commands) {
      if (c.timedOut && r.retryable?.reason !== 'timeout') out.push({ stationId: r.stationId, attempt: r.attempt, wall: 'timeout', detail: `${c.command.argv.join(' ')} timed out` });
      if (c.truncated) out.push({ stationId: r.stationId, attempt: r.attempt, wall: 'output-cap', detail: `${c.command.argv.join(' ')}: output over the cap; the log keeps its tail` });
    }
  }
  return out;
}

/** The decision facts as the evidence records them: every TerminalFacts field except the packet's no-op rules (the packet is in the bundle). */
export function factsEvidence(f: TerminalFacts | undefined): DecisionEvidence['facts'] {
  if (!f) return {};
  const { noOpRules: _rules, ...rest } = f;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined && ['packetMissingContext', 'rejected', 'retryable', 'setup', 'implements', 'reproductionBefore', 'implement', 'diff', 'flagsApproved', 'reproductionAfter', 'validation', 'preexistingFailures', 'regressions', 'preexistingAccepted', 'stationsPending', 'revisionsLeft', 'budgetExceeded', 'claim'].includes(k)) out[k] = v;
  if (f.diff) out.diff = { files: f.diff.files, flags: [...f.diff.flags], ...(f.diff.riskPaths?.length ? { riskPaths: [...f.diff.riskPaths] } : {}) };
  if (f.retryable) out.retryable = { reason: f.retryable.reason, ...(f.retryable.detail ? { detail: f.retryable.detail } : {}) };
  return out as DecisionEvidence['facts'];
}

/** What the engine hands over for the baseline and decision sections of the evidence bundle. */
export interface DecisionInput {
  /** The rule that decided (as the outcome reports it). */
  rule: string;
  /** The facts of the last decideTerminal call. */
  decided?: TerminalFacts;
  baselines: readonly BaselineRun[];
  /** The last round's validation verdicts. */
  verdicts: readonly CommandVerdict[];
  preexistingFailures: readonly string[];
  regressions: readonly string[];
  /** Diff flags of the last change. */
  flags: readonly string[];
  /** Latest result of every station (baselines included), for the walls. */
  results: readonly StationResult[];
  gates: readonly GateDecision[];
  rounds: readonly (RoundRecord | undefined)[];
}

/** Assembles the `baseline` (when one ran) and `decision` sections of the evidence bundle. Pure. */
export function decisionEvidence(o: DecisionInput): { baseline?: BaselineEvidence; decision: DecisionEvidence } {
  const rejected = o.rule === 'T1' ? [...o.gates].reverse().find((g) => g.decision === 'reject') : undefined;
  const decision: DecisionEvidence = {
    rule: o.rule,
    facts: factsEvidence(o.decided),
    flags: [...o.flags],
    walls: wallsOf(o.results),
    ...(rejected ? { rejectedAt: rejected.gateId } : {}),
    rounds: o.rounds.filter((r): r is RoundRecord => r !== undefined),
  };
  if (!o.baselines.length) return { decision };
  return {
    decision,
    baseline: {
      stations: o.baselines.map((b) => ({ stationId: b.stationId, fromCache: !!b.result.fromCache, cacheKey: b.key, commands: b.result.commands, skipped: b.skipped.map((c) => [...c.argv]) })),
      verdicts: o.verdicts.map((v) => ({ ...v, argv: [...v.argv] })),
      preexistingFailures: [...o.preexistingFailures],
      regressions: [...o.regressions],
    },
  };
}
