// The Philox stream contract: what native/bindings/rng.cc and lib/reference/kernels.ts both
// implement. Draws [0, out.length) from block (c0..c3) under key (k0, k1).

export interface RngKernels {
  philoxUint32(out: Uint32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number): Uint32Array;
  philoxUniform(out: Float32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number): Float32Array;
}
