// Public fused softmax cross-entropy and binary cross-entropy with logits: validate
// everything (including the label scan) before any kernel runs, then call the backend.
import { freshF32 } from './alloc.js';
import { rangeError, typeError } from './errors.js';
import type { Kernels } from './kernels/index.js';
import { describe, f32, i32, integer, nonNegative, number, optionKeys, options, outF32, overlaps, reductionOf } from './validate.js';

import type { Reduction } from './kernels/xent.js';

export type { Reduction };


export interface SoftmaxCrossEntropyOptions {
  /**
   * The row length (number of classes), checked: logits.length must equal labels.length × cols.
   * Without it, rows = labels.length and cols = logits.length / labels.length, so a wrong
   * number of labels that divides logits.length would silently change the shape.
   */
  cols?: number;
  /** 'mean' (default): Σ loss / Σ w_y over non-ignored rows; 'sum'; 'none': one loss per row. */
  reduction?: Reduction;
  /** Rows whose label equals this are skipped: loss 0, gradient 0 (default -100). An int32. */
  ignoreIndex?: number;
  /** Label smoothing ε ∈ [0, 1] (default 0): the target is (1−ε)·onehot(y) + ε/C. */
  labelSmoothing?: number;
  /** Per-class weights, Float32Array(cols), each finite and ≥ 0 (PyTorch's `weight`). */
  classWeights?: Float32Array;
  /**
   * z-loss coefficient λ (default 0): adds λ·w_y·lse² per non-ignored row. A number in
   * [0, 3.4028234663852886e38] (finite as a float32), else a RangeError on both backends.
   */
  zLoss?: number;
  /**
   * true (default): return the gradient in a new array; false: forward only; a Float32Array of
   * logits.length: write the gradient there. It may be `logits` itself (in-place backward: the
   * gradient overwrites the logits, no extra rows×cols allocation).
   */
  grad?: boolean | Float32Array;
}

/**
 * The result of `softmaxCrossEntropy`. The overloads pick the parameters from the options, so
 * the defaults type as `SoftmaxCrossEntropyResult<number, Float32Array>`: loss a number, grad
 * present.
 * @typeParam TLoss `number` for 'mean' and 'sum' (the default), `Float32Array` for 'none'.
 * @typeParam TGrad `Float32Array` unless `grad: false` was passed (then `undefined`).
 */
export interface SoftmaxCrossEntropyResult<
  TLoss extends number | Float32Array = number | Float32Array,
  TGrad extends Float32Array | undefined = Float32Array | undefined,
> {
  /** A number for 'mean' and 'sum' (computed in float64), a Float32Array(rows) for 'none'. */
  loss: TLoss;
  /** Gradient of the reduced loss with respect to the logits; `undefined` with `grad: false`. */
  grad: TGrad;
  /** log Σⱼ exp(xⱼ) per row (every row, ignored ones included), for reuse. */
  lse: Float32Array;
}

export interface BinaryCrossEntropyOptions {
  /** 'mean' (default, over every element), 'sum', or 'none' (one loss per element). */
  reduction?: Reduction;
  /**
   * PyTorch's `pos_weight` w: a number, or a Float32Array whose length P divides
   * logits.length; element i uses posWeight[i mod P], i.e. it is broadcast along the trailing
   * dimension (a (rows, cols) batch takes a Float32Array(cols), one weight per class). Each
   * weight finite and ≥ 0 (default 1); a number must also be finite as a float32
   * (≤ 3.4028234663852886e38), else a RangeError on both backends.
   */
  posWeight?: number | Float32Array;
  /** Output buffer for the gradient (logits.length); may be `logits` itself (in place). */
  grad?: Float32Array;
}

export interface BinaryCrossEntropyResult<TLoss extends number | Float32Array = number | Float32Array> {
  /** A number for 'mean' and 'sum' (accumulated in float64), a Float32Array for 'none'. */
  loss: TLoss;
  /** Gradient of the reduced loss with respect to the logits. */
  grad: Float32Array;
}

/**
 * The type of `grad` in a softmaxCrossEntropy result for a `grad` option of type G: a
 * Float32Array unless `grad: false` (absent counts as `true`).
 */
export type CrossEntropyGrad<G> = G extends false ? undefined : Float32Array;

const CE_OPTIONS = optionKeys<SoftmaxCrossEntropyOptions>({
  cols: true, reduction: true, ignoreIndex: true, labelSmoothing: true, classWeights: true, zLoss: true, grad: true,
});
const BCE_OPTIONS = optionKeys<BinaryCrossEntropyOptions>({ reduction: true, posWeight: true, grad: true });

/** Every element finite and ≥ 0. */
function nonNegativeElements(a: Float32Array, name: string): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!(v >= 0) || v === Infinity) throw rangeError(`${name}[${i}] = ${v} is out of range: expected a finite number ≥ 0`);
  }
}

/**
 * A finite number ≥ 0 that is also finite as a float32 (≤ 3.4028234663852886e38): the kernels
 * take these coefficients in float32, where a larger value would become Infinity (and 0·Infinity
 * = NaN). Both backends refuse them here (CHANGELOG, Unreleased).
 */
function nonNegativeF32(v: unknown, name: string): number {
  const n = nonNegative(v, name);
  if (Math.fround(n) === Infinity) {
    throw rangeError(`${name} = ${n} is out of range: expected a number in [0, 3.4028234663852886e+38] (finite as a float32)`);
  }
  return n;
}

/** The gradient buffer must not share memory with read-only inputs (labels, weights). */
function disjoint(out: Float32Array, name: string, inputs: [ArrayBufferView | null, string][]): void {
  for (const [x, xName] of inputs) {
    if (x && overlaps(out, x)) throw rangeError(`${name} overlaps ${xName}: it must not share memory with it`);
  }
}

interface CeArgs {
  logits: Float32Array;
  labels: Int32Array;
  cols: number;
  ignoreIndex: number;
  labelSmoothing: number;
  classWeights: Float32Array | null;
  zLoss: number;
  reduction: Reduction;
  grad: Float32Array | null;
}

function ceArgs(fn: string, logits: unknown, labels: unknown, opts: unknown): CeArgs {
  const x = f32(logits, `${fn}: logits`);
  const y = i32(labels, `${fn}: labels`);
  const o = options(opts, `${fn}: options`, CE_OPTIONS);
  const rows = y.length;
  const reduction = reductionOf(o.reduction, `${fn}: options.reduction`);
  const ignoreIndex = o.ignoreIndex === undefined ? -100 : integer(o.ignoreIndex, `${fn}: options.ignoreIndex`, -(2 ** 31), 2 ** 31 - 1);
  const ls = o.labelSmoothing === undefined ? 0 : number(o.labelSmoothing, `${fn}: options.labelSmoothing`);
  if (!(ls >= 0 && ls <= 1)) throw rangeError(`${fn}: options.labelSmoothing = ${ls} is out of range: expected a number in [0, 1]`);
  const zLoss = o.zLoss === undefined ? 0 : nonNegativeF32(o.zLoss, `${fn}: options.zLoss`);
  const w = o.classWeights === undefined ? null : f32(o.classWeights, `${fn}: options.classWeights`);

  // rows = labels.length always; cols is given (and checked) or inferred from the lengths.
  const givenCols = o.cols === undefined ? undefined : integer(o.cols, `${fn}: options.cols`, 1);
  let cols: number;
  if (givenCols !== undefined) {
    cols = givenCols;
    if (x.length !== rows * cols) {
      throw rangeError(
        `${fn}: logits.length = ${x.length} does not match labels.length × options.cols = ${rows} × ${cols} = ${rows * cols}` +
        (x.length % cols === 0 ? ` (the logits hold ${x.length / cols} rows of ${cols}, so labels.length should be ${x.length / cols})` : ''),
      );
    }
  } else if (rows === 0) {
    if (x.length !== 0) throw rangeError(`${fn}: logits.length = ${x.length} is out of range: expected 0 for an empty labels array`);
    cols = w ? w.length : 0;
  } else {
    if (x.length === 0 || x.length % rows !== 0) {
      throw rangeError(
        `${fn}: logits.length = ${x.length} is not a positive multiple of labels.length = ${rows} ` +
        `(rows = labels.length, one label per row; pass options.cols to state the row length)`,
      );
    }
    cols = x.length / rows;
  }
  if (w) {
    if (w.length !== cols) throw rangeError(`${fn}: options.classWeights.length = ${w.length} is out of range: expected cols = ${cols}`);
    nonNegativeElements(w, `${fn}: options.classWeights`);
  }
  for (let r = 0; r < rows; r++) {
    const v = y[r];
    if (v !== ignoreIndex && !(v >= 0 && v < cols)) {
      // Without options.cols the row length was inferred; a wrong label count shows up here.
      const shape = givenCols === undefined
        ? `; cols = logits.length / labels.length = ${x.length} / ${rows} = ${cols}: if labels.length is wrong, pass options.cols`
        : '';
      throw rangeError(`${fn}: labels[${r}] = ${v} is out of range [0, ${cols}) (ignoreIndex = ${ignoreIndex})${shape}`);
    }
  }

  let grad: Float32Array | null;
  const g = o.grad;
  if (g === undefined || g === true) grad = freshF32(x.length);
  else if (g === false) grad = null;
  else if (g instanceof Float32Array) {
    grad = outF32(g, x.length, `${fn}: options.grad`, [x]);
    disjoint(grad, `${fn}: options.grad`, [[y, 'labels'], [w, 'options.classWeights']]);
  } else {
    throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.grad must be a boolean or a Float32Array, received ${describe(g)}`);
  }
  return { logits: x, labels: y, cols, ignoreIndex, labelSmoothing: ls, classWeights: w, zLoss, reduction, grad };
}

function bceArgs(fn: string, logits: unknown, targets: unknown, opts: unknown) {
  const x = f32(logits, `${fn}: logits`);
  const t = f32(targets, `${fn}: targets`);
  const o = options(opts, `${fn}: options`, BCE_OPTIONS);
  if (t.length !== x.length) throw rangeError(`${fn}: targets.length = ${t.length} is out of range: expected logits.length = ${x.length}`);
  const reduction = reductionOf(o.reduction, `${fn}: options.reduction`);
  let pw: Float32Array | null = null;
  if (typeof o.posWeight === 'number') {
    pw = new Float32Array([nonNegativeF32(o.posWeight, `${fn}: options.posWeight`)]);
  } else if (o.posWeight !== undefined) {
    if (!(o.posWeight instanceof Float32Array)) {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.posWeight must be a number or a Float32Array, received ${describe(o.posWeight)}`);
    }
    pw = f32(o.posWeight, `${fn}: options.posWeight`);
    if (pw.length === 0 || x.length % pw.length !== 0) {
      throw rangeError(`${fn}: options.posWeight.length = ${pw.length} is out of range: expected a divisor of logits.length = ${x.length}`);
    }
    nonNegativeElements(pw, `${fn}: options.posWeight`);
  }
  const grad = outF32(o.grad, x.length, `${fn}: options.grad`, [x, t]);
  if (o.posWeight instanceof Float32Array) disjoint(grad, `${fn}: options.grad`, [[o.posWeight, 'options.posWeight']]);
  const loss = reduction === 'none' ? freshF32(x.length) : null;
  return { x, t, pw, reduction, grad, loss };
}

export function createXentApi(k: Kernels) {
  function ceCall(a: CeArgs) {
    const rows = a.labels.length;
    const lse = freshF32(rows);
    const rowLoss = a.reduction === 'none' ? freshF32(rows) : null;
    const total = new Float64Array(1);
    const args = [
      a.logits, a.labels, a.cols, a.ignoreIndex, a.labelSmoothing, a.classWeights, a.zLoss, a.reduction,
      a.grad, lse, rowLoss, total,
    ] as const;
    const result = (): SoftmaxCrossEntropyResult => {
      return { loss: rowLoss ?? total[0], grad: a.grad ?? undefined, lse };
    };
    return { args, result };
  }

  /**
   * Fused softmax cross-entropy, forward and backward in one call: PyTorch's
   * `F.cross_entropy(logits, labels, weight, ignore_index, reduction, label_smoothing)` and its
   * gradient, plus an optional z-loss. rows = labels.length, cols = logits.length / rows.
   *
   * Per non-ignored row, with p = softmax(x), w the class weights (all ones when absent),
   * W = Σ_c w_c, ε = labelSmoothing, λ = zLoss:
   *   ℓ = (1−ε)·w_y·(lse − x_y) + (ε/C)·Σ_c w_c·(lse − x_c) + λ·w_y·lse²
   *   ∂ℓ/∂xⱼ = pⱼ·((1−ε)·w_y + (ε/C)·W + 2λ·w_y·lse) − (1−ε)·w_y·[j = y] − (ε/C)·wⱼ
   * Ignored rows (label = ignoreIndex) have loss 0 and gradient 0 and do not count in 'mean',
   * which divides by Σ w_y over the non-ignored rows (their number when unweighted), as PyTorch.
   *
   * - `grad` is the gradient of the reduced loss; for 'none' it is the gradient of the sum of
   *   the per-row losses (what `loss.sum().backward()` gives in PyTorch).
   * - 'mean' with nothing to average over (every row ignored, or every non-ignored row's label
   *   weight 0, or no rows): loss NaN, as PyTorch gives for all-ignored (0/0), and a zero
   *   gradient (no NaN reaches the weights).
   * - z-loss with class weights: the z term of a row is λ·w_y·lse², weighted like its label
   *   term, so that scaling every weight by a constant leaves 'mean' unchanged, as it does for
   *   PyTorch's weighted cross-entropy (without weights it is plain λ·lse² per row).
   * - `-Infinity` logits are masks (probability 0). A label pointing at a `-Infinity` logit
   *   gives loss +Infinity (and the finite gradient p − target); with label smoothing any
   *   masked class with a non-zero weight makes the loss +Infinity (as PyTorch), while a class
   *   of weight 0 contributes 0. A row whose logits are all `-Infinity` has lse = -Infinity,
   *   p = 0 and, unless ignored, loss +Infinity. A NaN logit makes its row's loss, lse and
   *   gradient NaN.
   * - Every log-probability is formed as (m − x_c) + log Σⱼ exp(xⱼ − m), m the row max (both
   *   parts ≥ 0): no cancellation for huge logits (seven logits of 1e30 give log 7, as in
   *   PyTorch), and the smoothing term Σ_c w_c·(m − x_c) is formed from float64 sums of the
   *   logits (never a float32 sum, which loses the term for large logits or overflows). A z-loss gradient beyond float32 range is ±Infinity where p·A overflows and
   *   exact elsewhere (never 0·Infinity = NaN).
   * - Native kernels: one pass over the logits for the row statistics, one to write the
   *   gradient; per-row losses in float64, summed in row order (same result for any thread
   *   count). They match the float64 reference to about 1e-6 relative on loss and lse, and to
   *   a few float32 ulps of the gradient's scale. Nothing is written anywhere when validation
   *   fails.
   * @param logits Row-major logits, rows × cols, with rows = labels.length.
   * @param labels One class index per row (an Int32Array), each in [0, cols) or equal to `ignoreIndex`.
   * @param opts `cols` (checked row length), `reduction`, `ignoreIndex`, `labelSmoothing`, `classWeights`, `zLoss`, `grad` (see SoftmaxCrossEntropyOptions).
   * @example
   * const { loss, grad, lse } = softmaxCrossEntropy(logits, labels, { labelSmoothing: 0.1 });
   * softmaxCrossEntropy(logits, labels, { grad: logits }); // in-place backward
   */
  function softmaxCrossEntropy<G extends boolean | Float32Array = true>(
    logits: Float32Array, labels: Int32Array, opts: SoftmaxCrossEntropyOptions & { reduction: 'none'; grad?: G },
  ): SoftmaxCrossEntropyResult<Float32Array, CrossEntropyGrad<G>>;
  function softmaxCrossEntropy<G extends boolean | Float32Array = true>(
    logits: Float32Array, labels: Int32Array, opts?: SoftmaxCrossEntropyOptions & { reduction?: 'mean' | 'sum'; grad?: G },
  ): SoftmaxCrossEntropyResult<number, CrossEntropyGrad<G>>;
  function softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, opts?: SoftmaxCrossEntropyOptions): SoftmaxCrossEntropyResult;
  function softmaxCrossEntropy(logits: Float32Array, labels: Int32Array, opts?: SoftmaxCrossEntropyOptions): SoftmaxCrossEntropyResult {
    const { args, result } = ceCall(ceArgs('softmaxCrossEntropy', logits, labels, opts));
    k.softmaxCrossEntropy(...args);
    return result();
  }

  /**
   * `softmaxCrossEntropy` off the JS thread. Validation errors reject the promise. The inputs
   * are copied when it is called (changing or transferring them afterwards does not affect the
   * result); grad, lse and the losses are written when it completes, or, if a caller-supplied
   * `grad` was transferred or detached meanwhile, the promise rejects with
   * `ERR_LOGITKIT_DETACHED` and nothing is written (see `softmaxAsync`).
   * @param logits Row-major logits, rows × cols, with rows = labels.length.
   * @param labels One class index per row, each in [0, cols) or equal to `ignoreIndex`.
   * @param opts As for `softmaxCrossEntropy`.
   * @example
   * const { loss, grad } = await lk.softmaxCrossEntropyAsync(logits, labels, { grad: logits })
   */
  function softmaxCrossEntropyAsync<G extends boolean | Float32Array = true>(
    logits: Float32Array, labels: Int32Array, opts: SoftmaxCrossEntropyOptions & { reduction: 'none'; grad?: G },
  ): Promise<SoftmaxCrossEntropyResult<Float32Array, CrossEntropyGrad<G>>>;
  function softmaxCrossEntropyAsync<G extends boolean | Float32Array = true>(
    logits: Float32Array, labels: Int32Array, opts?: SoftmaxCrossEntropyOptions & { reduction?: 'mean' | 'sum'; grad?: G },
  ): Promise<SoftmaxCrossEntropyResult<number, CrossEntropyGrad<G>>>;
  function softmaxCrossEntropyAsync(
    logits: Float32Array, labels: Int32Array, opts?: SoftmaxCrossEntropyOptions,
  ): Promise<SoftmaxCrossEntropyResult>;
  async function softmaxCrossEntropyAsync(
    logits: Float32Array, labels: Int32Array, opts?: SoftmaxCrossEntropyOptions,
  ): Promise<SoftmaxCrossEntropyResult> {
    const { args, result } = ceCall(ceArgs('softmaxCrossEntropyAsync', logits, labels, opts));
    await k.softmaxCrossEntropyAsync(...args);
    return result();
  }

  /**
   * PyTorch's `binary_cross_entropy_with_logits(logits, targets, pos_weight, reduction)` and
   * its gradient, elementwise. With w the positive weight and t the target:
   *   ℓ = (1−t)·x + (1 + (w−1)·t)·softplus(−x) = (1−t)·softplus(x) + w·t·softplus(−x)
   *   dℓ/dx = σ(x)·(1 + (w−1)·t) − w·t = (1−t)·σ(x) − w·t·σ(−x)
   * evaluated in the right-hand, cancellation-free forms with softplus(x) = max(x, 0) +
   * log1p(e^−|x|), so it is exact to float precision for |x| up to 1e30 and beyond. `grad` is
   * the gradient of the reduced loss ('mean' divides by logits.length; for 'none' it is the
   * gradient of the sum). Targets are not range-checked (soft targets in [0, 1] are the
   * intended use). 'mean' of an empty input is NaN. The native kernel computes each element's
   * loss in float32 (one element above ~3.4e38, possible only for huge |x| with w > 1, is
   * Infinity, as in PyTorch's float32) and accumulates in float64.
   * @param logits Logits, any length.
   * @param targets Targets in [0, 1] (soft targets allowed), same length as logits.
   * @param opts `reduction`, `posWeight` and `grad` (output buffer; may be `logits`).
   * @example binaryCrossEntropyWithLogits(logits, targets, { posWeight: 3 })
   */
  function binaryCrossEntropyWithLogits(
    logits: Float32Array, targets: Float32Array, opts: BinaryCrossEntropyOptions & { reduction: 'none' },
  ): BinaryCrossEntropyResult<Float32Array>;
  function binaryCrossEntropyWithLogits(
    logits: Float32Array, targets: Float32Array, opts?: BinaryCrossEntropyOptions & { reduction?: 'mean' | 'sum' },
  ): BinaryCrossEntropyResult<number>;
  function binaryCrossEntropyWithLogits(
    logits: Float32Array, targets: Float32Array, opts?: BinaryCrossEntropyOptions,
  ): BinaryCrossEntropyResult;
  function binaryCrossEntropyWithLogits(
    logits: Float32Array, targets: Float32Array, opts?: BinaryCrossEntropyOptions,
  ): BinaryCrossEntropyResult {
    const a = bceArgs('binaryCrossEntropyWithLogits', logits, targets, opts);
    const total = k.binaryCrossEntropyWithLogits(a.x, a.t, a.pw, a.reduction, a.grad, a.loss, new Float64Array(1));
    return { loss: a.loss ?? total[0], grad: a.grad };
  }

  /**
   * `binaryCrossEntropyWithLogits` off the JS thread; the inputs are copied when it is called
   * and the outputs written when it completes (see `softmaxAsync`).
   * @param logits Logits, any length.
   * @param targets Targets in [0, 1] (soft targets allowed), same length as logits.
   * @param opts As for `binaryCrossEntropyWithLogits`: `reduction`, `posWeight` and `grad`.
   * @example const { loss, grad } = await binaryCrossEntropyWithLogitsAsync(logits, targets, { posWeight: 3 })
   */
  function binaryCrossEntropyWithLogitsAsync(
    logits: Float32Array, targets: Float32Array, opts: BinaryCrossEntropyOptions & { reduction: 'none' },
  ): Promise<BinaryCrossEntropyResult<Float32Array>>;
  function binaryCrossEntropyWithLogitsAsync(
    logits: Float32Array, targets: Float32Array, opts?: BinaryCrossEntropyOptions & { reduction?: 'mean' | 'sum' },
  ): Promise<BinaryCrossEntropyResult<number>>;
  function binaryCrossEntropyWithLogitsAsync(
    logits: Float32Array, targets: Float32Array, opts?: BinaryCrossEntropyOptions,
  ): Promise<BinaryCrossEntropyResult>;
  async function binaryCrossEntropyWithLogitsAsync(
    logits: Float32Array, targets: Float32Array, opts?: BinaryCrossEntropyOptions,
  ): Promise<BinaryCrossEntropyResult> {
    const a = bceArgs('binaryCrossEntropyWithLogitsAsync', logits, targets, opts);
    const total = await k.binaryCrossEntropyWithLogitsAsync(a.x, a.t, a.pw, a.reduction, a.grad, a.loss, new Float64Array(1));
    return { loss: a.loss ?? total[0], grad: a.grad };
  }

  return { softmaxCrossEntropy, softmaxCrossEntropyAsync, binaryCrossEntropyWithLogits, binaryCrossEntropyWithLogitsAsync };
}
