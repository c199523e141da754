// NCE family: the reference against independent float64 numbers and finite differences;
// negative sampling as NCE with k·q = 1; native (this process's tier) vs reference on random
// and adversarial rows; the alias sampler (chi-square, draws word for word equal to the
// reference, zero weights); the fused skip-gram step against the step composed from the
// reference, bit-identical across thread counts; bad input.
import { describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import * as ref from '../lib/reference/index.js';
import * as refk from '../lib/reference/nce.js';
import { native as nat } from '../lib/native.js';
import { expectClose, expectError, randomF32, TIER, unaligned } from './helpers.js';
import { expectChiSquare, expectSameBits } from './sampling-stats.js';

const T = 'ERR_LOGITKIT_INVALID_ARG_TYPE', R = 'ERR_LOGITKIT_OUT_OF_RANGE';
const native = TIER !== 'js';

/** −log σ(x) written independently of the implementation (log(1 + e^−x), or its asymptote). */
function nlSig(x: number): number {
  return x > 30 ? Math.exp(-x) : x < -30 ? -x + Math.exp(x) : Math.log(1 + Math.exp(-x));
}
function lossF64(s: ArrayLike<number>, lq: ArrayLike<number> | null, k: number, at: number): number {
  let l = 0;
  for (let j = 0; j <= k; j++) {
    const d = s[at + j] - (lq ? Math.log(k) + lq[at + j] : 0);
    l += j === 0 ? nlSig(d) : nlSig(-d);
  }
  return l;
}

/** Adversarial scores: ±0, subnormals, ±1e30, ±3e38, ±Infinity, NaN, mixed with ordinary ones. */
function adversarial(n: number, seed: number): Float32Array {
  const special = [0, -0, 1e-45, -1e-40, 1e30, -1e30, 3e38, -3e38, Infinity, -Infinity, NaN, 88, -104, 20, -20];
  const x = randomF32(n, seed, -12, 12);
  for (let i = 0; i < n; i += 3) x[i] = special[(i * 7 + seed) % special.length];
  return x;
}

describe('reference nceLoss', () => {
  test('matches an independent float64 computation (NCE and negative sampling)', () => {
    for (const k of [1, 5, 20]) {
      const rows = 7, s = randomF32(rows * (k + 1), k, -6, 6), lq = randomF32(rows * (k + 1), k + 3, -12, -1);
      for (const q of [lq, null]) {
        const r = ref.nceLoss(s, q, k, { reduction: 'none' });
        for (let i = 0; i < rows; i++) expect(Math.abs(r.loss[i] - lossF64(s, q, k, i * (k + 1)))).toBeLessThanOrEqual(1e-6 * Math.abs(r.loss[i]));
        const m = ref.nceLoss(s, q, k);
        let sum = 0;
        for (let i = 0; i < rows; i++) sum += lossF64(s, q, k, i * (k + 1));
        expect(Math.abs(m.loss - sum / rows)).toBeLessThan(1e-12 * sum);
        expect(ref.nceLoss(s, q, k, { reduction: 'sum' }).loss).toBeCloseTo(sum, 10);
      }
    }
  });

  test('finite differences of the float64 kernel', () => {
    const k = 4, cols = k + 1, rows = 3;
    const s = Float64Array.from(randomF32(rows * cols, 9, -5, 5)), lq = Float64Array.from(randomF32(rows * cols, 2, -9, -1));
    const g = new Float64Array(s.length);
    refk.nceLoss(s, lq, Math.log(k), cols, 1, g, null, new Float64Array(1));
    const f = (x: Float64Array) => refk.nceLoss(x, lq, Math.log(k), cols, 1, null, null, new Float64Array(1))[0];
    for (let i = 0; i < s.length; i++) {
      const h = 1e-6, a = Float64Array.from(s), b = Float64Array.from(s);
      a[i] += h; b[i] -= h;
      expect(Math.abs((f(a) - f(b)) / (2 * h) - g[i])).toBeLessThan(1e-8);
    }
  });

  test('extremes: ±1e30 and ±Infinity give exact losses and gradients, NaN propagates', () => {
    const s = new Float32Array([1e30, -1e30, 1e30, -1e30, Infinity, -Infinity, NaN, 0]);
    const r = ref.nceLoss(s, null, 1, { reduction: 'none' });
    // rows: (1e30 | −1e30) → 0; (1e30 | −1e30) → 0; (Inf | −Inf) → 0; (NaN | 0) → NaN
    expect(Array.from(r.loss.slice(0, 3))).toEqual([0, 0, 0]);
    expect(r.loss[3]).toBeNaN();
    const w = ref.nceLoss(new Float32Array([-1e30, 1e30]), null, 1, { reduction: 'none' });
    expect(w.loss[0]).toBe(Math.fround(2e30));
    expect(Array.from(w.grad!)).toEqual([-1, 1]);
  });
});

describe(`native nceLoss / nceLogits (${TIER})`, () => {
  test('negative sampling equals NCE with k·q = 1', () => {
    for (const k of [1, 5, 20]) {
      const s = randomF32(50 * (k + 1), k, -9, 9);
      const lq = new Float32Array(s.length).fill(-Math.log(k));
      for (const api of [lk, ref]) {
        const a = api.nceLoss(s, null, k, { reduction: 'none' }), b = api.nceLoss(s, lq, k, { reduction: 'none' });
        expectClose(b.loss, a.loss, { rel: 2e-7, abs: 1e-7 }, 'loss');
        expectClose(b.grad!, a.grad!, { abs: 2e-7 }, 'grad');
      }
    }
  });

  test('matches the reference: random and adversarial rows, k = 1..33, every reduction, views', () => {
    for (let k = 1; k <= 33; k++) {
      const cols = k + 1, rows = 1 + (k % 5) * 7;
      for (const mk of [() => randomF32(rows * cols, k, -30, 30), () => adversarial(rows * cols, k)]) {
        const s = mk(), lq = randomF32(rows * cols, k + 100, -15, -0.5);
        for (const q of [lq, null]) {
          for (const reduction of ['none', 'sum', 'mean'] as const) {
            const a = lk.nceLoss(unaligned(s), q ? unaligned(q) : null, k, { reduction });
            const e = ref.nceLoss(s, q, k, { reduction });
            // Δ is rounded in float (≤ 1 ulp of max(|s|, |log kq|)) and each softplus is ≤ ~4 ulp.
            if (reduction === 'none') expectClose(a.loss as Float32Array, e.loss as Float32Array, { rel: 3e-6, abs: 1e-6 * (k + 1) }, `loss k=${k}`);
            else if (Number.isFinite(e.loss as number)) expect(Math.abs((a.loss as number) - (e.loss as number))).toBeLessThanOrEqual(3e-6 * Math.abs(e.loss as number) + 1e-5 * rows * cols);
            else expect(a.loss).toEqual(e.loss);
            const sc = reduction === 'mean' ? 1 / rows : 1;
            expectClose(a.grad!, e.grad!, { abs: 4e-7 * sc, rel: 2e-6 }, `grad k=${k} ${reduction}`);
          }
        }
      }
    }
  });

  test('long rows (row-by-row path above 2048 columns) and the block boundary', () => {
    for (const k of [2046, 2047, 2048, 3000]) {
      const cols = k + 1, rows = 3, s = adversarial(rows * cols, k), lq = randomF32(rows * cols, k, -15, -1);
      for (const q of [lq, null]) {
        const a = lk.nceLoss(s, q, k, { reduction: 'none' }), e = ref.nceLoss(s, q, k, { reduction: 'none' });
        expectClose(a.loss, e.loss, { rel: 2e-5, abs: 1e-6 * cols }, `loss k=${k}`);
        expectClose(a.grad!, e.grad!, { abs: 4e-7, rel: 2e-6 }, `grad k=${k}`);
      }
    }
  });

  test('each softplus term keeps its relative accuracy, tiny ones included (log1p as 2·atanh)', () => {
    // Rows of 1 + 1 with the noise column at −1e30 (its term is exactly 0): the row loss is
    // softplus(−s₀) alone. A dense sweep of z = −s₀ over [−60, 60] and the far tails; the bound
    // is 6·2⁻²⁴ relative to float64 plus the float32 rounding of the returned loss (the
    // measured worst is 5.8·2⁻²⁴ on avx512/avx2, README "NCE performance").
    const zs: number[] = [];
    for (let i = 0; i <= 24000; i++) zs.push(-60 + i / 200);
    zs.push(-87, -100, -103.9, 70, 1e3, 1e30);
    const s = new Float32Array(2 * zs.length);
    zs.forEach((z, i) => { s[2 * i] = -z; s[2 * i + 1] = -1e30; });
    const a = lk.nceLoss(s, null, 1, { reduction: 'none' });
    let worst = 0;
    zs.forEach((_, i) => {
      const z = -s[2 * i], e = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      if (e > 1.2e-38 / 2 ** -23) worst = Math.max(worst, Math.abs(a.loss[i] - e) / e);
    });
    expect(worst).toBeLessThanOrEqual(6.5 * 2 ** -24);
    expect(worst).toBeGreaterThan(0); // the check compares something
  });

  test('in-place gradient and grad: false', () => {
    const s = randomF32(21 * 64, 3, -10, 10), lq = randomF32(s.length, 4, -12, -2);
    const e = lk.nceLoss(s, lq, 20, { reduction: 'sum' });
    const x = Float32Array.from(s);
    const r = lk.nceLoss(x, lq, 20, { reduction: 'sum', grad: x });
    expect(r.grad).toBe(x);
    expectSameBits(x, e.grad!, 'in place');
    expect(r.loss).toBe(e.loss);
    expect(lk.nceLoss(s, lq, 20, { grad: false }).grad).toBeUndefined();
  });

  test('nceLogits: s − log k − log q', () => {
    for (const n of [0, 1, 7, 15, 16, 17, 33, 1000]) {
      const s = adversarial(n, n + 1), lq = randomF32(n, n + 2, -20, 0);
      const a = lk.nceLogits(unaligned(s), lq, 20), e = ref.nceLogits(s, lq, 20);
      expectClose(a, e, { ulps: 2, abs: 4e-6 }, `n=${n}`);
      expectSameBits(lk.nceLogits(s, null, 20), s, 'null logNoise');
      const o = Float32Array.from(s);
      expect(lk.nceLogits(o, lq, 20, { out: o })).toBe(o);
    }
  });

  test('bit-identical for any thread count: the total, the rows and the gradient', () => {
    // 4099 rows of 21: above the cut-over where rows are split over threads, and not a multiple
    // of the 4 interleaved sums that total the rows.
    const s = randomF32(21 * 4099, 11, -12, 12), lq = randomF32(s.length, 12, -9, -1);
    const threads = lk.backend().threads;
    const run = (t: number) => {
      lk.setThreads(t);
      return { sum: lk.nceLoss(s, lq, 20, { reduction: 'sum' }), none: lk.nceLoss(s, lq, 20, { reduction: 'none' }) };
    };
    const a = run(1), b = run(2);
    lk.setThreads(threads);
    expect(b.sum.loss).toBe(a.sum.loss);
    expectSameBits(b.none.loss, a.none.loss, 'row losses 1 vs 2 threads');
    expectSameBits(b.sum.grad!, a.sum.grad!, 'grad 1 vs 2 threads');
    // The total is the rows' double losses summed in a fixed order: it agrees with the sum of
    // the rows' losses as 'none' returns them (each rounded to float).
    let t = 0;
    for (const v of a.none.loss) t += v;
    expect(Math.abs(a.sum.loss - t)).toBeLessThan(1e-5 * Math.abs(t));
  });

  test('async equals sync', async () => {
    const s = randomF32(21 * 100, 5), lq = randomF32(s.length, 6, -9, -1);
    const a = await lk.nceLossAsync(s, lq, 20), b = lk.nceLoss(s, lq, 20);
    expect(a.loss).toBe(b.loss);
    expectSameBits(a.grad!, b.grad!, 'grad');
  });

  test('bad input', () => {
    const s = new Float32Array(6);
    expectError(() => lk.nceLoss(s, null, 4), RangeError, R, /nceLoss: scores.length = 6 is not a multiple of 1 \+ k = 5/);
    expectError(() => lk.nceLoss(s, new Float32Array(5), 2), RangeError, R, /logNoise.length/);
    expectError(() => lk.nceLoss(s, null, 0), RangeError, R, /k/);
    expectError(() => lk.nceLoss([1, 2] as any, null, 1), TypeError, T, /scores/);
    expectError(() => lk.nceLoss(s, null, 2, { reduction: 'avg' as any }), RangeError, R, /reduction/);
    expectError(() => lk.nceLoss(s, null, 2, { grad: new Float32Array(5) }), RangeError, R, /grad/);
    expectError(() => lk.nceLogits(s, null, 1.5), RangeError, R, /k/);
  });
});

describe(`AliasSampler (${TIER})`, () => {
  const weights = new Float64Array([5, 0, 1, 3, 0.25, 8, 0, 2, 1e-3, 4, 7, 0.5]);

  test('chi-square against its weights (fixed seeds), zero weights never drawn', () => {
    const q = new lk.AliasSampler(weights);
    let sum = 0;
    for (const w of weights) sum += w;
    for (const seed of [1, 2, 3]) {
      const d = q.sample(200_000, { seed });
      const counts = new Float64Array(weights.length);
      for (const i of d) counts[i]++;
      expectChiSquare(counts, Array.from(weights, (w) => w / sum), `seed ${seed}`);
    }
  });

  test('a skewed table (unigram of a Zipf vocabulary) passes chi-square', () => {
    const V = 500, counts = Float64Array.from({ length: V }, (_, i) => 1e6 / (i + 1));
    const p = lk.unigramNoise(counts);
    const d = new lk.AliasSampler(p).sample(500_000, { seed: 11 });
    const c = new Float64Array(V);
    for (const i of d) c[i]++;
    expectChiSquare(c, p, 'zipf');
  });

  test('the reference draws the same indices word for word, for any n and Rng position', () => {
    for (const V of [1, 2, 12, 1000, 100_003]) {
      const w = Float32Array.from(randomF32(V, V, 0, 3), (x, i) => (i % 5 === 3 ? 0 : x + 0.001));
      const a = new lk.AliasSampler(w), b = new ref.AliasSampler(w);
      expectSameBits(a.table, b.table, 'table');
      for (const n of [0, 1, 5, 63, 64, 65, 1000]) {
        const r1 = new lk.Rng(V + n).advance(n), r2 = new ref.Rng(V + n).advance(n);
        expectSameBits(a.sample(n, { rng: r1 }), b.sample(n, { rng: r2 }), `V=${V} n=${n}`);
        expect(r1.counter).toBe(r2.counter);
      }
    }
  });

  test('a large draw (split over threads) equals the reference; sampleAsync equals sample', async () => {
    const w = randomF32(777, 3, 0.1, 2);
    const a = new lk.AliasSampler(w).sample(300_001, { seed: 5 }), b = new ref.AliasSampler(w).sample(300_001, { seed: 5 });
    expectSameBits(a, b, 'draws');
    const rng = new lk.Rng(5);
    expectSameBits(await new lk.AliasSampler(w).sampleAsync(300_001, { rng }), a, 'async');
    expect(rng.counter).toBe(BigInt(Math.ceil(300_001 / 4)));
  });

  test('logProb, probabilities, unigramNoise', () => {
    const q = new lk.AliasSampler(weights);
    const lp = q.logProb(new Int32Array([0, 1, 5]));
    expect(lp[0]).toBeCloseTo(Math.log(5 / 30.751), 12);
    expect(lp[1]).toBe(-Infinity);
    expect(q.logNoise[5]).toBe(Math.fround(Math.log(8 / 30.751)));
    const u = lk.unigramNoise([16, 1, 0, 81]);
    expect(Array.from(u)).toEqual([8 / 36, 1 / 36, 0, 27 / 36].map((x) => expect.closeTo(x, 15)));
    expect(Array.from(lk.unigramNoise(new Int32Array([4, 4]), 0))).toEqual([0.5, 0.5]);
  });

  test('bad weights and options', () => {
    expectError(() => new lk.AliasSampler(new Float64Array([1, -1])), RangeError, R, /weights\[1\] = -1/);
    expectError(() => new lk.AliasSampler(new Float64Array([1, NaN])), RangeError, R, /weights\[1\] = NaN/);
    expectError(() => new lk.AliasSampler(new Float64Array([0, 0])), RangeError, R, /sum/);
    expectError(() => new lk.AliasSampler(new Float64Array(0)), RangeError, R, /length/);
    expectError(() => new lk.AliasSampler([1, 2] as any), TypeError, T, /weights/);
    const q = new lk.AliasSampler(weights);
    expectError(() => q.sample(3), TypeError, T, /rng/);
    expectError(() => q.sample(3, { seed: 1, out: new Int32Array(2) }), RangeError, R, /out/);
    expectError(() => q.logProb(new Int32Array([12])), RangeError, R, /indices\[0\] = 12/);
    expectError(() => lk.unigramNoise([0, 0]), RangeError, R, /positive/);
    expectError(() => lk.unigramNoise([1, -2]), RangeError, R, /counts\[1\]/);
  });
});

describe(`skipGramStep (${TIER})`, () => {
  function setup(V: number, dim: number, B: number, seed: number) {
    const input = randomF32(V * dim, seed, -0.5, 0.5), output = randomF32(V * dim, seed + 1, -0.5, 0.5);
    const counts = Float64Array.from({ length: V }, (_, i) => 1000 / (i + 1));
    const centre = new Int32Array(B), context = new Int32Array(B);
    for (let p = 0; p < B; p++) { centre[p] = (p * 7919 + seed) % V; context[p] = (p * 104729 + 3 * seed) % V; }
    return { input, output, centre, context, p: lk.unigramNoise(counts) };
  }

  for (const objective of ['negative-sampling', 'nce'] as const) {
    for (const [V, dim, B, k] of [[50, 1, 9, 1], [97, 17, 64, 5], [300, 128, 200, 20], [64, 33, 40, 3]]) {
      test(`deterministic equals the reference step: ${objective} V=${V} dim=${dim} B=${B} k=${k}`, () => {
        const s = setup(V, dim, B, dim);
        const a = { input: Float32Array.from(s.input), output: Float32Array.from(s.output) };
        const e = { input: Float32Array.from(s.input), output: Float32Array.from(s.output) };
        const na = new Int32Array(B * k), ne = new Int32Array(B * k);
        const la = lk.skipGramStep(a.input, a.output, dim, s.centre, s.context,
          { sampler: new lk.AliasSampler(s.p), negatives: k, lr: 0.05, objective, seed: 7, noise: na });
        const le = ref.skipGramStep(e.input, e.output, dim, s.centre, s.context,
          { sampler: new ref.AliasSampler(s.p), negatives: k, lr: 0.05, objective, seed: 7, noise: ne });
        expectSameBits(na, ne, 'noise words');
        expectSameBits(na, new lk.AliasSampler(s.p).sample(B * k, { seed: 7 }), 'noise = sampler.sample');
        expect(Math.abs(la - le)).toBeLessThan(1e-5 * Math.abs(le));
        // Bound (see skipGramStep): float dot products and updates, ≤ 1e-6 absolute here.
        expectClose(a.input, e.input, { abs: 2e-6, rel: 1e-5 }, 'input');
        expectClose(a.output, e.output, { abs: 2e-6, rel: 1e-5 }, 'output');
      });
    }
  }

  test('deterministic mode is bit-identical across thread counts and runs; async equals sync', async () => {
    const V = 2000, dim = 64, B = 4096, k = 5;
    const s = setup(V, dim, B, 1);
    const q = new lk.AliasSampler(s.p);
    const run = (threads: number) => {
      lk.setThreads(threads);
      const t = { input: Float32Array.from(s.input), output: Float32Array.from(s.output) };
      const l = lk.skipGramStep(t.input, t.output, dim, s.centre, s.context, { sampler: q, negatives: k, seed: 3 });
      return { ...t, l };
    };
    const threads = lk.backend().threads;
    const a = run(1), b = run(2), c = run(2);
    // 3 and 4 threads split the apply phase's rows three and four ways (skip_gram_apply_kernel)
    const more = [3, 4].map((n) => [n, run(n)] as const);
    lk.setThreads(threads);
    expectSameBits(a.input, b.input, 'input 1 vs 2 threads');
    expectSameBits(a.output, b.output, 'output 1 vs 2 threads');
    expectSameBits(b.input, c.input, 'input run to run');
    for (const [n, m] of more) {
      expectSameBits(a.input, m.input, `input 1 vs ${n} threads`);
      expectSameBits(a.output, m.output, `output 1 vs ${n} threads`);
    }
    expect(a.l).toBe(b.l);
    const t = { input: Float32Array.from(s.input), output: Float32Array.from(s.output) };
    const l = await lk.skipGramStepAsync(t.input, t.output, dim, s.centre, s.context, { sampler: q, negatives: k, seed: 3 });
    expect(l).toBe(a.l);
    expectSameBits(t.input, a.input, 'async input');
  });

  test('hogwild on one thread equals the reference sequential step', () => {
    const V = 40, dim = 20, B = 300, k = 5;
    const s = setup(V, dim, B, 4);
    const threads = lk.backend().threads;
    lk.setThreads(1);
    const a = { input: Float32Array.from(s.input), output: Float32Array.from(s.output) };
    const e = { input: Float32Array.from(s.input), output: Float32Array.from(s.output) };
    const o = { negatives: k, lr: 0.1, mode: 'hogwild' as const, seed: 9 };
    const la = lk.skipGramStep(a.input, a.output, dim, s.centre, s.context, { ...o, sampler: new lk.AliasSampler(s.p) });
    const le = ref.skipGramStep(e.input, e.output, dim, s.centre, s.context, { ...o, sampler: new ref.AliasSampler(s.p) });
    lk.setThreads(threads);
    expect(Math.abs(la - le)).toBeLessThan(1e-5 * le);
    expectClose(a.input, e.input, { abs: 1e-5, rel: 1e-5 }, 'input');
    expectClose(a.output, e.output, { abs: 1e-5, rel: 1e-5 }, 'output');
  });

  test('bad indices are a RangeError before anything is written', () => {
    const s = setup(30, 8, 10, 2);
    const q = new lk.AliasSampler(s.p);
    const before = Float32Array.from(s.input), beforeOut = Float32Array.from(s.output);
    const bad = Int32Array.from(s.context);
    bad[7] = 30;
    expectError(() => lk.skipGramStep(s.input, s.output, 8, s.centre, bad, { sampler: q, seed: 1 }), RangeError, R, /context\[7\] = 30 is out of range \[0, 30\)/);
    const badc = Int32Array.from(s.centre);
    badc[2] = -1;
    expectError(() => lk.skipGramStep(s.input, s.output, 8, badc, s.context, { sampler: q, seed: 1 }), RangeError, R, /centre\[2\] = -1/);
    expectSameBits(s.input, before, 'input untouched');
    expectSameBits(s.output, beforeOut, 'output untouched');
    expectError(() => lk.skipGramStep(s.input, s.output, 7, s.centre, s.context, { sampler: q, seed: 1 }), RangeError, R, /dim/);
    expectError(() => lk.skipGramStep(s.input, s.input, 8, s.centre, s.context, { sampler: q, seed: 1 }), RangeError, R, /overlap/);
    expectError(() => lk.skipGramStep(s.input, s.output, 8, s.centre, s.context, { seed: 1 } as any), TypeError, T, /sampler/);
    expectError(() => lk.skipGramStep(s.input, s.output, 8, s.centre, s.context, { sampler: new lk.AliasSampler(new Float64Array(29).fill(1)), seed: 1 }), RangeError, R, /sampler/);
    expectError(() => lk.skipGramStep(s.input, s.output, 8, s.centre, s.context, { sampler: q, seed: 1, mode: 'fast' as any }), RangeError, R, /mode/);
    if (native && nat) {
      // The binding re-checks what it is handed directly.
      expect(() => nat!.skipGramStep(s.input, s.output, 8, s.centre, bad, 5, q.table, null, 0, 0.1, false, 0, 0, 0, 0, 0, 0, new Int32Array(50), new Float64Array(1))).toThrow(/context\[7\]/);
    }
  });

  test('no pairs: NaN, tables untouched, no draws', () => {
    const s = setup(30, 8, 1, 2), q = new lk.AliasSampler(s.p), rng = new lk.Rng(4);
    const before = Float32Array.from(s.input);
    expect(lk.skipGramStep(s.input, s.output, 8, new Int32Array(0), new Int32Array(0), { sampler: q, rng })).toBeNaN();
    expectSameBits(s.input, before, 'input');
    expect(rng.counter).toBe(0n);
  });

  test('a few steps lower the loss', () => {
    const V = 50, dim = 16, B = 2000;
    const s = setup(V, dim, B, 3);
    for (let p = 0; p < B; p++) s.context[p] = (s.centre[p] * 3 + 1) % V; // a deterministic relation to learn
    const q = new lk.AliasSampler(s.p), rng = new lk.Rng(1);
    const first = lk.skipGramStep(s.input, s.output, dim, s.centre, s.context, { sampler: q, rng, lr: 0.01 });
    let last = first;
    for (let i = 0; i < 30; i++) last = lk.skipGramStep(s.input, s.output, dim, s.centre, s.context, { sampler: q, rng, lr: 0.01 });
    expect(last).toBeLessThan(0.5 * first);
  });
});
