// The cross-entropy family's kernel contract: what native/bindings/xent.cc and
// lib/reference/xent.ts both implement. Arguments are already validated by lib/xent.ts.

/** The reduction names the kernels take (the public option type is re-exported from here). */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * Raw kernels of this family, implemented by the addon (native/bindings/xent.cc) and by
 * lib/reference/xent.ts. Arguments are already validated; outputs are always supplied.
 */
export interface XentKernels {
  /**
   * Fused forward + backward over rows = labels.length rows of `cols` logits. Writes lse (rows),
   * rowLoss (rows, when not null), grad (rows·cols, when not null; may alias logits) and
   * total[0] (the reduced loss: the sum of the row losses for 'sum' and 'none').
   */
  softmaxCrossEntropy(
    logits: Float32Array, labels: Int32Array, cols: number, ignoreIndex: number, labelSmoothing: number,
    classWeights: Float32Array | null, zLoss: number, reduction: Reduction,
    grad: Float32Array | null, lse: Float32Array, rowLoss: Float32Array | null, total: Float64Array,
  ): Float64Array;
  /** `softmaxCrossEntropy` off the JS thread; resolves to `total` (see binaryCrossEntropyWithLogitsAsync). */
  softmaxCrossEntropyAsync(
    logits: Float32Array, labels: Int32Array, cols: number, ignoreIndex: number, labelSmoothing: number,
    classWeights: Float32Array | null, zLoss: number, reduction: Reduction,
    grad: Float32Array | null, lse: Float32Array, rowLoss: Float32Array | null, total: Float64Array,
  ): Promise<Float64Array>;
  /** Elementwise; element i uses posWeight[i mod posWeight.length] (1 when null). */
  binaryCrossEntropyWithLogits(
    logits: Float32Array, targets: Float32Array, posWeight: Float32Array | null, reduction: Reduction,
    grad: Float32Array | null, loss: Float32Array | null, total: Float64Array,
  ): Float64Array;
  /**
   * `binaryCrossEntropyWithLogits` off the JS thread; resolves to `total`. Natively it works on
   * private copies taken at the call and writes grad / loss / total back when it completes
   * (ERR_LOGITKIT_DETACHED, nothing written, when one of them was detached meanwhile).
   */
  binaryCrossEntropyWithLogitsAsync(
    logits: Float32Array, targets: Float32Array, posWeight: Float32Array | null, reduction: Reduction,
    grad: Float32Array | null, loss: Float32Array | null, total: Float64Array,
  ): Promise<Float64Array>;
}
