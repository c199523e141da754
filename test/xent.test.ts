// Xent family: reference vs PyTorch fixtures, native (this process's tier) vs reference for
// every option combination, long/short rows, unaligned views, in-place backward, finite
// differences on the float64 reference, threads, async, and bad input.
import { afterAll, describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import { native } from '../lib/native.js';
import * as ref from '../lib/reference/index.js';
import * as refk from '../lib/reference/xent.js';
import type { Reduction, SoftmaxCrossEntropyOptions } from '../lib/xent.js';
import { detached, expectClose, expectError, expectSameArray, fixture, LENGTHS, randomF32, TIER, unaligned } from './helpers.js';

const fx = fixture('cross_entropy');
const f32 = (a: number[]) => new Float32Array(a);
const rounded = (a: number[]) => a.map(Math.fround);
const T = 'ERR_LOGITKIT_INVALID_ARG_TYPE', R = 'ERR_LOGITKIT_OUT_OF_RANGE';

/** |a − e| ≤ abs + rel·|e| for numbers, NaN matching NaN and infinities exactly. */
function expectNum(a: number, e: number, tol: { abs?: number; rel?: number }, what: string): void {
  if (Number.isNaN(e)) return void expect(a, what).toBeNaN();
  if (!Number.isFinite(e)) return void expect(a, what).toBe(e);
  const ok = Math.abs(a - e) <= (tol.abs ?? 0) + (tol.rel ?? 0) * Math.abs(e);
  if (!ok) expect.fail(`${what} = ${a}, expected ${e} (diff ${a - e}, tol ${JSON.stringify(tol)})`);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function ceOptions(o: any): SoftmaxCrossEntropyOptions {
  return {
    reduction: o.reduction, ignoreIndex: o.ignoreIndex, labelSmoothing: o.labelSmoothing, zLoss: o.zLoss,
    classWeights: o.classWeights ? f32(o.classWeights) : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
describe('reference vs PyTorch (float64 fixtures)', () => {
  for (const c of fx.cases.filter((c) => c.kind === 'softmaxCrossEntropy')) {
    test(`softmaxCrossEntropy ${c.name}`, () => {
      const r = ref.softmaxCrossEntropy(f32(c.logits), new Int32Array(c.labels), ceOptions(c.options));
      if (c.options.reduction === 'none') expectClose(r.loss as Float32Array, rounded(c.loss), { ulps: 1, abs: 1e-12 }, 'loss');
      else expectNum(r.loss as number, c.loss, { rel: 1e-12, abs: 1e-13 }, 'loss');
      expectClose(r.grad!, rounded(c.grad), { ulps: 1, abs: 1e-13 }, 'grad');
      expectClose(r.lse, rounded(c.lse), { ulps: 1 }, 'lse');
    });
  }
  for (const c of fx.cases.filter((c) => c.kind === 'bce')) {
    test(`bce ${c.name}`, () => {
      const o = { reduction: c.options.reduction as Reduction, posWeight: c.options.posWeight ? f32(c.options.posWeight) : undefined };
      const r = ref.binaryCrossEntropyWithLogits(f32(c.logits), f32(c.targets), o);
      if (o.reduction === 'none') expectClose(r.loss as Float32Array, rounded(c.loss), { ulps: 1, abs: 1e-45 }, 'loss');
      else expectNum(r.loss as number, c.loss, { rel: 1e-13 }, 'loss');
      expectClose(r.grad, rounded(c.grad), { ulps: 1, abs: 1e-45 }, 'grad');
    });
  }
});

// Native error budget: statistics in float (≤ 64-vector partial sums, then double), exp within
// a few ulp, a gradient term p·A − target that cancels near p = 1: absolute errors of a few
// float ulps of the gradient's scale, relative 1e-5 on the losses.
const LOSS_TOL = { rel: 2e-6, abs: 2e-6 };
function gradTol(want: ArrayLike<number>) {
  return { abs: 4e-7 * Math.max(maxAbs(want), 1e-30), rel: 1e-5 };
}

function compareCe(x: Float32Array, labels: Int32Array, o: SoftmaxCrossEntropyOptions, what: string) {
  const a = lk.softmaxCrossEntropy(x, labels, o);
  const b = ref.softmaxCrossEntropy(x, labels, o);
  if (typeof b.loss === 'number') expectNum(a.loss as number, b.loss, { rel: 1e-5, abs: 1e-6 }, `${what} loss`);
  else expectClose(a.loss as Float32Array, b.loss, LOSS_TOL, `${what} loss`);
  expectClose(a.lse, b.lse, { rel: 2e-6, abs: 2e-5 }, `${what} lse`);
  if (b.grad) expectClose(a.grad!, b.grad, gradTol(b.grad), `${what} grad`);
  else expect(a.grad).toBeUndefined();
  return a;
}

describe('native vs PyTorch fixtures', () => {
  for (const c of fx.cases.filter((c) => c.kind === 'softmaxCrossEntropy')) {
    test(`softmaxCrossEntropy ${c.name}`, () => {
      const r = lk.softmaxCrossEntropy(f32(c.logits), new Int32Array(c.labels), ceOptions(c.options));
      if (c.options.reduction === 'none') expectClose(r.loss as Float32Array, rounded(c.loss), LOSS_TOL, 'loss');
      else expectNum(r.loss as number, c.loss, { rel: 1e-5, abs: 1e-6 }, 'loss');
      expectClose(r.grad!, rounded(c.grad), gradTol(c.grad), 'grad');
      expectClose(r.lse, rounded(c.lse), { rel: 2e-6, abs: 2e-5 }, 'lse');
    });
  }
  for (const c of fx.cases.filter((c) => c.kind === 'bce')) {
    test(`bce ${c.name}`, () => {
      const o = { reduction: c.options.reduction as Reduction, posWeight: c.options.posWeight ? f32(c.options.posWeight) : undefined };
      const r = lk.binaryCrossEntropyWithLogits(f32(c.logits), f32(c.targets), o);
      if (o.reduction === 'none') expectClose(r.loss as Float32Array, rounded(c.loss), { ulps: 4, abs: 1e-44 }, 'loss');
      // bce-2x8-special-posweight-*: one element's loss (w·t·softplus(3e38) = 6e38) exceeds
      // float32 (torch's float32 total is Infinity); natively it is formed in double, so the
      // total is the float64 one on every tier (CHANGELOG, Unreleased).
      else expectNum(r.loss as number, c.loss, { rel: 1e-6 }, 'loss');
      expectClose(r.grad, rounded(c.grad), bceGradTol(o.reduction, c.logits.length, o.posWeight), 'grad');
    });
  }
});

// The BCE gradient (1−t)·σ(x) − w·t·σ(−x) is a difference of two terms of size up to
// scale·max(1, w): in float32 it is exact to a few ulps of those terms, not of the result.
function bceGradTol(reduction: Reduction, n: number, pw?: number | ArrayLike<number> | null) {
  const wmax = pw === undefined || pw === null ? 1 : typeof pw === 'number' ? pw : maxAbs(pw);
  return { ulps: 4, abs: 2 ** -22 * (reduction === 'mean' ? 1 / n : 1) * Math.max(1, wmax) };
}

// ---------------------------------------------------------------------------------------------
function labelsFor(rows: number, cols: number, seed: number, ignoreEvery = 0, ignoreIndex = -100): Int32Array {
  const y = new Int32Array(rows);
  let s = seed * 7919 + 13;
  for (let r = 0; r < rows; r++) {
    s = (s * 1103515245 + 12345) >>> 0;
    y[r] = ignoreEvery && r % ignoreEvery === 1 ? ignoreIndex : s % cols;
  }
  return y;
}

function weightsFor(cols: number, seed: number): Float32Array {
  const w = randomF32(cols, seed, 0.2, 2);
  if (cols > 3) w[1] = 0; // a zero weight somewhere
  return w;
}

const COMBOS: SoftmaxCrossEntropyOptions[] = [];
for (const reduction of ['mean', 'sum', 'none'] as const) {
  for (const labelSmoothing of [0, 0.1]) {
    for (const weighted of [false, true]) {
      for (const zLoss of [0, 0.01]) COMBOS.push({ reduction, labelSmoothing, zLoss, classWeights: weighted ? new Float32Array(0) : undefined });
    }
  }
}
const withWeights = (o: SoftmaxCrossEntropyOptions, cols: number, seed: number) =>
  (o.classWeights ? { ...o, classWeights: weightsFor(cols, seed) } : o);
const tag = (o: SoftmaxCrossEntropyOptions) =>
  `${o.reduction} ls=${o.labelSmoothing} w=${o.classWeights ? 1 : 0} z=${o.zLoss}${o.ignoreIndex !== undefined ? ` ii=${o.ignoreIndex}` : ''}`;

describe(`softmaxCrossEntropy: native vs reference (${TIER})`, () => {
  for (const cols of LENGTHS.filter((c) => c > 0)) {
    test(`every option combination, cols = ${cols}`, () => {
      const rows = 4;
      const x = randomF32(rows * cols, cols, -6, 6);
      for (const [i, base] of COMBOS.entries()) {
        for (const ignoreEvery of [0, 3]) {
          const o = withWeights(base, cols, i + 1);
          const labels = labelsFor(rows, cols, i, ignoreEvery);
          compareCe(x, labels, o, `${tag(o)} ignore=${ignoreEvery}`);
          compareCe(x, labels, { ...o, grad: false }, `${tag(o)} forward only`);
        }
      }
    });
  }

  test('ignoreIndex that is a valid class, and rows of one column', () => {
    const x = randomF32(6 * 7, 2);
    const labels = new Int32Array([3, 1, 3, 6, 0, 2]);
    for (const o of COMBOS) compareCe(x, labels, { ...withWeights(o, 7, 3), ignoreIndex: 3 }, `${tag(o)} ii=3`);
    const one = randomF32(5, 4);
    for (const o of COMBOS) compareCe(one, new Int32Array([0, 0, -100, 0, 0]), withWeights(o, 1, 5), `${tag(o)} cols=1`);
  });

  test('long rows: 2 × 262144 and 1 × 300000 (more blocks than the stack table), max moving every block', () => {
    for (const cols of [262144, 300000]) {
      const rows = cols === 262144 ? 2 : 1;
      const x = new Float32Array(rows * cols).map((_, i) => (i % cols) * 1e-4 + 3 * Math.sin(i));
      const labels = new Int32Array(rows).map((_, r) => (r * 7919 + 4099) % cols);
      for (const o of [{}, { labelSmoothing: 0.1, zLoss: 1e-3 }, { labelSmoothing: 0.2, classWeights: weightsFor(cols, 9), reduction: 'sum' as const }]) {
        compareCe(x, labels, o, `cols=${cols} ${JSON.stringify({ ...o, classWeights: !!(o as any).classWeights })}`);
      }
    }
  });

  test('realistic shapes: 8 × 32000 and 64 × 1000 with ignored rows', () => {
    for (const [rows, cols] of [[8, 32000], [64, 1000]]) {
      const x = randomF32(rows * cols, rows, -12, 12);
      const labels = labelsFor(rows, cols, 5, 4);
      compareCe(x, labels, { labelSmoothing: 0.1, zLoss: 1e-4 }, `${rows}x${cols}`);
      compareCe(x, labels, { classWeights: weightsFor(cols, 2), labelSmoothing: 0.05 }, `${rows}x${cols} weighted`);
    }
  });

  test('unaligned views and grad === logits (in place) give the same bits as a separate buffer', () => {
    for (const cols of [15, 16, 17, 2049, 5000]) {
      const x = randomF32(3 * cols, cols, -20, 20);
      const labels = labelsFor(3, cols, 1);
      for (const o of [{}, { labelSmoothing: 0.1, classWeights: weightsFor(cols, 4), zLoss: 0.01 }, { labelSmoothing: 0.3 }]) {
        const want = ref.softmaxCrossEntropy(x, labels, o);
        const sep = lk.softmaxCrossEntropy(unaligned(x), labels, o);
        expectClose(sep.grad!, want.grad!, gradTol(want.grad!), `unaligned cols=${cols}`);
        const inPlace = unaligned(x);
        const r = lk.softmaxCrossEntropy(inPlace, labels, { ...o, grad: inPlace });
        expect(r.grad).toBe(inPlace);
        expectSameArray(inPlace, sep.grad!);
        expect(r.loss).toBe(sep.loss);
        const out = new Float32Array(x.length).fill(NaN);
        expect(lk.softmaxCrossEntropy(x, labels, { ...o, grad: out }).grad).toBe(out);
        expectSameArray(out, sep.grad!);
      }
    }
  });

  test('-Infinity masks, a label on a masked logit, all-masked rows, NaN rows', () => {
    const cols = 37;
    const x = randomF32(6 * cols, 3);
    for (let j = 0; j < cols; j += 3) x[j] = -Infinity; // row 0: partly masked
    x.fill(-Infinity, cols, 2 * cols); // row 1: all masked
    x[2 * cols + 20] = NaN; // row 2: NaN
    x.fill(-Infinity, 3 * cols, 4 * cols - 1); // row 3: one live entry, the label's
    x[4 * cols + 9] = -Infinity; // row 4: the label points at a masked logit
    const labels = new Int32Array([1, 4, 5, cols - 1, 9, 2]);
    for (const o of COMBOS) {
      const oo = withWeights(o, cols, 8);
      compareCe(x, labels, oo, `masks ${tag(oo)}`);
    }
    const r = lk.softmaxCrossEntropy(x, labels, { reduction: 'none' });
    expect(r.loss[0]).toBeGreaterThan(0);
    expect(r.loss[1]).toBe(Infinity);
    expect(r.lse[1]).toBe(-Infinity);
    expect(r.loss[2]).toBeNaN();
    expect(Array.from(r.grad!.subarray(2 * cols, 3 * cols)).every(Number.isNaN)).toBe(true);
    expect(r.loss[3]).toBe(0);
    expect(r.loss[4]).toBe(Infinity);
    // The finite gradient p − onehot on rows whose loss is infinite; masked logits get 0.
    expect(r.grad![4 * cols + 9]).toBe(-1);
    expect(Array.from(r.grad!.subarray(3 * cols, 4 * cols)).every((v) => v === 0)).toBe(true);
    for (let j = 3; j < cols; j += 3) expect(r.grad![j]).toBe(0);
    const g1 = Array.from(r.grad!.subarray(cols, 2 * cols));
    expect(g1.filter((v) => v === -1).length).toBe(1);
    expect(g1.filter((v) => v === 0).length).toBe(cols - 1);
    // With smoothing, a masked class costs +Infinity unless its weight is 0.
    const w = new Float32Array(cols).fill(1);
    for (let j = 0; j < cols; j += 3) w[j] = 0;
    const s = lk.softmaxCrossEntropy(x.subarray(0, cols), new Int32Array([1]), { labelSmoothing: 0.1, classWeights: w });
    expect(Number.isFinite(s.loss)).toBe(true);
    expectNum(s.loss, ref.softmaxCrossEntropy(x.subarray(0, cols), new Int32Array([1]), { labelSmoothing: 0.1, classWeights: w }).loss, { rel: 1e-5 }, 'zero-weight masks');
    expect(lk.softmaxCrossEntropy(x.subarray(0, cols), new Int32Array([1]), { labelSmoothing: 0.1 }).loss).toBe(Infinity);
  });

  test("'mean' with every row ignored: NaN loss, zero gradient, lse still computed", () => {
    const x = randomF32(3 * 50, 4);
    for (const o of [{}, { labelSmoothing: 0.1, classWeights: weightsFor(50, 1), zLoss: 0.1 }]) {
      const g = new Float32Array(x.length).fill(7);
      const r = lk.softmaxCrossEntropy(x, new Int32Array(3).fill(-100), { ...o, grad: g });
      expect(r.loss).toBeNaN();
      expect(Array.from(g).every((v) => v === 0)).toBe(true);
      expectClose(r.lse, ref.logSumExp(x, 50), { rel: 2e-6, abs: 2e-6 }, 'lse');
      expect(lk.softmaxCrossEntropy(x, new Int32Array(3).fill(-100), { ...o, reduction: 'sum' }).loss).toBe(0);
    }
    // Non-ignored rows whose label weights are all 0: also 0/0.
    const w = new Float32Array(50).fill(1);
    w[4] = 0;
    const r = lk.softmaxCrossEntropy(x, new Int32Array([4, -100, 4]), { classWeights: w, labelSmoothing: 0.1 });
    expect(r.loss).toBeNaN();
    expect(Array.from(r.grad!).every((v) => v === 0)).toBe(true);
  });

  test('empty batch: mean is NaN, sum is 0, none is empty', () => {
    const e = new Float32Array(0), l = new Int32Array(0);
    expect(lk.softmaxCrossEntropy(e, l).loss).toBeNaN();
    expect(lk.softmaxCrossEntropy(e, l, { reduction: 'sum' }).loss).toBe(0);
    const n = lk.softmaxCrossEntropy(e, l, { reduction: 'none' });
    expect(n.loss.length).toBe(0);
    expect(n.lse.length).toBe(0);
    expect(n.grad!.length).toBe(0);
  });

  test('the z-loss gradient uses (1 + 2·zLoss·lse)·p, and z-loss with weights is weighted by w_y', () => {
    const x = randomF32(2 * 9, 21, -3, 3), labels = new Int32Array([2, 7]);
    const base = lk.softmaxCrossEntropy(x, labels, { reduction: 'none' });
    const z = lk.softmaxCrossEntropy(x, labels, { reduction: 'none', zLoss: 0.5 });
    for (let r = 0; r < 2; r++) {
      expectNum(z.loss[r], base.loss[r] + 0.5 * base.lse[r] ** 2, { rel: 1e-6 }, 'z loss');
      for (let j = 0; j < 9; j++) {
        const p = Math.exp(x[r * 9 + j] - base.lse[r]);
        expectNum(z.grad![r * 9 + j], base.grad![r * 9 + j] + 2 * 0.5 * base.lse[r] * p, { abs: 1e-6 }, 'z grad');
      }
    }
    const w = new Float32Array(9).fill(3);
    const zw = lk.softmaxCrossEntropy(x, labels, { zLoss: 0.5, classWeights: w });
    const zu = lk.softmaxCrossEntropy(x, labels, { zLoss: 0.5 });
    expectNum(zw.loss, zu.loss, { rel: 1e-6 }, 'uniform weights leave the weighted mean unchanged');
  });
});

// ---------------------------------------------------------------------------------------------
// Tolerances that scale with the quantity tested: the smoothing term of the gradient is eps/C per
// class (eps − eps/C at the label), so at C = 32000 a slip of eps/C vs eps/(C − 1) changes it by
// 1/C = 3e-5 relative — invisible to a tolerance of 4e-7·max|g|. Isolated as grad(eps) − grad(0)
// on the same logits (the p terms cancel to an ulp of p ≈ 1/C), it is held to 1e-5 of eps/C on
// every non-label entry, on the native tier and the reference alike (the label entry, near −1,
// to its float32 rounding); the loss difference has the closed form
// eps·(x_y − mean(x)) per row.
describe.each([['native', lk], ['reference', ref]] as const)('label smoothing at large C, to 1e-5 of eps/C (%s)', (_name, api) => {
  for (const [C, eps] of [[1000, 0.3], [32000, 0.5], [32000, 0.05]] as const) {
    test(`C = ${C}, eps = ${eps}: grad(eps) − grad(0) = −eps/C, and eps − eps/C at the label`, () => {
      const rows = 3;
      const x = randomF32(rows * C, C + 7, -0.5, 0.5);
      const labels = new Int32Array([0, C - 1, 777 % C]);
      for (const reduction of ['sum', 'mean'] as const) {
        const a = api.softmaxCrossEntropy(x, labels, { reduction, labelSmoothing: eps });
        const b = api.softmaxCrossEntropy(x, labels, { reduction });
        const den = reduction === 'mean' ? rows : 1;
        const unit = eps / C / den;
        let worst = 0, at = -1;
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < C; j++) {
            const i = r * C + j;
            if (j === labels[r]) {
              // p − 1 + eps: float32 values near 1, held to their own rounding (the slip would be eps/C²).
              const ga = a.grad![i], gb = b.grad![i];
              expect(Math.abs(ga - gb - (eps / den - unit)), `label entry ${i}`).toBeLessThanOrEqual(2 ** -22 * (Math.abs(ga) + Math.abs(gb)));
              continue;
            }
            const err = Math.abs(a.grad![i] - b.grad![i] + unit);
            if (err > worst) { worst = err; at = i; }
          }
        }
        expect(worst, `worst at ${at} (${reduction}): relative to eps/C ${worst / unit}`).toBeLessThanOrEqual(1e-5 * unit);
        // The smoothing term of the loss: eps·Σ_rows (x_y − mean(x)) (/ rows for 'mean').
        let want = 0;
        for (let r = 0; r < rows; r++) {
          let sx = 0;
          for (let j = 0; j < C; j++) sx += x[r * C + j];
          want += eps * (x[r * C + labels[r]] - sx / C);
        }
        expect(Math.abs((a.loss as number) - (b.loss as number) - want / den)).toBeLessThanOrEqual(1e-5 * Math.abs(want / den) + 2e-6 * rows);
      }
    });
  }
});

describe('gradient = finite differences of the float64 reference', () => {
  const fd = (lossAt: (x: Float64Array) => number, x: Float64Array, j: number, h = 1e-6) => {
    const a = x.slice(), b = x.slice();
    a[j] += h;
    b[j] -= h;
    return (lossAt(a) - lossAt(b)) / (2 * h);
  };

  test('softmax cross-entropy, every option combination', () => {
    const rows = 3, cols = 6;
    const x = Float64Array.from(randomF32(rows * cols, 17, -3, 3));
    const w = Float64Array.from([0.5, 2, 0, 1.25, 0.8, 1.5]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const eps of [0, 0.2]) {
        for (const weights of [null, w]) {
          for (const zLoss of [0, 0.05]) {
            const labels = new Int32Array([4, -100, 0]);
            const lossAt = (v: Float64Array) => {
              const rl = new Float64Array(rows), lse = new Float64Array(rows), total = new Float64Array(1);
              refk.softmaxCrossEntropy(v, labels, cols, -100, eps, weights, zLoss, reduction, null, lse, rl, total);
              return reduction === 'none' ? rl.reduce((s, t) => s + t, 0) : total[0];
            };
            const g = new Float64Array(rows * cols);
            refk.softmaxCrossEntropy(x, labels, cols, -100, eps, weights, zLoss, reduction, g, new Float64Array(rows), null, new Float64Array(1));
            for (let j = 0; j < rows * cols; j++) {
              const want = fd(lossAt, x, j);
              if (Math.abs(g[j] - want) > 1e-8) expect.fail(`${reduction} eps=${eps} w=${!!weights} z=${zLoss}: grad[${j}] = ${g[j]}, fd ${want}`);
            }
            // In place on the float64 reference: the gradient overwrites the logits.
            const inPlace = x.slice();
            refk.softmaxCrossEntropy(inPlace, labels, cols, -100, eps, weights, zLoss, reduction, inPlace, new Float64Array(rows), null, new Float64Array(1));
            expectSameArray(inPlace, g);
          }
        }
      }
    }
  });

  test('binary cross-entropy with and without posWeight', () => {
    const x = Float64Array.from(randomF32(12, 23, -6, 6));
    const t = Float64Array.from(randomF32(12, 24, 0, 1));
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const pw of [null, Float64Array.from([0.5, 3, 1.5])]) {
        const lossAt = (v: Float64Array) => {
          const l = new Float64Array(12);
          const total = refk.binaryCrossEntropyWithLogits(v, t, pw, reduction, null, l, new Float64Array(1));
          return reduction === 'none' ? l.reduce((s, a) => s + a, 0) : total[0];
        };
        const g = new Float64Array(12);
        refk.binaryCrossEntropyWithLogits(x, t, pw, reduction, g, null, new Float64Array(1));
        for (let j = 0; j < 12; j++) expectNum(g[j], fd(lossAt, x, j), { abs: 1e-8 }, `${reduction} pw=${!!pw} grad[${j}]`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe(`binaryCrossEntropyWithLogits: native vs reference (${TIER})`, () => {
  const BCE_TOL = { ulps: 4, abs: 1e-44 };
  test('lengths around the vector widths, every reduction, posWeight number / per class / per element', () => {
    for (const n of LENGTHS) {
      const x = randomF32(n, n + 1, -30, 30), t = randomF32(n, n + 2, 0, 1);
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const pws: (number | Float32Array | undefined)[] = [undefined, 2.5];
        if (n > 0) pws.push(randomF32(n, 3, 0, 4));
        if (n % 8 === 0 && n > 0) pws.push(randomF32(8, 5, 0, 4));
        if (n % 3 === 0 && n > 0) pws.push(randomF32(3, 6, 0, 4));
        for (const posWeight of pws) {
          const a = lk.binaryCrossEntropyWithLogits(x, t, { reduction, posWeight });
          const b = ref.binaryCrossEntropyWithLogits(x, t, { reduction, posWeight });
          const what = `n=${n} ${reduction} pw=${typeof posWeight === 'number' ? posWeight : posWeight?.length}`;
          if (reduction === 'none') expectClose(a.loss as Float32Array, b.loss as Float32Array, BCE_TOL, `${what} loss`);
          else expectNum(a.loss as number, b.loss as number, { rel: 1e-6, abs: 1e-30 }, `${what} loss`);
          expectClose(a.grad, b.grad, bceGradTol(reduction, n, posWeight), `${what} grad`);
        }
      }
    }
  });

  test('dense sweep of x in [-110, 110] with t = 0, 1, 0.3: loss (softplus) and gradient (sigmoid)', () => {
    const n = 220001;
    const x = new Float32Array(n).map((_, i) => -110 + (220 * i) / (n - 1));
    for (const tv of [0, 1, 0.3]) {
      const t = new Float32Array(n).fill(tv);
      const a = lk.binaryCrossEntropyWithLogits(x, t, { reduction: 'none' });
      const b = ref.binaryCrossEntropyWithLogits(x, t, { reduction: 'none' });
      expectClose(a.loss, b.loss, { ulps: 4, abs: 1e-44 }, `loss t=${tv}`);
      expectClose(a.grad, b.grad, bceGradTol('none', n), `grad t=${tv}`);
    }
  });

  test('|x| up to 1e30 and beyond: finite, exact where float allows', () => {
    const x = f32([1e30, -1e30, 1e30, -1e30, 3e38, -3e38, 88, -88, 104, -104, 0, -0, 1e-30, 50, -50, 17]);
    const t = f32([0, 0, 1, 1, 0.5, 0.5, 1, 0, 0.25, 0.75, 0.5, 1, 0, 1, 0, 0.5]);
    const a = lk.binaryCrossEntropyWithLogits(x, t, { reduction: 'none' });
    const b = ref.binaryCrossEntropyWithLogits(x, t, { reduction: 'none' });
    expectClose(a.loss, b.loss, BCE_TOL, 'loss');
    expectClose(a.grad, b.grad, BCE_TOL, 'grad');
    expect(Array.from(a.loss.subarray(0, 4))).toEqual([1e30, 0, 0, 1e30].map(Math.fround));
    expect(Array.from(a.grad.subarray(0, 4))).toEqual([1, 0, 0, -1]);
    const big = randomF32(100000, 3, -1e30, 1e30), bt = randomF32(100000, 4, 0, 1);
    const s = lk.binaryCrossEntropyWithLogits(big, bt, { reduction: 'sum', posWeight: 2 });
    expectNum(s.loss, ref.binaryCrossEntropyWithLogits(big, bt, { reduction: 'sum', posWeight: 2 }).loss, { rel: 1e-6 }, 'sum 1e30');
  });

  test('grad === logits (in place) and unaligned views', () => {
    const x = randomF32(4099, 8, -10, 10), t = randomF32(4099, 9, 0, 1), pw = randomF32(4099, 10, 0.5, 2);
    const want = lk.binaryCrossEntropyWithLogits(x, t, { posWeight: pw });
    const v = unaligned(x);
    const r = lk.binaryCrossEntropyWithLogits(v, unaligned(t), { posWeight: unaligned(pw), grad: v });
    expect(r.grad).toBe(v);
    expectSameArray(v, want.grad);
    expect(r.loss).toBe(want.loss);
  });
});

// ---------------------------------------------------------------------------------------------
describe('threads and async', () => {
  afterAll(() => lk.setThreads(lk.backend().name === 'native' ? 2 : 1));

  test('identical results for 1 and 2 threads', () => {
    const x = randomF32(512 * 1000, 11, -20, 20), labels = labelsFor(512, 1000, 3, 5);
    const t = randomF32(512 * 1000, 12, 0, 1);
    const run = () => {
      const a = lk.softmaxCrossEntropy(x, labels, { labelSmoothing: 0.1, zLoss: 1e-3, classWeights: weightsFor(1000, 1) });
      const b = lk.binaryCrossEntropyWithLogits(x, t, { posWeight: randomF32(1000, 2, 0, 3) });
      return [a.loss, Array.from(a.grad!), Array.from(a.lse), b.loss, Array.from(b.grad)];
    };
    lk.setThreads(1);
    const one = run();
    lk.setThreads(2);
    expect(run()).toEqual(one);
  });

  test('softmaxCrossEntropyAsync equals the sync result, concurrently, in place too', async () => {
    const x = randomF32(300 * 2000, 13), labels = labelsFor(300, 2000, 4, 7);
    const o = { labelSmoothing: 0.1, reduction: 'none' as const };
    const sync = lk.softmaxCrossEntropy(x, labels, o);
    const inPlace = x.slice();
    const [a, b, c] = await Promise.all([
      lk.softmaxCrossEntropyAsync(x, labels, o),
      lk.softmaxCrossEntropyAsync(x, labels, { zLoss: 0.01 }),
      lk.softmaxCrossEntropyAsync(inPlace, labels, { ...o, grad: inPlace }),
    ]);
    expectSameArray(a.loss, sync.loss);
    expectSameArray(a.grad!, sync.grad!);
    expectSameArray(a.lse, sync.lse);
    expect(b.loss).toBe(lk.softmaxCrossEntropy(x, labels, { zLoss: 0.01 }).loss);
    expect(c.grad).toBe(inPlace);
    expectSameArray(inPlace, sync.grad!);
  });

  test('async validation errors are rejections', async () => {
    await expect(lk.softmaxCrossEntropyAsync(new Float32Array(5), new Int32Array(2))).rejects.toMatchObject({ code: R });
    await expect(lk.softmaxCrossEntropyAsync(new Float32Array(4), new Int32Array([0, 9]))).rejects.toThrow(/labels\[1\] = 9 is out of range \[0, 2\)/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('bad input: clear errors, nothing written, no crash', () => {
  const cols = 4;
  const fresh = () => new Float32Array(3 * cols).map((_, i) => i);
  const labels = new Int32Array([0, 3, -100]);
  const sce = (x: unknown, y: unknown, o?: unknown) => () => lk.softmaxCrossEntropy(x as Float32Array, y as Int32Array, o as SoftmaxCrossEntropyOptions);

  test('wrong types', () => {
    const x = fresh();
    expectError(sce(x, [0, 1, 2]), TypeError, T, /softmaxCrossEntropy: labels must be an Int32Array \(got Array\(3\)\); convert with Int32Array\.from\(labels\)/);
    expectError(sce(x, new Float32Array(3)), TypeError, T, /labels must be an Int32Array \(got Float32Array\(3\)\)/);
    expectError(sce(Array.from(x), labels), TypeError, T, /logits must be a Float32Array/);
    expectError(sce(x, labels, 3), TypeError, T, /options must be an object/);
    expectError(sce(x, labels, { reduction: 1 }), TypeError, T, /options.reduction must be a string/);
    expectError(sce(x, labels, { labelSmoothing: '0.1' }), TypeError, T, /labelSmoothing must be a number/);
    expectError(sce(x, labels, { classWeights: [1, 1, 1, 1] }), TypeError, T, /classWeights must be a Float32Array/);
    expectError(sce(x, labels, { grad: new Float64Array(12) }), TypeError, T, /options.grad must be a boolean or a Float32Array, received Float64Array\(12\)/);
    expectError(sce(x, labels, { ignoreIndex: '-100' }), TypeError, T, /ignoreIndex must be a number/);
    expectError(sce(detached(12), labels), TypeError, 'ERR_LOGITKIT_DETACHED', /detached/);
    expectError(() => lk.binaryCrossEntropyWithLogits(x, x, { posWeight: [1] as unknown as Float32Array }), TypeError, T, /posWeight must be a number or a Float32Array/);
    expectError(() => lk.binaryCrossEntropyWithLogits(x, new Float64Array(12) as unknown as Float32Array), TypeError, T, /targets must be a Float32Array/);
  });

  test('wrong sizes and ranges', () => {
    const x = fresh();
    expectError(sce(x, new Int32Array([0, 1, 2, 50000, 0])), RangeError, R, /logits.length = 12 is not a positive multiple of labels.length = 5/);
    expectError(sce(x, new Int32Array([0, 1, 7])), RangeError, R, /softmaxCrossEntropy: labels\[2\] = 7 is out of range \[0, 4\)/);
    expectError(sce(x, new Int32Array([0, -1, 2])), RangeError, R, /labels\[1\] = -1 is out of range/);
    expectError(sce(x, new Int32Array([0, -100, 2]), { ignoreIndex: 3 }), RangeError, R, /labels\[1\] = -100 is out of range \[0, 4\) \(ignoreIndex = 3\)/);
    expectError(sce(new Float32Array(0), new Int32Array(1)), RangeError, R, /not a positive multiple/);
    expectError(sce(new Float32Array(2), new Int32Array(0)), RangeError, R, /expected 0 for an empty labels array/);
    expectError(sce(x, labels, { reduction: 'avg' }), RangeError, R, /options.reduction = "avg" is out of range: expected 'mean', 'sum' or 'none'/);
    for (const ls of [-0.1, 1.5, NaN]) expectError(sce(x, labels, { labelSmoothing: ls }), RangeError, R, /labelSmoothing = .* expected a number in \[0, 1\]/);
    for (const z of [-1, NaN, Infinity]) expectError(sce(x, labels, { zLoss: z }), RangeError, R, /zLoss = .* expected a finite number ≥ 0/);
    expectError(sce(x, labels, { ignoreIndex: 1.5 }), RangeError, R, /ignoreIndex = 1.5 is out of range/);
    expectError(sce(x, labels, { ignoreIndex: 2 ** 31 }), RangeError, R, /ignoreIndex/);
    expectError(sce(x, labels, { classWeights: new Float32Array(3) }), RangeError, R, /classWeights.length = 3 is out of range: expected cols = 4/);
    expectError(sce(x, labels, { classWeights: f32([1, -1, 1, 1]) }), RangeError, R, /classWeights\[1\] = -1 is out of range: expected a finite number ≥ 0/);
    expectError(sce(x, labels, { classWeights: f32([1, 1, NaN, 1]) }), RangeError, R, /classWeights\[2\] = NaN/);
    expectError(sce(x, labels, { classWeights: f32([1, 1, 1, Infinity]) }), RangeError, R, /classWeights\[3\] = Infinity/);
    expectError(sce(x, labels, { grad: new Float32Array(11) }), RangeError, R, /options.grad.length = 11 is out of range: expected 12/);
    const big = new Float32Array(24);
    expectError(sce(big.subarray(0, 12), labels, { grad: big.subarray(4, 16) }), RangeError, R, /partially overlaps/);
    const shared = new ArrayBuffer(12 * 4 + 3 * 4);
    const lab = new Int32Array(shared, 48, 3);
    expectError(sce(x, lab, { grad: new Float32Array(shared, 4, 12) }), RangeError, R, /overlaps labels/);
    // BCE
    expectError(() => lk.binaryCrossEntropyWithLogits(x, new Float32Array(11)), RangeError, R, /targets.length = 11 is out of range: expected logits.length = 12/);
    expectError(() => lk.binaryCrossEntropyWithLogits(x, x, { posWeight: new Float32Array(5) }), RangeError, R, /posWeight.length = 5 is out of range: expected a divisor of logits.length = 12/);
    expectError(() => lk.binaryCrossEntropyWithLogits(x, x, { posWeight: -1 }), RangeError, R, /posWeight = -1 is out of range/);
    expectError(() => lk.binaryCrossEntropyWithLogits(x, x, { posWeight: f32([1, NaN]) }), RangeError, R, /posWeight\[1\] = NaN/);
    expectError(() => lk.binaryCrossEntropyWithLogits(x, x, { reduction: 'max' as Reduction }), RangeError, R, /reduction/);
    expectError(() => lk.binaryCrossEntropyWithLogits(x, x, { grad: new Float32Array(3) }), RangeError, R, /options.grad.length = 3/);
  });

  test('nothing is written to grad or to the logits (in place) when validation fails', () => {
    const bad: [Int32Array, SoftmaxCrossEntropyOptions][] = [
      [new Int32Array([0, 1, 4]), {}],
      [labels, { labelSmoothing: 2 }],
      [labels, { classWeights: f32([1, 1, 1, -2]) }],
      [labels, { zLoss: -1 }],
      [labels, { reduction: 'avg' as Reduction }],
    ];
    for (const [y, o] of bad) {
      const x = fresh(), before = Array.from(x);
      const g = new Float32Array(12).fill(7);
      expect(() => lk.softmaxCrossEntropy(x, y, { ...o, grad: g })).toThrow(RangeError);
      expect(Array.from(g)).toEqual(new Array(12).fill(7));
      expect(() => lk.softmaxCrossEntropy(x, y, { ...o, grad: x })).toThrow(RangeError);
      expect(Array.from(x)).toEqual(before);
    }
    const x = fresh(), before = Array.from(x);
    expect(() => lk.binaryCrossEntropyWithLogits(x, x, { posWeight: f32([1, -1]), grad: x })).toThrow(RangeError);
    expect(Array.from(x)).toEqual(before);
  });

  test.runIf(native !== null)('the native binding re-checks lengths and labels itself', () => {
    const n = native!;
    const x = fresh(), lse = new Float32Array(3), total = new Float64Array(1);
    const call = (y: Int32Array, c: number, w: Float32Array | null, g: Float32Array | null, l: Float32Array) =>
      () => n.softmaxCrossEntropy(x, y, c, -100, 0, w, 0, 'mean', g, l, null, total);
    const before = Array.from(x);
    expectError(call(new Int32Array([0, 1, 4]), 4, null, x, lse), RangeError, R, /native: labels\[2\] = 4 is out of range \[0, 4\)/);
    expectError(call(new Int32Array([0, 1, -5]), 4, null, x, lse), RangeError, R, /labels\[2\] = -5/);
    expectError(call(labels, 5, null, null, lse), RangeError, R, /logits.length must equal/);
    expectError(call(labels, 4, new Float32Array(3), null, lse), RangeError, R, /classWeights.length/);
    expectError(call(labels, 4, null, new Float32Array(5), lse), RangeError, R, /grad.length/);
    expectError(call(labels, 4, null, null, new Float32Array(2)), RangeError, R, /lse.length/);
    expect(Array.from(x)).toEqual(before);
    expectError(() => n.softmaxCrossEntropy(x, labels, 4, -100, 0, null, 0, 'avg' as Reduction, null, lse, null, total), RangeError, R, /reduction/);
    expectError(() => n.binaryCrossEntropyWithLogits(x, x, new Float32Array(5), 'sum', null, null, total), RangeError, R, /posWeight.length/);
    expectError(() => n.binaryCrossEntropyWithLogits(x, new Float32Array(3), null, 'sum', null, null, total), RangeError, R, /targets.length/);
    expectError(() => n.binaryCrossEntropyWithLogits(x, x, null, 'sum', null, new Float32Array(3), total), RangeError, R, /loss.length/);
  });
});
