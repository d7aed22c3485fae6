import type { AgentToolCall } from '../../contracts';
import type { StreamItem } from '../../core/agent/events';
import { typedEvent, text, short, time, type StreamParser } from './stream-agent';

/** Most characters of a tool's output copied into the station log per call. */
const TOOL_OUTPUT_LOG_CHARS = 2000;

/**
 * Reads the JSONL of `gemini -p … -o stream-json` (Gemini CLI 0.61; the event types of its
 * JsonStreamEventType: init, message, tool_use, tool_result, error, result; checked
 * against the real CLI's output in test/fixtures/agents/gemini/) into normalised items:
 * - `init` → session (`session_id`);
 * - `message` of role `assistant` → text of the current answer (`delta: true` chunks are
 *   joined; a tool call starts a new answer); the last answer becomes the final message
 *   at `result`; user messages are not logged (the prompt is in the evidence already);
 * - `tool_use` + `tool_result` (paired by `tool_id`) → a tool call named by `tool_name`,
 *   its duration from the two timestamps, outcome `ok` for status `success`, else
 *   `error`. A shell command that exits non-zero is `success` in the CLI's own terms;
 * - `result` → usage by model from `stats.models` (`input` is the uncached input,
 *   `cached` the cache reads), then final; with status `error` → failure with its message;
 * - `error` events → log lines (severity and message); lines that are not JSON → log text.
 */
export class GeminiEventParser implements StreamParser {
  private readonly pending = new Map<string, { name: string; at: number | undefined }>();
  private answer: string | undefined;
  private lastAnswer: string | undefined;

  line(line: string): StreamItem[] {
    const parsed = typedEvent(line);
    if ('items' in parsed) return parsed.items;
    const ev = parsed.ev;
    switch (ev.type) {
      case 'init':
        return typeof ev.session_id === 'string' && ev.session_id ? [{ type: 'session', id: ev.session_id }] : [];
      case 'message': {
        if (ev.role !== 'assistant') return [];
        const content = text(ev.content);
        this.answer = ev.delta && this.answer !== undefined ? this.answer + content : content;
        this.lastAnswer = this.answer;
        return [];
      }
      case 'tool_use': {
        if (this.answer) {
          const said = this.answer;
          this.answer = undefined;
          this.pending.set(text(ev.tool_id), { name: text(ev.tool_name), at: time(ev.timestamp) });
          return [{ type: 'log', text: said }, { type: 'log', text: `[tool_use] ${text(ev.tool_name)} ${short(ev.parameters)}` }];
        }
        this.pending.set(text(ev.tool_id), { name: text(ev.tool_name), at: time(ev.timestamp) });
        return [{ type: 'log', text: `[tool_use] ${text(ev.tool_name)} ${short(ev.parameters)}` }];
      }
      case 'tool_result': {
        const id = text(ev.tool_id);
        const use = this.pending.get(id);
        this.pending.delete(id);
        const end = time(ev.timestamp);
        const call: AgentToolCall = {
          name: (use?.name || id.split('__')[0] || 'unknown').slice(0, 200),
          outcome: ev.status === 'success' ? 'ok' : 'error',
          ...(use?.at !== undefined && end !== undefined ? { durationMs: Math.max(0, end - use.at) } : {}),
        };
        const out = text(ev.output) || text(ev.error?.message);
        return [...(out ? [{ type: 'log' as const, text: out.length > TOOL_OUTPUT_LOG_CHARS ? `${out.slice(0, TOOL_OUTPUT_LOG_CHARS)}… (${out.length} characters)` : out }] : []), { type: 'tool', ...call }];
      }
      case 'error':
        return [{ type: 'log', text: `[gemini] ${text(ev.severity) || 'error'}: ${text(ev.message)}` }];
      case 'result': {
        const items: StreamItem[] = [];
        const models = ev.stats?.models && typeof ev.stats.models === 'object' ? ev.stats.models : {};
        for (const [model, s] of Object.entries<any>(models)) {
          const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
          const cached = n(s?.cached);
          const input = typeof s?.input === 'number' ? n(s.input) : Math.max(0, n(s?.input_tokens) - cached);
          if (input + n(s?.output_tokens) + cached === 0) continue;
          items.push({ type: 'usage', model: model.slice(0, 200) || 'unknown', inputTokens: input, outputTokens: n(s?.output_tokens), ...(cached ? { cacheReadTokens: cached } : {}) });
        }
        if (ev.status === 'error') items.push({ type: 'failure', message: `gemini: ${text(ev.error?.message) || 'the run failed'}` });
        else if (this.lastAnswer !== undefined) items.push({ type: 'final', text: this.lastAnswer.slice(0, 200_000) });
        return items;
      }
      default:
        return [{ type: 'log', text: `[gemini] ${ev.type}` }];
    }
  }
}
