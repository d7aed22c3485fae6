import { z } from 'zod';
import { REVIEW_VERDICTS } from './protocol-wire';
import { Sha256Schema, TimestampSchema } from './common';
import { EvidenceBundleSchema } from './evidence';

/** A reviewer's verdict on a run's evidence bundle (issue 14, reviewer mode). */
export { REVIEW_VERDICTS };
export const ReviewVerdictKindSchema = z.enum(REVIEW_VERDICTS);

/** Longest comment a verdict may carry, in characters. */
export const VERDICT_COMMENT_MAX = 10_000;

/**
 * A recorded verdict, stored in the run folder (`review/verdict.json`, RUN_LAYOUT.reviewVerdict)
 * beside the evidence it judges: who, when, what they decided and why, the SHA-256 of the
 * evidence.json they read, and whether that bundle verified when they read it.
 */
export const ReviewVerdictSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  verdict: ReviewVerdictKindSchema,
  comment: z.string().max(VERDICT_COMMENT_MAX),
  sectionComments: z.record(z.string().max(64), z.string().max(VERDICT_COMMENT_MAX)).default({}).describe('Comments on single sections of the bundle, by section key (summary, reproduction, diff, ...).'),
  by: z.string().describe('Who recorded it: `Name <email>` from git, else the OS user.'),
  at: TimestampSchema,
  evidenceSha256: Sha256Schema.describe('SHA-256 of the evidence.json bytes the verdict was given on.'),
  trusted: z.boolean().describe('Whether the journal and evidence verified when the verdict was given.'),
}).describe("A reviewer's verdict on a run's evidence bundle, stored in the run folder.");
export type ReviewVerdict = z.infer<typeof ReviewVerdictSchema>;

/**
 * An evidence bundle as the panel shows it (the finished run's, or one opened in reviewer
 * mode): the bundle when it parses, whether the run folder verifies (journal chain and
 * seal, files bound by hash, src/adapters/store/run-verify.ts), every problem found, and
 * the verdict recorded so far. A bundle that does not verify is shown as untrusted, never
 * as trusted.
 */
export const ReviewViewSchema = z.object({
  runId: z.string(),
  folder: z.string().describe('The run folder, workspace-relative when inside the workspace.'),
  mode: z.enum(['run', 'review']).describe('run: the finished run of the panel; review: opened in reviewer mode.'),
  trusted: z.boolean().describe('True only when the journal verified, its files matched their hashes and the bundle parsed.'),
  problems: z.array(z.string()).describe('Why the bundle is not trusted (empty when trusted).'),
  bundle: EvidenceBundleSchema.nullable().describe('Null when evidence.json is missing or does not parse (the problems say why).'),
  evidenceSha256: z.string().nullable(),
  verdict: ReviewVerdictSchema.nullable(),
  logs: z
    .array(z.object({ stationId: z.string(), total: z.number().int().min(0).describe('Lines in the station\'s log.') }))
    .default([])
    .describe("The stations whose whole output the run folder holds (RUN_LAYOUT.stationPanelLog); the panel reads them with `log/range` and `log/search`."),
});
export type ReviewView = z.infer<typeof ReviewViewSchema>;
