/**
 * logitkit: softmax-family kernels for Node.js. Native SIMD (AVX2 / AVX-512 / scalar, chosen at
 * run time) with a pure-TypeScript reference that is both the fallback and the conformance
 * reference (`logitkit/reference`).
 * @packageDocumentation
 */
import { cudaInfo, kernels } from './backend.js';
import { createCudaApi, type CudaArray, type DeviceOption } from './cuda.js';
import { native } from './native.js';
import { createBeamApi } from './beam.js';
import { createSamplingApi } from './sampling.js';
import { createTopkApi } from './topk.js';
import { createXentApi } from './xent.js';
import { createSoftmaxApi, type SoftmaxOptions, type LogSumExpOptions } from './softmax.js';
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
export { VERSION as version } from './version.js';
export { CudaArray, CUDA_AUTO_MIN_ELEMENTS, type CudaInfo, type Device, type DeviceOption } from './cuda.js';

const softmaxCpu = createSoftmaxApi(kernels);
export const {
  /** @function */ softmaxAsync,
  /** @function */ logSoftmaxAsync,
  /** @function */ softmaxBackward,
  /** @function */ sigmoid,
  /** @function */ logSigmoid,
  /** @function */ softplus,
  /** @function */ logit,
} = softmaxCpu;

const xentCpu = createXentApi(kernels);
export const {
  /** @function */ softmaxCrossEntropyAsync,
  /** @function */ binaryCrossEntropyWithLogits,
} = xentCpu;
const topkCpu = createTopkApi(kernels);
export const {
  /** @function */ topkAsync,
  /** @function */ argmax,
} = topkCpu;
const samplingCpu = createSamplingApi(kernels);
export const {
  /** @function */ truncatedGumbel,
  /** @function */ gumbelSoftmax,
  /** @namespace */ sample,
} = samplingCpu;

export const {
  /** @function */ stochasticBeamSearch,
  /** @function */ beamSearch,
  /** @function */ inclusionProbability,
  /** @function */ logInclusionProbability,
  /** @function */ sbsEstimate,
} = createBeamApi(kernels);

// --- the CUDA-capable functions (README, "CUDA"): the CPU function for host arrays unless
// options.device says otherwise; a CudaArray input runs on the GPU and returns CudaArrays.
const cudaApi = createCudaApi(native?.cuda ?? null, { ...softmaxCpu, ...xentCpu, ...topkCpu, ...samplingCpu }, cudaInfo);
type DevF32 = CudaArray<'float32'>;
type RowDevOptions = { temperature?: number } & DeviceOption;

/** As the CPU `logSumExp`, plus `device` and CudaArray inputs (README, "CUDA"). @function */
export const logSumExp = cudaApi.logSumExp as {
  (x: Float32Array, cols: number, opts?: LogSumExpOptions & DeviceOption): Float32Array;
  (x: DevF32, cols: number, opts?: RowDevOptions): DevF32;
};
/** As the CPU `softmax`, plus `device` and CudaArray inputs (README, "CUDA"). @function */
export const softmax = cudaApi.softmax as {
  (x: Float32Array, cols: number, opts?: SoftmaxOptions & DeviceOption): Float32Array;
  (x: DevF32, cols: number, opts?: RowDevOptions): DevF32;
};
/** As the CPU `logSoftmax`, plus `device` and CudaArray inputs (README, "CUDA"). @function */
export const logSoftmax = cudaApi.logSoftmax as {
  (x: Float32Array, cols: number, opts?: SoftmaxOptions & DeviceOption): Float32Array;
  (x: DevF32, cols: number, opts?: RowDevOptions): DevF32;
};
/** As the CPU `softmaxCrossEntropy`, plus `device` and CudaArray logits / labels (grad stays on the device). @function */
export const softmaxCrossEntropy = cudaApi.softmaxCrossEntropy as unknown as typeof xentCpu.softmaxCrossEntropy & {
  (logits: Float32Array, labels: Int32Array, opts?: SoftmaxCrossEntropyOptions & DeviceOption): SoftmaxCrossEntropyResult;
  (logits: DevF32, labels: Int32Array | CudaArray<'int32'>, opts?: Omit<SoftmaxCrossEntropyOptions, 'grad'> & { grad?: boolean } & DeviceOption):
    { loss: number | Float32Array; grad?: DevF32; lse: Float32Array };
};
/** As the CPU `topk`, plus `device` and CudaArray inputs (always sorted on the GPU). @function */
export const topk = cudaApi.topk as {
  (x: Float32Array, cols: number, k: number, opts?: TopkOptions & DeviceOption): TopkResult;
  (x: DevF32, cols: number, k: number, opts?: Omit<TopkOptions, 'out'> & DeviceOption): { values: DevF32; indices: CudaArray<'int32'> };
};
/** As the CPU `gumbel`, plus `device`. @function */
export const gumbel = cudaApi.gumbel as (n: number, opts?: GumbelOptions & DeviceOption) => Float32Array;
/** As the CPU `sampleCategorical`, plus `device` and CudaArray logits. @function */
export const sampleCategorical = cudaApi.sampleCategorical as {
  (logits: Float32Array, cols: number, opts?: CategoricalOptions & DeviceOption): Int32Array;
  (logits: DevF32, cols: number, opts?: Omit<CategoricalOptions, 'out'> & DeviceOption): CudaArray<'int32'>;
};
/** As the CPU `gumbelTopK`, plus `device` and CudaArray logits. @function */
export const gumbelTopK = cudaApi.gumbelTopK as {
  (logits: Float32Array, cols: number, k: number, opts?: GumbelTopKOptions & DeviceOption): GumbelTopKResult;
  (logits: DevF32, cols: number, k: number, opts?: GumbelTopKOptions & DeviceOption): { indices: CudaArray<'int32'>; perturbed: DevF32 };
};

/**
 * Device-resident arrays: `upload(x)` → a CudaArray accepted by every CUDA-capable function,
 * `download(d)`, `free(d)` (also freed when garbage-collected), `info()` (= backend().cudaInfo).
 * @example
 * const d = lk.cuda.upload(logits); const ce = lk.softmaxCrossEntropy(d, labels); d.free()
 */
export const cuda = {
  upload: cudaApi.upload,
  download: cudaApi.download,
  free: cudaApi.free,
  info: cudaInfo,
};
