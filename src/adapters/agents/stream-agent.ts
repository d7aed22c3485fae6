import { OUTPUT_TAIL_CHARS, type ExecEndReason } from '../../contracts';
import { extractClaim } from '../../core/agent/claim';
import { AgentStreamRecord, type StreamItem } from '../../core/agent/events';
import { LineSplitter, MAX_STREAM_LINE_CHARS } from '../../core/agent/lines';
import type { AgentResult, AgentTask } from '../../core/run/ports';
import { TextTail } from '../../core/run/tail';

/**
 * Runs argv with its stderr on the same pipe as its stdout (`sh -c 'exec "$@" 2>&1'`). The
 * station environment hands stdout and stderr chunks to one callback as each stream's
 * chunks arrive, so a stderr chunk can land inside a half-delivered stdout line and break
 * its JSON; on one pipe each write() of up to PIPE_BUF (4096) bytes stays whole, so a
 * JSONL event written in one write is never split by a warning on stderr.
 */
export function mergeStderr(argv: readonly string[]): string[] {
  return ['sh', '-c', 'exec "$@" 2>&1', argv[0] ?? 'agent', ...argv];
}

/** Turns one line of an agent CLI's stdout into normalised items (stateful per run: a CLI's start and end events pair up). */
export interface StreamParser {
  line(line: string): StreamItem[];
}

/**
 * One line of a CLI's JSONL stream as an event object with a string `type` (`ev`), or what
 * a parser emits instead (`items`): nothing for a blank line, the line as log text when it
 * is not such an event (a CLI's plain output, a half line). The first step of every JSONL
 * parser (Codex, Gemini CLI, OpenCode, Copilot CLI). Pure.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function typedEvent(line: string): { ev: any } | { items: StreamItem[] } {
  const trimmed = line.trim();
  if (!trimmed) return { items: [] };
  let ev: unknown;
  try {
    ev = trimmed.startsWith('{') ? JSON.parse(trimmed) : undefined;
  } catch {
    ev = undefined;
  }
  if (!ev || typeof ev !== 'object' || typeof (ev as { type?: unknown }).type !== 'string') return { items: [{ type: 'log', text: line }] };
  return { ev };
}

/** A JSON value from a CLI event as text: strings as they are, nothing for null/undefined, anything else as JSON. */
export function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
}

/** `text(v)` cut to 300 characters, for a station log line. */
export function short(v: unknown): string {
  const s = text(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** An RFC 3339 time string from a CLI event in milliseconds since the epoch, or undefined. */
export function time(v: unknown): number | undefined {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

/** One run of an agent whose stdout is a JSONL event stream. */
export interface StreamAgentRun {
  task: AgentTask;
  argv: readonly string[];
  /** Environment of the process (the adapter's own variables and task.modelAccess.env). */
  env: Record<string, string>;
  cwd?: string;
  parser: StreamParser;
  /** Name for the commit trailer and the evidence, e.g. `codex`. */
  agent: string;
  version?: string;
  /** Exit code by which the agent says it gives up; absent: none does. */
  giveUpExit?: number;
}

/**
 * Runs an agent CLI in the station environment (task.environment.exec) and reads its
 * stdout as JSONL while it runs: each line goes through `parser`, each item is rendered
 * as a station log line (task.onOutput gets the rendered lines, not the raw JSON) and
 * collected into the result (tool calls, usage by model, session, final message, claim).
 * The environment combines stdout and stderr, so stderr lines arrive as lines that are
 * not JSON: parsers keep them as log text. The process is stopped when the task is
 * cancelled or the model-access budget signal fires. Outcome: streamOutcome.
 */
export async function runStreamAgent(run: StreamAgentRun): Promise<AgentResult> {
  const { task } = run;
  const record = new AgentStreamRecord();
  const tail = new TextTail(OUTPUT_TAIL_CHARS);
  const splitter = new LineSplitter();
  const emit = (text: string) => {
    const line = `${text}\n`;
    tail.push(line);
    task.onOutput?.(line);
  };
  const feed = (lines: { line: string; cut: boolean }[]) => {
    for (const { line, cut } of lines) {
      if (cut) {
        emit(`[shopfloor] skipped an output line longer than ${MAX_STREAM_LINE_CHARS} characters`);
        continue;
      }
      let items: StreamItem[];
      try {
        items = run.parser.line(line);
      } catch (e) {
        // A parser bug must not take the station down: keep the line as text and say why.
        items = [{ type: 'log', text: line }, { type: 'log', text: `[shopfloor] could not read this line: ${(e as Error).message}` }];
      }
      for (const item of items) emit(record.apply(item));
    }
  };
  const budget = task.modelAccess?.budgetSignal;
  const signals = [task.signal, budget].filter((s): s is AbortSignal => !!s);
  const r = await task.environment.exec(run.argv, {
    cwd: run.cwd,
    env: run.env,
    timeoutMs: task.timeoutMs,
    signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    onOutput: (chunk) => feed(splitter.push(chunk)),
  });
  feed(splitter.end());
  const end = streamOutcome({ exitCode: r.exitCode, endReason: r.endReason, endDetail: r.endDetail, truncated: r.truncated }, record, {
    budgetExceeded: budget?.aborted ? (task.modelAccess?.budgetExceeded?.() ?? 'the model budget was reached') : undefined,
    giveUpExit: run.giveUpExit,
  });
  if (end.outcome !== 'done' && end.detail) emit(`[shopfloor] ${end.detail}`);
  if (record.droppedToolCalls) emit(`[shopfloor] ${record.droppedToolCalls} more tool calls were counted, not kept`);
  const claimed = record.finalText !== undefined ? extractClaim(record.finalText) : undefined;
  return {
    outcome: end.outcome,
    exitCode: r.exitCode,
    endReason: r.endReason,
    endDetail: end.detail,
    durationMs: r.durationMs,
    output: tail.text(),
    truncated: r.truncated,
    text: end.outcome === 'done' ? record.finalText : undefined,
    agent: run.agent,
    version: run.version,
    claim: claimed && 'claim' in claimed ? claimed.claim : undefined,
    claimProblem: claimed ? ('problem' in claimed ? claimed.problem : undefined) : end.outcome === 'done' ? 'the agent wrote no final message' : undefined,
    usage: record.usage(),
    toolCalls: record.toolCalls,
    sessionId: record.sessionId,
    cost: costOf(record),
  };
}

/**
 * How an agent stream run ended, and why in words when it did not end `done`. In order:
 * the budget signal fired: `budget-exceeded`; the environment's timeout: `timeout`; any
 * other end than a plain exit (cancelled, a station wall, killed, not started): `error`
 * with the environment's reason; exit `giveUpExit`: `gave-up`; exit 0 with a final message
 * and no reported failure: `done`; exit 0 without a final message: `error` (the output cap
 * is named when output was cut, since the final event may be what was lost); a failure the
 * CLI reported, or any other exit code: `error`. Pure.
 */
export function streamOutcome(
  r: { exitCode: number | null; endReason: ExecEndReason; endDetail?: string; truncated: boolean },
  record: Pick<AgentStreamRecord, 'finalText' | 'failures'>,
  opts: { budgetExceeded?: string; giveUpExit?: number },
): { outcome: AgentResult['outcome']; detail?: string } {
  if (opts.budgetExceeded) return { outcome: 'budget-exceeded', detail: `stopped: ${opts.budgetExceeded}` };
  if (r.endReason === 'timeout') return { outcome: 'timeout', detail: r.endDetail ?? 'the agent timed out' };
  if (r.endReason !== 'exited') return { outcome: 'error', detail: `the agent ended: ${r.endReason}${r.endDetail ? ` (${r.endDetail})` : ''}` };
  if (opts.giveUpExit !== undefined && r.exitCode === opts.giveUpExit) return { outcome: 'gave-up', detail: `the agent gave up (exit ${r.exitCode})` };
  const failure = record.failures.length ? record.failures[record.failures.length - 1] : undefined;
  if (r.exitCode === 0) {
    if (failure) return { outcome: 'error', detail: `the agent reported a failure: ${failure}` };
    if (record.finalText === undefined)
      return { outcome: 'error', detail: r.truncated ? 'the agent exited 0 but its output went over the cap before a final message was read' : 'the agent exited 0 without a final message' };
    return { outcome: 'done' };
  }
  return { outcome: 'error', detail: `the agent exited with code ${r.exitCode}${failure ? `: ${failure}` : ''}` };
}

function costOf(record: AgentStreamRecord): AgentResult['cost'] {
  const usage = record.usage();
  if (!usage) return undefined;
  const usd = usage.some((u) => u.usd !== undefined) ? usage.reduce((s, u) => s + (u.usd ?? 0), 0) : undefined;
  return { inputTokens: usage.reduce((s, u) => s + u.inputTokens, 0), outputTokens: usage.reduce((s, u) => s + u.outputTokens, 0), ...(usd !== undefined ? { usd } : {}) };
}
