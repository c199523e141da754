// The raw kernel interface that both backends implement: the native binding exports exactly
// these functions, and lib/reference/kernels.ts implements them in TypeScript. One contract
// file per family (lib/kernels/<family>.ts); this file joins them. Dependency direction:
// public API (lib/<family>.ts) → backend → {native, reference} → these contracts, which
// import nothing but each other.
import type { BeamKernels } from './beam.js';
import type { CudaDriver } from './cuda.js';
import type { CalibrationKernels } from './calibration.js';
import type { DecodingKernels } from './decoding.js';
import type { RngKernels } from './rng.js';
import type { SamplingKernels } from './sampling.js';
import type { SoftmaxKernels } from './softmax.js';
import type { TopkKernels } from './topk.js';
import type { XentKernels } from './xent.js';
import type { NceKernels } from './nce.js';

export type { BeamKernels, CalibrationKernels, DecodingKernels, NceKernels, RngKernels, SamplingKernels, SoftmaxKernels, TopkKernels, XentKernels };

export interface Kernels extends SoftmaxKernels, RngKernels, XentKernels, TopkKernels, SamplingKernels, BeamKernels, CalibrationKernels, NceKernels, DecodingKernels {}

/** What the addon exports besides the kernels. */
export interface NativeBinding extends Kernels {
  abiVersion: number;
  backend(): { isa: 'avx512' | 'avx2' | 'neon' | 'scalar'; cpuIsa: 'avx512' | 'avx2' | 'neon' | 'scalar'; threads: number; cores: number };
  setThreads(n: number): void;
  /** The pool's polling window in µs (native/pool.cc; 0 = sleep at once); absent from older binaries. */
  setSpin?(microseconds: number): void;
  spinFromEnv?(): boolean;
  addressMod64?(a: ArrayBufferView): number;
  /** The optional CUDA library's driver (lib/cuda.ts); absent from binaries built before it. */
  cuda?: CudaDriver;
  /** madvise(MADV_HUGEPAGE) on the 2 MB-aligned interior of a fresh output (lib/alloc.ts); true when advised. */
  adviseHugePages?(b: ArrayBuffer): boolean;
  /** glibc's mallopt(M_MMAP_THRESHOLD, M_TRIM_THRESHOLD), once per process (lib/backend.ts); true when set. */
  keepLargeBlocks?(mmapBytes: number, trimBytes: number): boolean;
  /** Set when LOGITKIT_ISA named no tier (the CPU's best tier is used). */
  initWarning?: string;
  /** The tier's raw vector exp / log / log1p (accuracy tests only). */
  _exp(x: Float32Array, out: Float32Array): Float32Array;
  _log(x: Float32Array, out: Float32Array): Float32Array;
  _log1p(x: Float32Array, out: Float32Array): Float32Array;
}
