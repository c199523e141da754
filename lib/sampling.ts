// Public Gumbel machinery and samplers built on Rng streams (README, "Randomness"; the
// Gumbel-max trick of Gumbel (1954) and Maddison et al. (2014); the reparameterisation table
// of Kingma & Welling (2014)).
//
// Every function takes one word of its Rng's Philox stream per uniform it needs, in row-major
// order of its output, and starts on a fresh block; the Rng advances when the call is made.
// Gumbel noise uses the whole word: with u = (w + ½)·2⁻³², E = −log u for w < 2³¹, else
// E = −log1p(−(2³² − w − ½)·2⁻³²), and G = −log E (−3.13 … 22.87, never ±Infinity or NaN).
import type { Kernels } from './kernels/index.js';
import { freshF32, freshI32 } from './alloc.js';
import { rangeError, typeError } from './errors.js';
import { isRng, reserve, rngFrom, type Rng, type StreamStart } from './rng.js';
import { wordToNormal } from './words.js';
import { SAMPLE_KIND } from './kernels/sampling.js';
import { bool, describe, f32, finite, integer, inverseTemperature, isDetached, nonNegative, number, optionKeys, options, outF32, outI32, positive, rowsOf, type OptionKeys } from './validate.js';


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
  /** Samples from softmax(logits / temperature) (default 1). A number in [2⁻¹²⁶, 2¹²⁶], as softmax's. */
  temperature?: number;
  /** Output buffer of length rows. */
  out?: Int32Array;
}

export interface GumbelSoftmaxOptions extends RowRandomOptions {
  /** Relaxation temperature τ (default 1). A number in [2⁻¹²⁶, 2¹²⁶], as softmax's temperature. */
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
const RATE = optionKeys<{ rate: Param }>({ rate: true });
const NO_PARAMS = optionKeys<Record<string, never>>({});

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
    return () => ({ s: reserve(rng, rows * cols, fn), perRow: null });
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
      const s = reserve(rngs[r] as Rng, cols, fn, `options.rngs[${r}]`);
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

const MVN_KEYS = optionKeys<{ mean: Float32Array; scaleTril: Float32Array }>({ mean: true, scaleTril: true });

export function createSamplingApi(k: Kernels) {
  const kernels = k; // for gumbelTopK, whose parameter `k` (draws per row) shadows it
  /** Validates the arguments of `gumbel` / `gumbelAsync`, reserves their n words and returns the kernel arguments. */
  function gumbelArgs(fn: string, n: unknown, opts: unknown) {
    integer(n, `${fn}: n`, 0);
    const o = options(opts, `${fn}: options`, GUMBEL_OPTIONS);
    const loc = o.loc === undefined ? 0 : finite(o.loc, `${fn}: options.loc`);
    const scale = o.scale === undefined ? 1 : positive(o.scale, `${fn}: options.scale`);
    const rng = rngFrom(o, fn); // checked before the output is allocated
    const out = outF32(o.out, n as number, `${fn}: options.out`);
    const s = reserve(rng, n as number, fn);
    return [out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, loc, scale] as const;
  }

  /**
   * n draws of Gumbel(loc, scale) = loc + scale·G, G = −log(−log u), from the full-word
   * transform (README, "Randomness"): one word per draw, tails −3.13 … 22.87, never ±Infinity or NaN.
   * @param n How many draws (an integer ≥ 0).
   * @param opts `rng` or `seed` (one of them), `loc` (default 0), `scale` (default 1, > 0), `out` (length n).
   * @example gumbel(4, { seed: 42 })
   */
  function gumbel(n: number, opts?: GumbelOptions): Float32Array {
    return k.sampleGumbel(...gumbelArgs('gumbel', n, opts));
  }

  /**
   * `gumbel` off the JS thread. The Rng advances when it is called (concurrent calls sharing one
   * Rng stay deterministic); `out` is written when it completes (see `softmaxAsync`).
   * @param n How many draws (an integer ≥ 0).
   * @param opts As for `gumbel`: `rng` or `seed` (one of them), `loc`, `scale`, `out` (length n).
   * @example await gumbelAsync(1 << 20, { seed: 42 })
   */
  async function gumbelAsync(n: number, opts?: GumbelOptions): Promise<Float32Array> {
    return k.sampleGumbelAsync(...gumbelArgs('gumbelAsync', n, opts));
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
    return k.truncatedGumbel(...truncatedArgs('truncatedGumbel', loc, T, opts));
  }

  /**
   * `truncatedGumbel` off the JS thread (Rng and buffers as for `gumbelAsync`).
   * @param loc The location of each sample.
   * @param T The truncation point: a number, or one per element (loc.length).
   * @param opts As for `truncatedGumbel`: `rng` or `seed`, and `out` (loc.length; may be `loc`).
   * @example await truncatedGumbelAsync(new Float32Array([0, 5]), 1, { seed: 7 })
   */
  async function truncatedGumbelAsync(loc: Float32Array, T: number | Float32Array, opts?: TruncatedGumbelOptions): Promise<Float32Array> {
    return k.truncatedGumbelAsync(...truncatedArgs('truncatedGumbelAsync', loc, T, opts));
  }

  /** Validates the arguments of `truncatedGumbel` / `truncatedGumbelAsync` and reserves their words. */
  function truncatedArgs(fn: string, loc: unknown, T: unknown, opts: unknown) {
    const la = f32(loc, `${fn}: loc`);
    let t = 0;
    let tArr: Float32Array | null = null;
    if (typeof T === 'number') {
      if (Number.isNaN(T) || T === -Infinity) throw rangeError(`${fn}: T = ${T} is out of range: expected a number > -Infinity`);
      t = T;
    } else if (T instanceof Float32Array) {
      tArr = f32(T, `${fn}: T`);
      if (tArr.length !== la.length) throw rangeError(`${fn}: T.length = ${tArr.length} is out of range: expected loc.length = ${la.length}`);
    } else {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: T must be a number or a Float32Array, received ${describe(T)}`);
    }
    const o = options(opts, `${fn}: options`, TRUNCATED_OPTIONS);
    const rng = rngFrom(o, fn); // checked before the output is allocated
    const out = outF32(o.out, la.length, `${fn}: options.out`, tArr ? [la, tArr] : [la]);
    const s = reserve(rng, la.length, fn);
    return [la, t, tArr, out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3] as const;
  }

  /** Validates the arguments of `sampleCategorical` / `sampleCategoricalAsync` and reserves their words. */
  function categoricalArgs(fn: string, logits: unknown, cols: number, opts: unknown) {
    const x = f32(logits, `${fn}: logits`);
    const { rows } = rowsOf(x, cols, `${fn}: logits`);
    const o = options(opts, `${fn}: options`, CATEGORICAL_OPTIONS);
    const invT = inverseTemperature(o.temperature, `${fn}: options.temperature`);
    const streams = rowStreams(o, rows, cols, fn); // checked before allocating
    const out = outI32(o.out, rows, `${fn}: options.out`);
    const { s, perRow } = streams();
    return [x, cols, invT, out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, perRow] as const;
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
    return k.sampleCategorical(...categoricalArgs('sampleCategorical', logits, cols, opts));
  }

  /**
   * `sampleCategorical` off the JS thread. The Rng (or each of `rngs`) advances when it is
   * called, so the draws equal the sync call's; `out` is written when it completes (see
   * `softmaxAsync`).
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length (number of classes); `logits.length` must be a multiple of it.
   * @param opts As for `sampleCategorical`: `rng`, `seed` or `rngs`, `temperature`, `out` (an Int32Array(rows)).
   * @example const next = await sampleCategoricalAsync(logits, 50257, { rng })
   */
  async function sampleCategoricalAsync(logits: Float32Array, cols: number, opts?: CategoricalOptions): Promise<Int32Array> {
    return k.sampleCategoricalAsync(...categoricalArgs('sampleCategoricalAsync', logits, cols, opts));
  }

  /** Validates the arguments of `gumbelSoftmax` / `gumbelSoftmaxAsync`, allocates y and index, and reserves their words. */
  function gumbelSoftmaxArgs(fn: string, logits: unknown, cols: number, opts: unknown) {
    const x = f32(logits, `${fn}: logits`);
    const { rows } = rowsOf(x, cols, `${fn}: logits`);
    const o = options(opts, `${fn}: options`, GUMBEL_SOFTMAX_OPTIONS);
    const invTau = inverseTemperature(o.tau, `${fn}: options.tau`);
    const hard = bool(o.hard, `${fn}: options.hard`, false);
    const streams = rowStreams(o, rows, cols, fn); // checked before allocating
    const y = outF32(o.out, x.length, `${fn}: options.out`, [x]);
    const index = outI32(undefined, rows, `${fn}: index`);
    const { s, perRow } = streams();
    return [x, cols, invTau, hard, y, index, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, perRow] as const;
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
    const a = gumbelSoftmaxArgs('gumbelSoftmax', logits, cols, opts);
    k.gumbelSoftmax(...a);
    return { y: a[4], index: a[5] };
  }

  /**
   * `gumbelSoftmax` off the JS thread (Rng and buffers as for `sampleCategoricalAsync`).
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length (number of classes); `logits.length` must be a multiple of it.
   * @param opts As for `gumbelSoftmax`: `rng`, `seed` or `rngs`, `tau`, `hard`, `out` for y.
   * @example const { y, index } = await gumbelSoftmaxAsync(logits, 10, { tau: 0.5, seed: 3 })
   */
  async function gumbelSoftmaxAsync(logits: Float32Array, cols: number, opts?: GumbelSoftmaxOptions): Promise<GumbelSoftmaxResult> {
    const a = gumbelSoftmaxArgs('gumbelSoftmaxAsync', logits, cols, opts);
    await k.gumbelSoftmaxAsync(...a);
    return { y: a[4], index: a[5] };
  }

  /** Validates the arguments of `gumbelTopK` / `gumbelTopKAsync`, allocates the outputs and reserves their words. */
  function gumbelTopKArgs(fn: string, logits: unknown, cols: number, kk: unknown, opts: unknown) {
    const x = f32(logits, `${fn}: logits`);
    const { rows } = rowsOf(x, cols, `${fn}: logits`);
    integer(kk, `${fn}: k`, 0, cols);
    const o = options(opts, `${fn}: options`, GUMBEL_TOPK_OPTIONS);
    const n = rows * (kk as number);
    const streams = rowStreams(o, rows, cols, fn); // checked before allocating
    const indices = outI32(undefined, n, `${fn}: indices`);
    const perturbed = outF32(undefined, n, `${fn}: perturbed`);
    const { s, perRow } = streams();
    return [x, cols, kk as number, indices, perturbed, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, perRow] as const;
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
    const a = gumbelTopKArgs('gumbelTopK', logits, cols, k, opts);
    kernels.gumbelTopK(...a);
    return { indices: a[3], perturbed: a[4] };
  }

  /**
   * `gumbelTopK` off the JS thread (Rng and buffers as for `sampleCategoricalAsync`).
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length (number of classes); `logits.length` must be a multiple of it.
   * @param k Draws per row, 0 ≤ k ≤ cols.
   * @param opts As for `gumbelTopK`: `rng`, `seed` or `rngs` (one Rng per row).
   * @example const { indices, perturbed } = await gumbelTopKAsync(logits, 50257, 16, { seed: 5 })
   */
  async function gumbelTopKAsync(logits: Float32Array, cols: number, k: number, opts?: GumbelTopKOptions): Promise<GumbelTopKResult> {
    const a = gumbelTopKArgs('gumbelTopKAsync', logits, cols, k, opts);
    await kernels.gumbelTopKAsync(...a);
    return { indices: a[3], perturbed: a[4] };
  }

  // --- the reparameterisation table (lk.sample) -------------------------------------------------

  /**
   * Common checks of a sampler: n, options, options.out and the Rng (nothing reserved yet).
   * `out()` returns options.out or allocates the output: called after the sampler's params are
   * checked, so bad input allocates nothing.
   */
  function samplerArgs(fn: string, n: unknown, opts: unknown) {
    integer(n, `${fn}: n`, 0);
    const o = options(opts, `${fn}: options`, SAMPLE_OPTIONS);
    const rng = rngFrom(o, fn);
    const given = o.out === undefined ? undefined : outF32(o.out, n as number, `${fn}: options.out`);
    return { out: () => given ?? outF32(undefined, n as number, `${fn}: options.out`), rng };
  }

  function paramsOf<T extends object>(v: unknown, fn: string, keys: OptionKeys<T>): Partial<T> {
    return options(v, `${fn}: params`, keys);
  }

  /** A table sampler's kernel arguments: out[i] = a_i + b_i·X(word i) (see SamplingKernels.sampleMap), one word per draw. */
  function mapped(kind: number, n: number, a: Param, b: Param, rng: Rng, out: Float32Array, fn: string) {
    const s = reserve(rng, n, fn);
    const [aArr, av] = typeof a === 'number' ? [null, a] : [a, 0];
    const [bArr, bv] = typeof b === 'number' ? [null, b] : [b, 1];
    return [kind, out, aArr, av, bArr, bv, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3] as const;
  }

  // Each table sampler's validation, shared by its sync and async forms (fn names the caller).
  type Prep<P> = (fn: string, n: number, params: P | undefined, opts: SampleOptions | undefined) => ReturnType<typeof mapped>;
  const normalPrep: Prep<{ mean?: Param; std?: Param }> = (fn, n, params, opts) => {
    const { out, rng } = samplerArgs(fn, n, opts);
    const p = paramsOf(params, fn, MEAN_STD);
    const mean = param(p.mean, 0, n, `${fn}: params.mean`, finite);
    const std = param(p.std, 1, n, `${fn}: params.std`, nonNegative);
    return mapped(SAMPLE_KIND.normal, n, mean, std, rng, out(), fn);
  };
  const exponentialPrep: Prep<{ rate?: Param }> = (fn, n, params, opts) => {
    const { out, rng } = samplerArgs(fn, n, opts);
    const p = paramsOf(params, fn, RATE);
    const rate = param(p.rate, 1, n, `${fn}: params.rate`, positive);
    return mapped(SAMPLE_KIND.exponential, n, 0, rate, rng, out(), fn);
  };
  const locScalePrep = (kind: number): Prep<{ loc?: Param; scale?: Param }> => (fn, n, params, opts) => {
    const { out, rng } = samplerArgs(fn, n, opts);
    const p = paramsOf(params, fn, LOC_SCALE);
    const loc = param(p.loc, 0, n, `${fn}: params.loc`, finite);
    const scale = param(p.scale, 1, n, `${fn}: params.scale`, positive);
    return mapped(kind, n, loc, scale, rng, out(), fn);
  };
  const laplacePrep = locScalePrep(SAMPLE_KIND.laplace);
  const cauchyPrep = locScalePrep(SAMPLE_KIND.cauchy);
  const logNormalPrep: Prep<{ mean?: Param; std?: Param }> = (fn, n, params, opts) => {
    const { out, rng } = samplerArgs(fn, n, opts);
    const p = paramsOf(params, fn, MEAN_STD);
    const mean = param(p.mean, 0, n, `${fn}: params.mean`, finite);
    const std = param(p.std, 1, n, `${fn}: params.std`, nonNegative);
    return mapped(SAMPLE_KIND.logNormal, n, mean, std, rng, out(), fn);
  };
  const rademacherPrep: Prep<Record<string, never>> = (fn, n, params, opts) => {
    const { out, rng } = samplerArgs(fn, n, opts);
    paramsOf(params, fn, NO_PARAMS);
    return mapped(SAMPLE_KIND.rademacher, n, 0, 1, rng, out(), fn);
  };

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
      return k.sampleMap(...normalPrep('sample.normal', n, params, opts));
    },
    /**
     * Exponential(rate) = E / rate, E the full-word Exp(1) of the README (one word per draw,
     * 1.2e-10 ≤ E ≤ 22.2). rate may be a Float32Array of length n.
     * @param n How many draws.
     * @param params `rate` (default 1, > 0): a number or a Float32Array of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example
     * lk.sample.exponential(3, { rate: 2 }, { seed: 1 })
     */
    exponential(n: number, params?: { rate?: Param }, opts?: SampleOptions): Float32Array {
      return k.sampleMap(...exponentialPrep('sample.exponential', n, params, opts));
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
      return k.sampleMap(...laplacePrep('sample.laplace', n, params, opts));
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
      return k.sampleMap(...cauchyPrep('sample.cauchy', n, params, opts));
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
      return k.sampleMap(...logNormalPrep('sample.logNormal', n, params, opts));
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
      return k.sampleMap(...rademacherPrep('sample.rademacher', n, params, opts));
    },
    /**
     * `sample.normal` off the JS thread: the Rng advances when it is called (the draws equal the
     * sync call's), `out` is written when it completes (see `softmaxAsync`). Every table
     * sampler has this form: normalAsync, exponentialAsync, laplaceAsync, cauchyAsync,
     * logNormalAsync, rademacherAsync.
     * @param n How many draws.
     * @param params As for `sample.normal`: `mean` (default 0) and `std` (default 1, ≥ 0): numbers or Float32Arrays of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example const eps = await sample.normalAsync(1 << 20, {}, { rng })
     */
    async normalAsync(n: number, params?: { mean?: Param; std?: Param }, opts?: SampleOptions): Promise<Float32Array> {
      return k.sampleMapAsync(...normalPrep('sample.normalAsync', n, params, opts));
    },
    /**
     * `sample.exponential` off the JS thread (see `sample.normalAsync`).
     * @param n How many draws.
     * @param params `rate` (default 1, > 0): a number or a Float32Array of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example await sample.exponentialAsync(3, { rate: 2 }, { seed: 1 })
     */
    async exponentialAsync(n: number, params?: { rate?: Param }, opts?: SampleOptions): Promise<Float32Array> {
      return k.sampleMapAsync(...exponentialPrep('sample.exponentialAsync', n, params, opts));
    },
    /**
     * `sample.laplace` off the JS thread (see `sample.normalAsync`).
     * @param n How many draws.
     * @param params `loc` (default 0) and `scale` (default 1, > 0): numbers or Float32Arrays of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example await sample.laplaceAsync(3, { loc: 0, scale: 0.5 }, { seed: 1 })
     */
    async laplaceAsync(n: number, params?: { loc?: Param; scale?: Param }, opts?: SampleOptions): Promise<Float32Array> {
      return k.sampleMapAsync(...laplacePrep('sample.laplaceAsync', n, params, opts));
    },
    /**
     * `sample.cauchy` off the JS thread (see `sample.normalAsync`).
     * @param n How many draws.
     * @param params `loc` (default 0) and `scale` (default 1, > 0): numbers or Float32Arrays of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example await sample.cauchyAsync(3, {}, { seed: 1 })
     */
    async cauchyAsync(n: number, params?: { loc?: Param; scale?: Param }, opts?: SampleOptions): Promise<Float32Array> {
      return k.sampleMapAsync(...cauchyPrep('sample.cauchyAsync', n, params, opts));
    },
    /**
     * `sample.logNormal` off the JS thread (see `sample.normalAsync`).
     * @param n How many draws.
     * @param params `mean` (default 0) and `std` (default 1) of the underlying normal: numbers or Float32Arrays of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example await sample.logNormalAsync(3, { mean: 0, std: 0.25 }, { seed: 1 })
     */
    async logNormalAsync(n: number, params?: { mean?: Param; std?: Param }, opts?: SampleOptions): Promise<Float32Array> {
      return k.sampleMapAsync(...logNormalPrep('sample.logNormalAsync', n, params, opts));
    },
    /**
     * `sample.rademacher` off the JS thread (see `sample.normalAsync`).
     * @param n How many draws.
     * @param params None: pass `{}` (or undefined).
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example await sample.rademacherAsync(8, {}, { seed: 1 }) // ±1 each
     */
    async rademacherAsync(n: number, params?: Record<string, never>, opts?: SampleOptions): Promise<Float32Array> {
      return k.sampleMapAsync(...rademacherPrep('sample.rademacherAsync', n, params, opts));
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
      const y = out();
      gammaStd(shape, n, rng, (i, g) => { y[i] = g / at(rate, i); });
      return y;
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
      const y = out();
      gammaStd(shape, n, rng, (i, g) => { y[i] = at(scale, i) / g; });
      return y;
    },
    /**
     * Gumbel(loc, scale) = loc + scale·G, G = −log(−log u) (the lecture's g(ε, θ) with ε ~ U(0, 1)),
     * the words and transform of `gumbel` (one word per draw, G in −3.13 … 22.87). loc / scale may
     * be Float32Arrays of length n (then loc_i + scale_i·G_i is formed in float64 and rounded once).
     * @param n How many draws.
     * @param params `loc` (default 0) and `scale` (default 1, > 0): numbers or Float32Arrays of length n.
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example sample.gumbel(1000, { loc: 0, scale: 2 }, { seed: 1 })
     */
    gumbel(n: number, params?: { loc?: Param; scale?: Param }, opts?: SampleOptions): Float32Array {
      const { out: fresh, rng } = samplerArgs('sample.gumbel', n, opts);
      const p = paramsOf(params, 'sample.gumbel', LOC_SCALE);
      const loc = param(p.loc, 0, n, 'sample.gumbel: params.loc', finite);
      const scale = param(p.scale, 1, n, 'sample.gumbel: params.scale', positive);
      const out = fresh(); // after the params are checked: bad input allocates nothing
      const s = rng.reserve(n);
      if (typeof loc === 'number' && typeof scale === 'number') {
        return k.sampleGumbel(out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, loc, scale);
      }
      const g = k.sampleGumbel(new Float32Array(n), s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, 0, 1);
      for (let i = 0; i < n; i++) out[i] = at(loc, i) + at(scale, i) * g[i];
      return out;
    },
    /**
     * n draws of the d-dimensional Normal(mean, R·Rᵀ) as mean + R·ε, ε ~ N(0, I_d) (the
     * lecture's reparameterisation of a full-covariance Gaussian): R = params.scaleTril, a
     * Float32Array(d·d), row-major lower triangular (entries above the diagonal must be 0, the
     * diagonal > 0, all finite: a Cholesky factor, as PyTorch's scale_tril). Returns n·d floats,
     * draw i in out[i·d … i·d + d − 1]; ε are the words of sample.normal (n·d words, draw-major),
     * the product is formed in float64 and rounded once. mean defaults to 0.
     * @param n How many draws (vectors) to make.
     * @param params `scaleTril` (required: the d × d lower-triangular factor R, row-major) and `mean` (default 0; a finite Float32Array(d)).
     * @param opts `rng` or `seed`, and `out` (length n·d; must not share memory with params).
     * @example sample.multivariateNormal(100, { mean: new Float32Array([0, 1]), scaleTril: new Float32Array([1, 0, 0.5, 2]) }, { seed: 3 })
     */
    multivariateNormal(n: number, params: { mean?: Float32Array; scaleTril: Float32Array }, opts?: SampleOptions): Float32Array {
      const fn = 'sample.multivariateNormal';
      integer(n, `${fn}: n`, 0);
      const p = paramsOf(params, fn, MVN_KEYS);
      const R = f32(p.scaleTril, `${fn}: params.scaleTril`);
      const d = Math.round(Math.sqrt(R.length));
      if (d < 1 || d * d !== R.length) throw rangeError(`${fn}: params.scaleTril.length = ${R.length} is out of range: expected d·d for a dimension d ≥ 1`);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          const v = R[i * d + j];
          if (!Number.isFinite(v)) throw rangeError(`${fn}: params.scaleTril[${i * d + j}] = ${v} is out of range: expected a finite number`);
          if (j > i && v !== 0) throw rangeError(`${fn}: params.scaleTril[${i * d + j}] = ${v} is above the diagonal: expected 0 (row-major lower triangular)`);
          if (j === i && !(v > 0)) throw rangeError(`${fn}: params.scaleTril[${i * d + j}] = ${v} is on the diagonal: expected a number > 0`);
        }
      }
      const mean = p.mean === undefined ? new Float32Array(d) : f32(p.mean, `${fn}: params.mean`);
      if (mean.length !== d) throw rangeError(`${fn}: params.mean.length = ${mean.length} is out of range: expected d = ${d}`);
      for (let i = 0; i < d; i++) {
        if (!Number.isFinite(mean[i])) throw rangeError(`${fn}: params.mean[${i}] = ${mean[i]} is out of range: expected a finite number`);
      }
      const o = options(opts, `${fn}: options`, SAMPLE_OPTIONS);
      const rng = rngFrom(o, fn); // checked before the output is allocated
      const out = outF32(o.out, n * d, `${fn}: options.out`, [R, mean]);
      const shares = (a: ArrayBufferView, b: ArrayBufferView) =>
        a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
      if (o.out !== undefined && (shares(out, R) || shares(out, mean))) throw rangeError(`${fn}: options.out overlaps params: it must be a separate buffer`);
      const eps = k.sampleMap(...mapped(SAMPLE_KIND.normal, n * d, 0, 1, rng, new Float32Array(n * d), fn));
      for (let s = 0; s < n; s++) {
        const e = s * d;
        for (let i = 0; i < d; i++) {
          let v = mean[i];
          for (let j = 0; j <= i; j++) v += R[i * d + j] * eps[e + j];
          out[e + i] = v;
        }
      }
      return out;
    },
    /**
     * `sample.gamma` as a promise. Rejection sampling reads a data-dependent number of words, so
     * the Rng's advance is only known once the draws are made: this runs on the calling thread
     * during the call (the transform is TypeScript on both backends) and settles on a later
     * microtask. It exists so that code can treat every sampler alike; it does not free the
     * JS thread.
     * @param n How many draws.
     * @param params As for `sample.gamma`: `shape` (required, > 0) and `rate` (default 1, > 0; a number or a Float32Array of length n).
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example await sample.gammaAsync(3, { shape: 2, rate: 1 }, { seed: 1 })
     */
    async gammaAsync(n: number, params: { shape: number; rate?: Param }, opts?: SampleOptions): Promise<Float32Array> {
      return sample.gamma(n, params, opts);
    },
    /**
     * `sample.inverseGamma` as a promise: on the calling thread, like `sample.gammaAsync`.
     * @param n How many draws.
     * @param params As for `sample.inverseGamma`: `shape` (required, > 0) and `scale` (default 1, > 0; a number or a Float32Array of length n).
     * @param opts `rng` or `seed`, and `out` (length n).
     * @example await sample.inverseGammaAsync(3, { shape: 3 }, { seed: 1 })
     */
    async inverseGammaAsync(n: number, params: { shape: number; scale?: Param }, opts?: SampleOptions): Promise<Float32Array> {
      return sample.inverseGamma(n, params, opts);
    },
  };

  return {
    gumbel, gumbelAsync, truncatedGumbel, truncatedGumbelAsync, sampleCategorical, sampleCategoricalAsync,
    gumbelSoftmax, gumbelSoftmaxAsync, gumbelTopK, gumbelTopKAsync, sample,
  };
}
