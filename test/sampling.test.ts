// Gumbel machinery and samplers: statistical tests with fixed seeds (KS / chi-square at
// α = 0.001, so each one can fail), the draw layout (row-major, per-row streams), native (this
// process's tier) vs reference draw by draw, masks / ties / NaN, and bad input.
import { afterAll, describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import * as ref from '../lib/reference/index.js';
import { wordToGumbel } from '../lib/reference/philox.js';
import { ndtriLower, wordToCauchy, wordToExponential, wordToLaplace, wordToNormal } from '../lib/words.js';
import { native } from '../lib/native.js';
import { detached, expectClose, expectError, expectSameArray, randomF32, TIER } from './helpers.js';
import {
  chiSquarePValue, expectChiSquare, expectKS, expectSameBits, gammaP, gammaQ, gumbelCdf, ksCritical, lnGamma, normalCdf,
} from './sampling-stats.js';

type Api = typeof lk;
const APIS: [string, Api][] = [['native', lk], ['reference', ref as unknown as Api]];
const NEG = -Infinity;

function softmaxF64(x: ArrayLike<number>, invT = 1): number[] {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i] * invT);
  const e = Array.from(x, (v) => Math.exp(v * invT - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
const lse = (x: ArrayLike<number>): number => {
  const m = Math.max(...Array.from(x));
  return m + Math.log(Array.from(x).reduce((a, v) => a + Math.exp(v - m), 0));
};
/** rows copies of one row. */
function tile(row: number[], rows: number): Float32Array {
  const x = new Float32Array(rows * row.length);
  for (let r = 0; r < rows; r++) x.set(row, r * row.length);
  return x;
}
/** |a − b| ≤ ulps·2⁻²³·(|loc| + |b − loc|) + 1e-38 per element: an affine loc + scale·x with x few-ulp. */
function expectAffine(a: Float32Array, b: Float32Array, loc: number | Float32Array, ulps: number, what: string): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const l = typeof loc === 'number' ? loc : loc[i];
    const tol = ulps * 2 ** -23 * (Math.abs(l) + Math.abs(b[i] - l)) + 1e-38;
    if (!(Math.abs(a[i] - b[i]) <= tol)) expect.fail(`${what}[${i}] = ${a[i]}, expected ${b[i]} (tol ${tol})`);
  }
}
function counts(idx: Int32Array, n: number): number[] {
  const c = new Array(n).fill(0);
  for (const i of idx) c[i]++;
  return c;
}

describe('test statistics (self-check)', () => {
  test('lnGamma, regularized gamma, chi-square and KS thresholds', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(gammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 14);
    expect(gammaP(3.5, 2) + gammaQ(3.5, 2)).toBeCloseTo(1, 14);
    // chi-square quantiles (tables): χ²₀.₉₅(5) = 11.0705, χ²₀.₉₉₉(5) = 20.515, χ²₀.₉₉₉(11) = 31.264
    expect(chiSquarePValue(11.0705, 5)).toBeCloseTo(0.05, 4);
    expect(chiSquarePValue(20.515, 5)).toBeCloseTo(0.001, 5);
    expect(chiSquarePValue(31.264, 11)).toBeCloseTo(0.001, 5);
    expect(ksCritical(1e6)).toBeCloseTo(1.9495 / 1000, 5);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 7);
    // the full-word normal's inverse CDF (AS241) against Φ
    for (const q of [1e-10, 1e-5, 0.01, 0.07, 0.3, 0.4999]) expect(normalCdf(ndtriLower(q)) / q).toBeCloseTo(1, 5);
    expect(wordToNormal(0)).toBeCloseTo(-6.3379577545, 8);
    expect(wordToNormal(2 ** 32 - 1)).toBe(-wordToNormal(0));
  });
});

describe('draw layout: one word per logit, row-major, a call starts on a fresh block', () => {
  for (const [name, api] of APIS) {
    test(`${name}: sampleCategorical = argmax(x/τ + gumbel) of the same stream`, () => {
      for (const [rows, cols, t] of [[5, 7, 1], [3, 33, 0.7], [4, 1, 1], [2, 1000, 2]] as const) {
        const x = randomF32(rows * cols, rows + cols, -2, 2);
        const g = api.gumbel(rows * cols, { seed: 31 });
        const got = api.sampleCategorical(x, cols, { seed: 31, temperature: t });
        for (let r = 0; r < rows; r++) {
          let best = -Infinity, idx = -1;
          for (let j = 0; j < cols; j++) {
            const v = x[r * cols + j] / t + g[r * cols + j];
            if (v > best) (best = v), (idx = j);
          }
          expect(got[r], `row ${r} of ${rows}×${cols}`).toBe(idx);
        }
      }
    });
    test(`${name}: the Rng advances by ⌈rows·cols/4⌉ blocks`, () => {
      const rng = new lk.Rng(8);
      api.sampleCategorical(new Float32Array(3 * 7), 7, { rng });
      expect(rng.counter).toBe(6n);
      api.gumbelTopK(new Float32Array(2 * 5), 5, 2, { rng });
      expect(rng.counter).toBe(9n);
      api.gumbelSoftmax(new Float32Array(9), 9, { rng });
      expect(rng.counter).toBe(12n);
      api.truncatedGumbel(new Float32Array(5), 0, { rng });
      expect(rng.counter).toBe(14n);
      api.sample.normal(6, {}, { rng });
      expect(rng.counter).toBe(16n);
    });
  }
});

describe(`native (${TIER}) vs reference, draw by draw`, () => {
  const shapes: [number, number][] = [[1, 1], [3, 1], [2, 3], [5, 5], [3, 7], [2, 8], [4, 9], [2, 15], [2, 16], [3, 17],
    [2, 31], [2, 33], [3, 95], [2, 96], [2, 97], [2, 100], [3, 257], [2, 1000], [1, 5000], [2, 50257]];
  for (const [rows, cols] of shapes) {
    test(`${rows}×${cols}`, () => {
      const x = randomF32(rows * cols, rows * 1000 + cols, -4, 4);
      for (const seed of [1, 2n ** 64n - 1n]) {
        for (const temperature of [1, 0.3, 3]) {
          expect(Array.from(lk.sampleCategorical(x, cols, { seed, temperature })), `categorical T=${temperature}`)
            .toEqual(Array.from(ref.sampleCategorical(x, cols, { seed, temperature })));
        }
        const k = Math.min(cols, 5);
        const a = lk.gumbelTopK(x, cols, k, { seed }), b = ref.gumbelTopK(x, cols, k, { seed });
        expectSameArray(a.indices, b.indices);
        expectClose(a.perturbed, b.perturbed, { abs: 2e-6, ulps: 4 }, 'perturbed');
        for (const tau of [1, 0.1]) {
          const c = lk.gumbelSoftmax(x, cols, { seed, tau }), d = ref.gumbelSoftmax(x, cols, { seed, tau });
          expectSameArray(c.index, d.index);
          // y = exp(z − lse) with z = (x + g)/τ rounded to float32: |Δy| ≲ y·|z|·2⁻²³
          expectClose(c.y, d.y, { abs: 1e-7, rel: 2e-5 / tau }, `gumbelSoftmax y τ=${tau}`);
          const e = lk.gumbelSoftmax(x, cols, { seed, tau, hard: true });
          expectSameArray(e.index, d.index);
        }
        const loc = x.subarray(0, Math.min(x.length, 4000));
        expectClose(lk.truncatedGumbel(loc, 0.5, { seed }), ref.truncatedGumbel(loc, 0.5, { seed }), { abs: 2e-6, ulps: 8 }, 'truncatedGumbel');
        expectClose(lk.gumbel(cols, { seed }), ref.gumbel(cols, { seed }), { abs: 1e-6, ulps: 4 }, 'gumbel');
      }
    });
  }
  test('counters near the 2^32 and 2^64 carries', () => {
    for (const start of [2n ** 32n - 3n, 2n ** 32n - 40n, 2n ** 64n - 5n]) {
      for (const [rows, cols] of [[3, 7], [2, 100], [1, 333]] as const) {
        const x = randomF32(rows * cols, cols, -3, 3);
        const mk = () => [new lk.Rng(3).advance(start), new ref.Rng(3).advance(start)] as const;
        let [a, b] = mk();
        expectSameArray(lk.sampleCategorical(x, cols, { rng: a }), ref.sampleCategorical(x, cols, { rng: b }));
        [a, b] = mk();
        expectSameArray(lk.gumbelTopK(x, cols, 3, { rng: a }).indices, ref.gumbelTopK(x, cols, 3, { rng: b }).indices);
        [a, b] = mk();
        expectClose(lk.gumbelSoftmax(x, cols, { rng: a }).y, ref.gumbelSoftmax(x, cols, { rng: b }).y, { abs: 1e-7, rel: 2e-5 }, 'y');
        [a, b] = mk();
        expectClose(lk.truncatedGumbel(x, 1, { rng: a }), ref.truncatedGumbel(x, 1, { rng: b }), { abs: 2e-6, ulps: 8 }, 'trunc');
        [a, b] = mk();
        expectClose(lk.gumbel(rows * cols, { rng: a }), ref.gumbel(rows * cols, { rng: b }), { abs: 1e-6, ulps: 4 }, 'gumbel');
      }
    }
  });
  test('truncatedGumbel with a T per element, unaligned views, in place', () => {
    const n = 1001;
    const loc = new Float32Array(new ArrayBuffer(4 * (n + 1)), 4, n);
    loc.set(randomF32(n, 5, -60, 60));
    const T = randomF32(n, 6, -10, 10);
    const want = ref.truncatedGumbel(loc, T, { seed: 9 });
    expectClose(lk.truncatedGumbel(loc, T, { seed: 9 }), want, { abs: 4e-6, ulps: 8 }, 'T array');
    const inPlace = lk.truncatedGumbel(loc, T, { seed: 9, out: loc });
    expect(inPlace).toBe(loc);
    expectClose(inPlace, want, { abs: 4e-6, ulps: 8 }, 'in place');
  });
  test('samplers: native float32 transforms vs the float64 reference, draw by draw', () => {
    for (const n of [1, 7, 8, 9, 95, 1003, 1 << 16]) {
      for (const seed of [12, 2n ** 64n - 1n]) {
        const o = { seed };
        const s = lk.sample, t = ref.sample;
        const mean = randomF32(n, 40, -3, 3), std = randomF32(n, 41, 0.1, 2);
        // Standard variates: within a few ulp over all 2^32 words (normal ≤ 6, Cauchy ≤ 4, exponential
        // and Laplace ≤ 2 on AVX2, checked exhaustively). With loc/scale the error is that of the
        // variate times the scale plus one rounding: bounded by ulps of the terms |loc| + |x − loc|.
        expectClose(s.normal(n, {}, o), t.normal(n, {}, o), { ulps: 8 }, 'normal');
        expectAffine(s.normal(n, { mean: 1, std: 2 }, o), t.normal(n, { mean: 1, std: 2 }, o), 1, 8, 'normal(1, 2)');
        expectAffine(s.normal(n, { mean, std }, o), t.normal(n, { mean, std }, o), mean, 8, 'normal μ + σ·ε');
        expectClose(s.exponential(n, {}, o), t.exponential(n, {}, o), { ulps: 4 }, 'exponential');
        expectClose(s.exponential(n, { rate: std }, o), t.exponential(n, { rate: std }, o), { ulps: 4 }, 'exponential rate_i');
        expectClose(s.laplace(n, {}, o), t.laplace(n, {}, o), { ulps: 4 }, 'laplace');
        expectAffine(s.laplace(n, { loc: mean, scale: std }, o), t.laplace(n, { loc: mean, scale: std }, o), mean, 4, 'laplace loc_i');
        expectClose(s.cauchy(n, {}, o), t.cauchy(n, {}, o), { ulps: 6 }, 'cauchy');
        expectAffine(s.cauchy(n, { loc: -1, scale: 0.5 }, o), t.cauchy(n, { loc: -1, scale: 0.5 }, o), -1, 6, 'cauchy(−1, ½)');
        // exp turns the absolute error of mean + std·z into relative error
        expectClose(s.logNormal(n, { mean: 0.5, std: 1.5 }, o), t.logNormal(n, { mean: 0.5, std: 1.5 }, o), { rel: 1.5 * 6.4 * 2 ** -20 }, 'logNormal');
        expectSameBits(s.rademacher(n, {}, o), t.rademacher(n, {}, o), 'rademacher');
        // gamma runs the same float64 code on both backends
        expectSameBits(s.gamma(n, { shape: 0.4 }, o), t.gamma(n, { shape: 0.4 }, o), 'gamma');
        expectSameBits(s.inverseGamma(n, { shape: 3, scale: 2 }, o), t.inverseGamma(n, { shape: 3, scale: 2 }, o), 'inverseGamma');
      }
    }
  });
});

describe(`native (${TIER}) transforms of chosen words: the extremes and a sweep`, () => {
  const T32 = 2 ** 32, T31 = 2 ** 31;
  const list: number[] = [0, 1, 2, 3, T31 - 2, T31 - 1, T31, T31 + 1, T32 - 3, T32 - 2, T32 - 1];
  for (const base of [0, T31 - 4096, T31, T32 - 4096]) for (let i = 0; i < 4096; i++) list.push(base + i);
  for (let w = 17; w < T32; w += 65521) list.push(w);
  const words = Uint32Array.from(list);
  const map = (kind: number) => (native as unknown as { _mapWords(k: number, w: Uint32Array, o: Float32Array): Float32Array })
    ._mapWords(kind, words, new Float32Array(words.length));
  const cases: [string, number, (w: number) => number, { ulps?: number; abs?: number }][] = [
    ['normal', 0, wordToNormal, { ulps: 8 }],
    ['exponential', 1, wordToExponential, { ulps: 4 }],
    ['laplace', 2, wordToLaplace, { ulps: 4 }],
    ['cauchy', 3, wordToCauchy, { ulps: 6 }],
    ['gumbel', 6, wordToGumbel, { abs: 1.1e-6, ulps: 4 }],
  ];
  for (const [name, kind, f, tol] of cases) {
    test.skipIf(!native)(name, () => {
      const got = map(kind);
      for (let i = 0; i < got.length; i++) if (!Number.isFinite(got[i])) expect.fail(`${name}(${words[i]}) = ${got[i]}`);
      expectClose(got, Array.from(words, f), tol, name);
    });
  }
  test.skipIf(!native)('gumbel_bound ≥ the exact Gumbel for every chosen word', () => {
    const g = map(6), b = map(7);
    for (let i = 0; i < g.length; i++) {
      if (!(b[i] >= g[i] && b[i] >= wordToGumbel(words[i]))) expect.fail(`bound(${words[i]}) = ${b[i]} < ${g[i]}`);
    }
  });
});

describe('threads', () => {
  const threads = lk.backend().threads;
  afterAll(() => lk.setThreads(threads));
  test('results do not depend on the thread count', () => {
    const rows = 64, cols = 5000;
    const x = randomF32(rows * cols, 3, -5, 5);
    const run = () => [
      lk.sampleCategorical(x, cols, { seed: 4 }),
      lk.gumbelTopK(x, cols, 8, { seed: 4 }).indices,
      lk.gumbelSoftmax(x, cols, { seed: 4 }).y,
      lk.truncatedGumbel(x, 0, { seed: 4 }),
      lk.gumbel(x.length, { seed: 4 }),
    ];
    lk.setThreads(1);
    const a = run();
    lk.setThreads(2);
    const b = run();
    a.forEach((v, i) => expectSameBits(v, b[i], `output ${i}`));
  });
});

describe('per-row streams (options.rngs)', () => {
  for (const [name, api] of APIS) {
    test(`${name}: row r of a batch = a single-row call on rngs[r]`, () => {
      const rows = 5, cols = 37;
      const x = randomF32(rows * cols, 17, -3, 3);
      const seeds = [3, 1, 4, 1, 5].map((s, r) => s * 1000 + r);
      const rngs = seeds.map((s) => new lk.Rng(s).advance(r0(s)));
      function r0(s: number): number { return s % 7; }
      const cat = api.sampleCategorical(x, cols, { rngs, temperature: 0.8 });
      const top = api.gumbelTopK(x, cols, 4, { rngs: seeds.map((s) => new lk.Rng(s).advance(r0(s))) });
      const gs = api.gumbelSoftmax(x, cols, { rngs: seeds.map((s) => new lk.Rng(s).advance(r0(s))), tau: 0.5 });
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * cols, (r + 1) * cols);
        const one = () => new lk.Rng(seeds[r]).advance(r0(seeds[r]));
        expect(cat[r]).toBe(api.sampleCategorical(row, cols, { rng: one(), temperature: 0.8 })[0]);
        expectSameArray(top.indices.subarray(4 * r, 4 * r + 4), api.gumbelTopK(row, cols, 4, { rng: one() }).indices);
        expectSameBits(gs.y.subarray(r * cols, (r + 1) * cols), api.gumbelSoftmax(row, cols, { rng: one(), tau: 0.5 }).y, `gumbelSoftmax row ${r}`);
        // each Rng reserved cols words
        expect(rngs[r].counter).toBe(BigInt(r0(seeds[r]) + Math.ceil(cols / 4)));
      }
    });
  }
  test('native and reference agree with per-row streams', () => {
    const rows = 6, cols = 1001;
    const x = randomF32(rows * cols, 23, -6, 6);
    const mk = () => Array.from({ length: rows }, (_, r) => new lk.Rng(BigInt(r) * 7919n + 2n ** 63n));
    expectSameArray(lk.sampleCategorical(x, cols, { rngs: mk() }), ref.sampleCategorical(x, cols, { rngs: mk() }));
    expectSameArray(lk.gumbelTopK(x, cols, 7, { rngs: mk() }).indices, ref.gumbelTopK(x, cols, 7, { rngs: mk() }).indices);
  });
});

describe('statistics: Gumbel-max, Gumbel-top-k, Gumbel-softmax', () => {
  const logits = [1.5, -0.3, 0.7, 2.2, -1.9, 0.1];
  for (const [name, api] of APIS) {
    const N = name === 'native' ? 200_000 : 40_000;
    for (const temperature of [1, 0.5, 2.5]) {
      test(`${name}: sampleCategorical frequencies = softmax(x/τ), τ = ${temperature} (chi-square)`, () => {
        const idx = api.sampleCategorical(tile(logits, N), logits.length, { seed: 100 + temperature * 10, temperature });
        expectChiSquare(counts(idx, logits.length), softmaxF64(logits, 1 / temperature), `τ=${temperature}`);
      });
    }
    test(`${name}: masked logits are never drawn; the rest keep their softmax (chi-square)`, () => {
      const row = [0.5, NEG, 1.0, NEG, -0.5, 0.0, NEG];
      const idx = api.sampleCategorical(tile(row, N), row.length, { seed: 7 });
      expectChiSquare(counts(idx, row.length), softmaxF64(row), 'masked');
    });
    test(`${name}: gumbelTopK k = 2 of 4: ordered pairs follow Plackett–Luce (chi-square)`, () => {
      const row = [0.9, -0.4, 0.3, 1.3];
      const p = softmaxF64(row);
      const { indices } = api.gumbelTopK(tile(row, N), 4, 2, { seed: 55 });
      const obs = new Array(16).fill(0);
      for (let r = 0; r < N; r++) obs[indices[2 * r] * 4 + indices[2 * r + 1]]++;
      const exp = Array.from({ length: 16 }, (_, c) => {
        const i = Math.floor(c / 4), j = c % 4;
        return i === j ? 0 : (p[i] * p[j]) / (1 - p[i]);
      });
      expectChiSquare(obs, exp, 'ordered pairs');
    });
    test(`${name}: gumbelTopK k = 3 of 5 with a mask: ordered triples (chi-square)`, () => {
      const row = [0.2, NEG, 1.1, -0.6, 0.5];
      const p = softmaxF64(row);
      const { indices } = api.gumbelTopK(tile(row, N), 5, 3, { seed: 56 });
      const obs = new Array(125).fill(0);
      for (let r = 0; r < N; r++) obs[indices[3 * r] * 25 + indices[3 * r + 1] * 5 + indices[3 * r + 2]]++;
      const exp = Array.from({ length: 125 }, (_, c) => {
        const i = Math.floor(c / 25), j = Math.floor(c / 5) % 5, l = c % 5;
        if (i === j || j === l || i === l) return 0;
        return p[i] * (p[j] / (1 - p[i])) * (p[l] / (1 - p[i] - p[j]));
      });
      expectChiSquare(obs, exp, 'ordered triples');
    });
    test(`${name}: the max of the perturbed logits is Gumbel(logsumexp) (KS)`, () => {
      const row = [0.3, -1.2, 2.0, 0.8, -0.1, 1.4, -2.5, 0.0, 0.6, 1.1];
      const n = name === 'native' ? 100_000 : 30_000;
      const { perturbed } = api.gumbelTopK(tile(row, n), row.length, 1, { seed: 91 });
      const m = lse(row);
      expectKS(perturbed, (x) => gumbelCdf(x - m), 'max perturbed');
    });
    test(`${name}: gumbelSoftmax index is a softmax sample (chi-square), y sums to 1`, () => {
      const n = N / 4;
      const { y, index } = api.gumbelSoftmax(tile(logits, n), logits.length, { seed: 61, tau: 0.7 });
      expectChiSquare(counts(index, logits.length), softmaxF64(logits), 'index');
      for (let r = 0; r < 50; r++) {
        let s = 0;
        for (let j = 0; j < logits.length; j++) s += y[r * logits.length + j];
        expect(s).toBeCloseTo(1, 5);
      }
    });
  }
});

// Regression: the native kernels added the noise to the logit in float32, so logits of 1e6 and
// more rounded x + G to ties that went to the lower index (P(0) = 0.511 at 1e6, 0.98 at 1e8
// for [v, v]); the float64 reference had the same fault from about 1e16. Exact for any finite
// logits now: perturbed values are compared relative to each other (pairs x, G).
describe('large logits sample exactly (chi-square against the exact probabilities)', () => {
  const N = 20_000;
  const next = (v: number) => { const f = new Float32Array([v]); const u = new Uint32Array(f.buffer); u[0] += v >= 0 ? 1 : -1; return f[0]; };
  for (const [name, api] of APIS) {
    for (const v of [1e6, 1e7, 1e8, 1e17, 1e30, -1e30, 3e38]) {
      test(`${name}: [${v}, ${v}] and [${v}, next float]: sampleCategorical, gumbelTopK, gumbelSoftmax`, () => {
        const idx = api.sampleCategorical(tile([v, v], N), 2, { seed: 11 });
        expectChiSquare(counts(idx, 2), [0.5, 0.5], `categorical ${v}`);
        const top = api.gumbelTopK(tile([v, v, 0, 0], N), 4, 3, { seed: 12 });
        const first = new Int32Array(N), third = new Int32Array(N);
        for (let r = 0; r < N; r++) { first[r] = top.indices[3 * r]; third[r] = top.indices[3 * r + 2] - 2; }
        if (v > 0) {
          expectChiSquare(counts(first, 2), [0.5, 0.5], `gumbelTopK first ${v}`);
          expectChiSquare(counts(third, 2), [0.5, 0.5], `gumbelTopK third ${v}`);
        }
        const gs = api.gumbelSoftmax(tile([v, v], N), 2, { seed: 13 });
        expectChiSquare(counts(gs.index, 2), [0.5, 0.5], `gumbelSoftmax index ${v}`);
        let y0 = 0;
        for (let r = 0; r < N; r++) y0 += gs.y[2 * r];
        // E[y0] = 1/2 by symmetry; sd of y0 is below 1/2, so 4.5 sd of the mean is < 0.016.
        expect(Math.abs(y0 / N - 0.5), `gumbelSoftmax mean y0 ${v}`).toBeLessThan(0.016);
        const w = next(v), d = w - v; // one float apart: P(1) = σ(d·invT)
        if (Math.abs(d) < 40) {
          for (const temperature of [1, 2]) {
            const p1 = 1 / (1 + Math.exp(-d / temperature));
            const i2 = api.sampleCategorical(tile([v, w], N), 2, { seed: 14, temperature });
            expectChiSquare(counts(i2, 2), [1 - p1, p1], `categorical [${v}, next] τ=${temperature}`);
          }
        }
      });
    }
  }
});

describe('output buffers', () => {
  test('out is written and returned; gumbelSoftmax may run in place', () => {
    const rows = 3, cols = 101;
    const x = randomF32(rows * cols, 80, -2, 2);
    for (const [name, api] of APIS) {
      const out = new Int32Array(rows);
      expect(api.sampleCategorical(x, cols, { seed: 1, out })).toBe(out);
      expectSameArray(out, api.sampleCategorical(x, cols, { seed: 1 }));
      const want = api.gumbelSoftmax(x, cols, { seed: 2, tau: 0.5 });
      const inPlace = x.slice();
      const got = api.gumbelSoftmax(inPlace, cols, { seed: 2, tau: 0.5, out: inPlace });
      expect(got.y, name).toBe(inPlace);
      expectSameBits(got.y, want.y, `${name} in place`);
      expectSameArray(got.index, want.index);
      const g = new Float32Array(77);
      expect(api.gumbel(77, { seed: 3, out: g })).toBe(g);
      const sOut = new Float32Array(9);
      expect(api.sample.normal(9, {}, { seed: 4, out: sOut })).toBe(sOut);
      expect(api.sample.gamma(9, { shape: 2 }, { seed: 4, out: sOut })).toBe(sOut);
    }
  });
});

describe('Gumbel-softmax', () => {
  test('y = softmax((x + g)/τ) with g the gumbel() of the same stream; index = sampleCategorical', () => {
    const rows = 6, cols = 50;
    const x = randomF32(rows * cols, 71, -3, 3);
    for (const tau of [1, 0.25, 4]) {
      const g = lk.gumbel(rows * cols, { seed: 8 });
      const z = x.map((v, i) => v + g[i]);
      const { y, index } = lk.gumbelSoftmax(x, cols, { seed: 8, tau });
      expectClose(y, ref.softmax(z, cols, { temperature: tau }), { abs: 1e-7, rel: 1e-5 / Math.min(1, tau) }, `τ=${tau}`);
      expectSameArray(index, lk.sampleCategorical(x, cols, { seed: 8 }));
    }
  });
  test('hard: y is the one-hot of index (straight-through forward)', () => {
    const rows = 4, cols = 9;
    const x = randomF32(rows * cols, 72, -1, 1);
    const { y, index } = lk.gumbelSoftmax(x, cols, { seed: 2, hard: true, tau: 0.3 });
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) expect(y[r * cols + j]).toBe(j === index[r] ? 1 : 0);
    }
    expectSameArray(index, lk.gumbelSoftmax(x, cols, { seed: 2, tau: 0.3 }).index);
  });
  test('τ → 0 stays finite and tends to the one-hot', () => {
    const x = randomF32(3 * 20, 73, -2, 2);
    for (const [name, api] of APIS) {
      const { y, index } = api.gumbelSoftmax(x, 20, { seed: 5, tau: 1e-4 });
      for (let i = 0; i < y.length; i++) expect(Number.isFinite(y[i]), name).toBe(true);
      for (let r = 0; r < 3; r++) expect(y[r * 20 + index[r]]).toBeGreaterThan(0.99);
    }
  });
  test('backward: softmaxBackward(y, dy)/τ is the gradient of ⟨dy, y⟩ (finite differences, fixed noise)', () => {
    const cols = 7, tau = 0.6, h = 1e-3;
    const x = randomF32(cols, 74, -1, 1);
    const dy = randomF32(cols, 75, -1, 1);
    const f = (v: Float32Array) => {
      const y = ref.gumbelSoftmax(v, cols, { seed: 6, tau }).y;
      return y.reduce((a, yi, i) => a + yi * dy[i], 0);
    };
    const y = ref.gumbelSoftmax(x, cols, { seed: 6, tau }).y;
    const grad = ref.softmaxBackward(y, dy, cols).map((v) => v / tau);
    for (let j = 0; j < cols; j++) {
      const xp = x.slice(), xm = x.slice();
      xp[j] += h;
      xm[j] -= h;
      const fd = (f(xp) - f(xm)) / (xp[j] - xm[j]);
      expect(Math.abs(fd - grad[j])).toBeLessThan(2e-4);
    }
  });
});

describe('truncatedGumbel', () => {
  // P(G ≤ t | G ≤ T) for G ~ Gumbel(loc): exp(−(e^(loc−t) − e^(loc−T))) = exp(−e^(loc−T)·expm1(T − t)).
  const cdf = (loc: number, T: number) => (t: number) => (t >= T ? 1 : Math.exp(-Math.exp(loc - T) * Math.expm1(T - t)));
  for (const [name, api] of APIS) {
    for (const d of [-50, -3, 0, 2, 50]) {
      test(`${name}: KS against the truncated CDF, loc − T = ${d}`, () => {
        const n = name === 'native' ? 50_000 : 20_000;
        const T = 0; // T = 0 keeps the float32 resolution of a sample within e^(−50) of T
        const s = api.truncatedGumbel(new Float32Array(n).fill(d), T, { seed: 1000 + d });
        for (let i = 0; i < n; i++) if (!(s[i] <= T)) expect.fail(`sample ${i} = ${s[i]} > T`);
        expectKS(s, cdf(d, T), `loc − T = ${d}`);
      });
    }
  }
  test('finite and ≤ T for loc − T across [−50, 50] and T from −1e4 to 1e4', () => {
    const n = 4001;
    const loc = new Float32Array(n), T = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      T[i] = [-1e4, -3, 0, 7.5, 1e4][i % 5];
      loc[i] = T[i] + (-50 + (100 * i) / (n - 1));
    }
    for (const [name, api] of APIS) {
      const s = api.truncatedGumbel(loc, T, { seed: 3 });
      for (let i = 0; i < n; i++) {
        if (!(Number.isFinite(s[i]) && s[i] <= T[i])) expect.fail(`${name}: sample ${i} = ${s[i]} (loc ${loc[i]}, T ${T[i]})`);
      }
    }
  });
  test(`native (${TIER}) keeps relative precision far above T (samples within e^(−50) of T = 0)`, () => {
    for (const d of [50, 20, 0, -20, -50]) {
      const loc = new Float32Array(2000).fill(d);
      const a = lk.truncatedGumbel(loc, 0, { seed: 17 }), b = ref.truncatedGumbel(loc, 0, { seed: 17 });
      // float32 g = loc + G carries |g|·2⁻²⁴ absolute, which e^(T−g) turns into relative error
      expectClose(a, b, { ulps: 8, rel: (Math.abs(d) + 23) * 2 ** -23 }, `loc − T = ${d}`);
    }
  });
  test('T = Infinity is untruncated Gumbel(loc); loc = ±Infinity', () => {
    const loc = randomF32(100, 9, -5, 5);
    const g = lk.gumbel(100, { seed: 4 });
    expectClose(lk.truncatedGumbel(loc, Infinity, { seed: 4 }), Array.from(loc, (l, i) => l + g[i]), { abs: 1e-5 }, 'T = ∞');
    for (const api of [lk, ref]) {
      const s = api.truncatedGumbel(new Float32Array([Infinity, -Infinity]), 2, { seed: 1 });
      expect(Array.from(s)).toEqual([2, -Infinity]);
    }
  });
});

describe('reparameterised samplers (KS against their CDFs)', () => {
  const n = 100_000;
  const o = (seed: number) => ({ seed });
  const s = lk.sample;
  test('normal, and the diagonal form μ + σ·ε', () => {
    expectKS(s.normal(n, {}, o(1)), normalCdf, 'N(0,1)');
    expectKS(s.normal(n, { mean: -2, std: 0.5 }, o(2)), (x) => normalCdf((x + 2) / 0.5), 'N(−2, 0.5²)');
    const mean = randomF32(n, 3, -10, 10), std = randomF32(n, 4, 0.1, 3);
    const z = s.normal(n, { mean, std }, o(3));
    expectKS(z.map((v, i) => (v - mean[i]) / std[i]), normalCdf, 'diagonal');
    // symmetric words give opposite values, so the sample mean is tight
    expect(Math.abs(s.normal(n, {}, o(5)).reduce((a, v) => a + v, 0) / n)).toBeLessThan(4.5 / Math.sqrt(n));
  });
  test('exponential', () => {
    expectKS(s.exponential(n, {}, o(6)), (x) => 1 - Math.exp(-x), 'Exp(1)');
    expectKS(s.exponential(n, { rate: 4 }, o(7)), (x) => 1 - Math.exp(-4 * x), 'Exp(4)');
  });
  test('laplace', () => {
    const F = (x: number) => (x < 0 ? 0.5 * Math.exp(x) : 1 - 0.5 * Math.exp(-x));
    expectKS(s.laplace(n, {}, o(8)), F, 'Laplace(0,1)');
    expectKS(s.laplace(n, { loc: 3, scale: 2 }, o(9)), (x) => F((x - 3) / 2), 'Laplace(3,2)');
  });
  test('cauchy', () => {
    const F = (x: number) => 0.5 + Math.atan(x) / Math.PI;
    expectKS(s.cauchy(n, {}, o(10)), F, 'Cauchy(0,1)');
    expectKS(s.cauchy(n, { loc: -1, scale: 0.1 }, o(11)), (x) => F((x + 1) / 0.1), 'Cauchy(−1, 0.1)');
  });
  test('logNormal', () => {
    expectKS(s.logNormal(n, { mean: 0.5, std: 0.8 }, o(12)), (x) => (x <= 0 ? 0 : normalCdf((Math.log(x) - 0.5) / 0.8)), 'LogNormal');
  });
  test('rademacher (chi-square)', () => {
    const r = s.rademacher(n, {}, o(13));
    let plus = 0;
    for (const v of r) {
      if (v !== 1 && v !== -1) expect.fail(`rademacher gave ${v}`);
      plus += v === 1 ? 1 : 0;
    }
    expectChiSquare([plus, n - plus], [0.5, 0.5], 'rademacher');
  });
  for (const shape of [0.05, 0.3, 1, 2.5, 10]) {
    test(`gamma(shape = ${shape}) and inverseGamma`, () => {
      const g = s.gamma(n, { shape, rate: 2 }, o(20 + shape * 100));
      expectKS(g, (x) => gammaP(shape, 2 * x), `Gamma(${shape}, 2)`);
      const ig = s.inverseGamma(n, { shape, scale: 3 }, o(21 + shape * 100));
      expectKS(ig, (x) => (x <= 0 ? 0 : gammaQ(shape, 3 / x)), `InvGamma(${shape}, 3)`);
    });
  }
  test('gamma consumes about 2 words per draw (shape ≥ 1), 3 below, and advances the Rng past them', () => {
    for (const [shape, lo, hi] of [[2.5, 2, 2.2], [0.5, 3, 3.2]] as const) {
      const rng = new lk.Rng(1);
      s.gamma(10_000, { shape }, { rng });
      const words = Number(rng.counter) * 4;
      expect(words / 10_000).toBeGreaterThanOrEqual(lo);
      expect(words / 10_000).toBeLessThan(hi);
      // the next call continues right after
      const r2 = new ref.Rng(1);
      ref.sample.gamma(10_000, { shape }, { rng: r2 });
      expect(r2.counter).toBe(rng.counter);
    }
  });
  test('rate / scale / loc as Float32Arrays', () => {
    const rate = randomF32(n, 30, 0.5, 5);
    const e = s.exponential(n, { rate }, o(31));
    expectKS(e.map((v, i) => v * rate[i]), (x) => 1 - Math.exp(-x), 'Exp(rate_i)');
    const scale = randomF32(n, 32, 0.5, 5);
    const g = s.gamma(n, { shape: 2, rate: scale }, o(33));
    expectKS(g.map((v, i) => v * scale[i]), (x) => gammaP(2, x), 'Gamma(2, rate_i)');
  });
});

describe('masks, ties, NaN and the no-support sentinel', () => {
  for (const [name, api] of APIS) {
    test(`${name}: an all -Infinity row gives −1 (categorical, gumbelSoftmax) and −1 / -Infinity slots (top-k)`, () => {
      const x = new Float32Array([NEG, NEG, NEG, 0.5, NEG, 1.0]);
      const cat = api.sampleCategorical(x, 3, { seed: 1 });
      expect(cat[0]).toBe(-1);
      expect([0, 2]).toContain(cat[1]);
      const gs = api.gumbelSoftmax(x, 3, { seed: 1 });
      expect(gs.index[0]).toBe(-1);
      expect(Array.from(gs.y.subarray(0, 3))).toEqual([0, 0, 0]);
      const hard = api.gumbelSoftmax(x, 3, { seed: 1, hard: true });
      expect(Array.from(hard.y.subarray(0, 3))).toEqual([0, 0, 0]);
      const top = api.gumbelTopK(x, 3, 3, { seed: 1 });
      expect(Array.from(top.indices.subarray(0, 3))).toEqual([-1, -1, -1]);
      expect(Array.from(top.perturbed.subarray(0, 3))).toEqual([NEG, NEG, NEG]);
      expect(Array.from(top.indices.subarray(3, 6)).sort()).toEqual([-1, 0, 2].sort());
      expect(top.indices[5]).toBe(-1);
      expect(top.perturbed[5]).toBe(NEG);
    });
    test(`${name}: ties go to the lower index; a NaN logit is chosen first`, () => {
      const x = new Float32Array([0, Infinity, 3, Infinity, 1, /* row 2 */ 1, NaN, 2, NaN, 50]);
      expect(Array.from(api.sampleCategorical(x, 5, { seed: 2 }))).toEqual([1, 1]);
      expect(Array.from(api.gumbelSoftmax(x, 5, { seed: 2 }).index)).toEqual([1, 1]);
      const top = api.gumbelTopK(x, 5, 2, { seed: 2 });
      expect(Array.from(top.indices)).toEqual([1, 3, 1, 3]);
    });
    test(`${name}: a huge logit wins, masks elsewhere do not matter`, () => {
      const cols = 300;
      const x = new Float32Array(cols).fill(NEG);
      x[123] = -1e30;
      x[200] = 5;
      expect(api.sampleCategorical(x, cols, { seed: 3 })[0]).toBe(200);
      x[200] = NEG;
      expect(api.sampleCategorical(x, cols, { seed: 3 })[0]).toBe(123);
    });
  }
});

describe('bad input', () => {
  const x = new Float32Array(12);
  test('randomness options', () => {
    expectError(() => lk.sampleCategorical(x, 4), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rng|seed/);
    expectError(() => lk.gumbelTopK(x, 4, 2, {}), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rng|seed/);
    expectError(() => lk.gumbelSoftmax(x, 4, { rng: 5 as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rng/);
    expectError(() => lk.truncatedGumbel(x, 0), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rng|seed/);
    expectError(() => lk.sample.normal(3), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rng|seed/);
    expectError(() => lk.sampleCategorical(x, 4, { seed: -3 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /seed/);
    const rngs = [new lk.Rng(1), new lk.Rng(2), new lk.Rng(3)];
    expectError(() => lk.sampleCategorical(x, 4, { rngs: rngs.slice(0, 2) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /rngs\.length = 2.*rows = 3/);
    expectError(() => lk.gumbelTopK(x, 4, 1, { rngs: [rngs[0], 7, rngs[2]] as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rngs\[1\]/);
    expectError(() => lk.sampleCategorical(x, 4, { rngs: rngs[0] as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rngs/);
    expectError(() => lk.sampleCategorical(x, 4, { rngs, seed: 1 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /sampleCategorical: options\.seed and options\.rngs were given together/);
    // nothing was reserved by the refused calls
    for (const r of rngs) expect(r.counter).toBe(0n);
  });
  test('logits, cols, temperature, tau, hard, k', () => {
    const rng = new lk.Rng(1);
    expectError(() => lk.sampleCategorical([1, 2] as never, 2, { rng }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /logits/);
    expectError(() => lk.sampleCategorical(new Float64Array(4) as never, 2, { rng }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /logits/);
    expectError(() => lk.sampleCategorical(detached(), 2, { rng }), TypeError, 'ERR_LOGITKIT_DETACHED', /logits/);
    expectError(() => lk.sampleCategorical(x, 5, { rng }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /multiple of cols/);
    expectError(() => lk.sampleCategorical(x, 0, { rng }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /cols/);
    for (const t of [NaN, 0, -1, Infinity]) {
      expectError(() => lk.sampleCategorical(x, 4, { rng, temperature: t }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /temperature/);
      expectError(() => lk.gumbelSoftmax(x, 4, { rng, tau: t }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /tau/);
    }
    expectError(() => lk.sampleCategorical(x, 4, { rng, temperature: '1' as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /temperature/);
    expectError(() => lk.sampleCategorical(x, 4, { rng, out: new Int32Array(2) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /out/);
    expectError(() => lk.sampleCategorical(x, 4, { rng, out: new Float32Array(3) as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /out/);
    expectError(() => lk.gumbelSoftmax(x, 4, { rng, hard: 1 as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /hard/);
    expectError(() => lk.gumbelSoftmax(x, 4, { rng, out: new Float32Array(11) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /out/);
    expectError(() => lk.gumbelTopK(x, 4, 5, { rng }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /k = 5.*\[0, 4\]/);
    expectError(() => lk.gumbelTopK(x, 4, -1, { rng }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /k/);
    expectError(() => lk.gumbelTopK(x, 4, 1.5, { rng }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /k/);
    expect(rng.counter).toBe(0n);
    expect(lk.gumbelTopK(x, 4, 0, { rng }).indices.length).toBe(0);
  });
  test('truncatedGumbel arguments', () => {
    const rng = new lk.Rng(1);
    expectError(() => lk.truncatedGumbel(x, NaN, { rng }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /T/);
    expectError(() => lk.truncatedGumbel(x, -Infinity, { rng }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /T/);
    expectError(() => lk.truncatedGumbel(x, new Float32Array(3), { rng }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /T\.length/);
    expectError(() => lk.truncatedGumbel(x, '0' as never, { rng }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /T/);
    expectError(() => lk.truncatedGumbel([0] as never, 0, { rng }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /loc/);
    expectError(() => lk.truncatedGumbel(x, 0, { rng, out: new Float32Array(2) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /out/);
    expect(rng.counter).toBe(0n);
  });
  test('sampler parameters', () => {
    const o = { seed: 1 };
    expectError(() => lk.sample.normal(-1, {}, o), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /n/);
    expectError(() => lk.sample.normal(4, { std: -1 }, o), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /std/);
    expectError(() => lk.sample.normal(4, { mean: NaN }, o), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /mean/);
    expectError(() => lk.sample.normal(4, { mean: new Float32Array(3) }, o), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /mean\.length/);
    expectError(() => lk.sample.normal(4, { mean: [0, 0, 0, 0] as never }, o), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /mean/);
    expectError(() => lk.sample.normal(4, 3 as never, o), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /params/);
    expectError(() => lk.sample.exponential(4, { rate: 0 }, o), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /rate/);
    expectError(() => lk.sample.laplace(4, { scale: -2 }, o), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /scale/);
    expectError(() => lk.sample.cauchy(4, { loc: Infinity }, o), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /loc/);
    expectError(() => lk.sample.gamma(4, {} as never, o), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /shape/);
    expectError(() => lk.sample.gamma(4, { shape: 0 }, o), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /shape/);
    expectError(() => lk.sample.inverseGamma(4, { shape: 1, scale: NaN }, o), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /scale/);
    expectError(() => lk.sample.rademacher(4, {}, { seed: 1, out: new Float32Array(5) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /out/);
  });
  test('the native binding refuses bad lengths instead of reading out of bounds', async () => {
    const { native } = await import('../lib/native.js');
    if (!native) return;
    const b = native as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(() => b.sampleCategorical(x, 4, 1, new Int32Array(2), 0, 0, 0, 0, 0, 0, null)).toThrow(RangeError);
    expect(() => b.sampleCategorical(x, 4, 1, new Int32Array(3), 0, 0, 0, 0, 0, 0, new Uint32Array(5))).toThrow(RangeError);
    expect(() => b.gumbelTopK(x, 4, 5, new Int32Array(15), new Float32Array(15), 0, 0, 0, 0, 0, 0, null)).toThrow(RangeError);
    expect(() => b.gumbelSoftmax(x, 4, 1, true, new Float32Array(11), new Int32Array(3), 0, 0, 0, 0, 0, 0, null)).toThrow(RangeError);
    expect(() => b.truncatedGumbel(x, 0, new Float32Array(2), new Float32Array(12), 0, 0, 0, 0, 0, 0)).toThrow(RangeError);
    expect(() => b.sampleGumbel(new Float32Array(4), -1, 0, 0, 0, 0, 0, 0, 1)).toThrow(RangeError);
  });
});
