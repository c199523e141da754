/**
 * logitkit: softmax-family kernels for Node.js. Native SIMD (AVX2 / AVX-512 / scalar, chosen at
 * run time) with a pure-TypeScript reference that is both the fallback and the conformance
 * reference (`logitkit/reference`).
 * @packageDocumentation
 */
import { cudaInfo, kernels } from './backend.js';
import { createCudaApi, CudaArray as CudaArrayClass, type CudaArray, type CudaInfo, type DeviceOption, type DType as CudaDType, type HostOf as CudaHostArray } from './cuda.js';
import { native } from './native.js';
import { typeError } from './errors.js';
import { describe } from './validate.js';
import { createBeamApi } from './beam.js';
import { createCalibrationApi } from './calibration.js';
import { createDecodingApi } from './decoding.js';
import { createSamplingApi } from './sampling.js';
import { createTopkApi } from './topk.js';
import { createXentApi } from './xent.js';
import { createSoftmaxApi, type SoftmaxOptions, type LogSumExpOptions } from './softmax.js';
import { createNceApi } from './nce.js';
import type { SoftmaxCrossEntropyOptions, SoftmaxCrossEntropyResult } from './xent.js';
import type { TopkOptions, TopkResult } from './topk.js';
import type { CategoricalOptions, GumbelOptions, GumbelTopKOptions, GumbelTopKResult } from './sampling.js';

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
export type { SampleNextOptions, SampleNextResult, LogitBias, RowLogitBias, RowBannedTokens, PreviousTokens, Decoder, DecoderOptions } from './decoding.js';
export { VERSION as version } from './version.js';
export { CudaArray, CUDA_AUTO_MIN_ELEMENTS, type CudaInfo, type Device, type DeviceOption, type DType as CudaDType, type HostOf as CudaHostArray } from './cuda.js';
export { AliasSampler, unigramNoise } from './nce.js';
export type { NceLogitsOptions, NceLossOptions, NceLossResult, AliasSampleOptions, SkipGramStepOptions } from './nce.js';

const softmaxCpu = createSoftmaxApi(kernels);
export const {
  /** @function */ logSumExpAsync,
  /** @function */ softmaxAsync,
  /** @function */ logSoftmaxAsync,
  /** @function */ softmaxBackward,
  /** @function */ softmaxBackwardAsync,
  /** @function */ sigmoid,
  /** @function */ logSigmoid,
  /** @function */ softplus,
  /** @function */ logit,
} = softmaxCpu;

const xentCpu = createXentApi(kernels);
export const {
  /** @function */ softmaxCrossEntropyAsync,
  /** @function */ binaryCrossEntropyWithLogits,
  /** @function */ binaryCrossEntropyWithLogitsAsync,
} = xentCpu;
const topkCpu = createTopkApi(kernels);
export const {
  /** @function */ topkAsync,
  /** @function */ argmax,
  /** @function */ argmaxAsync,
} = topkCpu;
const samplingCpu = createSamplingApi(kernels);
export const {
  /** @function */ gumbelAsync,
  /** @function */ truncatedGumbel,
  /** @function */ truncatedGumbelAsync,
  /** @function */ sampleCategoricalAsync,
  /** @function */ gumbelSoftmax,
  /** @function */ gumbelSoftmaxAsync,
  /** @function */ gumbelTopKAsync,
  /** @namespace */ sample,
} = samplingCpu;

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

// --- the CUDA-capable functions (README, "CUDA"): the CPU function for host arrays unless
// options.device says otherwise; a CudaArray input runs on the GPU and returns CudaArrays.
const cudaApi = createCudaApi(native?.cuda ?? null, { ...softmaxCpu, ...xentCpu, ...topkCpu, ...samplingCpu }, cudaInfo);

// The CUDA-capable functions (README, "CUDA"): the CPU function's signatures (and documentation),
// plus `options.device` and CudaArray inputs, whose results stay on the device.
type WithDevice<F, Host, Dev> = F & Host & Dev;

/** @function */
export const logSumExp = cudaApi.logSumExp as unknown as WithDevice<typeof softmaxCpu.logSumExp, {
  /**
   * the per-row log-sum-exp, on the CPU or the GPU as `opts.device` says ('cpu' default, 'cuda', or 'auto' by
   * `CUDA_AUTO_MIN_ELEMENTS`); host arrays in and out.
   * @param x Row-major values, rows × cols.
   * @param cols The row length.
   * @param opts The CPU options plus `device`.
   * @example lk.logSumExp(lk.cuda.upload(x), cols).download()
   */
  (x: Float32Array, cols: number, opts?: LogSumExpOptions & DeviceOption): Float32Array;
}, {
  /**
   * the per-row log-sum-exp of device-resident input: always on the GPU, results as CudaArrays.
   * @param x Row-major values, rows × cols. On the device (`lk.cuda.upload`).
   * @param cols The row length. On the device (`lk.cuda.upload`).
   * @param opts The options the GPU supports, and `device` ('cpu' is refused: download first).
   */
  (x: CudaArray<'float32'>, cols: number, opts?: { temperature?: number } & DeviceOption): CudaArray<'float32'>;
}>;

/** @function */
export const softmax = cudaApi.softmax as unknown as WithDevice<typeof softmaxCpu.softmax, {
  /**
   * the per-row softmax, on the CPU or the GPU as `opts.device` says ('cpu' default, 'cuda', or 'auto' by
   * `CUDA_AUTO_MIN_ELEMENTS`); host arrays in and out.
   * @param x Row-major values, rows × cols.
   * @param cols The row length.
   * @param opts The CPU options plus `device`.
   * @example lk.softmax(x, cols, { device: 'auto' })
   */
  (x: Float32Array, cols: number, opts?: SoftmaxOptions & DeviceOption): Float32Array;
}, {
  /**
   * the per-row softmax of device-resident input: always on the GPU, results as CudaArrays.
   * @param x Row-major values, rows × cols. On the device (`lk.cuda.upload`).
   * @param cols The row length. On the device (`lk.cuda.upload`).
   * @param opts The options the GPU supports, and `device` ('cpu' is refused: download first).
   */
  (x: CudaArray<'float32'>, cols: number, opts?: { temperature?: number } & DeviceOption): CudaArray<'float32'>;
}>;

/** @function */
export const logSoftmax = cudaApi.logSoftmax as unknown as WithDevice<typeof softmaxCpu.logSoftmax, {
  /**
   * the per-row log-softmax, on the CPU or the GPU as `opts.device` says ('cpu' default, 'cuda', or 'auto' by
   * `CUDA_AUTO_MIN_ELEMENTS`); host arrays in and out.
   * @param x Row-major values, rows × cols.
   * @param cols The row length.
   * @param opts The CPU options plus `device`.
   * @example lk.logSoftmax(lk.cuda.upload(x), cols) // a CudaArray
   */
  (x: Float32Array, cols: number, opts?: SoftmaxOptions & DeviceOption): Float32Array;
}, {
  /**
   * the per-row log-softmax of device-resident input: always on the GPU, results as CudaArrays.
   * @param x Row-major values, rows × cols. On the device (`lk.cuda.upload`).
   * @param cols The row length. On the device (`lk.cuda.upload`).
   * @param opts The options the GPU supports, and `device` ('cpu' is refused: download first).
   */
  (x: CudaArray<'float32'>, cols: number, opts?: { temperature?: number } & DeviceOption): CudaArray<'float32'>;
}>;

/** @function */
export const softmaxCrossEntropy = cudaApi.softmaxCrossEntropy as unknown as WithDevice<typeof xentCpu.softmaxCrossEntropy, {
  /**
   * the fused softmax cross-entropy (the gradient stays on the device for CudaArray logits; `grad` may be a CudaArray to write into, the logits included), on the CPU or the GPU as `opts.device` says ('cpu' default, 'cuda', or 'auto' by
   * `CUDA_AUTO_MIN_ELEMENTS`); host arrays in and out.
   * @param logits Row-major logits, rows × cols.
   * @param labels One class index per row (host or device).
   * @param opts The CPU options plus `device`.
   * @example lk.softmaxCrossEntropy(d, labels, { grad: d }) // in place on the GPU
   */
  (logits: Float32Array, labels: Int32Array, opts?: SoftmaxCrossEntropyOptions & DeviceOption): SoftmaxCrossEntropyResult;
}, {
  /**
   * the fused softmax cross-entropy (the gradient stays on the device for CudaArray logits; `grad` may be a CudaArray to write into, the logits included) of device-resident input: always on the GPU, results as CudaArrays.
   * @param logits Row-major logits, rows × cols. On the device (`lk.cuda.upload`).
   * @param labels One class index per row (host or device).
   * @param opts The options the GPU supports, and `device` ('cpu' is refused: download first).
   */
  (logits: CudaArray<'float32'>, labels: Int32Array | CudaArray<'int32'>, opts?: Omit<SoftmaxCrossEntropyOptions, 'grad'> & { grad?: boolean | CudaArray<'float32'> } & DeviceOption): { loss: number | Float32Array; grad?: CudaArray<'float32'>; lse: Float32Array };
}>;

/** @function */
export const topk = cudaApi.topk as unknown as WithDevice<typeof topkCpu.topk, {
  /**
   * top-k per row (always sorted on the GPU), on the CPU or the GPU as `opts.device` says ('cpu' default, 'cuda', or 'auto' by
   * `CUDA_AUTO_MIN_ELEMENTS`); host arrays in and out.
   * @param x Row-major values, rows × cols.
   * @param cols The row length.
   * @param k How many per row, 0 ≤ k ≤ cols.
   * @param opts The CPU options plus `device`.
   * @example lk.topk(x, cols, 50, { device: 'cuda' })
   */
  (x: Float32Array, cols: number, k: number, opts?: TopkOptions & DeviceOption): TopkResult;
}, {
  /**
   * top-k per row (always sorted on the GPU) of device-resident input: always on the GPU, results as CudaArrays.
   * @param x Row-major values, rows × cols. On the device (`lk.cuda.upload`).
   * @param cols The row length. On the device (`lk.cuda.upload`).
   * @param k How many per row, 0 ≤ k ≤ cols. On the device (`lk.cuda.upload`).
   * @param opts The options the GPU supports, and `device` ('cpu' is refused: download first).
   */
  (x: CudaArray<'float32'>, cols: number, k: number, opts?: Omit<TopkOptions, 'out'> & DeviceOption): { values: CudaArray<'float32'>; indices: CudaArray<'int32'> };
}>;

/** @function */
export const sampleCategorical = cudaApi.sampleCategorical as unknown as WithDevice<typeof samplingCpu.sampleCategorical, {
  /**
   * one categorical sample per row (the same Philox words as the CPU for the same seed), on the CPU or the GPU as `opts.device` says ('cpu' default, 'cuda', or 'auto' by
   * `CUDA_AUTO_MIN_ELEMENTS`); host arrays in and out.
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length.
   * @param opts The CPU options plus `device`.
   * @example lk.sampleCategorical(d, cols, { seed: 1 }).download()
   */
  (logits: Float32Array, cols: number, opts?: CategoricalOptions & DeviceOption): Int32Array;
}, {
  /**
   * one categorical sample per row (the same Philox words as the CPU for the same seed) of device-resident input: always on the GPU, results as CudaArrays.
   * @param logits Row-major logits, rows × cols. On the device (`lk.cuda.upload`).
   * @param cols The row length. On the device (`lk.cuda.upload`).
   * @param opts The options the GPU supports, and `device` ('cpu' is refused: download first).
   */
  (logits: CudaArray<'float32'>, cols: number, opts?: Omit<CategoricalOptions, 'out'> & DeviceOption): CudaArray<'int32'>;
}>;

/** @function */
export const gumbelTopK = cudaApi.gumbelTopK as unknown as WithDevice<typeof samplingCpu.gumbelTopK, {
  /**
   * k draws without replacement per row by the Gumbel-top-k trick, on the CPU or the GPU as `opts.device` says ('cpu' default, 'cuda', or 'auto' by
   * `CUDA_AUTO_MIN_ELEMENTS`); host arrays in and out.
   * @param logits Row-major logits, rows × cols.
   * @param cols The row length.
   * @param k How many per row, 0 ≤ k ≤ cols.
   * @param opts The CPU options plus `device`.
   * @example lk.gumbelTopK(d, cols, 16, { seed: 2 }).indices.download()
   */
  (logits: Float32Array, cols: number, k: number, opts?: GumbelTopKOptions & DeviceOption): GumbelTopKResult;
}, {
  /**
   * k draws without replacement per row by the Gumbel-top-k trick of device-resident input: always on the GPU, results as CudaArrays.
   * @param logits Row-major logits, rows × cols. On the device (`lk.cuda.upload`).
   * @param cols The row length. On the device (`lk.cuda.upload`).
   * @param k How many per row, 0 ≤ k ≤ cols. On the device (`lk.cuda.upload`).
   * @param opts The options the GPU supports, and `device` ('cpu' is refused: download first).
   */
  (logits: CudaArray<'float32'>, cols: number, k: number, opts?: GumbelTopKOptions & DeviceOption): { indices: CudaArray<'int32'>; perturbed: CudaArray<'float32'> };
}>;

/** @function */
export const gumbel = cudaApi.gumbel as unknown as WithDevice<typeof samplingCpu.gumbel, {
  /**
   * n Gumbel samples, on the CPU or the GPU as `opts.device` says (the same words as the CPU).
   * @param n How many samples.
   * @param opts The CPU options plus `device`.
   * @example lk.gumbel(1 << 24, { seed: 1, device: 'cuda' })
   */
  (n: number, opts?: GumbelOptions & DeviceOption): Float32Array;
}, unknown>;

/** x itself when it is a CudaArray, else a coded TypeError naming `fn` and x. */
function deviceArray<D extends CudaDType>(x: CudaArray<D>, fn: string): CudaArray<D> {
  if (!(x instanceof CudaArrayClass)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: x must be a CudaArray (from lk.cuda.upload), received ${describe(x)}`);
  return x;
}

/**
 * Device-resident arrays (README, "CUDA"): `upload(x)` gives a CudaArray accepted by every
 * CUDA-capable function, whose results then stay on the device; `download`, `free` (also done
 * by a finalizer when a CudaArray is garbage-collected) and `info` (= `backend().cudaInfo`).
 * @namespace
 */
export const cuda = {
  /**
   * Copies a host array to the GPU (ERR_LOGITKIT_CUDA_UNAVAILABLE without one).
   * @param x A Float32Array, Int32Array or Uint32Array.
   * @example const d = lk.cuda.upload(logits); const ce = lk.softmaxCrossEntropy(d, labels, { grad: d }); d.free()
   */
  upload<A extends Float32Array | Int32Array | Uint32Array>(x: A) {
    return cudaApi.upload(x);
  },
  /**
   * Copies a CudaArray back to a new host array, or into `out`.
   * @param x The device array.
   * @param out A host array of x's length and type (optional).
   * @example const probs = lk.cuda.download(lk.softmax(d, cols))
   */
  download<D extends CudaDType>(x: CudaArray<D>, out?: CudaHostArray<D>): CudaHostArray<D> {
    return deviceArray(x, 'cuda.download').download(out);
  },
  /**
   * Releases a CudaArray's device memory now (idempotent; later use throws ERR_LOGITKIT_CUDA_FREED).
   * @param x The device array.
   * @example lk.cuda.free(d)
   */
  free(x: CudaArray): void {
    deviceArray(x, 'cuda.free').free();
  },
  /**
   * The CUDA device in use (name, compute capability, driver version, peak bandwidth) or the
   * reason there is none: the same object as `backend().cudaInfo`.
   * @example lk.cuda.info() // { available: false, reason: 'no CUDA driver (libcuda.so.1 not found)', … }
   */
  info(): CudaInfo {
    return cudaInfo();
  },
};
