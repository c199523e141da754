/**
 * `logitkit/reference`: the pure-TypeScript implementations, with the same signatures as the
 * main entry point. They compute in float64 and round once; they are the conformance
 * reference the native kernels are tested against, and the fallback when no binary loads.
 * @packageDocumentation
 */
import type { Kernels } from '../kernels/index.js';
import { createSamplingApi } from '../sampling.js';
import { createTopkApi } from '../topk.js';
import { createXentApi } from '../xent.js';
import { Rng as BaseRng } from '../rng.js';
import { createSoftmaxApi } from '../softmax.js';
import { AliasSampler as BaseAliasSampler, createNceApi } from '../nce.js';
import { referenceKernels } from './kernels.js';

/** An Rng whose uint32/uniform run on the reference kernels (same stream, bit for bit). */
export class Rng extends BaseRng {
  protected override kernels(): Kernels {
    return referenceKernels;
  }
}

export const {
  logSumExp, softmax, logSoftmax, softmaxAsync, logSoftmaxAsync, softmaxBackward,
  sigmoid, logSigmoid, softplus, logit,
} = createSoftmaxApi(referenceKernels);

export const { softmaxCrossEntropy, softmaxCrossEntropyAsync, binaryCrossEntropyWithLogits } = createXentApi(referenceKernels);
export const { topk, topkAsync, argmax } = createTopkApi(referenceKernels);
export const { gumbel, truncatedGumbel, sampleCategorical, gumbelSoftmax, gumbelTopK, sample } = createSamplingApi(referenceKernels);
export { unigramNoise } from '../nce.js';
/** An AliasSampler whose draws run on the reference kernels (same table, same draws). */
export class AliasSampler extends BaseAliasSampler {
  protected override kernels(): Kernels {
    return referenceKernels;
  }
}
export const { nceLogits, nceLoss, nceLossAsync, skipGramStep, skipGramStepAsync } = createNceApi(referenceKernels);
export { referenceKernels as kernels };
