/**
 * Confidence intervals for the registry's analytics (issue 13 item 6). Pure and
 * deterministic: the bootstrap draws from a seeded PRNG, so the same records always give
 * the same interval.
 */

/** A proportion with its Wilson score interval and sample size. */
export interface Proportion {
  /** Successes. */
  k: number;
  /** Sample size. */
  n: number;
  /** Point estimate k/n; NaN when n = 0. */
  rate: number;
  /** Wilson score interval [low, high] at the given confidence; [0, 1] when n = 0 (nothing is known). */
  interval: [number, number];
}

/** A median with a bootstrap percentile interval and sample size. */
export interface Median {
  n: number;
  /** NaN when n = 0. */
  median: number;
  /** Percentile bootstrap interval; [NaN, NaN] when n = 0. */
  interval: [number, number];
}

/**
 * Two-sided standard normal quantile for a confidence level (0.95 → 1.95996...), by
 * Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
 */
export function zFor(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return inverseNormal(1 - (1 - confidence) / 2);
}

function inverseNormal(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * Wilson score interval for k successes in n trials (E. B. Wilson, 1927; the form in
 * Agresti & Coull 1998): centre (p + z²/2n)/(1 + z²/n), half-width
 * z·sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n).
 */
export function wilson(k: number, n: number, confidence = 0.95): Proportion {
  if (n === 0) return { k, n, rate: Number.NaN, interval: [0, 1] };
  const z = zFor(confidence);
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // At k = 0 or k = n the bound is exactly 0 or 1; computed it lands a rounding error short.
  return { k, n, rate: p, interval: [k === 0 ? 0 : Math.max(0, centre - half), k === n ? 1 : Math.min(1, centre + half)] };
}

/** mulberry32: a small seeded 32-bit PRNG returning floats in [0, 1). Deterministic for a seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Median of numbers (mean of the middle two for an even count); NaN for none. Does not modify `xs`. */
export function median(xs: readonly number[]): number {
  if (!xs.length) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A standard normal variate from `rand` (Box-Muller). */
function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** A Gamma(shape ≥ 1, 1) variate (Marsaglia and Tsang 2000, "A simple method for generating gamma variables"). */
function gamma(shape: number, rand: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rand);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A Beta(a ≥ 1, b ≥ 1) variate, as X/(X+Y) of two gamma variates. */
function beta(a: number, b: number, rand: () => number): number {
  const x = gamma(a, rand);
  return x / (x + gamma(b, rand));
}

/**
 * Median with a percentile bootstrap interval (Efron 1979): `resamples` bootstrap
 * resamples (with replacement, size n) drawn from seededRandom(`seed`); the interval is the
 * (1-c)/2 and (1+c)/2 quantiles of the resampled medians.
 *
 * Each resample's median is drawn exactly without building the resample: a resample's
 * values are sorted[floor(n·U_i)] for n uniforms U_i, so its m-th smallest value is
 * sorted[floor(n·U_(m))], and the m-th order statistic of n uniforms is Beta(m, n-m+1)
 * distributed; for an even n the next one is U_(m) + (1-U_(m))·Beta(1, n-m). That makes a
 * resample O(1) instead of O(n), so 1,000 resamples of 100,000 values take milliseconds.
 */
export function bootstrapMedian(xs: readonly number[], o: { confidence?: number; resamples?: number; seed?: number } = {}): Median {
  const n = xs.length;
  if (!n) return { n, median: Number.NaN, interval: [Number.NaN, Number.NaN] };
  const confidence = o.confidence ?? 0.95;
  const resamples = o.resamples ?? 1000;
  const rand = seededRandom(o.seed ?? 1);
  const sorted = Float64Array.from(xs).sort();
  const medians = new Float64Array(resamples);
  const m = Math.floor((n + 1) / 2); // 1-based rank of the (lower) middle value
  const at = (u: number) => sorted[Math.min(n - 1, Math.floor(n * u))]!;
  for (let r = 0; r < resamples; r++) {
    const um = beta(m, n - m + 1, rand);
    if (n % 2) medians[r] = at(um);
    else {
      const next = um + (1 - um) * (1 - (1 - rand()) ** (1 / (n - m)));
      medians[r] = (at(um) + at(next)) / 2;
    }
  }
  medians.sort();
  const q = (p: number) => medians[Math.min(resamples - 1, Math.max(0, Math.floor(p * resamples)))]!;
  return { n, median: median(xs), interval: [q((1 - confidence) / 2), q((1 + confidence) / 2)] };
}
