import { z } from 'zod';
import { BlueprintRefSchema, CommandSpecSchema, Sha256Schema, TimestampSchema } from './common';
import { SeedSchema, TaskPacketSchema } from './packet';
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

/** One audited tool call; arguments and results are stored as digests, never raw (design.md). */
export const ToolCallAuditSchema = z.object({
  at: TimestampSchema,
  tool: z.string(),
  argsDigest: Sha256Schema,
  resultDigest: Sha256Schema.optional(),
  allowed: z.boolean(),
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
    reproduction: z.object({ before: z.array(CommandResultSchema), after: z.array(CommandResultSchema) }),
    plan: z.string().optional(),
    diff: z.object({ patch: z.string(), files: z.array(z.string()), flags: z.array(z.string()).default([]) }).optional(),
    validation: z.array(CommandResultSchema),
    noOpOrEscalation: z.object({ reason: z.string(), openQuestions: z.array(z.string()).default([]) }).optional(),
    residualRisk: z.array(z.string()),
    gates: z.array(GateDecisionSchema),
    cost: CostSchema,
    toolCalls: z.array(ToolCallAuditSchema).default([]),
    environment: z.object({
      imageDigest: z.string().optional(),
      baseCommit: z.string().optional(),
      blueprint: BlueprintRefSchema,
      blueprintHash: Sha256Schema,
      engineVersion: z.string().optional(),
    }),
    startedAt: TimestampSchema,
    endedAt: TimestampSchema,
  })
  .describe('Evidence for one run: what was asked, what was done, what was decided and why.');
export type EvidenceBundle = z.infer<typeof EvidenceBundleSchema>;
