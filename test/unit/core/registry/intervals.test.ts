import { strict as assert } from 'node:assert';
import { bootstrapMedian, median, seededRandom, wilson, zFor } from '../../../../src/core/registry';

describe('core/registry: intervals', () => {
  it('z for 95% and 99% matches the normal quantiles', () => {
    assert.ok(Math.abs(zFor(0.95) - 1.959964) < 1e-5);
    assert.ok(Math.abs(zFor(0.99) - 2.575829) < 1e-5);
    assert.throws(() => zFor(1), RangeError);
  });

  it('Wilson interval matches the closed form computed independently', () => {
    // 81 of 263 at 95%: 0.2553–0.3662, from the closed form (Wilson 1927) computed independently in Python with z = 1.959963984540054.
    const w = wilson(81, 263);
    assert.ok(Math.abs(w.interval[0] - 0.2553) < 5e-4, String(w.interval[0]));
    assert.ok(Math.abs(w.interval[1] - 0.3662) < 5e-4, String(w.interval[1]));
    const zero = wilson(0, 10);
    assert.equal(zero.interval[0], 0);
    assert.ok(zero.interval[1] > 0.25 && zero.interval[1] < 0.32);
    assert.deepEqual(wilson(0, 0).interval, [0, 1]);
    assert.ok(Number.isNaN(wilson(0, 0).rate));
  });

  it('median and a deterministic bootstrap interval around it', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
    assert.ok(Number.isNaN(median([])));
    const rand = seededRandom(7);
    const xs = Array.from({ length: 401 }, () => rand() * 100);
    const a = bootstrapMedian(xs, { seed: 3 });
    const b = bootstrapMedian(xs, { seed: 3 });
    assert.deepEqual(a, b, 'same seed, same interval');
    assert.ok(a.interval[0] <= a.median && a.median <= a.interval[1]);
    assert.ok(a.interval[1] - a.interval[0] < 20, 'a 401-sample median is known within a few units');
    const thin = bootstrapMedian(xs.slice(0, 5), { seed: 3 });
    assert.ok(thin.interval[1] - thin.interval[0] > a.interval[1] - a.interval[0], 'fewer samples, wider interval');
    assert.equal(bootstrapMedian([5, 5, 5, 5]).interval[0], 5);
    assert.equal(bootstrapMedian([]).n, 0);
  });

  it('the order-statistic bootstrap agrees with resampling the data by hand', () => {
    const rand = seededRandom(11);
    for (const n of [9, 40, 301]) {
      const xs = Array.from({ length: n }, () => Math.round(rand() * 1000) / 10);
      const naive: number[] = [];
      const r2 = seededRandom(5);
      for (let k = 0; k < 4000; k++) naive.push(median(Array.from({ length: n }, () => xs[Math.floor(r2() * n)]!)));
      naive.sort((a, b) => a - b);
      const lo = naive[Math.floor(0.025 * naive.length)]!;
      const hi = naive[Math.floor(0.975 * naive.length)]!;
      const b = bootstrapMedian(xs, { resamples: 4000, seed: 9 });
      const spread = Math.max(...xs) - Math.min(...xs);
      assert.ok(Math.abs(b.interval[0] - lo) <= spread * 0.05 && Math.abs(b.interval[1] - hi) <= spread * 0.05, `n=${n}: ${b.interval} vs ${lo},${hi}`);
    }
  });
});
