// The beam family's kernel contract: what native/bindings/beam.cc and lib/reference/beam.ts both
// implement. Arguments are already validated by lib/beam.ts.

/** Raw kernels of this family, implemented by the addon and by lib/reference/beam.ts. */
export interface BeamKernels {
  /**
   * One step of (stochastic) beam search over `rows = x.length / vocab` live prefixes: writes the
   * `cap` best children, best first, and returns how many there are, or −1 − the flat index of
   * the first NaN / +Infinity entry of x (then the outputs are unspecified).
   *
   * Child (b, j): log-probability φ = (parentLogp[b] − lse_b) + x[b·vocab + j] (lse_b the row's
   * log-sum-exp when `normalize`, else 0). Without noise (parentG null) its value is φ. With
   * noise its value is the truncated-Gumbel shift below T = parentG[b] of G = φ + Gumbel(word),
   * the word being word j%4 of Philox block (j/4, b, step, 0) under key (k0, k1):
   * −log(e^−T − e^−Z + e^−G), Z = max over the row's G (the maximal child gets exactly T).
   * Order: larger value first, ties to the lower b·vocab + j; φ = −Infinity never enters. With
   * noise only a row's `cap` best by G are shifted (the same selection in exact arithmetic; it
   * decides which child is kept where rounding makes shifted values equal).
   */
  beamStep(
    x: Float32Array, vocab: number, parentLogp: Float64Array, parentG: Float64Array | null, normalize: boolean,
    k0: number, k1: number, step: number, cap: number,
    outParent: Int32Array, outToken: Int32Array, outLogp: Float64Array, outValue: Float64Array,
  ): number;
}
