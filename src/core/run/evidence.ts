import type { BlueprintSource, EvidenceBundle, FrozenReproduction, GateDecision, TaskPacket, TerminalState } from '../../contracts';
import type { ToolEvidence } from '../../contracts/mcp';
import { contentHash, sha256Hex } from '../hash';
import type { StationResult } from './station-result';

/** What the engine hands over to assemble the evidence bundle. */
export interface EvidenceInput {
  runId: string;
  /** The MCP gateway's account, when agent stations had it. */
  tools?: ToolEvidence;
  packet: TaskPacket;
  terminal: TerminalState;
  /** Rule of docs/terminal-decision.md that decided. */
  rule: string;
  /** Every station attempt that counts, in line order (the last attempt of each). */
  results: StationResult[];
  /** Every agent station attempt, in order (interrupted ones included); default: the agent stations among `results`. */
  agentRuns?: readonly StationResult[];
  reproductionBefore: StationResult[];
  reproductionAfter: StationResult[];
  /** The agent-written reproduction a human approved, when the packet had none (issue 11). */
  writtenReproduction?: FrozenReproduction;
  validation: StationResult[];
  implement?: StationResult;
  plan?: string;
  note?: string;
  gates: GateDecision[];
  blueprint: string;
  blueprintHash: string;
  baseCommit: string;
  startedAt: string;
  endedAt: string;
  engineVersion?: string;
  blueprintSource?: BlueprintSource;
  riskPaths: readonly string[];
  /** The validation baseline and the last round's verdicts (src/core/run/baseline.ts); undefined when none ran. */
  baseline?: EvidenceBundle['baseline'];
  /** What decided: rule, facts, flags, walls, rounds. */
  decision?: EvidenceBundle['decision'];
}

/** Open questions an ESCALATE hands to a human, derived from what failed. */
export function openQuestions(input: EvidenceInput): string[] {
  const q: string[] = [];
  if (input.terminal.state !== 'ESCALATE') return q;
  if (input.terminal.detail) q.push(input.terminal.detail);
  const verdicts = new Map((input.baseline?.verdicts ?? []).map((v) => [`${v.stationId}#${v.index}`, v]));
  for (const r of input.validation)
    for (const [i, c] of r.commands.entries()) {
      if (c.exitCode === 0) continue;
      const v = verdicts.get(`${r.stationId}#${i}`);
      if (v?.verdict === 'pre-existing-failure') q.push(`\`${c.command.argv.join(' ')}\` fails the same way on the base commit, before any change (exit ${c.exitCode ?? 'none'}): is that known (missing test files, a flaky test, lint debt), and may the change ship with it?`);
      else if (v?.verdict === 'regression') q.push(`\`${c.command.argv.join(' ')}\` passed on the base commit and fails after the change (exit ${c.exitCode ?? 'none'}): what in the change broke it?`);
      else q.push(`Why does \`${c.command.argv.join(' ')}\` still fail (exit ${c.exitCode ?? 'none'})?`);
    }
  const check = input.implement?.diff?.check;
  if (check?.outOfScope.length) q.push(`Are changes outside the scope acceptable: ${check.outOfScope.join(', ')}?`);
  if (check?.deletedTests.length || check?.skippedTests.length) q.push(`Tests were deleted or skipped (${[...check.deletedTests, ...check.skippedTests].join(', ')}): is that intended?`);
  if (input.terminal.reason === 'missing-context') q.push('What reproduction or context would show the problem?');
  if (input.terminal.reason === 'needs-product-decision' && input.note) q.push('See the investigation note: which way should the product go?');
  return q;
}

function residualRisk(input: EvidenceInput): string[] {
  const out: string[] = [];
  const check = input.implement?.diff?.check;
  if (check) {
    for (const f of check.flags) out.push(`Diff flag: ${f}`);
    if (check.touchedRiskPaths.length) out.push(`Touches risk paths: ${check.touchedRiskPaths.join(', ')}`);
    // Older station results have no trustHandoff (the schema defaults it); written ones always do.
    if (check.trustHandoff?.length) out.push(`Trust hand-off (runs or configures something on the next machine that opens it): ${check.trustHandoff.join('; ')}`);
  }
  if (input.baseline?.preexistingFailures.length) out.push(`Validation failing on the base commit too (pre-existing, not caused by the change): ${input.baseline.preexistingFailures.join(', ')}`);
  if (input.packet.risk !== 'auto-ship') out.push(`Packet risk class: ${input.packet.risk}${input.packet.riskReasons.length ? ` (${input.packet.riskReasons.join('; ')})` : ''}`);
  if (!input.results.some((r) => r.role === 'verify')) out.push('No holdout verifier ran: validation used only the repository\'s own tests.');
  if (input.results.some((r) => r.kind !== 'builtin' && r.imageDigest === undefined && r.commands.length > 0)) out.push('Some commands ran without a container image digest (no isolation, or digest unknown).');
  return out;
}

function summaryOf(input: EvidenceInput): string {
  const t = input.terminal;
  const files = input.implement?.diff?.files.length;
  return `${t.state} (${t.reason}) by rule ${input.rule}: ${input.packet.intent}${files ? ` (${files} file${files === 1 ? '' : 's'} changed)` : ''}${t.detail ? ` ${t.detail}` : ''}`;
}

/** Agent station attempts as the evidence shows them, in order. Pure. */
export function agentEvidence(results: readonly StationResult[]): EvidenceBundle['agents'] {
  return results
    .filter((r) => r.kind === 'agent' && r.agent)
    .map((r) => {
      const a = r.agent!;
      return {
        stationId: r.stationId,
        attempt: r.attempt,
        agent: a.name,
        ...(a.version ? { version: a.version } : {}),
        outcome: a.outcome,
        ...(a.prompt ? { prompt: a.prompt } : {}),
        toolCalls: a.toolCalls ?? [],
        usage: a.usage ?? [],
        ...(a.cost?.inputTokens !== undefined ? { inputTokens: a.cost.inputTokens } : {}),
        ...(a.cost?.outputTokens !== undefined ? { outputTokens: a.cost.outputTokens } : {}),
        ...(a.cost?.usd !== undefined ? { usd: a.cost.usd } : {}),
        wallMs: r.machineMs,
        ...(a.claim ? { claim: a.claim } : {}),
        ...(a.claimProblem ? { claimProblem: a.claimProblem } : {}),
        ...(a.sessionId ? { sessionId: a.sessionId } : {}),
        ...(a.budget ? { budget: a.budget } : {}),
        ...(a.budgetExceeded ? { budgetExceeded: a.budgetExceeded } : {}),
        ...(r.interrupted ? { interrupted: true } : {}),
      };
    });
}

/** The run's agents summed (tokens, dollars when any was priced, wall time); undefined when none ran. Pure. */
export function agentTotals(agents: EvidenceBundle['agents']): EvidenceBundle['agentTotals'] {
  if (!agents.length) return undefined;
  const priced = agents.filter((a) => a.usd !== undefined);
  return {
    stations: agents.length,
    inputTokens: agents.reduce((n, a) => n + (a.inputTokens ?? 0), 0),
    outputTokens: agents.reduce((n, a) => n + (a.outputTokens ?? 0), 0),
    ...(priced.length ? { usd: priced.reduce((n, a) => n + a.usd!, 0) } : {}),
    wallMs: agents.reduce((n, a) => n + a.wallMs, 0),
  };
}

/** Assembles the evidence bundle (src/contracts/evidence.ts) from the run's results. Pure. */
export function assembleEvidence(input: EvidenceInput): EvidenceBundle {
  // Every attempt an agent made was paid for, so the money and tokens count them all (not only the last attempt of each station).
  const agentCosts = (input.agentRuns ?? input.results).map((r) => r.agent?.cost).filter((c) => c !== undefined);
  const sum = (k: 'inputTokens' | 'outputTokens' | 'usd') => (agentCosts.some((c) => c[k] !== undefined) ? agentCosts.reduce((a, c) => a + (c[k] ?? 0), 0) : undefined);
  const imageDigest = input.results.map((r) => r.imageDigest).find((d) => d !== undefined);
  const diff = input.implement?.diff;
  const agents = agentEvidence(input.agentRuns ?? input.results);
  const totals = agentTotals(agents);
  const noOp = input.terminal.state === 'NO_OP' || input.terminal.state === 'ESCALATE' || input.terminal.state === 'RETRYABLE_FAILURE';
  return {
    schemaVersion: 1,
    runId: input.runId,
    summary: summaryOf(input),
    terminal: input.terminal,
    packet: input.packet,
    seed: input.packet.source,
    reproduction: {
      before: input.reproductionBefore.flatMap((r) => r.commands),
      after: input.reproductionAfter.flatMap((r) => r.commands),
      ...(input.writtenReproduction
        ? {
            sha256: input.writtenReproduction.sha256,
            written: { stationId: input.writtenReproduction.stationId, statement: input.writtenReproduction.statement, argv: input.writtenReproduction.manifest.argv, files: input.writtenReproduction.files.map((f) => ({ path: f.path, sha256: f.sha256 })) },
          }
        : input.packet.reproduction.length
          ? { sha256: contentHash(input.packet.reproduction) }
          : {}),
    },
    plan: input.plan ?? input.note,
    diff: diff ? { patch: diff.patch, patchSha256: sha256Hex(diff.patch), files: diff.files.map((f) => f.path), flags: [...diff.check.flags] } : undefined,
    validation: input.validation.flatMap((r) => r.commands),
    ...(input.baseline ? { baseline: input.baseline } : {}),
    ...(input.decision ? { decision: input.decision } : {}),
    noOpOrEscalation: noOp ? { reason: `${input.terminal.reason}${input.terminal.detail ? `: ${input.terminal.detail}` : ''}`, openQuestions: openQuestions(input) } : undefined,
    residualRisk: residualRisk(input),
    gates: input.gates,
    cost: {
      inputTokens: sum('inputTokens'),
      outputTokens: sum('outputTokens'),
      usd: sum('usd'),
      machineMs: input.results.reduce((a, r) => a + r.machineMs, 0),
      wallMs: Math.max(0, Date.parse(input.endedAt) - Date.parse(input.startedAt)),
      humanMs: input.gates.filter((g) => g.by.kind === 'human').reduce((a, g) => a + g.humanMs, 0),
    },
    toolCalls: (input.tools?.calls ?? []).map((c) => ({ at: c.at, tool: c.server === 'shopfloor' ? c.tool : `${c.server}__${c.tool}`, argsDigest: c.argsSha256, ...(c.resultSha256 ? { resultDigest: c.resultSha256 } : {}), allowed: c.decision === 'allowed' || c.decision === 'executed' })),
    ...(input.tools ? { tools: input.tools } : {}),
    agents,
    ...(totals ? { agentTotals: totals } : {}),
    environment: { imageDigest, baseCommit: input.baseCommit, blueprint: input.blueprint, blueprintHash: input.blueprintHash, blueprintSource: input.blueprintSource, engineVersion: input.engineVersion },
    startedAt: input.startedAt,
    endedAt: input.endedAt,
  };
}
