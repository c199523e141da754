// The top-k family's kernel contract: what native/bindings/topk.cc and lib/reference/topk.ts
// both implement. Arguments are already validated by lib/topk.ts.

/** Raw kernels of this family, implemented by the addon and by lib/reference/topk.ts. */
export interface TopkKernels {
  /** Writes rows·k values and indices (already validated) and returns `values`. */
  topk(
    x: Float32Array, cols: number, k: number, largest: boolean, sorted: boolean,
    values: Float32Array, indices: Int32Array,
  ): Float32Array;
  /** `topk` on a worker thread; resolves to `values`. */
  topkAsync(
    x: Float32Array, cols: number, k: number, largest: boolean, sorted: boolean,
    values: Float32Array, indices: Int32Array,
  ): Promise<Float32Array>;
  /** out[r] = index of the first largest element of row r (NaN wins). */
  argmax(x: Float32Array, cols: number, out: Int32Array): Int32Array;
}
