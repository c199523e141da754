// The raw kernel interface that both backends implement: the native binding exports exactly
// these functions, and lib/reference/kernels.ts implements them in TypeScript. Arguments are
// already validated; `out` is always supplied and returned.

import type { SamplingKernels } from './sampling.js';
import type { TopkKernels } from './topk.js';
import type { XentKernels } from './xent.js';

export interface Kernels extends XentKernels, TopkKernels, SamplingKernels {
  // softmax family (invTemperature = 1 / temperature)
  logSumExp(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  softmax(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  logSoftmax(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  softmaxAsync(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Promise<Float32Array>;
  logSoftmaxAsync(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Promise<Float32Array>;
  softmaxBackward(y: Float32Array, dy: Float32Array, cols: number, out: Float32Array): Float32Array;
  sigmoid(x: Float32Array, out: Float32Array): Float32Array;
  logSigmoid(x: Float32Array, out: Float32Array): Float32Array;
  softplus(x: Float32Array, out: Float32Array): Float32Array;
  logit(x: Float32Array, out: Float32Array): Float32Array;
  // Philox streams: draws [0, out.length) from block (c0..c3) under key (k0, k1)
  philoxUint32(out: Uint32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number): Uint32Array;
  philoxUniform(out: Float32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number): Float32Array;
}

/** What the addon exports besides the kernels. */
export interface NativeBinding extends Kernels {
  abiVersion: number;
  backend(): { isa: 'avx512' | 'avx2' | 'scalar'; cpuIsa: 'avx512' | 'avx2' | 'scalar'; threads: number; cores: number };
  setThreads(n: number): void;
  /** Set when LOGITKIT_ISA named no tier (the CPU's best tier is used). */
  initWarning?: string;
  /** The tier's raw vector exp / log / log1p (accuracy tests only). */
  _exp(x: Float32Array, out: Float32Array): Float32Array;
  _log(x: Float32Array, out: Float32Array): Float32Array;
  _log1p(x: Float32Array, out: Float32Array): Float32Array;
}
