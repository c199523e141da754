// Public noise-contrastive estimation and negative sampling: the loss kernels, the alias
// sampler that draws noise words, the unigram noise distribution and a fused skip-gram SGD
// step. Everything is validated before any kernel runs (nothing is written on failure).
import { kernels as defaultKernels } from './backend.js';
import { rangeError, typeError } from './errors.js';
import type { Kernels } from './kernels/index.js';
import type { Reduction } from './kernels/xent.js';
import { rngFrom, type Rng } from './rng.js';
import { describe, f32, i32, integer, isDetached, isTypedArrayOf, number, optionKeys, options, outF32, outI32, overlaps, reductionOf } from './validate.js';

export interface NceLogitsOptions {
  /** Output buffer (scores.length); may be `scores` itself. */
  out?: Float32Array;
}

export interface NceLossOptions {
  /** 'mean' (default: Σ row losses / rows), 'sum', or 'none' (one loss per row). */
  reduction?: Reduction;
  /**
   * true (default): the gradient in a new array; false: forward only; a Float32Array of
   * scores.length: write it there. It may be `scores` itself (in-place backward).
   */
  grad?: boolean | Float32Array;
}

export interface NceLossResult<TLoss extends number | Float32Array = number | Float32Array> {
  /** A number for 'mean' and 'sum' (accumulated in float64), a Float32Array(rows) for 'none'. */
  loss: TLoss;
  /** ∂(reduced loss)/∂scores (for 'none': of the sum); absent with `grad: false`. */
  grad?: Float32Array;
}

export interface AliasSampleOptions {
  rng?: Rng;
  seed?: number | bigint;
  /** Output buffer of n indices. */
  out?: Int32Array;
}

export interface SkipGramStepOptions {
  /** The noise distribution q (an AliasSampler over the vocabulary, e.g. of unigramNoise(counts)). */
  sampler: AliasSampler;
  /** k, noise words per pair (default 5, word2vec.c's `-negative`). */
  negatives?: number;
  /** SGD learning rate (default 0.025): each pair's gradient is applied with this factor. */
  lr?: number;
  /** 'negative-sampling' (default, Δ = s) or 'nce' (Δ = s − log(k·q)). */
  objective?: 'negative-sampling' | 'nce';
  /**
   * 'deterministic' (default): every pair is scored on the tables as they were at the call,
   * then the updates are applied in pair order — bit-identical for any thread count.
   * 'hogwild': pairs run in contiguous chunks, one per thread, each pair reading and updating
   * the rows at once without locks (word2vec.c's scheme; Recht et al. 2011): faster, not
   * reproducible with more than one thread.
   */
  mode?: 'deterministic' | 'hogwild';
  rng?: Rng;
  seed?: number | bigint;
  /** Output buffer for the noise words drawn (pairs × k): noise[p·k + j] is pair p's j-th. */
  noise?: Int32Array;
}

function kOf(k: unknown, name: string): number {
  return integer(k, name, 1, 2 ** 31 - 1);
}

const TWO32 = 4294967296;

/** Weights as a Float64Array, each finite and ≥ 0, with a positive finite sum. */
function weightsOf(v: unknown, name: string): { w: Float64Array; sum: number } {
  // The element type is read from the internal slot: a Proxy or an object with the prototype is refused.
  const f64 = isTypedArrayOf(v, 'Float64Array');
  if (!f64 && !isTypedArrayOf(v, 'Float32Array')) {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a Float32Array or a Float64Array, received ${describe(v)}`);
  }
  if (isDetached(v as Float64Array)) throw typeError('ERR_LOGITKIT_DETACHED', `${name} is backed by a detached ArrayBuffer`);
  const w = f64 ? v as Float64Array : Float64Array.from(v as Float32Array);
  if (w.length === 0 || w.length > 2 ** 31 - 1) throw rangeError(`${name}.length = ${w.length} is out of range: expected 1 to 2^31 - 1 weights`);
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    if (!(x >= 0) || x === Infinity) throw rangeError(`${name}[${i}] = ${x} is out of range: expected a finite number ≥ 0`);
    sum += x;
  }
  if (!(sum > 0) || sum === Infinity) throw rangeError(`${name}: the weights sum to ${sum}: expected a positive finite sum`);
  return { w, sum };
}

// The option names each function accepts (unknown keys are a RangeError).
const ALIASSAMPLEOPTIONS_KEYS = optionKeys<AliasSampleOptions>({ rng: true, seed: true, out: true }, [['rng', 'seed']]);
const NCELOGITSOPTIONS_KEYS = optionKeys<NceLogitsOptions>({ out: true });
const NCELOSSOPTIONS_KEYS = optionKeys<NceLossOptions>({ reduction: true, grad: true });
const SKIPGRAMSTEPOPTIONS_KEYS = optionKeys<SkipGramStepOptions>({ sampler: true, negatives: true, lr: true, objective: true, mode: true, rng: true, seed: true, noise: true }, [['rng', 'seed']]);

/**
 * A Walker/Vose alias table over indices 0..V−1 with probabilities wᵢ / Σw: O(V) to build
 * (in float64, identically on every backend), O(1) per draw.
 *
 * Draws: each draw consumes exactly ONE Philox word w (a call reserves ⌈n/4⌉ blocks and starts
 * on a fresh block, as every sampler): with p = w·V as a 64-bit integer, the column is
 * j = p >> 32 and the coin u = p mod 2³²; the draw is j when u < tⱼ, else alias[j], where
 * tⱼ = round(probⱼ·2³²) (2³² − 1 with alias[j] = j for full columns). So every backend, tier
 * and thread count draws the same indices for a seed, and each index's probability is exact
 * up to the word's resolution: the total-variation distance from w / Σw is at most V·2⁻³¹
 * (5·10⁻⁵ for V = 10⁵). Zero weights are never drawn (their threshold is 0 and they are never
 * an alias).
 * The table, probabilities and log-probabilities (`logNoise`, the NCE offsets) are built once by
 * the constructor and never change; `logitkit/reference` exports an AliasSampler with the same
 * table whose draws run on the float64 reference.
 * @example
 * const q = new AliasSampler(unigramNoise(counts));
 * const noise = q.sample(4096 * 5, { seed: 1 });  // Int32Array of word ids
 * q.logProb(noise);                               // log q(w), Float64Array
 */
export class AliasSampler {
  /** V, the number of indices. */
  readonly size: number;
  /** The table the kernels read: V pairs (threshold, alias) as uint32. */
  readonly table: Uint32Array;
  /** wᵢ / Σw in float64. */
  readonly probabilities: Float64Array;
  /** log(wᵢ / Σw) in float32 (-Infinity for zero weights): the NCE offsets. */
  readonly logNoise: Float32Array;

  /** The kernels that draw (the reference entry point swaps these). */
  protected kernels(): Kernels {
    return defaultKernels;
  }

  /**
   * Builds the alias table for probabilities wᵢ / Σw (Vose 1991), in float64.
   * @param weights V unnormalised weights (1 ≤ V ≤ 2³¹ − 1), each finite and ≥ 0, with a
   *   positive finite sum; a Float32Array is widened to float64. Zero weights are never drawn.
   */
  constructor(weights: Float32Array | Float64Array) {
    const { w, sum } = weightsOf(weights, 'AliasSampler: weights');
    const V = w.length;
    this.size = V;
    this.probabilities = new Float64Array(V);
    this.logNoise = new Float32Array(V);
    let best = 0;
    for (let i = 0; i < V; i++) {
      this.probabilities[i] = w[i] / sum;
      this.logNoise[i] = Math.log(w[i] / sum);
      if (w[i] > w[best]) best = i;
    }
    // Vose (1991): pair each under-full column with an over-full one.
    const scaled = new Float64Array(V), prob = new Float64Array(V), alias = new Int32Array(V);
    const small = new Int32Array(V), large = new Int32Array(V);
    let ns = 0, nl = 0;
    for (let i = 0; i < V; i++) {
      scaled[i] = (w[i] / sum) * V;
      if (scaled[i] < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns], l = large[--nl];
      prob[s] = scaled[s];
      alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    while (nl > 0) { const l = large[--nl]; prob[l] = 1; alias[l] = l; }
    // Left over by rounding only: full columns, except that a zero weight stays undrawable.
    while (ns > 0) {
      const s = small[--ns];
      if (w[s] > 0) { prob[s] = 1; alias[s] = s; } else { prob[s] = 0; alias[s] = best; }
    }
    this.table = new Uint32Array(2 * V);
    for (let j = 0; j < V; j++) {
      if (prob[j] >= 1) {
        this.table[2 * j] = TWO32 - 1;
        this.table[2 * j + 1] = j;
      } else {
        this.table[2 * j] = Math.min(TWO32 - 1, Math.round(prob[j] * TWO32));
        this.table[2 * j + 1] = alias[j];
      }
    }
  }

  /**
   * n independent draws from q, one Philox word each (see the class notes): every backend,
   * tier and thread count draws the same indices for a seed.
   * @param n How many draws (an integer in [0, 2³²]).
   * @param opts `rng` or `seed` (exactly one of them), and `out` (an Int32Array of length n,
   *   written and returned).
   * @returns The drawn indices, each in [0, V).
   * @example
   * const q = new AliasSampler(new Float64Array([0.5, 0.3, 0.2]));
   * q.sample(10, { seed: 1 }); // Int32Array(10) of indices in [0, 3)
   */
  sample(n: number, opts?: AliasSampleOptions): Int32Array {
    const fn = 'AliasSampler.sample';
    const count = integer(n, `${fn}: n`, 0, 2 ** 32);
    const o = options(opts, `${fn}: options`, ALIASSAMPLEOPTIONS_KEYS);
    const out = outI32(o.out, count, `${fn}: options.out`);
    const rng = rngFrom(o, fn);
    const s = rng.reserve(count);
    return this.kernels().aliasSample(this.table, out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3);
  }

  /**
   * `sample` off the JS thread (large draws): the Rng advances at the call, so concurrent
   * calls sharing it stay deterministic. Native backend: the table is copied at the call and
   * `out` written when it completes; if `out` is transferred, detached or resized meanwhile the
   * promise rejects with a TypeError `ERR_LOGITKIT_DETACHED` and nothing is written.
   * @param n How many draws (an integer in [0, 2³²]).
   * @param opts As for `sample`: `rng` or `seed` (exactly one of them), and `out` (an
   *   Int32Array of length n).
   * @returns A promise of the drawn indices, each in [0, V).
   * @example
   * const q = new AliasSampler(unigramNoise(counts));
   * const noise = await q.sampleAsync(1 << 24, { rng }); // Int32Array of word ids
   */
  async sampleAsync(n: number, opts?: AliasSampleOptions): Promise<Int32Array> {
    const fn = 'AliasSampler.sampleAsync';
    const count = integer(n, `${fn}: n`, 0, 2 ** 32);
    const o = options(opts, `${fn}: options`, ALIASSAMPLEOPTIONS_KEYS);
    const out = outI32(o.out, count, `${fn}: options.out`);
    const rng = rngFrom(o, fn);
    const s = rng.reserve(count);
    return this.kernels().aliasSampleAsync(this.table, out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3);
  }

  /**
   * log q(i) = log(wᵢ / Σw) for each index, in float64 (-Infinity for zero weights). A
   * RangeError names the first index outside [0, V).
   * @param indices The indices to look up, each in [0, V).
   * @returns A new Float64Array of indices.length log-probabilities.
   * @example
   * const q = new AliasSampler(new Float64Array([3, 1]));
   * q.logProb(new Int32Array([0, 1])); // Float64Array [log 0.75, log 0.25]
   */
  logProb(indices: Int32Array): Float64Array {
    const idx = i32(indices, 'AliasSampler.logProb: indices');
    const out = new Float64Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      const v = idx[i];
      if (!(v >= 0 && v < this.size)) throw rangeError(`AliasSampler.logProb: indices[${i}] = ${v} is out of range [0, ${this.size})`);
      out[i] = Math.log(this.probabilities[v]);
    }
    return out;
  }
}

/**
 * word2vec's noise distribution: q(w) ∝ count(w)^power (Mikolov et al. 2013 use power 0.75),
 * normalised in float64. Counts are finite and ≥ 0 with at least one positive; power is
 * finite and ≥ 0 (0 gives the uniform distribution over the words with a positive count).
 * Words with count 0 get probability 0.
 * @param counts Each word's count (an array or a typed array of numbers, indexed by word id).
 * @param power The exponent (default 0.75, a finite number ≥ 0).
 * @returns q as a new Float64Array of counts.length probabilities summing to 1, ready for
 *   `new AliasSampler(…)`.
 * @example new AliasSampler(unigramNoise(new Float64Array([50, 20, 5, 1])))
 */
export function unigramNoise(counts: ArrayLike<number>, power = 0.75): Float64Array {
  const fn = 'unigramNoise';
  if (!(ArrayBuffer.isView(counts) || Array.isArray(counts))) {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: counts must be an array or a typed array of numbers, received ${describe(counts)}`);
  }
  const p = number(power, `${fn}: power`);
  if (!(p >= 0) || p === Infinity) throw rangeError(`${fn}: power = ${p} is out of range: expected a finite number ≥ 0`);
  const out = new Float64Array(counts.length);
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = Number(counts[i]);
    if (!(c >= 0) || c === Infinity) throw rangeError(`${fn}: counts[${i}] = ${c} is out of range: expected a finite number ≥ 0`);
    out[i] = c > 0 ? c ** p : 0;
    sum += out[i];
  }
  if (!(sum > 0)) throw rangeError(`${fn}: counts has no positive entry`);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

function isSampler(v: unknown): v is AliasSampler {
  return typeof v === 'object' && v !== null && (v as AliasSampler).table instanceof Uint32Array
    && (v as AliasSampler).logNoise instanceof Float32Array;
}

export function createNceApi(k: Kernels) {
  const kernels = k; // for nceLogits / nceLoss / nceLossAsync, whose parameter `k` (noise words per row) shadows it
  function logNoiseOf(v: unknown, n: number, name: string): Float32Array | null {
    if (v === null) return null;
    const lq = f32(v, name);
    if (lq.length !== n) throw rangeError(`${name}.length = ${lq.length} is out of range: expected scores.length = ${n}`);
    return lq;
  }

  /**
   * NCE logits Δ = s − log k − log q(w), elementwise (Gutmann & Hyvärinen 2010; Mnih & Teh
   * 2012): the log-odds that a scored word came from the data rather than from k noise draws.
   * `logNoise` holds log q(w) for each scored word (same length as scores); `null` gives
   * Δ = s (negative sampling). The native kernel rounds log k + log q to float once, then the
   * difference (≤ 1 ulp of each).
   * @param scores The model's scores s, any length.
   * @param logNoise log q(w) of each scored word (a Float32Array of scores.length), or null for
   *   negative sampling (Δ = s; k is then only validated).
   * @param k The number of noise words per data word (an integer in [1, 2³¹ − 1]).
   * @param opts `out` (a Float32Array of scores.length; may be `scores` or `logNoise` itself,
   *   not a partial overlap).
   * @returns Δ, in `out` or a new Float32Array.
   * @example
   * const lq = Float32Array.from(words, (w) => sampler.logNoise[w]); // log q of each scored word
   * nceLogits(scores, lq, 20);                                         // s − log 20 − log q
   */
  function nceLogits(scores: Float32Array, logNoise: Float32Array | null, k: number, opts?: NceLogitsOptions): Float32Array {
    const fn = 'nceLogits';
    const s = f32(scores, `${fn}: scores`);
    const lq = logNoiseOf(logNoise, s.length, `${fn}: logNoise`);
    const kv = kOf(k, `${fn}: k`);
    const o = options(opts, `${fn}: options`, NCELOGITSOPTIONS_KEYS);
    const out = outF32(o.out, s.length, `${fn}: options.out`, lq ? [s, lq] : [s]);
    return kernels.nceLogits(s, lq, lq ? Math.log(kv) : 0, out);
  }

  function lossArgs(fn: string, scores: unknown, logNoise: unknown, k: unknown, opts: unknown) {
    const s = f32(scores, `${fn}: scores`);
    const kv = kOf(k, `${fn}: k`);
    const lq = logNoiseOf(logNoise, s.length, `${fn}: logNoise`);
    const o = options(opts, `${fn}: options`, NCELOSSOPTIONS_KEYS);
    const reduction = reductionOf(o.reduction, `${fn}: options.reduction`);
    const cols = kv + 1;
    if (s.length % cols !== 0) throw rangeError(`${fn}: scores.length = ${s.length} is not a multiple of 1 + k = ${cols}`);
    const rows = s.length / cols;
    let grad: Float32Array | null;
    const g = o.grad;
    if (g === undefined || g === true) grad = outF32(undefined, s.length, `${fn}: options.grad`);
    else if (g === false) grad = null;
    else if (g instanceof Float32Array) {
      grad = outF32(g, s.length, `${fn}: options.grad`, [s]);
      if (lq && overlaps(grad, lq)) throw rangeError(`${fn}: options.grad overlaps logNoise: it must not share memory with it`);
    } else {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.grad must be a boolean or a Float32Array, received ${describe(g)}`);
    }
    const rowLoss = reduction === 'none' ? outF32(undefined, rows, `${fn}: loss`) : null;
    const scale = reduction === 'mean' ? (rows > 0 ? 1 / rows : 0) : 1;
    const total = new Float64Array(1);
    const args = [s, lq, lq ? Math.log(kv) : 0, cols, scale, grad, rowLoss, total] as const;
    const result = (): NceLossResult => {
      const r: NceLossResult = { loss: rowLoss ?? (reduction === 'mean' ? total[0] / rows : total[0]) };
      if (grad) r.grad = grad;
      return r;
    };
    return { args, result };
  }

  /**
   * The NCE / negative-sampling loss and its gradient in one pass. `scores` holds rows of
   * 1 + k scores (column 0 the data word, columns 1..k the noise words), `logNoise` the log q
   * of each scored word (same layout), or null for negative sampling. Per row, with
   * Δ = s − log(k·q) (Δ = s when logNoise is null):
   *   ℓ = −log σ(Δ₀) − Σⱼ log σ(−Δⱼ) = softplus(−Δ₀) + Σⱼ softplus(Δⱼ)
   *   ∂ℓ/∂s₀ = −σ(−Δ₀),  ∂ℓ/∂sⱼ = σ(Δⱼ)
   * in the softplus form max(z, 0) + log1p(e^−|z|), so scores up to ±1e30 (and ±Infinity)
   * give exact finite losses and gradients in [−1, 1]; NaN propagates to its row.
   * Reductions as the cross-entropy: 'mean' divides by the number of rows (NaN for no rows),
   * `grad` is the gradient of the reduced loss ('none': of the sum) and may be `scores`
   * itself. Native: per-element losses in float (each softplus term within 6·2⁻²⁴ relative
   * of float64: exp ≤ 2 ulp, log1p(e^−|z|) as a 2·atanh series, CHANGELOG), row sums and the
   * reduction in float64 in row order (any thread count gives the same result).
   * @param scores Rows of 1 + k scores, row-major (column 0 the data word, columns 1..k the
   *   noise words); scores.length must be a multiple of 1 + k.
   * @param logNoise log q(w) of each scored word (a Float32Array of scores.length, same layout),
   *   or null for negative sampling (Δ = s).
   * @param k The number of noise words per row (an integer in [1, 2³¹ − 1]).
   * @param opts `reduction` ('mean' by default, 'sum' or 'none') and `grad` (true by default: a
   *   new array; false: forward only; a Float32Array of scores.length, which may be `scores`
   *   itself but must not overlap `logNoise`).
   * @returns `{ loss, grad }`: loss a number ('mean', 'sum') or a Float32Array of one loss per
   *   row ('none'); grad absent with `grad: false`.
   * @example
   * const { loss, grad } = nceLoss(scores, logNoise, 20);    // NCE, rows of 21
   * nceLoss(scores, null, 5, { grad: scores });               // negative sampling, in place
   */
  function nceLoss(scores: Float32Array, logNoise: Float32Array | null, k: number, opts: NceLossOptions & { reduction: 'none' }): NceLossResult<Float32Array>;
  function nceLoss(scores: Float32Array, logNoise: Float32Array | null, k: number, opts?: NceLossOptions & { reduction?: 'mean' | 'sum' }): NceLossResult<number>;
  function nceLoss(scores: Float32Array, logNoise: Float32Array | null, k: number, opts?: NceLossOptions): NceLossResult;
  function nceLoss(scores: Float32Array, logNoise: Float32Array | null, k: number, opts?: NceLossOptions): NceLossResult {
    const { args, result } = lossArgs('nceLoss', scores, logNoise, k, opts);
    kernels.nceLoss(...args);
    return result();
  }

  /**
   * `nceLoss` off the JS thread: the same loss and gradient. Native backend: the inputs are
   * copied at the call and `grad` written when it completes (in place when `grad` is `scores`);
   * if `grad` is transferred, detached or resized meanwhile the promise rejects with a TypeError
   * `ERR_LOGITKIT_DETACHED` and nothing is written.
   * @param scores Rows of 1 + k scores, row-major (column 0 the data word, columns 1..k the
   *   noise words); scores.length must be a multiple of 1 + k.
   * @param logNoise log q(w) of each scored word (a Float32Array of scores.length, same layout),
   *   or null for negative sampling (Δ = s).
   * @param k The number of noise words per row (an integer in [1, 2³¹ − 1]).
   * @param opts As for `nceLoss`: `reduction` ('mean' by default, 'sum' or 'none') and `grad` (true by default: a
   *   new array; false: forward only; a Float32Array of scores.length, which may be `scores`
   *   itself but must not overlap `logNoise`).
   * @returns A promise of `{ loss, grad }`, as `nceLoss` returns.
   * @example
   * const { loss, grad } = await nceLossAsync(scores, logNoise, 20, { reduction: 'sum' });
   */
  async function nceLossAsync(scores: Float32Array, logNoise: Float32Array | null, k: number, opts?: NceLossOptions): Promise<NceLossResult> {
    const { args, result } = lossArgs('nceLossAsync', scores, logNoise, k, opts);
    await kernels.nceLossAsync(...args);
    return result();
  }

  function stepArgs(fn: string, input: unknown, output: unknown, dim: unknown, centre: unknown, context: unknown, opts: unknown) {
    const win = f32(input, `${fn}: input`);
    const wout = f32(output, `${fn}: output`);
    const d = integer(dim, `${fn}: dim`, 1);
    const c = i32(centre, `${fn}: centre`);
    const w = i32(context, `${fn}: context`);
    const o = options(opts, `${fn}: options`, SKIPGRAMSTEPOPTIONS_KEYS);
    if (!isSampler(o.sampler)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.sampler must be an AliasSampler, received ${describe(o.sampler)}`);
    const sampler = o.sampler;
    if (win.length % d !== 0) throw rangeError(`${fn}: input.length = ${win.length} is not a multiple of dim = ${d}`);
    const V = win.length / d;
    if (wout.length !== win.length) throw rangeError(`${fn}: output.length = ${wout.length} is out of range: expected input.length = ${win.length}`);
    if (sampler.table.length !== 2 * V) throw rangeError(`${fn}: options.sampler has ${sampler.table.length / 2} words: expected the tables' ${V} rows`);
    if (overlaps(win, wout)) throw rangeError(`${fn}: input and output overlap: they must be separate tables`);
    if (w.length !== c.length) throw rangeError(`${fn}: context.length = ${w.length} is out of range: expected centre.length = ${c.length}`);
    const kv = o.negatives === undefined ? 5 : kOf(o.negatives, `${fn}: options.negatives`);
    const lr = o.lr === undefined ? 0.025 : number(o.lr, `${fn}: options.lr`);
    if (!Number.isFinite(lr)) throw rangeError(`${fn}: options.lr = ${lr} is out of range: expected a finite number`);
    const objective = o.objective ?? 'negative-sampling';
    if (objective !== 'negative-sampling' && objective !== 'nce') throw rangeError(`${fn}: options.objective = ${describe(objective)} is out of range: expected 'negative-sampling' or 'nce'`);
    const mode = o.mode ?? 'deterministic';
    if (mode !== 'deterministic' && mode !== 'hogwild') throw rangeError(`${fn}: options.mode = ${describe(mode)} is out of range: expected 'deterministic' or 'hogwild'`);
    for (let p = 0; p < c.length; p++) {
      if (!(c[p] >= 0 && c[p] < V)) throw rangeError(`${fn}: centre[${p}] = ${c[p]} is out of range [0, ${V})`);
      if (!(w[p] >= 0 && w[p] < V)) throw rangeError(`${fn}: context[${p}] = ${w[p]} is out of range [0, ${V})`);
    }
    const noise = outI32(o.noise, c.length * kv, `${fn}: options.noise`, [win, wout, c, w], `centre.length × negatives = ${c.length * kv}`);
    const rng = rngFrom(o, fn);
    const s = rng.reserve(c.length * kv);
    const nce = objective === 'nce';
    const total = new Float64Array(1);
    const args = [
      win, wout, d, c, w, kv, sampler.table, nce ? sampler.logNoise : null, nce ? Math.log(kv) : 0, lr, mode === 'hogwild',
      s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, noise, total,
    ] as const;
    const pairs = c.length; // taken now: centre may be transferred while an async step runs
    return { args, result: () => (pairs > 0 ? total[0] / pairs : NaN) };
  }

  /**
   * One fused skip-gram SGD step (Mikolov et al. 2013) over two embedding tables, updated in
   * place: `input` (V × dim, rows indexed by centre words) and `output` (V × dim, rows indexed
   * by context and noise words). For each pair p = (centre[p], context[p]) it draws k noise
   * words from `sampler` (k·pairs Philox words: word p·k + j is pair p's j-th noise word),
   * scores sⱼ = ⟨input[centre], output[wⱼ]⟩, takes the loss and gradient of `nceLoss` on the
   * row (context, noise₁..noiseₖ) — negative sampling, or NCE with Δ = s − log(k·q) — and
   * applies input[centre] −= lr·Σⱼ gⱼ·output[wⱼ], output[wⱼ] −= lr·gⱼ·input[centre]. Returns
   * the mean loss over the pairs (NaN for none). Any dim, any k; a noise word may equal the
   * context word (no rejection: the estimator's noise is exactly q).
   *
   * Modes: 'deterministic' scores every pair on the tables as they were at the call (a
   * minibatch step), then applies the output updates in pair order and the input updates in
   * pair order, split over threads by rows (each row's updates applied by one thread, in pair
   * order) — bit-identical for any thread count and run.
   * The float64 reference (logitkit/reference) computes the same step; the native tables agree
   * with it within a few float32 ulps of each touched element plus lr·(1+k)·dim·2⁻²³·|row|²
   * (the float dot products). It keeps pairs × (dim + 1 + k) floats of scratch for the call,
   * so very large batches are better split. Tables of 4 MB or more are advised transparent huge
   * pages (madvise; rows not yet touched then fault in 2 MB at a time: fewer TLB misses on the
   * random rows; README, "NCE performance"). 'hogwild': each pair reads the rows as they are and updates them
   * at once (word2vec.c's order); threads take contiguous chunks of pairs without locks
   * (Recht et al. 2011), so with several threads the result depends on timing; with one
   * thread it equals the reference's sequential mode within the same bound.
   * Every index is checked before anything is written (RangeError naming the first bad one).
   * @param input The input (centre-word) embeddings, V × dim row-major, updated in place.
   * @param output The output (context- and noise-word) embeddings, V × dim row-major (the same
   *   length as `input`, a separate buffer), updated in place.
   * @param dim The embedding dimension (an integer ≥ 1); input.length must be a multiple of it.
   * @param centre The centre word of each pair (word ids in [0, V)).
   * @param context The context word of each pair (word ids in [0, V); centre.length of them).
   * @param opts `sampler` (required: an AliasSampler over the V words), `negatives` (k, default
   *   5), `lr` (default 0.025, finite), `objective` ('negative-sampling' by default, or 'nce'),
   *   `mode` ('deterministic' by default, or 'hogwild'), `rng` or `seed` (exactly one of them), and
   *   `noise` (an Int32Array of pairs × k that receives the noise words drawn).
   * @returns The mean loss over the pairs, each pair's loss taken before its update (NaN for no pairs).
   * @example
   * const q = new AliasSampler(unigramNoise(counts));
   * const loss = skipGramStep(inTable, outTable, 128, centre, context, { sampler: q, negatives: 5, lr: 0.025, rng });
   */
  function skipGramStep(input: Float32Array, output: Float32Array, dim: number, centre: Int32Array, context: Int32Array, opts: SkipGramStepOptions): number {
    const { args, result } = stepArgs('skipGramStep', input, output, dim, centre, context, opts);
    k.skipGramStep(...args);
    return result();
  }

  /**
   * `skipGramStep` off the JS thread, for servers that train while serving. Its noise words
   * are reserved from the Rng at the call. Native backend: both tables are copied at the call,
   * stepped on the copies, and written back whole when it completes, so the step sees the tables
   * as they were at the call and writes made to them meanwhile are overwritten; concurrent
   * async steps on the same tables each start from that snapshot (the last to complete wins)
   * unless the tables are views of a SharedArrayBuffer, which are updated in place. If either
   * table (or `noise`) is transferred, detached or resized meanwhile the promise rejects with a
   * TypeError `ERR_LOGITKIT_DETACHED` and neither table is written.
   * @param input The input (centre-word) embeddings, V × dim row-major, updated in place.
   * @param output The output (context- and noise-word) embeddings, V × dim row-major (the same
   *   length as `input`, a separate buffer), updated in place.
   * @param dim The embedding dimension (an integer ≥ 1); input.length must be a multiple of it.
   * @param centre The centre word of each pair (word ids in [0, V)).
   * @param context The context word of each pair (word ids in [0, V); centre.length of them).
   * @param opts As for `skipGramStep`: `sampler` (required: an AliasSampler over the V words), `negatives` (k, default
   *   5), `lr` (default 0.025, finite), `objective` ('negative-sampling' by default, or 'nce'),
   *   `mode` ('deterministic' by default, or 'hogwild'), `rng` or `seed` (exactly one of them), and
   *   `noise` (an Int32Array of pairs × k that receives the noise words drawn).
   * @returns A promise of the mean loss over the pairs (NaN for no pairs).
   * @example
   * const q = new AliasSampler(unigramNoise(counts));
   * const loss = await skipGramStepAsync(inTable, outTable, 128, centre, context, { sampler: q, rng });
   */
  async function skipGramStepAsync(
    input: Float32Array, output: Float32Array, dim: number, centre: Int32Array, context: Int32Array, opts: SkipGramStepOptions,
  ): Promise<number> {
    const { args, result } = stepArgs('skipGramStepAsync', input, output, dim, centre, context, opts);
    await k.skipGramStepAsync(...args);
    return result();
  }

  return { nceLogits, nceLoss, nceLossAsync, skipGramStep, skipGramStepAsync };
}
