// Public calibration family: entropy and the confidence loss KL(U‖p) (Lee et al. 2018,
// "Training Confidence-calibrated Classifiers for Detecting Out-of-Distribution Samples"),
// temperature scaling (Guo et al. 2017, "On Calibration of Modern Neural Networks"), expected
// calibration error and reliability diagrams, and the Gaussian KL of VAEs (Kingma & Welling
// 2014). Validate everything, allocate outputs, then call the backend.
import { rangeError, typeError } from './errors.js';
import type { Kernels } from './kernels/index.js';
import type { Reduction } from './kernels/xent.js';
import { bool, describe, f32, i32, integer, isDetached, isTypedArrayOf, nonNegative, optionKeys, options, outF32, outI32, overlaps, positive, rowsOf, reductionOf } from './validate.js';

export interface EntropyOptions {
  /** Entropy of softmax(x / temperature) (default 1). Finite, > 0. */
  temperature?: number;
  /** Output buffer of length rows. */
  out?: Float32Array;
}

export interface KlUniformOptions {
  /** 'mean' (default: over the selected rows), 'sum', or 'none' (one loss per row). */
  reduction?: Reduction;
  /**
   * true (default): the gradient in a new array; false: forward only; a Float32Array of
   * logits.length: written there (it may be `logits` itself, unless `accumulate`).
   */
  grad?: boolean | Float32Array;
  /** The confidence-loss weight β ≥ 0 (default 1): loss and gradient are scaled by it. */
  beta?: number;
  /** Rows to include (nonzero = out-of-distribution row), Uint8Array(rows); default every row. */
  mask?: Uint8Array;
  /** Add the gradient into `grad` (a Float32Array) instead of overwriting it; unselected rows untouched. */
  accumulate?: boolean;
}

export interface KlUniformResult<TLoss extends number | Float32Array = number | Float32Array> {
  /** A number for 'mean' / 'sum' (accumulated in float64), a Float32Array(rows) for 'none'. */
  loss: TLoss;
  /** Gradient of the reduced loss; absent with `grad: false`. */
  grad?: Float32Array;
}

export interface TemperatureNllOptions {
  /** The temperature T at which to evaluate (default 1); β = 1/T. */
  temperature?: number;
  /** Rows whose label equals this are skipped (default −100). */
  ignoreIndex?: number;
}

export interface TemperatureNllResult {
  /** Mean NLL over the counted rows: mean of lse(x/T) − x_y/T. */
  nll: number;
  /** d(Σ NLL)/dβ = Σ E_p[x] − x_y (summed over rows). */
  gradBeta: number;
  /** d²(Σ NLL)/dβ² = Σ Var_p[x] (the observed = expected Fisher information of β). */
  curvature: number;
  /** Rows counted (labels ≠ ignoreIndex). */
  count: number;
}

export interface FitTemperatureOptions {
  /** Newton iterations at most (default 50); each is one fused pass over the logits. */
  maxIter?: number;
  /** Stop when a Newton step changes β by at most tol·β (default 1e-7). */
  tol?: number;
  /** Rows whose label equals this are skipped (default −100, as the cross-entropy). */
  ignoreIndex?: number;
}

export interface FitTemperatureResult {
  /** The fitted temperature T = 1/β (0 or Infinity in the degenerate cases, see fitTemperature). */
  temperature: number;
  /** β = 1/T. */
  beta: number;
  /** Mean NLL at the last evaluated β. */
  nll: number;
  /** Passes over the logits (Newton iterations, plus one when the β → 0 limit had to be checked). */
  iterations: number;
  /** Whether the step test was met (false: maxIter ran out, or a degenerate answer). */
  converged: boolean;
  /** Standard error of β from the Fisher information, 1/√(Σ Var_p[x]); NaN when degenerate. */
  betaStdErr: number;
  /** Standard error of T by the delta method, betaStdErr / β². */
  temperatureStdErr: number;
}

export interface ConfidenceOptions {
  temperature?: number;
  /** Output buffer of length rows for the confidences. */
  out?: Float32Array;
  /** Output buffer of length rows for the predicted classes. */
  prediction?: Int32Array;
}

export interface CalibrationOptions {
  /** Number of equal-width confidence bins over [0, 1] (default 15). */
  bins?: number;
  /** Evaluate softmax(x / temperature) (default 1). */
  temperature?: number;
  /** Rows whose label equals this are skipped (default −100). */
  ignoreIndex?: number;
}

export interface ReliabilityDiagram {
  /** bins + 1 edges, edges[b] = b / bins; bin b holds confidences in (edges[b], edges[b+1]] (bin 0 also 0). */
  edges: Float64Array;
  /** Mean confidence per bin (NaN for an empty bin). */
  confidence: Float64Array;
  /** Accuracy per bin (NaN for an empty bin). */
  accuracy: Float64Array;
  /** Rows per bin. */
  count: Float64Array;
  /** Rows counted (labels ≠ ignoreIndex, confidence not NaN). */
  total: number;
  /** Rows skipped because their logits hold a NaN (then ece is NaN). */
  invalid: number;
  /** Σ_b count_b/total · |accuracy_b − confidence_b|. */
  ece: number;
  /** max_b |accuracy_b − confidence_b| over non-empty bins. */
  mce: number;
  /** Overall accuracy and mean confidence. */
  accuracyAll: number;
  confidenceAll: number;
}

export interface ReliabilitySvgOptions {
  title?: string;
  /** Pixel size (default 360 × 360). */
  width?: number;
  height?: number;
}

export interface GaussianKLOptions {
  /**
   * 'mean' (default): the sum over each row of `dim` elements, averaged over rows (a VAE's
   * batch mean); 'sum'; 'none': one KL per row (Float32Array(rows)).
   */
  reduction?: Reduction;
  /** Elements per row (latent dimension; default: the whole array is one row). */
  dim?: number;
  /** true (default): gradients in new arrays; false: none. */
  grad?: boolean;
}

export interface GaussianKLResult<TLoss extends number | Float32Array = number | Float32Array> {
  loss: TLoss;
  /** ∂loss/∂μ (of the first distribution). */
  gradMu?: Float32Array;
  /** ∂loss/∂logVar (of the first distribution). */
  gradLogVar?: Float32Array;
  /** ∂loss/∂μ₂ and ∂loss/∂logVar₂ (the general form only). */
  gradMu2?: Float32Array;
  gradLogVar2?: Float32Array;
}

function invTemperature(v: unknown, name: string): number {
  return v === undefined ? 1 : 1 / positive(v, name);
}

function ignoreIndexOf(v: unknown, name: string): number {
  return v === undefined ? -100 : integer(v, name, -(2 ** 31), 2 ** 31 - 1);
}

/** logits and labels: cols = logits.length / labels.length; every label in range or ignored. */
function labelled(fn: string, logits: unknown, labels: unknown, ignoreIndex: number) {
  const x = f32(logits, `${fn}: logits`);
  const y = i32(labels, `${fn}: labels`);
  const rows = y.length;
  if (rows === 0) {
    if (x.length !== 0) throw rangeError(`${fn}: logits.length = ${x.length} is out of range: expected 0 for an empty labels array`);
    return { x, y, rows, cols: 0 };
  }
  if (x.length === 0 || x.length % rows !== 0) {
    throw rangeError(`${fn}: logits.length = ${x.length} is not a positive multiple of labels.length = ${rows}`);
  }
  const cols = x.length / rows;
  for (let r = 0; r < rows; r++) {
    const v = y[r];
    if (v !== ignoreIndex && !(v >= 0 && v < cols)) {
      throw rangeError(`${fn}: labels[${r}] = ${v} is out of range [0, ${cols}) (ignoreIndex = ${ignoreIndex})`);
    }
  }
  return { x, y, rows, cols };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.round(v * 100) / 100).toString();

// The option names each function accepts (unknown keys are a RangeError).
const ENTROPYOPTIONS_KEYS = optionKeys<EntropyOptions>({ temperature: true, out: true });
const KLUNIFORMOPTIONS_KEYS = optionKeys<KlUniformOptions>({ reduction: true, grad: true, beta: true, mask: true, accumulate: true });
const TEMPERATURENLLOPTIONS_KEYS = optionKeys<TemperatureNllOptions>({ temperature: true, ignoreIndex: true });
const FITTEMPERATUREOPTIONS_KEYS = optionKeys<FitTemperatureOptions>({ maxIter: true, tol: true, ignoreIndex: true });
const CONFIDENCEOPTIONS_KEYS = optionKeys<ConfidenceOptions>({ temperature: true, out: true, prediction: true });
const CALIBRATIONOPTIONS_KEYS = optionKeys<CalibrationOptions>({ bins: true, temperature: true, ignoreIndex: true });
const GAUSSIANKLOPTIONS_KEYS = optionKeys<GaussianKLOptions>({ reduction: true, dim: true, grad: true });
const RELIABILITYSVGOPTIONS_KEYS = optionKeys<ReliabilitySvgOptions>({ title: true, width: true, height: true });

export function createCalibrationApi(k: Kernels) {
  /**
   * Shannon entropy, in nats, of each row's softmax(x / τ):
   * H = log s − Σⱼ pⱼ·(xⱼ − m)/τ with m the row max and s = Σ exp((x − m)/τ), one read of the
   * row. `-Infinity` entries are masks (probability 0, no contribution); an all `-Infinity` row
   * has entropy 0; a NaN anywhere makes the row's entropy NaN; ±1e30 and ±3e38 logits stay
   * finite (a row with +Infinity is NaN, as its softmax is). Absolute error about 1e-6·log C
   * (the result is a difference of two float-accumulated terms); never negative.
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length (number of classes); `logits.length` must be a multiple of it.
   * @param opts `temperature` (default 1, finite, > 0) and `out` (a Float32Array(rows), separate from logits).
   * @example entropy(new Float32Array([0, 0, 0, 0]), 4) // [log 4]
   */
  function entropy(logits: Float32Array, cols: number, opts?: EntropyOptions): Float32Array {
    const x = f32(logits, 'entropy: logits');
    const o = options<EntropyOptions>(opts, 'entropy: options', ENTROPYOPTIONS_KEYS);
    const { rows } = rowsOf(x, cols, 'entropy: logits');
    const invT = invTemperature(o.temperature, 'entropy: options.temperature');
    const out = outF32(o.out, rows, 'entropy: options.out', [x]);
    if (o.out !== undefined && overlaps(out, x)) throw rangeError('entropy: options.out overlaps logits: it must be a separate buffer');
    return k.entropy(x, cols, invT, out);
  }

  /**
   * The confidence loss term of Lee et al. (2018): per row KL(U‖p) = lse(x) − mean(x) − log C,
   * p = softmax(x), U uniform over the C columns, with gradient p − 1/C; loss and gradient come
   * from one read of the row for its statistics and one for the gradient (nothing else is
   * materialised). `beta` scales both; `mask` selects the rows it applies to (the
   * out-of-distribution rows; the others get loss 0 and gradient 0, or keep their gradient with
   * `accumulate`). A `-Infinity` logit makes its row's loss +Infinity (p = 0 there: KL(U‖p) is
   * unbounded); an all `-Infinity` row has loss +Infinity and gradient −β/C; NaN propagates.
   *
   * The confidence loss of the lecture, min E_in[−log p(y|x)] + β·E_out[KL(U‖p(·|x))], is this
   * composition (two calls, one gradient buffer, no extra pass):
   * ```js
   * const ce = softmaxCrossEntropy(logits, labels, { grad });        // OOD rows: label = ignoreIndex
   * const kl = klUniform(logits, cols, { beta, mask: isOut, grad, accumulate: true });
   * const loss = ce.loss + kl.loss;                                    // grad holds the sum
   * ```
   * (with 'mean' each term averages over its own rows, as the paper's two expectations do).
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length (number of classes); `logits.length` must be a multiple of it.
   * @param opts `reduction` (default 'mean'), `grad` (default true; false, or a Float32Array to write into), `beta` (default 1, ≥ 0), `mask` (a Uint8Array(rows)), `accumulate` (default false; needs `grad` to be a Float32Array).
   * @example klUniform(new Float32Array([2, 0, 0, 0]), 4).loss
   */
  function klUniform(logits: Float32Array, cols: number, opts?: KlUniformOptions): KlUniformResult {
    const x = f32(logits, 'klUniform: logits');
    const o = options<KlUniformOptions>(opts, 'klUniform: options', KLUNIFORMOPTIONS_KEYS);
    const { rows } = rowsOf(x, cols, 'klUniform: logits');
    const reduction = reductionOf(o.reduction, 'klUniform: options.reduction');
    const beta = o.beta === undefined ? 1 : nonNegative(o.beta, 'klUniform: options.beta');
    const accumulate = bool(o.accumulate, 'klUniform: options.accumulate', false);
    let mask: Uint8Array | null = null;
    if (o.mask !== undefined) {
      if (!isTypedArrayOf(o.mask, 'Uint8Array')) {
        throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `klUniform: options.mask must be a Uint8Array, received ${describe(o.mask)}`);
      }
      mask = o.mask as Uint8Array;
      if (isDetached(mask)) throw typeError('ERR_LOGITKIT_DETACHED', 'klUniform: options.mask is backed by a detached ArrayBuffer');
      if (mask.length !== rows) throw rangeError(`klUniform: options.mask.length = ${mask.length} is out of range: expected rows = ${rows}`);
    }
    let grad: Float32Array | null;
    const g = o.grad;
    if (g === undefined || g === true) grad = outF32(undefined, x.length, 'klUniform: options.grad');
    else if (g === false) grad = null;
    else if (g instanceof Float32Array) {
      grad = outF32(g, x.length, 'klUniform: options.grad', [x]);
      if (accumulate && overlaps(grad, x)) throw rangeError('klUniform: options.grad is logits: accumulate needs a separate buffer');
      if (mask && overlaps(grad, mask)) throw rangeError('klUniform: options.grad overlaps options.mask: it must not share memory with it');
    } else {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `klUniform: options.grad must be a boolean or a Float32Array, received ${describe(g)}`);
    }
    if (accumulate && !(g instanceof Float32Array)) {
      throw rangeError('klUniform: options.accumulate needs options.grad to be a Float32Array');
    }
    const rowLoss = reduction === 'none' ? outF32(undefined, rows, 'klUniform: loss') : null;
    const total = new Float64Array(1);
    k.klUniform(x, cols, mask, beta, reduction, accumulate, grad, rowLoss, total);
    const res: KlUniformResult = { loss: rowLoss ?? total[0] };
    if (grad) res.grad = grad;
    return res;
  }

  /**
   * The temperature-scaling objective and its derivatives in β = 1/T from one fused pass:
   * mean NLL = mean of lse(βx) − βx_y, Σ dNLL/dβ = Σ E_p[x] − x_y and
   * Σ d²NLL/dβ² = Σ Var_p[x] ≥ 0 (so the NLL is convex in β).
   * @param logits Row-major logits, rows × cols, with rows = labels.length (cols = logits.length / labels.length).
   * @param labels One class index per row (an Int32Array), each in [0, cols) or equal to `ignoreIndex`.
   * @param opts `temperature` (default 1, > 0) and `ignoreIndex` (default −100).
   * @example temperatureNll(logits, labels, { temperature: 1.5 }).nll
   */
  function temperatureNll(logits: Float32Array, labels: Int32Array, opts?: TemperatureNllOptions): TemperatureNllResult {
    const o = options<TemperatureNllOptions>(opts, 'temperatureNll: options', TEMPERATURENLLOPTIONS_KEYS);
    const ignore = ignoreIndexOf(o.ignoreIndex, 'temperatureNll: options.ignoreIndex');
    const beta = invTemperature(o.temperature, 'temperatureNll: options.temperature');
    const { x, y, cols } = labelled('temperatureNll', logits, labels, ignore);
    const s = k.temperatureNll(x, y, cols, beta, ignore, new Float64Array(5));
    return { nll: s[4] > 0 ? s[0] / s[4] : NaN, gradBeta: s[1], curvature: s[2], count: s[4] };
  }

  /**
   * Temperature scaling (Guo et al. 2017) with diagnostics: the T that minimises the NLL of
   * softmax(x / T), by safeguarded Newton on β = 1/T (the NLL is convex in β; gradient and
   * curvature come from one fused pass per iteration, see temperatureNll). Starts at β = 1;
   * keeps a bracket [lo, hi] on β (g < 0 below the root, g > 0 above) and takes the Newton step
   * when it lands inside, else ×4 / ÷4 while a side is open, else the geometric mean.
   * Degenerate answers: every counted label is a row argmax → T = 0 (the NLL falls for every
   * β, the limit is T → 0); zero curvature (every row constant over its finite entries: the NLL
   * is flat) → T = 1; the optimum at β ≤ 0 (the logits anti-correlate with the labels, checked
   * by one extra JS pass over the β → 0 limit when β drops below 1e-3) → T = Infinity;
   * no counted rows, or a label on a `-Infinity` / NaN logit → NaN.
   * @param logits Row-major logits, rows × cols, with rows = labels.length (cols = logits.length / labels.length).
   * @param labels One class index per row (an Int32Array), each in [0, cols) or equal to `ignoreIndex`.
   * @param opts `maxIter` (Newton iterations at most, default 50, 1 … 10000), `tol` (relative step in β that ends it, default 1e-7, > 0) and `ignoreIndex` (default −100).
   * @example const { temperature, temperatureStdErr, converged } = fitTemperatureInfo(valLogits, valLabels)
   */
  function fitTemperatureInfo(logits: Float32Array, labels: Int32Array, opts?: FitTemperatureOptions): FitTemperatureResult {
    return fit('fitTemperatureInfo', logits, labels, opts);
  }

  /** fitTemperatureInfo under the name of the function called (errors name it). */
  function fit(fn: string, logits: unknown, labels: unknown, opts: unknown): FitTemperatureResult {
    const o = options<FitTemperatureOptions>(opts, `${fn}: options`, FITTEMPERATUREOPTIONS_KEYS);
    const ignore = ignoreIndexOf(o.ignoreIndex, `${fn}: options.ignoreIndex`);
    const maxIter = o.maxIter === undefined ? 50 : integer(o.maxIter, `${fn}: options.maxIter`, 1, 10_000);
    const tol = o.tol === undefined ? 1e-7 : positive(o.tol, `${fn}: options.tol`);
    const { x, y, cols } = labelled(fn, logits, labels, ignore);
    const s = new Float64Array(5);
    const result = (beta: number, nll: number, it: number, converged: boolean, h: number): FitTemperatureResult => {
      const se = h > 0 && Number.isFinite(beta) && beta > 0 ? 1 / Math.sqrt(h) : NaN;
      return { temperature: 1 / beta, beta, nll, iterations: it, converged, betaStdErr: se, temperatureStdErr: se / (beta * beta) };
    };
    let beta = 1, lo = 0, hi = Infinity, it = 0, limitChecked = false;
    for (;;) {
      k.temperatureNll(x, y, cols, beta, ignore, s);
      it++;
      const [nllSum, g, h, gap, n] = s;
      const nll = n > 0 ? nllSum / n : NaN;
      if (!(n > 0) || !Number.isFinite(nllSum) || !Number.isFinite(g) || !Number.isFinite(h)) return result(NaN, nll, it, false, NaN);
      if (it === 1) {
        if (h === 0) return result(1, nll, it, false, 0);
        if (gap === 0) return result(Infinity, nll, it, false, h);
      }
      if (g === 0) return result(beta, nll, it, true, h);
      if (g < 0) lo = beta;
      else hi = beta;
      const newton = h > 0 ? beta - g / h : NaN;
      let next: number;
      if (newton > lo && newton < hi) next = newton;
      else if (hi === Infinity) next = 4 * beta;
      else if (lo === 0) next = beta / 4;
      else next = Math.sqrt(lo * hi);
      // β reaches the kernels as a float32: a step below its resolution (2⁻²⁴ relative) cannot
      // change the statistics any more, so it also ends the iteration.
      if (Math.abs(next - beta) <= Math.max(tol, 2 ** -24) * beta) return result(next, nll, it, true, h);
      if (it >= maxIter) return result(next, nll, it, false, h);
      if (next < 1e-3 && lo === 0 && !limitChecked) {
        // Is the optimum at β ≤ 0? g(0+) = Σ mean over finite entries − x_y decides (g increases).
        limitChecked = true;
        it++;
        if (zeroLimitGradient(x, y, cols, ignore) >= 0) return result(0, nll, it, false, NaN);
      }
      beta = next;
    }
  }

  function zeroLimitGradient(x: Float32Array, y: Int32Array, cols: number, ignore: number): number {
    let g = 0;
    for (let r = 0, at = 0; r < y.length; r++, at += cols) {
      if (y[r] === ignore) continue;
      let sum = 0, n = 0;
      for (let j = at; j < at + cols; j++) {
        if (x[j] !== -Infinity) {
          sum += x[j];
          n++;
        }
      }
      g += sum / n - x[at + y[r]];
    }
    return g;
  }

  /**
   * The temperature T minimising the mean NLL of softmax(logits / T) against labels
   * (temperature scaling, Guo et al. 2017); see fitTemperatureInfo for the method, the bracket
   * and the degenerate answers (0, 1, Infinity, NaN). Converges to 1e-7 relative in β in a
   * handful of passes; cols = logits.length / labels.length.
   * @param logits Row-major logits, rows × cols, with rows = labels.length (cols = logits.length / labels.length).
   * @param labels One class index per row (an Int32Array), each in [0, cols) or equal to `ignoreIndex`.
   * @param opts `maxIter` (default 50), `tol` (default 1e-7) and `ignoreIndex` (default −100), as for fitTemperatureInfo.
   * @example const T = fitTemperature(valLogits, valLabels); softmax(testLogits, C, { temperature: T })
   */
  function fitTemperature(logits: Float32Array, labels: Int32Array, opts?: FitTemperatureOptions): number {
    return fit('fitTemperature', logits, labels, opts).temperature;
  }

  /**
   * Max-probability confidence and predicted class per row: confidence = max softmax(x/τ) =
   * 1/Σ exp((x − m)/τ), prediction = the first index of the row max (ties → lower index).
   * An all `-Infinity` row: 0 and 0; a row holding a NaN: NaN and −1.
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length (number of classes); `logits.length` must be a multiple of it.
   * @param opts `temperature` (default 1, > 0), `out` (a Float32Array(rows) for the confidences, separate from logits) and `prediction` (an Int32Array(rows) for the classes).
   * @example confidence(new Float32Array([0, 0, 1, 3]), 2) // { confidence: [0.5, 0.88], prediction: [0, 1] }
   */
  function confidence(logits: Float32Array, cols: number, opts?: ConfidenceOptions): { confidence: Float32Array; prediction: Int32Array } {
    const x = f32(logits, 'confidence: logits');
    const o = options<ConfidenceOptions>(opts, 'confidence: options', CONFIDENCEOPTIONS_KEYS);
    const { rows } = rowsOf(x, cols, 'confidence: logits');
    const invT = invTemperature(o.temperature, 'confidence: options.temperature');
    const conf = outF32(o.out, rows, 'confidence: options.out', [x]);
    if (o.out !== undefined && overlaps(conf, x)) throw rangeError('confidence: options.out overlaps logits: it must be a separate buffer');
    const pred = outI32(o.prediction, rows, 'confidence: options.prediction', [x, conf]);
    k.confidence(x, cols, invT, conf, pred);
    return { confidence: conf, prediction: pred };
  }

  /**
   * Reliability diagram (Guo et al. 2017, §2): rows binned by max-probability confidence into
   * `bins` equal-width bins over [0, 1] — bin b holds (b/M, (b+1)/M], bin 0 also 0, compared in
   * float32 as the usual PyTorch implementation does — with per-bin mean confidence, accuracy
   * (prediction = label, the prediction being the first row max) and count, plus
   * ECE = Σ_b (n_b/N)·|acc_b − conf_b| and MCE = max_b |acc_b − conf_b|.
   * Rows with label = ignoreIndex are skipped; a row whose logits hold a NaN counts as invalid
   * and makes ece / mce NaN.
   * @param logits Row-major logits, rows × cols, with rows = labels.length (cols = logits.length / labels.length).
   * @param labels One class index per row (an Int32Array), each in [0, cols) or equal to `ignoreIndex`.
   * @param opts `bins` (default 15, 1 … 1000000), `temperature` (default 1, > 0) and `ignoreIndex` (default −100).
   * @example reliabilityDiagram(logits, labels, { bins: 10 }).ece
   */
  function reliabilityDiagram(logits: Float32Array, labels: Int32Array, opts?: CalibrationOptions): ReliabilityDiagram {
    return diagram('reliabilityDiagram', logits, labels, opts);
  }

  function diagram(fn: string, logits: unknown, labels: unknown, opts: unknown): ReliabilityDiagram {
    const o = options<CalibrationOptions>(opts, `${fn}: options`, CALIBRATIONOPTIONS_KEYS);
    const M = o.bins === undefined ? 15 : integer(o.bins, `${fn}: options.bins`, 1, 1_000_000);
    const invT = invTemperature(o.temperature, `${fn}: options.temperature`);
    const ignore = ignoreIndexOf(o.ignoreIndex, `${fn}: options.ignoreIndex`);
    const { x, y, rows, cols } = labelled(fn, logits, labels, ignore);
    const conf = new Float32Array(rows), pred = new Int32Array(rows);
    if (rows > 0) k.confidence(x, cols, invT, conf, pred);
    const edges = new Float64Array(M + 1);
    for (let b = 0; b <= M; b++) edges[b] = Math.fround(b / M);
    const sumConf = new Float64Array(M), correct = new Float64Array(M), count = new Float64Array(M);
    let total = 0, invalid = 0, allCorrect = 0, allConf = 0;
    for (let r = 0; r < rows; r++) {
      if (y[r] === ignore) continue;
      const c = conf[r];
      if (c !== c) {
        invalid++;
        continue;
      }
      // Smallest b with c ≤ edges[b + 1]: start from the arithmetic guess, fix up by comparison.
      let b = Math.min(M - 1, Math.max(0, Math.ceil(c * M) - 1));
      while (b > 0 && c <= edges[b]) b--;
      while (b < M - 1 && c > edges[b + 1]) b++;
      const ok = pred[r] === y[r] ? 1 : 0;
      sumConf[b] += c;
      correct[b] += ok;
      count[b]++;
      total++;
      allCorrect += ok;
      allConf += c;
    }
    const accuracy = new Float64Array(M), confidenceB = new Float64Array(M);
    let ece = 0, mce = 0;
    for (let b = 0; b < M; b++) {
      accuracy[b] = count[b] > 0 ? correct[b] / count[b] : NaN;
      confidenceB[b] = count[b] > 0 ? sumConf[b] / count[b] : NaN;
      if (count[b] > 0) {
        const gap = Math.abs(accuracy[b] - confidenceB[b]);
        ece += (count[b] / total) * gap;
        mce = Math.max(mce, gap);
      }
    }
    if (invalid > 0 || total === 0) ece = mce = NaN;
    return {
      edges, confidence: confidenceB, accuracy, count, total, invalid, ece, mce,
      accuracyAll: total > 0 ? allCorrect / total : NaN, confidenceAll: total > 0 ? allConf / total : NaN,
    };
  }

  /**
   * Expected calibration error (Naeini et al. 2015; Guo et al. 2017): Σ_b (n_b/N)·|acc_b − conf_b|
   * over `bins` (default 15) equal-width bins of max-probability confidence; see
   * reliabilityDiagram for the binning, ties, NaN and ignored rows.
   * @param logits Row-major logits, rows × cols, with rows = labels.length (cols = logits.length / labels.length).
   * @param labels One class index per row (an Int32Array), each in [0, cols) or equal to `ignoreIndex`.
   * @param opts `bins` (default 15), `temperature` (default 1, > 0) and `ignoreIndex` (default −100), as for reliabilityDiagram.
   * @example expectedCalibrationError(logits, labels, { bins: 15, temperature: T })
   */
  function expectedCalibrationError(logits: Float32Array, labels: Int32Array, opts?: CalibrationOptions): number {
    return diagram('expectedCalibrationError', logits, labels, opts).ece;
  }

  /**
   * KL divergence between diagonal Gaussians, summed over each row of `dim` elements, with
   * gradients. Two forms:
   * - `gaussianKL(mu, logVar, opts)`: KL(N(μ, e^logVar) ‖ N(0, I)) = ½ Σ (e^lv + μ² − 1 − lv),
   *   the VAE regulariser; gradients μ and ½(e^lv − 1).
   * - `gaussianKL(mu, logVar, mu2, logVar2, opts)`: KL(N(μ₁, e^lv₁) ‖ N(μ₂, e^lv₂)) =
   *   ½ Σ (e^(lv₁−lv₂) − 1 − (lv₁ − lv₂) + (μ₁ − μ₂)²·e^(−lv₂)), with gradients for all four.
   * e^d − 1 − d is evaluated by its series for |d| < ½ (no cancellation near lv₁ = lv₂), μ
   * differences of exactly 0 contribute 0 even when e^(−lv₂) overflows, and elements whose
   * float32 intermediates come near overflow are formed in float64: a gradient or a `'none'`
   * row loss is ±Infinity only when its float64 value rounds to it (½(e^lv − 1) for lv > 89.4),
   * and `'sum'` / `'mean'` are the float64 totals (a per-element KL above 3.4e38 counts).
   * @param mu The means μ (of the first distribution), rows × dim.
   * @param logVar The log-variances of the first distribution, mu.length of them.
   * @param a The options (standard-normal form), or the second distribution's means μ₂ (general form, mu.length of them).
   * @param b The second distribution's log-variances (general form only, mu.length of them).
   * @param c The options in the general form: `reduction` (default 'mean'), `dim` (default mu.length) and `grad` (default true).
   * @example gaussianKL(mu, logVar, { dim: 32 }) // mean over rows of the per-row KL
   */
  function gaussianKL(mu: Float32Array, logVar: Float32Array, a?: Float32Array | GaussianKLOptions, b?: Float32Array, c?: GaussianKLOptions): GaussianKLResult {
    const fn = 'gaussianKL';
    const m1 = f32(mu, `${fn}: mu`);
    const l1 = f32(logVar, `${fn}: logVar`);
    let m2: Float32Array | null = null, l2: Float32Array | null = null, opts: unknown = a;
    if (a instanceof Float32Array || b !== undefined) {
      m2 = f32(a, `${fn}: mu2`);
      l2 = f32(b, `${fn}: logVar2`);
      opts = c;
    }
    const o = options<GaussianKLOptions>(opts, `${fn}: options`, GAUSSIANKLOPTIONS_KEYS);
    const n = m1.length;
    for (const [v, name] of [[l1, 'logVar'], [m2, 'mu2'], [l2, 'logVar2']] as const) {
      if (v && v.length !== n) throw rangeError(`${fn}: ${name}.length = ${v.length} is out of range: expected mu.length = ${n}`);
    }
    const dim = o.dim === undefined ? Math.max(n, 1) : integer(o.dim, `${fn}: options.dim`, 1);
    if (n % dim !== 0) throw rangeError(`${fn}: mu.length = ${n} is not a multiple of options.dim = ${dim}`);
    const rows = n / dim;
    const reduction = reductionOf(o.reduction, `${fn}: options.reduction`);
    const wantGrad = bool(o.grad, `${fn}: options.grad`, true);
    const gMu = wantGrad ? outF32(undefined, n, `${fn}: gradMu`) : null;
    const gLv = wantGrad ? outF32(undefined, n, `${fn}: gradLogVar`) : null;
    const gMu2 = wantGrad && m2 ? outF32(undefined, n, `${fn}: gradMu2`) : null;
    const gLv2 = wantGrad && m2 ? outF32(undefined, n, `${fn}: gradLogVar2`) : null;
    const rowLoss = reduction === 'none' ? outF32(undefined, rows, `${fn}: loss`) : null;
    const total = new Float64Array(1);
    k.gaussianKL(m1, l1, m2, l2, dim, reduction, gMu, gLv, gMu2, gLv2, rowLoss, total);
    const res: GaussianKLResult = { loss: rowLoss ?? total[0] };
    if (gMu && gLv) {
      res.gradMu = gMu;
      res.gradLogVar = gLv;
    }
    if (gMu2 && gLv2) {
      res.gradMu2 = gMu2;
      res.gradLogVar2 = gLv2;
    }
    return res;
  }

  return {
    entropy, klUniform, temperatureNll, fitTemperature, fitTemperatureInfo, confidence,
    reliabilityDiagram, expectedCalibrationError, gaussianKL,
  };
}

/**
 * A reliability diagram (from reliabilityDiagram) as a standalone SVG document string: accuracy
 * bars per bin, the gap to each bin's mean confidence shaded, the diagonal of perfect
 * calibration, and ECE in the caption. No DOM, no dependency; write it to a .svg file.
 * @param d A result of reliabilityDiagram.
 * @param opts `title` (default 'Reliability diagram'), `width` and `height` (pixels, default 360, > 0).
 * @example writeFileSync('reliability.svg', reliabilityDiagramSvg(reliabilityDiagram(logits, labels)))
 */
export function reliabilityDiagramSvg(d: ReliabilityDiagram, opts?: ReliabilitySvgOptions): string {
  const o = options<ReliabilitySvgOptions>(opts, 'reliabilityDiagramSvg: options', RELIABILITYSVGOPTIONS_KEYS);
  const W = o.width === undefined ? 360 : positive(o.width, 'reliabilityDiagramSvg: options.width');
  const H = o.height === undefined ? 360 : positive(o.height, 'reliabilityDiagramSvg: options.height');
  if (!d || !(d.edges instanceof Float64Array) || !(d.accuracy instanceof Float64Array)) {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `reliabilityDiagramSvg: diagram must be a reliabilityDiagram result, received ${describe(d)}`);
  }
  if (o.title !== undefined && typeof o.title !== 'string') {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `reliabilityDiagramSvg: options.title must be a string, received ${describe(o.title)}`);
  }
  const title = o.title ?? 'Reliability diagram';
  const L = 48, R = 12, T = 30, B = 44;
  const pw = W - L - R, ph = H - T - B;
  const X = (v: number) => L + v * pw, Y = (v: number) => T + (1 - v) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(W)}" height="${fmt(H)}" viewBox="0 0 ${fmt(W)} ${fmt(H)}" font-family="sans-serif" font-size="11">`);
  parts.push(`<title>${esc(title)}</title>`);
  parts.push(`<rect x="0" y="0" width="${fmt(W)}" height="${fmt(H)}" fill="white"/>`);
  parts.push(`<text x="${fmt(W / 2)}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>`);
  for (let b = 0; b < d.accuracy.length; b++) {
    if (!(d.count[b] > 0)) continue;
    const x0 = X(d.edges[b]), x1 = X(d.edges[b + 1]);
    const acc = d.accuracy[b], conf = d.confidence[b];
    parts.push(`<rect x="${fmt(x0)}" y="${fmt(Y(acc))}" width="${fmt(x1 - x0)}" height="${fmt(Y(0) - Y(acc))}" fill="#3b6fb6" stroke="#1d3d66" stroke-width="0.5"><title>bin ${b}: accuracy ${acc.toFixed(3)}, confidence ${conf.toFixed(3)}, n = ${d.count[b]}</title></rect>`);
    const top = Math.max(acc, conf), bottom = Math.min(acc, conf);
    parts.push(`<rect x="${fmt(x0)}" y="${fmt(Y(top))}" width="${fmt(x1 - x0)}" height="${fmt(Y(bottom) - Y(top))}" fill="#d9534f" fill-opacity="0.35" stroke="#d9534f" stroke-width="0.5"/>`);
  }
  parts.push(`<line x1="${fmt(X(0))}" y1="${fmt(Y(0))}" x2="${fmt(X(1))}" y2="${fmt(Y(1))}" stroke="#555" stroke-dasharray="4 3"/>`);
  parts.push(`<rect x="${fmt(L)}" y="${fmt(T)}" width="${fmt(pw)}" height="${fmt(ph)}" fill="none" stroke="black"/>`);
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(`<text x="${fmt(X(v))}" y="${fmt(Y(0) + 14)}" text-anchor="middle">${v.toFixed(1)}</text>`);
    parts.push(`<text x="${fmt(L - 4)}" y="${fmt(Y(v) + 4)}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  parts.push(`<text x="${fmt(L + pw / 2)}" y="${fmt(H - 8)}" text-anchor="middle">confidence (ECE = ${Number.isFinite(d.ece) ? (100 * d.ece).toFixed(2) + ' %' : 'NaN'}, n = ${d.total})</text>`);
  parts.push(`<text transform="translate(12 ${fmt(T + ph / 2)}) rotate(-90)" text-anchor="middle">accuracy</text>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
