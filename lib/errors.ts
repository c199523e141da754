/** Error codes carried by every error logitkit throws (`err.code`). */
export type LogitkitErrorCode =
  | 'ERR_LOGITKIT_INVALID_ARG_TYPE'
  | 'ERR_LOGITKIT_OUT_OF_RANGE'
  | 'ERR_LOGITKIT_UNKNOWN_OPTION'
  | 'ERR_LOGITKIT_DETACHED'
  | 'ERR_LOGITKIT_NATIVE_UNAVAILABLE'
  | 'ERR_LOGITKIT_BAD_ENV'
  | 'ERR_LOGITKIT_INCOMPLETE_DISPATCH'
  // CUDA (lib/cuda.ts): no usable device, a freed CudaArray, out of GPU memory (a RangeError),
  // and any other CUDA error as ERR_LOGITKIT_CUDA_<ITS_NAME>, e.g. ERR_LOGITKIT_CUDA_LAUNCH_FAILURE.
  | 'ERR_LOGITKIT_CUDA_UNAVAILABLE'
  | 'ERR_LOGITKIT_CUDA_FREED'
  | 'ERR_LOGITKIT_CUDA_OUT_OF_MEMORY'
  | `ERR_LOGITKIT_CUDA_${string}`;

export interface LogitkitError extends Error {
  code: LogitkitErrorCode;
}

export function typeError(code: LogitkitErrorCode, message: string): TypeError & LogitkitError {
  const e = new TypeError(message) as TypeError & LogitkitError;
  e.code = code;
  return e;
}

export function rangeError(message: string, code: LogitkitErrorCode = 'ERR_LOGITKIT_OUT_OF_RANGE'): RangeError & LogitkitError {
  const e = new RangeError(message) as RangeError & LogitkitError;
  e.code = code;
  return e;
}
