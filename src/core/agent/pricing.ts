import type { AgentUsage, ModelPrice, PriceTable } from '../../contracts';

/**
 * The default price table: list prices in USD per million tokens, standard tier, prompts
 * up to 200k tokens, from the providers' public pricing pages (Anthropic
 * https://www.anthropic.com/pricing, OpenAI https://openai.com/api/pricing, Google
 * https://ai.google.dev/gemini-api/docs/pricing) as last read on `asOf`. Prices change
 * and a team's gateway may bill differently: override with a file (PriceTableSchema,
 * schemas/price-table.schema.json). Anthropic cache writes are the 5-minute rate.
 * `claude-opus-5-5*` is not from the pricing page: it is the rate Claude Code 2.1.332 (whose
 * default model it is) charged in its own `costUSD` for a call through the proxy on
 * 2026-12-02 ($4 in, $20 out per million tokens), with cache rates at Anthropic's usual
 * 0.1× (read) and 1.25× (write) of input.
 */
export const DEFAULT_PRICES: PriceTable = {
  source: "Providers' public list prices: anthropic.com/pricing, openai.com/api/pricing, ai.google.dev/gemini-api/docs/pricing (standard tier, prompts up to 200k tokens); claude-opus-5-5 from Claude Code 2.1.332's own cost figure",
  asOf: '2025-11-01',
  models: {
    'claude-opus-5-5*': { inputPerMTok: 4, outputPerMTok: 20, cacheReadPerMTok: 0.4, cacheWritePerMTok: 5 },
    'claude-opus-4-5*': { inputPerMTok: 5, outputPerMTok: 25, cacheReadPerMTok: 0.5, cacheWritePerMTok: 6.25 },
    'claude-opus-4*': { inputPerMTok: 15, outputPerMTok: 75, cacheReadPerMTok: 1.5, cacheWritePerMTok: 18.75 },
    'claude-sonnet-4*': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
    'claude-haiku-4-5*': { inputPerMTok: 1, outputPerMTok: 5, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25 },
    'claude-3-5-haiku*': { inputPerMTok: 0.8, outputPerMTok: 4, cacheReadPerMTok: 0.08, cacheWritePerMTok: 1 },
    'gpt-5*': { inputPerMTok: 1.25, outputPerMTok: 10, cacheReadPerMTok: 0.125 },
    'gpt-5-mini*': { inputPerMTok: 0.25, outputPerMTok: 2, cacheReadPerMTok: 0.025 },
    'gpt-5-nano*': { inputPerMTok: 0.05, outputPerMTok: 0.4, cacheReadPerMTok: 0.005 },
    'gpt-4.1*': { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 },
    'gpt-4.1-mini*': { inputPerMTok: 0.4, outputPerMTok: 1.6, cacheReadPerMTok: 0.1 },
    'gpt-4o*': { inputPerMTok: 2.5, outputPerMTok: 10, cacheReadPerMTok: 1.25 },
    'gpt-4o-mini*': { inputPerMTok: 0.15, outputPerMTok: 0.6, cacheReadPerMTok: 0.075 },
    'o3*': { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 },
    'o4-mini*': { inputPerMTok: 1.1, outputPerMTok: 4.4, cacheReadPerMTok: 0.275 },
    'gemini-2.5-pro*': { inputPerMTok: 1.25, outputPerMTok: 10 },
    'gemini-2.5-flash*': { inputPerMTok: 0.3, outputPerMTok: 2.5 },
    'gemini-2.5-flash-lite*': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  },
};

/**
 * The price of `model` in `table`: the exact key, else the longest `prefix*` key the
 * name starts with, else undefined (the model is then metered in tokens only).
 */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  const exact = table.models[model];
  if (exact) return exact;
  let best: { len: number; price: ModelPrice } | undefined;
  for (const [key, price] of Object.entries(table.models)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && (!best || prefix.length > best.len)) best = { len: prefix.length, price };
  }
  return best?.price;
}

/**
 * `usage` with `usd` set from the table (input, output, cache reads and writes each at
 * its own rate; a cache rate the table leaves out is the input rate). A model the table
 * does not price keeps whatever `usd` it had (none, from the proxy).
 */
export function priced(usage: AgentUsage, table: PriceTable): AgentUsage {
  const p = priceOf(table, usage.model);
  if (!p) return usage;
  const usd =
    (usage.inputTokens * p.inputPerMTok +
      usage.outputTokens * p.outputPerMTok +
      (usage.cacheReadTokens ?? 0) * (p.cacheReadPerMTok ?? p.inputPerMTok) +
      (usage.cacheWriteTokens ?? 0) * (p.cacheWritePerMTok ?? p.inputPerMTok)) /
    1e6;
  return { ...usage, usd };
}
