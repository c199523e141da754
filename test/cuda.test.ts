// Every CUDA kernel against the CPU on the same inputs and seeds: Philox words and uniforms bit
// for bit, the full-word Gumbel within a few ulp of the float64 map, the softmax family and the
// fused cross-entropy (every option) within float32 bounds, top-k exactly, and sampled indices
// identical to the CPU's except where two perturbed values are closer than the transforms'
// difference. Runs only where backend().cuda is true (bench/device.sh on a GPU machine);
// elsewhere the whole file is reported as skipped with the reason.
import { describe, expect, test } from 'vitest';
import { cudaInfo } from '../lib/backend.js';
import { createCudaApi, mapCudaError, type CudaArray } from '../lib/cuda.js';
import * as lk from '../lib/index.js';
import { native } from '../lib/native.js';
import { wordToGumbel } from '../lib/reference/philox.js';
import { expectSameArray, randomF32 } from './helpers.js';

const info = lk.backend().cudaInfo;
const on = lk.backend().cuda;
const api = createCudaApi(native?.cuda ?? null, { ...lk }, cudaInfo);
const title = on ? `CUDA kernels vs CPU on ${info.name} (sm ${info.computeCapability}, driver ${info.driverVersion})`
  : `CUDA kernels vs CPU (skipped: ${info.reason})`;

/** max |a − b| ≤ tol·max(1, |b|) elementwise, with NaN / ±Infinity matching exactly. */
function expectNear(a: Float32Array, b: Float32Array, tol: number, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      expect(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)), `${what}[${i}]: ${x} vs ${y}`).toBe(true);
      continue;
    }
    if (Math.abs(x - y) > tol * Math.max(1, Math.abs(y))) expect.fail(`${what}[${i}]: cuda ${x} vs cpu ${y}`);
  }
}

function adversarialRows(cols: number): Float32Array {
  const rows = 8;
  const x = randomF32(rows * cols, cols);
  const row = (r: number) => x.subarray(r * cols, (r + 1) * cols);
  row(1).fill(-Infinity);
  row(2)[cols >> 1] = NaN;
  row(3).fill(3e38);
  row(3)[0] = -3e38;
  row(4).fill(-Infinity);
  row(4)[cols - 1] = 0;
  row(5).fill(1e30);
  row(6).forEach((_, j) => (row(6)[j] = j % 3 === 0 ? -Infinity : 5e-45));
  return x;
}

describe.skipIf(!on)(title, () => {
  test('Philox words and uniforms are bit-identical to the CPU (counters crossing 2³²)', () => {
    for (const n of [1, 3, 4, 5, 1023, 100_003]) {
      const rng = new lk.Rng(12345).advance(2n ** 32n - 7n);
      const cpuWords = rng.clone().uint32(n);
      const cpuUni = rng.clone().uniform(n);
      expect(api.raw('philoxUint32', n, rng.clone().reserve(n))).toEqual(cpuWords);
      expect(api.raw('philoxUniform', n, rng.clone().reserve(n))).toEqual(cpuUni);
    }
  });

  test('the full-word Gumbel is within a few ulp of the float64 map (extreme words included)', () => {
    const words = new lk.Rng(3).uint32(1 << 16);
    words.set([0, 1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff]);
    const g = api.mapWordsGumbel(words);
    let worst = 0;
    for (let i = 0; i < words.length; i++) {
      const e = wordToGumbel(words[i]);
      worst = Math.max(worst, Math.abs(g[i] - e) / Math.max(Math.abs(e), 2 ** -10));
    }
    expect(worst).toBeLessThan(2 ** -20);  // ≈ 8 ulp of float32
    expectNear(lk.gumbel(10_001, { seed: 8, device: 'cuda', loc: 1, scale: 3 }), lk.gumbel(10_001, { seed: 8, loc: 1, scale: 3 }), 1e-5, 'gumbel');
  });

  test('logSumExp / softmax / logSoftmax: random and adversarial rows, temperatures, long rows', () => {
    for (const cols of [1, 7, 33, 2049, 128_256]) {
      const x = cols > 10_000 ? randomF32(3 * cols, 5) : adversarialRows(cols);
      for (const temperature of [1, 0.5, 3]) {
        for (const fn of ['logSumExp', 'softmax', 'logSoftmax'] as const) {
          const tol = fn === 'softmax' ? 2e-6 : 1e-5;
          expectNear(lk[fn](x, cols, { temperature, device: 'cuda' }), lk[fn](x, cols, { temperature }), tol, `${fn} cols=${cols} T=${temperature}`);
        }
      }
    }
  });

  test('fused softmax cross-entropy: every option and reduction, in place, ignored and masked rows', () => {
    for (const cols of [5, 1000, 128_256]) {
      const rows = cols > 10_000 ? 4 : 16;
      const x = randomF32(rows * cols, 11, -20, 20);
      if (cols < 10_000) x.fill(-Infinity, cols, 2 * cols);  // one masked row
      const labels = Int32Array.from({ length: rows }, (_, r) => (r === 2 ? -100 : (r * 7919) % cols));
      const w = randomF32(cols, 4, 0, 3);
      const variants = [{}, { labelSmoothing: 0.1 }, { classWeights: w }, { zLoss: 1e-4 }, { labelSmoothing: 0.2, classWeights: w, zLoss: 1e-3 }];
      for (const v of variants) {
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const o = { ...v, reduction };
          const c = lk.softmaxCrossEntropy(x, labels, o);
          const g = lk.softmaxCrossEntropy(x, labels, { ...o, device: 'cuda' });
          const what = `CE cols=${cols} ${JSON.stringify({ ...v, classWeights: undefined })} ${reduction}`;
          if (typeof c.loss === 'number') {
            if (Number.isFinite(c.loss)) expect(Math.abs((g.loss as number) - c.loss) / Math.max(1, Math.abs(c.loss)), what).toBeLessThan(1e-5);
            else expect(g.loss, what).toBe(c.loss);
          } else expectNear(g.loss as Float32Array, c.loss, 1e-5, what);
          expectNear(g.grad!, c.grad!, 1e-6, `${what} grad`);
        }
      }
      const inPlace = x.slice();
      const d = lk.cuda.upload(inPlace);
      const r = lk.softmaxCrossEntropy(d, labels, { reduction: 'sum' });
      expectNear((r.grad as CudaArray<'float32'>).download(), lk.softmaxCrossEntropy(x, labels, { reduction: 'sum' }).grad!, 1e-6, 'device-resident grad');
      r.grad!.free();
      d.free();
    }
  });

  /** Rows whose top two perturbed values (x·invT + G, from the same words) are closer than `gap`. */
  function nearTies(x: Float32Array, cols: number, seed: number, invT: number, gap: number): Set<number> {
    const g = lk.gumbel(x.length, { seed });
    const out = new Set<number>();
    for (let r = 0; r < x.length / cols; r++) {
      let a = -Infinity, b = -Infinity;
      for (let j = 0; j < cols; j++) {
        const v = x[r * cols + j] * invT + g[r * cols + j];
        if (v > a) [a, b] = [v, a];
        else if (v > b) b = v;
      }
      if (a - b < gap) out.add(r);
    }
    return out;
  }

  test('sampleCategorical: the same indices as the CPU for the same seed (seed, rngs, temperature, masks)', () => {
    for (const cols of [3, 1000, 128_256]) {
      const rows = cols > 10_000 ? 16 : 256;
      const x = randomF32(rows * cols, 21, -4, 4);
      x.fill(-Infinity, 0, cols);  // an all-masked row: −1
      for (const [seed, temperature] of [[1, 1], [2, 0.5], [3, 2]]) {
        const c = lk.sampleCategorical(x, cols, { seed, temperature });
        const g = lk.sampleCategorical(x, cols, { seed, temperature, device: 'cuda' });
        const ties = nearTies(x, cols, seed, 1 / temperature, 1e-4);
        expect(ties.size, 'near-ties must stay rare or the check says little').toBeLessThan(rows / 10 + 1);
        for (let r = 0; r < rows; r++) if (!ties.has(r)) expect(g[r], `row ${r}`).toBe(c[r]);
        expect(g[0]).toBe(-1);
      }
      const ra = Array.from({ length: rows }, (_, i) => new lk.Rng(i)), rb = ra.map((r) => r.clone());
      expect(lk.sampleCategorical(x, cols, { rngs: ra, device: 'cuda' })).toEqual(lk.sampleCategorical(x, cols, { rngs: rb }));
    }
  });

  test('gumbelTopK: the same indices as the CPU (perturbed values within float32 bounds), −1 past the support', () => {
    for (const [cols, k] of [[10, 10], [1000, 16], [128_256, 64]] as const) {
      const rows = cols > 10_000 ? 8 : 64;
      const x = randomF32(rows * cols, 31, -3, 3);
      x.fill(-Infinity, 0, cols - 2);  // row 0 has a support of 2
      const c = lk.gumbelTopK(x, cols, k, { seed: 5 });
      const g = lk.gumbelTopK(x, cols, k, { seed: 5, device: 'cuda' });
      const ties = nearTies(x, cols, 5, 1, 1e-4);
      for (let r = 0; r < rows; r++) {
        if (ties.has(r)) continue;
        expectSameArray(g.indices.subarray(r * k, (r + 1) * k), c.indices.subarray(r * k, (r + 1) * k), `row ${r}`);
      }
      expectNear(g.perturbed, c.perturbed, 1e-5, 'perturbed');
    }
  });

  test('topk: values bit for bit and indices identical (ties, NaN, ±0, ±Infinity; largest and smallest)', () => {
    const cols = 300;
    const x = randomF32(16 * cols, 41);
    for (let j = 0; j < cols; j += 7) x[j] = 1;  // ties in row 0
    x[cols + 5] = NaN;
    x[cols + 9] = -0;
    x[cols + 10] = 0;
    x[2 * cols + 1] = Infinity;
    x.fill(-Infinity, 3 * cols, 4 * cols);
    for (const k of [0, 1, 17, cols]) {
      for (const largest of [true, false]) {
        const c = lk.topk(x, cols, k, { largest });
        const g = lk.topk(x, cols, k, { largest, device: 'cuda' });
        expect(g.indices, `k=${k} largest=${largest}`).toEqual(c.indices);
        expect(new Uint32Array(g.values.buffer)).toEqual(new Uint32Array(c.values.buffer));
      }
    }
  });

  test('a device-resident pipeline gives the host results; out-of-memory is a RangeError', () => {
    const cols = 5000;
    const x = randomF32(32 * cols, 51);
    const d = lk.cuda.upload(x);
    const ls = lk.logSoftmax(d, cols);
    const s = lk.sampleCategorical(ls, cols, { seed: 4 });
    expect(s.download()).toEqual(lk.sampleCategorical(lk.logSoftmax(x, cols, { device: 'cuda' }), cols, { seed: 4, device: 'cuda' }));
    for (const a of [d, ls, s]) a.free();
    let err: unknown;
    try {
      native!.cuda!.alloc(2 ** 50);  // 1 PiB
    } catch (e) {
      err = mapCudaError(e, 'alloc');
    }
    expect(err).toBeInstanceOf(RangeError);
    expect((err as { code: string }).code).toBe('ERR_LOGITKIT_CUDA_OUT_OF_MEMORY');
    // the device still works after the failed allocation
    expect(lk.logSumExp(new Float32Array([0, 0]), 2, { device: 'cuda' })[0]).toBeCloseTo(Math.LN2, 6);
  });
});

test('the CUDA comparison runs exactly when backend().cuda is true', () => {
  expect(on).toBe(info.available);
  if (!on) expect(info.reason, 'skipped CUDA tests must say why').toMatch(/\S/);
});
