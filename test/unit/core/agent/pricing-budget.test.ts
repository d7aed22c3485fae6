import { strict as assert } from 'node:assert';
import { PriceTableSchema } from '../../../../src/contracts';
import { UsageTally, budgetReached, budgetTokens, sumByModel } from '../../../../src/core/agent/budget';
import { DEFAULT_PRICES, priceOf, priced } from '../../../../src/core/agent/pricing';

describe('core/agent: pricing and budget arithmetic', () => {
  it('the default table is a valid price table with a source and a date', () => {
    const t = PriceTableSchema.parse(DEFAULT_PRICES);
    assert.match(t.source, /anthropic\.com\/pricing/);
    assert.match(t.asOf, /^\d{4}-\d{2}-\d{2}$/);
  });

  it('the exact name wins, then the longest prefix; an unknown model has no price', () => {
    const table = { source: 's', asOf: '2026-01-01', models: { 'gpt-5*': { inputPerMTok: 1, outputPerMTok: 2 }, 'gpt-5-mini*': { inputPerMTok: 3, outputPerMTok: 4 }, 'gpt-5-mini-x': { inputPerMTok: 5, outputPerMTok: 6 } } };
    assert.equal(priceOf(table, 'gpt-5-2025-08-07')?.inputPerMTok, 1);
    assert.equal(priceOf(table, 'gpt-5-mini-2025')?.inputPerMTok, 3);
    assert.equal(priceOf(table, 'gpt-5-mini-x')?.inputPerMTok, 5);
    assert.equal(priceOf(table, 'gpt-4o'), undefined);
    assert.equal(priceOf(DEFAULT_PRICES, 'claude-opus-4-5-20251101')?.inputPerMTok, 5, 'opus 4.5 is not priced as opus 4');
    assert.equal(priceOf(DEFAULT_PRICES, 'claude-opus-4-1-20250805')?.inputPerMTok, 15);
    assert.equal(priceOf(DEFAULT_PRICES, 'claude-opus-5-5')?.inputPerMTok, 4, "Claude Code's default model is priced");
  });

  it('prices input, output and cache reads and writes at their own rates, cache defaulting to the input rate', () => {
    const table = { source: 's', asOf: '2026-01-01', models: { a: { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 }, b: { inputPerMTok: 2, outputPerMTok: 8 } } };
    const u = priced({ model: 'a', inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 2_000_000, cacheWriteTokens: 400_000 }, table);
    assert.ok(Math.abs(u.usd! - (3 + 1.5 + 0.6 + 1.5)) < 1e-9, String(u.usd));
    assert.ok(Math.abs(priced({ model: 'b', inputTokens: 500_000, outputTokens: 0, cacheReadTokens: 500_000 }, table).usd! - 2) < 1e-9);
    assert.equal(priced({ model: 'zzz', inputTokens: 5, outputTokens: 5 }, table).usd, undefined);
  });

  it('sums usage by model and counts cache tokens as input against a token budget', () => {
    const rs = [
      { model: 'a', inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, usd: 0.5 },
      { model: 'b', inputTokens: 1, outputTokens: 1 },
      { model: 'a', inputTokens: 20, outputTokens: 5, cacheWriteTokens: 7, usd: 0.25 },
    ];
    assert.deepEqual(sumByModel(rs), [
      { model: 'a', inputTokens: 30, outputTokens: 10, cacheReadTokens: 100, cacheWriteTokens: 7, usd: 0.75 },
      { model: 'b', inputTokens: 1, outputTokens: 1 },
    ]);
    assert.equal(rs[0]!.inputTokens, 10, 'inputs are not mutated');
    assert.equal(budgetTokens(rs[0]!), 115);
    const tally = new UsageTally();
    for (const r of rs) tally.add(r);
    assert.deepEqual(tally.spent(42), { tokens: 149, usd: 0.75, wallMs: 42 });
    assert.deepEqual(tally.models(), sumByModel(rs));
  });

  it('a limit is reached at equality, with the figures named; tokens, then money, then wall time', () => {
    assert.equal(budgetReached('station', undefined, { tokens: 1e9, usd: 1e9, wallMs: 1e9 }), undefined);
    assert.equal(budgetReached('station', { tokens: 10000 }, { tokens: 9999, usd: 0, wallMs: 0 }), undefined);
    assert.equal(budgetReached('station', { tokens: 10000 }, { tokens: 10000, usd: 0, wallMs: 0 }), 'station tokens 10000 of 10000');
    assert.equal(budgetReached('station', { tokens: 10000, usd: 1 }, { tokens: 10234, usd: 2, wallMs: 0 }), 'station tokens 10234 of 10000');
    assert.equal(budgetReached('run', { tokens: 10000, usd: 0.5 }, { tokens: 1, usd: 0.50123, wallMs: 0 }), 'run usd 0.5012 of 0.5000');
    assert.equal(budgetReached('station', { wallMs: 60000 }, { tokens: 0, usd: 0, wallMs: 60012.4 }), 'station wall time 60012 ms of 60000 ms');
  });
});
