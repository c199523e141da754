// Sampling family in float64: the conformance reference. Each function reads its words from
// the Philox stream exactly as API.md lays them out (draw i of a call = word i%4 of block
// start + ⌊i/4⌋; row r of a row-wise call = draws r·cols … of the shared stream, or draws
// 0 … cols−1 of its own stream), maps them with the full-word Gumbel, and follows the
// formulas of FEATURE-ANCHORS (d) line by line, rounding to float32 once at the end.
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

/** Ranking of the top-k: a before b when a is larger, NaN above everything, ties by lower index. */
function ranks(pa: number, ja: number, pb: number, jb: number): number {
  const na = pa !== pa, nb = pb !== pb;
  if (na || nb) return na && nb ? ja - jb : na ? -1 : 1;
  return pa > pb ? -1 : pa < pb ? 1 : ja - jb;
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
      out[r] = argmax(cols, (j) => x[at + j] * invT + wordToGumbel(w[j]));
    }
    return out;
  },

  gumbelTopK(x, cols, k, indices, perturbed, k0, k1, c0, c1, c2, c3, perRow) {
    const rows = cols === 0 ? 0 : x.length / cols;
    const words = rowWords(rows, cols, k0, k1, c0, c1, c2, c3, perRow);
    const p = new Float64Array(rows === 0 ? 0 : cols); // no scratch for an empty input, whatever cols is
    const order: number[] = [];
    for (let r = 0; r < rows; r++) {
      const w = words(r), at = r * cols;
      order.length = 0;
      for (let j = 0; j < cols; j++) {
        p[j] = x[at + j] + wordToGumbel(w[j]);
        if (p[j] !== -Infinity) order.push(j); // masked logits are never drawn
      }
      order.sort((a, b) => ranks(p[a], a, p[b], b));
      for (let i = 0; i < k; i++) {
        indices[r * k + i] = i < order.length ? order[i] : -1;
        perturbed[r * k + i] = i < order.length ? p[order[i]] : -Infinity;
      }
    }
  },

  gumbelSoftmax(x, cols, invTau, hard, y, index, k0, k1, c0, c1, c2, c3, perRow) {
    const rows = index.length;
    const words = rowWords(rows, cols, k0, k1, c0, c1, c2, c3, perRow);
    const z = new Float64Array(rows === 0 ? 0 : cols);
    for (let r = 0; r < rows; r++) {
      const w = words(r), at = r * cols;
      for (let j = 0; j < cols; j++) z[j] = (x[at + j] + wordToGumbel(w[j])) * invTau;
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
      // T − softplus(T − g) without cancellation (FEATURE-ANCHORS (d), truncated Gumbel)
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
