// Which kernels run: the native binding when it loaded, else the TypeScript reference.
import type { Kernels } from './kernels.js';
import { loaded, native } from './native.js';
import { referenceKernels } from './reference/kernels.js';
import { integer } from './validate.js';
import { VERSION } from './version.js';

export const kernels: Kernels = native ?? referenceKernels;

export interface BackendInfo {
  /** 'native' when the addon runs the kernels, 'js' for the TypeScript reference. */
  name: 'native' | 'js';
  /** The CPU tier in use ('scalar' for the js backend). */
  isa: 'avx512' | 'avx2' | 'scalar';
  /** The best tier this CPU and OS support, before the LOGITKIT_ISA cap. */
  cpuIsa?: 'avx512' | 'avx2' | 'scalar';
  cuda: boolean;
  threads: number;
  version: string;
  /** Why the native addon is not in use, when it is not and that was not asked for. */
  reason?: string;
}

let jsThreads = 1;

export function backend(): BackendInfo {
  if (native) {
    const b = native.backend();
    return { name: 'native', isa: b.isa, cpuIsa: b.cpuIsa, cuda: false, threads: b.threads, version: VERSION };
  }
  const info: BackendInfo = { name: 'js', isa: 'scalar', cuda: false, threads: jsThreads, version: VERSION };
  if (loaded.error) info.reason = loaded.error;
  return info;
}

/** Threads for large native calls (default: the cores available to this process). */
export function setThreads(n: number): void {
  const t = integer(n, 'threads', 1, 1024);
  if (native) native.setThreads(t);
  else jsThreads = t; // the reference runs on the calling thread; recorded for backend()
}
