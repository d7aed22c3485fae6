import { OUTPUT_TAIL_CHARS, type Station } from '../../contracts';
import { extractClaim } from '../../core/agent/claim';
import { buildStationPrompt } from '../../core/agent/prompt';
import type { AgentPreparation, AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';
import { TextTail } from '../../core/run/tail';
import { ClaudeStreamReader } from './claude-stream';
import type { AgentCliInstaller, AgentCliPackage } from './cli-install';

/** Claude Code version installed when the setting names none (`npm view @anthropic-ai/claude-code version`, 2026-12-02). */
export const CLAUDE_CODE_VERSION = '2.1.332';

/** Turns a Claude Code station may take when the blueprint gives no `maxTurns`. */
export const DEFAULT_MAX_TURNS = 50;

/**
 * Claude Code on npm at `version`: `install.cjs` copies the platform binary (chosen by
 * arch and libc) over the `bin/claude.exe` placeholder; npm 11 skips that postinstall, so
 * the installer runs it itself.
 */
export function claudeCodePackage(version: string = CLAUDE_CODE_VERSION): AgentCliPackage {
  return { cli: 'claude-code', npmName: '@anthropic-ai/claude-code', version, postInstall: ['node', 'install.cjs'], bin: 'bin/claude.exe' };
}

/** Options of ClaudeCodeRunner. */
export interface ClaudeCodeOptions {
  installer: AgentCliInstaller;
  /** The pinned version (a setting); default CLAUDE_CODE_VERSION. */
  version?: string;
  /**
   * Retries of a failed model request inside the CLI (CLAUDE_CODE_MAX_RETRIES); default 2.
   * The CLI's own default (10, with backoff to minutes) would hold a station long after the
   * model proxy said no.
   */
  maxRetries?: number;
}

/**
 * Environment the CLI always gets: no telemetry, no update checks or other traffic besides
 * the model (the station reaches nothing else anyway).
 */
const QUIET_ENV: Record<string, string> = {
  DISABLE_TELEMETRY: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_ERROR_REPORTING: '1',
};

/** Real Anthropic credentials (API keys, OAuth and admin tokens): never allowed into a station. */
const REAL_KEY = /sk-ant-(?:api|oat|admin)\d*-/;

/** Tools a read-only station (plan, investigate) is not offered; the read-only workspace enforces it anyway. */
const WRITE_TOOLS = ['Edit', 'Write', 'NotebookEdit'];

/**
 * Runs an agent station with Claude Code inside the station container:
 * `claude -p <prompt> --output-format stream-json --verbose --permission-mode
 * bypassPermissions --max-turns N [--resume <session>]`. Permissions are bypassed
 * because the container is the sandbox (dropped capabilities, no credentials, network
 * only to the model proxy, read-only workspace for plan and investigate); a prompt for
 * permission would hang a headless run. The CLI comes from its install volume
 * (AgentCliInstaller; `prepare` returns the volume to mount read-only). The model is
 * reached only through `task.modelAccess.env` (the run's model proxy: base URL and a
 * placeholder key); a station without model access, or whose environment holds a real
 * Anthropic key, is refused before anything runs.
 *
 * The stream-json output is read as it arrives (ClaudeStreamReader): the station log gets
 * one readable line per event; the result carries tool calls with outcomes, usage by
 * model, cost, the session id, the final message and the claim read from it.
 *
 * Outcomes:
 * - `done`: the CLI wrote a successful `result`. The claim (PR_READY, NO_OP, ESCALATE) or
 *   why none could be read is reported as is: what a claim means for the run is the
 *   engine's decision, so an ESCALATE or NO_OP claim is still a finished station.
 * - `gave-up`: the CLI stopped at `--max-turns` (`error_max_turns`) without finishing.
 * - `budget-exceeded`: the model access's budget signal fired; the CLI is stopped.
 * - `timeout`: the station's wall-clock limit; `endReason` says so.
 * - `error`: everything else, with the reason in `endDetail`: the API failed (the
 *   result's `api_error_status`), the CLI exited non-zero or crashed, wrote no result
 *   (the non-JSON lines it wrote are quoted), its output passed the stream cap before the
 *   result, a station wall, or a cancellation (its `endReason` is passed through).
 */
export class ClaudeCodeRunner implements AgentRunner {
  private readonly pkg: AgentCliPackage;

  constructor(private readonly o: ClaudeCodeOptions) {
    this.pkg = claudeCodePackage(o.version);
  }

  /** Installs the pinned CLI (once per machine) and asks for its volume, read-only. */
  async prepare(_station: Station): Promise<AgentPreparation> {
    const cli = await this.o.installer.ensure(this.pkg);
    return { volumes: [cli.volume], needsModel: true };
  }

  async run(task: AgentTask): Promise<AgentResult> {
    const started = Date.now();
    const version = `${this.pkg.npmName}@${this.pkg.version}`;
    const base = { agent: 'claude', version, truncated: false, exitCode: null, output: '' };
    const refuse = (why: string): AgentResult => ({ ...base, outcome: 'error', durationMs: Date.now() - started, output: why, endDetail: why });
    if (!task.modelAccess) return refuse(`station ${task.station.id}: Claude Code needs model access (the run's model proxy), and none was given`);
    const leaked = Object.entries(task.modelAccess.env).find(([, v]) => REAL_KEY.test(v));
    if (leaked) return refuse(`station ${task.station.id}: refused to start Claude Code: ${leaked[0]} holds a real Anthropic credential; stations get only the model proxy's placeholder key`);
    const cli = await this.o.installer.ensure(this.pkg);

    const station = task.station;
    const prompt = task.prompt?.text ?? buildStationPrompt({ packet: task.packet, station, blueprint: { name: '(unnamed)', version: '0' }, plan: task.plan, feedback: task.feedback }).text;
    const maxTurns = (station.kind === 'agent' ? station.maxTurns : undefined) ?? DEFAULT_MAX_TURNS;
    const argv = [
      cli.bin,
      '-p',
      prompt,
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'bypassPermissions',
      '--max-turns',
      String(maxTurns),
      ...(task.readOnly ? ['--disallowedTools', WRITE_TOOLS.join(',')] : []),
      ...(task.session ? ['--resume', task.session] : []),
      ...mcpArgs(task),
    ];

    // One signal stops the CLI for a cancellation or a spent budget; which one fired decides the outcome.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    const signals = [task.signal, task.modelAccess.budgetSignal].filter((s): s is AbortSignal => !!s);
    for (const s of signals) {
      if (s.aborted) stop.abort();
      else s.addEventListener('abort', onAbort, { once: true });
    }
    // The readable lines are the station's log and, their tail, the result's output (the evidence's outputTail).
    const tail = new TextTail(OUTPUT_TAIL_CHARS);
    const say = (line: string) => {
      task.onOutput?.(`${line}\n`);
      tail.push(`${line}\n`);
    };
    const reader = new ClaudeStreamReader(say);
    let r;
    try {
      r = await task.environment.exec(argv, {
        env: { ...task.modelAccess.env, ...QUIET_ENV, ...directToModel(task.modelAccess.env), CLAUDE_CODE_MAX_RETRIES: String(this.o.maxRetries ?? 2) },
        timeoutMs: task.timeoutMs,
        signal: stop.signal,
        onOutput: (chunk) => reader.push(chunk),
      });
    } finally {
      for (const s of signals) s.removeEventListener('abort', onAbort);
    }
    reader.end();

    const finalText = reader.finalText();
    const claimed = extractClaim(finalText);
    const usage = reader.usage().length ? reader.usage() : (task.modelAccess.usage?.() ?? []);
    const res = reader.result;
    const usd = typeof res?.total_cost_usd === 'number' ? res.total_cost_usd : usage.reduce((n, u) => n + (u.usd ?? 0), 0) || undefined;
    const common = {
      ...base,
      exitCode: r.exitCode,
      endReason: r.endReason,
      durationMs: r.durationMs,
      output: '',
      truncated: r.truncated,
      sessionId: reader.sessionId,
      toolCalls: reader.toolCalls(),
      usage,
      cost: { inputTokens: usage.reduce((n, u) => n + u.inputTokens, 0), outputTokens: usage.reduce((n, u) => n + u.outputTokens, 0), ...(usd !== undefined ? { usd } : {}) },
      ...('claim' in claimed ? { claim: claimed.claim } : { claimProblem: claimed.problem }),
    };
    const ended = (outcome: AgentResult['outcome'], detail: string | undefined, extra: Partial<AgentResult> = {}): AgentResult => {
      if (detail) say(`[shopfloor] ${detail}`);
      return { ...common, output: tail.text(), outcome, endDetail: detail, ...extra };
    };

    if (task.modelAccess.budgetSignal?.aborted) return ended('budget-exceeded', `Claude Code stopped: ${task.modelAccess.budgetExceeded?.() ?? 'the model budget was reached'}`);
    if (r.endReason === 'timeout') return ended('timeout', r.endDetail ?? `Claude Code did not finish within ${task.timeoutMs} ms`);
    if (r.endReason !== 'exited') return ended('error', r.endDetail ?? `Claude Code ended: ${r.endReason}`);
    if (res && !res.is_error && (res.subtype === 'success' || res.subtype === undefined)) return ended('done', undefined, { text: finalText });
    if (res?.subtype === 'error_max_turns') return ended('gave-up', `Claude Code reached --max-turns ${maxTurns} without finishing`);
    if (res?.is_error || (res && res.subtype !== 'success'))
      return ended('error', `Claude Code ended with an error (${res.subtype && res.subtype !== 'success' ? res.subtype : 'API error'}${res.api_error_status ? `, model API status ${res.api_error_status}` : ''}): ${oneLine(res.result ?? '') || 'no message'}`);
    if (r.truncated) return ended('error', `Claude Code's output passed the station's stream cap before its result event; the log holds what was kept`);
    const noise = reader.nonJson.length ? `; it wrote: ${reader.nonJson.map(oneLine).join(' | ')}${reader.nonJsonCount > reader.nonJson.length ? ` (and ${reader.nonJsonCount - reader.nonJson.length} more non-JSON lines)` : ''}` : '';
    // 126/127: the binary could not be executed, e.g. the glibc build in a musl (Alpine) image.
    const hint = r.exitCode === 126 || r.exitCode === 127 ? ` (the CLI binary could not be started in this image: it was installed for the installer image's C library, glibc; a musl (Alpine) station image cannot run it)` : '';
    return ended('error', `Claude Code exited ${r.exitCode} without a result event${hint}${noise}`);
  }
}

/**
 * The run's MCP gateway as the CLI's only MCP server (issue 12): `--mcp-config` with the
 * gateway over Streamable HTTP (`type: "http"`, its station token in a header) and
 * `--strict-mcp-config`, so MCP servers from the user's or the project's own Claude Code
 * configuration (`~/.claude.json`, `.mcp.json`) are not loaded. Claude Code then offers
 * the gateway's tools as `mcp__shopfloor__<tool>`. Without tool access: no flags (the
 * station's home in the container holds no Claude Code configuration to inherit).
 * Source: Claude Code CLI reference (`--mcp-config`, `--strict-mcp-config`) and its MCP
 * docs (HTTP servers with `headers`).
 */
export function mcpArgs(task: Pick<AgentTask, 'toolAccess'>): string[] {
  if (!task.toolAccess) return [];
  const { name, url, headers } = task.toolAccess.server;
  return ['--mcp-config', JSON.stringify({ mcpServers: { [name]: { type: 'http', url, headers } } }), '--strict-mcp-config'];
}

/**
 * NO_PROXY for the model's base URL: an egress station's HTTP(S)_PROXY points at the
 * allowlisting egress proxy, which refuses this machine's own addresses, while the model
 * proxy listens on one of them (the egress network's gateway) and is reached directly.
 */
function directToModel(env: Record<string, string>): Record<string, string> {
  let host: string;
  try {
    host = new URL(env.ANTHROPIC_BASE_URL ?? '').hostname;
  } catch {
    return {};
  }
  const list = [...new Set(['localhost', '127.0.0.1', ...(env.NO_PROXY ?? '').split(',').filter(Boolean), host])].join(',');
  return { NO_PROXY: list, no_proxy: list };
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 300 ? `${t.slice(0, 299)}…` : t;
}
