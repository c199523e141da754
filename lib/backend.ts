// Which kernels run: the native binding when it loaded, else the TypeScript reference.
import type { CudaInfo } from './kernels/cuda.js';
import type { Kernels } from './kernels/index.js';
import { setHugePageAdvice } from './alloc.js';
import { loaded, native } from './native.js';
import { referenceKernels } from './reference/kernels.js';
import { integer } from './validate.js';
import { VERSION } from './version.js';

export const kernels: Kernels = native ?? referenceKernels;
// LOGITKIT_HUGEPAGES=0 turns the advice off (README, "Performance").
if (native?.adviseHugePages && process.env.LOGITKIT_HUGEPAGES !== '0') setHugePageAdvice(native.adviseHugePages.bind(native));

/** Freed blocks up to this size are kept for reuse instead of unmapped (README, "Performance"). */
export const KEEP_BLOCK_BYTES = 128 << 20;
/** At most this much freed memory at the heap top is kept instead of returned to the system. */
export const KEEP_TRIM_BYTES = 256 << 20;
// A fresh output of a repeated call reuses the memory its predecessor freed instead of
// faulting in (and having the OS zero) new pages: that is what puts the default call within
// reach of `out` (README, "Performance"). LOGITKIT_MALLOC=system leaves the allocator as it was.
const mallocTuned =
  !!native?.keepLargeBlocks && process.env.LOGITKIT_MALLOC !== 'system' && native.keepLargeBlocks(KEEP_BLOCK_BYTES, KEEP_TRIM_BYTES);

export interface BackendInfo {
  /** 'native' when the addon runs the kernels, 'js' for the TypeScript reference. */
  name: 'native' | 'js';
  /** The CPU tier in use: 'avx512' or 'avx2' on x86-64, 'neon' on ARM64, 'scalar' anywhere (and for the js backend). */
  isa: 'avx512' | 'avx2' | 'neon' | 'scalar';
  /** The best tier this CPU and OS support, before the LOGITKIT_ISA cap (native only: absent on 'js'). */
  cpuIsa?: 'avx512' | 'avx2' | 'neon' | 'scalar';
  /** True only when logitkit_cuda.so loaded and reports a CUDA device (README, "CUDA"). */
  cuda: boolean;
  /** The CUDA device (name, compute capability, driver version), or the reason there is none. */
  cudaInfo: CudaInfo;
  threads: number;
  version: string;
  /**
   * Whether the native addon raised glibc's mmap and trim thresholds at load so that large
   * fresh outputs reuse freed memory (false on the js backend, off glibc, with LOGITKIT_MALLOC=system).
   */
  keepsFreedMemory: boolean;
  /** Why the native addon is not in use (one line; 'js' only, absent with LOGITKIT_BACKEND=js). */
  reason?: string;
  /** The binary in use (native), or on 'js' the one that failed to load, when one was found. */
  path?: string;
}

let jsThreads = 1;

let cudaCached: CudaInfo | undefined;
/** The CUDA probe, once per process (LOGITKIT_CUDA=0 disables it in the addon). */
export function cudaInfo(): CudaInfo {
  if (!cudaCached) {
    const d = native?.cuda;
    cudaCached = d ? d.info() : { available: false, reason: native ? 'this logitkit binary has no CUDA support (Linux only, or a binary built before it)' : 'the native addon is not in use (CUDA needs it)' };
  }
  return { ...cudaCached };
}

/**
 * What runs the kernels: the native addon (with its CPU tier and thread count) or the
 * TypeScript reference, and why, when the addon was wanted but could not load (the full
 * diagnostic was emitted once as a `LOGITKIT_NATIVE_UNAVAILABLE` warning).
 * @example
 * lk.backend() // { name: 'native', isa: 'avx2', cpuIsa: 'avx2', cuda: false, threads: 2, keepsFreedMemory: true, version: '0.1.0', path: '…/logitkit.node' }
 */
export function backend(): BackendInfo {
  if (native) {
    const b = native.backend();
    const info: BackendInfo = { name: 'native', isa: b.isa, cpuIsa: b.cpuIsa, cuda: cudaInfo().available, cudaInfo: cudaInfo(), threads: b.threads, keepsFreedMemory: mallocTuned, version: VERSION };
    if (loaded.path) info.path = loaded.path;
    return info;
  }
  const info: BackendInfo = { name: 'js', isa: 'scalar', cuda: false, cudaInfo: cudaInfo(), threads: jsThreads, keepsFreedMemory: false, version: VERSION };
  if (loaded.error) info.reason = `${loaded.failure ?? 'load-error'}: ${loaded.cause ?? loaded.error.split('\n')[0]}`;
  if (loaded.path) info.path = loaded.path;
  return info;
}

/**
 * Internal (not exported by the package): how long the native pool's idle threads poll for work
 * before they sleep, in µs (`LOGITKIT_SPIN_US`, README; −1 restores that default). The word2vec
 * trainer sets 0 while its JS thread prepares batches beside the running step, where polling
 * takes a core from it.
 */
export function setPoolSpin(microseconds: number): void {
  native?.setSpin?.(microseconds);
}

/** Internal: the address of `a`'s first byte modulo 64, or −1 where the addon cannot tell. */
export function addressMod64(a: ArrayBufferView): number {
  return native?.addressMod64?.(a) ?? -1;
}

/** Internal: whether `LOGITKIT_SPIN_US` set the pool's polling window when the addon loaded. */
export function poolSpinFromEnv(): boolean {
  return native?.spinFromEnv?.() === true;
}

/**
 * Threads for large native calls (default: the cores available to this process). Results are
 * bit-identical for any thread count; small inputs always run on the calling thread.
 * @param n Thread count, an integer in [1, 1024].
 * @example lk.setThreads(1) // single-threaded, e.g. inside your own worker pool
 */
export function setThreads(n: number): void {
  const t = integer(n, 'setThreads: n', 1, 1024);
  if (native) native.setThreads(t);
  else jsThreads = t; // the reference runs on the calling thread; recorded for backend()
}
