/**
 * logitkit: softmax-family kernels for Node.js. Native SIMD (AVX2 / AVX-512 / scalar, chosen at
 * run time) with a pure-TypeScript reference that is both the fallback and the conformance
 * reference (`logitkit/reference`).
 * @packageDocumentation
 */
import { kernels } from './backend.js';
import { createBeamApi } from './beam.js';
import { createCalibrationApi } from './calibration.js';
import { createDecodingApi } from './decoding.js';
import { createSamplingApi } from './sampling.js';
import { createTopkApi } from './topk.js';
import { createXentApi } from './xent.js';
import { createSoftmaxApi } from './softmax.js';
import { createNceApi } from './nce.js';

export { backend, setThreads, type BackendInfo } from './backend.js';
export { Rng, type StreamStart } from './rng.js';
export type { LogitkitError, LogitkitErrorCode } from './errors.js';
export type { SoftmaxOptions, LogSumExpOptions, ElementwiseOptions } from './softmax.js';
export type {
  Reduction, SoftmaxCrossEntropyOptions, SoftmaxCrossEntropyResult, BinaryCrossEntropyOptions, BinaryCrossEntropyResult,
  CrossEntropyGrad,
} from './xent.js';
export type { TopkOptions, TopkResult, ArgmaxOptions } from './topk.js';
export type {
  GumbelOptions, TruncatedGumbelOptions, CategoricalOptions, GumbelSoftmaxOptions, GumbelSoftmaxResult,
  GumbelTopKOptions, GumbelTopKResult, RandomOptions, RowRandomOptions, SampleOptions, Param,
} from './sampling.js';
export type {
  BeamSearchOptions, StochasticBeamSearchOptions, BeamSearchResult, SbsEstimate, LogProbsFn,
} from './beam.js';
export type {
  EntropyOptions, KlUniformOptions, KlUniformResult, TemperatureNllOptions, TemperatureNllResult, FitTemperatureOptions,
  FitTemperatureResult, ConfidenceOptions, CalibrationOptions, ReliabilityDiagram, ReliabilitySvgOptions,
  GaussianKLOptions, GaussianKLResult,
} from './calibration.js';
export type { SampleNextOptions, SampleNextResult, LogitBias, PreviousTokens, Decoder, DecoderOptions } from './decoding.js';
export { VERSION as version } from './version.js';
export { AliasSampler, unigramNoise } from './nce.js';
export type { NceLogitsOptions, NceLossOptions, NceLossResult, AliasSampleOptions, SkipGramStepOptions } from './nce.js';

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
} = createSoftmaxApi(kernels);

export const {
  /** @function */ softmaxCrossEntropy,
  /** @function */ softmaxCrossEntropyAsync,
  /** @function */ binaryCrossEntropyWithLogits,
  /** @function */ binaryCrossEntropyWithLogitsAsync,
} = createXentApi(kernels);
export const {
  /** @function */ topk,
  /** @function */ topkAsync,
  /** @function */ argmax,
  /** @function */ argmaxAsync,
} = createTopkApi(kernels);
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
} = createSamplingApi(kernels);

export const {
  /** @function */ stochasticBeamSearch,
  /** @function */ beamSearch,
  /** @function */ inclusionProbability,
  /** @function */ logInclusionProbability,
  /** @function */ sbsEstimate,
} = createBeamApi(kernels);
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
} = createCalibrationApi(kernels);
export { reliabilityDiagramSvg } from './calibration.js';
export const {
  /** @function */ nceLogits,
  /** @function */ nceLoss,
  /** @function */ nceLossAsync,
  /** @function */ skipGramStep,
  /** @function */ skipGramStepAsync,
} = createNceApi(kernels);
export const {
  /** @function */ sampleNext,
  /** @function */ sampleNextAsync,
  /** @function */ decoder,
} = createDecodingApi(kernels);
