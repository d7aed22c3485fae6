import { ExpectedFailureSchema, type CommandSpec, type ExpectedFailure } from '../../contracts';

/** What a reproduce station makes of one command's run (issue 11). */
export type ReproductionVerdict =
  | { verdict: 'reproduced'; reason: string }
  | { verdict: 'not-reproduced'; reason: string }
  | { verdict: 'refused'; reason: string };

/** How one command ended, as far as the judgement needs it. */
export interface ReproductionRun {
  exitCode: number | null;
  /** `timeout` when the line stopped it at its limit. */
  endReason: string;
  output: string;
}

/**
 * Failures that say nothing about the problem: the reproduction itself could not run. Each is
 * the runtime's own wording for a program it could not parse or load (Node.js: the
 * `SyntaxError` printed with compile frames, `MODULE_NOT_FOUND`/`ERR_MODULE_NOT_FOUND`;
 * Python: a `SyntaxError`/`IndentationError` before any traceback, `ModuleNotFoundError`;
 * POSIX shells: exit 126/127, "command not found"). A `SyntaxError` thrown at run time by the
 * code under test (`JSON.parse`) has a call stack below it and is not matched.
 */
const NOT_A_REPRODUCTION: { test: (output: string, exitCode: number | null) => boolean; why: string }[] = [
  {
    test: (o) => /^SyntaxError: /m.test(o) && (/\bat (wrapSafe|makeContextifyScript|compileFunction|compileSourceTextModule|ModuleLoader\.|new ModuleJob|internalCompileFunction)\b/.test(o) || !/^\s+at /m.test(o)),
    why: 'the script has a syntax error',
  },
  { test: (o) => /^\s*File "[^"]+", line \d+\n(?:.*\n){0,3}\s*(SyntaxError|IndentationError|TabError): /m.test(o) && !/Traceback \(most recent call last\)/.test(o), why: 'the script has a syntax error' },
  { test: (o) => /\b(MODULE_NOT_FOUND|ERR_MODULE_NOT_FOUND)\b|^Error: Cannot find module /m.test(o), why: 'a module it loads is missing' },
  { test: (o) => /^ModuleNotFoundError: /m.test(o), why: 'a module it imports is missing' },
  { test: (o, code) => code === 127 || code === 126 || /: (command )?not found$|: No such file or directory$/m.test(o.split('\n').slice(-5).join('\n')), why: 'the program it runs was not found or cannot be executed' },
];

/**
 * Judges one reproduction command's run against its stated expected failure
 * (`spec.expectFailure`, contracts/common.ts ExpectedFailureSchema):
 * - `hangsPastSec`: stopped at that bound is `reproduced`; finishing with exit 0 is
 *   `not-reproduced`; finishing non-zero is judged like any other failure;
 * - exit 0 is `not-reproduced` (evidence for NO_OP by the packet's no-op rules, never a
 *   reason to retry);
 * - a failure that shows only that the reproduction could not run (NOT_A_REPRODUCTION) is
 *   `refused`, unless `outputMatches` names exactly that failure;
 * - otherwise every stated field must hold (`exitCode`, `outputMatches`), else `refused`:
 *   it failed, but not for the reason it states.
 * Any other end (a timeout without `hangsPastSec`, a crash) is the environment's and is not
 * judged here: the caller treats it as retryable. Pure.
 */
export function judgeReproduction(spec: Pick<CommandSpec, 'expectFailure'>, run: ReproductionRun): ReproductionVerdict {
  const expect: ExpectedFailure = spec.expectFailure ?? {};
  if (run.endReason === 'timeout' && expect.hangsPastSec !== undefined) return { verdict: 'reproduced', reason: `still running after ${expect.hangsPastSec} s, as stated` };
  if (run.exitCode === 0) return { verdict: 'not-reproduced', reason: 'it exited 0: the problem did not show' };
  const matches = expect.outputMatches !== undefined ? new RegExp(expect.outputMatches, 'm').test(run.output) : undefined;
  if (matches !== true) {
    const bad = NOT_A_REPRODUCTION.find((n) => n.test(run.output, run.exitCode));
    if (bad) return { verdict: 'refused', reason: `not a reproduction: ${bad.why} (exit ${run.exitCode})` };
  }
  if (expect.exitCode !== undefined && run.exitCode !== expect.exitCode) return { verdict: 'refused', reason: `it failed with exit ${run.exitCode}, not the stated ${expect.exitCode}` };
  if (matches === false) return { verdict: 'refused', reason: `it failed (exit ${run.exitCode}), but its output does not match the stated /${expect.outputMatches}/` };
  return { verdict: 'reproduced', reason: matches ? `failed with output matching /${expect.outputMatches}/` : `failed with exit ${run.exitCode}` };
}

/** The limit a reproduction command runs under: its stated hang bound, else `fallbackMs`. */
export function reproductionTimeoutMs(spec: Pick<CommandSpec, 'expectFailure'>, fallbackMs: number): number {
  return spec.expectFailure?.hangsPastSec !== undefined ? spec.expectFailure.hangsPastSec * 1000 : fallbackMs;
}

/** How a reproduction is stated to fail, in words, one line per condition (ExpectedFailureSchema); an unparseable value gives none. */
export function describeExpectedFailure(e: unknown): string[] {
  const p = ExpectedFailureSchema.safeParse(e);
  if (!p.success) return [];
  const out: string[] = [];
  if (p.data.exitCode !== undefined) out.push(`exits with code ${p.data.exitCode}`);
  if (p.data.outputMatches !== undefined) out.push(`output matches /${p.data.outputMatches}/`);
  if (p.data.hangsPastSec !== undefined) out.push(`still running after ${p.data.hangsPastSec} s (stopped then)`);
  return out.length ? out : ['any non-zero exit that is not a syntax error, missing module or missing program'];
}
