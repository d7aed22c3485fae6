import { z } from 'zod';
import { BlueprintSchema, BlueprintSourceSchema, STATION_ROLES, STATION_KINDS } from './blueprint';
import { CommandSpecSchema } from './common';
import { AgentClaimSchema, AgentUsageSchema, BudgetSchema } from './agent';
import { CommandResultSchema } from './evidence';
import { FrozenReproductionSchema } from './reproduction';
import { TaskPacketSchema } from './packet';
import { STATION_WALLS, type StationWall } from './station-end';
import { TERMINAL_REASONS } from './terminal-state';

/**
 * Files a run keeps in its run folder besides the journal and the evidence bundle. Run
 * folders live in the user's repository (`.shopfloor/runs/<id>/`), where they can be
 * edited, committed or arrive with a clone, so every file read back on resume is parsed
 * against these schemas and a bad one is refused with the path of the bad field.
 */

/** What the diff checks found, with the files behind each flag (src/core/run/diff-check.ts). */
export const DiffCheckSchema = z.object({
  flags: z.array(z.enum(['out-of-scope', 'deleted-tests', 'skipped-tests', 'loosened-assertions', 'reproduction-changed'])),
  outOfScope: z.array(z.string()),
  deletedTests: z.array(z.string()),
  skippedTests: z.array(z.string()),
  loosenedAssertions: z.array(z.string()),
  reproductionChanged: z.array(z.string()).default([]).describe("Changed files the packet's reproduction runs or names (issue 11); absent in results written before it was checked."),
  touchedRiskPaths: z.array(z.string()).describe("Changed paths matching the blueprint's riskPaths or a trust hand-off path."),
  trustHandoff: z.array(z.string()).default([]).describe('Trust hand-offs among them (editor, devcontainer, CI, package-manager or hook settings; package.json scripts), each with what changed.'),
});

export const DiffFileSchema = z.object({
  path: z.string(),
  status: z.enum(['added', 'modified', 'deleted', 'renamed']),
  oldPath: z.string().optional(),
});

/** Token and money spent by an agent, when it reports them. */
export const AgentCostSchema = z.object({
  inputTokens: z.number().int().min(0).optional(),
  outputTokens: z.number().int().min(0).optional(),
  usd: z.number().min(0).optional(),
});

/** Tool calls of one agent station, by tool name: how many, how many ended in an error, their wall time. */
export const ToolCallSummarySchema = z.object({
  name: z.string(),
  calls: z.number().int().min(0),
  errors: z.number().int().min(0),
  durationMs: z.number().min(0).describe('Sum of the calls whose duration is known, in milliseconds.'),
});
export type ToolCallSummary = z.infer<typeof ToolCallSummarySchema>;

/** What an agent station's agent did and said (issue 10): beside the line's own evidence, never instead of it. */
export const AgentRecordSchema = z.object({
  name: z.string(),
  outcome: z.string(),
  cost: AgentCostSchema.optional(),
  outputTail: z.string(),
  version: z.string().optional().describe("The CLI's version, e.g. @anthropic-ai/claude-code@2.1.3."),
  prompt: z.object({ template: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional().describe('The station prompt: template and SHA-256 of its text.'),
  claim: AgentClaimSchema.optional().describe("The agent's claim: evidence, not a decision."),
  claimProblem: z.string().optional().describe('Why no claim could be read.'),
  usage: z.array(AgentUsageSchema).max(100).optional().describe('Tokens and money by model.'),
  toolCalls: z.array(ToolCallSummarySchema).max(500).optional(),
  sessionId: z.string().max(200).optional().describe("The CLI's session, continued by a revise round."),
  budget: BudgetSchema.optional().describe('The budget this attempt ran under.'),
  budgetExceeded: z.string().optional().describe('Which budget was reached, with the figures.'),
});
export type AgentRecord = z.infer<typeof AgentRecordSchema>;

/**
 * What one station attempt produced: `artifacts/stations/<id>-<attempt>.json`, written
 * before its `station/finished` journal record so a resumed run reads it back instead of
 * running the station again.
 */
export const StationResultSchema = z
  .object({
    stationId: z.string(),
    role: z.enum(STATION_ROLES),
    kind: z.enum(STATION_KINDS),
    attempt: z.number().int().min(1),
    outcome: z.enum(['passed', 'failed', 'error', 'timeout', 'cancelled', 'skipped']),
    commands: z.array(CommandResultSchema).describe('Commands run (command, verifier, set-up and dependency-check stations).'),
    commandsOutcome: z.enum(['passed', 'failed', 'absent']).describe('passed / failed / absent (no commands), for the terminal decision.'),
    retryable: z.object({ reason: z.enum(TERMINAL_REASONS.RETRYABLE_FAILURE), detail: z.string() }).optional().describe("Set when the failure is the environment's."),
    wall: z
      .object({ reason: z.enum(Object.values(STATION_WALLS) as [StationWall, ...StationWall[]]), detail: z.string() })
      .optional()
      .describe('Set when a command (or the agent) ran into a station wall: memory, processes or disk. Not retried; the run ends naming the wall (rule T2w).'),
    reproductionRefused: z
      .string()
      .max(2000)
      .optional()
      .describe('A reproduce station whose command failed in a way that shows nothing about the problem (a syntax error, a missing module or program, or not as its expectFailure states): which command and why (rule T3r).'),
    reproduction: FrozenReproductionSchema.optional().describe('The reproduction an agent wrote at this reproduce station, frozen (issue 11): once approved at its gate, later stations run this copy, mounted read-only.'),
    text: z.string().optional().describe('Plan or investigation note (agent stations with role plan or investigate).'),
    agent: AgentRecordSchema.optional(),
    interrupted: z.boolean().optional().describe('The run was interrupted during this attempt: it is not a result, only a record of what its agent spent.'),
    claimEnded: z.enum(['NO_OP', 'ESCALATE']).optional().describe("The implement station ended on the agent's NO_OP or ESCALATE claim: the workspace was put back to the round's start (no diff)."),
    diff: z.object({ patch: z.string(), files: z.array(DiffFileSchema), check: DiffCheckSchema }).optional().describe('The change after an implement station.'),
    fromCache: z.boolean().optional().describe('Set-up restored from the cache for this base commit instead of running.'),
    setupFallback: z
      .object({ failed: z.array(z.string()).describe('The full installs that failed, as argv text.'), ran: z.array(z.string()).describe('The production-only installs that ran instead.') })
      .optional()
      .describe('Set-up fell back to production dependencies after the full install failed (src/core/run/setup-fallback.ts): validation that needs development dependencies may be unavailable.'),
    machineMs: z.number().min(0).describe("Milliseconds spent inside the station's commands or agent."),
    imageDigest: z.string().optional(),
    note: z.string().optional(),
  })
  .describe('The result of one station attempt, as stored in the run folder.');
export type StationResult = z.infer<typeof StationResultSchema>;

/** Set-up commands and facts the repository profiler found (src/core/profile). */
export const ProfileFactsSchema = z.object({
  setup: z.array(CommandSpecSchema),
  dependencyCheck: z.array(CommandSpecSchema),
  registryHosts: z.array(z.string()).describe('Package registry hosts the set-up station may reach, e.g. registry.npmjs.org.'),
});

/**
 * What a run folder keeps to resume a run the same way (`artifacts/run-setup.json`): the
 * exact packet, the resolved blueprint, the profile facts and the options it started with.
 */
export const RunSetupSchema = z
  .object({
    packet: TaskPacketSchema,
    blueprint: BlueprintSchema,
    blueprintSource: BlueprintSourceSchema.optional().describe('Where the blueprint came from, shown before the run starts and kept in the evidence.'),
    refusedBlueprints: z.array(z.object({ file: z.string(), reason: z.string() })).optional().describe('Repository blueprints that were refused (named like a built-in, claiming the platform tier, or malformed).'),
    profile: ProfileFactsSchema,
    unattended: z.boolean(),
    environment: z.enum(['docker', 'local']).default('docker').describe('docker: isolated devcontainers; local: this machine, no isolation (tests only).'),
    agentCommand: z.string().optional(),
    agentDefault: z.string().max(100).optional().describe('The agent for agent stations that name none and match no routing rule (setting shopfloor.agent.default, `--agent`).'),
    language: z.string().max(100).optional().describe("The repository's main language, for the blueprint's agent routing rules."),
    holdout: z.string().optional().describe('Host folder of holdout scenarios for verifier stations.'),
  })
  .describe("A run's set-up, stored so a resumed run runs the same packet and blueprint the same way.");
export type RunSetup = z.infer<typeof RunSetupSchema>;
