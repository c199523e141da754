// Public top-k and argmax (issue 5).
import type { Kernels } from './kernels.js';

/** Raw kernels of this family, implemented by the addon and by lib/reference/topk.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface TopkKernels {}

function notYet(name: string): never {
  throw new Error(`${name} is not implemented yet`);
}

export function createTopkApi(k: Kernels) {
  void k;
  function topk(..._args: unknown[]): unknown { return notYet('topk'); }
  async function topkAsync(..._args: unknown[]): Promise<unknown> { return notYet('topkAsync'); }
  function argmax(..._args: unknown[]): unknown { return notYet('argmax'); }
  return { topk, topkAsync, argmax };
}
