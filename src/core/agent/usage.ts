import type { AgentToolCall, AgentUsage, Budget } from '../../contracts';
import { BudgetSchema, type Blueprint, type TaskPacket } from '../../contracts';
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

/**
 * Reads a budget typed by a person, e.g. `tokens=200000 usd=5 wallMs=600000` (any of the
 * three, separated by spaces or commas): the budget, `undefined` for empty text, or the
 * problem in words (an unknown key, a value out of BudgetSchema's bounds). Pure.
 */
export function parseBudget(text: string): { budget: Budget | undefined } | { problem: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (!parts.length) return { budget: undefined };
  const raw: Record<string, number> = {};
  for (const p of parts) {
    const m = /^(tokens|usd|wallMs)=([0-9.]+)$/.exec(p);
    if (!m) return { problem: `"${p}" is not tokens=N, usd=N or wallMs=N` };
    raw[m[1]!] = Number(m[2]);
  }
  const r = BudgetSchema.safeParse(raw);
  return r.success ? { budget: r.data } : { problem: `${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}` };
}
