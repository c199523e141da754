// NCE family in float64, rounded to float32 once per stored value: the conformance reference.
//
// Row of 1 + k scores s (column 0 the data word, 1..k the noise words), offsets
// c = log k + log q(w) (NCE; Gutmann & Hyvärinen 2010, Mnih & Teh 2012) or 0 (negative
// sampling; Mikolov et al. 2013), Δ = s − c:
//   ℓ = −log σ(Δ₀) − Σⱼ log σ(−Δⱼ) = softplus(−Δ₀) + Σⱼ softplus(Δⱼ)
//   ∂ℓ/∂s₀ = −σ(−Δ₀),  ∂ℓ/∂sⱼ = σ(Δⱼ)
// Alias draws (Walker 1977, Vose 1991) use one Philox word w each: p = w·V, column p >> 32,
// coin p mod 2³² against the column's threshold.
// The skip-gram step is composed of these: draw the noise, score with float64 dot products
// rounded to float32, nceLoss for lr·∂ℓ/∂s, then the SGD update.
import type { NceKernels } from '../kernels/nce.js';
import { philoxStream } from './philox.js';

type Vec = Float32Array | Float64Array;

/** softplus(z) and σ(z) in float64, finite for every finite z. */
function softplusSig(z: number): [number, number] {
  const e = Math.exp(-Math.abs(z));
  const sp = Math.max(z, 0) + Math.log1p(e);
  const sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
  return [Number.isNaN(z) ? NaN : sp, Number.isNaN(z) ? NaN : sig];
}

/** One row (cols scores from `at`): the loss, and g = scale·∂ℓ/∂s into `grad` when given. */
function nceRow(s: Vec, lq: Vec | null, logk: number, at: number, cols: number, scale: number, grad: Vec | null): number {
  let sum = 0;
  for (let j = 0; j < cols; j++) {
    const d = s[at + j] - logk - (lq ? lq[at + j] : 0);
    const sign = j === 0 ? -1 : 1;
    const [sp, sig] = softplusSig(sign * d);
    sum += sp;
    if (grad) grad[at + j] = scale * sign * sig;
  }
  return sum;
}

/** The reference nceLoss; inputs and outputs may be Float64Arrays (finite-difference tests). */
export function nceLoss<T extends Vec>(
  scores: T, logNoise: Vec | null, logk: number, cols: number, gradScale: number,
  grad: T | null, rowLoss: T | null, total: Float64Array,
): Float64Array {
  const rows = cols > 0 ? scores.length / cols : 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const l = nceRow(scores, logNoise, logk, r * cols, cols, gradScale, grad);
    if (rowLoss) rowLoss[r] = l;
    sum += l;
  }
  total[0] = sum;
  return total;
}

function aliasSample(
  table: Uint32Array, out: Int32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
): Int32Array {
  const V = table.length / 2;
  const words = philoxStream(new Uint32Array(out.length), k0, k1, c0, c1, c2, c3);
  // w·V = bh·2³² + bl·2¹⁶ + wl·V exactly, with b = wh·V = bh·2¹⁶ + bl (every term < 2⁵³).
  for (let i = 0; i < out.length; i++) {
    const w = words[i];
    const a = (w & 0xffff) * V, b = (w >>> 16) * V;
    const bl = b % 65536, bh = (b - bl) / 65536;
    const t = bl * 65536 + a;
    const lo = t % 4294967296;
    const col = bh + (t - lo) / 4294967296;
    out[i] = lo < table[2 * col] ? col : table[2 * col + 1];
  }
  return out;
}

/** Deterministic mode: every pair scored on the tables as they are, then the updates in pair order. */
function stepDeterministic(
  input: Float32Array, output: Float32Array, dim: number, centre: Int32Array, context: Int32Array, k: number,
  logNoise: Float32Array | null, logk: number, lr: number, noise: Int32Array,
): number {
  const B = centre.length, cols = 1 + k;
  const scores = new Float32Array(B * cols);
  const lq = logNoise ? new Float32Array(B * cols) : null;
  const word = (p: number, j: number) => (j === 0 ? context[p] : noise[p * k + j - 1]);
  for (let p = 0; p < B; p++) {
    const x = centre[p] * dim;
    for (let j = 0; j < cols; j++) {
      const y = word(p, j) * dim;
      let d = 0;
      for (let i = 0; i < dim; i++) d += input[x + i] * output[y + i];
      scores[p * cols + j] = d;
      if (lq && logNoise) lq[p * cols + j] = logNoise[word(p, j)];
    }
  }
  const g = new Float32Array(B * cols);
  const total = nceLoss(scores, lq, logk, cols, lr, g, null, new Float64Array(1));
  // The input rows' updates gather the output rows before any of them moves.
  const din = new Float64Array(B * dim);
  for (let p = 0; p < B; p++) {
    for (let j = 0; j < cols; j++) {
      const y = word(p, j) * dim, c = g[p * cols + j];
      for (let i = 0; i < dim; i++) din[p * dim + i] -= c * output[y + i];
    }
  }
  for (let p = 0; p < B; p++) {
    const x = centre[p] * dim;
    for (let j = 0; j < cols; j++) {
      const y = word(p, j) * dim, c = g[p * cols + j];
      for (let i = 0; i < dim; i++) output[y + i] -= c * input[x + i];
    }
  }
  for (let p = 0; p < B; p++) {
    const x = centre[p] * dim;
    for (let i = 0; i < dim; i++) input[x + i] += din[p * dim + i];
  }
  return total[0];
}

/** Hogwild / sequential mode on one thread: each pair updates the rows before the next is scored. */
function stepSequential(
  input: Float32Array, output: Float32Array, dim: number, centre: Int32Array, context: Int32Array, k: number,
  logNoise: Float32Array | null, logk: number, lr: number, noise: Int32Array,
): number {
  const cols = 1 + k;
  const s = new Float64Array(cols), lq = logNoise ? new Float64Array(cols) : null, g = new Float64Array(cols);
  const neu = new Float64Array(dim);
  let sum = 0;
  for (let p = 0; p < centre.length; p++) {
    const x = centre[p] * dim;
    for (let j = 0; j < cols; j++) {
      const w = j === 0 ? context[p] : noise[p * k + j - 1];
      let d = 0;
      for (let i = 0; i < dim; i++) d += input[x + i] * output[w * dim + i];
      s[j] = Math.fround(d);
      if (lq && logNoise) lq[j] = logNoise[w];
    }
    sum += nceRow(s, lq, logk, 0, cols, lr, g);
    neu.fill(0);
    for (let j = 0; j < cols; j++) {
      const y = (j === 0 ? context[p] : noise[p * k + j - 1]) * dim, c = Math.fround(g[j]);
      for (let i = 0; i < dim; i++) {
        neu[i] -= c * output[y + i];
        output[y + i] -= c * input[x + i];
      }
    }
    for (let i = 0; i < dim; i++) input[x + i] += neu[i];
  }
  return sum;
}

function skipGramStep(
  input: Float32Array, output: Float32Array, dim: number, centre: Int32Array, context: Int32Array, k: number,
  table: Uint32Array, logNoise: Float32Array | null, logk: number, lr: number, hogwild: boolean,
  k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, noise: Int32Array, total: Float64Array,
): Float64Array {
  aliasSample(table, noise, k0, k1, c0, c1, c2, c3);
  const f = hogwild ? stepSequential : stepDeterministic;
  total[0] = f(input, output, dim, centre, context, k, logNoise, logk, lr, noise);
  return total;
}

export const nceKernels: NceKernels = {
  nceLogits(scores, logNoise, logk, out) {
    for (let i = 0; i < scores.length; i++) out[i] = scores[i] - logk - (logNoise ? logNoise[i] : 0);
    return out;
  },
  nceLoss: (s, lq, logk, cols, scale, grad, rowLoss, total) => nceLoss(s, lq, logk, cols, scale, grad, rowLoss, total),
  nceLossAsync: async (s, lq, logk, cols, scale, grad, rowLoss, total) => nceLoss(s, lq, logk, cols, scale, grad, rowLoss, total),
  aliasSample,
  aliasSampleAsync: async (...a) => aliasSample(...a),
  skipGramStep,
  skipGramStepAsync: async (...a) => skipGramStep(...a),
};
