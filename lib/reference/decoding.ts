// Decoding family in float64: the conformance reference, and the definition the native kernel
// reproduces decision for decision. Every quantity that decides which token is drawn (the
// processed logits, the top-k order, the top-p and min-p cut-offs, the Gumbel keys) is computed
// in float64 with the same IEEE operations, in the same order, on every backend; exp and log
// are the fixed polynomial forms below (detExp, detLog) rather than Math.exp / libm, whose last
// bit differs between V8 and glibc. So the sampled token is identical on every backend, not
// merely equal up to rounding. Outputs that are reported, not decided on (log-probabilities), use
// Math.log.
import type { DecodingKernels } from '../kernels/decoding.js';
import { DECODE_PARAM as P } from '../kernels/decoding.js';
import { later } from './later.js';
import { philoxStream } from './philox.js';

// --- deterministic float64 exp / log (the native twins are in native/kernels/decoding_impl.inc) --

const LN2_HI = 6.93147180369123816490e-01; // 32 significant bits: k·LN2_HI is exact
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;
const SHIFT = 6755399441055744; // 1.5·2⁵²: x + SHIFT − SHIFT rounds x to an integer
const SQRT2 = 1.4142135623730951;
/** POW2[i] = 2⁻ⁱ, i = 0 … 1075 (exact; 2⁻¹⁰⁷⁵ rounds to 0). */
const POW2 = new Float64Array(1076);
POW2[0] = 1;
for (let i = 1; i < POW2.length; i++) POW2[i] = POW2[i - 1] * 0.5;
const EXP_C = Array.from({ length: 14 }, (_, n) => {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return 1 / f;
}); // 1/n!, n = 0 … 13

/**
 * e^x for x ≤ 0 (0 below −745 and at −Infinity): x = k·ln 2 + r, |r| ≤ ln 2 / 2, a degree-13
 * Taylor polynomial of e^r (Estrin), times 2^k. About 1 ulp; what matters is that every
 * operation is a single IEEE double operation, so C++ (without FMA contraction) and V8 agree
 * bit for bit.
 */
export function detExp(x: number): number {
  if (!(x > -745)) return 0;
  const k = (x * INV_LN2 + SHIFT) - SHIFT;
  const r = (x - k * LN2_HI) - k * LN2_LO;
  // Estrin's scheme (four dependent levels instead of Horner's thirteen: the full-row sums
  // evaluate it once per token). The native twin computes the same expression tree.
  const c = EXP_C;
  const r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const q0 = c[0] + c[1] * r, q1 = c[2] + c[3] * r, q2 = c[4] + c[5] * r, q3 = c[6] + c[7] * r;
  const q4 = c[8] + c[9] * r, q5 = c[10] + c[11] * r, q6 = c[12] + c[13] * r;
  const s0 = q0 + q1 * r2, s1 = q2 + q3 * r2, s2 = q4 + q5 * r2;
  const t0 = s0 + s1 * r4, t1 = s2 + q6 * r4;
  const p = t0 + t1 * r8;
  return p * POW2[-k];
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LOG_C = Array.from({ length: 10 }, (_, n) => 1 / (2 * n + 1)); // 1, 1/3, … 1/19

/**
 * log x for a positive normal x: x = m·2^e with m ∈ [√2/2, √2), s = (m − 1)/(m + 1),
 * log m = 2·atanh s = 2s·Σ s²ⁿ/(2n + 1) (n ≤ 9, |s| ≤ 0.172). Deterministic as detExp.
 */
export function detLog(x: number): number {
  f64[0] = x;
  let e = (u32[1] >>> 20) - 1023;
  u32[1] = (u32[1] & 0x000fffff) | 0x3ff00000;
  let m = f64[0];
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  let p = LOG_C[9];
  for (let n = 8; n >= 0; n--) p = p * z + LOG_C[n];
  return e * LN2_HI + (e * LN2_LO + (s + s) * p);
}

/** The full-word Gumbel of a Philox word in deterministic float64: −log(−log((w + ½)·2⁻³²)). */
export function detGumbel(w: number): number {
  return -detLog(-detLog((w + 0.5) * 2 ** -32));
}

/** The rank order of processed logits: a before b when za > zb; equal values (−0 and +0 too) by the lower index, as topk. */
export function rankBefore(za: number, ia: number, zb: number, ib: number): boolean {
  return za !== zb ? za > zb : ia < ib;
}

/** The processed logits of row r (penalties, bias, bans), in float64. */
export function processRow(
  x: Float32Array, at: number, cols: number, params: Float64Array, hist: Int32Array, histOff: Int32Array | null, r: number,
  biasIdx: Int32Array, biasVal: Float64Array, banned: Int32Array, z: Float64Array,
  biasOff: Int32Array | null = null, bannedOff: Int32Array | null = null,
): void {
  for (let j = 0; j < cols; j++) z[j] = x[at + j];
  if (histOff) {
    const counts = new Map<number, number>();
    for (let i = histOff[r]; i < histOff[r + 1]; i++) counts.set(hist[i], (counts.get(hist[i]) ?? 0) + 1);
    const rp = params[P.repetitionPenalty], pres = params[P.presencePenalty], freq = params[P.frequencyPenalty];
    for (const [t, c] of counts) {
      let v = z[t];
      v = v > 0 ? v / rp : v * rp; // CTRL (Keskar et al. 2019) as Hugging Face applies it
      v = v - (freq * c + pres); // OpenAI's frequency and presence penalties, after it (as vLLM)
      z[t] = v;
    }
  }
  // Per-row lists: row r's slice of the flat arrays; shared lists: all of them.
  const b0 = biasOff ? biasOff[r] : 0, b1 = biasOff ? biasOff[r + 1] : biasIdx.length;
  for (let i = b0; i < b1; i++) z[biasIdx[i]] = z[biasIdx[i]] + biasVal[i];
  const n0 = bannedOff ? bannedOff[r] : 0, n1 = bannedOff ? bannedOff[r + 1] : banned.length;
  for (let i = n0; i < n1; i++) z[banned[i]] = -Infinity;
}

export interface RowDecision {
  /** The token, −1 when the row has none. */
  token: number;
  /** The kept candidates in rank order (the processed distribution's support). */
  kept: number[];
  /** s_j = (z_j − max z)/T for every column (−Infinity where masked). */
  s: Float64Array;
  /** Σ e^s over the kept candidates. */
  z: number;
}

/**
 * Row r of sampleNext, as the definition reads (sort, then cut, then sample): the reference for
 * the native kernel and the tests. `words` are the row's cols Philox words (null when greedy).
 */
export function decideRow(
  x: Float32Array, at: number, cols: number, params: Float64Array, hist: Int32Array, histOff: Int32Array | null, r: number,
  biasIdx: Int32Array, biasVal: Float64Array, banned: Int32Array, words: Uint32Array | null,
  biasOff: Int32Array | null = null, bannedOff: Int32Array | null = null,
): RowDecision {
  const none: RowDecision = { token: -1, kept: [], s: new Float64Array(0), z: NaN };
  // A NaN or +Infinity logit is a broken model output: no token.
  for (let j = 0; j < cols; j++) if (x[at + j] !== x[at + j] || x[at + j] === Infinity) return none;
  const z = new Float64Array(cols);
  processRow(x, at, cols, params, hist, histOff, r, biasIdx, biasVal, banned, z, biasOff, bannedOff);
  for (let j = 0; j < cols; j++) if (z[j] !== z[j] || z[j] === Infinity) return none; // overflowed penalties
  const avail: number[] = [];
  for (let j = 0; j < cols; j++) if (z[j] > -Infinity) avail.push(j);
  if (avail.length === 0) return none;
  const order = avail.slice().sort((a, b) => (rankBefore(z[a], a, z[b], b) ? -1 : 1));
  const zmax = z[order[0]];
  const temperature = params[P.temperature];
  const t = temperature > 0 ? temperature : 1;
  const s = new Float64Array(cols).fill(-Infinity);
  for (const j of avail) s[j] = (z[j] - zmax) / t;
  const w = (j: number) => detExp(s[j]);
  const topK = params[P.topK], topP = params[P.topP], minP = params[P.minP];
  const indexSum = () => {
    let acc = 0;
    for (const j of avail) acc += w(j);
    return acc;
  };
  const rankSum = (c: number[]) => {
    let acc = 0;
    for (const j of c) acc += w(j);
    return acc;
  };
  let kept = order;
  let truncated = false;
  if (topK > 0) {
    kept = kept.slice(0, topK);
    truncated = true;
  }
  if (topP < 1) {
    // Keep a token when the tokens strictly more probable than it sum to less than p·Z.
    const limit = topP * (topK > 0 ? rankSum(kept) : indexSum());
    let acc = 0, groupStart = 0, n = 0;
    for (let i = 0; i < kept.length; i++) {
      if (i === 0 || z[kept[i]] !== z[kept[i - 1]]) groupStart = acc;
      if (!(groupStart < limit)) break;
      acc += w(kept[i]);
      n = i + 1;
    }
    kept = kept.slice(0, n);
    truncated = true;
  }
  if (minP > 0) {
    let n = 0;
    while (n < kept.length && w(kept[n]) >= minP) n++;
    kept = kept.slice(0, n);
    truncated = true;
  }
  let token = kept[0];
  if (temperature > 0 && words) {
    // Gumbel-max over the kept set: argmax s_j + G(word j), ties to the lower index.
    let best = -Infinity;
    token = -1;
    for (const j of truncated ? kept : avail) {
      const key = s[j] + detGumbel(words[j]);
      if (key > best || (key === best && j < token)) {
        best = key;
        token = j;
      }
    }
  }
  return { token, kept, s, z: truncated ? rankSum(kept) : indexSum() };
}

export const decodingKernels: DecodingKernels = {
  sampleNext(x, cols, params, hist, histOff, biasIdx, biasVal, banned, tokens, logProbs, topIdx, topLp, k0, k1, c0, c1, c2, c3, perRow,
    biasOff = null, bannedOff = null) {
    const rows = tokens.length;
    const topN = params[P.topN];
    const greedy = !(params[P.temperature] > 0);
    const all = greedy || perRow ? null : philoxStream(new Uint32Array(rows * cols), k0, k1, c0, c1, c2, c3);
    for (let r = 0; r < rows; r++) {
      let words: Uint32Array | null = null;
      if (!greedy) {
        if (perRow) {
          const p = perRow.subarray(6 * r, 6 * r + 6);
          words = philoxStream(new Uint32Array(cols), p[0], p[1], p[2], p[3], p[4], p[5]);
        } else {
          words = (all as Uint32Array).subarray(r * cols, (r + 1) * cols);
        }
      }
      const d = decideRow(x, r * cols, cols, params, hist, histOff, r, biasIdx, biasVal, banned, words, biasOff, bannedOff);
      tokens[r] = d.token;
      const logZ = Math.log(d.z);
      if (logProbs) logProbs[r] = d.token < 0 ? NaN : d.s[d.token] - logZ;
      if (topIdx && topLp) {
        for (let i = 0; i < topN; i++) {
          const ok = i < d.kept.length;
          topIdx[r * topN + i] = ok ? d.kept[i] : -1;
          topLp[r * topN + i] = d.token < 0 ? NaN : ok ? d.s[d.kept[i]] - logZ : -Infinity;
        }
      }
    }
    return tokens;
  },
  firstOutside(a, cols) {
    for (let i = 0; i < a.length; i++) if (!(a[i] >= 0 && a[i] < cols)) return i;
    return -1;
  },
  sampleNextAsync: later('sampleNext', (...args: Parameters<DecodingKernels['sampleNext']>) => decodingKernels.sampleNext(...args), {
    8: 'tokens', 9: 'logProbs', 10: 'topIdx', 11: 'topLp',
  }),
};
