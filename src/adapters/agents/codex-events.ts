import type { AgentToolCall } from '../../contracts';
import type { StreamItem } from '../../core/agent/events';
import { typedEvent, text, type StreamParser } from './stream-agent';

/** Most characters of a command's output copied into the station log per command (the full output stays in Codex's own session files). */
const COMMAND_OUTPUT_LOG_CHARS = 2000;

/**
 * Reads the JSONL of `codex exec --json` (Codex CLI 0.171; the shapes of
 * codex-rs/exec/src/exec_events.rs, checked against the real CLI's output in
 * test/fixtures/agents/codex/) into normalised items:
 * - `thread.started` → session (the thread id, for `codex exec resume`);
 * - `item.completed` of `command_execution`, `file_change`, `mcp_tool_call`, `web_search`,
 *   `collab_tool_call` → a tool call (name: the item type; MCP tools as
 *   `mcp__<server>__<tool>`), its duration from the matching `item.started` when seen,
 *   outcome `ok` for status `completed` (and a command's exit code 0), else `error`;
 * - `agent_message` → final (the last one is the final message); `reasoning`, `plan`,
 *   `todo_list` and `error` items (non-fatal warnings) → log lines;
 * - `turn.completed` → usage of `model` (Codex reports no model name per turn: the one the
 *   adapter passed with `-m`). OpenAI counts cached input inside `input_tokens`; here
 *   `inputTokens` is the uncached part and `cacheReadTokens` the cached one, so that each
 *   token is priced once;
 * - `turn.failed` → failure; a top-level `error` → a log line (Codex 0.171 reports its
 *   reconnect attempts as `error` events and may still finish the turn); lines that are not JSON (Codex's
 *   stderr: warnings, "Reading additional input from stdin...") → log text.
 * Unknown event or item types are logged, never fatal. `now` is the clock for durations.
 */
export class CodexEventParser implements StreamParser {
  private readonly started = new Map<string, number>();

  constructor(
    private readonly model: string,
    private readonly now: () => number = Date.now,
  ) {}

  line(line: string): StreamItem[] {
    const parsed = typedEvent(line);
    if ('items' in parsed) return parsed.items;
    const ev = parsed.ev;
    switch (ev.type) {
      case 'thread.started':
        return typeof ev.thread_id === 'string' && ev.thread_id ? [{ type: 'session', id: ev.thread_id }] : [];
      case 'turn.started':
        return [];
      case 'turn.completed':
        return [this.usage(ev.usage)];
      case 'turn.failed':
        return [{ type: 'failure', message: `codex turn failed: ${text(ev.error?.message) || 'no message'}` }];
      case 'error':
        // Codex also reports its retries here ("Reconnecting... 2/5"): a log line, not yet a failure.
        return [{ type: 'log', text: `[codex] error: ${text(ev.message) || 'no message'}` }];
      case 'item.started':
        return this.itemStarted(ev.item);
      case 'item.updated':
        return [];
      case 'item.completed':
        return this.itemCompleted(ev.item);
      default:
        return [{ type: 'log', text: `[codex] ${ev.type}` }];
    }
  }

  private usage(u: any): StreamItem {
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
    const input = n(u?.input_tokens);
    const cached = Math.min(n(u?.cached_input_tokens), input);
    const cacheWrite = n(u?.cache_write_input_tokens);
    return {
      type: 'usage',
      model: this.model,
      inputTokens: input - cached,
      outputTokens: n(u?.output_tokens),
      ...(cached ? { cacheReadTokens: cached } : {}),
      ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
    };
  }

  private itemStarted(item: any): StreamItem[] {
    if (!item || typeof item.id !== 'string') return [];
    this.started.set(item.id, this.now());
    if (item.type === 'command_execution') return [{ type: 'log', text: `$ ${text(item.command)}` }];
    return [];
  }

  private itemCompleted(item: any): StreamItem[] {
    if (!item || typeof item !== 'object') return [];
    const t0 = typeof item.id === 'string' ? this.started.get(item.id) : undefined;
    if (typeof item.id === 'string') this.started.delete(item.id);
    const durationMs = t0 !== undefined ? Math.max(0, this.now() - t0) : undefined;
    const tool = (name: string, ok: boolean): StreamItem => {
      const call: AgentToolCall = { name: name.slice(0, 200) || 'unknown', outcome: ok ? 'ok' : 'error', ...(durationMs !== undefined ? { durationMs } : {}) };
      return { type: 'tool', ...call };
    };
    switch (item.type) {
      case 'agent_message':
        return [{ type: 'final', text: text(item.text).slice(0, 200_000) }];
      case 'reasoning':
        return [{ type: 'log', text: `[reasoning] ${text(item.text)}` }];
      case 'plan':
        return [{ type: 'log', text: `[plan] ${text(item.text)}` }];
      case 'todo_list':
        return [{ type: 'log', text: `[todo] ${(Array.isArray(item.items) ? item.items : []).map((i: any) => `${i?.completed ? '[x]' : '[ ]'} ${text(i?.text)}`).join('; ')}` }];
      case 'error':
        return [{ type: 'log', text: `[codex] warning: ${text(item.message)}` }];
      case 'command_execution': {
        const ok = item.status === 'completed' && (item.exit_code === 0 || item.exit_code === undefined || item.exit_code === null);
        const out = text(item.aggregated_output);
        const logs: StreamItem[] = [{ type: 'log', text: `$ ${text(item.command)} → ${item.status}${typeof item.exit_code === 'number' ? ` (exit ${item.exit_code})` : ''}` }];
        if (out) logs.push({ type: 'log', text: out.length > COMMAND_OUTPUT_LOG_CHARS ? `${out.slice(0, COMMAND_OUTPUT_LOG_CHARS)}… (${out.length} characters)` : out.replace(/\n$/, '') });
        return [...logs, tool('command_execution', ok)];
      }
      case 'file_change': {
        const changes = (Array.isArray(item.changes) ? item.changes : []).map((c: any) => `${text(c?.kind)} ${text(c?.path)}`).join(', ');
        return [{ type: 'log', text: `[patch] ${item.status}: ${changes}` }, tool('file_change', item.status === 'completed')];
      }
      case 'mcp_tool_call':
        return [
          ...(item.error?.message ? [{ type: 'log' as const, text: `[mcp] ${text(item.server)}/${text(item.tool)} failed: ${text(item.error.message)}` }] : []),
          tool(`mcp__${text(item.server)}__${text(item.tool)}`, item.status === 'completed' && !item.error),
        ];
      case 'web_search':
        return [tool('web_search', true)];
      case 'collab_tool_call':
        return [tool(`collab:${text(item.tool)}`, item.status === 'completed')];
      default:
        return [{ type: 'log', text: `[codex] item ${text(item.type)}` }];
    }
  }
}
