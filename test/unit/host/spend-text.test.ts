import { strict as assert } from 'node:assert';
import { spendSoFar, spendText } from '../../../src/host/run/run-controller';

describe('host/run: what the last run spent, for the status bar', () => {
  it('priced and unpriced totals; nothing when no agent ran', () => {
    assert.deepEqual(spendText({ stations: 2, inputTokens: 12000, outputTokens: 345, usd: 0.0421, wallMs: 8400 }), {
      short: '$0.0421 · 12.3k tokens',
      long: '2 agent attempt(s), 12000 input and 345 output tokens, $0.0421, 8 s of agent time',
    });
    assert.equal(spendText({ stations: 1, inputTokens: 500, outputTokens: 20, wallMs: 1000 })!.short, '520 tokens');
    assert.equal(spendText(undefined), undefined);
    assert.equal(spendText({ stations: 0, inputTokens: 0, outputTokens: 0, wallMs: 0 }), undefined);
  });
});

describe('host/run: what a running run has spent so far, for the status bar', () => {
  it('dollars and tokens when known, either alone, nothing when neither', () => {
    assert.equal(spendSoFar({ usd: 0.0312, tokens: 12_345 }), '$0.0312 · 12.3k tokens');
    assert.equal(spendSoFar({ tokens: 900 }), '900 tokens');
    assert.equal(spendSoFar({ usd: 2.5 }), '$2.50');
    assert.equal(spendSoFar({}), undefined);
    assert.equal(spendSoFar(undefined), undefined);
  });
});
