import type { AgentToolCall } from '../../contracts';
import type { StreamItem } from '../../core/agent/events';
import { typedEvent, text, short, type StreamParser } from './stream-agent';

/** Most characters of a tool's output copied into the station log per call. */
const TOOL_OUTPUT_LOG_CHARS = 2000;

/**
 * Reads the JSONL of `opencode run --format json` (OpenCode 1.18; checked against the real
 * CLI's output in test/fixtures/agents/opencode/) into normalised items:
 * - the first `sessionID` seen → session (`ses_…`, for `opencode run --session`);
 * - `text` → the text of `part.text`, as a final candidate (the last one is the final message);
 * - `tool_use` (one event when the call has ended) → a tool call named `part.tool`, its
 *   duration from `state.time`, outcome `ok` for state `completed`, else `error` (a shell
 *   command that exits non-zero is `completed` in OpenCode's terms; its exit is in the log);
 * - `step_finish` → usage of `model` (the provider prefix of `provider/model` dropped):
 *   `tokens.input` (OpenCode reports it without the cache reads), `tokens.output`,
 *   `tokens.cache.read`/`write`, and `cost` as usd; OpenCode's side queries (the session
 *   title) are not in the stream, so the model proxy's metering is the complete figure;
 * - `error` → failure with `error.data.message` (or its name); `reasoning` → a log line;
 *   `step_start` → nothing; lines that are not JSON → log text.
 */
export class OpenCodeEventParser implements StreamParser {
  private session: string | undefined;
  private readonly model: string;

  constructor(model: string) {
    this.model = model.includes('/') ? model.slice(model.indexOf('/') + 1) : model;
  }

  line(line: string): StreamItem[] {
    const parsed = typedEvent(line);
    if ('items' in parsed) return parsed.items;
    const ev = parsed.ev;
    const out: StreamItem[] = [];
    if (!this.session && typeof ev.sessionID === 'string' && ev.sessionID) {
      this.session = ev.sessionID;
      out.push({ type: 'session', id: ev.sessionID.slice(0, 200) });
    }
    const part = ev.part ?? {};
    switch (ev.type) {
      case 'step_start':
        break;
      case 'text':
        if (typeof part.text === 'string') out.push({ type: 'final', text: part.text.slice(0, 200_000) });
        break;
      case 'reasoning':
        out.push({ type: 'log', text: `[reasoning] ${text(part.text)}` });
        break;
      case 'tool_use': {
        const state = part.state ?? {};
        const start = state.time?.start;
        const end = state.time?.end;
        const call: AgentToolCall = {
          name: text(part.tool).slice(0, 200) || 'unknown',
          outcome: state.status === 'completed' ? 'ok' : state.status === 'error' ? 'error' : 'unknown',
          ...(typeof start === 'number' && typeof end === 'number' ? { durationMs: Math.max(0, end - start) } : {}),
        };
        const exit = typeof state.metadata?.exit === 'number' ? ` (exit ${state.metadata.exit})` : '';
        out.push({ type: 'log', text: `[${call.name}] ${text(state.title) || short(state.input)}${exit}` });
        const body = text(state.error) || text(state.output);
        if (body) out.push({ type: 'log', text: body.length > TOOL_OUTPUT_LOG_CHARS ? `${body.slice(0, TOOL_OUTPUT_LOG_CHARS)}… (${body.length} characters)` : body.replace(/\n$/, '') });
        out.push({ type: 'tool', ...call });
        break;
      }
      case 'step_finish': {
        const t = part.tokens ?? {};
        const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
        const usd = typeof part.cost === 'number' && part.cost >= 0 ? part.cost : undefined;
        if (n(t.input) + n(t.output) + n(t.cache?.read) + n(t.cache?.write) > 0)
          out.push({
            type: 'usage',
            model: this.model,
            inputTokens: n(t.input),
            outputTokens: n(t.output),
            ...(n(t.cache?.read) ? { cacheReadTokens: n(t.cache.read) } : {}),
            ...(n(t.cache?.write) ? { cacheWriteTokens: n(t.cache.write) } : {}),
            ...(usd !== undefined ? { usd } : {}),
          });
        break;
      }
      case 'error':
        out.push({ type: 'failure', message: `opencode: ${text(ev.error?.data?.message) || text(ev.error?.name) || 'error'}` });
        break;
      default:
        out.push({ type: 'log', text: `[opencode] ${ev.type}` });
    }
    return out;
  }
}
