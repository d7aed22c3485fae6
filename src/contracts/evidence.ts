import { z } from 'zod';
import { ToolEvidenceSchema } from './mcp';
import { BlueprintRefSchema, CommandSpecSchema, Sha256Schema, TimestampSchema } from './common';
import { BlueprintSourceSchema } from './blueprint';
import { SeedSchema, TaskPacketSchema } from './packet';
import { AgentClaimSchema, AgentUsageSchema, BudgetSchema } from './agent';
import { TerminalStateSchema } from './terminal-state';
import { GateDecisionSchema } from './run-event';
import { ExecEndReasonSchema } from './station-end';
import { OUTPUT_TAIL_CHARS } from './output-caps';

/** Result of one command: exit code, why it ended, duration and where its full output is stored. */
export const CommandResultSchema = z.object({
  command: CommandSpecSchema,
  exitCode: z.number().int().nullable().describe('null when killed before exiting.'),
  durationMs: z.number().min(0),
  timedOut: z.boolean().default(false),
  endReason: ExecEndReasonSchema.optional().describe('Why the command ended beyond its exit code; a station wall (oom-killed, pids-limit, disk-limit) is named here. Absent in evidence written before it was recorded.'),
  endDetail: z.string().max(2000).optional().describe('Human-readable explanation when endReason is not exited.'),
  outputTail: z.string().max(OUTPUT_TAIL_CHARS).describe('Last part of combined output, for display.'),
  logArtifact: z.string().optional().describe('Path of the full log, relative to the run folder.'),
  truncated: z.boolean().default(false).describe('Output went over the cap; the log says where it was cut.'),
  reproduction: z
    .object({
      verdict: z.enum(['reproduced', 'not-reproduced', 'refused']),
      reason: z.string().max(1000),
    })
    .optional()
    .describe("A reproduce station's judgement of this command (src/core/run/reproduction-check.ts): failed as stated, did not fail, or failed in a way that shows nothing about the problem."),
});
export type CommandResult = z.infer<typeof CommandResultSchema>;

export const CostSchema = z.object({
  inputTokens: z.number().int().min(0).optional(),
  outputTokens: z.number().int().min(0).optional(),
  usd: z.number().min(0).optional().describe('Money spent on the model, in US dollars, when known.'),
  machineMs: z.number().min(0).describe('Time spent inside station commands, milliseconds.'),
  wallMs: z.number().min(0).describe('Total run wall time, milliseconds.'),
  humanMs: z.number().min(0).describe('Time humans spent at gates, milliseconds.'),
});

/**
 * One agent station of the run as the evidence shows it (issue 10): which CLI at which
 * version, the prompt it was given (template and SHA-256), what it did (tool calls by
 * name), what it spent (usage by model, cost, wall time), what it claimed (beside the
 * line's own evidence, never instead of it) and its session.
 */
export const AgentEvidenceSchema = z.object({
  stationId: z.string(),
  attempt: z.number().int().min(1),
  agent: z.string().describe('The agent, e.g. claude or command:node fix.js.'),
  version: z.string().optional().describe("The CLI's version, e.g. @anthropic-ai/claude-code@2.1.3."),
  outcome: z.string().describe("The agent's own outcome: done, gave-up, error, timeout, budget-exceeded."),
  prompt: z.object({ template: z.string(), sha256: Sha256Schema }).optional(),
  toolCalls: z.array(z.object({ name: z.string(), calls: z.number().int().min(0), errors: z.number().int().min(0), durationMs: z.number().min(0) })).default([]),
  usage: z.array(AgentUsageSchema).default([]),
  inputTokens: z.number().int().min(0).optional(),
  outputTokens: z.number().int().min(0).optional(),
  usd: z.number().min(0).optional(),
  wallMs: z.number().min(0).describe("Milliseconds the agent ran."),
  claim: AgentClaimSchema.optional().describe("The agent's claim: evidence, not a decision."),
  claimProblem: z.string().optional(),
  sessionId: z.string().optional(),
  budget: BudgetSchema.optional(),
  budgetExceeded: z.string().optional(),
  interrupted: z.boolean().optional().describe('The run was interrupted during this attempt (re-run on resume); what it spent still counts.'),
});
export type AgentEvidence = z.infer<typeof AgentEvidenceSchema>;

/** One audited tool call; arguments and results are stored as digests, never raw (design.md). */
export const ToolCallAuditSchema = z.object({
  at: TimestampSchema,
  tool: z.string(),
  argsDigest: Sha256Schema,
  resultDigest: Sha256Schema.optional(),
  allowed: z.boolean(),
});

/** One validation command after the change, compared with the validation baseline (design.md "Validation baseline"). */
export const BaselineVerdictSchema = z.object({
  stationId: z.string(),
  index: z.number().int().min(0).describe("Position of the command in its station's results."),
  argv: z.array(z.string()),
  cwd: z.string().optional(),
  before: z.number().int().nullable().optional().describe('Exit code on the base commit (null: killed); absent when the baseline did not run the command.'),
  after: z.number().int().nullable().describe('Exit code after the change (null: killed).'),
  verdict: z
    .enum(['passed', 'pre-existing-failure', 'regression', 'failed-differently', 'failed'])
    .describe('pre-existing-failure: the same non-zero exit code before and after (not blamed on the change); regression: exit 0 before, non-zero after; failed-differently: another non-zero code or a timeout; failed: no baseline for it.'),
});

/** The validation baseline: the packet's validation run on the base commit after set-up, before implementing. */
export const BaselineEvidenceSchema = z.object({
  stations: z.array(
    z.object({
      stationId: z.string().describe('The validate station this is the baseline of.'),
      fromCache: z.boolean().describe('Restored from the baseline cache of an earlier run on the same base commit, set-up, commands and image.'),
      cacheKey: Sha256Schema,
      commands: z.array(CommandResultSchema),
      skipped: z.array(z.array(z.string())).default([]).describe('Validation commands not run here because they are reproduction commands (expected to fail before the change).'),
    }),
  ),
  verdicts: z.array(BaselineVerdictSchema).describe("The last round's validation commands judged against the baseline."),
  preexistingFailures: z.array(z.string()).default([]),
  regressions: z.array(z.string()).default([]),
});

/** The facts the terminal decision read (TerminalFacts of src/core/run/decide-terminal.ts, without the packet's no-op rules). */
export const DecisionFactsSchema = z
  .object({
    packetMissingContext: z.boolean(),
    rejected: TerminalStateSchema,
    retryable: z.object({ reason: z.string(), detail: z.string().optional() }),
    setup: z.enum(['passed', 'failed', 'absent']),
    implements: z.boolean(),
    reproductionBefore: z.enum(['passed', 'failed', 'absent']),
    implement: z.enum(['done', 'gave-up', 'failed', 'skipped']),
    diff: z.object({ files: z.number().int().min(0), flags: z.array(z.string()), riskPaths: z.array(z.string()).optional().describe('Changed risk paths (blueprint riskPaths and trust hand-off paths).') }),
    flagsApproved: z.boolean(),
    reproductionAfter: z.enum(['passed', 'failed', 'absent']),
    validation: z.enum(['passed', 'failed', 'absent']),
    preexistingFailures: z.array(z.string()),
    regressions: z.array(z.string()),
    preexistingAccepted: z.boolean(),
    stationsPending: z.boolean(),
    revisionsLeft: z.number().int(),
    budgetExceeded: z.string().describe('An agent station reached its budget and no human raised it: the station and the figures (rule T2b).'),
    claim: z.object({ terminal: z.enum(['NO_OP', 'ESCALATE']), reasoning: z.string(), acceptedBy: z.string().optional() }).describe("The implement agent's NO_OP or ESCALATE claim, and the human who accepted it (rule T8c)."),
  })
  .partial();

/** One implement round: the state it started from, why, and how its implement station ended. */
export const RoundEvidenceSchema = z.object({
  round: z.number().int().min(0).describe('0 = the first attempt; n = the nth revise round.'),
  startedFrom: z.object({
    state: z.enum(['base-commit', 'previous-attempt']).describe('base-commit: the clean base workspace (after set-up); previous-attempt: the workspace as the previous round left it.'),
    patchSha256: Sha256Schema.describe('SHA-256 of the change the round started from (of the empty string for the base commit).'),
    files: z.array(z.string()),
  }),
  because: z.array(z.string()).default([]).describe('Why the previous attempt failed (the failures this round was asked to fix); empty for round 0.'),
  implement: z
    .object({
      attempt: z.number().int().min(1),
      outcome: z.string().describe('The station outcome: passed, failed, error, timeout, cancelled, skipped.'),
      agentOutcome: z.string().optional().describe("The agent's own outcome (done, gave-up, error, timeout)."),
      why: z.string().optional().describe('Why it did not pass: the retryable cause, note, or the tail of its output.'),
      files: z.array(z.string()),
      flags: z.array(z.string()),
    })
    .optional(),
  decision: z.object({ kind: z.enum(['terminal', 'continue', 'revise']), rule: z.string() }).optional().describe('The last decision taken in this round.'),
});

/** A wall a station hit: a limit or an environment cause (timeout, crash, engine down, output cap). */
export const WallEvidenceSchema = z.object({ stationId: z.string(), attempt: z.number().int().min(1), wall: z.string(), detail: z.string().optional() });

/** What decided the terminal state: the rule and every fact, flag and wall it rested on. */
export const DecisionEvidenceSchema = z.object({
  rule: z.string().describe('Rule of docs/terminal-decision.md that decided.'),
  facts: DecisionFactsSchema,
  flags: z.array(z.string()).describe('Diff flags of the change the decision was about.'),
  walls: z.array(WallEvidenceSchema),
  rejectedAt: z.string().optional().describe('The gate whose rejection decided (rule T1).'),
  rounds: z.array(RoundEvidenceSchema),
});

/**
 * The evidence bundle a reviewer steps through (design.md "Evidence bundle"). Stored as
 * `evidence.json` in the run folder beside its artifacts; exported as Markdown; attached
 * to the output commit as a git note under refs/notes/shopfloor.
 */
export const EvidenceBundleSchema = z
  .object({
    schemaVersion: z.literal(1),
    runId: z.string(),
    summary: z.string(),
    terminal: TerminalStateSchema,
    packet: TaskPacketSchema,
    seed: SeedSchema,
    reproduction: z.object({
      before: z.array(CommandResultSchema),
      after: z.array(CommandResultSchema),
      sha256: Sha256Schema.optional().describe("Content hash (canonical JSON, SHA-256) of the packet's reproduction commands as approved, or of the agent-written reproduction's manifest and files (`written`): what ran before and after the change (absent in bundles written before it was recorded; files it names are pinned by the `reproduction-changed` diff flag)."),
      written: z
        .object({
          stationId: z.string(),
          statement: z.string(),
          argv: z.array(z.string()),
          files: z.array(z.object({ path: z.string(), sha256: Sha256Schema })),
        })
        .optional()
        .describe('The reproduction an agent wrote at the reproduce station and a human approved (issue 11), frozen and run read-only from the run\'s copy.'),
    }),
    plan: z.string().optional(),
    diff: z
      .object({
        patch: z.string(),
        patchSha256: Sha256Schema.optional().describe('SHA-256 of `patch` (UTF-8): for a PR_READY run, the approved patch its output commit was built from (absent in bundles written before it was recorded).'),
        files: z.array(z.string()),
        flags: z.array(z.string()).default([]),
      })
      .optional(),
    validation: z.array(CommandResultSchema),
    baseline: BaselineEvidenceSchema.optional().describe('The validation baseline on the base commit; absent when none ran.'),
    decision: DecisionEvidenceSchema.optional().describe('What decided; absent only in bundles written before it was recorded.'),
    noOpOrEscalation: z.object({ reason: z.string(), openQuestions: z.array(z.string()).default([]) }).optional(),
    residualRisk: z.array(z.string()),
    gates: z.array(GateDecisionSchema),
    cost: CostSchema,
    toolCalls: z.array(ToolCallAuditSchema).default([]).describe('Every call an agent made through the MCP gateway (allowed, denied, queued, executed after the output gate), from its audit log.'),
    tools: ToolEvidenceSchema.optional().describe('The MCP gateway\'s account (issue 12): calls with decisions, effects held for the output gate and their outcomes, pinned tool hashes, drift, recorded artifacts and claims; absent when no agent station had the gateway.'),
    agents: z.array(AgentEvidenceSchema).default([]).describe('Every agent station attempt of the run (retries, revise rounds and interrupted attempts included: each was paid for), in order (issue 10).'),
    agentTotals: z
      .object({ stations: z.number().int().min(0), inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0), usd: z.number().min(0).optional(), wallMs: z.number().min(0) })
      .optional()
      .describe("The run's agent attempts summed: tokens, US dollars (when priced) and agent wall time; absent when no agent station ran."),
    environment: z.object({
      imageDigest: z.string().optional(),
      baseCommit: z.string().optional(),
      blueprint: BlueprintRefSchema,
      blueprintHash: Sha256Schema,
      blueprintSource: BlueprintSourceSchema.optional().describe('Where the blueprint came from: a platform built-in, the repository, or a file.'),
      engineVersion: z.string().optional(),
    }),
    startedAt: TimestampSchema,
    endedAt: TimestampSchema,
  })
  .describe('Evidence for one run: what was asked, what was done, what was decided and why.');
export type EvidenceBundle = z.infer<typeof EvidenceBundleSchema>;
