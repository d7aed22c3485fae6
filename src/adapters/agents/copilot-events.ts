import type { AgentToolCall, AgentUsage } from '../../contracts';
import type { StreamItem } from '../../core/agent/events';
import { typedEvent, text, short, time, type StreamParser } from './stream-agent';

/** Most characters of a tool's output copied into the station log per call. */
const TOOL_OUTPUT_LOG_CHARS = 2000;

/**
 * Session events the CLI prints that say nothing a station log needs (turn and model-call
 * bookkeeping, streaming deltas, the echoed prompt, partial tool output that
 * `tool.execution_complete` repeats whole).
 */
const QUIET = new Set([
  'session.skills_loaded',
  'session.mcp_servers_loaded',
  'session.tools_updated',
  'session.background_tasks_changed',
  'user.message',
  'assistant.turn_start',
  'assistant.turn_end',
  'assistant.turn_retry',
  'assistant.idle',
  'assistant.message_start',
  'assistant.message_delta',
  'assistant.reasoning',
  'assistant.reasoning_delta',
  'model.call_start',
  'model.call_finished',
  'model.call_final_result',
  'tool.shell_output',
  'tool.execution_partial_result',
  'tool.execution_progress',
]);

/**
 * Reads the JSONL of `copilot -p … --output-format json` (GitHub Copilot CLI 1.0; one
 * session event per line as its bundled schemas/session-events.schema.json defines them,
 * then a closing `result` line; checked against the real CLI's output in
 * test/fixtures/agents/copilot/) into normalised items:
 * - `tool.execution_start` + `tool.execution_complete` (paired by `data.toolCallId`) → a
 *   tool call named by `data.toolName` (`bash`, `apply_patch`, `view`, `rg`, MCP tools …),
 *   its duration from the two timestamps, outcome `ok` for `data.success: true`, else
 *   `error`. A shell command that exits non-zero is a success in the CLI's own terms (the
 *   exit code is in the logged output);
 * - `assistant.message` → its text; one without tool requests is the answer, and the last
 *   answer becomes the final message at `result`; text before tool calls is logged;
 * - `session.error` → failure with its message (the CLI then exits 1); `session.warning`,
 *   `session.info`, `model.call_failure` → log lines;
 * - `result` → session (`sessionId`), then the final message when `exitCode` is 0.
 * Token usage is not in this stream (the CLI leaves `assistant.usage` out of its JSON
 * output): copilotUsage reads it from the `--usage-output-file` file. Lines that are not
 * JSON → log text.
 */
export class CopilotEventParser implements StreamParser {
  private readonly pending = new Map<string, { name: string; at: number | undefined }>();
  private answer: string | undefined;

  line(line: string): StreamItem[] {
    const parsed = typedEvent(line);
    if ('items' in parsed) return parsed.items;
    const ev = parsed.ev;
    const d = ev.data && typeof ev.data === 'object' ? ev.data : {};
    if (QUIET.has(ev.type)) return [];
    switch (ev.type) {
      case 'assistant.message': {
        const content = text(d.content);
        const tools = Array.isArray(d.toolRequests) && d.toolRequests.length > 0;
        if (!tools) {
          if (content) this.answer = content;
          return [];
        }
        return content ? [{ type: 'log', text: content }] : [];
      }
      case 'tool.execution_start': {
        const name = text(d.toolName) || 'unknown';
        this.pending.set(text(d.toolCallId), { name, at: time(ev.timestamp) });
        return [{ type: 'log', text: `[tool_use] ${name} ${short(d.arguments)}` }];
      }
      case 'tool.execution_complete': {
        const id = text(d.toolCallId);
        const use = this.pending.get(id);
        this.pending.delete(id);
        const end = time(ev.timestamp);
        const call: AgentToolCall = {
          name: (use?.name || text(d.toolName) || 'unknown').slice(0, 200),
          outcome: d.success === true ? 'ok' : 'error',
          ...(use?.at !== undefined && end !== undefined ? { durationMs: Math.max(0, end - use.at) } : {}),
        };
        const out = text(d.result?.content) || text(d.error?.message);
        return [...(out ? [{ type: 'log' as const, text: out.length > TOOL_OUTPUT_LOG_CHARS ? `${out.slice(0, TOOL_OUTPUT_LOG_CHARS)}… (${out.length} characters)` : out }] : []), { type: 'tool', ...call }];
      }
      case 'session.error':
        return [{ type: 'failure', message: `copilot: ${text(d.message) || text(d.errorType) || 'the session failed'}` }];
      case 'session.warning':
      case 'session.info':
        return [{ type: 'log', text: `[copilot] ${text(d.message) || ev.type}` }];
      case 'model.call_failure':
        return [{ type: 'log', text: `[copilot] model call failed (${d.statusCode !== undefined ? `HTTP ${text(d.statusCode)}` : text(d.failureKind) || 'error'}, attempt ${typeof d.retryAttempt === 'number' ? d.retryAttempt + 1 : '?'})` }];
      case 'result': {
        const items: StreamItem[] = [];
        if (typeof ev.sessionId === 'string' && ev.sessionId) items.push({ type: 'session', id: ev.sessionId });
        if (ev.exitCode === 0 && this.answer !== undefined) items.push({ type: 'final', text: this.answer.slice(0, 200_000) });
        return items;
      }
      default:
        return [{ type: 'log', text: `[copilot] ${ev.type}` }];
    }
  }
}

/**
 * Usage by model from the JSON file `copilot --usage-output-file` writes when it exits
 * (`modelMetrics.<model>.usage`: inputTokens, outputTokens, cacheReadTokens,
 * cacheWriteTokens, summed over the session's model calls). On the OpenAI wire the CLI's
 * inputTokens count cache reads too (they are the provider's `input_tokens`), so
 * `inputTokens` here is the uncached part, as in the other adapters. Models with no tokens
 * are left out; undefined when the text is not such a file. Pure.
 */
export function copilotUsage(json: string): AgentUsage[] | undefined {
  let f: any;
  try {
    f = JSON.parse(json);
  } catch {
    return undefined;
  }
  const models = f?.modelMetrics && typeof f.modelMetrics === 'object' ? f.modelMetrics : undefined;
  if (!models) return undefined;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
  const out: AgentUsage[] = [];
  for (const [model, m] of Object.entries<any>(models)) {
    const u = m?.usage ?? {};
    const cacheRead = n(u.cacheReadTokens);
    const cacheWrite = n(u.cacheWriteTokens);
    const input = Math.max(0, n(u.inputTokens) - cacheRead);
    if (input + n(u.outputTokens) + cacheRead + cacheWrite === 0) continue;
    out.push({ model: model.slice(0, 200) || 'unknown', inputTokens: input, outputTokens: n(u.outputTokens), ...(cacheRead ? { cacheReadTokens: cacheRead } : {}), ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}) });
  }
  return out;
}
