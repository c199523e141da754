// The CUDA path's host logic, without a GPU: device selection ('cpu' / 'cuda' / 'auto' and its
// size threshold), CudaArray lifecycle (upload, download, free, use after free, the
// finalizer), error mapping (CUDA errors → ERR_LOGITKIT_CUDA_*, out-of-memory → RangeError),
// the random streams each call reserves, and the real addon's answer on this machine. A fake
// driver stands in for logitkit_cuda.so: it runs the CPU kernels on "device" buffers that are
// host ArrayBuffers, so every CUDA-path result must equal the CPU function's bit for bit.
import { describe, expect, test } from 'vitest';
import { kernels } from '../lib/backend.js';
import { createCudaApi, CudaArray, CUDA_AUTO_MIN_ELEMENTS, mapCudaError, type CudaDriver } from '../lib/cuda.js';
import * as lk from '../lib/index.js';
import { native } from '../lib/native.js';
import { expectError, randomF32 } from './helpers.js';

type FakeBuf = { bytes: ArrayBuffer; freed: boolean };

function fakeDriver(opts: { failOp?: { name: string; code: number }; oomAbove?: number } = {}) {
  const live = new Set<FakeBuf>();
  const calls: string[] = [];
  const f32 = (b: object | null, n: number) => new Float32Array((b as FakeBuf).bytes, 0, n);
  const i32 = (b: object | null, n: number) => new Int32Array((b as FakeBuf).bytes, 0, n);
  const err = (name: string, code: number) => Object.assign(new Error(`cuda.x: CUDA error ${name} (${code}): something`), { cudaError: code, cudaErrorName: name });
  const driver: CudaDriver = {
    info: () => ({ available: true, name: 'Fake GPU', computeCapability: '9.0', driverVersion: '13.0', devices: 1 }),
    alloc(bytes) {
      if (opts.oomAbove !== undefined && bytes > opts.oomAbove) throw err('cudaErrorMemoryAllocation', 2);
      const b = { bytes: new ArrayBuffer(Math.max(bytes, 4)), freed: false };
      live.add(b);
      return b;
    },
    free(h) {
      const b = h as FakeBuf;
      if (b.freed) throw new Error('double free');
      b.freed = true;
      live.delete(b);
    },
    copy(h, host, toDevice) {
      const b = h as FakeBuf;
      if (b.freed) throw new Error('use after free');
      const dev = new Uint8Array(b.bytes, 0, host.byteLength);
      const hv = new Uint8Array(host.buffer, host.byteOffset, host.byteLength);
      if (toDevice) dev.set(hv);
      else hv.set(dev);
    },
    run(op, bufs, n) {
      calls.push(op);
      if (opts.failOp?.name === op) throw err(opts.failOp.name === op ? 'cudaErrorLaunchFailure' : '', opts.failOp.code);
      for (const b of bufs) if (b && (b as FakeBuf).freed) throw new Error('use after free');
      const [rows, cols] = n;
      if (op === 'logSumExp') kernels.logSumExp(f32(bufs[0], rows * cols), cols, n[2], f32(bufs[1], rows));
      else if (op === 'softmax' || op === 'logSoftmax') kernels[op](f32(bufs[0], rows * cols), cols, n[2], f32(bufs[1], rows * cols));
      else if (op === 'sampleCategorical') {
        expect(n[9]).toBe(0);
        const pr = bufs[2] ? new Uint32Array((bufs[2] as FakeBuf).bytes, 0, 6 * rows) : null;
        kernels.sampleCategorical(f32(bufs[0], rows * cols), cols, n[2], i32(bufs[1], rows), n[3], n[4], n[5], n[6], n[7], n[8], pr);
      } else if (op === 'gumbelTopK') {
        const k = n[2];
        const pr = bufs[3] ? new Uint32Array((bufs[3] as FakeBuf).bytes, 0, 6 * rows) : null;
        kernels.gumbelTopK(f32(bufs[0], rows * cols), cols, k, i32(bufs[1], rows * k), f32(bufs[2], rows * k), n[3], n[4], n[5], n[6], n[7], n[8], pr);
      } else if (op === 'topk') {
        const k = n[2];
        kernels.topk(f32(bufs[0], rows * cols), cols, k, n[3] !== 0, true, f32(bufs[1], rows * k), i32(bufs[2], rows * k));
      } else if (op === 'gumbel') {
        kernels.sampleGumbel(f32(bufs[0], n[0]), n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8]);
      } else if (op === 'softmaxCrossEntropy') {
        const [, , ignore, eps, , z, scale] = n;
        const w = bufs[5] ? f32(bufs[5], cols) : null;
        const grad = bufs[2] ? f32(bufs[2], rows * cols) : null;
        const rowLoss = new Float32Array(rows);
        kernels.softmaxCrossEntropy(f32(bufs[0], rows * cols), i32(bufs[1], rows), cols, ignore, eps, w, z, 'sum', grad, f32(bufs[3], rows), rowLoss, new Float64Array(1));
        if (grad) for (let i = 0; i < grad.length; i++) grad[i] *= scale;
        new Float64Array((bufs[4] as FakeBuf).bytes, 0, rows).set(rowLoss);
      } else throw new Error(`fake driver: no op ${op}`);
    },
  };
  return { driver, live, calls };
}

const cpu = { ...lk };
function expectClose(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let worst = 0, big = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    big = Math.max(big, Math.abs(b[i]));
  }
  expect(worst).toBeLessThanOrEqual(1e-6 * big);  // relative to the largest element (smoothing cancels small ones)
}
const none = { available: false, reason: 'no CUDA driver (libcuda.so.1 not found)' };

describe('device selection', () => {
  test("'cuda' without a device: ERR_LOGITKIT_CUDA_UNAVAILABLE with the reason; 'auto' and 'cpu' stay on the CPU", () => {
    const api = createCudaApi(null, cpu, () => none);
    const x = randomF32(64);
    expect(() => api.softmax(x, 8, { device: 'cuda' })).toThrow(/no CUDA device is usable: no CUDA driver \(libcuda\.so\.1 not found\)/);
    try {
      api.softmax(x, 8, { device: 'cuda' });
    } catch (e) {
      expect((e as { code: string }).code).toBe('ERR_LOGITKIT_CUDA_UNAVAILABLE');
    }
    expect(api.softmax(x, 8, { device: 'auto' })).toEqual(lk.softmax(x, 8));
    expect(api.softmax(x, 8, { device: 'cpu' })).toEqual(lk.softmax(x, 8));
    expect(() => api.upload(x)).toThrow(/no CUDA device/);
    expectError(() => api.softmax(x, 8, { device: 'gpu' as never }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /options\.device = .*gpu.* expected 'cpu', 'cuda' or 'auto'/);
  });

  test("'auto' sends inputs of CUDA_AUTO_MIN_ELEMENTS elements or more to the GPU, smaller ones to the CPU", () => {
    const f = fakeDriver();
    const api = createCudaApi(f.driver, cpu);
    api.logSumExp(randomF32(64), 8, { device: 'auto' });
    expect(f.calls).toEqual([]);
    const big = new Float32Array(CUDA_AUTO_MIN_ELEMENTS);
    expect(api.logSumExp(big, 1024, { device: 'auto' })).toEqual(lk.logSumExp(big, 1024));
    expect(f.calls).toEqual(['logSumExp']);
    api.logSumExp(randomF32(64), 8);  // no device option: CPU
    expect(f.calls).toEqual(['logSumExp']);
    expect(f.live.size).toBe(0);  // the temporary device copies were freed
  });

  test('unknown options are still errors on the CUDA path', () => {
    const api = createCudaApi(fakeDriver().driver, cpu);
    expectError(() => api.softmax(randomF32(16), 8, { device: 'cuda', temprature: 2 } as never), RangeError, 'ERR_LOGITKIT_UNKNOWN_OPTION');
  });

  test('the exported functions take the device option (CPU here, or the real GPU when there is one)', () => {
    const x = randomF32(32);
    expect(lk.softmax(x, 8, { device: 'cpu' })).toEqual(lk.softmax(x, 8));
    expect(lk.softmax(x, 8, { device: 'auto' })).toEqual(lk.softmax(x, 8));
    if (!lk.backend().cuda) {
      expectError(() => lk.softmax(x, 8, { device: 'cuda' }), Error as never, 'ERR_LOGITKIT_CUDA_UNAVAILABLE');
      expectError(() => lk.cuda.upload(x), Error as never, 'ERR_LOGITKIT_CUDA_UNAVAILABLE');
    }
  });
});

describe('results and random streams on the CUDA path equal the CPU', () => {
  const f = fakeDriver();
  const api = createCudaApi(f.driver, cpu);
  const x = randomF32(6 * 50, 3);
  const labels = new Int32Array([1, 7, -100, 49, 0, 3]);

  test('softmax family, host arrays in and out', () => {
    for (const fn of ['logSumExp', 'softmax', 'logSoftmax'] as const) {
      expect(api[fn](x, 50, { device: 'cuda', temperature: 0.7 })).toEqual(lk[fn](x, 50, { temperature: 0.7 }));
    }
  });

  test('sampleCategorical / gumbelTopK / gumbel reserve the same words as the CPU (seed, rng, rngs)', () => {
    expect(api.sampleCategorical(x, 50, { device: 'cuda', seed: 9, temperature: 2 })).toEqual(lk.sampleCategorical(x, 50, { seed: 9, temperature: 2 }));
    const a = new lk.Rng(5), b = new lk.Rng(5);
    expect(api.sampleCategorical(x, 50, { device: 'cuda', rng: a })).toEqual(lk.sampleCategorical(x, 50, { rng: b }));
    expect(api.sampleCategorical(x, 50, { device: 'cuda', rng: a })).toEqual(lk.sampleCategorical(x, 50, { rng: b }));  // both moved on alike
    const ra = Array.from({ length: 6 }, (_, i) => new lk.Rng(i)), rb = Array.from({ length: 6 }, (_, i) => new lk.Rng(i));
    expect(api.sampleCategorical(x, 50, { device: 'cuda', rngs: ra })).toEqual(lk.sampleCategorical(x, 50, { rngs: rb }));
    expect(api.gumbelTopK(x, 50, 4, { device: 'cuda', seed: 2 })).toEqual(lk.gumbelTopK(x, 50, 4, { seed: 2 }));
    expect(api.gumbel(37, { device: 'cuda', seed: 4, loc: 1, scale: 2 })).toEqual(lk.gumbel(37, { seed: 4, loc: 1, scale: 2 }));
  });

  test('topk and softmaxCrossEntropy (every option, every reduction)', () => {
    expect(api.topk(x, 50, 5, { device: 'cuda', largest: false })).toEqual(lk.topk(x, 50, 5, { largest: false }));
    const w = randomF32(50, 8, 0, 2);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const o = { reduction, labelSmoothing: 0.1, classWeights: w, zLoss: 1e-3 };
      const g = api.softmaxCrossEntropy(x, labels, { ...o, device: 'cuda' }) as { loss: unknown; grad: Float32Array };
      const c = lk.softmaxCrossEntropy(x, labels, o);
      // the fake's per-row losses pass through float32 (the CPU kernel keeps them in double)
      if (typeof c.loss === 'number') expect(Math.abs((g.loss as number) - c.loss) / c.loss).toBeLessThan(1e-6);
      else expect(g.loss).toEqual(c.loss);
      // the fake scales the 'sum' gradient by 1/D afterwards: one more rounding than the CPU kernel
      if (reduction === 'mean') expectClose(g.grad, c.grad!);
      else expect(g.grad).toEqual(c.grad);
    }
    expectError(() => api.softmaxCrossEntropy(x, new Int32Array([1, 2, 3, 4, 5, 50]), { device: 'cuda' }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /labels\[5\] = 50/);
    expect(f.live.size).toBe(0);
  });

  test('device-resident pipeline: results stay CudaArrays until downloaded; free is idempotent; use after free is an error', () => {
    const d = api.upload(x);
    expect(d).toBeInstanceOf(CudaArray);
    const ls = api.logSoftmax(d, 50) as CudaArray<'float32'>;
    expect(ls).toBeInstanceOf(CudaArray);
    expect(ls.download()).toEqual(lk.logSoftmax(x, 50));
    const s = api.sampleCategorical(ls, 50, { seed: 1 }) as CudaArray<'int32'>;
    expect(s.download()).toEqual(lk.sampleCategorical(lk.logSoftmax(x, 50), 50, { seed: 1 }));
    const ce = api.softmaxCrossEntropy(d, api.upload(labels) as never) as { loss: number; grad: CudaArray<'float32'> };
    expect(ce.grad).toBeInstanceOf(CudaArray);
    expectClose(ce.grad.download(), lk.softmaxCrossEntropy(x, labels).grad!);
    expect(Math.abs(ce.loss / (lk.softmaxCrossEntropy(x, labels).loss as number) - 1)).toBeLessThan(1e-6);
    for (const a of [d, ls, s, ce.grad]) api.free(a);
    d.free();
    expect(d.freed).toBe(true);
    expectError(() => api.softmax(d, 50), Error as never, 'ERR_LOGITKIT_CUDA_FREED');
    expectError(() => d.download(), Error as never, 'ERR_LOGITKIT_CUDA_FREED');
    expectError(() => api.softmax(d, 50, { device: 'cpu' }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /download\(\) it first/);
  });
});

describe('errors', () => {
  test('a CUDA error keeps its message and gets ERR_LOGITKIT_CUDA_<NAME>; out-of-memory is a RangeError', () => {
    const e = mapCudaError(Object.assign(new Error('cuda.softmax: CUDA error cudaErrorLaunchFailure (719): unspecified launch failure'), { cudaError: 719, cudaErrorName: 'cudaErrorLaunchFailure' }), 'softmax') as Error & { code: string };
    expect(e.code).toBe('ERR_LOGITKIT_CUDA_LAUNCH_FAILURE');
    expect(e.message).toMatch(/^softmax: .*unspecified launch failure/);
    const o = mapCudaError({ cudaError: 2, cudaErrorName: 'cudaErrorMemoryAllocation', message: 'out of memory' }, 'softmax') as RangeError & { code: string };
    expect(o).toBeInstanceOf(RangeError);
    expect(o.code).toBe('ERR_LOGITKIT_CUDA_OUT_OF_MEMORY');
    const plain = new TypeError('x');
    expect(mapCudaError(plain, 'f')).toBe(plain);
  });

  test('through the API: a failed kernel throws and frees its temporaries; an allocation failure is a RangeError', () => {
    const f = fakeDriver({ failOp: { name: 'softmax', code: 719 } });
    const api = createCudaApi(f.driver, cpu);
    expectError(() => api.softmax(randomF32(16), 8, { device: 'cuda' }), Error as never, 'ERR_LOGITKIT_CUDA_LAUNCH_FAILURE');
    expect(f.live.size).toBe(0);
    const g = fakeDriver({ oomAbove: 1000 });
    const api2 = createCudaApi(g.driver, cpu);
    expectError(() => api2.upload(new Float32Array(1000)), RangeError, 'ERR_LOGITKIT_CUDA_OUT_OF_MEMORY', /out of GPU memory/);
    expect(g.live.size).toBe(0);
  });
});

describe('the real addon on this machine', () => {
  test('backend().cuda tells the truth and cudaInfo says why when there is no device', () => {
    const b = lk.backend();
    expect(b.cuda).toBe(b.cudaInfo.available);
    if (!b.cuda) expect(b.cudaInfo.reason).toMatch(/\S/);
    else expect(b.cudaInfo.name).toMatch(/\S/);
    if (native && process.env.LOGITKIT_CUDA === '0') expect(b.cudaInfo.reason).toBe('disabled by LOGITKIT_CUDA=0');
  });

  test.skipIf(!native?.cuda || lk.backend().cuda)('without a GPU the native driver refuses every device call with the reason', () => {
    const d = native!.cuda!;
    expect(() => d.alloc(16)).toThrow(/no CUDA device/);
    expect(() => d.run('softmax', [], [])).toThrow(/no CUDA device/);
  });
});
