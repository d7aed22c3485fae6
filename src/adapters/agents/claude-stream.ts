import type { AgentToolCall, AgentUsage } from '../../contracts';

/**
 * Reader of Claude Code's `--output-format stream-json --verbose` output (2.1.x; the
 * format as recorded from the real CLI in test/fixtures/agents/claude/): one JSON object
 * per line, `type` one of
 * - `system` (subtype `init`: `session_id`, `model`, `tools`, `permissionMode`; other
 *   subtypes such as `api_retry` are progress notes),
 * - `assistant` (`message.content[]` of `text`, `thinking` and `tool_use` blocks with `id`,
 *   `name`, `input`; `message.model`, `message.usage`),
 * - `user` (`message.content[]` of `tool_result` blocks: `tool_use_id`, `is_error`, `content`),
 * - `result` (the end: `subtype` `success` or `error_*`, `is_error`, `result` = the final
 *   text, `session_id`, `total_cost_usd`, `modelUsage` by model with `inputTokens`,
 *   `outputTokens`, `cacheReadInputTokens`, `cacheCreationInputTokens`, `costUSD`,
 *   `num_turns`, `api_error_status`).
 *
 * Fed chunks of output as they arrive (`push`), it keeps the session, the tool calls
 * (tool_use ids paired with their tool_result; the time between the two lines as seen by
 * this reader is the duration), the last assistant text and the result, and turns each
 * event into a short human-readable log line. Lines that are not JSON are kept (counted,
 * the first few quoted) and passed to the log as they are. Pure apart from `now`.
 */
export class ClaudeStreamReader {
  sessionId?: string;
  model?: string;
  /** The `result` event, when the CLI wrote one. */
  result?: ClaudeResult;
  /** Text of the last assistant message that had text (the final message when no `result` came). */
  lastText?: string;
  /** Lines that were not JSON objects (stderr noise, a crash trace), the first MAX_KEPT of them. */
  readonly nonJson: string[] = [];
  nonJsonCount = 0;
  private buffer = '';
  private readonly calls: Array<AgentToolCall & { id?: string; startedAt: number }> = [];
  private readonly byId = new Map<string, number>();
  /** Usage summed from assistant messages, by model (used when no `result` came). */
  private readonly streamed = new Map<string, AgentUsage>();
  private readonly seenMessages = new Set<string>();

  constructor(
    private readonly log: (line: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Feeds a chunk of output (any split); complete lines are read at once. */
  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.line(line);
    }
    // A line longer than this is not an event we can use; keep memory bounded.
    if (this.buffer.length > MAX_LINE_CHARS) {
      this.line(this.buffer.slice(0, MAX_LINE_CHARS));
      this.buffer = '';
    }
  }

  /** Reads what is left after the process ended (a last line without its newline). */
  end(): void {
    if (this.buffer) this.line(this.buffer);
    this.buffer = '';
  }

  /** Tool calls in the order they were made; a call never answered has outcome `unknown`. */
  toolCalls(): AgentToolCall[] {
    return this.calls.map(({ name, durationMs, outcome }) => (durationMs === undefined ? { name, outcome } : { name, durationMs, outcome }));
  }

  /** Tokens and money by model: the result's `modelUsage` when present, else what the assistant messages reported. */
  usage(): AgentUsage[] {
    const mu = this.result?.modelUsage;
    if (mu && Object.keys(mu).length)
      return Object.entries(mu).map(([model, u]) => ({
        model,
        inputTokens: int(u.inputTokens),
        outputTokens: int(u.outputTokens),
        ...(u.cacheReadInputTokens ? { cacheReadTokens: int(u.cacheReadInputTokens) } : {}),
        ...(u.cacheCreationInputTokens ? { cacheWriteTokens: int(u.cacheCreationInputTokens) } : {}),
        ...(typeof u.costUSD === 'number' ? { usd: u.costUSD } : {}),
      }));
    return [...this.streamed.values()];
  }

  /** The final message: the result's text, else the last assistant text. */
  finalText(): string | undefined {
    return typeof this.result?.result === 'string' && this.result.result ? this.result.result : this.lastText;
  }

  private line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    let ev: any;
    try {
      ev = JSON.parse(line);
    } catch {
      ev = undefined;
    }
    if (!ev || typeof ev !== 'object' || typeof ev.type !== 'string') {
      this.nonJsonCount++;
      if (this.nonJson.length < MAX_KEPT) this.nonJson.push(line.slice(0, 500));
      this.log(line);
      return;
    }
    switch (ev.type) {
      case 'system':
        if (ev.subtype === 'init') {
          this.sessionId = str(ev.session_id) ?? this.sessionId;
          this.model = str(ev.model);
          this.log(`[claude] session ${this.sessionId ?? '?'} model ${this.model ?? '?'} (${Array.isArray(ev.tools) ? ev.tools.length : 0} tools, permission mode ${str(ev.permissionMode) ?? '?'})`);
        } else this.log(`[claude] ${str(ev.subtype) ?? 'system'}${ev.error ? `: ${short(JSON.stringify(ev.error))}` : ''}`);
        return;
      case 'assistant':
        return this.assistant(ev);
      case 'user':
        return this.toolResults(ev);
      case 'result':
        this.result = ev as ClaudeResult;
        this.sessionId = str(ev.session_id) ?? this.sessionId;
        this.log(
          `[claude] ${ev.is_error ? 'ended with an error' : 'finished'} (${str(ev.subtype) ?? '?'}${ev.api_error_status ? `, API status ${ev.api_error_status}` : ''}) after ${int(ev.num_turns)} turn(s), ${typeof ev.total_cost_usd === 'number' ? `$${ev.total_cost_usd}` : 'cost unknown'}`,
        );
        return;
      default:
        return;
    }
  }

  private assistant(ev: any): void {
    const msg = ev.message ?? {};
    const model = str(msg.model) ?? this.model ?? 'unknown';
    // Claude Code writes one line per content block of a message, each repeating the message's usage: count a message once.
    const id = str(msg.id);
    if (msg.usage && (!id || !this.seenMessages.has(id))) {
      if (id) this.seenMessages.add(id);
      const u = this.streamed.get(model) ?? { model, inputTokens: 0, outputTokens: 0 };
      u.inputTokens += int(msg.usage.input_tokens);
      u.outputTokens += int(msg.usage.output_tokens);
      this.streamed.set(model, u);
    }
    const texts: string[] = [];
    for (const b of Array.isArray(msg.content) ? msg.content : []) {
      if (b?.type === 'text' && typeof b.text === 'string') {
        texts.push(b.text);
        this.log(`[assistant] ${short(b.text)}`);
      } else if (b?.type === 'tool_use') {
        const name = str(b.name) ?? 'unknown';
        const toolId = str(b.id);
        if (toolId) this.byId.set(toolId, this.calls.length);
        this.calls.push({ name, outcome: 'unknown', id: toolId, startedAt: this.now() });
        this.log(`[tool] ${name} ${short(describeInput(b.input))}`);
      }
    }
    if (texts.length) this.lastText = texts.join('\n');
  }

  private toolResults(ev: any): void {
    const content = ev.message?.content;
    for (const b of Array.isArray(content) ? content : []) {
      if (b?.type !== 'tool_result') continue;
      const i = this.byId.get(str(b.tool_use_id) ?? '');
      const call = i === undefined ? undefined : this.calls[i];
      if (!call || call.outcome !== 'unknown') continue;
      call.outcome = b.is_error ? 'error' : 'ok';
      call.durationMs = Math.max(0, this.now() - call.startedAt);
      this.log(`[tool] ${call.name} ${call.outcome === 'ok' ? 'ok' : `failed: ${short(resultText(b.content))}`}`);
    }
  }
}

/** The fields of Claude Code's `result` event this adapter reads. */
export interface ClaudeResult {
  type: 'result';
  subtype?: string;
  is_error?: boolean;
  result?: string;
  session_id?: string;
  total_cost_usd?: number;
  num_turns?: number;
  api_error_status?: number | null;
  terminal_reason?: string;
  modelUsage?: Record<string, { inputTokens?: number; outputTokens?: number; cacheReadInputTokens?: number; cacheCreationInputTokens?: number; costUSD?: number }>;
  usage?: { input_tokens?: number; output_tokens?: number };
}

const MAX_KEPT = 5;
const MAX_LINE_CHARS = 4 * 1024 * 1024;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
}

/** One line of at most 200 characters. */
function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 199)}…` : one;
}

/** The part of a tool's input a reader wants first: the command, the file, the pattern. */
function describeInput(input: any): string {
  if (!input || typeof input !== 'object') return '';
  for (const k of ['command', 'file_path', 'path', 'pattern', 'url', 'description']) if (typeof input[k] === 'string') return input[k];
  return JSON.stringify(input);
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (typeof c?.text === 'string' ? c.text : '')).join(' ');
  return '';
}
