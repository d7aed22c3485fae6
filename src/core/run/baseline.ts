import { INLINE_TAIL_CHARS, type Blueprint, type CommandResult, type CommandSpec, type Station, type TaskPacket } from '../../contracts';
import { contentHash } from '../hash';
import { RUN_LAYOUT } from './layout';
import type { CommandsOutcome } from './decide-terminal';
import type { BaselineCache, ProfileFacts } from './ports';
import { commandsOf, executeStation, type StationContext } from './station-exec';
import type { StationResult } from './station-result';

/**
 * The validation baseline (design.md "Validation baseline"): the packet's validation also
 * runs on the base commit, after set-up and before the implement station, so a command that
 * was already red is never blamed on the change. Pure, except `baselineExecutor`, which does
 * its I/O through the ports it is given.
 */

/** Suffix of a baseline's synthetic station id (`validate@baseline`); `@` is not allowed in blueprint station ids, so it never collides with one. */
export const BASELINE_SUFFIX = '@baseline';

/** What one validate station's baseline runs, and under which cache key. */
export interface BaselinePlan {
  /** The blueprint's validate station this is the baseline of. */
  stationId: string;
  /** Synthetic command station (id `<stationId>@baseline`, no gate) running `commands` on the base workspace. */
  station: Station;
  commands: CommandSpec[];
  /**
   * Validation commands left out: they are also reproduction commands, which are expected
   * to fail before the change (the reproduce station already ran them on the base commit).
   */
  skipped: CommandSpec[];
  /** Cache key (baselineCacheKey). */
  key: string;
}

/** A baseline that ran (or came from the cache): its plan and its result. */
export interface BaselineRun extends BaselinePlan {
  result: StationResult;
}

/** Identity of a command for matching a baseline run to the run after the change: argv, cwd and env (not its description or origin). */
export function commandKey(c: CommandSpec): string {
  return JSON.stringify([c.argv, c.cwd ?? null, c.env ?? null]);
}

/** One line naming a command for evidence and gates, e.g. `npm test (in pkg)`. */
export function commandLabel(c: CommandSpec): string {
  return `${c.argv.join(' ')}${c.cwd ? ` (in ${c.cwd})` : ''}`;
}

/**
 * Key of a baseline result: the same base commit, set-up, validation commands, image and
 * station environment give the same result (as setupCacheKey for set-up). A SHA-256 hex string.
 */
export function baselineCacheKey(o: { baseCommit: string; setup: CommandSpec[]; commands: CommandSpec[]; image: string | undefined; env: Record<string, string> }): string {
  const spec = (s: CommandSpec) => ({ argv: s.argv, cwd: s.cwd, env: s.env, timeoutSec: s.timeoutSec });
  return contentHash({ kind: 'validation-baseline', baseCommit: o.baseCommit, setup: o.setup.map(spec), commands: o.commands.map(spec), image: o.image ?? null, env: o.env });
}

/**
 * The baseline of station `st`, or undefined when it has none: only `validate` stations of
 * kind `command` get one (their commands come from the packet's validation or their own
 * list); verifiers and checks are not comparable on the base commit (holdout scenarios
 * target the change; the dependency check has no "before" meaning), and a station whose
 * commands are all reproduction commands has nothing left to run.
 */
export function planBaseline(st: Station, bp: Blueprint, packet: TaskPacket, profile: ProfileFacts, baseCommit: string): BaselinePlan | undefined {
  if (st.role !== 'validate' || st.kind !== 'command') return undefined;
  const repro = new Set(packet.reproduction.map(commandKey));
  const all = commandsOf(st, packet, profile);
  const commands = all.filter((c) => !repro.has(commandKey(c)));
  const skipped = all.filter((c) => repro.has(commandKey(c)));
  if (!commands.length) return undefined;
  const environment = { ...bp.defaults.environment, ...st.environment };
  const env = { ...(bp.defaults.environment?.env ?? {}), ...(st.environment?.env ?? {}) };
  const station: Station = { ...st, id: `${st.id}${BASELINE_SUFFIX}`, title: `Validation baseline of ${st.id} (base commit)`, commands, gate: { when: 'none', allowSkip: false } };
  return { stationId: st.id, station, commands, skipped, key: baselineCacheKey({ baseCommit, setup: profile.setup, commands, image: environment.image, env }) };
}

/**
 * The executor of a baseline station: the cached result for `key` when there is one (its
 * output tails are written as this run's logs, so the evidence never points into another
 * run's folder), else a real run of the station, whose result is cached unless the
 * environment failed (retryable: nothing was learnt about the base commit).
 */
export function baselineExecutor(cache: BaselineCache | undefined, key: string, baseCommit: string): (ctx: StationContext) => Promise<StationResult> {
  return async (ctx) => {
    const hit = await cache?.get(key);
    if (hit) {
      const commands: CommandResult[] = [];
      for (const [i, c] of hit.commands.entries()) {
        const logArtifact = await ctx.artifacts.write(RUN_LAYOUT.commandLog(ctx.station.id, ctx.attempt, i + 1), c.outputTail);
        commands.push({ ...c, logArtifact });
      }
      const outcome: StationResult['outcome'] = commands.some((c) => c.exitCode !== 0) ? 'failed' : 'passed';
      return {
        stationId: ctx.station.id,
        role: ctx.station.role,
        kind: ctx.station.kind,
        attempt: ctx.attempt,
        outcome,
        commands,
        commandsOutcome: commands.length ? outcome : 'absent',
        machineMs: 0,
        imageDigest: hit.imageDigest,
        fromCache: true,
        note: `validation baseline restored from cache ${key.slice(0, 12)} (recorded by run ${hit.runId}; logs hold the output tails)`,
      };
    }
    const res = await executeStation(ctx);
    if (!res.retryable && cache) await cache.put(key, { key, baseCommit, stationId: ctx.station.id.replace(BASELINE_SUFFIX, ''), runId: ctx.runId, commands: res.commands, imageDigest: res.imageDigest });
    return res;
  };
}

/** How one validation command after the change compares with the baseline. */
export type BaselineVerdict =
  /** Exit 0 after the change. */
  | 'passed'
  /** Failed before and after with the same non-zero exit code: not the change's doing. */
  | 'pre-existing-failure'
  /** Exit 0 before, non-zero after: the change broke it. */
  | 'regression'
  /** Non-zero before and after, but a different exit code (or a timeout on one side): blamed on the change. */
  | 'failed-differently'
  /** Failed after the change and the baseline did not run it: blamed on the change, as without a baseline. */
  | 'failed';

/** One validation command's verdict. `index` is its position in the station result's commands. */
export interface CommandVerdict {
  stationId: string;
  index: number;
  argv: string[];
  cwd?: string;
  /** Exit code on the base commit (null: killed); undefined when the baseline did not run it. */
  before?: number | null;
  after: number | null;
  verdict: BaselineVerdict;
}

/**
 * "Fails the same way": both runs exited with the same non-zero code, and neither timed out
 * nor was killed. Why exit codes and not output: output carries timings, paths, seeds and
 * ordering that differ between any two runs, while runners keep exit codes stable per cause
 * (mocha/tape/jest exit 1 for failing or missing tests, 2+ or a signal for crashes). The
 * rule can call two different failures with the same code "the same"; that is why a PR_READY
 * resting on pre-existing failures always needs a human at a gate, who sees both outputs.
 */
export function failsTheSameWay(before: CommandResult, after: CommandResult): boolean {
  return !before.timedOut && !after.timedOut && before.exitCode !== null && before.exitCode !== 0 && before.exitCode === after.exitCode;
}

/** Verdicts for a validation station's commands after the change against its baseline's (matched by commandKey, in order for repeats). */
export function judgeCommands(stationId: string, baseline: readonly CommandResult[] | undefined, after: readonly CommandResult[]): CommandVerdict[] {
  const queues = new Map<string, CommandResult[]>();
  for (const b of baseline ?? []) {
    const k = commandKey(b.command);
    queues.set(k, [...(queues.get(k) ?? []), b]);
  }
  return after.map((a, index) => {
    const b = queues.get(commandKey(a.command))?.shift();
    const base = { stationId, index, argv: [...a.command.argv], ...(a.command.cwd ? { cwd: a.command.cwd } : {}), ...(b ? { before: b.exitCode } : {}), after: a.exitCode };
    if (a.exitCode === 0 && !a.timedOut) return { ...base, verdict: 'passed' };
    if (!b) return { ...base, verdict: 'failed' };
    if (failsTheSameWay(b, a)) return { ...base, verdict: 'pre-existing-failure' };
    if (b.exitCode === 0 && !b.timedOut) return { ...base, verdict: 'regression' };
    return { ...base, verdict: 'failed-differently' };
  });
}

/** A validation station's result judged against its baseline: the outcome the terminal decision reads, and what it rests on. */
export interface StationJudgement {
  /** `failed` only for failures blamed on the change; pre-existing failures alone leave it `passed`. */
  outcome: CommandsOutcome;
  verdicts: CommandVerdict[];
  /** Labels with exit codes, e.g. `npm test (exit 1)`. */
  preexisting: string[];
  regressions: string[];
}

/**
 * Judges a validation station's result (after retries; a retryable result never gets here)
 * against its baseline. Without a baseline every failure is the change's, as before.
 */
export function judgeStation(res: StationResult, baseline: BaselineRun | undefined): StationJudgement {
  const verdicts = judgeCommands(res.stationId, baseline?.result.commands, res.commands);
  const label = (v: CommandVerdict) => `${commandLabel({ argv: v.argv, cwd: v.cwd })} (exit ${v.after ?? 'none'})`;
  const preexisting = verdicts.filter((v) => v.verdict === 'pre-existing-failure').map(label);
  const regressions = verdicts.filter((v) => v.verdict === 'regression').map(label);
  const blamed = verdicts.some((v) => v.verdict !== 'passed' && v.verdict !== 'pre-existing-failure');
  // A station that failed without a failing command (holdout scenarios missing, a human not done) stays failed.
  const failedOtherwise = res.outcome !== 'passed' && !verdicts.some((v) => v.verdict !== 'passed');
  const outcome: CommandsOutcome = blamed || failedOtherwise ? 'failed' : res.commandsOutcome === 'absent' ? 'absent' : 'passed';
  return { outcome, verdicts, preexisting, regressions };
}

/**
 * The feedback a revise round gives the implementer: every failing command blamed on the
 * change with its output tail, regressions named as such, and the pre-existing failures
 * listed apart as not the implementer's to fix. `results` are the round's reproduce and
 * validation results; `verdicts` the round's validation verdicts.
 */
export function reviseFeedback(results: Iterable<StationResult>, verdicts: readonly CommandVerdict[]): string {
  const byCmd = new Map(verdicts.map((v) => [`${v.stationId}#${v.index}`, v]));
  const lines: string[] = [];
  const pre: string[] = [];
  for (const r of results) {
    if (!['validate', 'verify', 'check', 'reproduce'].includes(r.role)) continue;
    for (const [i, c] of r.commands.entries()) {
      if (c.exitCode === 0) continue;
      const v = byCmd.get(`${r.stationId}#${i}`);
      if (v?.verdict === 'pre-existing-failure') {
        pre.push(`$ ${commandLabel(c.command)} (exit ${c.exitCode})`);
        continue;
      }
      const why = v?.verdict === 'regression' ? ', a regression: it passed on the base commit' : v?.verdict === 'failed-differently' ? `, failing differently from the base commit (exit ${v.before ?? 'none'} there)` : '';
      lines.push(`$ ${c.command.argv.join(' ')} (exit ${c.exitCode ?? 'none'}${why})\n${c.outputTail.slice(-INLINE_TAIL_CHARS)}`);
    }
  }
  if (pre.length) lines.push(`Failing the same way on the base commit (pre-existing, not caused by the change; do not try to fix them):\n${pre.join('\n')}`);
  return lines.join('\n\n') || 'validation failed';
}

/** One line per failure a revise round was started for (for the evidence: "why the previous attempt failed"). */
export function reviseReasons(results: Iterable<StationResult>, verdicts: readonly CommandVerdict[]): string[] {
  const byCmd = new Map(verdicts.map((v) => [`${v.stationId}#${v.index}`, v]));
  const out: string[] = [];
  for (const r of results) {
    if (!['validate', 'verify', 'check', 'reproduce'].includes(r.role)) continue;
    for (const [i, c] of r.commands.entries()) {
      if (c.exitCode === 0) continue;
      const v = byCmd.get(`${r.stationId}#${i}`);
      if (v?.verdict === 'pre-existing-failure') continue;
      out.push(`${r.stationId}: ${commandLabel(c.command)} exited ${c.exitCode ?? 'none'}${c.timedOut ? ' (timed out)' : ''}${v && v.verdict !== 'failed' ? ` (${v.verdict})` : ''}`);
    }
    if (r.outcome !== 'passed' && r.outcome !== 'skipped' && !r.commands.some((c) => c.exitCode !== 0)) out.push(`${r.stationId}: ${r.outcome}${r.note ? `: ${r.note}` : ''}`);
  }
  return out;
}
