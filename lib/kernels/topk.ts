// The top-k family's kernel contract: what native/bindings/topk.cc and lib/reference/topk.ts
// both implement. Arguments are already validated by lib/topk.ts.

/** Raw kernels of this family, implemented by the addon and by lib/reference/topk.ts. */
export interface TopkKernels {
  /** Writes rows·k values and indices (already validated) and returns `values`. */
  topk(
    x: Float32Array, cols: number, k: number, largest: boolean, sorted: boolean,
    values: Float32Array, indices: Int32Array,
  ): Float32Array;
  /**
   * `topk` off the JS thread; resolves to `values`. Natively it works on private copies taken
   * at the call and writes values / indices back when it completes (ERR_LOGITKIT_DETACHED,
   * nothing written, when one of them was detached meanwhile).
   */
  topkAsync(
    x: Float32Array, cols: number, k: number, largest: boolean, sorted: boolean,
    values: Float32Array, indices: Int32Array,
  ): Promise<Float32Array>;
  /** out[r] = index of the first largest element of row r (NaN wins). */
  argmax(x: Float32Array, cols: number, out: Int32Array): Int32Array;
  /** `argmax` off the JS thread; resolves to `out`. */
  argmaxAsync(x: Float32Array, cols: number, out: Int32Array): Promise<Int32Array>;
}
