import { z } from 'zod';
import { TERMINAL_STATES } from './terminal-state';

/**
 * The panel's comparison view of one blueprint (issue 13: "is this fork better than the
 * canonical blueprint?"): `registryStats` output for the blueprint, its parent when it is a
 * fork, and its forks, per version, carried in the panel snapshot. Built by
 * src/core/registry/comparison.ts. A figure with no samples has a null estimate (JSON has
 * no NaN), never a made-up number.
 */

/** A proportion with its Wilson score interval: k of n, rate null when n = 0. */
export const ProportionViewSchema = z.object({
  k: z.number().int().min(0),
  n: z.number().int().min(0),
  rate: z.number().min(0).max(1).nullable(),
  interval: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).describe('Wilson score interval; [0, 1] when n = 0.'),
});
export type ProportionView = z.infer<typeof ProportionViewSchema>;

/** A median with its percentile bootstrap interval; null when there are no samples. */
export const MedianViewSchema = z.object({
  n: z.number().int().min(0),
  median: z.number().nullable(),
  interval: z.tuple([z.number(), z.number()]).nullable(),
});
export type MedianView = z.infer<typeof MedianViewSchema>;

/** The figures of one group of runs (a version, or a blueprint over all its versions). */
export const ComparisonFiguresSchema = z.object({
  runs: z.number().int().min(0),
  terminal: z.object(Object.fromEntries(TERMINAL_STATES.map((s) => [s, z.number().int().min(0)])) as Record<(typeof TERMINAL_STATES)[number], z.ZodNumber>),
  reviewerAcceptance: ProportionViewSchema.describe('PR_READY runs a reviewer accepted, of PR_READY runs with a verdict (changes requested: judged, not accepted).'),
  firstAttemptValidation: ProportionViewSchema.describe('Runs whose first validation attempt passed, of runs where validation ran.'),
  humanMinutes: MedianViewSchema.describe('Median human minutes at gates per run.'),
});
export type ComparisonFigures = z.infer<typeof ComparisonFiguresSchema>;

/** How a blueprint relates to the one compared: itself, its parent (it is a fork of it), or one of its forks. */
export const ComparisonRoleSchema = z.enum(['blueprint', 'parent', 'fork']);

/** One published version with its figures (zero runs: published, nothing recorded yet). */
export const ComparisonVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  role: ComparisonRoleSchema,
  ...ComparisonFiguresSchema.shape,
});
export type ComparisonVersion = z.infer<typeof ComparisonVersionSchema>;

/** One figure of a fork beside its parent's (core/registry compareFork). */
export const FigureComparisonViewSchema = z.object({
  figure: z.enum(['firstAttemptValidation', 'reviewerAcceptance', 'acceptedNoEdit']),
  fork: ProportionViewSchema,
  parent: ProportionViewSchema,
  verdict: z.enum(['better', 'worse', 'no-clear-difference', 'too-thin']).describe('better/worse only when the intervals do not overlap; too-thin below minN samples on either side.'),
});

/** What the comparison view shows. */
export const ComparisonViewSchema = z.object({
  name: z.string().describe('The blueprint compared.'),
  parent: z.string().nullable().describe('Its parent\'s name when it is a fork.'),
  confidence: z.number().gt(0).lt(1).describe('Of every interval.'),
  minN: z.number().int().min(1).describe('Samples a side needs before a difference is stated.'),
  versions: z.array(ComparisonVersionSchema).max(500).describe('Parent first, then the blueprint, then its forks; versions by semver precedence.'),
  blueprints: z.array(z.object({ name: z.string(), role: ComparisonRoleSchema, ...ComparisonFiguresSchema.shape })).max(100).describe('Each blueprint over all its versions.'),
  pairs: z.array(z.object({ fork: z.string(), parent: z.string(), figures: z.array(FigureComparisonViewSchema) })).max(100).describe('Each fork against its parent, over all versions.'),
  problem: z.string().nullable().describe('Why the figures could not be read (registry unreachable); null when they were.'),
  at: z.string().describe('When the figures were read (ISO 8601).'),
});
export type ComparisonView = z.infer<typeof ComparisonViewSchema>;
