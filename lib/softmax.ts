// Public softmax family: validate, then run the backend's kernel.
import type { Kernels } from './kernels/index.js';
import { f32, inverseTemperature, optionKeys, options, outF32, rowsOf, sameLength } from './validate.js';

export interface SoftmaxOptions {
  /**
   * Divide the logits by this before the softmax (default 1). A number in [2⁻¹²⁶, 2¹²⁶] (about
   * 1.2e-38 to 8.5e37; the kernels take 1/τ as a float32), else a RangeError on both backends.
   * The result is finite wherever the float64 result rounds to a finite float32, even when
   * x − max overflows float32 (e.g. ±3e38 logits with τ = 2).
   */
  temperature?: number;
  /** Output buffer of x's length; may be x itself (in place). */
  out?: Float32Array;
}

export interface LogSumExpOptions {
  /** As `SoftmaxOptions.temperature`: a number in [2⁻¹²⁶, 2¹²⁶] (default 1). */
  temperature?: number;
  /** Output buffer of length rows. */
  out?: Float32Array;
}

export interface ElementwiseOptions {
  /** Output buffer of x's length; may be x itself. */
  out?: Float32Array;
}

const SOFTMAX_OPTIONS = optionKeys<SoftmaxOptions>({ temperature: true, out: true });
const LSE_OPTIONS = optionKeys<LogSumExpOptions>({ temperature: true, out: true });
const ELEMENTWISE_OPTIONS = optionKeys<ElementwiseOptions>({ out: true });

// The temperature's range: lib/validate.ts inverseTemperature.
function invTemperature(o: { temperature?: unknown }, fn: string): number {
  return inverseTemperature(o.temperature, `${fn}: options.temperature`);
}

function rowArgs(fn: string, x: unknown, cols: unknown, opts: unknown) {
  const xa = f32(x, `${fn}: x`);
  const o = options(opts, `${fn}: options`, SOFTMAX_OPTIONS);
  const { rows } = rowsOf(xa, cols, `${fn}: x`);
  const invT = invTemperature(o, fn);
  const out = outF32(o.out, xa.length, `${fn}: options.out`, [xa]);
  return { x: xa, rows, cols: cols as number, invT, out };
}

function lseArgs(fn: string, x: unknown, cols: unknown, opts: unknown) {
  const xa = f32(x, `${fn}: x`);
  const o = options(opts, `${fn}: options`, LSE_OPTIONS);
  const { rows } = rowsOf(xa, cols, `${fn}: x`);
  const invT = invTemperature(o, fn);
  const out = outF32(o.out, rows, `${fn}: options.out`, [xa]);
  return { x: xa, cols: cols as number, invT, out };
}

function backwardArgs(fn: string, y: unknown, dy: unknown, cols: unknown, opts: unknown) {
  const ya = f32(y, `${fn}: y`);
  const dya = f32(dy, `${fn}: dy`);
  const o = options(opts, `${fn}: options`, ELEMENTWISE_OPTIONS);
  sameLength(ya, dya, `${fn}: y`, `${fn}: dy`);
  rowsOf(ya, cols, `${fn}: y`);
  const out = outF32(o.out, ya.length, `${fn}: options.out`, [ya, dya]);
  return { y: ya, dy: dya, cols: cols as number, out };
}

function elementwiseArgs(fn: string, x: unknown, opts: unknown, arg = 'x') {
  const xa = f32(x, `${fn}: ${arg}`);
  const o = options(opts, `${fn}: options`, ELEMENTWISE_OPTIONS);
  return { x: xa, out: outF32(o.out, xa.length, `${fn}: options.out`, [xa]) };
}

export function createSoftmaxApi(k: Kernels) {
  /**
   * Per-row log-sum-exp: lse_τ(x) = m/τ + log Σⱼ exp((xⱼ − m)/τ), m = maxⱼ xⱼ.
   * An all `-Infinity` row gives -Infinity; a NaN anywhere in a row gives NaN.
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param opts `temperature` τ (default 1) and `out`, a Float32Array(rows) to write into.
   * @example logSumExp(new Float32Array([1, 2, 3, 4]), 2) // → [2.3133, 4.3133]
   */
  function logSumExp(x: Float32Array, cols: number, opts?: LogSumExpOptions): Float32Array {
    const a = lseArgs('logSumExp', x, cols, opts);
    return k.logSumExp(a.x, a.cols, a.invT, a.out);
  }

  /**
   * `logSumExp` off the JS thread (see `softmaxAsync` for what happens to the buffers).
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param opts As for `logSumExp`: `temperature`, `out`.
   * @example const lse = await lk.logSumExpAsync(logits, vocab)
   */
  async function logSumExpAsync(x: Float32Array, cols: number, opts?: LogSumExpOptions): Promise<Float32Array> {
    const a = lseArgs('logSumExpAsync', x, cols, opts);
    return k.logSumExpAsync(a.x, a.cols, a.invT, a.out);
  }

  /**
   * Per-row softmax exp(xⱼ/τ − lse_τ(x)). `-Infinity` entries get probability 0; an all
   * `-Infinity` row gives a zero row; a NaN anywhere in a row gives a NaN row. Native error
   * against float64: ≤ 8 ulp + 3·|ln p|·2⁻²⁴ relative (the second term is the rounding of the
   * float32 argument (x − m)/τ, as in PyTorch's float32 kernels).
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param opts `temperature` τ (default 1) and `out` (x.length; may be `x` itself for an in-place softmax).
   * @example softmax(new Float32Array([1, 2, 3]), 3) // → [0.0900, 0.2447, 0.6652]
   */
  function softmax(x: Float32Array, cols: number, opts?: SoftmaxOptions): Float32Array {
    const a = rowArgs('softmax', x, cols, opts);
    return k.softmax(a.x, a.cols, a.invT, a.out);
  }

  /**
   * Per-row log-softmax xⱼ/τ − lse_τ(x). An all `-Infinity` row gives an all `-Infinity` row.
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param opts `temperature` τ (default 1) and `out` (x.length; may be `x` itself).
   * @example logSoftmax(new Float32Array([1, 2, 3]), 3, { temperature: 2 })
   */
  function logSoftmax(x: Float32Array, cols: number, opts?: SoftmaxOptions): Float32Array {
    const a = rowArgs('logSoftmax', x, cols, opts);
    return k.logSoftmax(a.x, a.cols, a.invT, a.out);
  }

  /**
   * `softmax` off the JS thread. Validation errors reject the promise; the result is the sync
   * one, bit for bit.
   *
   * Native backend: the call copies x (and out, when it is x) into private memory before it
   * returns, computes on libuv's thread pool, and writes `out` when it completes. So x may be
   * changed, transferred or detached as soon as the call returns without affecting the result;
   * if `out` is transferred, detached or resized before completion the promise rejects with a
   * TypeError `ERR_LOGITKIT_DETACHED` and nothing is written (native memory is never touched
   * after it was freed). TypeScript backend: the result is computed on the calling thread during
   * the call and the promise settles on a later microtask, with the same rejection when `out`
   * was detached in between. Every `...Async` function of logitkit behaves this way.
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param opts As for `softmax`: `temperature`, `out`.
   * @example const p = await lk.softmaxAsync(logits, vocab, { out: probs })
   */
  async function softmaxAsync(x: Float32Array, cols: number, opts?: SoftmaxOptions): Promise<Float32Array> {
    const a = rowArgs('softmaxAsync', x, cols, opts);
    return k.softmaxAsync(a.x, a.cols, a.invT, a.out);
  }

  /**
   * `logSoftmax` off the JS thread (see `softmaxAsync` for what happens to the buffers).
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param opts As for `logSoftmax`: `temperature`, `out`.
   * @example const lp = await lk.logSoftmaxAsync(logits, vocab)
   */
  async function logSoftmaxAsync(x: Float32Array, cols: number, opts?: SoftmaxOptions): Promise<Float32Array> {
    const a = rowArgs('logSoftmaxAsync', x, cols, opts);
    return k.logSoftmaxAsync(a.x, a.cols, a.invT, a.out);
  }

  /**
   * Backward of softmax: dx = y ⊙ (dy − ⟨dy, y⟩) per row, where y = softmax(x).
   * For a temperature τ, divide the result by τ. `out` may alias y or dy.
   * @param y The softmax output y = softmax(x, cols), rows × cols.
   * @param dy The upstream gradient ∂L/∂y, same length as y.
   * @param cols The row length of y and dy.
   * @param opts `out`: where to write dx (y.length; may be `y` or `dy`).
   * @example const dx = lk.softmaxBackward(y, dy, cols) // y = lk.softmax(x, cols)
   */
  function softmaxBackward(y: Float32Array, dy: Float32Array, cols: number, opts?: ElementwiseOptions): Float32Array {
    const a = backwardArgs('softmaxBackward', y, dy, cols, opts);
    return k.softmaxBackward(a.y, a.dy, a.cols, a.out);
  }

  /**
   * `softmaxBackward` off the JS thread (see `softmaxAsync` for what happens to the buffers).
   * @param y The softmax output, rows × cols.
   * @param dy The gradient with respect to y, same length.
   * @param cols The row length.
   * @param opts `out` (length of y).
   * @example const dx = await lk.softmaxBackwardAsync(y, dy, cols)
   */
  async function softmaxBackwardAsync(y: Float32Array, dy: Float32Array, cols: number, opts?: ElementwiseOptions): Promise<Float32Array> {
    const a = backwardArgs('softmaxBackwardAsync', y, dy, cols, opts);
    return k.softmaxBackwardAsync(a.y, a.dy, a.cols, a.out);
  }

  /**
   * σ(x) = 1/(1 + e^−x), evaluated with e^−|x| so it never overflows.
   * @param x Input values, any length.
   * @param opts `out`: output buffer of x.length (may be `x`).
   * @example lk.sigmoid(new Float32Array([-1e30, 0, 3])) // [0, 0.5, 0.9526]
   */
  function sigmoid(x: Float32Array, opts?: ElementwiseOptions): Float32Array {
    const a = elementwiseArgs('sigmoid', x, opts);
    return k.sigmoid(a.x, a.out);
  }

  /**
   * log σ(x) = min(x, 0) − log1p(e^−|x|); no overflow or cancellation for any finite x.
   * @param x Input values, any length.
   * @param opts `out`: output buffer of x.length (may be `x`).
   * @example lk.logSigmoid(new Float32Array([-1e30, 0])) // [-1e30, -0.6931]
   */
  function logSigmoid(x: Float32Array, opts?: ElementwiseOptions): Float32Array {
    const a = elementwiseArgs('logSigmoid', x, opts);
    return k.logSigmoid(a.x, a.out);
  }

  /**
   * softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^−|x|) (no threshold, no overflow).
   * @param x Input values, any length.
   * @param opts `out`: output buffer of x.length (may be `x`).
   * @example lk.softplus(new Float32Array([-100, 0, 1e30])) // [3.7e-44, 0.6931, 1e30]
   */
  function softplus(x: Float32Array, opts?: ElementwiseOptions): Float32Array {
    const a = elementwiseArgs('softplus', x, opts);
    return k.softplus(a.x, a.out);
  }

  /**
   * logit(p) = log p − log1p(−p): −Infinity at 0, +Infinity at 1, NaN outside [0, 1].
   * @param p Probabilities, any length.
   * @param opts `out`: output buffer of p.length (may be `p`).
   * @example lk.logit(new Float32Array([0.5, 0.9])) // [0, 2.1972]
   */
  function logit(p: Float32Array, opts?: ElementwiseOptions): Float32Array {
    const a = elementwiseArgs('logit', p, opts, 'p');
    return k.logit(a.x, a.out);
  }

  return {
    logSumExp, logSumExpAsync, softmax, logSoftmax, softmaxAsync, logSoftmaxAsync, softmaxBackward, softmaxBackwardAsync,
    sigmoid, logSigmoid, softplus, logit,
  };
}
