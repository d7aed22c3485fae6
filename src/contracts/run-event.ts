import { z } from 'zod';
import { BlueprintRefSchema, Sha256Schema, TimestampSchema } from './common';
import { BudgetSchema } from './agent';
import { TerminalStateSchema } from './terminal-state';

/** Where a gate stands relative to its station. */
export const GatePositionSchema = z.enum(['before', 'after']).describe('Before the station runs, or after it, on its result.');
export type GatePosition = z.infer<typeof GatePositionSchema>;

/** The decisions a gate may accept (design.md "Gate"); each gate allows a subset (src/core/run/gates.ts). */
export const GATE_CHOICES = ['approve', 'reject', 'edit', 'retry', 'skip'] as const;
export const GateChoiceSchema = z.enum(GATE_CHOICES).describe('A gate decision: approve, reject, edit (then approve), retry or skip.');
export type GateChoice = z.infer<typeof GateChoiceSchema>;

/** The fields every gate record and view carries: which gate, of which station, where. */
export const GateRefSchema = z.object({ gateId: z.string(), stationId: z.string(), position: GatePositionSchema });

/**
 * A gate decision (design.md "Gate"): who decided, when, how long they spent, and the
 * content hash of exactly what was approved. `by.kind` is `human` for a UI action or
 * `policy` for an explicit unattended policy; never an agent.
 */
export const GateDecisionSchema = z
  .object({
    ...GateRefSchema.shape,
    runId: z.string().optional().describe('The run the gate belongs to (absent in journals written before 0.2).'),
    decision: GateChoiceSchema,
    by: z.object({ kind: z.enum(['human', 'policy']), name: z.string().min(1) }),
    openedAt: TimestampSchema,
    decidedAt: TimestampSchema,
    humanMs: z.number().min(0).describe('Milliseconds between the gate/opened and gate/decided journal records (one clock: the journal\'s).'),
    contentHash: Sha256Schema.describe('SHA-256 of what was approved: diff, plan or packet.'),
    reason: z.string().optional(),
    terminal: TerminalStateSchema.optional().describe('With `reject`: the chosen terminal state.'),
    budget: BudgetSchema.optional().describe("With `retry` at a station that reached its budget: the budget a human raised it to for the retry."),
    declinedEffects: z
      .array(z.string())
      .optional()
      .describe('With `approve` at the output gate: ids of held tool calls (MCP gateway effects) the reviewer declined; they are discarded, the others run after the gate.'),
  })
  .describe('A gate decision.');
export type GateDecision = z.infer<typeof GateDecisionSchema>;

/** Events of one run; the journal holds them in order (design.md "Run journal"). */
export const RunEventSchema = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('run/started'),
      runId: z.string(),
      blueprint: BlueprintRefSchema,
      blueprintHash: Sha256Schema,
      packetHash: Sha256Schema,
      repo: z.string(),
      baseCommit: z.string().optional(),
      pattern: z.enum(['interactive', 'unattended']),
    }),
    z.object({ type: z.literal('workspace/prepared'), path: z.string(), containerId: z.string().optional(), imageDigest: z.string().optional() }),
    z.object({ type: z.literal('station/started'), stationId: z.string(), attempt: z.number().int().min(1) }),
    z.object({
      type: z.literal('station/finished'),
      stationId: z.string(),
      attempt: z.number().int().min(1),
      outcome: z.enum(['passed', 'failed', 'error', 'timeout', 'cancelled', 'skipped']),
      exitCode: z.number().int().nullable().optional(),
      durationMs: z.number().min(0),
      artifact: z.string().optional().describe('Result file, relative to the run folder.'),
      artifactSha256: Sha256Schema.optional().describe('SHA-256 of the result file as written: a resume, `show` and `verify` refuse a file that no longer matches.'),
    }),
    z.object({ type: z.literal('gate/opened'), ...GateRefSchema.shape, contentHash: Sha256Schema }),
    z.object({ type: z.literal('gate/decided'), decision: GateDecisionSchema }),
    z.object({
      type: z.literal('run/terminal'),
      terminal: TerminalStateSchema,
      evidence: z.string().describe('Evidence file, relative to the run folder.'),
      evidenceSha256: Sha256Schema.optional().describe('SHA-256 of the evidence file as written.'),
    }),
    z.object({ type: z.literal('output/created'), branch: z.string().optional(), commit: z.string().optional(), report: z.string().optional() }),
    z.object({ type: z.literal('note'), message: z.string() }),
    z.object({
      type: z.literal('journal/sealed'),
      records: z.number().int().min(1).describe('How many records come before this one: a finished run whose journal lost its tail is detected.'),
    }),
  ])
  .describe('One event of a run.');
export type RunEvent = z.infer<typeof RunEventSchema>;

/**
 * One line of the journal file: an event with its sequence number and hash chain.
 * `hash` = SHA-256 over `prevHash` and the canonical JSON of {seq, at, event}
 * (see src/core/journal/chain.ts); the first record's `prevHash` is 64 zeros.
 */
export const JournalRecordSchema = z
  .object({
    seq: z.number().int().min(0),
    at: TimestampSchema,
    prevHash: Sha256Schema,
    hash: Sha256Schema,
    event: RunEventSchema,
  })
  .describe('A hash-chained run journal record (one JSONL line).');
export type JournalRecord = z.infer<typeof JournalRecordSchema>;
