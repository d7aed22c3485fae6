import type { z } from 'zod';

import type { FieldProblem } from '../contracts/protocol';

/** One problem found in a document, with the JSON path to the bad field (e.g. `stations[2].gate.when`). */
export type { FieldProblem };

/** Validation failure carrying every problem; `message` lists them one per line. */
export class ValidationError extends Error {
  constructor(
    readonly what: string,
    readonly problems: FieldProblem[],
  ) {
    super(`${what} is not valid:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ValidationError';
  }
}

/** One problem as Shopfloor prints it everywhere: `scope.paths[0].path: message`, `(root)` for the whole document. */
export function formatProblem(p: FieldProblem): string {
  return `${p.path || '(root)'}: ${p.message}`;
}

/** Formats a zod issue path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/**
 * Parses `value` with `schema`; returns the typed value or throws ValidationError naming
 * `what` (e.g. "Task packet .shopfloor/packets/x.json") and the path of every bad field.
 */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ValidationError(
    what,
    r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  );
}
