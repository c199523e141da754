// Xent family in float64, rounded to float32 once at the end: the conformance reference.
//
// Softmax cross-entropy (PyTorch F.cross_entropy semantics). Row x of C
// logits, label y, class weights w (all ones when absent), smoothing ε, z-loss λ:
//   lse = m + log Σⱼ exp(xⱼ − m),  pⱼ = exp(xⱼ − lse)
//   ℓ = (1−ε)·w_y·(lse − x_y) + (ε/C)·Σ_c w_c·(lse − x_c) + λ·w_y·lse²
//   ∂ℓ/∂xⱼ = pⱼ·((1−ε)·w_y + (ε/C)·Σ_c w_c + 2λ·w_y·lse) − (1−ε)·w_y·[j = y] − (ε/C)·wⱼ
// Ignored rows: ℓ = 0, gradient 0, lse still reported. 'mean' divides by D = Σ w_y over the
// non-ignored rows (their count when unweighted); D = 0 gives NaN and a zero gradient.
// A term whose coefficient is 0 contributes 0 even where its log-probability is -Infinity;
// a row with every logit -Infinity has lse = -Infinity, p = 0 and every log-probability -Infinity.
//
// Binary cross-entropy with logits, target t, positive weight w (cancellation-free forms):
//   ℓ = (1−t)·softplus(x) + w·t·softplus(−x),  dℓ/dx = (1−t)·σ(x) − w·t·σ(−x)
import type { XentKernels, Reduction } from '../kernels/xent.js';
import { later } from './later.js';
import { sigmoidF64, softplusF64 } from './softmax.js';

/** Float32Array for the kernels; Float64Array lets the tests run the same code unrounded. */
type Vec = Float32Array | Float64Array;

/**
 * The reference kernel (see lib/xent.ts `XentKernels.softmaxCrossEntropy` for the contract).
 * Inputs and outputs may be Float64Arrays (the finite-difference test does so); everything is
 * computed in float64 and rounded only by the output arrays' type. `grad` may alias `logits`.
 */
export function softmaxCrossEntropy<T extends Vec>(
  logits: T, labels: Int32Array, cols: number, ignoreIndex: number, labelSmoothing: number,
  classWeights: Vec | null, zLoss: number, reduction: Reduction,
  grad: T | null, lse: T, rowLoss: T | null, total: Float64Array,
): Float64Array {
  const rows = labels.length;
  const eps = labelSmoothing, lambda = zLoss, C = cols;
  const weight = (c: number): number => (classWeights ? classWeights[c] : 1);
  let W = C;
  if (classWeights) {
    W = 0;
    for (let c = 0; c < C; c++) W += classWeights[c];
  }
  let denom = 0;
  for (let r = 0; r < rows; r++) if (labels[r] !== ignoreIndex) denom += weight(labels[r]);
  const scale = reduction === 'mean' ? (denom > 0 ? 1 / denom : 0) : 1;

  let sum = 0;
  for (let r = 0, at = 0; r < rows; r++, at += cols) {
    // max and NaN
    let m = -Infinity;
    let nan = false;
    for (let j = 0; j < cols; j++) {
      const v = logits[at + j];
      if (v > m) m = v;
      else if (v !== v) nan = true;
    }
    if (nan) m = NaN;
    const masked = m === -Infinity;
    let s = 0;
    if (!masked) for (let j = 0; j < cols; j++) s += Math.exp(logits[at + j] - m);
    const logS = Math.log(s);
    const l = masked ? -Infinity : m + logS;
    const y = labels[r];
    if (y === ignoreIndex) {
      lse[r] = l;
      if (rowLoss) rowLoss[r] = 0;
      if (grad) grad.fill(0, at, at + cols);
      continue;
    }
    // log-probability loss terms as (m − x_c) + log s: both parts ≥ 0, no cancellation (l − x_c
    // loses log s entirely once it is below l's ulp, e.g. seven logits of 1e30 give 0, not log 7)
    const wy = weight(y);
    const cy = (1 - eps) * wy;
    const nll = (c: number): number => (masked ? Infinity : m - logits[at + c] + logS);
    let loss = 0;
    if (cy !== 0) loss += cy * nll(y);
    if (eps > 0) {
      let sm = 0;
      for (let c = 0; c < C; c++) {
        const wc = weight(c);
        if (wc !== 0) sm += wc * nll(c);
      }
      loss += (eps / C) * sm;
    }
    if (lambda !== 0 && wy !== 0) loss += lambda * wy * l * l;
    sum += loss;
    if (rowLoss) rowLoss[r] = loss;
    if (grad) {
      const A = cy + (eps / C) * W + (lambda !== 0 ? 2 * lambda * wy * l : 0);
      // grad may be logits: element j is read before it is written
      for (let j = 0; j < cols; j++) {
        const pA = masked ? 0 : (Math.exp(logits[at + j] - m) / s) * A;
        const g = pA - (eps / C) * weight(j) - (j === y ? cy : 0);
        grad[at + j] = scale * g;
      }
    }
    lse[r] = l;
  }
  total[0] = reduction === 'mean' ? (denom > 0 ? sum / denom : NaN) : sum;
  return total;
}

/**
 * Binary cross-entropy with logits; element g uses posWeight[g mod posWeight.length] (or 1).
 * `grad` may alias `logits`.
 */
export function binaryCrossEntropyWithLogits<T extends Vec>(
  logits: T, targets: Vec, posWeight: Vec | null, reduction: Reduction,
  grad: T | null, loss: T | null, total: Float64Array,
): Float64Array {
  const n = logits.length;
  const P = posWeight ? posWeight.length : 1;
  const scale = reduction === 'mean' ? 1 / n : 1;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = logits[i], t = targets[i], w = posWeight ? posWeight[i % P] : 1;
    const l = (1 - t) * softplusF64(x) + w * t * softplusF64(-x);
    sum += l;
    if (loss) loss[i] = l;
    if (grad) grad[i] = scale * ((1 - t) * sigmoidF64(x) - w * t * sigmoidF64(-x));
  }
  total[0] = reduction === 'mean' ? sum / n : sum;
  return total;
}

export const xentKernels: XentKernels = {
  softmaxCrossEntropy,
  softmaxCrossEntropyAsync: later('softmaxCrossEntropy', softmaxCrossEntropy<Float32Array>, { 8: 'grad', 9: 'lse', 10: 'rowLoss', 11: 'total' }),
  binaryCrossEntropyWithLogits,
  binaryCrossEntropyWithLogitsAsync: later('binaryCrossEntropyWithLogits', binaryCrossEntropyWithLogits, { 4: 'grad', 5: 'loss', 6: 'total' }),
};
