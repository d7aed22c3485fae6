import { AgentEventSchema, type AgentEvent, type AgentToolCall, type AgentUsage } from '../../contracts';

/**
 * What an agent stream parser yields for one line: a normalised AgentEvent, or a failure
 * the CLI reported (Codex `turn.failed`/`error`, ...) that makes the station end in error
 * even when the process exits 0.
 */
export type StreamItem = AgentEvent | { type: 'failure'; message: string };

/** Most tool calls kept in one station's result; more are counted, not kept (a flood guard). */
export const MAX_TOOL_CALLS = 10_000;

/**
 * Reads one line of the generic JSONL protocol (docs/agent-protocol.md): a valid event;
 * a line that is not a JSON object becomes a `log` event with the line as it is; a JSON
 * object that is not a valid event becomes a `log` event saying so, with the path of the
 * bad field (the line is skipped, the station goes on). Pure.
 */
export function parseProtocolLine(line: string): AgentEvent {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { type: 'log', text: line };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { type: 'log', text: line };
  }
  const r = AgentEventSchema.safeParse(json);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  const type = typeof (json as { type?: unknown }).type === 'string' ? ` (type ${JSON.stringify((json as { type: string }).type).slice(0, 60)})` : '';
  return { type: 'log', text: `[shopfloor] skipped an invalid agent event${type}: at ${i.path.join('.') || '(root)'}: ${i.message}` };
}

/**
 * Collects one station's agent stream into the fields of its AgentResult: tool calls (at
 * most MAX_TOOL_CALLS), usage summed by model, the last session id, the last final
 * message, failures; `apply` also renders each item as a line for the station log. Pure.
 */
export class AgentStreamRecord {
  readonly toolCalls: AgentToolCall[] = [];
  droppedToolCalls = 0;
  sessionId: string | undefined;
  finalText: string | undefined;
  readonly failures: string[] = [];
  private readonly usageByModel = new Map<string, AgentUsage>();

  /** Records `item`; returns its log line (without a line break). */
  apply(item: StreamItem): string {
    switch (item.type) {
      case 'log':
        return item.text;
      case 'session':
        this.sessionId = item.id;
        return `[session] ${item.id}`;
      case 'tool': {
        const { type: _t, ...call } = item;
        if (this.toolCalls.length < MAX_TOOL_CALLS) this.toolCalls.push(call);
        else this.droppedToolCalls++;
        return `[tool] ${call.name} ${call.outcome}${call.durationMs !== undefined ? ` ${Math.round(call.durationMs)} ms` : ''}`;
      }
      case 'usage': {
        const { type: _t, ...u } = item;
        this.usageByModel.set(u.model, addUsage(this.usageByModel.get(u.model), u));
        return `[usage] ${u.model}: ${u.inputTokens} in, ${u.outputTokens} out${u.cacheReadTokens ? `, ${u.cacheReadTokens} cache read` : ''}`;
      }
      case 'final':
        this.finalText = item.text;
        return item.text;
      case 'failure':
        this.failures.push(item.message);
        return `[error] ${item.message}`;
    }
  }

  /** Usage by model, in the order models first appeared; undefined when none was reported. */
  usage(): AgentUsage[] | undefined {
    return this.usageByModel.size ? [...this.usageByModel.values()] : undefined;
  }
}

/** Sums two usage records of the same model (optional counts stay absent when both are). */
export function addUsage(a: AgentUsage | undefined, b: AgentUsage): AgentUsage {
  if (!a) return { ...b };
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const out: AgentUsage = { model: a.model, inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
  const cr = sum(a.cacheReadTokens, b.cacheReadTokens);
  const cw = sum(a.cacheWriteTokens, b.cacheWriteTokens);
  const usd = sum(a.usd, b.usd);
  if (cr !== undefined) out.cacheReadTokens = cr;
  if (cw !== undefined) out.cacheWriteTokens = cw;
  if (usd !== undefined) out.usd = usd;
  return out;
}
