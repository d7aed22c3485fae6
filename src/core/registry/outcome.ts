import type { Blueprint, EvidenceBundle, JournalRecord, Lineage, RunOutcomeRecord } from '../../contracts';
import { RunOutcomeRecordSchema } from '../../contracts';
import { checkRegistryName } from './names';

/**
 * Builds a run's outcome record from its evidence and journal (issue 13 item 5). Learning
 * propagates, data does not: only codes, counts, timings and hashes are copied; never the
 * packet, seed, diff, logs, plan, terminal detail, gate reasons, tool arguments, paths or
 * environment. Pure.
 */
export interface OutcomeInputs {
  evidence: EvidenceBundle;
  journal: readonly JournalRecord[];
  blueprint: Blueprint;
  /** Hash of the repository identity (src/adapters/registry/identity.ts). */
  repository: string;
  /** Hash of the workspace identity. */
  workspace: string;
  lineage?: Lineage;
}

/** A label safe to publish from an agent name such as `claude` or `command:node fix.js`: the part before any `:` or space, lower-cased; `command` argv never leaves. */
export function agentLabel(agent: string): string {
  const head = agent.split(/[:\s]/)[0]!.toLowerCase().replace(/[^a-z0-9._@/-]/g, '');
  return /^[a-z0-9]/.test(head) ? head.slice(0, 80) : 'unknown';
}

/** A model name safe to publish, or undefined when it does not look like one (a model name is a short label, never text). */
function modelLabel(model: string): string | undefined {
  const m = model.toLowerCase();
  return /^[a-z0-9][a-z0-9._@/-]{0,79}$/.test(m) ? m : undefined;
}

/**
 * The outcome record of a finished run. Throws RegistryNameError when the run id or the
 * blueprint's name or version is not a safe registry name, and a zod error if the result
 * does not match RunOutcomeRecordSchema (it always should).
 *
 * - stations: per station id, attempts, last outcome, time over all attempts (journal);
 * - firstAttemptValidation: the first finished attempt of the blueprint's first validate
 *   station that ran; `none` when none ran;
 * - reviseRounds: attempts of validate stations beyond each one's first (each revise round
 *   re-runs validation);
 * - verdict: `pending`: a reviewer judges the output later (a review-verdict record).
 */
export function outcomeRecord(i: OutcomeInputs): RunOutcomeRecord {
  const e = i.evidence;
  const at = e.environment.blueprint.lastIndexOf('@');
  const name = checkRegistryName('name', e.environment.blueprint.slice(0, at), 'blueprint name');
  const version = checkRegistryName('version', e.environment.blueprint.slice(at + 1), 'blueprint version');
  const runId = checkRegistryName('run id', e.runId.toLowerCase(), 'run id');
  const roles = new Map(i.blueprint.stations.map((s) => [s.id, s.role]));
  const stations = new Map<string, { id: string; attempts: number; outcome: RunOutcomeRecord['stations'][number]['outcome']; ms: number }>();
  let firstValidation: 'passed' | 'failed' | 'none' = 'none';
  let reviseRounds = 0;
  for (const r of i.journal) {
    const ev = r.event;
    if (ev.type !== 'station/finished' || !roles.has(ev.stationId)) continue;
    const s = stations.get(ev.stationId) ?? { id: ev.stationId, attempts: 0, outcome: ev.outcome, ms: 0 };
    s.attempts = Math.max(s.attempts, ev.attempt);
    s.outcome = ev.outcome;
    s.ms += ev.durationMs;
    stations.set(ev.stationId, s);
    if (roles.get(ev.stationId) === 'validate') {
      if (firstValidation === 'none' && ev.outcome !== 'skipped') firstValidation = ev.outcome === 'passed' ? 'passed' : 'failed';
      if (ev.attempt > 1) reviseRounds++;
    }
  }
  const agents = new Map<string, { agent: string; model?: string }>();
  for (const a of e.agents) {
    const agent = agentLabel(a.agent);
    const models = a.usage.map((u) => modelLabel(u.model)).filter((m): m is string => !!m);
    for (const model of models.length ? models : [undefined]) agents.set(`${agent} ${model ?? ''}`, model ? { agent, model } : { agent });
  }
  return RunOutcomeRecordSchema.parse({
    kind: 'run-outcome',
    runId,
    blueprint: { name, version, hash: e.environment.blueprintHash },
    ...(i.lineage ? { lineage: i.lineage } : {}),
    repository: i.repository,
    workspace: i.workspace,
    pattern: i.blueprint.pattern,
    terminal: { state: e.terminal.state, reason: e.terminal.reason },
    stations: [...stations.values()],
    firstAttemptValidation: firstValidation,
    reviseRounds,
    humanMs: e.cost.humanMs,
    humanEdited: e.gates.some((g) => g.decision === 'edit'),
    gateRejections: e.gates.filter((g) => g.decision === 'reject').length,
    verdict: 'pending',
    cost: { ...(e.cost.usd !== undefined ? { usd: e.cost.usd } : {}), inputTokens: e.cost.inputTokens ?? 0, outputTokens: e.cost.outputTokens ?? 0 },
    durationMs: e.cost.wallMs,
    agents: [...agents.values()].slice(0, 50),
    endedAt: e.endedAt,
  });
}
