// Regression tests for the API-error defects the API fuzzer found (RELIABILITY.md, finding 7 and
// the later families): each error names the function and the argument and carries a code, on
// both backends; nothing takes the process down.
import { describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import * as ref from '../lib/reference/index.js';
import { detached, expectError, expectSameArray } from './helpers.js';

const x = new Float32Array([0, 1, 2, 3, 4, 5]);

describe.each([['native', lk], ['reference', ref]] as const)('%s entry point', (_name, api) => {
  test('options.seed errors name the function and the option', () => {
    expectError(() => api.sampleCategorical(x, 3, { seed: -1 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^sampleCategorical: options\.seed = -1/);
    expectError(() => api.gumbel(2, { seed: 1.5 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^gumbel: options\.seed = 1\.5/);
    expectError(() => api.gumbel(2, { seed: 2n ** 64n }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^gumbel: options\.seed = 18446744073709551616/);
    expectError(() => api.sample.normal(2, {}, { seed: '3' as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^sample\.normal: options\.seed must be a number or a bigint/);
    expectError(() => api.decoder({ seed: null as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^decoder: options\.seed/);
    expectError(() => new api.AliasSampler(new Float64Array([1, 2])).sample(2, { seed: NaN }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^AliasSampler\.sample: options\.seed/);
    expectError(() => new api.Rng(-1), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^Rng: seed = -1/);
  });

  test('Rng.reserve checks draws itself (no engine errors, no advance on failure)', () => {
    const r = new api.Rng(1);
    for (const bad of [null, true, '3', [], {}, 3n, Symbol('s')]) {
      expectError(() => r.reserve(bad as never), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^Rng\.reserve: draws must be a number/);
    }
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      expectError(() => r.reserve(bad), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^Rng\.reserve: draws = /);
    }
    expect(r.counter).toBe(0n);
    expect(r.reserve(5).c0).toBe(0);
    expect(r.counter).toBe(2n);
  });

  test('logit names its argument p', () => {
    expectError(() => api.logit([0.5] as never), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^logit: p must be a Float32Array/);
  });

  test('fitTemperatureInfo names itself, not fitTemperature', () => {
    expectError(() => api.fitTemperatureInfo(x, new Int32Array(4)), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^fitTemperatureInfo: logits\.length/);
    expectError(() => api.fitTemperature(x, new Int32Array(4)), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^fitTemperature: logits\.length/);
  });

  test('decoder.next refuses cols 0 instead of growing its histories without bound', () => {
    const d = api.decoder({ seed: 1 });
    for (const cols of [0, 0.5, -3]) expectError(() => d.next(x, cols), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^decoder\.next: cols = /);
    expectError(() => d.next(x, [] as never), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^decoder\.next: cols must be a number/);
    expectError(() => d.next(null as never, 3), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^decoder\.next: logits/);
    expect(d.histories).toEqual([]);
    const p = api.decoder({ seed: 1, prompt: [[5]] });
    expectError(() => p.next(x, 3), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^decoder\.next: cols = 3 .*holds token 5/);
    expectError(() => api.decoder({ prompt: 'ab' as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^decoder: options\.prompt must be an array/);
    expectError(() => api.decoder({ prompt: [[-1]] }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^decoder: options\.prompt\[0\]\[0\]/);
  });

  test('sampleNext: bannedTokens / previousTokens that are detached or Proxies; a huge topK', () => {
    const gone = new Int32Array(2);
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    expectError(() => api.sampleNext(x, 3, { seed: 1, bannedTokens: gone }), TypeError, 'ERR_LOGITKIT_DETACHED', /options\.bannedTokens/);
    expectError(() => api.sampleNext(x, 3, { seed: 1, bannedTokens: new Proxy(new Int32Array([1]), {}) }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /options\.bannedTokens/);
    expectError(() => api.sampleNext(x, 3, { seed: 1, previousTokens: [new Proxy(new Int32Array([1]), {}), []] }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /options\.previousTokens\[0\]/);
    // topK ≥ cols keeps every token, whatever its size.
    expectSameArray(api.sampleNext(x, 3, { seed: 1, topK: 2 ** 31 }), api.sampleNext(x, 3, { seed: 1 }));
  });

  test('AliasSampler, klUniform mask, skipGramStep options, reliabilityDiagramSvg title', () => {
    expectError(() => new api.AliasSampler(new Proxy(new Float64Array([1, 2]), {})), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^AliasSampler: weights/);
    expectError(() => new api.AliasSampler(detached(2)), TypeError, 'ERR_LOGITKIT_DETACHED', /^AliasSampler: weights/);
    expectError(() => api.klUniform(x, 3, { mask: new Proxy(new Uint8Array(2), {}) }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^klUniform: options\.mask/);
    const q = new api.AliasSampler(new Float64Array([1, 1]));
    expectError(() => api.skipGramStep(new Float32Array(4), new Float32Array(4), 2, new Int32Array([0]), new Int32Array([1]), { sampler: q, seed: 1, mode: 3n as never }),
      RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^skipGramStep: options\.mode = bigint 3/);
    const d = api.reliabilityDiagram(x, new Int32Array([1, 2]), { bins: 3 });
    expectError(() => api.reliabilityDiagramSvg(d, { title: 3 as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^reliabilityDiagramSvg: options\.title must be a string/);
  });
});

describe('the CUDA host API without a GPU', () => {
  test('upload checks its argument first; download / free refuse what is not a CudaArray', () => {
    expectError(() => lk.cuda.upload([1] as never), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^cuda\.upload: x must be/);
    expectError(() => lk.cuda.upload(detached(2)), TypeError, 'ERR_LOGITKIT_DETACHED', /^cuda\.upload: x/);
    if (!lk.cuda.info().available) {
      expectError(() => lk.cuda.upload(new Float32Array(2)), Error as never, 'ERR_LOGITKIT_CUDA_UNAVAILABLE', /^cuda\.upload: x cannot be uploaded: no CUDA device/);
    }
    for (const bad of [null, undefined, {}, new Float32Array(2)]) {
      expectError(() => lk.cuda.download(bad as never), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^cuda\.download: x must be a CudaArray/);
      expectError(() => lk.cuda.free(bad as never), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^cuda\.free: x must be a CudaArray/);
    }
  });

  test('CudaArray: a direct construction gets coded errors; download checks out', () => {
    expectError(() => new (lk.CudaArray as any)({}, 'float32', 4), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^CudaArray: driver/);
    const bytes = new Map<object, ArrayBuffer>();
    const driver = {
      info: () => ({ available: true }),
      alloc: (n: number) => { const h = {}; bytes.set(h, new ArrayBuffer(Math.max(n, 4))); return h; },
      free: () => {},
      copy: (h: object, host: ArrayBufferView, toDevice: boolean) => {
        const dev = new Uint8Array(bytes.get(h)!, 0, host.byteLength), hv = new Uint8Array(host.buffer, host.byteOffset, host.byteLength);
        if (toDevice) dev.set(hv); else hv.set(dev);
      },
      run: () => {},
    };
    expectError(() => new (lk.CudaArray as any)(driver, 'float16', 4), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^CudaArray: dtype/);
    expectError(() => new (lk.CudaArray as any)(driver, 'float32', -1), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /^CudaArray: length/);
    const d = new (lk.CudaArray as any)(driver, 'int32', 3) as lk.CudaArray<'int32'>;
    expect(Array.from(lk.cuda.download(d))).toEqual([0, 0, 0]);
    expectError(() => lk.cuda.download(d, new Float32Array(3) as never), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^cuda\.download: out must be a Int32Array/);
    expectError(() => lk.cuda.download(d, new Proxy(new Int32Array(3), {})), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /^cuda\.download: out/);
    const gone = new Int32Array(3);
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    expectError(() => lk.cuda.download(d, gone), TypeError, 'ERR_LOGITKIT_DETACHED', /^cuda\.download: out/);
    lk.cuda.free(d);
    expectError(() => lk.cuda.download(d), Error as never, 'ERR_LOGITKIT_CUDA_FREED');
  });
});
