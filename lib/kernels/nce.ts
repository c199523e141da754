// The NCE family's kernel contract: what native/bindings/nce.cc and lib/reference/nce.ts both
// implement. Arguments are already validated by lib/nce.ts; outputs are always supplied.

/**
 * Raw kernels of this family. `logk` is log k for NCE and 0 for negative sampling (then
 * `logNoise` is null). Streams are (key0, key1, ctr0..ctr3) as reserved by an Rng.
 */
export interface NceKernels {
  /** out[i] = scores[i] − logk − logNoise[i] (logNoise null: scores[i] − logk). */
  nceLogits(scores: Float32Array, logNoise: Float32Array | null, logk: number, out: Float32Array): Float32Array;
  /**
   * Rows of `cols` = 1 + k scores. Writes grad = gradScale·∂ℓ/∂s (when not null; may alias
   * scores), rowLoss (when not null) and total[0] = Σ row losses (row order).
   */
  nceLoss(
    scores: Float32Array, logNoise: Float32Array | null, logk: number, cols: number, gradScale: number,
    grad: Float32Array | null, rowLoss: Float32Array | null, total: Float64Array,
  ): Float64Array;
  nceLossAsync(
    scores: Float32Array, logNoise: Float32Array | null, logk: number, cols: number, gradScale: number,
    grad: Float32Array | null, rowLoss: Float32Array | null, total: Float64Array,
  ): Promise<Float64Array>;
  /** out[i] = the alias draw of word i of the stream (table: V pairs threshold, alias). */
  aliasSample(
    table: Uint32Array, out: Int32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
  ): Int32Array;
  aliasSampleAsync(
    table: Uint32Array, out: Int32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
  ): Promise<Int32Array>;
  /**
   * One skip-gram SGD step: noise words drawn into `noise` (pairs × k, word i of the stream is
   * noise[i]), then the step in deterministic or hogwild mode. total[0] = Σ pair losses.
   */
  skipGramStep(
    input: Float32Array, output: Float32Array, dim: number, centre: Int32Array, context: Int32Array, k: number,
    table: Uint32Array, logNoise: Float32Array | null, logk: number, lr: number, hogwild: boolean,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, noise: Int32Array, total: Float64Array,
  ): Float64Array;
  skipGramStepAsync(
    input: Float32Array, output: Float32Array, dim: number, centre: Int32Array, context: Int32Array, k: number,
    table: Uint32Array, logNoise: Float32Array | null, logk: number, lr: number, hogwild: boolean,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, noise: Int32Array, total: Float64Array,
  ): Promise<Float64Array>;
}
