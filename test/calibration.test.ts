// Calibration family: reference vs PyTorch fixtures, native (this process's tier) vs reference on
// random and adversarial rows, finite differences for every gradient, fitTemperature against a
// float64 minimiser and its degenerate answers, ECE by hand, the SVG writer, the two new
// samplers, and bad input.
import { describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import { native } from '../lib/native.js';
import * as ref from '../lib/reference/index.js';
import { expectClose, expectError, expectSameArray, fixture, LENGTHS, randomF32, TIER, unaligned } from './helpers.js';
import { expectKS } from './sampling-stats.js';
import { expectWellFormedSvg } from './svg-check.js';

const fx = fixture('calibration');
const f32 = (a: number[]) => new Float32Array(a);
const T = 'ERR_LOGITKIT_INVALID_ARG_TYPE', R = 'ERR_LOGITKIT_OUT_OF_RANGE';
const cases = (kind: string) => fx.cases.filter((c) => c.kind === kind);

function expectNum(a: number, e: number, tol: { abs?: number; rel?: number }, what: string): void {
  if (Number.isNaN(e)) return void expect(a, what).toBeNaN();
  if (!Number.isFinite(e)) return void expect(a, what).toBe(e);
  const ok = Math.abs(a - e) <= (tol.abs ?? 0) + (tol.rel ?? 0) * Math.abs(e);
  if (!ok) expect.fail(`${what} = ${a}, expected ${e} (diff ${a - e}, tol ${JSON.stringify(tol)})`);
}

// ---------------------------------------------------------------------------------------------
describe('reference vs PyTorch (float64 fixtures)', () => {
  for (const c of cases('entropy')) {
    test(`entropy ${c.name}`, () => {
      expectClose(ref.entropy(f32(c.x), c.cols, { temperature: c.temperature }), c.entropy, { rel: 1e-6, abs: 1e-7 }, 'entropy');
    });
  }
  for (const c of cases('klUniform')) {
    test(`klUniform ${c.name}`, () => {
      const r = ref.klUniform(f32(c.x), c.cols, { beta: c.beta, reduction: c.reduction, mask: new Uint8Array(c.mask) });
      if (c.reduction === 'none') expectClose(r.loss as Float32Array, c.loss, { rel: 1e-6, abs: 1e-7 }, 'loss');
      else expectNum(r.loss as number, c.loss, { rel: 1e-12, abs: 1e-12 }, 'loss');
      expectClose(r.grad!, c.grad, { rel: 1e-6, abs: 1e-9 }, 'grad');
    });
  }
  for (const c of cases('temperature')) {
    test(`temperatureNll + fitTemperature ${c.name}`, () => {
      const x = f32(c.x), y = new Int32Array(c.labels);
      for (const e of c.evals) {
        const r = ref.temperatureNll(x, y, { temperature: 1 / e.beta });
        expectNum(r.nll * r.count, e.nll, { rel: 1e-12 }, `nll at beta ${e.beta}`);
        expectNum(r.gradBeta, e.grad, { rel: 1e-10, abs: 1e-9 }, `gradBeta at beta ${e.beta}`);
        expectNum(r.curvature, e.curvature, { rel: 1e-10 }, `curvature at beta ${e.beta}`);
      }
      // The API's contract: equal to a float64 minimiser of the same NLL to 1e-6 relative.
      expectNum(ref.fitTemperature(x, y), c.temperature, { rel: 1e-6 }, 'reference fitTemperature');
      expectNum(lk.fitTemperature(x, y), c.temperature, { rel: 1e-6 }, `${TIER} fitTemperature`);
    });
  }
  for (const c of cases('ece')) {
    test(`expectedCalibrationError ${c.name} (Guo et al.'s implementation)`, () => {
      const o = { bins: c.bins, temperature: c.temperature };
      expectNum(ref.expectedCalibrationError(f32(c.x), new Int32Array(c.labels), o), c.ece, { abs: 1e-6 }, 'ref ece');
      expectNum(lk.expectedCalibrationError(f32(c.x), new Int32Array(c.labels), o), c.ece, { abs: 1e-6 }, `${TIER} ece`);
    });
  }
  for (const c of cases('gaussianKL')) {
    test(`gaussianKL ${c.name}`, () => {
      const o = { dim: c.dim, reduction: c.reduction };
      const r = c.mu2
        ? ref.gaussianKL(f32(c.mu), f32(c.logVar), f32(c.mu2), f32(c.logVar2), o)
        : ref.gaussianKL(f32(c.mu), f32(c.logVar), o);
      if (c.reduction === 'none') expectClose(r.loss as Float32Array, c.loss, { rel: 1e-6 }, 'loss');
      else expectNum(r.loss as number, c.loss, { rel: 1e-12 }, 'loss');
      expectClose(r.gradMu!, c.gradMu, { rel: 1e-6, abs: 1e-30 }, 'gradMu');
      expectClose(r.gradLogVar!, c.gradLogVar, { rel: 1e-6, abs: 1e-12 }, 'gradLogVar');
      if (c.mu2) {
        expectClose(r.gradMu2!, c.gradMu2, { rel: 1e-6, abs: 1e-30 }, 'gradMu2');
        expectClose(r.gradLogVar2!, c.gradLogVar2, { rel: 1e-6, abs: 1e-12 }, 'gradLogVar2');
      }
      // and the tier under test against the same numbers (float32 budget)
      const n = c.mu2
        ? lk.gaussianKL(f32(c.mu), f32(c.logVar), f32(c.mu2), f32(c.logVar2), o)
        : lk.gaussianKL(f32(c.mu), f32(c.logVar), o);
      if (c.reduction === 'none') expectClose(n.loss as Float32Array, c.loss, { rel: 1e-5, abs: 1e-6 }, 'native loss');
      else expectNum(n.loss as number, c.loss, { rel: 1e-5 }, 'native loss');
      expectClose(n.gradLogVar!, c.gradLogVar, { rel: 1e-5, abs: 1e-6 }, 'native gradLogVar');
    });
  }
});

// ---------------------------------------------------------------------------------------------
/** Rows with masks, NaN, ±Infinity, ±0, subnormals, huge magnitudes, ties and constants. */
function adversarialRows(cols: number, seed: number): Float32Array[] {
  const rows: Float32Array[] = [];
  const base = () => randomF32(cols, seed++, -6, 6);
  rows.push(base());
  { const r = base(); for (let j = 0; j < cols; j += 3) r[j] = -Infinity; rows.push(r); }
  rows.push(new Float32Array(cols).fill(-Infinity));
  { const r = new Float32Array(cols).fill(-Infinity); r[cols - 1] = 2; rows.push(r); }
  { const r = base(); r[cols >> 1] = NaN; rows.push(r); }
  { const r = new Float32Array(cols).fill(-Infinity); r[cols >> 1] = NaN; rows.push(r); }
  { const r = base(); r[0] = Infinity; rows.push(r); }
  { const r = base(); for (let j = 0; j < cols; j++) r[j] = j % 2 ? 1e30 : -1e30; rows.push(r); }
  { const r = base(); for (let j = 0; j < cols; j++) r[j] = j % 3 === 0 ? 3e38 : j % 3 === 1 ? -3e38 : 0; rows.push(r); }
  { const r = new Float32Array(cols); for (let j = 0; j < cols; j++) r[j] = j % 2 ? -0 : 1e-40; rows.push(r); }
  rows.push(new Float32Array(cols).fill(7)); // constant
  { const r = base(); r[cols - 1] = 50; rows.push(r); } // late max
  { const r = base(); for (let j = 0; j < cols; j++) r[j] = (j % 7) * 8; rows.push(r); } // ties at the max
  return rows;
}
const concat = (rows: Float32Array[]) => {
  const out = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
  let at = 0;
  for (const r of rows) { out.set(r, at); at += r.length; }
  return out;
};

describe(`native (${TIER}) vs reference`, () => {
  const colsList = [...LENGTHS.filter((c) => c > 0 && c <= 2049), 33, 4099];

  test('entropy, every length, adversarial rows, temperatures, unaligned', () => {
    for (const cols of colsList) {
      const x = concat(adversarialRows(cols, cols));
      for (const temperature of [1, 0.25, 3]) {
        const e = ref.entropy(x, cols, { temperature });
        const a = lk.entropy(unaligned(x), cols, { temperature });
        expectClose(a, e, { abs: 2e-6 * Math.log(cols + 1) + 1e-7, rel: 2e-6 }, `entropy cols=${cols} T=${temperature}`);
      }
    }
  });

  test('klUniform: reductions, beta, mask, accumulate, in-place, every length', () => {
    for (const cols of colsList) {
      const x = concat(adversarialRows(cols, 100 + cols));
      const rows = x.length / cols;
      const mask = new Uint8Array(rows).map((_, i) => (i % 3 === 1 ? 0 : 1));
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        for (const o of [{}, { beta: 0.3 }, { beta: 2, mask }]) {
          const e = ref.klUniform(x, cols, { reduction, ...o });
          const a = lk.klUniform(x, cols, { reduction, ...o });
          if (reduction === 'none') expectClose(a.loss as Float32Array, e.loss as Float32Array, { rel: 2e-6, abs: 2e-5 }, 'loss');
          expectClose(a.grad!, e.grad!, { abs: 2e-7, rel: 2e-6 }, `grad cols=${cols} ${reduction} ${JSON.stringify(o.beta)}`);
        }
      }
      // totals: rows with a NaN or a mask make the totals NaN / Infinity on both
      const clean = concat(adversarialRows(cols, 7).filter((_, i) => i === 0 || i === 7 || i === 10 || i === 11));
      for (const reduction of ['mean', 'sum'] as const) {
        expectNum(lk.klUniform(clean, cols, { reduction }).loss as number, ref.klUniform(clean, cols, { reduction }).loss as number,
          { rel: 1e-5, abs: 1e-5 }, `total ${reduction}`);
      }
      // accumulate into an existing buffer; in place
      const g0 = randomF32(x.length, 3);
      const ga = lk.klUniform(x, cols, { grad: Float32Array.from(g0), accumulate: true, mask }).grad!;
      const ge = ref.klUniform(x, cols, { grad: Float32Array.from(g0), accumulate: true, mask }).grad!;
      expectClose(ga, ge, { abs: 1e-6, rel: 1e-6 }, 'accumulate');
      const inplace = Float32Array.from(x);
      lk.klUniform(inplace, cols, { grad: inplace });
      expectClose(inplace, ref.klUniform(x, cols).grad!, { abs: 2e-7, rel: 2e-6 }, 'in place');
    }
  });

  test('temperatureNll: statistics at several beta, ignored rows', () => {
    for (const cols of [1, 5, 16, 17, 100, 2049, 4099]) {
      const rows = 40;
      const x = randomF32(rows * cols, cols, -5, 5);
      for (let j = 0; j < x.length; j += 11) x[j] = -Infinity;
      const y = new Int32Array(rows).map((_, i) => (i % 9 === 4 ? -100 : (i * 7) % cols));
      for (let r = 0; r < rows; r++) if (y[r] >= 0 && x[r * cols + y[r]] === -Infinity) x[r * cols + y[r]] = 1;
      for (const temperature of [0.3, 1, 4]) {
        const a = lk.temperatureNll(x, y, { temperature }), e = ref.temperatureNll(x, y, { temperature });
        expect(a.count).toBe(e.count);
        expectNum(a.nll, e.nll, { rel: 1e-5, abs: 1e-6 }, 'nll');
        expectNum(a.gradBeta, e.gradBeta, { rel: 1e-4, abs: 1e-4 * rows }, 'gradBeta');
        expectNum(a.curvature, e.curvature, { rel: 1e-3, abs: 1e-4 }, 'curvature');
      }
    }
  });

  test('confidence: every length, adversarial rows, temperature', () => {
    for (const cols of colsList) {
      const x = concat(adversarialRows(cols, 300 + cols));
      for (const temperature of [1, 0.5]) {
        const a = lk.confidence(unaligned(x), cols, { temperature }), e = ref.confidence(x, cols, { temperature });
        expectSameArray(a.prediction, e.prediction);
        expectClose(a.confidence, e.confidence, { rel: 2e-6, abs: 1e-7 }, `confidence cols=${cols}`);
      }
    }
  });

  test('gaussianKL: standard and general, every length, extreme logVar, zero mean differences', () => {
    for (const n of [1, 7, 8, 9, 15, 16, 17, 33, 100, 1000]) {
      const mu = randomF32(n, n, -3, 3), lv = randomF32(n, n + 1, -3, 3);
      const mu2 = randomF32(n, n + 2, -3, 3), lv2 = randomF32(n, n + 3, -3, 3);
      const extremes = [0, -0, 1e-8, -1e-8, 0.49, -0.51, 60, -60, 88, -88, 150, -150, 1e-40];
      for (let i = 0; i < n; i++) {
        if (i % 3 === 0) lv[i] = extremes[i % extremes.length];
        if (i % 4 === 1) mu2[i] = mu[i]; // zero difference: no 0·Infinity
        if (i % 5 === 2) lv2[i] = Math.max(-80, Math.min(80, extremes[(i + 5) % extremes.length])); // e^(−lv2)·Δμ² stays below 3.4e38
        if (i % 6 === 3) lv[i] = lv2[i] + 1e-3;
      }
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const dim = n % 3 === 0 ? n / 3 : n;
        const a = lk.gaussianKL(mu, lv, { dim, reduction }), e = ref.gaussianKL(mu, lv, { dim, reduction });
        if (reduction === 'none') expectClose(a.loss as Float32Array, e.loss as Float32Array, { rel: 1e-5, abs: 1e-6 }, 'loss');
        else expectNum(a.loss as number, e.loss as number, { rel: 1e-5 }, 'loss');
        expectClose(a.gradMu!, e.gradMu!, { ulps: 1 }, 'gradMu');
        expectClose(a.gradLogVar!, e.gradLogVar!, { rel: 1e-6, abs: 1e-12 }, 'gradLogVar');
        // general form: e^(lv − lv2) up to e^230, past float32 (computed in float64 there)
        const ag = lk.gaussianKL(mu, lv, mu2, lv2, { dim, reduction }), eg = ref.gaussianKL(mu, lv, mu2, lv2, { dim, reduction });
        if (reduction === 'none') expectClose(ag.loss as Float32Array, eg.loss as Float32Array, { rel: 1e-5, abs: 1e-6 }, 'general loss');
        else expectNum(ag.loss as number, eg.loss as number, { rel: 1e-5 }, 'general loss');
        expectClose(ag.gradMu!, eg.gradMu!, { rel: 1e-5, abs: 1e-30 }, 'general gradMu');
        expectClose(ag.gradMu2!, eg.gradMu2!, { rel: 1e-5, abs: 1e-30 }, 'general gradMu2');
        expectClose(ag.gradLogVar!, eg.gradLogVar!, { rel: 1e-5, abs: 1e-12 }, 'general gradLogVar');
        expectClose(ag.gradLogVar2!, eg.gradLogVar2!, { rel: 1e-5, abs: 1e-12 }, 'general gradLogVar2');
      }
    }
  });

  test('row splits do not change results (threads)', () => {
    if (!native) return;
    const cols = 1000, x = randomF32(300 * cols, 9), y = new Int32Array(300).map((_, i) => i % cols);
    lk.setThreads(1);
    const a = lk.temperatureNll(x, y, { temperature: 1.3 }), ka = lk.klUniform(x, cols).loss;
    lk.setThreads(2);
    const b = lk.temperatureNll(x, y, { temperature: 1.3 }), kb = lk.klUniform(x, cols).loss;
    expect(b).toEqual(a);
    expect(kb).toBe(ka);
  });
});

// ---------------------------------------------------------------------------------------------
describe('closed forms and finite differences (float64 reference)', () => {
  test('entropy: uniform rows give log C, one-hot 0, masked entries ignored', () => {
    const h = ref.entropy(f32([0, 0, 0, 0, 5, -Infinity, 5, -Infinity, 1e30, -1e30, -1e30, -1e30]), 4);
    expectClose(h, [Math.log(4), Math.log(2), 0], { rel: 1e-7 }, 'entropy');
    expectClose(lk.entropy(f32([0, 0, 0, 0, 5, -Infinity, 5, -Infinity, 1e30, -1e30, -1e30, -1e30]), 4), [Math.log(4), Math.log(2), 0], { rel: 2e-7, abs: 1e-7 }, 'native');
  });

  test('klUniform: zero for uniform p, closed form for two classes; gradient by finite differences', () => {
    expect(ref.klUniform(f32([3, 3, 3]), 3).loss).toBeCloseTo(0, 12);
    // C = 2, x = (a, 0): KL = log(1 + e^a) − a/2 − log 2
    const a = 1.5;
    expectNum(ref.klUniform(f32([a, 0]), 2).loss as number, Math.log1p(Math.exp(a)) - a / 2 - Math.log(2), { rel: 1e-12 }, 'two classes');
    fdCheck((x) => ref.klUniform(x, 5, { reduction: 'sum', beta: 0.7 }).loss as number, (x) => ref.klUniform(x, 5, { reduction: 'sum', beta: 0.7 }).grad!, randomF32(15, 4, -3, 3), 'klUniform');
  });

  test('temperatureNll: gradBeta and curvature by finite differences in beta', () => {
    const cols = 6, x = randomF32(30 * cols, 5, -4, 4), y = new Int32Array(30).map((_, i) => (i * 5) % cols);
    const at = (b: number) => ref.temperatureNll(x, y, { temperature: 1 / b });
    const h = 1e-5, b = 0.8;
    const fd1 = ((at(b + h).nll - at(b - h).nll) * 30) / (2 * h);
    const fd2 = (at(b + h).gradBeta - at(b - h).gradBeta) / (2 * h);
    expectNum(at(b).gradBeta, fd1, { rel: 1e-6, abs: 1e-6 }, 'gradBeta');
    expectNum(at(b).curvature, fd2, { rel: 1e-6, abs: 1e-6 }, 'curvature');
  });

  test('entropy, confidence, temperatureNll at temperatures above 1e12 with ±3.4e38 logits (libFuzzer regression)', () => {
    // (x − m) and Σ(x − m)·p were formed in float: at temperature 1e38 a row [3.4e38, 0 × 199]
    // had entropy +Infinity (reference 4.99) and [3.4e38, −3.4e38] entropy 0 (reference 0.0087).
    const rows: Array<[Float32Array, number]> = [];
    for (const cols of [2, 17, 200, 2047, 2049]) {
      const a = new Float32Array(cols);
      a[0] = 3.4e38;
      rows.push([a, cols]);
      rows.push([Float32Array.from({ length: cols }, (_, j) => (j % 2 ? -3.4e38 : 3.4e38)), cols]);
      rows.push([Float32Array.from({ length: cols }, (_, j) => (j % 3 ? 1e30 * j : -1e37)), cols]);
    }
    for (const [x, cols] of rows) {
      for (const temperature of [1e38, 1e36, 1e20, 1e13]) {
        const what = `cols ${cols} x0 ${x[0]} T ${temperature}`;
        const h = lk.entropy(x, cols, { temperature })[0], he = ref.entropy(x, cols, { temperature })[0];
        expectNum(h, he, { abs: 1e-5 * (1 + Math.log(cols)) }, `entropy ${what}`);
        const c = lk.confidence(x, cols, { temperature }), ce = ref.confidence(x, cols, { temperature });
        expectNum(c.confidence[0], ce.confidence[0], { rel: 1e-5 }, `confidence ${what}`);
        expect(c.prediction[0]).toBe(ce.prediction[0]);
        const y = new Int32Array([1]);
        const t = lk.temperatureNll(x, y, { temperature }), te = ref.temperatureNll(x, y, { temperature });
        expectNum(t.nll, te.nll, { rel: 1e-5, abs: 1e-5 }, `nll ${what}`);
        // E_p[x] − x_y and Var_p[x] are of the logits' scale: float rounding of ds = x/T − m/T.
        const scale = 3.4e38;
        expectNum(t.gradBeta, te.gradBeta, { rel: 1e-5, abs: 1e-6 * scale }, `gradBeta ${what}`);
        expect(Number.isFinite(t.curvature) && t.curvature >= 0, `curvature ${t.curvature} ${what}`).toBe(true);
        expectNum(t.curvature, te.curvature, { rel: 1e-3, abs: 1e-6 * scale * scale }, `curvature ${what}`);
      }
    }
  });

  test('klUniform: rows of ±3.4e38 logits stay finite (their float sum overflowed; libFuzzer regression)', () => {
    // Σx was summed in float lanes: 65 logits of ±3.4e38 gave NaN (+Inf − Inf) or ±Infinity.
    const big = 3.4028234663852886e38;
    for (const cols of [2, 16, 17, 65, 1024, 2049, 4097]) {
      const rows: Float32Array[] = [
        new Float32Array(cols).fill(big),
        new Float32Array(cols).fill(-big),
        Float32Array.from({ length: cols }, (_, j) => (j % 3 === 0 ? -big : big)),
        Float32Array.from({ length: cols }, (_, j) => (j % 2 ? 3e38 : 1e30)),
      ];
      for (const x of rows) {
        for (const grad of [false, true]) {
          const a = lk.klUniform(x, cols, { reduction: 'none', grad }), e = ref.klUniform(x, cols, { reduction: 'none', grad });
          const la = (a.loss as Float32Array)[0], le = (e.loss as Float32Array)[0];
          expect(Number.isFinite(le), `reference, cols ${cols}`).toBe(true);
          // lse − mean(x) − log C of values ~3e38: absolute error ~1e-7 of max|x|, never NaN / Infinity.
          expectNum(la, le, { abs: 4e-6 * big + 1e-6 }, `klUniform cols ${cols} x0 ${x[0]} grad ${grad}`);
          expect(la >= -4e-6 * big).toBe(true);
        }
      }
    }
  });

  test('gaussianKL: a NaN mean makes its row and its gradient NaN on every tier (libFuzzer regression)', () => {
    // The SIMD tiers once took a NaN mean difference for "exactly zero" (their select sends a NaN
    // selector to the ≥ 0 side) and returned a finite KL with a zero gradient.
    for (const n of [1, 8, 9, 16, 17, 33]) {
      for (const at of [0, n - 1, n >> 1]) {
        const mu = randomF32(n, 7 * n + at, -2, 2), lv = randomF32(n, 7 * n + at + 1, -2, 2);
        const mu2 = randomF32(n, 7 * n + at + 2, -2, 2), lv2 = randomF32(n, 7 * n + at + 3, -2, 2);
        const bad = mu.slice();
        bad[at] = NaN;
        const a = lk.gaussianKL(bad, lv, { dim: n, reduction: 'none' });
        expect((a.loss as Float32Array)[0], `n ${n} at ${at}`).toBeNaN();
        expect(a.gradMu![at]).toBeNaN();
        expect((ref.gaussianKL(bad, lv, { dim: n, reduction: 'none' }).loss as Float32Array)[0]).toBeNaN();
        for (const [m1, m2] of [[bad, mu2], [mu, (() => { const b = mu2.slice(); b[at] = NaN; return b; })()]]) {
          const g = lk.gaussianKL(m1, lv, m2, lv2, { dim: n, reduction: 'sum' });
          expect(g.loss, `general, n ${n} at ${at}`).toBeNaN();
          expect(g.gradMu![at]).toBeNaN();
          expect(g.gradMu2![at]).toBeNaN();
        }
        // ±0 differences stay exactly 0 (no 0·Infinity), with a huge prior precision.
        const same = lk.gaussianKL(mu, lv, mu.slice(), new Float32Array(n).fill(-200), { dim: n, reduction: 'none' });
        expect(Number.isNaN((same.loss as Float32Array)[0])).toBe(false);
        expect(Array.from(same.gradMu!).every((v) => Object.is(v, 0))).toBe(true);
      }
    }
  });

  test('gaussianKL: closed form, every gradient by finite differences', () => {
    // KL(N(1, e^0.5) ‖ N(0, 1)) = ½(e^0.5 + 1 − 1 − 0.5)
    expectNum(ref.gaussianKL(f32([1]), f32([0.5])).loss as number, 0.5 * (Math.exp(0.5) + 1 - 1 - 0.5), { rel: 1e-7 }, 'closed form');
    // lv = ±1e-4: e^lv − 1 − lv ≈ lv²/2, kept to full relative precision (no cancellation)
    const tiny = lk.gaussianKL(f32([0]), f32([1e-4])).loss as number;
    expectNum(tiny, 0.5 * (Math.expm1(Math.fround(1e-4)) - Math.fround(1e-4)), { rel: 1e-5 }, 'tiny logVar (native)');
    const mu = randomF32(8, 11, -2, 2), lv = randomF32(8, 12, -2, 2), mu2 = randomF32(8, 13, -2, 2), lv2 = randomF32(8, 14, -2, 2);
    const loss = (m: Float32Array, l: Float32Array, m2: Float32Array, l2: Float32Array) =>
      ref.gaussianKL(m, l, m2, l2, { dim: 4, reduction: 'mean' }).loss as number;
    const r = ref.gaussianKL(mu, lv, mu2, lv2, { dim: 4, reduction: 'mean' });
    fdCheck((v) => loss(v, lv, mu2, lv2), () => r.gradMu!, mu, 'gradMu');
    fdCheck((v) => loss(mu, v, mu2, lv2), () => r.gradLogVar!, lv, 'gradLogVar');
    fdCheck((v) => loss(mu, lv, v, lv2), () => r.gradMu2!, mu2, 'gradMu2');
    fdCheck((v) => loss(mu, lv, mu2, v), () => r.gradLogVar2!, lv2, 'gradLogVar2');
    const s = ref.gaussianKL(mu, lv, { dim: 8, reduction: 'sum' });
    fdCheck((v) => ref.gaussianKL(v, lv, { reduction: 'sum' }).loss as number, () => s.gradMu!, mu, 'standard gradMu');
    fdCheck((v) => ref.gaussianKL(mu, v, { reduction: 'sum' }).loss as number, () => s.gradLogVar!, lv, 'standard gradLogVar');
    // Equal to the general form with the standard prior
    const g0 = ref.gaussianKL(mu, lv, new Float32Array(8), new Float32Array(8), { reduction: 'sum' });
    expectNum(g0.loss as number, s.loss as number, { rel: 1e-12 }, 'general form with N(0, 1)');
    // Large |logVar|: finite, and +Infinity only when the KL itself overflows float32
    const big = lk.gaussianKL(f32([0, 0, 0]), f32([-1e4, 80, 100]), { reduction: 'none', dim: 1 }).loss as Float32Array;
    expectClose(big, [Math.fround(0.5 * (-1 + 1e4)), Math.fround(0.5 * (Math.exp(80) - 81)), Infinity], { rel: 2e-6 }, 'large |logVar|');
  });
});

/** Central differences with a power-of-two step on float32 inputs (x ± h exact). */
function fdCheck(f: (x: Float32Array) => number, grad: (x: Float32Array) => Float32Array, x0: Float32Array, what: string): void {
  const h = 2 ** -12;
  const g = grad(x0);
  for (let i = 0; i < x0.length; i++) {
    const xp = Float32Array.from(x0), xm = Float32Array.from(x0);
    xp[i] += h;
    xm[i] -= h;
    expectNum(g[i], (f(xp) - f(xm)) / (2 * h), { abs: 2e-6, rel: 1e-4 }, `${what}[${i}]`);
  }
}

// ---------------------------------------------------------------------------------------------
describe('fitTemperature', () => {
  /** Logits z·s with labels drawn from softmax(z·s / T0) by inverse CDF (deterministic). */
  function planted(rows: number, cols: number, T0: number, seed: number) {
    const x = randomF32(rows * cols, seed, -3, 3);
    const u = randomF32(rows, seed + 1, 0, 1);
    const y = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      let m = -Infinity;
      for (let j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
      let s = 0;
      for (let j = 0; j < cols; j++) s += Math.exp((x[r * cols + j] - m) / T0);
      let acc = 0, k = 0;
      for (; k < cols - 1; k++) {
        acc += Math.exp((x[r * cols + k] - m) / T0) / s;
        if (u[r] < acc) break;
      }
      y[r] = k;
    }
    return { x, y };
  }

  test('recovers a planted temperature within 3 standard errors (Fisher information), in a few passes', () => {
    const { x, y } = planted(20000, 10, 0.6, 17);
    const info = lk.fitTemperatureInfo(x, y);
    expect(info.converged).toBe(true);
    expect(info.iterations).toBeLessThanOrEqual(8);
    expect(Math.abs(info.beta - 1 / 0.6)).toBeLessThan(3 * info.betaStdErr);
    expect(info.betaStdErr).toBeLessThan(0.05); // the test has power: a 3% error would fail it
    // the reference agrees, and the gradient vanishes at the answer
    expectNum(ref.fitTemperature(x, y), info.temperature, { rel: 1e-6 }, 'reference');
    const g = ref.temperatureNll(x, y, { temperature: info.temperature });
    expect(Math.abs(g.gradBeta)).toBeLessThan(1e-5 * g.curvature);
  });

  test('ignoreIndex rows are skipped', () => {
    const { x, y } = planted(2000, 5, 2, 21);
    const y2 = Int32Array.from(y);
    for (let r = 0; r < 2000; r += 4) y2[r] = -1;
    const keep = [...Array(2000).keys()].filter((r) => r % 4 !== 0);
    const xs = new Float32Array(keep.length * 5), ys = new Int32Array(keep.length);
    keep.forEach((r, i) => { xs.set(x.subarray(r * 5, r * 5 + 5), i * 5); ys[i] = y[r]; });
    expectNum(lk.fitTemperature(x, y2, { ignoreIndex: -1 }), lk.fitTemperature(xs, ys), { rel: 1e-9 }, 'ignored');
  });

  test('degenerate answers: all correct → 0, constant logits → 1, anti-correlated → Infinity, nothing counted → NaN', () => {
    const x = f32([3, 1, 0, 0, 2, 1, 1, 1, 5]), y = new Int32Array([0, 1, 2]);
    expect(lk.fitTemperature(x, y)).toBe(0);
    expect(ref.fitTemperature(x, y)).toBe(0);
    expect(lk.fitTemperature(f32([1, 1, 1, 2, 2, 2]), new Int32Array([0, 2]))).toBe(1);
    // labels on the smallest logit everywhere: the NLL falls as T grows
    expect(lk.fitTemperature(f32([3, 1, 0, 0, 2, 1]), new Int32Array([2, 0]))).toBe(Infinity);
    expect(lk.fitTemperature(f32([3, 1, 0]), new Int32Array([-100]))).toBeNaN();
    expect(lk.fitTemperature(f32([3, -Infinity, 0, 1, 2, 0]), new Int32Array([1, 0]))).toBeNaN();
  });

  test('maxIter stops early and reports it', () => {
    const { x, y } = planted(500, 4, 3, 5);
    const info = lk.fitTemperatureInfo(x, y, { maxIter: 1 });
    expect(info.iterations).toBe(1);
    expect(info.converged).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('expected calibration error and the reliability diagram', () => {
  test('a hand-computed case', () => {
    // rows (2 classes): confidences softmax max = σ(|a − b|)
    // row 0: (0, 0)       conf 0.5,     pred 0, label 0 ✓ → bin (0.4, 0.6]
    // row 1: (ln 3, 0)    conf 0.75,    pred 0, label 1 ✗ → bin (0.6, 0.8]
    // row 2: (0, ln 9)    conf 0.9,     pred 1, label 1 ✓ → bin (0.8, 1.0]
    // row 3: (ln 4, 0)    conf 0.8,     pred 0, label 0 ✓ → bin (0.6, 0.8]
    const x = f32([0, 0, Math.log(3), 0, 0, Math.log(9), Math.log(4), 0]);
    const y = new Int32Array([0, 1, 1, 0]);
    const d = lk.reliabilityDiagram(x, y, { bins: 5 });
    expect(Array.from(d.count)).toEqual([0, 0, 1, 2, 1]);
    const c = Array.from(d.confidence);
    expectClose(c.slice(2), [0.5, (0.75 + 0.8) / 2, 0.9], { rel: 1e-6 }, 'bin confidence');
    expect(Array.from(d.accuracy).slice(2)).toEqual([1, 0.5, 1]);
    // ECE = ¼|1 − 0.5| + ½|0.5 − 0.775| + ¼|1 − 0.9| = 0.125 + 0.1375 + 0.025
    expectNum(d.ece, 0.2875, { abs: 1e-6 }, 'ece');
    expectNum(d.mce, 0.5, { abs: 1e-6 }, 'mce');
    expectNum(lk.expectedCalibrationError(x, y, { bins: 5 }), 0.2875, { abs: 1e-6 }, 'ece');
    expectNum(ref.expectedCalibrationError(x, y, { bins: 5 }), 0.2875, { abs: 1e-6 }, 'ref ece');
    // a confidence of exactly 0.5 with 2 bins sits in the first (lower, upper] bin
    expect(Array.from(lk.reliabilityDiagram(f32([0, 0]), new Int32Array([0]), { bins: 2 }).count)).toEqual([1, 0]);
    // ignored rows are skipped; a NaN row makes ECE NaN
    expect(lk.reliabilityDiagram(x, new Int32Array([0, -100, 1, 0]), { bins: 5 }).total).toBe(3);
    const bad = lk.reliabilityDiagram(f32([0, NaN, 1, 0]), new Int32Array([0, 0]));
    expect(bad.invalid).toBe(1);
    expect(bad.ece).toBeNaN();
  });

  test('the SVG writer produces a well-formed standalone document', () => {
    const x = randomF32(200 * 4, 3, -4, 4), y = new Int32Array(200).map((_, i) => i % 4);
    const svg = lk.reliabilityDiagramSvg(lk.reliabilityDiagram(x, y, { bins: 10 }), { title: 'a < b & "c"' });
    expectWellFormedSvg(svg);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(3);
  });
});

// ---------------------------------------------------------------------------------------------
describe('samplers: sample.gumbel and sample.multivariateNormal', () => {
  test('sample.gumbel: Gumbel(loc, scale) by KS, the words of gumbel(), array parameters', () => {
    const n = 20000;
    const s = lk.sample.gumbel(n, { loc: 1, scale: 2 }, { seed: 5 });
    expectKS(s, (v) => Math.exp(-Math.exp(-(v - 1) / 2)), 'sample.gumbel');
    expectSameArray(s, lk.gumbel(n, { loc: 1, scale: 2, seed: 5 }));
    const loc = randomF32(8, 2), scale = randomF32(8, 3, 0.5, 2);
    const g = lk.gumbel(8, { seed: 9 });
    const a = lk.sample.gumbel(8, { loc, scale }, { seed: 9 });
    expectClose(a, Array.from(g, (v, i) => loc[i] + scale[i] * v), { ulps: 1 }, 'arrays');
    expect(Array.from(ref.sample.gumbel(8, { loc, scale }, { seed: 9 }))).toEqual(Array.from(a).map((v, i) => Math.fround(loc[i] + scale[i] * ref.gumbel(8, { seed: 9 })[i])));
  });

  test('sample.multivariateNormal: μ + Rε with the words of sample.normal; covariance R·Rᵀ', () => {
    const mean = f32([1, -2, 0.5]);
    const R = f32([2, 0, 0, 0.5, 1, 0, -1, 0.3, 0.2]);
    const n = 20000;
    const z = lk.sample.multivariateNormal(n, { mean, scaleTril: R }, { seed: 8 });
    const eps = lk.sample.normal(3 * n, {}, { seed: 8 });
    for (let s = 0; s < 50; s++) {
      for (let i = 0; i < 3; i++) {
        let v = mean[i];
        for (let j = 0; j <= i; j++) v += R[i * 3 + j] * eps[s * 3 + j];
        expect(z[s * 3 + i]).toBe(Math.fround(v));
      }
    }
    // Sample covariance against R·Rᵀ: each entry within 5 standard errors (Wishart variance
    // (Σ_ij² + Σ_ii Σ_jj)/n).
    const sig = [[0, 0, 0], [0, 0, 0], [0, 0, 0]].map((row, i) => row.map((_, j) => {
      let v = 0;
      for (let k = 0; k < 3; k++) v += R[i * 3 + k] * R[j * 3 + k];
      return v;
    }));
    const mu = [0, 1, 2].map((i) => { let s = 0; for (let k = 0; k < n; k++) s += z[k * 3 + i]; return s / n; });
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(mu[i] - mean[i])).toBeLessThan(5 * Math.sqrt(sig[i][i] / n));
      for (let j = 0; j < 3; j++) {
        let c = 0;
        for (let k = 0; k < n; k++) c += (z[k * 3 + i] - mu[i]) * (z[k * 3 + j] - mu[j]);
        c /= n - 1;
        expect(Math.abs(c - sig[i][j])).toBeLessThan(5 * Math.sqrt((sig[i][j] ** 2 + sig[i][i] * sig[j][j]) / n));
      }
    }
    // a marginal by KS: z₀ ~ N(1, 4)
    const z0 = Float64Array.from({ length: n }, (_, k) => z[k * 3]);
    const Phi = (v: number) => 0.5 * erfcLocal(-(v - 1) / (2 * Math.SQRT2));
    expectKS(z0, Phi, 'marginal');
  });

  test('validation', () => {
    const mvn = lk.sample.multivariateNormal;
    expectError(() => mvn(2, { scaleTril: f32([1, 0.5, 0, 1]) }, { seed: 1 }), RangeError, R, /above the diagonal/);
    expectError(() => mvn(2, { scaleTril: f32([1, 0, 0, -1]) }, { seed: 1 }), RangeError, R, /on the diagonal/);
    expectError(() => mvn(2, { scaleTril: f32([1, 0, 0]) }, { seed: 1 }), RangeError, R, /d·d/);
    expectError(() => mvn(2, { scaleTril: f32([1, 0, NaN, 1]) }, { seed: 1 }), RangeError, R, /finite/);
    expectError(() => mvn(2, { scaleTril: f32([1, 0, 0, 1]), mean: f32([0]) }, { seed: 1 }), RangeError, R, /mean.length/);
    expectError(() => mvn(2, { scaleTril: [1, 0, 0, 1] as any }, { seed: 1 }), TypeError, T, /scaleTril/);
    expectError(() => lk.sample.gumbel(2, { scale: 0 }, { seed: 1 }), RangeError, R, /scale/);
    expectError(() => lk.sample.gumbel(2, { loc: f32([1]) }, { seed: 1 }), RangeError, R, /loc.length/);
  });
});

function erfcLocal(x: number): number {
  // Numerical Recipes erfc (relative error < 1.2e-7), enough for a KS test at n = 20000.
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

// ---------------------------------------------------------------------------------------------
describe('bad input', () => {
  const x = f32([1, 2, 3, 4, 5, 6]);
  test('entropy / confidence', () => {
    expectError(() => lk.entropy([1, 2] as any, 2), TypeError, T, /entropy: logits/);
    expectError(() => lk.entropy(x, 4), RangeError, R, /multiple of cols/);
    expectError(() => lk.entropy(x, 3, { temperature: 0 }), RangeError, R, /temperature/);
    expectError(() => lk.entropy(x, 3, { out: new Float32Array(3) }), RangeError, R, /out.length/);
    expectError(() => lk.confidence(x, 3, { prediction: new Int32Array(1) }), RangeError, R, /prediction/);
  });
  test('klUniform', () => {
    expectError(() => lk.klUniform(x, 3, { reduction: 'avg' as any }), RangeError, R, /reduction/);
    expectError(() => lk.klUniform(x, 3, { beta: -1 }), RangeError, R, /beta/);
    expectError(() => lk.klUniform(x, 3, { mask: new Uint8Array(3) }), RangeError, R, /mask.length/);
    expectError(() => lk.klUniform(x, 3, { mask: [1, 0] as any }), TypeError, T, /mask/);
    expectError(() => lk.klUniform(x, 3, { accumulate: true }), RangeError, R, /accumulate/);
    expectError(() => lk.klUniform(x, 3, { grad: x, accumulate: true }), RangeError, R, /accumulate/);
    expectError(() => lk.klUniform(x, 3, { grad: x.subarray(1, 7) as any }), RangeError, R, /grad/);
    const g = new Float32Array(6).fill(7);
    expectError(() => lk.klUniform(x, 3, { grad: g, mask: new Uint8Array(1) }), RangeError, R);
    expect(Array.from(g)).toEqual([7, 7, 7, 7, 7, 7]); // nothing written on failure
  });
  test('fitTemperature / temperatureNll / ECE', () => {
    expectError(() => lk.fitTemperature(x, new Int32Array([0, 3])), RangeError, R, /labels\[1\]/);
    expectError(() => lk.fitTemperature(x, new Int32Array([0, 0, 0, 0])), RangeError, R, /multiple/);
    expectError(() => lk.fitTemperature(x, new Int32Array([0, 0]), { maxIter: 0 }), RangeError, R, /maxIter/);
    expectError(() => lk.fitTemperature(x, new Int32Array([0, 0]), { tol: -1 }), RangeError, R, /tol/);
    expectError(() => lk.temperatureNll(x, new Int32Array([0, 0]), { temperature: -1 }), RangeError, R, /temperature/);
    expectError(() => lk.expectedCalibrationError(x, new Int32Array([0, 0]), { bins: 0 }), RangeError, R, /bins/);
    expectError(() => lk.reliabilityDiagramSvg({} as any), TypeError, T, /diagram/);
  });
  test('gaussianKL', () => {
    expectError(() => lk.gaussianKL(x, f32([1])), RangeError, R, /logVar.length/);
    expectError(() => lk.gaussianKL(x, x, { dim: 4 }), RangeError, R, /dim/);
    expectError(() => lk.gaussianKL(x, x, x, f32([1])), RangeError, R, /logVar2.length/);
    expectError(() => lk.gaussianKL(x, x, x, undefined as any), TypeError, T, /logVar2/);
  });
  test('the native binding re-checks lengths (direct call)', () => {
    if (!native) return;
    const k = native;
    expect(() => k.entropy(x, 3, 1, new Float32Array(1))).toThrow(RangeError);
    expect(() => k.temperatureNll(x, new Int32Array([0, 9]), 3, 1, -100, new Float64Array(5))).toThrow(RangeError);
    expect(() => k.klUniform(x, 3, new Uint8Array(5), 1, 'mean', false, null, null, new Float64Array(1))).toThrow(RangeError);
    expect(() => k.gaussianKL(x, x, x, null, 3, 'sum', null, null, null, null, null, new Float64Array(1))).toThrow(RangeError);
    expect(() => k.confidence(x, 3, 1, new Float32Array(2), new Int32Array(1))).toThrow(RangeError);
  });
});

describe(`found by the property tests (${TIER} and the reference)`, () => {
  test('klUniform of huge logits does not cancel: seven equal logits of 1e30 give 0 on every path', () => {
    const x = new Float32Array(7).fill(1e30);
    for (const api of [lk, ref]) {
      for (const o of [{}, { grad: false }, { grad: new Float32Array(7), accumulate: true }] as const) {
        expect((api.klUniform(x, 7, { ...o, reduction: 'none' }).loss as Float32Array)[0], JSON.stringify(o)).toBe(0);
      }
      // [1e30, 1e30 − ulp, …]: mean(m − x) + log Σ exp(x − m) − log C, not lse − mean(x).
      const y = new Float32Array([1e30, Math.fround(1e30 * (1 - 2 ** -23)), 1e30]);
      const d = y[0] - y[1];  // ≈ 1.2e23: p ≈ (½, 0, ½)
      const want = d / 3 + Math.log(2) - Math.log(3);
      expectClose(api.klUniform(y, 3, { reduction: 'none', grad: false }).loss as Float32Array, [want], { rel: 1e-6 }, 'near-equal huge');
      expectClose(api.klUniform(y, 3, { reduction: 'none' }).loss as Float32Array, [want], { rel: 1e-6 }, 'near-equal huge, with grad');
      // A masked entry: p = 0 there, KL(U‖p) = +Infinity.
      expect((api.klUniform(new Float32Array([1, -Infinity, 2]), 3, { reduction: 'none', grad: false }).loss as Float32Array)[0]).toBe(Infinity);
    }
  });

  test('gaussianKL: a NaN mean gives NaN (it gave 0 on the AVX2 / AVX-512 tiers)', () => {
    const f = (a: number[]) => new Float32Array(a);
    for (const api of [lk, ref]) {
      const r = api.gaussianKL(f([NaN, 1]), f([0, 0]), { reduction: 'none', dim: 1 });
      expect(Array.from(r.loss as Float32Array)).toEqual([NaN, 0.5]);
      expect(Array.from(r.gradMu!)).toEqual([NaN, 1]);
      const g = api.gaussianKL(f([1, 1]), f([0, 0]), f([NaN, 0]), f([0, 0]), { reduction: 'none', dim: 1 });
      expect(Array.from(g.loss as Float32Array)).toEqual([NaN, 0.5]);
      expect(Array.from(g.gradMu2!)).toEqual([NaN, -1]);
    }
  });
});
