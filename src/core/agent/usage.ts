import type { AgentToolCall, AgentUsage, Budget } from '../../contracts';
import type { Blueprint, TaskPacket } from '../../contracts';
import type { AgentCost } from '../run/ports';

/** One tool's calls in a station, summed (src/contracts/run-files.ts ToolCallSummarySchema). */
export interface ToolCallSummary {
  name: string;
  calls: number;
  errors: number;
  /** Sum of the known durations, milliseconds. */
  durationMs: number;
}

/** Sums an agent's tool calls by tool name, in order of first use. Pure. */
export function summarizeToolCalls(calls: readonly AgentToolCall[]): ToolCallSummary[] {
  const by = new Map<string, ToolCallSummary>();
  for (const c of calls) {
    const s = by.get(c.name) ?? { name: c.name, calls: 0, errors: 0, durationMs: 0 };
    s.calls++;
    if (c.outcome === 'error') s.errors++;
    s.durationMs += c.durationMs ?? 0;
    by.set(c.name, s);
  }
  return [...by.values()];
}

/**
 * Tokens and money of usage by model, summed into the engine's AgentCost: input and
 * output tokens (cache reads and writes not counted: they are not what a token budget
 * counts), US dollars when any model was priced. Undefined for no usage. Pure.
 */
export function costOfUsage(usage: readonly AgentUsage[] | undefined): AgentCost | undefined {
  if (!usage?.length) return undefined;
  const priced = usage.filter((u) => u.usd !== undefined);
  return {
    inputTokens: usage.reduce((a, u) => a + u.inputTokens, 0),
    outputTokens: usage.reduce((a, u) => a + u.outputTokens, 0),
    ...(priced.length ? { usd: priced.reduce((a, u) => a + u.usd!, 0) } : {}),
  };
}

/** Words for a budget, e.g. `tokens 10000, $2, wall 600000 ms`; `no limit` when empty. Pure. */
export function describeBudget(b: Budget | undefined): string {
  const parts = [b?.tokens !== undefined ? `tokens ${b.tokens}` : '', b?.usd !== undefined ? `$${b.usd}` : '', b?.wallMs !== undefined ? `wall ${b.wallMs} ms` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no limit';
}

/**
 * The budget of a whole run (what all its agents may spend together): the packet's own
 * (drafted with DEFAULT_RUN_BUDGET of core/packet/defaults.ts, edited by a human), else the
 * blueprint's, else none. The run's model proxy enforces it. Pure.
 */
export function runBudget(packet: Pick<TaskPacket, 'budget'>, blueprint: Pick<Blueprint, 'budget'>): Budget | undefined {
  return packet.budget ?? blueprint.budget;
}
