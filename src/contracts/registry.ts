import { z } from 'zod';
import { BlueprintRefSchema, SemverSchema, Sha256Schema, SlugSchema, TimestampSchema } from './common';
import { TERMINAL_REASONS, TERMINAL_STATES } from './terminal-state';

/**
 * Records of the git-backed blueprint registry (issue 13, design.md "Registry";
 * docs/registry.md has the layout). Every record is `.strict()`: a field nobody declared is
 * refused, so no code, path or secret can ride along in a record under a new name. Free
 * text is absent by design: identities are hashes, reasons are codes.
 */

/** Scope tiers of a blueprint (design.md "Blueprint"). */
export const RegistryTierSchema = z.enum(['platform', 'domain', 'team']).describe('Scope tier of a blueprint.');
export type RegistryTier = z.infer<typeof RegistryTierSchema>;

/** Release channel of a version: every version starts `candidate`; a promotion record moves it to `production`. */
export const RegistryChannelSchema = z.enum(['candidate', 'production']);
export type RegistryChannel = z.infer<typeof RegistryChannelSchema>;

/** A short identity label that is not free text: lowercase letters, digits, `.`, `_`, `-`, `@`, `/` (an agent CLI, a model name). */
const LabelSchema = z.string().regex(/^[a-z0-9][a-z0-9._@/-]{0,79}$/, 'expected a short lowercase label (a-z, 0-9, . _ - @ /), at most 80 characters');

/** A run id as src/core/run/run-id.ts makes them (`20261203-134000-a1b2c3`), or any short slug. */
export const RegistryRunIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a run id: a-z, 0-9 and "-", at most 64 characters');

/** Lineage of a fork: the parent version it was forked from (or last updated to) and that version's content hash. */
export const LineageSchema = z
  .object({
    parent: BlueprintRefSchema.describe('name@version of the parent.'),
    parentHash: Sha256Schema.describe('Content hash of the parent version.'),
  })
  .strict()
  .describe('Lineage of a fork.');
export type Lineage = z.infer<typeof LineageSchema>;

/** When and by whom a version was yanked: the only change a published version record allows. */
export const YankSchema = z.object({ at: TimestampSchema, by: z.string().min(1).max(200), reason: z.string().max(500) }).strict();

/** A published, immutable blueprint version in the registry. Its blueprint is the file at `path`, whose canonical JSON hashes to `hash`. */
export const BlueprintVersionRecordSchema = z
  .object({
    kind: z.literal('blueprint-version'),
    name: SlugSchema,
    version: SemverSchema,
    tier: RegistryTierSchema,
    lineage: LineageSchema.optional().describe('Set on a fork.'),
    hash: Sha256Schema.describe('SHA-256 of the blueprint canonical JSON (src/core/hash.ts contentHash).'),
    path: z.string().max(300).describe('File path of the blueprint inside the registry repository.'),
    publishedAt: TimestampSchema,
    publishedBy: z.string().min(1).max(200),
    workspace: Sha256Schema.describe('Hash of the publishing workspace identity.'),
    yanked: YankSchema.optional(),
  })
  .strict();
export type BlueprintVersionRecord = z.infer<typeof BlueprintVersionRecordSchema>;

/** A station of a run as an outcome shows it: ids and timings only. */
export const OutcomeStationSchema = z
  .object({
    id: SlugSchema,
    attempts: z.number().int().min(1),
    outcome: z.enum(['passed', 'failed', 'error', 'timeout', 'cancelled', 'skipped']).describe('Of its last attempt.'),
    ms: z.number().min(0).describe('Milliseconds over all attempts.'),
  })
  .strict();

/** A terminal state without its free-text detail (which may quote code). */
export const OutcomeTerminalSchema = z
  .object({
    state: z.enum(TERMINAL_STATES),
    reason: z.enum([...new Set(Object.values(TERMINAL_REASONS).flat())] as [string, ...string[]]),
  })
  .strict();

/**
 * One run's outcome, one file per run so concurrent writers never conflict. Carries no code
 * and no secrets (issue 13 item 5): codes, counts, timings and hashes only.
 */
export const RunOutcomeRecordSchema = z
  .object({
    kind: z.literal('run-outcome'),
    runId: RegistryRunIdSchema,
    blueprint: z.object({ name: SlugSchema, version: SemverSchema, hash: Sha256Schema }).strict(),
    lineage: LineageSchema.optional().describe('The blueprint\'s parent when it is a fork.'),
    repository: Sha256Schema.describe('Hash of the repository identity (never its URL or path).'),
    workspace: Sha256Schema.describe('Hash of the workspace identity.'),
    pattern: z.enum(['interactive', 'unattended']),
    terminal: OutcomeTerminalSchema,
    stations: z.array(OutcomeStationSchema).max(200),
    firstAttemptValidation: z.enum(['passed', 'failed', 'none']).describe('The first attempt of the first validate station; none when no validation ran.'),
    reviseRounds: z.number().int().min(0),
    humanMs: z.number().min(0).describe('Milliseconds humans spent at gates.'),
    humanEdited: z.boolean().describe('Whether any gate decision was an edit.'),
    gateRejections: z.number().int().min(0),
    verdict: z.enum(['accepted', 'rejected', 'pending']).describe('Review verdict as known when synced; a later review-verdict record overrides it.'),
    cost: z.object({ usd: z.number().min(0).optional(), inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) }).strict(),
    durationMs: z.number().min(0),
    agents: z.array(z.object({ agent: LabelSchema, model: LabelSchema.optional() }).strict()).max(50),
    endedAt: TimestampSchema,
  })
  .strict();
export type RunOutcomeRecord = z.infer<typeof RunOutcomeRecordSchema>;

/**
 * The verdicts a review-verdict record knows: the panel's three (src/contracts/review.ts
 * REVIEW_VERDICTS: accept, request-changes, reject) one to one. `changes-requested` is a
 * verdict given, not an acceptance: reviewer acceptance counts it among the judged runs
 * and not among the accepted ones (src/core/registry/analytics.ts).
 */
export const REGISTRY_VERDICTS = ['accepted', 'changes-requested', 'rejected'] as const;
export const RegistryVerdictSchema = z.enum(REGISTRY_VERDICTS);
export type RegistryVerdict = z.infer<typeof RegistryVerdictSchema>;

/**
 * A reviewer's verdict on a run's output (a PR), one file per verdict. Never the reviewer's
 * comments: they are free text about the code (they may quote it) and stay in the run folder.
 */
export const ReviewVerdictRecordSchema = z
  .object({
    kind: z.literal('review-verdict'),
    runId: RegistryRunIdSchema,
    blueprint: z.object({ name: SlugSchema, version: SemverSchema }).strict(),
    verdict: RegistryVerdictSchema,
    reviewer: Sha256Schema.describe('Hash of the reviewer identity.'),
    at: TimestampSchema,
    evidenceVerified: z.boolean().optional().describe("Whether the run's journal and evidence verified when the verdict was given (from the panel's review/verdict.json; absent for `sync --verdict`)."),
  })
  .strict();
export type ReviewVerdictRecord = z.infer<typeof ReviewVerdictRecordSchema>;

/**
 * The promotion rule a tier declares (registry file `tiers/<tier>.json`): at least `minRuns`
 * recorded outcomes, and for each listed proportion the candidate's Wilson interval at
 * `confidence` reaching the production version's (upper bound at or above production's
 * lower bound: not shown worse within the interval). Without a production version only `minRuns` and `minRate` apply.
 */
export const PromotionRuleSchema = z
  .object({
    kind: z.literal('promotion-rule'),
    tier: RegistryTierSchema,
    minRuns: z.number().int().min(1).max(1_000_000),
    confidence: z.number().gt(0).lt(1).default(0.95),
    notWorse: z.array(z.enum(['firstAttemptValidation', 'reviewerAcceptance'])).default(['firstAttemptValidation', 'reviewerAcceptance']),
    minRate: z.number().min(0).max(1).default(0).describe('Floor on the candidate\'s point estimates when there is no production version to compare with.'),
  })
  .strict();
export type PromotionRule = z.infer<typeof PromotionRuleSchema>;

/** One figure the promotion rule checked. */
export const PromotionFigureSchema = z
  .object({
    figure: z.enum(['runs', 'firstAttemptValidation', 'reviewerAcceptance']),
    candidate: z.number(),
    interval: z.tuple([z.number(), z.number()]).optional(),
    n: z.number().int().min(0),
    required: z.string().max(200),
    production: z.number().optional(),
    met: z.boolean(),
  })
  .strict();
export type PromotionFigure = z.infer<typeof PromotionFigureSchema>;

/** A version moved from candidate to production, with the figures that allowed it. */
export const PromotionRecordSchema = z
  .object({
    kind: z.literal('promotion'),
    name: SlugSchema,
    version: SemverSchema,
    tier: RegistryTierSchema,
    to: z.literal('production'),
    against: BlueprintRefSchema.optional().describe('The production version compared with, if any.'),
    rule: PromotionRuleSchema,
    figures: z.array(PromotionFigureSchema),
    at: TimestampSchema,
    by: z.string().min(1).max(200),
  })
  .strict();
export type PromotionRecord = z.infer<typeof PromotionRecordSchema>;

/** A record in the git-backed blueprint registry (design.md "Registry"). */
export const RegistryRecordSchema = z
  .discriminatedUnion('kind', [BlueprintVersionRecordSchema, RunOutcomeRecordSchema, ReviewVerdictRecordSchema, PromotionRecordSchema, PromotionRuleSchema])
  .describe('A blueprint registry record: a published blueprint version, a run outcome, a review verdict, a promotion or a tier\'s promotion rule.');
export type RegistryRecord = z.infer<typeof RegistryRecordSchema>;

/** What a workspace keeps of an adopted or forked blueprint (`.shopfloor/registry/adopted/<name>.json`): where its copy came from. */
export const AdoptionRecordSchema = z
  .object({
    kind: z.literal('adoption'),
    name: SlugSchema.describe('Name of the copy in .shopfloor/blueprints/.'),
    source: BlueprintRefSchema.describe('Registry version the copy is based on (the merge base of `update`).'),
    sourceHash: Sha256Schema,
    registry: z.string().max(1000).describe('Registry URL it came from.'),
    adoptedAt: TimestampSchema,
    fork: z.boolean().describe('True when the copy is a fork (own name, lineage to source).'),
    channel: RegistryChannelSchema.optional().describe('Channel of the version the copy runs as, when adopted or last updated: the source\'s for an adopted copy; a fork\'s own published version starts candidate.'),
  })
  .strict();
export type AdoptionRecord = z.infer<typeof AdoptionRecordSchema>;
