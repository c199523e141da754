/**
 * `logitkit/reference`: the pure-TypeScript implementations, with the same signatures as the
 * main entry point. They compute in float64 and round once; they are the conformance
 * reference the native kernels are tested against, and the fallback when no binary loads.
 * @packageDocumentation
 */
import type { Kernels } from '../kernels/index.js';
import { createBeamApi } from '../beam.js';
import { createCalibrationApi } from '../calibration.js';
import { createDecodingApi } from '../decoding.js';
import { createSamplingApi } from '../sampling.js';
import { createTopkApi } from '../topk.js';
import { createXentApi } from '../xent.js';
import { Rng as BaseRng } from '../rng.js';
import { createSoftmaxApi } from '../softmax.js';
import { AliasSampler as BaseAliasSampler, createNceApi } from '../nce.js';
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

/**
 * An AliasSampler whose draws run on the reference kernels (same table, same draws).
 * @example
 * import { AliasSampler } from 'logitkit/reference';
 * new AliasSampler(new Float64Array([1, 2, 3])).sample(8, { seed: 1 })
 */
export class AliasSampler extends BaseAliasSampler {
  protected override kernels(): Kernels {
    return referenceKernels;
  }
}

export const {
  /** @function */ logSumExp,
  /** @function */ logSumExpAsync,
  /** @function */ softmax,
  /** @function */ logSoftmax,
  /** @function */ softmaxAsync,
  /** @function */ logSoftmaxAsync,
  /** @function */ softmaxBackward,
  /** @function */ softmaxBackwardAsync,
  /** @function */ sigmoid,
  /** @function */ logSigmoid,
  /** @function */ softplus,
  /** @function */ logit,
} = createSoftmaxApi(referenceKernels);

export const {
  /** @function */ softmaxCrossEntropy,
  /** @function */ softmaxCrossEntropyAsync,
  /** @function */ binaryCrossEntropyWithLogits,
  /** @function */ binaryCrossEntropyWithLogitsAsync,
} = createXentApi(referenceKernels);
export const {
  /** @function */ topk,
  /** @function */ topkAsync,
  /** @function */ argmax,
  /** @function */ argmaxAsync,
} = createTopkApi(referenceKernels);
export const {
  /** @function */ gumbel,
  /** @function */ gumbelAsync,
  /** @function */ truncatedGumbel,
  /** @function */ truncatedGumbelAsync,
  /** @function */ sampleCategorical,
  /** @function */ sampleCategoricalAsync,
  /** @function */ gumbelSoftmax,
  /** @function */ gumbelSoftmaxAsync,
  /** @function */ gumbelTopK,
  /** @function */ gumbelTopKAsync,
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
  /** @function */ entropy,
  /** @function */ klUniform,
  /** @function */ temperatureNll,
  /** @function */ fitTemperature,
  /** @function */ fitTemperatureInfo,
  /** @function */ confidence,
  /** @function */ reliabilityDiagram,
  /** @function */ expectedCalibrationError,
  /** @function */ gaussianKL,
} = createCalibrationApi(referenceKernels);
export { reliabilityDiagramSvg } from '../calibration.js';
export const {
  /** @function */ nceLogits,
  /** @function */ nceLoss,
  /** @function */ nceLossAsync,
  /** @function */ skipGramStep,
  /** @function */ skipGramStepAsync,
} = createNceApi(referenceKernels);
export { unigramNoise } from '../nce.js';
export const {
  /** @function */ sampleNext,
  /** @function */ sampleNextAsync,
  /** @function */ decoder,
} = createDecodingApi(referenceKernels);
export { referenceKernels as kernels };
