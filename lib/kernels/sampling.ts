// The sampling family's kernel contract: what native/bindings/sampling.cc and
// lib/reference/sampling.ts both implement. Arguments are already validated by lib/sampling.ts.

/** Sampler ids of the `sampleMap` kernel (native/kernels/sampling.h LkSampleKind). */
export const SAMPLE_KIND = { normal: 0, exponential: 1, laplace: 2, cauchy: 3, logNormal: 4, rademacher: 5 } as const;

/**
 * Raw kernels of this family, implemented by the addon and by lib/reference/sampling.ts. The
 * streams (k0…c3, perRow) are reserved by the caller before the call, so each `...Async` twin
 * draws exactly what its sync twin would; it takes the same arguments and resolves to what the
 * sync twin returns (natively: off the JS thread, on private copies written back at completion,
 * ERR_LOGITKIT_DETACHED when an output was detached meanwhile).
 */
export interface SamplingKernels {
  /** out[i] = loc + scale·G(word i): the full-word Gumbel (README, "Randomness"), with interleaved Philox chains. */
  sampleGumbel(
    out: Float32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
    loc: number, scale: number,
  ): Float32Array;
  /**
   * out[r] = argmaxⱼ (x[r,j]·invT + G(word)), −1 for a row without a finite candidate. The words
   * of row r are draws r·cols … of the stream (k0…c3), or draws 0 … cols−1 of row r's own stream
   * when perRow (6 words a row: k0, k1, c0…c3) is given.
   */
  sampleCategorical(
    x: Float32Array, cols: number, invT: number, out: Int32Array,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, perRow: Uint32Array | null,
  ): Int32Array;
  /** The k largest x + G per row, best first (ties: lower index); −1 / -Infinity past the support. */
  gumbelTopK(
    x: Float32Array, cols: number, k: number, indices: Int32Array, perturbed: Float32Array,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, perRow: Uint32Array | null,
  ): void;
  /** y = softmax((x + G)·invTau) per row (one-hot of the argmax when hard), index = the argmax. */
  gumbelSoftmax(
    x: Float32Array, cols: number, invTau: number, hard: boolean, y: Float32Array, index: Int32Array,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, perRow: Uint32Array | null,
  ): Float32Array;
  /**
   * A reparameterised sampler (SAMPLE_KIND), one word per draw: out[i] = a_i + b_i·X(word i) for
   * normal / Laplace / Cauchy, E/b_i (exponential), exp(a_i + b_i·Z) (log-normal), ±1
   * (Rademacher); a_i = aArr[i] or a, b_i likewise.
   */
  sampleMap(
    kind: number, out: Float32Array, aArr: Float32Array | null, a: number, bArr: Float32Array | null, b: number,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
  ): Float32Array;
  /** Gumbel(loc[i]) conditioned on ≤ T (tArr[i], or t when tArr is null): T − softplus(T − g). */
  truncatedGumbel(
    loc: Float32Array, t: number, tArr: Float32Array | null, out: Float32Array,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
  ): Float32Array;
  sampleGumbelAsync(
    out: Float32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
    loc: number, scale: number,
  ): Promise<Float32Array>;
  sampleCategoricalAsync(
    x: Float32Array, cols: number, invT: number, out: Int32Array,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, perRow: Uint32Array | null,
  ): Promise<Int32Array>;
  gumbelTopKAsync(
    x: Float32Array, cols: number, k: number, indices: Int32Array, perturbed: Float32Array,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, perRow: Uint32Array | null,
  ): Promise<void>;
  gumbelSoftmaxAsync(
    x: Float32Array, cols: number, invTau: number, hard: boolean, y: Float32Array, index: Int32Array,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, perRow: Uint32Array | null,
  ): Promise<Float32Array>;
  sampleMapAsync(
    kind: number, out: Float32Array, aArr: Float32Array | null, a: number, bArr: Float32Array | null, b: number,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
  ): Promise<Float32Array>;
  truncatedGumbelAsync(
    loc: Float32Array, t: number, tArr: Float32Array | null, out: Float32Array,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
  ): Promise<Float32Array>;
}
