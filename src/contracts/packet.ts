import { BudgetSchema } from './agent';
import { z } from 'zod';
import { OUTPUT_FORMATS, RISK_CLASSES } from './protocol-wire';
import { CommandSpecSchema, ProvenanceSchema, Sha256Schema, TimestampSchema, boundedList } from './common';

/** Kinds of seed that enter the factory (design.md "Seed"). */
export const SEED_KINDS = ['issue', 'failing-test', 'advisory', 'ci-log', 'selection', 'todo'] as const;
export const SeedKindSchema = z.enum(SEED_KINDS);
export type SeedKind = z.infer<typeof SeedKindSchema>;

/** What entered the factory, kept verbatim so reviewers see exactly what was asked. */
export const SeedSchema = z
  .object({
    kind: SeedKindSchema,
    text: z.string().max(1_000_000).describe('The seed verbatim (issue text, test output, advisory, selection).'),
    ref: z.string().optional().describe('Where it came from: an issue URL, a test id, file:line of a selection.'),
  })
  .describe('The seed the packet was drafted from.');
export type Seed = z.infer<typeof SeedSchema>;

export { OUTPUT_FORMATS, RISK_CLASSES };

/** Flags a draft raises instead of inventing content. `missing-context`: the seed is too vague to act on. */
export const PACKET_FLAGS = ['missing-context', 'no-reproduction', 'no-validation', 'scope-unranked'] as const;

/** A scope entry: a path (file or folder, repository-relative) with the evidence for ranking it. */
export const ScopePathSchema = z.object({
  path: z.string().min(1).describe('Repository-relative path, POSIX separators.'),
  score: z.number().min(0).optional().describe('Ranking score; higher is more likely to need the change.'),
  origin: ProvenanceSchema.optional(),
});

/** A rule, written for humans and checked by the decide step, for ending as NO_OP. */
export const NoOpRuleSchema = z.object({
  when: z
    .enum(['reproduction-passes-before-change', 'already-fixed-upstream', 'contradicts-documented-behaviour', 'missing-context'])
    .describe('The condition.'),
  then: z.enum(['NO_OP', 'ESCALATE']).describe('Terminal state when the condition holds.'),
  reason: z.string().optional(),
  origin: ProvenanceSchema.optional(),
});

/** A human's approval of exactly one packet content (design.md "Gate"). */
export const ApprovalSchema = z.object({
  by: z.string().min(1).describe('Who approved (user name or e-mail).'),
  at: TimestampSchema,
  contentHash: Sha256Schema.describe('SHA-256 of the packet canonical JSON without `approval`.'),
  fields: z
    .record(z.string(), Sha256Schema)
    .optional()
    .describe('SHA-256 of each top-level field as approved, so a stale approval can say which fields were edited since.'),
  toolPins: z
    .array(z.object({ tool: z.string(), sha256: Sha256Schema }))
    .optional()
    .describe("The definitions of the team MCP tools `allowedTools` names, as approved, by hash (issue 12): a tool whose definition differs when the run's gateway offers it is hidden until a human re-approves it at a gate."),
});

/**
 * The task packet: the job's mold, drafted from a seed plus the repository, edited and
 * approved by a human before anything runs. Fields and meanings: design.md "Task packet".
 */
export const TaskPacketSchema = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1).describe('Packet format version.'),
    id: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'expected 1-80 characters of A-Z a-z 0-9 . _ -'),
    intent: z.string().min(1, 'intent must say what the job is for').max(2000).describe('One or two sentences: what should be true after the job.'),
    source: SeedSchema,
    baseCommit: z.string().regex(/^[0-9a-f]{7,64}$/).optional().describe('Commit the run starts from.'),
    scope: z
      .object({
        paths: boundedList(ScopePathSchema).describe('Candidate files/folders, best first.'),
        services: boundedList(z.string()).default([]).describe('Services or packages in scope.'),
      })
      .describe('Where the change is expected.'),
    nonGoals: boundedList(z.string()).describe('What the job must not do.'),
    reproduction: boundedList(CommandSpecSchema).describe('Commands that FAIL while the problem exists.'),
    allowedTools: boundedList(z.string()).describe('Tool names the implementing agent may use (MCP gateway allowlist).'),
    validation: boundedList(CommandSpecSchema).describe('Commands that must pass after the change.'),
    noOpRules: boundedList(NoOpRuleSchema).describe('When to stop without a change.'),
    evidenceRequired: boundedList(z.string()).describe('Evidence the bundle must hold, e.g. reproduction-before-after, diff, validation.'),
    outputFormat: z.enum(OUTPUT_FORMATS).describe('What the run hands back.'),
    risk: z.enum(RISK_CLASSES).describe('auto-ship, one-reviewer or hard-stop.'),
    riskReasons: boundedList(z.string()).default([]).describe('Why the risk class was chosen.'),
    flags: boundedList(z.enum(PACKET_FLAGS)).default([]).describe('What could not be found; never filled by invention.'),
    provenance: z
      .record(z.string(), ProvenanceSchema)
      .optional()
      .describe('Where each drafted field without its own `origin` came from, keyed by field path (`intent`, `nonGoals[0]`, `risk`).'),
    budget: BudgetSchema.optional().describe("Limits on the whole run's agents (tokens, US dollars, wall time), over the blueprint's; reaching one ends the run ESCALATE budget-exceeded unless a human raises it."),
    approval: ApprovalSchema.optional(),
  })
  .describe('A Shopfloor task packet: the job a run carries out, approved by a human before it runs.');
export type TaskPacket = z.infer<typeof TaskPacketSchema>;
