// The optional CUDA path (README, "CUDA"): device selection, device-resident arrays and the
// CUDA versions of the covered functions, over a small driver interface (the addon's `cuda`
// export, which dlopen()s logitkit_cuda.so). Everything here is host logic: it is unit-tested
// with a fake driver on machines without a GPU (test/cuda-host.test.ts); the kernels are
// compared with the CPU in test/cuda.test.ts on a machine with one.
import { freshF32, freshI32, freshU32 } from './alloc.js';
import type { LogitkitError, LogitkitErrorCode } from './errors.js';
import { rangeError, typeError } from './errors.js';
import { isRng, rngFrom, type Rng, type StreamStart } from './rng.js';
import { bool, describe, f32, finite, integer, isDetached, isTypedArrayOf, number, optionKeys, options, positive } from './validate.js';

import type { CudaDriver, CudaInfo } from './kernels/cuda.js';

export type { CudaDriver, CudaInfo };

/** Where a call runs: 'cpu' (default for host arrays), 'cuda', or 'auto' (see CUDA_AUTO_MIN_ELEMENTS). */
export type Device = 'cpu' | 'cuda' | 'auto';

/** The `device` option of the CUDA-capable functions. */
export interface DeviceOption {
  /**
   * 'cpu' (default for host arrays), 'cuda' (always on the GPU; ERR_LOGITKIT_CUDA_UNAVAILABLE
   * without one), or 'auto' (the GPU when present and the input has at least
   * `CUDA_AUTO_MIN_ELEMENTS` elements). A `CudaArray` input always runs on the GPU.
   */
  device?: Device;
}

/**
 * 'auto' sends host arrays of at least this many elements to the GPU. 2²⁰ floats (4 MiB) is a
 * provisional value: the host↔device copies of smaller arrays cost more than the CPU kernels
 * save; bench/device.sh measures the crossover on a GPU machine (README, "CUDA").
 */
export const CUDA_AUTO_MIN_ELEMENTS = 1 << 20;

/** The element types of a CudaArray. */
export type DType = 'float32' | 'int32' | 'uint32' | 'float64';
const BYTES: Record<DType, number> = { float32: 4, int32: 4, uint32: 4, float64: 8 };
/** The host typed array of a CudaArray's element type. */
export type HostOf<D extends DType> = D extends 'float32' ? Float32Array : D extends 'int32' ? Int32Array : D extends 'uint32' ? Uint32Array : Float64Array;
// Host results come from lib/alloc.ts like every other output (float64 is internal: row losses).
const HOST_TYPE: Record<DType, string> = { float32: 'Float32Array', int32: 'Int32Array', uint32: 'Uint32Array', float64: 'Float64Array' };
function hostArray<D extends DType>(dtype: D, n: number): HostOf<D> {
  const a = dtype === 'float32' ? freshF32(n) : dtype === 'int32' ? freshI32(n) : dtype === 'uint32' ? freshU32(n) : new Float64Array(n);
  return a as HostOf<D>;
}

/** A CUDA error as a logitkit error: out-of-memory is a RangeError, the rest Errors; all keep the CUDA message. */
export function mapCudaError(e: unknown, fn: string): unknown {
  const c = e as { cudaError?: number; cudaErrorName?: string; message?: string; code?: string };
  if (!c || typeof c.cudaError !== 'number') return e;
  if (c.cudaError === 2) return rangeError(`${fn}: out of GPU memory (${c.message})`, 'ERR_LOGITKIT_CUDA_OUT_OF_MEMORY');
  const name = (c.cudaErrorName ?? 'cudaErrorUnknown').replace(/^cudaError/, '') || 'Unknown';
  const code = `ERR_LOGITKIT_CUDA_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}` as LogitkitErrorCode;
  const err = new Error(`${fn}: ${c.message}`) as Error & LogitkitError & { cudaError: number };
  err.code = code;
  err.cudaError = c.cudaError;
  return err;
}

function unavailable(fn: string, reason: string | undefined, what = "options.device = 'cuda' but"): Error {
  const e = new Error(`${fn}: ${what} no CUDA device is usable: ${reason ?? 'unknown reason'}`) as Error & LogitkitError;
  e.code = 'ERR_LOGITKIT_CUDA_UNAVAILABLE';
  return e;
}

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<{ driver: CudaDriver; handle: object }>(({ driver, handle }) => {
    try {
      driver.free(handle);
    } catch {
      /* the process may be exiting; the addon's own finalizer frees it too */
    }
  })
  : null;

/**
 * A device-resident array (from `lk.cuda.upload` or a CUDA-capable function given one).
 * Freed by `free()` or, failing that, when it is garbage-collected.
 * @example
 * const d = lk.cuda.upload(logits); const y = lk.softmax(d, cols); const host = y.download(); d.free(); y.free()
 */
export class CudaArray<D extends DType = DType> {
  #handle: object | null;
  readonly #driver: CudaDriver;
  /**
   * @internal
   * @param driver The addon's CUDA driver.
   * @param dtype The element type.
   * @param length The element count.
   * @param handle An existing device buffer (default: a new one).
   */
  constructor(driver: CudaDriver, readonly dtype: D, readonly length: number, handle?: object) {
    // Made by lk.cuda.upload and the CUDA-capable functions; a direct call with anything else
    // gets a coded error rather than an engine one.
    if (typeof driver !== 'object' || driver === null || typeof driver.alloc !== 'function' || typeof driver.copy !== 'function' ||
      typeof driver.free !== 'function') {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `CudaArray: driver must be the addon's CUDA driver (make CudaArrays with lk.cuda.upload), received ${describe(driver)}`);
    }
    if (!Object.prototype.hasOwnProperty.call(BYTES, dtype)) {
      throw rangeError(`CudaArray: dtype = ${describe(dtype)} is out of range: expected 'float32', 'int32', 'uint32' or 'float64'`);
    }
    integer(length, 'CudaArray: length', 0, 2 ** 31 - 1);
    this.#driver = driver;
    this.#handle = handle ?? driver.alloc(length * BYTES[dtype]);
    registry?.register(this, { driver, handle: this.#handle }, this);
  }
  /** True once freed. */
  get freed(): boolean {
    return this.#handle === null;
  }
  /**
   * @internal the driver handle (throws ERR_LOGITKIT_CUDA_FREED after free()).
   * @param fn The calling function's name, for the error message.
   */
  handle(fn: string): object {
    if (!this.#handle) {
      throw Object.assign(new Error(`${fn}: the CudaArray was freed`), { code: 'ERR_LOGITKIT_CUDA_FREED' as const });
    }
    return this.#handle;
  }
  /**
   * Copies the array to a new host array (or into `out`).
   * @param out A host array of the same length and type (default: a new one).
   * @example const host = d.download()
   */
  download(out?: HostOf<D>): HostOf<D> {
    const h = this.handle('cuda.download');
    const o = out ?? hostArray(this.dtype, this.length) as HostOf<D>;
    const want = HOST_TYPE[this.dtype];
    if (!isTypedArrayOf(o, want)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `cuda.download: out must be a ${want} (the array's dtype is ${this.dtype}), received ${describe(o)}`);
    if (isDetached(o)) throw typeError('ERR_LOGITKIT_DETACHED', 'cuda.download: out is backed by a detached ArrayBuffer');
    if (o.length !== this.length) throw rangeError(`cuda.download: out.length = ${o.length} is out of range: expected ${this.length}`);
    try {
      this.#driver.copy(h, o, false);
    } catch (e) {
      throw mapCudaError(e, 'cuda.download');
    }
    return o;
  }
  /**
   * Releases the device memory now (idempotent).
   * @example d.free()
   */
  free(): void {
    if (!this.#handle) return;
    const h = this.#handle;
    this.#handle = null;
    registry?.unregister(this);
    try {
      this.#driver.free(h);
    } catch (e) {
      throw mapCudaError(e, 'cuda.free');
    }
  }
}

type F32In = Float32Array | CudaArray<'float32'>;
type I32In = Int32Array | CudaArray<'int32'>;

const ROW_OPTIONS = optionKeys<{ temperature: number; device: Device }>({ temperature: true, device: true });
const CE_CUDA_OPTIONS = optionKeys<{
  cols: number; reduction: string; ignoreIndex: number; labelSmoothing: number; classWeights: Float32Array;
  zLoss: number; grad: boolean | Float32Array | CudaArray; device: Device;
}>({ cols: true, reduction: true, ignoreIndex: true, labelSmoothing: true, classWeights: true, zLoss: true, grad: true, device: true });
const RAND_ROW_OPTIONS = optionKeys<{ temperature: number; rng: Rng; seed: number | bigint; rngs: Rng[]; device: Device }>(
  { temperature: true, rng: true, seed: true, rngs: true, device: true });
const GUMBEL_OPTIONS = optionKeys<{ loc: number; scale: number; rng: Rng; seed: number | bigint; device: Device }>(
  { loc: true, scale: true, rng: true, seed: true, device: true });
const TOPK_OPTIONS = optionKeys<{ largest: boolean; sorted: boolean; device: Device }>({ largest: true, sorted: true, device: true });

/** The CPU functions the CUDA-capable ones fall back to (lib/index.ts passes its own). */
export interface CpuFunctions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [name: string]: any;
}

export function createCudaApi(driver: CudaDriver | null, cpu: CpuFunctions, probe?: () => CudaInfo) {
  let cached: CudaInfo | undefined;
  function info(): CudaInfo {
    if (!cached) cached = probe ? probe() : driver ? driver.info() : { available: false, reason: 'the native addon is not in use (CUDA needs it)' };
    return cached;
  }
  const isDev = (v: unknown): v is CudaArray => v instanceof CudaArray;
  const rowsF32 = (a: Float64Array): Float32Array => {
    const o = hostArray('float32', a.length);
    o.set(a);
    return o;
  };

  /**
   * Where a call runs. A CudaArray input → 'cuda'; otherwise the `device` option decides
   * ('auto' by size). Returns false for the CPU.
   */
  function onCuda(fn: string, input: unknown, elements: number, opts: unknown): boolean {
    const d = opts && typeof opts === 'object' ? (opts as { device?: unknown }).device : undefined;
    if (d !== undefined && d !== 'cpu' && d !== 'cuda' && d !== 'auto') {
      throw rangeError(`${fn}: options.device = ${describe(d)} is out of range: expected 'cpu', 'cuda' or 'auto'`);
    }
    if (isDev(input)) {
      if (d === 'cpu') throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: a CudaArray input cannot run with options.device = 'cpu' (download() it first)`);
      if (!info().available) throw unavailable(fn, info().reason);
      return true;
    }
    if (d === 'cuda') {
      if (!info().available) throw unavailable(fn, info().reason);
      return true;
    }
    return d === 'auto' && info().available && elements >= CUDA_AUTO_MIN_ELEMENTS;
  }

  function stripDevice<T>(opts: T): T {
    if (!opts || typeof opts !== 'object' || !('device' in (opts as object))) return opts;
    const { device: _d, ...rest } = opts as T & { device?: unknown };
    return rest as T;
  }

  function run(fn: string, op: string, bufs: (CudaArray | null)[], nums: number[]): void {
    const hs = bufs.map((b) => (b ? b.handle(fn) : null));
    try {
      driver!.run(op, hs, nums);
    } catch (e) {
      throw mapCudaError(e, fn);
    }
  }
  function alloc<D extends DType>(fn: string, dtype: D, n: number): CudaArray<D> {
    try {
      return new CudaArray(driver!, dtype, n);
    } catch (e) {
      throw mapCudaError(e, fn);
    }
  }

  /**
   * Copies a host array to the GPU.
   * @example const d = lk.cuda.upload(logits); const lse = lk.logSumExp(d, cols); d.free()
   */
  function upload<A extends Float32Array | Int32Array | Uint32Array>(x: A): CudaArray<A extends Float32Array ? 'float32' : A extends Int32Array ? 'int32' : 'uint32'> {
    // The argument first: a wrong type is the same error with or without a GPU.
    const dtype = isTypedArrayOf(x, 'Float32Array') ? 'float32' : isTypedArrayOf(x, 'Int32Array') ? 'int32' : isTypedArrayOf(x, 'Uint32Array') ? 'uint32' : null;
    if (!dtype) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `cuda.upload: x must be a Float32Array, Int32Array or Uint32Array, received ${describe(x)}`);
    if (isDetached(x)) throw typeError('ERR_LOGITKIT_DETACHED', 'cuda.upload: x is backed by a detached ArrayBuffer');
    if (!info().available) throw unavailable('cuda.upload', info().reason, 'x cannot be uploaded:');
    const d = alloc('cuda.upload', dtype, x.length);
    try {
      driver!.copy(d.handle('cuda.upload'), x, true);
    } catch (e) {
      d.free();
      throw mapCudaError(e, 'cuda.upload');
    }
    return d as never;
  }

  /** The input on the device: a CudaArray as is, a host array uploaded (freed by `done`). */
  function inDev<D extends DType>(fn: string, name: string, v: unknown, dtype: D): { d: CudaArray<D>; temp: boolean } {
    if (isDev(v)) {
      if (v.dtype !== dtype) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: ${name} must be a ${dtype} CudaArray, received a ${v.dtype} one`);
      v.handle(fn);
      return { d: v as CudaArray<D>, temp: false };
    }
    return { d: upload(v as Float32Array) as unknown as CudaArray<D>, temp: true };
  }
  function lengthOf(fn: string, name: string, v: unknown, dtype: 'float32' | 'int32'): number {
    if (isDev(v)) return v.length;
    return (dtype === 'float32' ? f32(v, `${fn}: ${name}`) : i32Host(v, `${fn}: ${name}`)).length;
  }
  function i32Host(v: unknown, name: string): Int32Array {
    if (!(v instanceof Int32Array)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${name} must be an Int32Array, received ${describe(v)}`);
    return v;
  }
  function rowsCols(fn: string, n: number, cols: unknown): number {
    integer(cols, `${fn}: cols`, 1);
    if (n % (cols as number) !== 0) throw rangeError(`${fn}: x.length = ${n} is not a multiple of cols = ${cols as number}`);
    return n / (cols as number);
  }
  /** A device result: kept on the device when the input was device-resident, else downloaded and freed. */
  function result<D extends DType>(d: CudaArray<D>, keep: boolean): CudaArray<D> | HostOf<D> {
    return keep ? d : host(d);
  }
  function host<D extends DType>(d: CudaArray<D>): HostOf<D> {
    try {
      return d.download();
    } finally {
      d.free();
    }
  }
  function invT(fn: string, t: unknown): number {
    if (t === undefined) return 1;
    const v = positive(t, `${fn}: options.temperature`);
    if (v < 2 ** -126 || v > 2 ** 126) throw rangeError(`${fn}: options.temperature = ${v} is out of range: expected a number in [2^-126, 2^126]`);
    return 1 / v;
  }

  function rowsOp(fn: 'logSumExp' | 'softmax' | 'logSoftmax') {
    return (x: F32In, cols: number, opts?: object): Float32Array | CudaArray<'float32'> => {
      const n = lengthOf(fn, 'x', x, 'float32');
      if (!onCuda(fn, x, n, opts)) return cpu[fn](x, cols, stripDevice(opts));
      const o = options(opts, `${fn}: options`, ROW_OPTIONS);
      const rows = rowsCols(fn, n, cols);
      const it = invT(fn, o.temperature);
      const { d, temp } = inDev(fn, 'x', x, 'float32');
      try {
        const out = alloc(fn, 'float32', fn === 'logSumExp' ? rows : n);
        try {
          run(fn, fn, [d, out], [rows, cols, it]);
        } catch (e) {
          out.free();
          throw e;
        }
        return result(out, !temp);
      } finally {
        if (temp) d.free();
      }
    };
  }

  function streamsOf(fn: string, o: { rng?: unknown; seed?: unknown; rngs?: unknown }, rows: number, cols: number): { s: StreamStart; perRow: Uint32Array | null } {
    if (o.rngs === undefined) return { s: rngFrom(o, fn).reserve(rows * cols), perRow: null };
    if (o.rng !== undefined || o.seed !== undefined) throw rangeError(`${fn}: options.rngs and options.${o.rng !== undefined ? 'rng' : 'seed'} were given together; give only one of rng, seed, rngs`);
    const rngs = o.rngs;
    if (!Array.isArray(rngs) || rngs.length !== rows || !rngs.every(isRng)) {
      throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.rngs must be an array of ${rows} Rng (one per row)`);
    }
    const perRow = new Uint32Array(6 * rows);
    rngs.forEach((r: Rng, i) => {
      const s = r.reserve(cols);
      perRow.set([s.k0, s.k1, s.c0, s.c1, s.c2, s.c3], 6 * i);
    });
    return { s: { k0: 0, k1: 0, c0: 0, c1: 0, c2: 0, c3: 0 }, perRow };
  }
  const sNums = (s: StreamStart) => [s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, 0];

  function sampleCategorical(logits: F32In, cols: number, opts?: object): Int32Array | CudaArray<'int32'> {
    const fn = 'sampleCategorical';
    const n = lengthOf(fn, 'logits', logits, 'float32');
    if (!onCuda(fn, logits, n, opts)) return cpu.sampleCategorical(logits, cols, stripDevice(opts));
    const o = options(opts, `${fn}: options`, RAND_ROW_OPTIONS);
    const rows = rowsCols(fn, n, cols);
    const it = o.temperature === undefined ? 1 : 1 / positive(o.temperature, `${fn}: options.temperature`);
    const { s, perRow } = streamsOf(fn, o, rows, cols);
    const { d, temp } = inDev(fn, 'logits', logits, 'float32');
    const pr = perRow ? upload(perRow) : null;
    try {
      const out = alloc(fn, 'int32', rows);
      run(fn, fn, [d, out, pr], [rows, cols, it, ...sNums(s)]);
      return result(out, !temp);
    } finally {
      if (temp) d.free();
      pr?.free();
    }
  }

  function gumbelTopK(logits: F32In, cols: number, k: number, opts?: object) {
    const fn = 'gumbelTopK';
    const n = lengthOf(fn, 'logits', logits, 'float32');
    if (!onCuda(fn, logits, n, opts)) return cpu.gumbelTopK(logits, cols, k, stripDevice(opts));
    const o = options(opts, `${fn}: options`, RAND_ROW_OPTIONS);
    if (o.temperature !== undefined) throw rangeError(`${fn}: options.temperature is not an option of gumbelTopK`);
    const rows = rowsCols(fn, n, cols);
    integer(k, `${fn}: k`, 0, cols);
    const { s, perRow } = streamsOf(fn, o, rows, cols);
    const { d, temp } = inDev(fn, 'logits', logits, 'float32');
    const pr = perRow ? upload(perRow) : null;
    try {
      const idx = alloc(fn, 'int32', rows * k);
      const val = alloc(fn, 'float32', rows * k);
      run(fn, fn, [d, idx, val, pr], [rows, cols, k, ...sNums(s)]);
      return { indices: result(idx, !temp), perturbed: result(val, !temp) };
    } finally {
      if (temp) d.free();
      pr?.free();
    }
  }

  function topk(x: F32In, cols: number, k: number, opts?: object) {
    const fn = 'topk';
    const n = lengthOf(fn, 'x', x, 'float32');
    if (!onCuda(fn, x, n, opts)) return cpu.topk(x, cols, k, stripDevice(opts));
    const o = options(opts, `${fn}: options`, TOPK_OPTIONS);
    const rows = rowsCols(fn, n, cols);
    integer(k, `${fn}: k`, 0, cols);
    const largest = bool(o.largest, `${fn}: options.largest`, true);
    bool(o.sorted, `${fn}: options.sorted`, true);  // always sorted on the GPU (a valid unsorted order)
    const { d, temp } = inDev(fn, 'x', x, 'float32');
    try {
      const values = alloc(fn, 'float32', rows * k);
      const indices = alloc(fn, 'int32', rows * k);
      run(fn, fn, [d, values, indices], [rows, cols, k, largest ? 1 : 0]);
      return { values: result(values, !temp), indices: result(indices, !temp) };
    } finally {
      if (temp) d.free();
    }
  }

  function gumbel(n: number, opts?: object) {
    const fn = 'gumbel';
    integer(n, `${fn}: n`, 0);
    if (!onCuda(fn, null, n, opts)) return cpu.gumbel(n, stripDevice(opts));
    const o = options(opts, `${fn}: options`, GUMBEL_OPTIONS);
    const loc = o.loc === undefined ? 0 : finite(o.loc, `${fn}: options.loc`);
    const scale = o.scale === undefined ? 1 : positive(o.scale, `${fn}: options.scale`);
    const s = rngFrom(o, fn).reserve(n);
    const out = alloc(fn, 'float32', n);
    run(fn, 'gumbel', [out], [n, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, loc, scale]);
    return host(out);
  }

  function softmaxCrossEntropy(logits: F32In, labels: I32In, opts?: object) {
    const fn = 'softmaxCrossEntropy';
    const n = lengthOf(fn, 'logits', logits, 'float32');
    if (!onCuda(fn, logits, n, opts) && !isDev(labels)) return cpu.softmaxCrossEntropy(logits, labels, stripDevice(opts));
    if (!info().available) throw unavailable(fn, info().reason);
    const o = options(opts, `${fn}: options`, CE_CUDA_OPTIONS);
    // labels are needed on the host for the checks and the 'mean' denominator (rows int32s)
    const y = isDev(labels) ? (labels as CudaArray<'int32'>).download() : i32Host(labels, `${fn}: labels`);
    const rows = y.length;
    const reduction = o.reduction === undefined ? 'mean' : o.reduction;
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') throw rangeError(`${fn}: options.reduction = ${describe(reduction)} is out of range: expected 'mean', 'sum' or 'none'`);
    const ignoreIndex = o.ignoreIndex === undefined ? -100 : integer(o.ignoreIndex, `${fn}: options.ignoreIndex`, -(2 ** 31), 2 ** 31 - 1);
    const eps = o.labelSmoothing === undefined ? 0 : number(o.labelSmoothing, `${fn}: options.labelSmoothing`);
    if (!(eps >= 0 && eps <= 1)) throw rangeError(`${fn}: options.labelSmoothing = ${eps} is out of range: expected a number in [0, 1]`);
    const zLoss = o.zLoss === undefined ? 0 : finite(o.zLoss, `${fn}: options.zLoss`);
    if (zLoss < 0) throw rangeError(`${fn}: options.zLoss = ${zLoss} is out of range: expected a number ≥ 0`);
    const cols = o.cols === undefined ? (rows > 0 ? n / rows : 0) : integer(o.cols, `${fn}: options.cols`, 1);
    if (!Number.isInteger(cols) || rows * cols !== n || (rows > 0 && cols < 1)) throw rangeError(`${fn}: logits.length = ${n} does not match labels.length × cols = ${rows} × ${cols}`);
    const w = o.classWeights === undefined ? null : f32(o.classWeights, `${fn}: options.classWeights`);
    if (w && w.length !== cols) throw rangeError(`${fn}: options.classWeights.length = ${w.length} is out of range: expected cols = ${cols}`);
    let W = cols;
    if (w) {
      W = 0;
      for (let c = 0; c < cols; c++) {
        if (!(w[c] >= 0 && w[c] < Infinity)) throw rangeError(`${fn}: options.classWeights[${c}] = ${w[c]} is out of range: expected a finite number ≥ 0`);
        W += w[c];
      }
    }
    let D = 0;
    for (let r = 0; r < rows; r++) {
      const v = y[r];
      if (v === ignoreIndex) continue;
      if (!(v >= 0 && v < cols)) throw rangeError(`${fn}: labels[${r}] = ${v} is out of range [0, ${cols}) (ignoreIndex = ${ignoreIndex})`);
      D += w ? w[v] : 1;
    }
    const g = o.grad === undefined ? true : o.grad as unknown;
    const gradHost = g instanceof Float32Array ? g : null;
    // a CudaArray grad (of logits' length; may be the logits: in place) is written on the device
    const gradDev = isDev(g) ? g as CudaArray<'float32'> : null;
    if (gradDev && (gradDev.dtype !== 'float32' || gradDev.length !== n)) throw rangeError(`${fn}: options.grad must be a float32 CudaArray of length ${n}`);
    if (gradHost && isDev(logits)) throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.grad must be a boolean or a CudaArray with a CudaArray logits`);
    if (gradHost && gradHost.length !== n) throw rangeError(`${fn}: options.grad.length = ${gradHost.length} is out of range: expected ${n}`);
    if (!gradHost && !gradDev && typeof g !== 'boolean') throw typeError('ERR_LOGITKIT_INVALID_ARG_TYPE', `${fn}: options.grad must be a boolean or a Float32Array, received ${describe(g)}`);
    const scale = reduction === 'mean' ? (D > 0 ? 1 / D : 0) : 1;
    const keep = isDev(logits) || gradDev !== null;
    const { d, temp } = inDev(fn, 'logits', logits, 'float32');
    const temps: CudaArray[] = [];
    const tmp = <T extends CudaArray>(a: T): T => (temps.push(a), a);
    try {
      const ld = isDev(labels) ? labels : tmp(upload(y));
      const wd = w ? tmp(upload(w)) : null;
      const grad = g === false ? null : gradDev ?? alloc(fn, 'float32', n);
      const lse = tmp(alloc(fn, 'float32', rows));
      const loss = tmp(alloc(fn, 'float64', rows));
      try {
        run(fn, fn, [d, ld, grad, lse, loss, wd], [rows, cols, ignoreIndex, eps, W, zLoss, scale]);
      } catch (e) {
        if (grad !== gradDev) grad?.free();
        throw e;
      }
      const rowLoss = loss.download();
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += rowLoss[r];  // row order, as on the CPU
      const lossOut = reduction === 'none' ? rowsF32(rowLoss) : reduction === 'mean' ? (D > 0 ? sum / D : NaN) : sum;
      let gradOut: Float32Array | CudaArray<'float32'> | undefined;
      if (grad) {
        if (keep) gradOut = grad;
        else {
          gradOut = gradHost ?? hostArray('float32', n);
          try {
            grad.download(gradOut);
          } finally {
            grad.free();
          }
        }
      }
      return { loss: lossOut, grad: gradOut, lse: lse.download() };
    } finally {
      if (temp) d.free();
      for (const t of temps) t.free();
    }
  }

  /** Test hook: the device's Philox words / uniforms / full-word Gumbel of given words. */
  function raw(op: 'philoxUint32' | 'philoxUniform', n: number, s: StreamStart): Uint32Array | Float32Array {
    const out = alloc(op, op === 'philoxUint32' ? 'uint32' : 'float32', n);
    run(op, op, [out], [n, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3]);
    return host(out);
  }
  function mapWordsGumbel(words: Uint32Array): Float32Array {
    const d = upload(words);
    try {
      const out = alloc('mapWordsGumbel', 'float32', words.length);
      run('mapWordsGumbel', 'mapWordsGumbel', [d, out], [words.length]);
      return host(out);
    } finally {
      d.free();
    }
  }

  return {
    info, onCuda, upload,
    /** `x.download()`. */
    download: <D extends DType>(x: CudaArray<D>, out?: HostOf<D>) => x.download(out),
    /** `x.free()`. */
    free: (x: CudaArray) => x.free(),
    logSumExp: rowsOp('logSumExp'), softmax: rowsOp('softmax'), logSoftmax: rowsOp('logSoftmax'),
    softmaxCrossEntropy, sampleCategorical, gumbelTopK, topk, gumbel, raw, mapWordsGumbel,
  };
}
