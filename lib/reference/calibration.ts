// Calibration family in float64, rounded to float32 once at the end: the conformance reference.
// Formulas (lecture: "Limitation of Softmax", "Calibrating Neural Networks", "KL between two
// Gaussian distributions"): with m = max x and t = exp((x − m)·β), s = Σ t,
// H = log s − β·Σ (x − m)·t / s, KL(U‖p) = lse − mean(x) − log C,
// NLL(β) = β(m − x_y) + log s, dNLL/dβ = E_p[x] − x_y, d²NLL/dβ² = Var_p[x].
import type { CalibrationKernels } from '../kernels/calibration.js';

interface Row {
  m: number; // max; −Infinity: all masked; NaN: the row holds a NaN
  arg: number; // first index of the max
}

function rowMax(x: Float32Array, at: number, cols: number): Row {
  let m = -Infinity, arg = 0;
  for (let j = 0; j < cols; j++) {
    const v = x[at + j];
    if (v !== v) return { m: NaN, arg: -1 };
    if (v > m) {
      m = v;
      arg = j;
    }
  }
  return { m, arg };
}

/** Σ t, Σ d·t with d = x − m, t = e^(d·β) (masked entries add nothing). */
function sums(x: Float32Array, at: number, cols: number, m: number, beta: number): { s: number; u: number } {
  let s = 0, u = 0;
  for (let j = 0; j < cols; j++) {
    const d = x[at + j] - m;
    const t = Math.exp(d * beta);
    s += t;
    if (t !== 0 || d !== d) u += d * t;
  }
  return { s, u };
}

/** e^d − 1 − d without cancellation: the series for |d| < ½, else directly. */
export function expm1MinusX(d: number): number {
  if (Math.abs(d) >= 0.5 || d !== d) return Math.expm1(d) - d;
  let term = (d * d) / 2, sum = 0;
  for (let k = 3; k < 20 && term !== 0; k++) {
    sum += term;
    term *= d / k;
  }
  return sum;
}

export const calibrationKernels: CalibrationKernels = {
  entropy(x, cols, invT, out) {
    for (let r = 0, at = 0; r < out.length; r++, at += cols) {
      const { m } = rowMax(x, at, cols);
      if (m === -Infinity) {
        out[r] = 0;
        continue;
      }
      const { s, u } = sums(x, at, cols, m, invT);
      const h = Math.log(s) - (invT * u) / s;
      out[r] = h > 0 || h !== h ? h : 0;
    }
    return out;
  },

  klUniform(x, cols, mask, beta, reduction, accumulate, grad, rowLoss, total) {
    const rows = cols > 0 ? x.length / cols : 0;
    let selected = 0;
    for (let r = 0; r < rows; r++) if (!mask || mask[r]) selected++;
    const g = reduction === 'mean' ? (selected > 0 ? beta / selected : 0) : beta;
    const logC = Math.log(cols);
    let sum = 0;
    for (let r = 0, at = 0; r < rows; r++, at += cols) {
      if (mask && !mask[r]) {
        if (rowLoss) rowLoss[r] = 0;
        if (grad && !accumulate) grad.fill(0, at, at + cols);
        continue;
      }
      const { m } = rowMax(x, at, cols);
      // KL(U‖p) = lse − mean(x) − log C, formed as mean(m − x) + log Σ exp(x − m) − log C so that
      // huge logits do not cancel (seven logits of 1e30: 0, not −log 7).
      let s = 0, sd = 0;
      if (m !== -Infinity) {
        for (let j = 0; j < cols; j++) {
          s += Math.exp(x[at + j] - m);
          sd += m - x[at + j];
        }
      }
      const loss = m === -Infinity ? Infinity * beta : beta * (sd / cols + Math.log(s) - logC);
      sum += loss;
      if (rowLoss) rowLoss[r] = loss;
      if (grad) {
        for (let j = 0; j < cols; j++) {
          const p = m === -Infinity ? 0 : Math.exp(x[at + j] - m) / s; // not exp(x − lse): m + log s may round to m
          const v = g * (p - 1 / cols);
          grad[at + j] = accumulate ? grad[at + j] + v : v;
        }
      }
    }
    total[0] = reduction === 'mean' ? (selected > 0 ? sum / selected : NaN) : sum;
    return total;
  },

  temperatureNll(x, labels, cols, beta, ignoreIndex, out) {
    let nll = 0, d1 = 0, d2 = 0, gapSum = 0, n = 0;
    for (let r = 0, at = 0; r < labels.length; r++, at += cols) {
      const y = labels[r];
      if (y === ignoreIndex) continue;
      const { m } = rowMax(x, at, cols);
      const { s, u } = sums(x, at, cols, m, beta);
      const mean = u / s;
      let v = 0;
      for (let j = 0; j < cols; j++) {
        const d = x[at + j] - m;
        const t = Math.exp(d * beta);
        if (t !== 0 || d !== d) v += (d - mean) * (d - mean) * t;
      }
      const gap = m - x[at + y];
      nll += beta * gap + Math.log(s);
      d1 += mean + gap;
      d2 += v / s;
      gapSum += gap;
      n++;
    }
    out[0] = nll;
    out[1] = d1;
    out[2] = d2;
    out[3] = gapSum;
    out[4] = n;
    return out;
  },

  confidence(x, cols, invT, conf, pred) {
    for (let r = 0, at = 0; r < conf.length; r++, at += cols) {
      const { m, arg } = rowMax(x, at, cols);
      if (m === -Infinity) {
        conf[r] = 0;
        pred[r] = 0;
        continue;
      }
      conf[r] = 1 / sums(x, at, cols, m, invT).s;
      pred[r] = arg;
    }
    return conf;
  },

  gaussianKL(mu, logVar, mu2, logVar2, dim, reduction, gMu, gLv, gMu2, gLv2, rowLoss, total) {
    const rows = dim > 0 ? mu.length / dim : 0;
    const g = reduction === 'mean' ? (rows > 0 ? 1 / rows : 0) : 1;
    let sum = 0;
    for (let r = 0, at = 0; r < rows; r++, at += dim) {
      let row = 0;
      for (let i = at; i < at + dim; i++) {
        const lv2 = logVar2 ? logVar2[i] : 0;
        const dm = mu[i] - (mu2 ? mu2[i] : 0);
        const d = logVar[i] - lv2;
        const rHalf = Math.exp(-lv2 / 2);
        const w = dm === 0 ? 0 : dm * rHalf; // never 0·Infinity
        const h = expm1MinusX(d);
        const kl = 0.5 * (h + w * w);
        row += kl; // in float64: a KL beyond float32 counts in 'sum' / 'mean' (the kernels do the same)
        const gm = dm === 0 ? 0 : w * rHalf;
        if (gMu) gMu[i] = g * gm;
        if (gMu2) gMu2[i] = -g * gm;
        const em1 = Math.expm1(d); // not d + h, which cancels for |d| beyond 2⁵³
        if (gLv) gLv[i] = g * 0.5 * em1;
        if (gLv2) gLv2[i] = -g * 0.5 * (em1 + w * w);
      }
      if (rowLoss) rowLoss[r] = row;
      sum += row;
    }
    total[0] = reduction === 'mean' ? (rows > 0 ? sum / rows : NaN) : sum;
    return total;
  },
};
