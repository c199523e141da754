// Public Gumbel machinery and samplers built on Rng streams (README, "Randomness"; the
// Gumbel-max trick of Gumbel (1954) and Maddison et al. (2014); the reparameterisation table
// of Kingma & Welling (2014)).
//
// Every function takes one word of its Rng's Philox stream per uniform it needs, in row-major
// order of its output, and starts on a fresh block; the Rng advances when the call is made.
// Gumbel noise uses the whole word: with u = (w + ½)·2⁻³², E = −log u for w < 2³¹, else
// E = −log1p(−(2³² − w − ½)·2⁻³²), and G = −log E (−3.13 … 22.87, never ±Infinity or NaN).
import type { Kernels } from './kernels/index.js';
import { rangeError, typeError } from './errors.js';
import { isRng, rngFrom, type Rng, type StreamStart } from './rng.js';
import { wordToNormal } from './words.js';
import { SAMPLE_KIND } from './kernels/sampling.js';
import { bool, describe, f32, finite, integer, isDetached, nonNegative, number, optionKeys, options, outF32, outI32, positive, rowsOf, type OptionKeys } from './validate.js';


/** Where the randomness of a call comes from: an Rng, or a seed for a fresh one. */
export interface RandomOptions {
  rng?: Rng;
  seed?: number | bigint;
}

/** Per-row streams: row r draws from rngs[r] (each reserves cols words), independent of its batch. */
export interface RowRandomOptions extends RandomOptions {
  rngs?: Rng[];
}

export interface GumbelOptions extends RandomOptions {
  loc?: number;
  scale?: number;
  /** Output buffer of length n. */
  out?: Float32Array;
}

export interface TruncatedGumbelOptions extends RandomOptions {
  /** Output buffer of loc's length; may be loc itself. */
  out?: Float32Array;
}

export interface CategoricalOptions extends RowRandomOptions {
  /** Samples from softmax(logits / temperature) (default 1). Finite, > 0. */
  temperature?: number;
  /** Output buffer of length rows. */
  out?: Int32Array;
}

export interface GumbelSoftmaxOptions extends RowRandomOptions {
  /** Relaxation temperature τ (default 1). Finite, > 0. */
  tau?: number;
  /** Return the one-hot of the argmax instead of the relaxed sample (default false). */
  hard?: boolean;
  /** Output buffer for y, of logits' length; may be logits itself. */
  out?: Float32Array;
}

export interface GumbelSoftmaxResult {
  /** softmax((logits + g)/τ) per row, or its one-hot argmax when `hard`. */
  y: Float32Array;
  /** The argmax of logits + g per row (−1 for a row that is all -Infinity). */
  index: Int32Array;
}

export type GumbelTopKOptions = RowRandomOptions;

export interface GumbelTopKResult {
  /** rows × k column indices, per row in decreasing order of the perturbed value. */
  indices: Int32Array;
  /** rows × k perturbed logits logits[r, indices] + g, decreasing per row. */
  perturbed: Float32Array;
}

/** A location/scale parameter: one number, or one value per output (the reparameterised form). */
export type Param = number | Float32Array;

export interface SampleOptions extends RandomOptions {
  /** Output buffer of length n. */
  out?: Float32Array;
}


// The names each options object accepts (anything else is a RangeError), and the exclusive
// groups: one source of randomness per call.
const RANDOM = { rng: true, seed: true } as const;
const ROW_RANDOM = { ...RANDOM, rngs: true } as const;
const ONE_RNG = [['rng', 'seed']] as const;
const ONE_ROW_RNG = [['rng', 'seed', 'rngs']] as const;
const GUMBEL_OPTIONS = optionKeys<GumbelOptions>({ ...RANDOM, loc: true, scale: true, out: true }, ONE_RNG);
const TRUNCATED_OPTIONS = optionKeys<TruncatedGumbelOptions>({ ...RANDOM, out: true }, ONE_RNG);
const CATEGORICAL_OPTIONS = optionKeys<CategoricalOptions>({ ...ROW_RANDOM, temperature: true, out: true }, ONE_ROW_RNG);
const GUMBEL_SOFTMAX_OPTIONS = optionKeys<GumbelSoftmaxOptions>({ ...ROW_RANDOM, tau: true, hard: true, out: true }, ONE_ROW_RNG);
const GUMBEL_TOPK_OPTIONS = optionKeys<GumbelTopKOptions>(ROW_RANDOM, ONE_ROW_RNG);
const SAMPLE_OPTIONS = optionKeys<SampleOptions>({ ...RANDOM, out: true }, ONE_RNG);
const LOC_SCALE = optionKeys<{ loc: Param; scale: Param }>({ loc: true, scale: true });
const MEAN_STD = optionKeys<{ mean: Param; std: Param }>({ mean: true, std: true });

/** An open uniform from the whole word, (w + ½)·2⁻³² (float64). */
const wordToUniform64 = (w: number): number => (w + 0.5) * 2 ** -32;

// --- argument helpers ---------------------------------------------------------------------------

/**
 * The streams of a row-wise call, checked before anything is reserved: either one Rng (rows take
 * consecutive stretches of cols words) or `rngs`, one Rng per row, each reserving cols words.
 */
export function rowStreams(o: Partial<RowRandomOptions>, rows: number, cols: number, fn: string): () => { s: StreamStart; perRow: Uint32Array | null } {
  if (o.rngs === undefined) {
    const rng = rngFrom(o, fn);
    return () => ({ s: rng.reserve(rows * cols), perRow: null });
  }
  if (o.rng !== undefined || o.seed !== undefined) {
    throw rangeError(`${fn}: options.rngs and options.${o.rng !== undefined ? 'rng' : 'seed'} were given together; give only one of rng, seed, rngs`);
  }
  const rngs = o.rngs as unknown;
  if (!Array.isArray(rngs)) {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.rngs must be an array of Rng (one per row), received ${describe(rngs)}`);
  }
  if (rngs.length !== rows) throw rangeError(`${fn}: options.rngs.length = ${rngs.length} is out of range: expected rows = ${rows}`);
  rngs.forEach((r, i) => {
    if (!isRng(r)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.rngs[${i}] must be an Rng, received ${describe(r)}`);
  });
  return () => {
    const perRow = new Uint32Array(6 * rows);
    for (let r = 0; r < rows; r++) {
      const s = (rngs[r] as Rng).reserve(cols);
      perRow.set([s.k0, s.k1, s.c0, s.c1, s.c2, s.c3], 6 * r);
    }
    return { s: { k0: 0, k1: 0, c0: 0, c1: 0, c2: 0, c3: 0 }, perRow };
  };
}

/** A number or a Float32Array of length n; `check` validates a number. */
function param(v: unknown, dflt: number, n: number, name: string, check: (x: unknown, name: string) => number): Param {
  if (v === undefined) return dflt;
  if (typeof v === 'number') return check(v, name);
  if (v instanceof Float32Array) {
    f32(v, name);
    if (v.length !== n) throw rangeError(`${name}.length = ${v.length} is out of range: expected n = ${n}`);
    return v;
  }
  throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be a number or a Float32Array of length ${n}, received ${describe(v)}`);
}

const at = (p: Param, i: number): number => (typeof p === 'number' ? p : p[i]);

export function createSamplingApi(k: Kernels) {
  const kernels = k; // for gumbelTopK, whose parameter `k` (draws per row) shadows it
  /**
   * n draws of Gumbel(loc, scale) = loc + scale·G, G = −log(−log u), from the full-word
   * transform (README, "Randomness"): one word per draw, tails −3.13 … 22.87, never ±Infinity or NaN.
   * @param n How many draws (an integer ≥ 0).
   * @param opts `rng` or `seed` (one of them), `loc` (default 0), `scale` (default 1, > 0), `out` (length n).
   * @example gumbel(4, { seed: 42 })
   */
  function gumbel(n: number, opts?: GumbelOptions): Float32Array {
    integer(n, 'gumbel: n', 0);
    const o = options(opts, 'gumbel: options', GUMBEL_OPTIONS);
    const loc = o.loc === undefined ? 0 : finite(o.loc, 'gumbel: options.loc');
    const scale = o.scale === undefined ? 1 : positive(o.scale, 'gumbel: options.scale');
    const out = outF32(o.out, n, 'gumbel: options.out');
    const rng = rngFrom(o, 'gumbel');
    const s = rng.reserve(n);
    return k.sampleGumbel(out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, loc, scale);
  }

  /**
   * Samples of Gumbel(loc[i]) conditioned on being ≤ T (T a number, or one per element), one
   * word each: from an untruncated g = loc + G, T − softplus(T − g), evaluated as
   * g − log1p(e^(g−T)) when g ≤ T and T − log1p(e^(T−g)) otherwise, so it stays finite and
   * accurate for any loc − T (tested from −50 to +50; far above T the sample rounds to T).
   * `T = Infinity` gives untruncated Gumbel(loc). Elements of loc / T are not checked
   * (NaN propagates). The lecture's inverse CDF, −log(e^(−T) + e^(−g)), is the same number.
   * @param loc The location of each sample.
   * @param T The truncation point: a number, or one per element (loc.length).
   * @param opts `rng` or `seed`, and `out` (loc.length; may be `loc`).
   * @example truncatedGumbel(new Float32Array([0, 5]), 1, { seed: 7 })
   */
  function truncatedGumbel(loc: Float32Array, T: number | Float32Array, opts?: TruncatedGumbelOptions): Float32Array {
    const la = f32(loc, 'truncatedGumbel: loc');
    let t = 0;
    let tArr: Float32Array | null = null;
    if (typeof T === 'number') {
      if (Number.isNaN(T) || T === -Infinity) throw rangeError(`truncatedGumbel: T = ${T} is out of range: expected a number > -Infinity`);
      t = T;
    } else if (T instanceof Float32Array) {
      tArr = f32(T, 'truncatedGumbel: T');
      if (tArr.length !== la.length) throw rangeError(`truncatedGumbel: T.length = ${tArr.length} is out of range: expected loc.length = ${la.length}`);
    } else {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `truncatedGumbel: T must be a number or a Float32Array, received ${describe(T)}`);
    }
    const o = options(opts, 'truncatedGumbel: options', TRUNCATED_OPTIONS);
    const out = outF32(o.out, la.length, 'truncatedGumbel: options.out', tArr ? [la, tArr] : [la]);
    const s = rngFrom(o, 'truncatedGumbel').reserve(la.length);
    return k.truncatedGumbel(la, t, tArr, out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3);
  }

  /**
   * One index per row drawn from softmax(logits / temperature) by the Gumbel-max trick,
   * argmaxⱼ (xⱼ/τ + gⱼ), fused: the noise is made in registers, never stored. One word per
   * logit, row-major (row r uses rngs[r] when `rngs` is given). `-Infinity` logits are never
   * chosen; a row with nothing else (all `-Infinity`) gives the sentinel −1. Ties go to the
   * lower index; a NaN logit ranks above every number (as torch.argmax), so the first NaN of a
   * row is returned.
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length (number of classes); `logits.length` must be a multiple of it.
   * @param opts `rng`, `seed` or `rngs` (one Rng per row), `temperature` (default 1), `out` (an Int32Array(rows)).
   * @example sampleCategorical(logits, 50257, { temperature: 0.8, seed: 1 })
   */
  function sampleCategorical(logits: Float32Array, cols: number, opts?: CategoricalOptions): Int32Array {
    const x = f32(logits, 'sampleCategorical: logits');
    const { rows } = rowsOf(x, cols, 'sampleCategorical: logits');
    const o = options(opts, 'sampleCategorical: options', CATEGORICAL_OPTIONS);
    const invT = o.temperature === undefined ? 1 : 1 / positive(o.temperature, 'sampleCategorical: options.temperature');
    const out = outI32(o.out, rows, 'sampleCategorical: options.out');
    const { s, perRow } = rowStreams(o, rows, cols, 'sampleCategorical')();
    return k.sampleCategorical(x, cols, invT, out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, perRow);
  }

  /**
   * The Gumbel-softmax (Concrete) relaxation y = softmax((logits + g)/τ) per row, computed
   * from the perturbed logits with the max subtracted (stable as τ → 0), and index = the argmax
   * of logits + g (a sample of softmax(logits); −1 for an all `-Infinity` row, whose y is 0).
   * `hard: true` returns y = one-hot(index), the forward pass of PyTorch's straight-through
   * `gumbel_softmax(hard=True)`. One word per logit, row-major.
   * Backward (through the soft y, also for straight-through): dL/dlogits =
   * `softmaxBackward(y, dy, cols)` / τ, with y the soft sample.
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length (number of classes); `logits.length` must be a multiple of it.
   * @param opts `rng`, `seed` or `rngs`, `tau` (default 1), `hard` (default false), `out` for y (logits.length; may be `logits`).
   * @example const { y, index } = gumbelSoftmax(logits, 10, { tau: 0.5, seed: 3 })
   */
  function gumbelSoftmax(logits: Float32Array, cols: number, opts?: GumbelSoftmaxOptions): GumbelSoftmaxResult {
    const x = f32(logits, 'gumbelSoftmax: logits');
    const { rows } = rowsOf(x, cols, 'gumbelSoftmax: logits');
    const o = options(opts, 'gumbelSoftmax: options', GUMBEL_SOFTMAX_OPTIONS);
    const invTau = o.tau === undefined ? 1 : 1 / positive(o.tau, 'gumbelSoftmax: options.tau');
    const hard = bool(o.hard, 'gumbelSoftmax: options.hard', false);
    const y = outF32(o.out, x.length, 'gumbelSoftmax: options.out', [x]);
    const index = new Int32Array(rows);
    const { s, perRow } = rowStreams(o, rows, cols, 'gumbelSoftmax')();
    k.gumbelSoftmax(x, cols, invTau, hard, y, index, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, perRow);
    return { y, index };
  }

  /**
   * k draws without replacement per row from softmax(logits) by the Gumbel-top-k trick: the
   * k largest logits + g, fused with the selection heap (no noise array), best first (ties:
   * lower index). The order is an exact Plackett–Luce sample; `perturbed` holds the k perturbed
   * values for estimators (e.g. the (k+1)-th as a threshold: ask for k + 1). One word per logit,
   * row-major (row r uses rngs[r] when given). `-Infinity` logits are never drawn: slots past
   * a row's number of finite logits get index −1 and perturbed -Infinity.
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length (number of classes); `logits.length` must be a multiple of it.
   * @param k Draws per row, 0 ≤ k ≤ cols.
   * @param opts `rng`, `seed` or `rngs` (one Rng per row).
   * @example gumbelTopK(logits, 50257, 16, { seed: 5 })
   */
  function gumbelTopK(logits: Float32Array, cols: number, k: number, opts?: GumbelTopKOptions): GumbelTopKResult {
    const kk = k;
    const x = f32(logits, 'gumbelTopK: logits');
    const { rows } = rowsOf(x, cols, 'gumbelTopK: logits');
    integer(kk, 'gumbelTopK: k', 0, cols);
    const o = options(opts, 'gumbelTopK: options', GUMBEL_TOPK_OPTIONS);
    const indices = new Int32Array(rows * kk);
    const perturbed = new Float32Array(rows * kk);
    const { s, perRow } = rowStreams(o, rows, cols, 'gumbelTopK')();
    kernels.gumbelTopK(x, cols, kk, indices, perturbed, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, perRow);
    return { indices, perturbed };
  }

  // --- the reparameterisation table (lk.sample) -------------------------------------------------

  /** Common checks of a sampler: n, options, the output and the Rng (nothing reserved yet). */
  function samplerArgs(fn: string, n: unknown, opts: unknown) {
    integer(n, `${fn}: n`, 0);
    const o = options(opts, `${fn}: options`, SAMPLE_OPTIONS);
    const out = outF32(o.out, n as number, `${fn}: options.out`);
    const rng = rngFrom(o, fn);
    return { out, rng };
  }

  function paramsOf<T extends object>(v: unknown, fn: string, keys: OptionKeys<T>): Partial<T> {
    return options(v, `${fn}: params`, keys);
  }

  /** A table sampler: out[i] = a_i + b_i·X(word i) (see SamplingKernels.sampleMap), one word per draw. */
  function mapped(kind: number, n: number, a: Param, b: Param, rng: Rng, out: Float32Array): Float32Array {
    const s = rng.reserve(n);
    const [aArr, av] = typeof a === 'number' ? [null, a] : [a, 0];
    const [bArr, bv] = typeof b === 'number' ? [null, b] : [b, 1];
    return k.sampleMap(kind, out, aArr, av, bArr, bv, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3);
  }

  /**
   * n standard Gamma(shape) draws by Marsaglia & Tsang (2000), reading the Rng's words in order
   * from its current position: each attempt takes one word for its normal x and, when
   * 1 + c·x > 0, one word for its uniform; shape < 1 samples Gamma(shape + 1) and multiplies by
   * U^(1/shape) (one more word, in log space). The Rng then advances past the words read.
   */
  function gammaStd(shape: number, n: number, rng: Rng, emit: (i: number, g: number) => void): void {
    const boost = shape < 1;
    const a = boost ? shape + 1 : shape;
    const d = a - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    // Words come from a clone, 4096 at a time into one reused buffer (block-aligned chunks, so
    // the chunk size does not change them; reuse avoids first-touch page faults).
    const src = rng.clone();
    const buf = new Uint32Array(4096);
    let pos = buf.length, used = 0;
    const next = (): number => {
      if (pos === buf.length) {
        const s = src.reserve(buf.length);
        k.philoxUint32(buf, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3);
        pos = 0;
      }
      used++;
      return buf[pos++];
    };
    for (let i = 0; i < n; i++) {
      let g: number;
      for (;;) {
        const x = wordToNormal(next());
        let v = 1 + c * x;
        if (v <= 0) continue;
        v = v * v * v;
        const u = wordToUniform64(next());
        const x2 = x * x;
        if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
          g = d * v;
          break;
        }
      }
      emit(i, boost ? Math.exp(Math.log(g) + Math.log(wordToUniform64(next())) / shape) : g);
    }
    rng.advance(Math.ceil(used / 4));
  }

  const sample = {
    /**
     * Normal(mean, std) = mean + std·z, z = Φ⁻¹(u) by inverse CDF of the whole word (one word per
     * draw; |z| ≤ 6.36). mean / std may be Float32Arrays of length n (the diagonal μ + σ·ε).
     * @param n How many draws.
     * @param params `mean` (default 0) and `std` (default 1, ≥ 0): numbers or Float32Arrays of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example sample.normal(1000, { mean: 0, std: 2 }, { seed: 1 })
     */
    normal(n: number, params?: { mean?: Param; std?: Param }, opts?: SampleOptions): Float32Array {
      const { out, rng } = samplerArgs('sample.normal', n, opts);
      const p = paramsOf(params, 'sample.normal', MEAN_STD);
      const mean = param(p.mean, 0, n, 'sample.normal: params.mean', finite);
      const std = param(p.std, 1, n, 'sample.normal: params.std', nonNegative);
      return mapped(SAMPLE_KIND.normal, n, mean, std, rng, out);
    },
    /**
     * Exponential(rate) = E / rate, E the full-word Exp(1) of the README's "Randomness" (one word per draw,
     * 1.2e-10 ≤ E ≤ 22.2). rate may be a Float32Array of length n.
     * @param n How many draws.
     * @param params `rate` (default 1, > 0): a number or a Float32Array of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example
     * lk.sample.exponential(3, { rate: 2 }, { seed: 1 })
     */
    exponential(n: number, params?: { rate?: Param }, opts?: SampleOptions): Float32Array {
      const { out, rng } = samplerArgs('sample.exponential', n, opts);
      const p = paramsOf(params, 'sample.exponential', optionKeys<{ rate: Param }>({ rate: true }));
      const rate = param(p.rate, 1, n, 'sample.exponential: params.rate', positive);
      return mapped(SAMPLE_KIND.exponential, n, 0, rate, rng, out);
    },
    /**
     * Laplace(loc, scale) = loc − scale·sgn(u − ½)·log(1 − 2|u − ½|): the word's top bit is the
     * sign, its other 31 bits the magnitude (one word per draw, |x − loc| ≤ 22.2·scale).
     * @param n How many draws.
     * @param params `loc` (default 0) and `scale` (default 1, > 0): numbers or Float32Arrays of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example
     * lk.sample.laplace(3, { loc: 0, scale: 0.5 }, { seed: 1 })
     */
    laplace(n: number, params?: { loc?: Param; scale?: Param }, opts?: SampleOptions): Float32Array {
      const { out, rng } = samplerArgs('sample.laplace', n, opts);
      const p = paramsOf(params, 'sample.laplace', LOC_SCALE);
      const loc = param(p.loc, 0, n, 'sample.laplace: params.loc', finite);
      const scale = param(p.scale, 1, n, 'sample.laplace: params.scale', positive);
      return mapped(SAMPLE_KIND.laplace, n, loc, scale, rng, out);
    },
    /**
     * Cauchy(loc, scale) = loc + scale·tan(π(u − ½)), one word per draw (|x − loc| ≤ 2.7e9·scale).
     * @param n How many draws.
     * @param params `loc` (default 0) and `scale` (default 1, > 0): numbers or Float32Arrays of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example
     * lk.sample.cauchy(3, {}, { seed: 1 })
     */
    cauchy(n: number, params?: { loc?: Param; scale?: Param }, opts?: SampleOptions): Float32Array {
      const { out, rng } = samplerArgs('sample.cauchy', n, opts);
      const p = paramsOf(params, 'sample.cauchy', LOC_SCALE);
      const loc = param(p.loc, 0, n, 'sample.cauchy: params.loc', finite);
      const scale = param(p.scale, 1, n, 'sample.cauchy: params.scale', positive);
      return mapped(SAMPLE_KIND.cauchy, n, loc, scale, rng, out);
    },
    /**
     * exp(Normal(mean, std)) (mean / std of the underlying normal), one word per draw.
     * @param n How many draws.
     * @param params `mean` (default 0) and `std` (default 1) of the underlying normal: numbers or Float32Arrays of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example
     * lk.sample.logNormal(3, { mean: 0, std: 0.25 }, { seed: 1 })
     */
    logNormal(n: number, params?: { mean?: Param; std?: Param }, opts?: SampleOptions): Float32Array {
      const { out, rng } = samplerArgs('sample.logNormal', n, opts);
      const p = paramsOf(params, 'sample.logNormal', MEAN_STD);
      const mean = param(p.mean, 0, n, 'sample.logNormal: params.mean', finite);
      const std = param(p.std, 1, n, 'sample.logNormal: params.std', nonNegative);
      return mapped(SAMPLE_KIND.logNormal, n, mean, std, rng, out);
    },
    /**
     * ±1 with probability ½ each: +1 when the word's top bit is set (one word per draw).
     * @param n How many draws.
     * @param params None: pass `{}` (or undefined).
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example
     * lk.sample.rademacher(8, {}, { seed: 1 }) // ±1 each
     */
    rademacher(n: number, params?: Record<string, never>, opts?: SampleOptions): Float32Array {
      const { out, rng } = samplerArgs('sample.rademacher', n, opts);
      paramsOf(params, 'sample.rademacher', optionKeys<Record<string, never>>({}));
      return mapped(SAMPLE_KIND.rademacher, n, 0, 1, rng, out);
    },
    /**
     * Gamma(shape, rate) (mean shape/rate) by Marsaglia–Tsang. Rejection makes the number of words
     * data-dependent, so it reads the stream in order, output by output: per attempt one word
     * (normal) plus one (uniform) when the attempt gets that far; shape < 1 adds one word per
     * output for the U^(1/shape) boost. About 2.05 words per draw for shape ≥ 1 (3.05 below); the
     * Rng then advances past the words read (rounded up to a block). The transform runs in
     * float64 on both backends (not natively), so samples are identical. rate may be a
     * Float32Array of length n; a tiny shape underflows to 0 in float32.
     * @param n How many draws.
     * @param params `shape` (required, > 0) and `rate` (default 1, > 0; a number or a Float32Array of length n).
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example
     * lk.sample.gamma(3, { shape: 2, rate: 1 }, { seed: 1 })
     */
    gamma(n: number, params: { shape: number; rate?: Param }, opts?: SampleOptions): Float32Array {
      const { out, rng } = samplerArgs('sample.gamma', n, opts);
      const p = paramsOf(params, 'sample.gamma', optionKeys<{ shape: number; rate: Param }>({ shape: true, rate: true }));
      const shape = positive(p.shape, 'sample.gamma: params.shape');
      const rate = param(p.rate, 1, n, 'sample.gamma: params.rate', positive);
      gammaStd(shape, n, rng, (i, g) => { out[i] = g / at(rate, i); });
      return out;
    },
    /**
     * InverseGamma(shape, scale) = 1/X, X ~ Gamma(shape, rate = scale), i.e. scale / Gamma(shape):
     * the words of sample.gamma. scale may be a Float32Array of length n.
     * @param n How many draws.
     * @param params `shape` (required, > 0) and `scale` (default 1, > 0; a number or a Float32Array of length n).
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example
     * lk.sample.inverseGamma(3, { shape: 3 }, { seed: 1 })
     */
    inverseGamma(n: number, params: { shape: number; scale?: Param }, opts?: SampleOptions): Float32Array {
      const { out, rng } = samplerArgs('sample.inverseGamma', n, opts);
      const p = paramsOf(params, 'sample.inverseGamma', optionKeys<{ shape: number; scale: Param }>({ shape: true, scale: true }));
      const shape = positive(p.shape, 'sample.inverseGamma: params.shape');
      const scale = param(p.scale, 1, n, 'sample.inverseGamma: params.scale', positive);
      gammaStd(shape, n, rng, (i, g) => { out[i] = at(scale, i) / g; });
      return out;
    },
  };

  return { gumbel, truncatedGumbel, sampleCategorical, gumbelSoftmax, gumbelTopK, sample };
}
