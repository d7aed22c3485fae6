import { z } from 'zod';
import { ExpectedFailureSchema, LIMITS, Sha256Schema } from './common';

/**
 * Agent-written reproductions (issue 11). A reproduce station of kind `agent`, on a packet
 * with no reproduction, asks its agent to write one under REPRODUCTION_DIR of the workspace:
 * the script (or test) files plus REPRODUCTION_MANIFEST, which states what the reproduction
 * proves, how to run it and how it fails. The line then takes the folder out of the
 * workspace, freezes it (content hashes, in the station's result, which the journal binds),
 * runs it on the base commit and, once a human approves it at the gate, places that frozen
 * copy read-only into every later station and runs it from there.
 */

/** Workspace-relative folder the agent writes its reproduction to. */
export const REPRODUCTION_DIR = '.shopfloor/reproduction';
/** The manifest's file name inside REPRODUCTION_DIR. */
export const REPRODUCTION_MANIFEST = 'reproduction.json';
/** Most files, and most bytes in all, a written reproduction may hold (it is a script, not a fixture dump). */
export const REPRODUCTION_CAPS = { files: 32, bytes: 256 * 1024 } as const;

/** A relative path inside the reproduction folder: no absolute path, no `..`, no empty segment. */
const RelPathSchema = z
  .string()
  .min(1)
  .max(300)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), 'expected a relative path with no "..", "." or empty segment');

/** What the agent writes in `.shopfloor/reproduction/reproduction.json`. */
export const ReproductionManifestSchema = z
  .object({
    statement: z.string().trim().min(10, 'say in one line what the reproduction proves').max(300).describe('One line: what the reproduction proves, e.g. "parse() of a 50 kB header never returns".'),
    argv: z.array(z.string().max(4000)).min(1, 'argv needs at least the program name').max(50).describe('How to run it, from the repository root, e.g. ["node", ".shopfloor/reproduction/repro.js"]; no shell.'),
    cwd: RelPathSchema.optional().describe('Working directory relative to the repository root.'),
    timeoutSec: z.number().positive().max(LIMITS.timeoutSec).optional(),
    expectFailure: ExpectedFailureSchema.describe('How it fails while the problem exists: an exit code, an output pattern, or a hang past a bound. Required: a reproduction says how it fails.'),
  })
  .strict()
  .describe('An agent-written reproduction: what it proves, how to run it, how it fails.');
export type ReproductionManifest = z.infer<typeof ReproductionManifestSchema>;

/** One file of a frozen reproduction, with its text (scripts are text; the caps keep it small). */
export const FrozenFileSchema = z.object({
  path: RelPathSchema.describe('Relative to REPRODUCTION_DIR.'),
  sha256: Sha256Schema,
  text: z.string().max(REPRODUCTION_CAPS.bytes),
});

/**
 * A written reproduction as frozen by the line: its files with their hashes, its manifest,
 * and `sha256` = content hash of both (the hash in the evidence). Stored inside the reproduce
 * station's result, whose own SHA-256 the journal's `station/finished` record binds, so a
 * copy edited in the run folder is refused on resume.
 */
export const FrozenReproductionSchema = z.object({
  stationId: z.string(),
  statement: z.string(),
  manifest: ReproductionManifestSchema,
  files: z.array(FrozenFileSchema).min(1).max(REPRODUCTION_CAPS.files),
  sha256: Sha256Schema.describe('Content hash (canonical JSON, SHA-256) of { manifest, files }.'),
});
export type FrozenReproduction = z.infer<typeof FrozenReproductionSchema>;
