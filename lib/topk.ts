// Public top-k and argmax (README, "Top-k"): validate, then run the backend's kernel.
import { freshF32, freshI32 } from './alloc.js';
import { rangeError } from './errors.js';
import type { Kernels } from './kernels/index.js';
import { bool, f32, fnPrefix, i32, integer, optionKeys, options, outI32, overlaps, rowsOf } from './validate.js';


export interface TopkOptions {
  /** The k largest (default) or, with `false`, the k smallest. */
  largest?: boolean;
  /** Best first (default). `false` returns the same k elements in an unspecified order. */
  sorted?: boolean;
  /** Output buffers of length rows·k; either or both may be given. They must not overlap x or each other. */
  out?: { values?: Float32Array; indices?: Int32Array };
}

export interface TopkResult {
  /** rows·k values, row-major: values[r·k + j] = x[r·cols + indices[r·k + j]]. */
  values: Float32Array;
  /** rows·k column indices in [0, cols). */
  indices: Int32Array;
}

export interface ArgmaxOptions {
  /** Output buffer of length rows. */
  out?: Int32Array;
}

const MAX_COLS = 2 ** 31 - 1; // indices are Int32

const TOPK_OPTIONS = optionKeys<TopkOptions>({ largest: true, sorted: true, out: true });
const TOPK_OUT = optionKeys<NonNullable<TopkOptions['out']>>({ values: true, indices: true });
const ARGMAX_OPTIONS = optionKeys<ArgmaxOptions>({ out: true });

function colsOf(x: Float32Array, cols: unknown, name: string): { rows: number; cols: number } {
  const rc = rowsOf(x, cols, name);
  if (rc.cols > MAX_COLS) throw rangeError(`${fnPrefix(name)}cols = ${rc.cols} is out of range: expected an integer in [1, ${MAX_COLS}]`);
  return rc;
}

function topkArgs(fn: string, x: unknown, cols: unknown, k: unknown, opts: unknown) {
  const xa = f32(x, `${fn}: x`);
  const { rows, cols: c } = colsOf(xa, cols, `${fn}: x`);
  const kk = integer(k, `${fn}: k`, 0, c);
  const o = options(opts, `${fn}: options`, TOPK_OPTIONS);
  const largest = bool(o.largest, `${fn}: options.largest`, true);
  const sorted = bool(o.sorted, `${fn}: options.sorted`, true);
  const n = rows * kk;
  let values: Float32Array, indices: Int32Array;
  if (o.out === undefined) {
    values = freshF32(n);
    indices = freshI32(n);
  } else {
    const out = options(o.out, `${fn}: options.out`, TOPK_OUT);
    // the given buffers are checked before the missing one is allocated
    const v = out.values === undefined ? undefined : f32(out.values, `${fn}: options.out.values`);
    const i = out.indices === undefined ? undefined : i32(out.indices, `${fn}: options.out.indices`);
    for (const [a, name] of [[v, 'values'], [i, 'indices']] as const) {
      if (a === undefined) continue;
      if (a.length !== n) {
        throw rangeError(`${fn}: options.out.${name}.length = ${a.length} is out of range: expected rows·k = ${n}`);
      }
      if (overlaps(a, xa)) throw rangeError(`${fn}: options.out.${name} overlaps x: it must be a separate buffer`);
    }
    if (v && i && overlaps(v, i)) throw rangeError(`${fn}: options.out.values and options.out.indices overlap`);
    values = v ?? freshF32(n);
    indices = i ?? freshI32(n);
  }
  return { x: xa, cols: c, k: kk, largest, sorted, values, indices };
}

function argmaxArgs(x: unknown, cols: unknown, opts: unknown, fn = 'argmax') {
  const xa = f32(x, `${fn}: x`);
  const { rows, cols: c } = colsOf(xa, cols, `${fn}: x`);
  const o = options(opts, `${fn}: options`, ARGMAX_OPTIONS);
  const out = outI32(o.out, rows, `${fn}: options.out`, [], `rows = ${rows}`);
  return { x: xa, cols: c, out };
}

export function createTopkApi(k: Kernels) {
  const kernels = k; // for the functions whose parameter `k` (how many) shadows it
  /**
   * The k best elements of each row and their column indices, O(cols·log k) per row.
   *
   * Order (one total order, the same on every backend): values descending; NaN ranks above
   * +Infinity (as torch.topk); -0 and +0 are equal; equal values are taken lowest index first
   * (each value is returned as the input holds it, so a tied -0 stays -0).
   * With `largest: false` the values are ascending, but NaN still counts as the largest
   * value, so NaNs are chosen last (only when fewer than k non-NaN elements exist).
   * `sorted: false` returns the same k elements in an unspecified order (currently the
   * selection's internal order: deterministic for a backend and tier, independent of the
   * thread count, but different across tiers and from the reference).
   * k = 0 gives empty outputs; k > cols is a RangeError.
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param k How many per row, 0 ≤ k ≤ cols.
   * @param opts `largest` (default true), `sorted` (default true), `out: { values?, indices? }` of rows·k each.
   * @example topk(new Float32Array([1, 5, 3, 5]), 4, 2) // → { values: [5, 5], indices: [1, 3] }
   */
  function topk(x: Float32Array, cols: number, k: number, opts?: TopkOptions): TopkResult {
    const a = topkArgs('topk', x, cols, k, opts);
    kernels.topk(a.x, a.cols, a.k, a.largest, a.sorted, a.values, a.indices);
    return { values: a.values, indices: a.indices };
  }

  /**
   * `topk` off the JS thread, resolving to `{ values, indices }`. The call copies x before it
   * returns; the outputs are written when it completes, or, if one of them was transferred or
   * detached meanwhile, the promise rejects with `ERR_LOGITKIT_DETACHED` and nothing is written
   * (see `softmaxAsync`).
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param k How many per row, 0 ≤ k ≤ cols.
   * @param opts As for `topk`.
   * @example const { values, indices } = await topkAsync(logits, 50257, 40)
   */
  async function topkAsync(x: Float32Array, cols: number, k: number, opts?: TopkOptions): Promise<TopkResult> {
    const a = topkArgs('topkAsync', x, cols, k, opts);
    await kernels.topkAsync(a.x, a.cols, a.k, a.largest, a.sorted, a.values, a.indices);
    return { values: a.values, indices: a.indices };
  }

  /**
   * Per row, the index of the largest element: the first one among equal maxima; a NaN is the
   * largest (the first NaN wins, as torch.argmax). Same order as `topk`, so
   * `argmax(x, cols)` equals `topk(x, cols, 1).indices`; -0 and +0 are equal, so the first of
   * them wins, as torch.argmax and NumPy return it.
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param opts `out`: an Int32Array(rows) to write into.
   * @example argmax(new Float32Array([1, 3, 3, 0]), 4) // → [1]
   */
  function argmax(x: Float32Array, cols: number, opts?: ArgmaxOptions): Int32Array {
    const a = argmaxArgs(x, cols, opts);
    return k.argmax(a.x, a.cols, a.out);
  }

  /**
   * `argmax` off the JS thread (buffers as for `topkAsync`).
   * @param x Row-major logits, rows × cols (any Float32Array view).
   * @param cols The row length; `x.length` must be a multiple of it (rows = x.length / cols).
   * @param opts As for `argmax`: `out`, an Int32Array(rows) to write into.
   * @example const next = await argmaxAsync(logits, 50257)
   */
  async function argmaxAsync(x: Float32Array, cols: number, opts?: ArgmaxOptions): Promise<Int32Array> {
    const a = argmaxArgs(x, cols, opts, 'argmaxAsync');
    return k.argmaxAsync(a.x, a.cols, a.out);
  }

  return { topk, topkAsync, argmax, argmaxAsync };
}
