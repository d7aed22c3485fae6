import { z } from 'zod';
import { BlueprintRefSchema, SemverSchema, Sha256Schema, SlugSchema, TimestampSchema } from './common';
import { TerminalStateSchema } from './terminal-state';

/** A published, immutable blueprint version in the registry. */
export const BlueprintVersionRecordSchema = z.object({
  kind: z.literal('blueprint-version'),
  name: SlugSchema,
  version: SemverSchema,
  tier: z.enum(['platform', 'domain', 'team']),
  forkOf: BlueprintRefSchema.optional(),
  hash: Sha256Schema.describe('SHA-256 of the blueprint canonical JSON.'),
  path: z.string().describe('File path inside the registry repository.'),
  publishedAt: TimestampSchema,
  publishedBy: z.string(),
  workspace: z.string().describe('Stable id of the publishing workspace.'),
});

/** One run's outcome, one file per run so concurrent writers never conflict. */
export const RunOutcomeRecordSchema = z.object({
  kind: z.literal('run-outcome'),
  runId: z.string(),
  blueprint: BlueprintRefSchema,
  blueprintHash: Sha256Schema,
  workspace: z.string(),
  team: z.string().optional(),
  terminal: TerminalStateSchema,
  validationPassed: z.number().int().min(0),
  validationTotal: z.number().int().min(0),
  reviewRejections: z.number().int().min(0),
  humanMs: z.number().min(0),
  machineMs: z.number().min(0),
  usd: z.number().min(0).optional(),
  endedAt: TimestampSchema,
});

/** A record in the git-backed blueprint registry (design.md "Registry"). */
export const RegistryRecordSchema = z
  .discriminatedUnion('kind', [BlueprintVersionRecordSchema, RunOutcomeRecordSchema])
  .describe('A blueprint registry record: a published blueprint version or a run outcome.');
export type RegistryRecord = z.infer<typeof RegistryRecordSchema>;
