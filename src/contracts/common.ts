import { z } from 'zod';

/**
 * Bounds on numbers and sizes in packets and blueprints (files anyone may have written):
 * a value past them is refused with the path of the field, never clamped. Timeouts stay
 * far below the platform's timer limit (2^31-1 ms, about 24.8 days, after which Node's
 * setTimeout fires at once); retries and revise rounds are small; a list holds at most
 * `listItems` entries, so a packet of a million commands is refused before anything runs.
 */
export const LIMITS = { timeoutSec: 86_400, retries: 10, listItems: 1000, textChars: 100_000 } as const;

/** An array of at most LIMITS.listItems entries. */
export const boundedList = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.listItems, `at most ${LIMITS.listItems} entries`);

/** Lowercase hex SHA-256 digest (64 characters), as produced by `sha256Hex` in src/core/hash.ts. */
export const Sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex SHA-256 digest (64 characters)')
  .describe('Lowercase hex SHA-256 digest.');

/** An ISO 8601 / RFC 3339 timestamp in UTC, e.g. `2026-11-21T20:39:52.000Z`. */
export const TimestampSchema = z.iso.datetime().describe('RFC 3339 timestamp in UTC.');

/**
 * A semantic version, `MAJOR.MINOR.PATCH[-pre][+build]`.
 * Rule source: https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string
 */
export const SemverSchema = z
  .string()
  .regex(
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/,
    'expected a semantic version such as 1.2.0 (https://semver.org)',
  )
  .describe('Semantic version (https://semver.org).');

/** A lowercase slug for names: letters, digits, `-` and `.`, starting with a letter. */
export const SlugSchema = z
  .string()
  .regex(/^[a-z][a-z0-9.-]{0,63}$/, 'expected a lowercase name: a-z, 0-9, "-" or ".", starting with a letter, at most 64 characters');

/** `name@semver`, the reference form of a blueprint version (design.md "Blueprint"). */
export const BlueprintRefSchema = z
  .string()
  .regex(/^[a-z][a-z0-9.-]{0,63}@\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/, 'expected name@semver, e.g. bugfix@1.0.0')
  .describe('A blueprint version reference, name@semver.');

/**
 * Where a drafted value came from, so a human can judge it (issue: task packets).
 * `seed` points at a line of the seed text; `repo` at a file and line of the repository;
 * `default` is a built-in default for the seed kind; `human` an edit; `model` a model suggestion.
 */
export const ProvenanceSchema = z
  .object({
    source: z.enum(['seed', 'repo', 'default', 'human', 'model']),
    file: z.string().optional().describe('Repository-relative path, POSIX separators.'),
    line: z.number().int().positive().optional().describe('1-based line in `file`, or in the seed when source is seed.'),
    note: z.string().optional().describe('Why this value was proposed.'),
  })
  .describe('Where a drafted value came from.');
export type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * A command to run inside the devcontainer: an argv, never a shell string, so nothing is
 * re-parsed by a host shell. `cwd` is relative to the workspace folder.
 */
/**
 * How a reproduction fails while the problem exists (issue 11). Every field given must hold:
 * `exitCode` (the exact code), `outputMatches` (a JavaScript regular expression the output
 * must match), `hangsPastSec` (the command is stopped after this many seconds and still
 * running counts as the failure: a denial of service whose trigger never returns). Judged by
 * src/core/run/reproduction-check.ts.
 */
export const ExpectedFailureSchema = z
  .object({
    exitCode: z.number().int().min(1).max(255).optional().describe('The exit code it fails with.'),
    outputMatches: z
      .string()
      .min(1)
      .max(500)
      .refine((s) => {
        try {
          new RegExp(s);
          return true;
        } catch {
          return false;
        }
      }, 'expected a valid regular expression')
      .optional()
      .describe('A regular expression its output matches when it fails for the stated reason, e.g. "AssertionError|polluted".'),
    hangsPastSec: z.number().positive().max(LIMITS.timeoutSec).optional().describe('Still running after this many seconds is the failure (it is stopped then); finishing in time with exit 0 is a pass.'),
  })
  .describe('How a reproduction fails while the problem exists.');
export type ExpectedFailure = z.infer<typeof ExpectedFailureSchema>;

export const CommandSpecSchema = z
  .object({
    argv: boundedList(z.string()).min(1, 'argv needs at least the program name').describe('Program and arguments; no shell.'),
    cwd: z.string().optional().describe('Working directory relative to the workspace folder.'),
    env: z.record(z.string(), z.string()).optional().describe('Extra environment variables.'),
    timeoutSec: z.number().positive().max(LIMITS.timeoutSec).optional().describe('Per-command timeout in seconds (at most one day).'),
    description: z.string().optional(),
    origin: ProvenanceSchema.optional(),
    expectFailure: ExpectedFailureSchema.optional().describe('For a reproduction: how it fails while the problem exists (issue 11). Without it, any non-zero exit that is not a syntax error, missing module or missing program counts.'),
  })
  .describe('An argv run inside the devcontainer.');
export type CommandSpec = z.infer<typeof CommandSpecSchema>;
