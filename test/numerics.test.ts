// Numerical edge cases of the row engine and the cross-entropy: temperatures that would overflow
// (x − m) before the division, cross-entropy near the float range (cancellation in lse − x,
// float sums of logits), and options beyond float32 range. Each case is checked against a closed
// form (so the reference is tested on its own) and native against the reference on this tier.
import { describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import * as ref from '../lib/reference/index.js';
import { expectClose, expectError, TIER } from './helpers.js';

const f32 = (a: number[]) => new Float32Array(a);
const R = 'ERR_LOGITKIT_OUT_OF_RANGE';
const backends = [['native/' + TIER, lk], ['reference', ref]] as const;

/** Float64 log-softmax of a float32 row (the truth the float32 result must round to). */
function logSoftmax64(x: Float32Array, t: number): number[] {
  const m = Math.max(...x);
  let s = 0;
  for (const v of x) s += Math.exp((v - m) / t);
  return Array.from(x, (v) => (v - m) / t - Math.log(s));
}

describe(`temperature: no overflow of (x − m) before the division (${TIER})`, () => {
  const row = f32([3e38, -3e38, 3e38, 0, -1, 1e38, -1e38]);
  test('logSoftmax / softmax / logSumExp of the acceptance row, temperature 2', () => {
    const want = logSoftmax64(row, 2);
    expect(want[1]).toBeLessThan(-2.9e38); // finite as a float32
    for (const [name, b] of backends) {
      const lp = b.logSoftmax(row, 7, { temperature: 2 });
      for (const v of lp) expect(Number.isFinite(v), `${name} logSoftmax finite`).toBe(true);
      expectClose(lp, want.map(Math.fround), { rel: 1e-6, abs: 1e-6 }, `${name} logSoftmax`);
      expectClose(b.softmax(row, 7, { temperature: 2 }), want.map((v) => Math.fround(Math.exp(v))), { rel: 1e-6, abs: 1e-30 }, `${name} softmax`);
      expectClose(b.logSumExp(row, 7, { temperature: 2 }), [Math.fround(1.5e38 + Math.log(2))], { rel: 1e-7 }, `${name} logSumExp`);
    }
  });

  test('a huge temperature over a ±3e38 row: the probabilities are those of (x − m)/τ', () => {
    // (x − m)/τ = −12 for the second entry: p = [1, e⁻¹²]/(1 + e⁻¹²), though x − m overflows float32.
    const x = f32([3e38, -3e38]);
    const tau = 5e37;
    const d = (Math.fround(-3e38) - Math.fround(3e38)) / tau;
    const p1 = Math.exp(d) / (1 + Math.exp(d));
    for (const [name, b] of backends) {
      expectClose(b.softmax(x, 2, { temperature: tau }), [1 - p1, p1].map(Math.fround), { rel: 2e-6 }, `${name} softmax`);
      expectClose(b.logSoftmax(x, 2, { temperature: tau }), [-Math.log1p(Math.exp(d)), d - Math.log1p(Math.exp(d))].map(Math.fround), { rel: 2e-6, abs: 2e-7 }, `${name} logSoftmax`); // Σexp is float-rounded
    }
  });

  test('the running max rises by more than the float range between blocks (long rows)', () => {
    // Block 0 holds −3e38 only, block 1 the max 3e38: the rescale of block 0's sum is e⁻¹² per term.
    const cols = 5000;
    const x = new Float32Array(cols).fill(-3e38);
    x.fill(3e38, 2048, 2050);
    const tau = Math.fround(3e38) * 2 / 12;
    const d = (Math.fround(-3e38) - Math.fround(3e38)) / tau;
    const s = 2 + (cols - 2) * Math.exp(d);
    const lse = Math.fround(3e38) / tau + Math.log(s);
    for (const [name, b] of backends) {
      expectClose(b.logSumExp(x, cols, { temperature: tau }), [Math.fround(lse)], { rel: 1e-6 }, `${name} logSumExp`);
      const p = b.softmax(x, cols, { temperature: tau });
      expectClose([p[0], p[2048]], [Math.exp(d) / s, 1 / s].map(Math.fround), { rel: 1e-5 }, `${name} softmax`);
      const lp = b.logSoftmax(x, cols, { temperature: tau });
      expectClose([lp[0], lp[4999], lp[2049]], [d - Math.log(s), d - Math.log(s), -Math.log(s)].map(Math.fround), { rel: 1e-5 }, `${name} logSoftmax`);
    }
  });

  test('native agrees with the reference on rows of ±3e38, ±1e38, 0 for temperatures across the range', () => {
    const vals = [3e38, -3e38, 1e38, -1e38, 0, -1, 2.5, -Infinity, 3.4028234e38, -3.4028234e38];
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const cols of [1, 2, 7, 17, 33, 2049]) {
      for (const tau of [0.25, 1, 1.5, 2, 3, 1e10, 1e37, 2 ** 126, 2 ** -126]) {
        const x = new Float32Array(3 * cols).map(() => vals[Math.floor(next() * vals.length)]);
        for (const f of ['logSoftmax', 'softmax', 'logSumExp'] as const) {
          const a = lk[f](x, cols, { temperature: tau }), e = ref[f](x, cols, { temperature: tau });
          // Finite wherever the float64 result rounds to a finite float32.
          for (let i = 0; i < e.length; i++) if (Number.isFinite(e[i])) expect(Number.isFinite(a[i]), `${f} cols ${cols} τ ${tau} [${i}]`).toBe(true);
          expectClose(a, e, { rel: 2e-6, abs: 1e-6 }, `${f} cols ${cols} τ ${tau}`);
        }
      }
    }
  });
});

describe(`option values beyond float32 range (${TIER})`, () => {
  test('temperatures outside [2^-126, 2^126] are refused by both backends', () => {
    for (const [, b] of backends) {
      expectError(() => b.softmax(f32([0]), 1, { temperature: 1e-39 }), RangeError, R, /options\.temperature = 1e-39 is out of range: expected a number in \[2\^-126, 2\^126\]/);
      expectError(() => b.logSumExp(f32([0, 0]), 2, { temperature: 1e46 }), RangeError, R, /options\.temperature/);
      expectError(() => b.logSoftmax(f32([0, 0]), 2, { temperature: 2 ** 126 * 1.5 }), RangeError, R, /options\.temperature/);
    }
  });

  test('the temperature range ends compute correctly', () => {
    for (const [name, b] of backends) {
      expect(Array.from(b.softmax(f32([0]), 1, { temperature: 2 ** -126 })), name).toEqual([1]);
      expectClose(b.logSumExp(f32([0, 0]), 2, { temperature: 2 ** 126 }), [Math.fround(Math.LN2)], { rel: 1e-7 }, `${name} lse`);
      // (x − m)/τ = −1e-38·2^126 ≈ −0.85 with the smallest temperature
      const x = f32([1e-38, 0]);
      const d = (Math.fround(0) - Math.fround(1e-38)) * 2 ** 126;
      expectClose(b.softmax(x, 2, { temperature: 2 ** -126 }), [1 / (1 + Math.exp(d)), Math.exp(d) / (1 + Math.exp(d))].map(Math.fround), { rel: 1e-6 }, `${name} softmax`);
    }
  });

  test('zLoss and posWeight beyond float32 range are refused by both backends', () => {
    for (const [, b] of backends) {
      expectError(() => b.softmaxCrossEntropy(f32([0, 1]), new Int32Array([0]), { zLoss: 1e39 }), RangeError, R, /options\.zLoss = 1e\+39 is out of range: expected a number in \[0, 3\.4028234663852886e\+38\]/);
      expectError(() => b.binaryCrossEntropyWithLogits(f32([104]), f32([0.5]), { posWeight: 1e39 }), RangeError, R, /options\.posWeight = 1e\+39 is out of range/);
    }
  });

  test('the largest float32 posWeight gives finite, agreeing losses', () => {
    const x = f32([104, -104, 0]), t = f32([0.5, 1, 1]);
    const w = 3.4028234663852886e38;
    // ℓ = (1−t)·softplus(x) + w·t·softplus(−x)
    const sp = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    const want = Array.from(x, (v, i) => Math.fround((1 - t[i]) * sp(v) + w * t[i] * sp(-v)));
    for (const [name, b] of backends) {
      const r = b.binaryCrossEntropyWithLogits(x, t, { posWeight: w, reduction: 'none' });
      for (const v of r.loss) expect(Number.isNaN(v), name).toBe(false);
      expectClose(r.loss, want, { rel: 1e-6 }, `${name} BCE loss`);
    }
  });

  test('zLoss 1 with a 3.4e38 logit: the gradient is Infinity where p·A overflows, −1 at the label, never NaN', () => {
    const x = f32([3.4e38, 0]);
    for (const [name, b] of backends) {
      const r = b.softmaxCrossEntropy(x, new Int32Array([1]), { zLoss: 1, reduction: 'sum' });
      expect(Array.from(r.grad!), name).toEqual([Infinity, -1]);
      // ℓ = (m − x_y) + log s + lse² = 3.4e38 + (3.4e38)² (float64)
      const m = Math.fround(3.4e38);
      expectClose([r.loss as number], [m + m * m], { rel: 1e-12 }, `${name} loss`);
      // weighted and smoothed: still no NaN, and the finite entries agree
      const s = b.softmaxCrossEntropy(x, new Int32Array([1]), { zLoss: 1, labelSmoothing: 0.2, classWeights: f32([1, 2]), reduction: 'sum' });
      for (const v of s.grad!) expect(Number.isNaN(v), name).toBe(false);
      expect(s.grad![1], name).toBeCloseTo(-2 * 0.8 - 0.1 * 2, 6);
    }
  });
});

describe(`cross-entropy without cancellation for huge logits (${TIER})`, () => {
  test('seven logits of 1e30: loss log 7 (PyTorch gives it too)', () => {
    const x = new Float32Array(7).fill(1e30);
    for (const [name, b] of backends) {
      for (const reduction of ['mean', 'sum'] as const) {
        expect(b.softmaxCrossEntropy(x, new Int32Array([3]), { reduction }).loss, `${name} ${reduction}`).toBeCloseTo(Math.log(7), 6);
      }
      const r = b.softmaxCrossEntropy(x, new Int32Array([3]), { reduction: 'none' });
      expectClose(r.loss, [Math.fround(Math.log(7))], { rel: 1e-6 }, `${name} none`);
      expectClose(r.grad!, [1, 1, 1, 1 - 7, 1, 1, 1].map((v) => Math.fround(v / 7)), { rel: 1e-6, abs: 1e-7 }, `${name} grad`);
      // with smoothing and weights (every log-probability is log 7)
      const w = f32([1, 2, 0, 1, 3, 1, 1]);
      const s = b.softmaxCrossEntropy(x, new Int32Array([3]), { labelSmoothing: 0.3, classWeights: w, reduction: 'sum' });
      expect(s.loss, `${name} smoothed`).toBeCloseTo((0.7 * 1 + (0.3 / 7) * 9) * Math.log(7), 6);
    }
  });

  test('label smoothing does not sum logits in float32', () => {
    // m − x = [0, 1.125]: ℓ = log s + (ε/2)·1.125 with s = 1 + e^−1.125 (reference 0.33740)
    const x = f32([1452431.125, 1452430]);
    const logS = Math.log1p(Math.exp(-1.125));
    for (const [name, b] of backends) {
      expect(b.softmaxCrossEntropy(x, new Int32Array([0]), { labelSmoothing: 0.1 }).loss, name).toBeCloseTo(logS + 0.05 * 1.125, 6);
    }
  });

  test('[3e38, 3.4028234e38] with label 1 and smoothing: a finite, non-negative loss', () => {
    const x = f32([3e38, 3.4028234e38]);
    const d = Math.fround(3.4028234e38) - Math.fround(3e38);
    for (const [name, b] of backends) {
      const r = b.softmaxCrossEntropy(x, new Int32Array([1]), { labelSmoothing: 0.1 });
      expect(r.loss, name).toBeGreaterThanOrEqual(0);
      expectClose([r.loss], [0.05 * d], { rel: 1e-7 }, `${name} smoothed`);
      expect(b.softmaxCrossEntropy(x, new Int32Array([1])).loss, `${name} plain`).toBe(0);
      expectClose([b.softmaxCrossEntropy(x, new Int32Array([0])).loss], [d], { rel: 1e-7 }, `${name} label 0`);
    }
  });

  test('native agrees with the reference on large-magnitude rows, every option', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const scale of [1e6, 1e12, 1e20, 1e30, 1e38]) {
      for (const cols of [3, 17, 100, 2100]) {
        const rows = 3;
        // a common huge offset plus spreads of order 1..100 ulps of it
        const x = new Float32Array(rows * cols).map(() => Math.fround(scale * (1 + Math.floor(next() * 8) * 2 ** -23)) * (next() < 0.2 ? -1 : 1));
        const labels = new Int32Array(rows).map(() => Math.floor(next() * cols));
        const w = new Float32Array(cols).map(() => (next() < 0.2 ? 0 : next() * 2));
        for (const o of [{}, { labelSmoothing: 0.1 }, { labelSmoothing: 0.1, classWeights: w }, { zLoss: 1e-4 }]) {
          const a = lk.softmaxCrossEntropy(x, labels, { ...o, reduction: 'none' });
          const e = ref.softmaxCrossEntropy(x, labels, { ...o, reduction: 'none' });
          expectClose(a.loss, e.loss, { rel: 2e-6, abs: 1e-6 }, `loss scale ${scale} cols ${cols} ${JSON.stringify(Object.keys(o))}`);
          expectClose(a.lse, e.lse, { rel: 1e-6 }, `lse scale ${scale}`);
          for (const v of a.loss) expect(v >= 0 || Number.isNaN(v), 'loss ≥ 0').toBe(true);
        }
      }
    }
  });
});
