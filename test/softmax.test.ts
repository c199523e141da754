// Softmax family: reference vs PyTorch fixtures, native (this process's tier) vs reference,
// masks and specials, threads, async, and bad input.
import { afterAll, describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import * as ref from '../lib/reference/index.js';
import { detached, expectClose, expectError, expectSameArray, fixture, LENGTHS, randomF32, TIER, unaligned } from './helpers.js';

const fx = fixture('softmax');
const f32 = (a: number[]) => new Float32Array(a);
const rounded = (a: number[]) => a.map(Math.fround);
// Float64 results rounded once: the reference must land within 1 ulp of the rounded truth.
const REF_TOL = { ulps: 1, abs: 1e-45 };

describe('reference vs PyTorch (float64 fixtures)', () => {
  for (const c of fx.cases.filter((c) => c.kind === 'rowwise')) {
    test(`rowwise ${c.name}`, () => {
      const x = f32(c.x), o = { temperature: c.temperature };
      expectClose(ref.logSumExp(x, c.cols, o), rounded(c.logSumExp), REF_TOL, 'logSumExp');
      expectClose(ref.softmax(x, c.cols, o), rounded(c.softmax), REF_TOL, 'softmax');
      expectClose(ref.logSoftmax(x, c.cols, o), rounded(c.logSoftmax), { ulps: 2, abs: 1e-45 }, 'logSoftmax');
    });
  }
  for (const c of fx.cases.filter((c) => c.kind === 'softmaxBackward')) {
    test(`softmaxBackward ${c.name}`, () => {
      expectClose(ref.softmaxBackward(f32(c.y), f32(c.dy), c.cols), rounded(c.dx), { ulps: 2, abs: 1e-7 }, 'dx');
    });
  }
  for (const c of fx.cases.filter((c) => c.kind === 'elementwise')) {
    test(`elementwise ${c.name}`, () => {
      const x = f32(c.x);
      expectClose(ref.sigmoid(x), rounded(c.sigmoid), REF_TOL, 'sigmoid');
      expectClose(ref.logSigmoid(x), rounded(c.logSigmoid), REF_TOL, 'logSigmoid');
      expectClose(ref.softplus(x), rounded(c.softplus), REF_TOL, 'softplus');
    });
  }
  for (const c of fx.cases.filter((c) => c.kind === 'logit')) {
    test(`logit ${c.name}`, () => expectClose(ref.logit(f32(c.p)), rounded(c.logit), REF_TOL, 'logit'));
  }
});

// Native error budget: ≤ 2 ulp per exp/log, a block rescale and a division, plus the rounding
// of the float32 argument t = (x − m)/τ, which costs |t|·2⁻²³ relative, |t| ≈ |ln p| (PyTorch's
// float32 softmax shows the same: 19 ulp at p = 9e-10 in the fixtures). logSoftmax is an
// absolute error relative to the row's lse magnitude.
const PROB_TOL = { ulps: 8, abs: 1e-37, lnRel: 3 * 2 ** -24 };
const LOG_TOL = { rel: 2e-6, abs: 2e-5 };

function both(fn: 'softmax' | 'logSoftmax' | 'logSumExp', x: Float32Array, cols: number, temperature?: number) {
  const o = temperature === undefined ? undefined : { temperature };
  return [lk[fn](x, cols, o), ref[fn](x, cols, o)] as const;
}

describe(`native vs reference (${TIER})`, () => {
  for (const cols of LENGTHS.filter((c) => c > 0)) {
    test(`random rows, cols = ${cols}`, () => {
      for (const [rows, temperature, scale] of [[1, 1, 8], [3, 0.37, 20], [2, 2.5, 1]] as const) {
        const x = randomF32(rows * cols, cols + rows, -scale, scale);
        const [a, b] = both('softmax', x, cols, temperature);
        expectClose(a, b, PROB_TOL, `softmax T=${temperature}`);
        const [c, d] = both('logSoftmax', x, cols, temperature);
        expectClose(c, d, LOG_TOL, `logSoftmax T=${temperature}`);
        const [e, f] = both('logSumExp', x, cols, temperature);
        expectClose(e, f, LOG_TOL, `logSumExp T=${temperature}`);
      }
    });
  }

  test('empty input gives empty output', () => {
    expect(lk.softmax(new Float32Array(0), 5).length).toBe(0);
    expect(lk.logSumExp(new Float32Array(0), 5).length).toBe(0);
  });

  test('unaligned views and out === x (in place)', () => {
    for (const cols of [15, 16, 17, 2049]) {
      const x = randomF32(3 * cols, cols, -30, 30);
      const want = ref.softmax(x, cols);
      expectClose(lk.softmax(unaligned(x), cols), want, PROB_TOL, 'unaligned');
      const inPlace = unaligned(x);
      expect(lk.softmax(inPlace, cols, { out: inPlace })).toBe(inPlace);
      expectClose(inPlace, want, PROB_TOL, 'in place');
      const ls = unaligned(x);
      lk.logSoftmax(ls, cols, { out: ls });
      expectClose(ls, ref.logSoftmax(x, cols), LOG_TOL, 'logSoftmax in place');
    }
  });

  test('large rows (256 × 32000 and 1 × 300000) with the block rescale', () => {
    // Increasing values force the running max to move in every block.
    const x = new Float32Array(300000).map((_, i) => i * 1e-4 + Math.sin(i));
    expectClose(lk.softmax(x, x.length), ref.softmax(x, x.length), PROB_TOL, 'softmax 1×300000');
    expectClose(lk.logSumExp(x, x.length), ref.logSumExp(x, x.length), LOG_TOL, 'lse 1×300000');
    const y = randomF32(256 * 32000, 7, -10, 10);
    expectClose(lk.logSoftmax(y, 32000), ref.logSoftmax(y, 32000), LOG_TOL, 'logSoftmax 256×32000');
  });

  test('-Infinity masks, all-masked rows, NaN rows, +Infinity', () => {
    const cols = 37;
    const x = randomF32(5 * cols, 3);
    for (let j = 0; j < cols; j += 3) x[j] = -Infinity; // row 0: partly masked
    x.fill(-Infinity, cols, 2 * cols); // row 1: all masked
    x[2 * cols + 20] = NaN; // row 2: NaN
    x[3 * cols + 5] = Infinity; // row 3: +Infinity
    x.fill(-Infinity, 4 * cols, 5 * cols - 1); // row 4: one live entry, at the end
    const sm = lk.softmax(x, cols), ls = lk.logSoftmax(x, cols), lse = lk.logSumExp(x, cols);
    expectClose(sm, ref.softmax(x, cols), PROB_TOL, 'softmax');
    expectClose(ls, ref.logSoftmax(x, cols), LOG_TOL, 'logSoftmax');
    expectClose(lse, ref.logSumExp(x, cols), LOG_TOL, 'lse');
    for (let j = 0; j < cols; j += 3) expect(sm[j]).toBe(0);
    expect(lse[1]).toBe(-Infinity);
    expect(Array.from(sm.subarray(cols, 2 * cols)).every((v) => v === 0)).toBe(true);
    expect(Array.from(ls.subarray(cols, 2 * cols)).every((v) => v === -Infinity)).toBe(true);
    expect(Array.from(sm.subarray(2 * cols, 3 * cols)).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(lse[2])).toBe(true);
    expect(sm[5 * cols - 1]).toBe(1);
    expect(ls[5 * cols - 1]).toBe(0);
  });

  test('multi-block rows: a masked, a NaN and a late-max row between ordinary ones (second pass interleaved)', () => {
    const cols = 5000; // three blocks per row
    const x = randomF32(5 * cols, 21, -30, 30);
    x.fill(-Infinity, cols, 2 * cols);
    x[2 * cols + 4999] = NaN;
    x[3 * cols + 4500] = 90; // the running max moves in the last block
    for (const inPlace of [false, true]) {
      const a = x.slice(), b = x.slice();
      const sm = inPlace ? lk.softmax(a, cols, { out: a }) : lk.softmax(x, cols);
      const ls = inPlace ? lk.logSoftmax(b, cols, { out: b }) : lk.logSoftmax(x, cols);
      expectClose(sm, ref.softmax(x, cols), PROB_TOL, `softmax in place=${inPlace}`);
      expectClose(ls, ref.logSoftmax(x, cols), LOG_TOL, `logSoftmax in place=${inPlace}`);
    }
  });

  test('NaN after an all-masked block still poisons the row', () => {
    const x = new Float32Array(5000).fill(-Infinity);
    x[4500] = NaN;
    x[10] = -Infinity;
    expect(Number.isNaN(lk.logSumExp(x, 5000)[0])).toBe(true);
    const y = new Float32Array(3000).fill(-Infinity);
    y[100] = NaN; // NaN inside the first, otherwise masked block
    y[2500] = 1;
    expect(Number.isNaN(lk.logSumExp(y, 3000)[0])).toBe(true);
    expect(Number.isNaN(lk.softmax(y, 3000)[2500])).toBe(true);
  });

  test('huge magnitudes (±1e30, ±3e38) stay finite where the math is', () => {
    const x = f32([1e30, -1e30, 3e38, -3e38, 0, 1, 3e38, 3e38]);
    for (const fn of ['softmax', 'logSoftmax', 'logSumExp'] as const) {
      const [a, b] = both(fn, x, 4);
      expectClose(a, b, fn === 'softmax' ? PROB_TOL : LOG_TOL, fn);
    }
  });

  test('softmaxBackward', () => {
    for (const cols of [1, 8, 17, 2049, 5000]) {
      const y = lk.softmax(randomF32(3 * cols, cols), cols);
      const dy = randomF32(3 * cols, cols + 1);
      expectClose(lk.softmaxBackward(y, dy, cols), ref.softmaxBackward(y, dy, cols), { rel: 1e-5, abs: 1e-6 }, 'dx');
      const inPlace = dy.slice();
      lk.softmaxBackward(y, inPlace, cols, { out: inPlace });
      expectClose(inPlace, ref.softmaxBackward(y, dy, cols), { rel: 1e-5, abs: 1e-6 }, 'dx in place');
    }
  });

  test('elementwise family over the whole range', () => {
    const x = f32([0, -0, 1e-45, -1e-45, 1e-30, 10, -10, 50, -50, 88, -88, 89, -89, 100, -100, 104, -104,
      1e30, -1e30, 3.4e38, -3.4e38, Infinity, -Infinity, NaN, ...randomF32(997, 5, -120, 120)]);
    const tol = { ulps: 4, abs: 1e-44 };
    expectClose(lk.sigmoid(x), ref.sigmoid(x), tol, 'sigmoid');
    expectClose(lk.logSigmoid(x), ref.logSigmoid(x), tol, 'logSigmoid');
    expectClose(lk.softplus(x), ref.softplus(x), tol, 'softplus');
    const p = f32([0, 1, 1e-30, 1e-7, 0.5, 1 - 1e-7, -0.5, 1.5, NaN, ...randomF32(997, 9, 0, 1)]);
    expectClose(lk.logit(p), ref.logit(p), { ulps: 4, abs: 1e-6 }, 'logit');
    const y = x.slice();
    expect(lk.softplus(y, { out: y })).toBe(y);
    expectClose(y, ref.softplus(x), tol, 'softplus in place');
  });
});

describe('threads and async', () => {
  afterAll(() => lk.setThreads(lk.backend().name === 'native' ? 2 : 1));

  test('identical results for 1 and 2 threads', () => {
    const x = randomF32(512 * 1000, 11, -20, 20);
    lk.setThreads(1);
    const one = [lk.softmax(x, 1000), lk.logSoftmax(x, 1000), lk.logSumExp(x, 1000), lk.sigmoid(x)];
    lk.setThreads(2);
    const two = [lk.softmax(x, 1000), lk.logSoftmax(x, 1000), lk.logSumExp(x, 1000), lk.sigmoid(x)];
    one.forEach((a, i) => expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(two[i].buffer))).toBe(0));
    expect(lk.backend().threads).toBe(2);
  });

  test('softmaxAsync / logSoftmaxAsync equal the sync results, concurrently', async () => {
    const x = randomF32(300 * 2000, 13);
    const [a, b, c] = await Promise.all([lk.softmaxAsync(x, 2000), lk.logSoftmaxAsync(x, 2000, { temperature: 0.5 }), lk.softmaxAsync(x, 2000)]);
    expectSameArray(a, lk.softmax(x, 2000));
    expectSameArray(b, lk.logSoftmax(x, 2000, { temperature: 0.5 }));
    expectSameArray(c, a);
    const out = new Float32Array(x.length);
    expect(await lk.softmaxAsync(x, 2000, { out })).toBe(out);
  });

  test('async validates synchronously-thrown errors as rejections', async () => {
    await expect(lk.softmaxAsync(new Float32Array(5), 2)).rejects.toMatchObject({ code: 'ERR_LOGITKIT_OUT_OF_RANGE' });
  });
});

describe('bad input: clear errors, no crash', () => {
  const x = new Float32Array(6);
  const T = 'ERR_LOGITKIT_INVALID_ARG_TYPE', R = 'ERR_LOGITKIT_OUT_OF_RANGE';
  test('wrong types', () => {
    expectError(() => lk.softmax([1, 2, 3] as unknown as Float32Array, 3), TypeError, T, /softmax: x must be a Float32Array \(got Array\(3\)\); convert with Float32Array\.from\(x\)/);
    expectError(() => lk.softmax(new Float64Array(3) as unknown as Float32Array, 3), TypeError, T, /Float64Array/);
    expectError(() => lk.softmax(x, '3' as unknown as number), TypeError, T, /cols must be a number, received string "3"/);
    expectError(() => lk.softmax(x, 3, 5 as unknown as object), TypeError, T, /options must be an object/);
    expectError(() => lk.softmax(x, 3, { temperature: '1' as unknown as number }), TypeError, T, /temperature/);
    expectError(() => lk.softmax(x, 3, { out: [] as unknown as Float32Array }), TypeError, T, /options.out must be a Float32Array/);
    expectError(() => lk.sigmoid(null as unknown as Float32Array), TypeError, T, /sigmoid: x must be a Float32Array \(got null\)$/);
  });
  test('wrong sizes and ranges', () => {
    expectError(() => lk.softmax(x, 4), RangeError, R, /x.length = 6 is not a multiple of cols = 4/);
    for (const cols of [0, -1, 2.5, NaN, Infinity]) expectError(() => lk.softmax(x, cols), RangeError, R, /cols = .* is out of range/);
    for (const t of [0, -1, NaN, Infinity]) expectError(() => lk.logSoftmax(x, 3, { temperature: t }), RangeError, R, /temperature = .* expected a finite number > 0/);
    expectError(() => lk.softmax(x, 3, { out: new Float32Array(5) }), RangeError, R, /options.out.length = 5 is out of range: expected 6/);
    expectError(() => lk.logSumExp(x, 3, { out: new Float32Array(6) }), RangeError, R, /expected 2/);
    expectError(() => lk.softmaxBackward(x, new Float32Array(5), 3), RangeError, R, /dy.length = 5/);
    const big = new Float32Array(12);
    expectError(() => lk.softmax(big.subarray(0, 6), 3, { out: big.subarray(3, 9) }), RangeError, R, /partially overlaps/);
  });
  test('detached buffers', () => {
    expectError(() => lk.softmax(detached(), 2), TypeError, 'ERR_LOGITKIT_DETACHED', /detached/);
    expectError(() => lk.softmax(x, 3, { out: detached(6) }), TypeError, 'ERR_LOGITKIT_DETACHED', /detached/);
    expectError(() => lk.softplus(detached()), TypeError, 'ERR_LOGITKIT_DETACHED');
  });
  test('nothing is written to out when validation fails', () => {
    const out = new Float32Array(6).fill(7);
    expect(() => lk.softmax(x, 3, { out, temperature: -1 })).toThrow();
    expect(Array.from(out)).toEqual([7, 7, 7, 7, 7, 7]);
  });
});
