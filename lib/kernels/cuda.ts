// The contract of the addon's optional `cuda` export (native/cuda/host.h): the driver that
// lib/cuda.ts builds device arrays and the CUDA-capable functions on.
/** What the addon's `cuda` export provides (a fake one in the host-logic tests). */
export interface CudaDriver {
  info(): CudaInfo;
  alloc(bytes: number): object;
  free(handle: object): void;
  /** Whole host array ↔ the start of the device buffer. */
  copy(handle: object, host: ArrayBufferView, toDevice: boolean): void;
  run(op: string, buffers: (object | null)[], numbers: number[]): void;
}

/** The CUDA device in use, or why there is none (`backend().cudaInfo`). */
export interface CudaInfo {
  /** True when logitkit_cuda.so loaded and reports at least one device. */
  available: boolean;
  /** Why CUDA is not available, e.g. 'no CUDA driver (libcuda.so.1 not found)'. */
  reason?: string;
  /** Device 0's name, e.g. 'NVIDIA H100 80GB HBM3'. */
  name?: string;
  /** Device 0's compute capability, e.g. '9.0'. */
  computeCapability?: string;
  /** The driver's CUDA version, e.g. '13.0'. */
  driverVersion?: string;
  /** The CUDA runtime logitkit_cuda.so was built with. */
  runtimeVersion?: string;
  devices?: number;
  /** Device 0's streaming multiprocessors. */
  multiprocessors?: number;
  memoryBytes?: number;
  /** Theoretical peak memory bandwidth (2 · memory clock · bus width), GB/s. */
  peakBandwidthGBs?: number;
  /** The library that was (or would have been) loaded. */
  library?: string;
}
