// Stochastic beam search (Kool, van Hoof and Welling, "Stochastic Beams and Where to Find Them:
// The Gumbel-Top-k Trick for Sampling Sequences Without Replacement", ICML 2019), plain beam
// search, and the estimators that use the sampled set.
//
// The orchestration is here: one model call per step for all live prefixes, finished sequences,
// the threshold. The row work of a step (optional log-softmax, the Gumbel draws and the
// truncated-Gumbel shift, the selection over beams × vocab) is the kernel `beamStep`
// (native/kernels/beam_impl.inc, lib/reference/beam.ts).
//
// Why the result is an exact sample without replacement: give every complete sequence y an
// independent G_y ~ Gumbel(log p(y)); the k largest G_y are a sample without replacement
// (Gumbel-top-k). The value of a prefix S is the maximum of G_y over the sequences below it,
// which is Gumbel(log p(S)); its children's values are drawn top-down as Gumbels conditioned
// on their maximum being the parent's value (the truncated-Gumbel shift), so the k best
// frontier nodes always contain the k best sequences, and the search keeps only those.
import type { Kernels } from './kernels/index.js';
import { rangeError, typeError } from './errors.js';
import { rngFrom, type Rng } from './rng.js';
import { wordToGumbel } from './reference/philox.js';
import { bool, describe, integer, number, options, optionKeys } from './validate.js';

/** Next-token log-probabilities of each prefix: prefixes.length rows × vocab, row-major. */
export type LogProbsFn = (prefixes: Int32Array[]) => Float32Array | Promise<Float32Array>;

export interface BeamSearchOptions {
  /** Number of sequences to return (beams), an integer ≥ 1. */
  k: number;
  /** Most tokens generated per sequence (the start prefix not counted), an integer ≥ 1. */
  maxLength: number;
  /** The prefix every sequence starts from: one token or a sequence of tokens (may be empty). */
  start: number | ArrayLike<number>;
  /** End-of-sequence token: a sequence that emits it is complete (eos included). */
  eos?: number;
  /** The model: next-token log-probabilities for all live prefixes at once. */
  logProbs: LogProbsFn;
  /** Apply a log-softmax to each returned row first (for models that return logits). Default false. */
  normalize?: boolean;
  /** The expected vocabulary size; when absent it is read from the first model call. */
  vocab?: number;
  /** Stops the search between steps: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

export interface StochasticBeamSearchOptions extends BeamSearchOptions {
  rng?: Rng;
  seed?: number | bigint;
}

export interface BeamSearchResult {
  /** The generated tokens of each sequence (without the start prefix), best first. */
  sequences: Int32Array[];
  /** log p(sequence) of each, in float64. */
  logProbs: Float64Array;
  /** The perturbed log-probability G of each (beamSearch: the log-probability), decreasing. */
  perturbed: Float64Array;
  /**
   * κ: the largest value the search discarded. For stochasticBeamSearch it is the (k+1)-th
   * largest perturbed value over all sequences (−Infinity when at most k exist); for
   * beamSearch an upper bound on the log-probability of every sequence not returned.
   */
  threshold: number;
  /** Model calls made (one per step). */
  steps: number;
}

export interface SbsEstimate {
  /** Σᵢ wᵢ f(yᵢ), wᵢ = p(yᵢ)/q(yᵢ): unbiased for E_p[f]. */
  estimate: number;
  /** Σᵢ wᵢ f(yᵢ) / Σᵢ wᵢ: biased but consistent, often of lower variance. */
  normalized: number;
  /** The importance weights wᵢ = p(yᵢ) / (1 − exp(−exp(log p(yᵢ) − κ))). */
  weights: Float64Array;
}

type Node = { prefix: Int32Array; logp: number; g: number; len: number };
type Fin = { prefix: Int32Array; logp: number; g: number };

/** log(1 − e^a) for a ≤ 0 (Mächler 2012). */
function log1mexp(a: number): number {
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

const BEAM_KEYS = {
  k: true, maxLength: true, start: true, eos: true, logProbs: true, normalize: true, vocab: true, signal: true,
} as const;
const BEAM_OPTIONS = optionKeys<BeamSearchOptions>(BEAM_KEYS);
const SBS_OPTIONS = optionKeys<StochasticBeamSearchOptions>({ ...BEAM_KEYS, rng: true, seed: true }, [['rng', 'seed']]);
const RESULT_KEYS = optionKeys<BeamSearchResult>({ sequences: true, logProbs: true, perturbed: true, threshold: true, steps: true });

export function createBeamApi(k: Kernels) {
  /** Validated options shared by both searches. */
  function args(fn: string, opts: unknown) {
    const o = options<StochasticBeamSearchOptions>(opts, `${fn}: options`, fn === 'beamSearch' ? BEAM_OPTIONS : SBS_OPTIONS);
    const kk = integer(o.k, `${fn}: options.k`, 1, 2 ** 30);
    const maxLength = integer(o.maxLength, `${fn}: options.maxLength`, 1, 2 ** 32 - 1);
    let start: Int32Array;
    if (typeof o.start === 'number') {
      start = Int32Array.of(integer(o.start, `${fn}: options.start`, 0, 2 ** 31 - 1));
    } else if (o.start !== null && typeof o.start === 'object' && typeof (o.start as ArrayLike<number>).length === 'number') {
      const s = o.start as ArrayLike<number>;
      start = new Int32Array(s.length);
      for (let i = 0; i < s.length; i++) start[i] = integer(s[i], `${fn}: options.start[${i}]`, 0, 2 ** 31 - 1);
    } else {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.start must be a token or an array of tokens, received ${describe(o.start)}`);
    }
    const eos = o.eos === undefined ? -1 : integer(o.eos, `${fn}: options.eos`, 0, 2 ** 31 - 1);
    if (typeof o.logProbs !== 'function') {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.logProbs must be a function, received ${describe(o.logProbs)}`);
    }
    const normalize = bool(o.normalize, `${fn}: options.normalize`, false);
    const vocab = o.vocab === undefined ? 0 : integer(o.vocab, `${fn}: options.vocab`, 1, 2 ** 31 - 1);
    const signal = o.signal;
    if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.signal must be an AbortSignal, received ${describe(signal)}`);
    }
    return { o, kk, maxLength, start, eos, logProbs: o.logProbs as LogProbsFn, normalize, vocab, signal };
  }

  type Args = ReturnType<typeof args>;

  /** The search loop; `key` null means no noise (beam search), else the private Philox key and the root's value. */
  async function search(fn: string, a: Args, key: [number, number] | null, root: number): Promise<BeamSearchResult> {
    const { kk, maxLength, start, eos, logProbs, normalize, signal } = a;
    let vocab = a.vocab;
    // The step keeps the k + 1 best children (fewer when fewer exist: a huge k allocates nothing
    // it cannot fill).
    let outParent = new Int32Array(0), outToken = new Int32Array(0), outLogp = new Float64Array(0), outValue = new Float64Array(0);
    let live: Node[] = [{ prefix: start, logp: 0, g: root, len: 0 }];
    let fin: Fin[] = [];
    let kappa = -Infinity;
    let steps = 0;
    for (let t = 0; t < maxLength && live.length > 0; t++) {
      if (signal?.aborted) throw abortReason(signal);
      let rows = logProbs(live.map((n) => n.prefix));
      if (rows !== null && typeof rows === 'object' && typeof (rows as Promise<Float32Array>).then === 'function') rows = await rows;
      steps++;
      if (signal?.aborted) throw abortReason(signal);
      if (!(rows instanceof Float32Array)) {
        throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: logProbs must return a Float32Array (prefixes × vocab), received ${describe(rows)}`);
      }
      const x = rows as Float32Array;
      if (vocab === 0) {
        if (x.length === 0 || x.length % live.length !== 0) {
          throw rangeError(`${fn}: logProbs returned ${x.length} values for ${live.length} prefixes: expected a positive multiple of ${live.length} (prefixes × vocab)`);
        }
        vocab = x.length / live.length;
      } else if (x.length !== live.length * vocab) {
        throw rangeError(`${fn}: logProbs returned ${x.length} values for ${live.length} prefixes: expected ${live.length} × vocab = ${live.length * vocab}`);
      }
      if (eos >= vocab) throw rangeError(`${fn}: options.eos = ${eos} is out of range [0, ${vocab})`);
      const plp = Float64Array.from(live, (n) => n.logp);
      const pg = key ? Float64Array.from(live, (n) => n.g) : null;
      const cap = Math.min(kk + 1, live.length * vocab);
      if (outParent.length < cap) {
        outParent = new Int32Array(cap); outToken = new Int32Array(cap); outLogp = new Float64Array(cap); outValue = new Float64Array(cap);
      }
      const n = k.beamStep(x, vocab, plp, pg, normalize, key ? key[0] : 0, key ? key[1] : 0, t, cap, outParent, outToken, outLogp, outValue);
      if (n < 0) {
        const bad = -1 - n, r = Math.floor(bad / vocab), j = bad % vocab;
        throw rangeError(`${fn}: logProbs returned ${x[bad]} for prefix ${r}, token ${j}: expected log-probabilities (finite or -Infinity)`);
      }
      // Merge the finished sequences (best first) with the new children (best first): the first
      // k survive; the (k+1)-th is the best of what is discarded now. Ties: finished first.
      const nextFin: Fin[] = [], nextLive: Node[] = [];
      let i = 0, j = 0, kept = 0;
      while (kept <= kk && (i < fin.length || j < n)) {
        const takeFin = i < fin.length && (j >= n || fin[i].g >= outValue[j]);
        const v = takeFin ? fin[i].g : outValue[j];
        if (kept === kk) {
          if (v > kappa) kappa = v;
          break;
        }
        if (takeFin) {
          nextFin.push(fin[i++]);
        } else {
          const p = live[outParent[j]], tok = outToken[j];
          const prefix = new Int32Array(p.prefix.length + 1);
          prefix.set(p.prefix);
          prefix[p.prefix.length] = tok;
          const node = { prefix, logp: outLogp[j], g: outValue[j], len: p.len + 1 };
          if (tok === eos || node.len === maxLength) nextFin.push(node);
          else nextLive.push(node);
          j++;
        }
        kept++;
      }
      fin = nextFin;
      live = nextLive;
    }
    const m = start.length;
    return {
      sequences: fin.map((f) => f.prefix.slice(m)),
      logProbs: Float64Array.from(fin, (f) => f.logp),
      perturbed: Float64Array.from(fin, (f) => f.g),
      threshold: kappa,
      steps,
    };
  }

  /**
   * Stochastic beam search (Kool, van Hoof and Welling 2019): k distinct complete sequences,
   * an exact sample without replacement from the sequence model p(y) = Πₜ p(yₜ | y<ₜ), with
   * one model call per step for all live prefixes (at most k).
   *
   * Each sequence y carries a perturbed log-probability G_y ~ Gumbel(log p(y)), independent
   * across sequences; the result is the k sequences with the largest G_y, in decreasing order
   * (Gumbel-top-k). The search draws them top-down: a prefix's value is Gumbel(log p(prefix));
   * its children get G = φ + Gumbel, φ = log p(child), shifted to have their maximum Z equal the
   * parent's value T: G̃ = −log(e^−T − e^−Z + e^−G), evaluated as T − max(v, 0) − log1p(e^−|v|)
   * with v = T − G + log(1 − e^(G − Z)), so no cancellation and the maximal child gets T
   * exactly. A sequence is complete when it emits `eos` or reaches `maxLength` tokens; complete
   * sequences leave the beam and compete with the live prefixes by value.
   *
   * `threshold` κ is the (k+1)-th largest G_y (−Infinity when at most k sequences exist), the
   * quantity the estimators need: y was sampled with probability q(y) = 1 − exp(−exp(log p(y) − κ))
   * given the others (see inclusionProbability, sbsEstimate).
   *
   * Rows of `logProbs` must be normalised log-probabilities (or pass `normalize: true`); −Infinity
   * masks a token. A prefix whose row is all −Infinity has no continuation and is dropped (a
   * normalised model never produces one). NaN or +Infinity in a row is a RangeError, as is a
   * result of the wrong length.
   *
   * Randomness: the call reserves ONE block (4 words) of the Rng when it is made; its first two
   * words are the key of a private Philox stream, so the Rng advances by the same amount
   * whatever the search does, and concurrent searches sharing an Rng stay deterministic. Draw
   * order in the private stream: the root's value is the Gumbel of word 0 of block (0, 0, 0, 1);
   * at step s (0-based), token j of live prefix b (b in decreasing order of value) uses word
   * j mod 4 of block (⌊j/4⌋, b, s, 0). Every backend and tier draws the same words and
   * computes G, the shift and the log-probabilities in float64, so the native and reference
   * backends return the same sequences and values (with `normalize`, the native row
   * log-sum-exp is accurate to ~1e-7, and so are the log-probabilities it returns).
   *
   * Each step's row work runs on the calling thread (one pass over the live rows × vocab,
   * a few milliseconds at 64 × 50 257); the search yields to the event loop while the model
   * runs.
   *
   * Ties (probability zero with noise; common in beamSearch): a larger value first, then a
   * complete sequence before a new child, then the lower (prefix, token) position.
   *
   * Cancellation: `signal` is checked before each model call and after it resolves; an abort
   * rejects with `signal.reason`. A `logProbs` that throws or rejects rejects the search with
   * its error. Nothing keeps running afterwards.
   * @param opts `k`, `maxLength`, `start`, `logProbs` (the model), and optionally `eos`, `normalize`, `vocab`, `signal`, and `rng` or `seed`.
   * @example
   * const r = await lk.stochasticBeamSearch({ k: 4, maxLength: 20, start: bos, eos, seed: 1,
   *   logProbs: async (prefixes) => model.nextLogProbs(prefixes) });
   * r.sequences; r.logProbs; r.perturbed; r.threshold
   */
  function stochasticBeamSearch(opts: StochasticBeamSearchOptions): Promise<BeamSearchResult> {
    const fn = 'stochasticBeamSearch';
    let a: Args, key: [number, number], root: number;
    try {
      a = args(fn, opts);
      const rng = rngFrom(a.o, fn);
      const s = rng.reserve(4);
      const w = k.philoxUint32(new Uint32Array(4), s.k0, s.k1, s.c0, s.c1, s.c2, s.c3);
      key = [w[0], w[1]];
      const r = k.philoxUint32(new Uint32Array(1), key[0], key[1], 0, 0, 0, 1);
      root = wordToGumbel(r[0]);
    } catch (e) {
      return Promise.reject(e);
    }
    return search(fn, a, key, root);
  }

  /**
   * Beam search: the same machinery without noise. Each step keeps the k best of the complete
   * sequences and the children of the live prefixes by log-probability; the result is the k
   * complete sequences it kept, best first (`perturbed` = `logProbs`). `threshold` is the
   * largest log-probability it discarded, an upper bound on every sequence not returned: when
   * it is below the last returned log-probability the result is provably the exact top k.
   * Options, errors, ties and cancellation as stochasticBeamSearch; no randomness.
   * @param opts `k`, `maxLength`, `start`, `logProbs` (the model), and optionally `eos`, `normalize`, `vocab`, `signal` (no randomness: no `rng` or `seed`).
   * @example
   * const { sequences, logProbs } = await lk.beamSearch({ k: 4, maxLength: 20, start: bos, eos, logProbs: model });
   */
  function beamSearch(opts: BeamSearchOptions): Promise<BeamSearchResult> {
    let a: Args;
    try {
      a = args('beamSearch', opts);
    } catch (e) {
      return Promise.reject(e);
    }
    return search('beamSearch', a, null, 0);
  }

  /**
   * q = 1 − exp(−exp(logProb − κ)): the probability that a sequence of log-probability `logProb`
   * has a perturbed value above κ (Kool et al. 2019, section 4.2), i.e. its inclusion
   * probability given the threshold of the other sequences. Computed as −expm1(−exp(logProb − κ)):
   * no cancellation for tiny arguments (q ≈ p/e^κ) or huge ones (q → 1); κ = −Infinity gives 1.
   * @param logProb log p(y) of a returned sequence.
   * @param threshold κ, the search result's `threshold`.
   * @example inclusionProbability(-3.2, result.threshold)
   */
  function inclusionProbability(logProb: number, threshold: number): number {
    const lp = number(logProb, 'inclusionProbability: logProb');
    const th = number(threshold, 'inclusionProbability: threshold');
    return -Math.expm1(-Math.exp(lp - th));
  }

  /**
   * log q of inclusionProbability, as log(1 − e^(−exp(logProb − κ))) without cancellation
   * (≈ logProb − κ when that is very negative).
   * @param logProb log p(y) of a returned sequence.
   * @param threshold κ, the search result's `threshold`.
   * @example logInclusionProbability(-300, -2) // ≈ -298
   */
  function logInclusionProbability(logProb: number, threshold: number): number {
    const lp = number(logProb, 'logInclusionProbability: logProb');
    const th = number(threshold, 'logInclusionProbability: threshold');
    const d = lp - th;
    if (d !== d) return NaN;
    return d < -700 ? d : log1mexp(-Math.exp(d)) + 0; // + 0: no −0 at κ = −Infinity
  }

  /**
   * The estimators of Kool et al. (2019), section 4.2, from a stochasticBeamSearch result and
   * f(yᵢ) for each returned sequence: with wᵢ = p(yᵢ)/q(yᵢ), q the inclusion probability at the
   * result's threshold κ (computed as exp(log p − log q)),
   * - `estimate` = Σᵢ wᵢ f(yᵢ), unbiased for E_{y~p}[f(y)];
   * - `normalized` = Σᵢ wᵢ f(yᵢ) / Σᵢ wᵢ (NaN when no sequence was returned).
   * When at most k sequences exist (κ = −Infinity) q = 1 and both are exact for a normalised model.
   * @param result A `stochasticBeamSearch` result.
   * @param f f(yᵢ) for each returned sequence, in the result's order.
   * @example const { estimate } = sbsEstimate(result, result.logProbs.map((lp) => -lp)) // entropy
   */
  function sbsEstimate(result: BeamSearchResult, f: ArrayLike<number>): SbsEstimate {
    const r = options<BeamSearchResult>(result, 'sbsEstimate: result', RESULT_KEYS);
    if (!(r.logProbs instanceof Float64Array) || typeof r.threshold !== 'number') {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', 'sbsEstimate: result must be a stochasticBeamSearch result (logProbs: Float64Array, threshold: number)');
    }
    if (f === null || typeof f !== 'object' || typeof f.length !== 'number') {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `sbsEstimate: f must be an array of numbers, received ${describe(f)}`);
    }
    const lps = r.logProbs, th = r.threshold, n = lps.length;
    if (f.length !== n) throw rangeError(`sbsEstimate: f.length = ${f.length} is out of range: expected ${n} (one value per sequence)`);
    const weights = new Float64Array(n);
    let est = 0, sw = 0;
    for (let i = 0; i < n; i++) {
      const d = lps[i] - th;
      const logq = d < -700 ? d : log1mexp(-Math.exp(d));
      weights[i] = Math.exp(lps[i] - logq);
      est += weights[i] * f[i];
      sw += weights[i];
    }
    return { estimate: est, normalized: n === 0 ? NaN : est / sw, weights };
  }

  return { stochasticBeamSearch, beamSearch, inclusionProbability, logInclusionProbability, sbsEstimate };
}
