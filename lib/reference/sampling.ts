// Sampling family in float64: the conformance reference. Each function reads its words from
// the Philox stream exactly as the README ("Randomness") lays them out (draw i of a call = word i%4 of block
// start + ⌊i/4⌋; row r of a row-wise call = draws r·cols … of the shared stream, or draws
// 0 … cols−1 of its own stream), maps them with the full-word Gumbel, and follows the
// formulas of the public doc comments (lib/sampling.ts) line by line, rounding to float32 once at the end.
import type { SamplingKernels } from '../kernels/sampling.js';
import { later } from './later.js';
import { philoxStream, wordToGumbel } from './philox.js';
import { wordToCauchy, wordToExponential, wordToLaplace, wordToNormal } from '../words.js';

const TWO32 = 2 ** 32;
const TWO31 = 2 ** 31;

/** An open uniform from the whole word, (w + ½)·2⁻³² (float64). */
const wordToUniform64 = (w: number): number => (w + 0.5) * 2 ** -32;


type Words = (r: number) => Uint32Array;

/** The words of each row of a row-wise call. */
function rowWords(
  rows: number, cols: number, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
  perRow: Uint32Array | null,
): Words {
  if (perRow) {
    return (r) => {
      const p = perRow.subarray(6 * r, 6 * r + 6);
      return philoxStream(new Uint32Array(cols), p[0], p[1], p[2], p[3], p[4], p[5]);
    };
  }
  const all = philoxStream(new Uint32Array(rows * cols), k0, k1, c0, c1, c2, c3);
  return (r) => all.subarray(r * cols, (r + 1) * cols);
}

/** argmaxⱼ v(j) over a row: strict > keeps the lower index; the first NaN wins; −1 if none > -Infinity. */
function argmax(cols: number, v: (j: number) => number): number {
  let best = -Infinity;
  let idx = -1;
  for (let j = 0; j < cols; j++) {
    const p = v(j);
    if (p > best) {
      best = p;
      idx = j;
    } else if (p !== p) {
      return j;
    }
  }
  return idx;
}

/**
 * Does x1·a + g1 beat x2·a + g2? Exactly for any finite logits: the logits' difference first
 * (exact for float32 logits near each other; far apart, the noise cannot matter), then the
 * noises'. Adding the noise to a logit of 1e17 would round it away even in float64, and ties
 * would then go to the lower index. Equal infinities tie.
 */
function sumBeats(x1: number, g1: number, x2: number, g2: number, a: number): boolean {
  if (x1 === x2) return Number.isFinite(x1) && g1 > g2;
  return (x1 - x2) * a + (g1 - g2) > 0;
}

/** Gumbel-max of one row: the first best x·a + g; a NaN logit wins at once; −Infinity never. */
function gumbelArgmax(x: Float32Array, at: number, cols: number, a: number, g: (j: number) => number): number {
  let idx = -1, xb = 0, gb = 0;
  for (let j = 0; j < cols; j++) {
    const xj = x[at + j];
    if (xj !== xj) return j;
    if (!(xj > -Infinity)) continue;
    const gj = g(j);
    if (idx < 0 || sumBeats(xj, gj, xb, gb, a)) {
      idx = j;
      xb = xj;
      gb = gj;
    }
  }
  return idx;
}

/**
 * Ranking of the top-k on perturbed values x + g given as pairs: a before b when its sum is
 * larger (sumBeats), a NaN logit above everything, ties by lower index.
 */
function ranks(xa: number, ga: number, ja: number, xb: number, gb: number, jb: number): number {
  const na = xa !== xa, nb = xb !== xb;
  if (na || nb) return na && nb ? ja - jb : na ? -1 : 1;
  return sumBeats(xa, ga, xb, gb, 1) ? -1 : sumBeats(xb, gb, xa, ga, 1) ? 1 : ja - jb;
}

/** The largest finite logit of a row (0 when there is none or the row holds +Infinity). */
function rowShift(x: Float32Array, at: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) if (x[at + j] > m) m = x[at + j];
  return m > -Infinity && m < Infinity ? m : 0;
}

const sync: Omit<SamplingKernels, `${string}Async`> = {
  sampleGumbel(out, k0, k1, c0, c1, c2, c3, loc, scale) {
    const w = philoxStream(new Uint32Array(out.length), k0, k1, c0, c1, c2, c3);
    for (let i = 0; i < out.length; i++) out[i] = loc + scale * wordToGumbel(w[i]);
    return out;
  },

  sampleCategorical(x, cols, invT, out, k0, k1, c0, c1, c2, c3, perRow) {
    const rows = out.length;
    const words = rowWords(rows, cols, k0, k1, c0, c1, c2, c3, perRow);
    for (let r = 0; r < rows; r++) {
      const w = words(r), at = r * cols;
      out[r] = gumbelArgmax(x, at, cols, invT, (j) => wordToGumbel(w[j]));
    }
    return out;
  },

  gumbelTopK(x, cols, k, indices, perturbed, k0, k1, c0, c1, c2, c3, perRow) {
    const rows = cols === 0 ? 0 : x.length / cols;
    const words = rowWords(rows, cols, k0, k1, c0, c1, c2, c3, perRow);
    const g = new Float64Array(rows === 0 ? 0 : cols); // no scratch for an empty input, whatever cols is
    const order: number[] = [];
    for (let r = 0; r < rows; r++) {
      const w = words(r), at = r * cols;
      order.length = 0;
      for (let j = 0; j < cols; j++) {
        g[j] = wordToGumbel(w[j]);
        if (x[at + j] !== -Infinity) order.push(j); // masked logits are never drawn
      }
      order.sort((a, b) => ranks(x[at + a], g[a], a, x[at + b], g[b], b));
      for (let i = 0; i < k; i++) {
        indices[r * k + i] = i < order.length ? order[i] : -1;
        perturbed[r * k + i] = i < order.length ? x[at + order[i]] + g[order[i]] : -Infinity;
      }
    }
  },

  gumbelSoftmax(x, cols, invTau, hard, y, index, k0, k1, c0, c1, c2, c3, perRow) {
    const rows = index.length;
    const words = rowWords(rows, cols, k0, k1, c0, c1, c2, c3, perRow);
    const z = new Float64Array(rows === 0 ? 0 : cols);
    for (let r = 0; r < rows; r++) {
      const w = words(r), at = r * cols;
      // Shifted by the row's largest finite logit (softmax is shift-invariant): x + G for
      // logits of 1e16 and more would round the noise away even in float64.
      const shift = rowShift(x, at, cols);
      for (let j = 0; j < cols; j++) z[j] = (x[at + j] - shift + wordToGumbel(w[j])) * invTau;
      const i = argmax(cols, (j) => z[j]);
      index[r] = i;
      const m = i < 0 ? -Infinity : z[i];
      if (hard || m === -Infinity || m !== m) {
        // one-hot, a zero row (no support) or a NaN row
        for (let j = 0; j < cols; j++) y[at + j] = m !== m && !hard ? NaN : hard && j === i ? 1 : 0;
        continue;
      }
      // y = exp(z − lse), lse = m + log Σ exp(z − m)
      let s = 0;
      for (let j = 0; j < cols; j++) s += Math.exp(z[j] - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < cols; j++) y[at + j] = Math.exp(z[j] - lse);
    }
    return y;
  },

  sampleMap(kind, out, aArr, a, bArr, b, k0, k1, c0, c1, c2, c3) {
    const w = philoxStream(new Uint32Array(out.length), k0, k1, c0, c1, c2, c3);
    for (let i = 0; i < out.length; i++) {
      const ai = aArr ? aArr[i] : a, bi = bArr ? bArr[i] : b;
      switch (kind) {
        case 0: out[i] = ai + bi * wordToNormal(w[i]); break;
        case 1: out[i] = wordToExponential(w[i]) / bi; break;
        case 2: out[i] = ai + bi * wordToLaplace(w[i]); break;
        case 3: out[i] = ai + bi * wordToCauchy(w[i]); break;
        case 4: out[i] = Math.exp(ai + bi * wordToNormal(w[i])); break;
        default: out[i] = w[i] >= TWO31 ? 1 : -1; // Rademacher
      }
    }
    return out;
  },

  truncatedGumbel(loc, t, tArr, out, k0, k1, c0, c1, c2, c3) {
    const w = philoxStream(new Uint32Array(out.length), k0, k1, c0, c1, c2, c3);
    for (let i = 0; i < out.length; i++) {
      const T = tArr ? tArr[i] : t;
      const g = loc[i] + wordToGumbel(w[i]);
      // T − softplus(T − g) without cancellation (truncated Gumbel, Maddison et al. 2014, A* sampling)
      const d = T - g;
      const e = Math.log1p(Math.exp(-Math.abs(d)));
      out[i] = d >= 0 ? g - e : T - e;
    }
    return out;
  },
};

export const samplingKernels: SamplingKernels = {
  ...sync,
  sampleGumbelAsync: later('sampleGumbel', sync.sampleGumbel, { 0: 'out' }),
  sampleCategoricalAsync: later('sampleCategorical', sync.sampleCategorical, { 3: 'out' }),
  gumbelTopKAsync: later('gumbelTopK', sync.gumbelTopK, { 3: 'indices', 4: 'perturbed' }),
  gumbelSoftmaxAsync: later('gumbelSoftmax', sync.gumbelSoftmax, { 4: 'y', 5: 'index' }),
  sampleMapAsync: later('sampleMap', sync.sampleMap, { 1: 'out' }),
  truncatedGumbelAsync: later('truncatedGumbel', sync.truncatedGumbel, { 3: 'out' }),
};
