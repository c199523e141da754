// Goodness-of-fit helpers for the sampling and Rng tests: Kolmogorov–Smirnov and chi-square
// with exact thresholds, and the CDFs they need (all in float64).
import { expect } from 'vitest';

/** log Γ(x), x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized lower incomplete gamma P(a, x) (series below a + 1, continued fraction above). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  if (x < a + 1) {
    let sum = 1 / a, term = sum;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
  }
  return 1 - gammaQcf(a, x);
}

/** Q(a, x) = 1 − P(a, x) by Lentz's continued fraction (x ≥ a + 1). */
function gammaQcf(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** The regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the upper tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaP(a, x) : gammaQcf(a, x);
}

/** P(χ²_df ≥ x): the p-value of a chi-square statistic. */
export const chiSquarePValue = (x: number, df: number): number => gammaQ(df / 2, x / 2);

/** erfc(x) (Numerical Recipes' erfcc: fractional error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Φ(x), the standard normal CDF. */
export const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

/** The standard Gumbel CDF exp(−e^(−x)). */
export const gumbelCdf = (x: number): number => Math.exp(-Math.exp(-x));

/**
 * sup |F_n − F| over finite x of the samples against the continuous CDF F. Samples that are
 * ±Infinity (float32 overflow of a finite but huge draw) count in F_n but are not points of
 * comparison.
 */
export function ksStatistic(samples: ArrayLike<number>, cdf: (x: number) => number): number {
  const s = Float64Array.from(samples).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(s[i])) continue;
    const f = cdf(s[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/**
 * The KS critical value at level α = 0.001 for n samples: c(α)/(√n + 0.12 + 0.11/√n) with
 * c = √(−½ ln(α/2)) = 1.9495 (Stephens' finite-n form of the Kolmogorov limit).
 */
export function ksCritical(n: number, alpha = 0.001): number {
  const c = Math.sqrt(-0.5 * Math.log(alpha / 2));
  return c / (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n));
}

/** Asserts that the samples pass a KS test against cdf at α = 0.001. */
export function expectKS(samples: ArrayLike<number>, cdf: (x: number) => number, what: string): void {
  const d = ksStatistic(samples, cdf);
  const crit = ksCritical(samples.length);
  expect(d, `${what}: KS D = ${d.toFixed(5)} vs critical ${crit.toFixed(5)} (α = 0.001, n = ${samples.length})`).toBeLessThan(crit);
}

/**
 * Asserts that observed counts fit the expected probabilities (chi-square, p > α = 0.001).
 * Categories with probability 0 must have count 0.
 */
export function expectChiSquare(counts: ArrayLike<number>, probs: ArrayLike<number>, what: string): void {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  let x2 = 0, df = -1;
  for (let i = 0; i < counts.length; i++) {
    if (probs[i] === 0) {
      expect(counts[i], `${what}: category ${i} has probability 0`).toBe(0);
      continue;
    }
    const e = n * probs[i];
    x2 += (counts[i] - e) ** 2 / e;
    df++;
  }
  const p = chiSquarePValue(x2, df);
  expect(p, `${what}: chi-square ${x2.toFixed(2)} on ${df} df, p = ${p.toExponential(3)} (α = 0.001)`).toBeGreaterThan(0.001);
}

type Bits = Uint32Array | Int32Array | Float32Array;
/** Asserts a and b hold the same 32-bit patterns (fast; reports the first difference). */
export function expectSameBits(a: Bits, b: Bits, what = ''): void {
  expect(a.length, `${what} length`).toBe(b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length), y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) expect.fail(`${what}[${i}]: ${a[i]} !== ${b[i]}`);
  }
}
