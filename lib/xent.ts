// Public fused softmax cross-entropy and binary cross-entropy with logits (issue 3).
import type { Kernels } from './kernels.js';

/** Raw kernels of this family, implemented by the addon and by lib/reference/xent.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface XentKernels {}

function notYet(name: string): never {
  throw new Error(`${name} is not implemented yet`);
}

export function createXentApi(k: Kernels) {
  void k;
  function softmaxCrossEntropy(..._args: unknown[]): unknown { return notYet('softmaxCrossEntropy'); }
  async function softmaxCrossEntropyAsync(..._args: unknown[]): Promise<unknown> { return notYet('softmaxCrossEntropyAsync'); }
  function binaryCrossEntropyWithLogits(..._args: unknown[]): unknown { return notYet('binaryCrossEntropyWithLogits'); }
  return { softmaxCrossEntropy, softmaxCrossEntropyAsync, binaryCrossEntropyWithLogits };
}
