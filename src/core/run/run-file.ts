import type { z } from 'zod';
import { parseOrThrow, ValidationError } from '../validate';

/**
 * Parses a run-folder file (a station result, the run set-up, the evidence bundle, an
 * edited packet) read back on resume or `show`: JSON, then `schema`. Run folders live in
 * the user's repository and may have been edited, so a bad file is refused, never cast.
 * Throws ValidationError naming `Run file <relPath>` and the path of each bad field
 * (`commands[0].exitCode: expected number`). Pure.
 */
export function parseRunFile<T extends z.ZodType>(schema: T, relPath: string, text: string): z.output<T> {
  const what = `Run file ${relPath}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(what, [{ path: '', message: `is not JSON: ${(e as Error).message}` }]);
  }
  return parseOrThrow(schema, value, what);
}
