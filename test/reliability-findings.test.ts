// Regression tests for the numeric findings of the property tests and fuzzers (RELIABILITY.md,
// "Fixed"): each reproducer exactly as it was found, plus neighbours, checked against a closed
// form where one exists (so the reference is tested on its own) and native (this process's tier,
// LOGITKIT_ISA) against the float64 reference.
import { describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import * as ref from '../lib/reference/index.js';
import { native } from '../lib/native.js';
import { referenceKernels } from '../lib/reference/kernels.js';
import { expectClose, expectError, TIER, ulps } from './helpers.js';
import { fill } from './property-suite.js';

const f32 = (a: number[]) => new Float32Array(a);
const backends = [['native/' + TIER, lk], ['reference', ref]] as const;
/** A deterministic uniform in [0, 1) (xorshift), for inputs. */
function uniforms(n: number, seed: number): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  });
}

describe(`label smoothing with class weights, huge logits (${TIER})`, () => {
  const eps = 0.1;
  /** Closed form for rows whose logits are all equal: every log-probability is −log C. */
  function equalRowsMean(rows: number, cols: number, w: Float32Array, labels: Int32Array): number {
    const W = w.reduce((a, b) => a + b, 0);
    let sum = 0, den = 0;
    for (let r = 0; r < rows; r++) {
      sum += ((1 - eps) * w[labels[r]] + (eps / cols) * W) * Math.log(cols);
      den += w[labels[r]];
    }
    return sum / den;
  }
  const weights = (n: number, seed: number) => Float32Array.from(uniforms(n, seed), (u) => 0.5 + 2 * u);

  test('the reproducer (property seed 55751): 2 rows of 64 logits near 1e30, weights in [0.5, 2.5], smoothing 0.1 (loss 4.22, was 1.1e13)', () => {
    // The counterexample exactly as fast-check drew it (test/property-suite.ts softmaxCrossEntropy).
    const data = { seed: 2108410205, pSpecial: 0.002, pMask: 0, scale: 110, offset: 1e30 };
    const x = fill(128, data);
    const labels = new Int32Array(2);
    let h = 819457890 + 1;
    for (let r = 0; r < 2; r++) {
      h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
      labels[r] = h % 64;
    }
    const classWeights = fill(64, { ...data, pSpecial: 0, pMask: 0, scale: 1, offset: 1.5 });
    const o = { reduction: 'mean', cols: 64, ignoreIndex: 3, labelSmoothing: eps, zLoss: 0, classWeights } as const;
    const want = ref.softmaxCrossEntropy(x, labels, o).loss as number;
    expect(Math.abs(want - 4.224546931880208)).toBeLessThan(1e-9);
    const got = lk.softmaxCrossEntropy(x, labels, o).loss as number;
    expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThan(1e-5 * want);
  });

  test('all-equal rows of 1e30: the closed form (1 − ε)·w_y·log C + (ε/C)·W·log C', () => {
    const x = new Float32Array(2 * 64).fill(1e30);
    const w = weights(64, 7), labels = new Int32Array([3, 40]);
    const want = equalRowsMean(2, 64, w, labels);
    expect(want).toBeGreaterThan(4);
    expect(want).toBeLessThan(4.5);
    for (const [name, b] of backends) {
      const got = b.softmaxCrossEntropy(x, labels, { cols: 64, classWeights: w, labelSmoothing: eps });
      expect(Math.abs(got.loss - want), name).toBeLessThan(1e-5 * want);
    }
  });

  test('neighbours: −3e32 over 6 × 2047 (one block), 5000 columns whose max rises in the last block, ±3.4e38', () => {
    const x1 = new Float32Array(6 * 2047).fill(-3e32);
    const w1 = weights(2047, 3), l1 = Int32Array.from([0, 1, 2046, 1000, 5, 77]);
    const want1 = equalRowsMean(6, 2047, w1, l1);
    // 5000 columns: the max rises in the third block, so the first blocks' weighted sums are
    // taken against a lower running max and moved to the row max at the end.
    const x2 = new Float32Array(2 * 5000).fill(1e30);
    const up = Math.fround(1e30 * (1 + 2 ** -22));
    x2[4500] = up; x2[5000 + 4999] = up;
    const w2 = weights(5000, 11), l2 = Int32Array.from([4500, 17]);
    const x3 = f32([3e38, 3.4028234e38, 3e38, -3.4028234e38]);
    const w3 = f32([1, 2, 0.5, 0.25]), l3 = Int32Array.from([1]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const cases = [[x1, 2047, w1, l1], [x2, 5000, w2, l2], [x3, 4, w3, l3]] as const;
      for (const [x, cols, w, labels] of cases) {
        const o = { cols, classWeights: w, labelSmoothing: eps, reduction };
        const b = ref.softmaxCrossEntropy(x, labels, o);
        const a = lk.softmaxCrossEntropy(x, labels, o);
        const what = `${cols} cols ${reduction}`;
        if (reduction === 'none') {
          for (const v of b.loss as Float32Array) expect(v, what).toBeGreaterThanOrEqual(0);
          expectClose(a.loss as Float32Array, b.loss as Float32Array, { rel: 2e-6, abs: 2e-6 }, what);
        } else {
          expect(b.loss as number, what).toBeGreaterThanOrEqual(0);
          expect(Math.abs((a.loss as number) - (b.loss as number)), what).toBeLessThanOrEqual(1e-5 * (b.loss as number) + 1e-6);
        }
        if (x === x1 && reduction === 'mean') expect(Math.abs((b.loss as number) - want1)).toBeLessThan(1e-6 * want1);
      }
    }
  });
});

describe(`beam search keeps the parent's log-probability for huge logits (${TIER})`, () => {
  const kernels = [['native/' + TIER, TIER === 'js' ? null : native], ['reference', referenceKernels]] as const;
  const outs = (cap: number) => [new Int32Array(cap), new Int32Array(cap), new Float64Array(cap), new Float64Array(cap)] as const;

  test('the reproducer: a parent at −481 under logits near 3e38 (child log p was 0)', () => {
    const x = f32([3e38, 3e38, -1, -Infinity]);
    for (const [name, k] of kernels) {
      if (!k) continue;
      for (const pg of [null, new Float64Array([0])]) {
        const o = outs(4);
        const n = k.beamStep(x, 4, new Float64Array([-481]), pg, true, 1, 2, 0, 4, ...o);
        const what = `${name} ${pg ? 'stochastic' : 'beam'}`;
        expect(n, what).toBe(3);
        const byToken = new Map(Array.from(o[1].subarray(0, n), (t, i) => [t, o[2][i]]));
        expect(Math.abs(byToken.get(0)! - (-481 - Math.LN2)), what).toBeLessThan(1e-4);
        expect(Math.abs(byToken.get(1)! - (-481 - Math.LN2)), what).toBeLessThan(1e-4);
        expect(byToken.get(2)!, what).toBeLessThan(-2.9e38);
        for (let i = 0; i < n; i++) expect(o[2][i], `${what} child ≤ parent`).toBeLessThanOrEqual(-481);
      }
    }
  });

  test('neighbours: two parents, rows near ±3e38 and 1e30; native equals the reference', () => {
    const vocab = 37;
    const u = uniforms(2 * vocab, 5);
    for (const scale of [3e38, -3e38, 1e30, 1e9]) {
      const x = Float32Array.from(u, (v, i) => (i % 5 === 0 ? scale : scale * (1 - 1e-6 * v)));
      const plp = new Float64Array([-481, -2.5]);
      for (const pg of [null, new Float64Array([1, -3])]) {
        const o = outs(6), p = outs(6);
        const n1 = TIER === 'js' ? -1 : native!.beamStep(x, vocab, plp, pg, true, 9, 8, 7, 6, ...o);
        const n2 = referenceKernels.beamStep(x, vocab, plp, pg, true, 9, 8, 7, 6, ...p);
        const what = `scale ${scale} ${pg ? 'stochastic' : 'beam'}`;
        for (let i = 0; i < n2; i++) expect(p[2][i], `${what} reference child ≤ parent`).toBeLessThanOrEqual(plp[p[0][i]]);
        if (TIER === 'js') continue;
        expect(n1, what).toBe(n2);
        expect(Array.from(o[0].subarray(0, n1)), what).toEqual(Array.from(p[0].subarray(0, n2)));
        expect(Array.from(o[1].subarray(0, n1)), what).toEqual(Array.from(p[1].subarray(0, n2)));
        for (let i = 0; i < n1; i++) expect(Math.abs(o[2][i] - p[2][i]), what).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(p[2][i])));
      }
    }
  });
});

describe(`softmaxBackward with |dy| near the float32 range (${TIER})`, () => {
  test('the reproducer: softmaxBackward([1, 0], [3e38, −3e38], 2) is [0, −0] (was [0, NaN])', () => {
    for (const [name, b] of backends) {
      const dx = b.softmaxBackward(f32([1, 0]), f32([3e38, -3e38]), 2);
      expect(Object.is(dx[0], 0), `${name} dx[0] = ${dx[0]}`).toBe(true);
      expect(Object.is(dx[1], -0), `${name} dx[1] = ${dx[1]}`).toBe(true);
    }
  });

  test('neighbours: halves at ±3.4e38, ±Infinity, long rows with one huge dy, in place', () => {
    const cols = 70;
    const y = ref.softmax(Float32Array.from(uniforms(3 * cols, 9), (v) => 8 * v - 4), cols);
    const dy = Float32Array.from(uniforms(3 * cols, 10), (v) => v - 0.5);
    dy[5] = 3.4028234e38; dy[cols + 69] = -3e38; dy[2 * cols + 1] = 2e38; dy[2 * cols + 2] = 2e38;
    const cases: [Float32Array, Float32Array, number][] = [
      [f32([0.5, 0.5]), f32([3e38, 3.4028234e38]), 2],
      [f32([0.5, 0.5]), f32([-3.4028234e38, 3.4028234e38]), 2],
      [f32([1, 0]), f32([Infinity, 0]), 2],
      [f32([0.25, 0.75, 0]), f32([-Infinity, 1, 2]), 3],
      [y, dy, cols],
    ];
    for (const [yy, d, c] of cases) {
      const want = ref.softmaxBackward(yy, d, c);
      const scale = Math.max(...Array.from(d, (v) => (Number.isFinite(v) ? Math.abs(v) : 0)), 1);
      expectClose(lk.softmaxBackward(yy, d, c), want, { rel: 1e-5, abs: 1e-6 * scale }, `cols ${c}`);
      const inplace = d.slice();
      lk.softmaxBackward(yy, inplace, c, { out: inplace });
      expectClose(inplace, want, { rel: 1e-5, abs: 1e-6 * scale }, `cols ${c} in place`);
    }
  });
});

describe(`gumbelSoftmax with |logits|/τ beyond the float32 range (${TIER})`, () => {
  test('4 × 65 logits uniform in ±3e38, τ = 0.1: the reference index, a finite y', () => {
    const x = Float32Array.from(uniforms(4 * 65, 21), (v) => (2 * v - 1) * 3e38);
    for (const hard of [false, true]) {
      for (const seed of [1, 2, 3, 4, 5]) {
        const o = { seed, tau: 0.1, hard };
        const a = lk.gumbelSoftmax(x, 65, o), b = ref.gumbelSoftmax(x, 65, o);
        expect(Array.from(a.index), `seed ${seed}`).toEqual(Array.from(b.index));
        for (let r = 0; r < 4; r++) {
          // the largest logit wins: the others are ≥ 1e30 below it
          let best = 0;
          for (let j = 1; j < 65; j++) if (x[r * 65 + j] > x[r * 65 + best]) best = j;
          expect(b.index[r]).toBe(best);
        }
        expectClose(a.y, b.y, { abs: 1e-7, rel: 2e-4 }, `seed ${seed} hard ${hard}`);
      }
    }
  });

  test('the reproducer (property seed 1): 4 × 65 masked logits of 3e38 scale with specials, τ = 0.1 (index 41, was 0)', () => {
    const x = fill(4 * 65, { seed: 1386297134, pSpecial: 0.02, pMask: 0.9, scale: 3e38, offset: 0 });
    const o = { seed: 9007199254740948, tau: 0.1, hard: false };
    const b = ref.gumbelSoftmax(x, 65, o), a = lk.gumbelSoftmax(x, 65, o);
    expect(b.index[2]).toBe(41);
    expect(Array.from(a.index)).toEqual(Array.from(b.index));
    expectClose(a.y, b.y, { abs: 1e-7, rel: 2e-4, lnRel: 3 * 2 ** -24 / 0.1 }, 'y');
  });

  test('neighbours: near-ties at 3e38, 1e8-scale logits, τ at both ends of its range, in place', () => {
    const big = Math.fround(3e38);
    const ties = f32([big, big, big, -big, 1, big, -Infinity, big]);
    const mid = Float32Array.from(uniforms(3 * 33, 4), (v) => 1e8 + Math.round(v * 3));
    const wide = Float32Array.from(uniforms(2 * 17, 8), (v) => (2 * v - 1) * 3.4e38);
    const cases: [Float32Array, number, number][] = [
      [ties, 8, 0.1], [ties, 8, 2 ** -126], [mid, 33, 1e-30], [mid, 33, 0.5], [wide, 17, 2 ** 126], [wide, 17, 1e37], [wide, 17, 2 ** -126],
    ];
    for (const [x, cols, tau] of cases) {
      for (const seed of [11, 12, 13]) {
        const o = { seed, tau };
        const what = `cols ${cols} τ ${tau} seed ${seed}`;
        const a = lk.gumbelSoftmax(x, cols, o), b = ref.gumbelSoftmax(x, cols, o);
        expect(Array.from(a.index), what).toEqual(Array.from(b.index));
        for (const v of a.y) expect(Number.isNaN(v), `${what} y finite`).toBe(false);
        expectClose(a.y, b.y, { abs: 2e-7, rel: 2e-5 / Math.min(1, tau), lnRel: (3 * 2 ** -24) / tau }, what);
        const inplace = x.slice();
        const c = lk.gumbelSoftmax(inplace, cols, { ...o, out: inplace });
        expect(c.y).toBe(inplace);
        expect(Array.from(c.index), `${what} in place`).toEqual(Array.from(a.index));
        expectClose(inplace, a.y, { ulps: 0 }, `${what} in place`);
      }
    }
  });

  test('temperature / tau of sampleCategorical and gumbelSoftmax: [2^-126, 2^126], as softmax', () => {
    const x = f32([0, 1, 2]);
    for (const [name, b] of backends) {
      for (const bad of [1e-39, 2 ** -127, 1e39, 2 ** 127]) {
        expectError(() => b.sampleCategorical(x, 3, { seed: 1, temperature: bad }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /sampleCategorical: options\.temperature/);
        expectError(() => b.gumbelSoftmax(x, 3, { seed: 1, tau: bad }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /gumbelSoftmax: options\.tau/);
      }
      for (const ok of [2 ** -126, 2 ** 126]) {
        expect(b.sampleCategorical(x, 3, { seed: 1, temperature: ok })[0], name).toBeGreaterThanOrEqual(0);
        expect(b.gumbelSoftmax(x, 3, { seed: 1, tau: ok }).index[0], name).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

describe(`binaryCrossEntropyWithLogits beyond the float32 range (${TIER})`, () => {
  test('the reproducer: [3e38, −3e38] with targets −100, sum ≈ 3e38 (was NaN)', () => {
    // (1 + 100)·3e38 − 100·3e38, each term beyond float32, the sum not
    const want = 101 * Math.fround(3e38) - 100 * Math.fround(3e38);
    for (const [name, b] of backends) {
      const got = b.binaryCrossEntropyWithLogits(f32([3e38, -3e38]), f32([-100, -100]), { reduction: 'sum' });
      expect(Math.abs((got.loss as number) - want) / want, name).toBeLessThan(1e-12);
    }
  });

  test('per-element losses above 3.4e38 in a finite mean: 255 logits of 1e30 and −3e38 specials, posWeight 100', () => {
    const n = 255;
    const x = new Float32Array(n).fill(1e30);
    x[3] = x[100] = x[254] = -3e38;
    const t = new Float32Array(n).fill(0.5);
    // softplus(1e30) = 1e30, softplus(3e38) = 3e38: ℓ = 0.5·1e30 or 100·0.5·3e38
    const want = (252 * 0.5 * Math.fround(1e30) + 3 * 50 * Math.fround(3e38)) / n;
    for (const [name, b] of backends) {
      const mean = b.binaryCrossEntropyWithLogits(x, t, { posWeight: 100 }).loss as number;
      expect(Math.abs(mean - want) / want, name).toBeLessThan(1e-6);
      const none = b.binaryCrossEntropyWithLogits(x, t, { posWeight: 100, reduction: 'none' });
      expect((none.loss as Float32Array)[3], name).toBe(Infinity); // 1.5e40 as a float32
      for (const g of none.grad) expect(Number.isFinite(g), name).toBe(true);
    }
  });

  test('neighbours: ±Infinity logits and huge targets and weights; native equals the reference', () => {
    const n = 37;
    const u = uniforms(3 * n, 31);
    const specials = [Infinity, -Infinity, 3.4e38, -3.4e38, 1e30, -1e30, 200, -200, 0, 88, -104];
    const x = Float32Array.from({ length: n }, (_, i) => (i < specials.length ? specials[i] : (u[i] - 0.5) * 1e38));
    const targets = [
      Float32Array.from({ length: n }, (_, i) => [-100, 3, -3e38, 3e38, 0.5, 2][i % 6]),
      Float32Array.from(u.slice(n, 2 * n), (v) => (v - 0.5) * 1e6),
    ];
    for (const t of targets) {
      for (const posWeight of [undefined, 0, 100, 1e30, Float32Array.from(u.slice(2 * n, 2 * n + n), (v) => v * 1e30)]) {
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const o = { reduction, ...(posWeight === undefined ? {} : { posWeight }) };
          const what = `posWeight ${typeof posWeight === 'object' ? 'array' : posWeight} ${reduction}`;
          const b = ref.binaryCrossEntropyWithLogits(x, t, o);
          const xin = x.slice();
          const a = lk.binaryCrossEntropyWithLogits(xin, t, { ...o, grad: xin }); // in place
          // (1 − t)·softplus(x) and w·t·softplus(−x) cancel for targets outside [0, 1]: the
          // float32 error is a few ulp of the terms, not of the result. NaN exactly where the
          // reference has NaN; ±Infinity where it has ±Infinity, unless a term is beyond float32.
          const w = (i: number) => (posWeight === undefined ? 1 : typeof posWeight === 'number' ? posWeight : posWeight[i % n]);
          const sp = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
          const lossTerms = Array.from(x, (v, i) => Math.abs(1 - t[i]) * sp(v) + Math.abs(w(i) * t[i]) * sp(-v));
          const scale = reduction === 'mean' ? 1 / n : 1;
          const gradTerms = Array.from(x, (_, i) => scale * (Math.abs(1 - t[i]) + Math.abs(w(i) * t[i])));
          const near = (av: number, bv: number, term: number, what2: string) => {
            expect(Number.isNaN(av), `${what2}: ${av} vs ${bv}`).toBe(Number.isNaN(bv));
            if (Number.isNaN(bv)) return;
            if (!Number.isFinite(av) || !Number.isFinite(bv)) {
              if (!(term > 3e38)) expect(av, `${what2}: ${av} vs ${bv}`).toBe(bv);
              return;
            }
            expect(Math.abs(av - bv), `${what2}: ${av} vs ${bv}`).toBeLessThanOrEqual(2 ** -20 * term + 1e-6 * Math.abs(bv) + 1e-30);
          };
          if (typeof b.loss === 'number') near(a.loss as number, b.loss, lossTerms.reduce((p, q) => p + q, 0) * scale, what);
          else for (let i = 0; i < n; i++) near((a.loss as Float32Array)[i], (b.loss as Float32Array)[i], lossTerms[i], `${what} loss[${i}]`);
          for (let i = 0; i < n; i++) near(a.grad[i], b.grad[i], gradTerms[i], `${what} grad[${i}]`);
        }
      }
    }
  });
});

describe(`row sums keep terms far below the largest (${TIER})`, () => {
  test('the reproducer: softmax([0, −17 × 63]) within 8 ulp (was exactly 1 on the scalar tier), logSumExp ≈ 2.6e-6', () => {
    const x = new Float32Array(64).fill(-17);
    x[0] = 0;
    const s = 1 + 63 * Math.exp(-17);
    const want0 = 1 / s, wantLse = Math.log1p(63 * Math.exp(-17));
    for (const [name, b] of backends) {
      const y = b.softmax(x, 64);
      expect(ulps(y[0], want0), `${name} y[0] = ${y[0]} vs ${want0}`).toBeLessThanOrEqual(8);
      expect(ulps(y[1], Math.exp(-17) / s), `${name} y[1]`).toBeLessThanOrEqual(8);
      // log-sum-exp = log s with s ≈ 1: the scalar tier (which gave exactly 0) and the reference
      // to 1e-5 relative; the vector tiers, whose lanes sum in float32, to 8 ulp of s (1e-6).
      const lse = b.logSumExp(x, 64)[0];
      const exact = name === 'reference' || TIER === 'scalar' || TIER === 'js';
      expect(Math.abs(lse - wantLse), `${name} lse = ${lse}`).toBeLessThan(exact ? 1e-5 * wantLse : 1e-6);
      const lp = b.logSoftmax(x, 64);
      expect(Math.abs(lp[0] + wantLse), `${name} logSoftmax[0] = ${lp[0]}`).toBeLessThan(exact ? 1e-5 * wantLse : 1e-6);
    }
  });

  test('calibration rows too: confidence and entropy of [0, −17 × 63], flat and one lane holding every term', () => {
    // Σ exp(x − m) in the calibration kernels summed 64 terms a lane in float: confidence was
    // exactly 1 on the scalar tier and the vector tiers' entropy up to 5.6 % off (a strided row).
    const s = 1 + 63 * Math.exp(-17), conf = 1 / s;
    const ent = Math.log(s) + (63 * 17 * Math.exp(-17)) / s; // H = log s − Σ d·e^d / s, d = −17
    const rows: Float32Array[] = [];
    for (const stride of [1, 8, 16]) {
      const x = new Float32Array(64 * stride).fill(stride === 1 ? -17 : -Infinity);
      x[0] = 0;
      for (let k = 1; k < 64; k++) x[k * stride] = -17;
      rows.push(x);
    }
    for (const [name, b] of backends) {
      for (const x of rows) {
        const exact = name === 'reference' || TIER === 'scalar' || TIER === 'js';
        const c = b.confidence(x, x.length).confidence[0];
        expect(ulps(c, conf), `${name} cols ${x.length} confidence ${c} vs ${conf}`).toBeLessThanOrEqual(exact ? 2 : 8);
        const h = b.entropy(x, x.length)[0];
        // the vector tiers: a few ulp of s (8 terms a lane in float), absolute
        expect(Math.abs(h - ent), `${name} cols ${x.length} entropy ${h} vs ${ent}`).toBeLessThanOrEqual(exact ? 1e-6 * ent : 8 * 2 ** -24);
      }
    }
  });

  test('neighbours: 200 and 4100 columns (across the flush and the block), a dominant term every 8 and 16 columns', () => {
    const cases: Float32Array[] = [];
    for (const cols of [200, 4100]) {
      const x = new Float32Array(cols).fill(-17);
      x[0] = 0;
      cases.push(x);
    }
    for (const stride of [8, 16]) {
      // one lane of every vector holds the dominant term and all the small ones
      const x = new Float32Array(64 * stride).fill(-Infinity);
      x[0] = 0;
      for (let k = 1; k < 64; k++) x[k * stride] = -17;
      cases.push(x);
    }
    for (const x of cases) {
      const cols = x.length;
      const want = ref.softmax(x, cols);
      const got = lk.softmax(x, cols);
      for (let j = 0; j < cols; j++) expect(ulps(got[j], want[j]), `cols ${cols} [${j}]: ${got[j]} vs ${want[j]}`).toBeLessThanOrEqual(8);
      const wl = ref.logSumExp(x, cols)[0], gl = lk.logSumExp(x, cols)[0];
      const exact = TIER === 'scalar' || TIER === 'js';
      expect(Math.abs(gl - wl), `cols ${cols} lse ${gl} vs ${wl}`).toBeLessThanOrEqual(exact ? 1e-5 * Math.abs(wl) : 1e-6);
    }
  });
});

describe(`gaussianKL with float32 intermediates near overflow (${TIER})`, () => {
  type KL = ReturnType<typeof lk.gaussianKL>;
  /** ½(e^d − 1 − d) + ½Δμ²·e^(−lv₂), in float64 (e^d − 1 − d directly: no cancellation for |d| ≥ ½). */
  const kl = (mu: number, lv: number, mu2 = 0, lv2 = 0) => 0.5 * (Math.expm1(lv - lv2) - (lv - lv2) + (mu - mu2) ** 2 * Math.exp(-lv2));

  test('the reproducers: gaussianKL([0], [89]) is 2.24e38 with a finite gradLogVar (was Infinity); Δμ of 2e19 and 6e38', () => {
    const want = kl(0, 89);
    expect(want).toBeGreaterThan(2.2e38);
    expect(want).toBeLessThan(3.4e38);
    for (const [name, b] of backends) {
      const r = b.gaussianKL(f32([0]), f32([89]), { reduction: 'sum' });
      expect(Math.abs((r.loss as number) - want) / want, `${name} loss ${r.loss}`).toBeLessThan(1e-12);
      expect(r.gradLogVar![0], name).toBe(Math.fround(0.5 * Math.expm1(89)));
      expect(r.gradMu![0], name).toBe(0);
      // (μ₁ − μ₂)² = 4e38 overflows float32; ½ of it, and each gradient, does not
      const s = b.gaussianKL(f32([1e19]), f32([0]), f32([-1e19]), f32([0]), { reduction: 'sum' });
      const dm = 2 * Math.fround(1e19);
      expect(Math.abs((s.loss as number) - dm * dm / 2) / (dm * dm / 2), `${name} Δμ² loss ${s.loss}`).toBeLessThan(1e-12);
      expect(s.gradMu![0], name).toBe(Math.fround(dm));
      expect(s.gradMu2![0], name).toBe(Math.fround(-dm));
      expect(s.gradLogVar![0], name).toBe(0);
      expect(s.gradLogVar2![0], name).toBe(Math.fround(-dm * dm / 2));
      // Δμ·e^(−lv₂) = 1.3e38 with lv₂ = −44: the loss 6.4e56 in float64 (was Infinity), its
      // float32 row loss and gradLogVar2 (−6.4e56) +Infinity / −Infinity, gradMu2 finite
      const m1 = Math.fround(1e19);
      const t = b.gaussianKL(f32([1e19]), f32([0]), f32([0]), f32([-44]), { reduction: 'sum' });
      expect(ulps(t.gradMu2![0], -m1 * Math.exp(44)), `${name} gradMu2 ${t.gradMu2![0]}`).toBeLessThanOrEqual(1);
      expect(ulps(t.gradMu![0], m1 * Math.exp(44)), `${name} gradMu`).toBeLessThanOrEqual(1);
      expect(Math.abs((t.loss as number) / kl(m1, 0, 0, -44) - 1), `${name} loss ${t.loss}`).toBeLessThan(1e-12);
      expect(t.gradLogVar2![0], name).toBe(-Infinity);
      const none = b.gaussianKL(f32([1e19]), f32([0]), f32([0]), f32([-44]), { reduction: 'none' });
      expect((none.loss as Float32Array)[0], name).toBe(Infinity);
      // μ₁ − μ₂ = 6e38 itself beyond float32: gradMu2 = −6e38·e^(−1.15) = −1.9e38 (was −Infinity)
      const v = b.gaussianKL(f32([3e38]), f32([0]), f32([-3e38]), f32([1.15]), { reduction: 'sum' });
      const dm6 = 2 * Math.fround(3e38), e6 = Math.exp(-Math.fround(1.15));
      expect(ulps(v.gradMu2![0], -dm6 * e6), `${name} gradMu2 ${v.gradMu2![0]}`).toBeLessThanOrEqual(1);
      expect(ulps(v.gradMu![0], dm6 * e6), `${name} gradMu`).toBeLessThanOrEqual(1);
      expect(Math.abs((v.loss as number) / kl(Math.fround(3e38), 0, -Math.fround(3e38), Math.fround(1.15)) - 1), `${name} loss ${v.loss}`).toBeLessThan(1e-12);
    }
  });

  test('the edge: logVar 83…90 alone and among ordinary lanes, every reduction; mean of a KL above 3.4e38 is finite', () => {
    // Below 88.8 the float32 path may serve (within 1e-6); beyond it only float64 reaches the result.
    for (const lv of [83, 84, 88.5, 88.72, 89, 89.41, 89.42, 90]) {
      const want = kl(0, Math.fround(lv));
      const grad = Math.fround(0.5 * Math.expm1(Math.fround(lv)));
      for (const [name, b] of backends) {
        const r = b.gaussianKL(f32([0]), f32([lv]), { reduction: 'sum' });
        expect(Math.abs((r.loss as number) / want - 1), `${name} lv ${lv} loss ${r.loss}`).toBeLessThan(lv < 88.8 ? 1e-6 : 1e-12);
        expect(ulps(r.gradLogVar![0], grad), `${name} lv ${lv} gradLogVar ${r.gradLogVar![0]} vs ${grad}`).toBeLessThanOrEqual(lv < 88.8 ? 16 : 0);
        expect(Number.isFinite(r.gradLogVar![0]), `${name} lv ${lv}`).toBe(lv < 89.415);
        const none = (b.gaussianKL(f32([0]), f32([lv]), { reduction: 'none' }).loss as Float32Array)[0];
        expect(ulps(none, Math.fround(want)), `${name} lv ${lv} none ${none}`).toBeLessThanOrEqual(lv < 88.8 ? 16 : 0);
      }
    }
    // four rows, one KL of 6.1e38: the mean 1.5e38 and its gradient ¼·½(e^90 − 1) are finite
    for (const [name, b] of backends) {
      const r = b.gaussianKL(f32([0, 0, 0, 0]), f32([90, 0, 0, 0]), { dim: 1 });
      expect(Math.abs((r.loss as number) / (kl(0, 90) / 4) - 1), `${name} mean ${r.loss}`).toBeLessThan(1e-12);
      expect(r.gradLogVar![0], name).toBe(Math.fround(0.125 * Math.expm1(90)));
      expect(Number.isFinite(r.gradLogVar![0]), name).toBe(true);
      const g = b.gaussianKL(f32([0, 1]), f32([0, 1]), f32([0, 0]), f32([-90, 0]), { dim: 1 }); // d = 90 through lv₂
      expect(Math.abs((g.loss as number) / ((kl(0, 0, 0, -90) + kl(1, 1)) / 2) - 1), `${name} general mean ${g.loss}`).toBeLessThan(1e-7);
      expect(ulps(g.gradLogVar2![0], -0.25 * Math.expm1(90)), `${name} gradLogVar2`).toBeLessThanOrEqual(1);
    }
  });

  test('gradLogVar for large |lv₁ − lv₂| is ½(e^d − 1), not the cancelled d + (e^d − 1 − d): gaussianKL([0], [−3e7]) gives −0.5 (was 0)', () => {
    for (const [name, b] of backends) {
      for (const lv of [-3e7, -(2 ** 24), -(2 ** 30), -1e20, -3e38, -60, -0.75, -0.4, 0.3, 0.6, 20]) {
        const r = b.gaussianKL(f32([0]), f32([lv]), { reduction: 'sum' });
        const want = Math.fround(0.5 * Math.expm1(Math.fround(lv)));
        expect(ulps(r.gradLogVar![0], want), `${name} lv ${lv}: ${r.gradLogVar![0]} vs ${want}`).toBeLessThanOrEqual(4);
        // the general form through lv₂ (d = −lv₂ large positive is the overflow side; here d = lv)
        const g = b.gaussianKL(f32([0]), f32([lv]), f32([0]), f32([0]), { reduction: 'sum' });
        expect(ulps(g.gradLogVar![0], want), `${name} general lv ${lv}`).toBeLessThanOrEqual(4);
        expect(ulps(g.gradLogVar2![0], -want), `${name} general gradLogVar2 lv ${lv}`).toBeLessThanOrEqual(4);
      }
      const inf = b.gaussianKL(f32([0]), f32([-Infinity]), { reduction: 'sum' });
      expect(inf.loss, name).toBe(Infinity);
      expect(inf.gradLogVar![0], name).toBe(-0.5);
    }
  });

  test('neighbours: huge lanes at every position of rows of 1…40, NaN beside them, prior log-variances beyond ±80; native equals the reference', () => {
    const near = (a: ArrayLike<number>, e: ArrayLike<number>, what: string) => expectClose(a, e, { rel: 1e-5, abs: 1e-30 }, what);
    const same = (a: KL, e: KL, what: string) => {
      if (typeof e.loss === 'number') {
        const al = a.loss as number, el = e.loss;
        if (Number.isNaN(el) || !Number.isFinite(el)) expect(al, `${what} loss`).toBe(el);
        else expect(Math.abs(al - el), `${what} loss ${al} vs ${el}`).toBeLessThanOrEqual(1e-5 * Math.abs(el) + 1e-6);
      } else near(a.loss as Float32Array, e.loss as Float32Array, `${what} loss`);
      for (const k of ['gradMu', 'gradLogVar', 'gradMu2'] as const) if (e[k]) near(a[k]!, e[k]!, `${what} ${k}`);
      if (!e.gradLogVar2) return;
      // −½(e^d − 1 + Δμ²·e^(−lv₂)) cancels in float32: allow 2⁻²⁰ of its terms, |e^d − 1| + Δμ²·e^(−lv₂)
      // (bounded through the reference's own gradients)
      const g1 = e.gradLogVar!, g2 = e.gradLogVar2;
      for (let i = 0; i < g2.length; i++) {
        const av = a.gradLogVar2![i], ev = g2[i];
        if (Object.is(av, ev) || (Number.isNaN(av) && Number.isNaN(ev))) continue;
        if (!Number.isFinite(ev) || !Number.isFinite(av)) expect(av, `${what} gradLogVar2[${i}] (expected ${ev})`).toBe(ev);
        else expect(Math.abs(av - ev), `${what} gradLogVar2[${i}] = ${av} vs ${ev}`).toBeLessThanOrEqual(1e-5 * Math.abs(ev) + 2 ** -20 * (2 * Math.abs(g1[i]) + Math.abs(ev)) + 1e-30);
      }
    };
    const hugeLv = [83.5, 88.8, 89.2, 95, -3e38, 3e38, NaN];
    const hugeMu = [1.5e19, -2.5e19, 3e38, -1e30, NaN];
    for (let n = 1; n <= 40; n++) {
      const u = uniforms(4 * n, 900 + n);
      const mu = Float32Array.from(u.slice(0, n), (v) => (v - 0.5) * 6);
      const lv = Float32Array.from(u.slice(n, 2 * n), (v) => (v - 0.5) * 6);
      const mu2 = Float32Array.from(u.slice(2 * n, 3 * n), (v) => (v - 0.5) * 6);
      const lv2 = Float32Array.from(u.slice(3 * n, 4 * n), (v) => (v - 0.5) * 6);
      const at = (n * 7) % n, at2 = (n * 13 + 5) % n;
      lv[at] = hugeLv[n % hugeLv.length];
      mu[at2] = hugeMu[n % hugeMu.length];
      if (n % 3 === 0) lv2[(at + 1) % n] = [-85, 100, 180, -120][(n / 3) % 4]; // |lv₂| ≥ 80
      for (const reduction of ['sum', 'mean', 'none'] as const) {
        const o = { reduction, dim: n % 4 === 0 ? n / 2 : n };
        const what = `n ${n} ${reduction} lv[${at}] ${lv[at]} mu[${at2}] ${mu[at2]}`;
        same(lk.gaussianKL(mu, lv, o), ref.gaussianKL(mu, lv, o), `${what} standard`);
        same(lk.gaussianKL(mu, lv, mu2, lv2, o), ref.gaussianKL(mu, lv, mu2, lv2, o), `${what} general`);
      }
    }
    // A NaN mean beside logVar 89 in the same vector: the KL is NaN, gradLogVar finite
    for (const [name, b] of backends) {
      const r = b.gaussianKL(f32([NaN, 0, 0, 0, 0, 0, 0, 0, 0]), f32([89, 89, 0, 0, 0, 0, 0, 0, 1]), { reduction: 'none', dim: 1 });
      const loss = r.loss as Float32Array;
      expect(loss[0], name).toBeNaN();
      expect(loss[1], name).toBe(Math.fround(kl(0, 89)));
      expect(r.gradMu![0], name).toBeNaN();
      expect(r.gradLogVar![0], name).toBe(Math.fround(0.5 * Math.expm1(89)));
      expect(ulps(loss[8], kl(0, 1)), `${name} ${loss[8]}`).toBeLessThanOrEqual(2);
    }
  });
});
