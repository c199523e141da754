/**
 * `logitkit/reference`: the pure-TypeScript implementations, with the same signatures as the
 * main entry point. They compute in float64 and round once; they are the conformance
 * reference the native kernels are tested against, and the fallback when no binary loads.
 * @packageDocumentation
 */
import type { Kernels } from '../kernels/index.js';
import { createDecodingApi } from '../decoding.js';
import { createSamplingApi } from '../sampling.js';
import { createTopkApi } from '../topk.js';
import { createXentApi } from '../xent.js';
import { Rng as BaseRng } from '../rng.js';
import { createSoftmaxApi } from '../softmax.js';
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
export const { sampleNext, sampleNextAsync, decoder } = createDecodingApi(referenceKernels);
export { referenceKernels as kernels };
