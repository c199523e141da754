/**
 * `logitkit/reference`: the pure-TypeScript implementations, with the same signatures as the
 * main entry point. They compute in float64 and round once; they are the conformance
 * reference the native kernels are tested against, and the fallback when no binary loads.
 * @packageDocumentation
 */
import type { Kernels } from '../kernels/index.js';
import { createBeamApi } from '../beam.js';
import { createDecodingApi } from '../decoding.js';
import { createSamplingApi } from '../sampling.js';
import { createTopkApi } from '../topk.js';
import { createXentApi } from '../xent.js';
import { Rng as BaseRng } from '../rng.js';
import { createSoftmaxApi } from '../softmax.js';
import { referenceKernels } from './kernels.js';

/**
 * An Rng whose uint32/uniform run on the reference kernels (same stream, bit for bit).
 * @example
 * import { Rng, gumbel } from 'logitkit/reference';
 * gumbel(4, { rng: new Rng(42) }); // same words as lk.gumbel(4, { seed: 42 }), values within a few ulp
 */
export class Rng extends BaseRng {
  protected override kernels(): Kernels {
    return referenceKernels;
  }
}

export const {
  /** @function */ logSumExp,
  /** @function */ softmax,
  /** @function */ logSoftmax,
  /** @function */ softmaxAsync,
  /** @function */ logSoftmaxAsync,
  /** @function */ softmaxBackward,
  /** @function */ sigmoid,
  /** @function */ logSigmoid,
  /** @function */ softplus,
  /** @function */ logit,
} = createSoftmaxApi(referenceKernels);

export const {
  /** @function */ softmaxCrossEntropy,
  /** @function */ softmaxCrossEntropyAsync,
  /** @function */ binaryCrossEntropyWithLogits,
} = createXentApi(referenceKernels);
export const {
  /** @function */ topk,
  /** @function */ topkAsync,
  /** @function */ argmax,
} = createTopkApi(referenceKernels);
export const {
  /** @function */ gumbel,
  /** @function */ truncatedGumbel,
  /** @function */ sampleCategorical,
  /** @function */ gumbelSoftmax,
  /** @function */ gumbelTopK,
  /** @namespace */ sample,
} = createSamplingApi(referenceKernels);
export const {
  /** @function */ stochasticBeamSearch,
  /** @function */ beamSearch,
  /** @function */ inclusionProbability,
  /** @function */ logInclusionProbability,
  /** @function */ sbsEstimate,
} = createBeamApi(referenceKernels);
export const {
  /** @function */ sampleNext,
  /** @function */ sampleNextAsync,
  /** @function */ decoder,
} = createDecodingApi(referenceKernels);
export { referenceKernels as kernels };
