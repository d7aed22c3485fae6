import type { AgentUsage, Budget } from '../../contracts';

/** What a station or a run has spent: tokens (input, cache reads and writes, output), USD, wall milliseconds. */
export interface Spent {
  tokens: number;
  usd: number;
  wallMs: number;
}

/**
 * The tokens a usage counts against a budget: input (cache reads and writes included:
 * they are input the model read) plus output. Budget.tokens is "input plus output".
 */
export function budgetTokens(u: AgentUsage): number {
  return u.inputTokens + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0) + u.outputTokens;
}

/** Usage records summed by model, in first-seen order; `usd` is present when any record of the model had it. */
export function sumByModel(records: readonly AgentUsage[]): AgentUsage[] {
  const out = new Map<string, AgentUsage>();
  for (const r of records) {
    const a = out.get(r.model);
    if (!a) {
      out.set(r.model, { ...r });
      continue;
    }
    a.inputTokens += r.inputTokens;
    a.outputTokens += r.outputTokens;
    if (r.cacheReadTokens !== undefined) a.cacheReadTokens = (a.cacheReadTokens ?? 0) + r.cacheReadTokens;
    if (r.cacheWriteTokens !== undefined) a.cacheWriteTokens = (a.cacheWriteTokens ?? 0) + r.cacheWriteTokens;
    if (r.usd !== undefined) a.usd = (a.usd ?? 0) + r.usd;
  }
  return [...out.values()];
}

/**
 * Running totals of usage, by model and overall, so a budget check costs the same on the
 * ten-thousandth call as on the first (summing every record on every call does not).
 */
export class UsageTally {
  private readonly byModel = new Map<string, AgentUsage>();
  private tokens = 0;
  private usd = 0;

  add(u: AgentUsage): void {
    this.tokens += budgetTokens(u);
    this.usd += u.usd ?? 0;
    const [merged] = sumByModel([...(this.byModel.has(u.model) ? [this.byModel.get(u.model)!] : []), u]);
    this.byModel.set(u.model, merged!);
  }

  /** Usage by model, in first-seen order (copies). */
  models(): AgentUsage[] {
    return [...this.byModel.values()].map((u) => ({ ...u }));
  }

  /** What was spent, with the caller's wall time. */
  spent(wallMs: number): Spent {
    return { tokens: this.tokens, usd: this.usd, wallMs };
  }
}

/**
 * Whether `spent` has reached `budget` (a limit is reached at equality: the next call
 * would go over it), checked tokens, then money, then wall time. Returns the reason with
 * the figures, e.g. `station tokens 10234 of 10000`, `run usd 0.5012 of 0.5000`,
 * `station wall time 60012 ms of 60000 ms`; undefined when no limit is reached or there is no budget.
 */
export function budgetReached(scope: 'station' | 'run', budget: Budget | undefined, spent: Spent): string | undefined {
  if (!budget) return undefined;
  if (budget.tokens !== undefined && spent.tokens >= budget.tokens) return `${scope} tokens ${spent.tokens} of ${budget.tokens}`;
  if (budget.usd !== undefined && spent.usd >= budget.usd) return `${scope} usd ${spent.usd.toFixed(4)} of ${budget.usd.toFixed(4)}`;
  if (budget.wallMs !== undefined && spent.wallMs >= budget.wallMs) return `${scope} wall time ${Math.round(spent.wallMs)} ms of ${budget.wallMs} ms`;
  return undefined;
}
