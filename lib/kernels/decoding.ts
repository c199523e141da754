// The decoding family's kernel contract: what native/bindings/decoding.cc and
// lib/reference/decoding.ts both implement. Arguments are already validated by lib/decoding.ts.

/** Indices into the `params` Float64Array of `sampleNext`. */
export const DECODE_PARAM = {
  temperature: 0, topK: 1, topP: 2, minP: 3, repetitionPenalty: 4, presencePenalty: 5, frequencyPenalty: 6, topN: 7,
} as const;
export const DECODE_PARAMS = 8;

/** Raw kernels of this family, implemented by the addon and by lib/reference/decoding.ts. */
export interface DecodingKernels {
  /**
   * One token per row of x (rows × cols) into `tokens` (−1 for a row without a valid token).
   * params: DECODE_PARAM layout (temperature 0 = greedy, topK 0 = off, topP 1 = off, minP 0 =
   * off). hist/histOff: the previous tokens of row r are hist[histOff[r] .. histOff[r+1]) (histOff
   * null: no history). biasIdx (sorted, unique) / biasVal: the logit bias; banned: sorted,
   * unique. All token ids are in [0, cols). logProbs (rows), topIdx / topLp (rows × topN) are
   * written when given. Streams as in sampleCategorical: row r takes draws r·cols … of the shared
   * stream, or draws 0 … cols − 1 of its own stream when perRow (6 words a row) is given.
   * biasOff / bannedOff (rows + 1 offsets, or null): per-row lists, row r's bias being entries
   * biasOff[r] … biasOff[r+1] − 1 of biasIdx / biasVal (each row's slice sorted and unique), and
   * likewise for banned; null: the lists apply to every row.
   */
  sampleNext(
    x: Float32Array, cols: number, params: Float64Array,
    hist: Int32Array, histOff: Int32Array | null, biasIdx: Int32Array, biasVal: Float64Array, banned: Int32Array,
    tokens: Int32Array, logProbs: Float32Array | null, topIdx: Int32Array | null, topLp: Float32Array | null,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, perRow: Uint32Array | null,
    biasOff?: Int32Array | null, bannedOff?: Int32Array | null,
  ): Int32Array;
  /**
   * The index of the first element of a outside [0, cols), or −1: lib/decoding.ts checks the
   * token histories with it before anything is allocated (a 64-row batch of 512-token histories
   * is 32k ids; a JavaScript loop over them cost about 2 % of a sampleNext call).
   */
  firstOutside(a: Int32Array, cols: number): number;
  /** `sampleNext` on a worker thread; resolves to `tokens`. */
  sampleNextAsync(
    x: Float32Array, cols: number, params: Float64Array,
    hist: Int32Array, histOff: Int32Array | null, biasIdx: Int32Array, biasVal: Float64Array, banned: Int32Array,
    tokens: Int32Array, logProbs: Float32Array | null, topIdx: Int32Array | null, topLp: Float32Array | null,
    k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, perRow: Uint32Array | null,
    biasOff?: Int32Array | null, bannedOff?: Int32Array | null,
  ): Promise<Int32Array>;
}
