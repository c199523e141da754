// Top-k and argmax: reference vs PyTorch fixtures, the ranking rules on crafted rows (ties,
// NaN, ±Infinity, -0/+0), native (this process's tier) vs reference on random and adversarial
// rows, long rows split across threads, async, out buffers and bad input.
import { afterAll, describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import { native } from '../lib/native.js';
import * as ref from '../lib/reference/index.js';
import { detached, expectError, fixture, LENGTHS, randomF32, TIER, unaligned } from './helpers.js';

type Result = { values: Float32Array; indices: Int32Array };
const f32 = (a: number[]) => new Float32Array(a);
const arr = (a: ArrayLike<number>) => Array.from(a);
/** Same number, NaN matching NaN, and -0 distinct from +0. */
const sameValues = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && arr(a).every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])));

function expectSame(a: Result, b: Result, what: string): void {
  expect(arr(a.indices), `${what} indices`).toEqual(arr(b.indices));
  expect(sameValues(a.values, b.values), `${what} values`).toBe(true);
}

/** values[r·k + j] is x[r·cols + indices[r·k + j]], bit for bit. */
function expectGathered(x: Float32Array, cols: number, k: number, r: Result, what: string): void {
  const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const vb = new Uint32Array(r.values.buffer, r.values.byteOffset, r.values.length);
  for (let i = 0; i < r.indices.length; i++) {
    const row = Math.floor(i / k), j = r.indices[i];
    expect(j >= 0 && j < cols, `${what} index ${j} in range`).toBe(true);
    if (TIER !== 'js') expect(vb[i], `${what} bits of values[${i}]`).toBe(xb[row * cols + j]);
    else expect(Object.is(r.values[i], x[row * cols + j]) || Number.isNaN(r.values[i]), `${what} values[${i}]`).toBe(true);
  }
}

/** The k elements of each row ordered by index: compares sorted: false results as sets. */
function byIndex(r: Result, k: number): Result {
  const values = new Float32Array(r.values.length), indices = new Int32Array(r.indices.length);
  for (let o = 0; o < r.indices.length; o += k) {
    const order = Array.from({ length: k }, (_, j) => o + j).sort((p, q) => r.indices[p] - r.indices[q]);
    order.forEach((p, j) => { values[o + j] = r.values[p]; indices[o + j] = r.indices[p]; });
  }
  return { values, indices };
}

describe('reference vs PyTorch (torch.topk fixtures)', () => {
  const fx = fixture('topk');
  for (const c of fx.cases) {
    test(`${c.name}${c.tiesOrNaN ? ' (values only: documentation case)' : ''}`, () => {
      const x = f32(c.x);
      for (const r of c.results) {
        const got = ref.topk(x, c.cols, r.k, { largest: r.largest, sorted: r.sorted });
        const what = `k=${r.k} largest=${r.largest}`;
        if (!c.tiesOrNaN) {
          expect(arr(got.values), `${what} values`).toEqual(r.values.map(Math.fround));
          expect(arr(got.indices), `${what} indices`).toEqual(r.indices);
          expectSame(lk.topk(x, c.cols, r.k, { largest: r.largest }), got, `${TIER} ${what}`);
        } else {
          // torch orders ties (and the two zeros) arbitrarily; the values agree as numbers.
          const eq = arr(got.values).every((v, i) => v === r.values[i] || (Number.isNaN(v) && Number.isNaN(r.values[i])));
          expect(eq, `${what} values as numbers`).toBe(true);
        }
      }
    });
  }
});

describe(`ranking rules (${TIER} and reference)`, () => {
  const impls = [['lk', lk.topk], ['ref', ref.topk]] as const;
  const check = (x: number[], k: number, largest: boolean, indices: number[]) => {
    for (const [name, topk] of impls) {
      const xa = f32(x);
      const r = topk(xa, x.length, k, { largest });
      expect(arr(r.indices), `${name} largest=${largest} ${JSON.stringify(x.map(String))}`).toEqual(indices);
      expectGathered(xa, x.length, k, r, name);
    }
  };

  test('ties: the lower index first', () => {
    check([1, 3, 3, 2, 3], 2, true, [1, 2]);
    check([1, 3, 3, 2, 3], 4, true, [1, 2, 4, 3]);
    check([2, 1, 3, 1, 1], 2, false, [1, 3]);
    check([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 17, true, Array.from({ length: 17 }, (_, i) => i));
  });

  test('NaN ranks above +Infinity; for the smallest k it is chosen last', () => {
    check([1, NaN, 5, NaN, Infinity], 3, true, [1, 3, 4]);
    check([1, NaN, 5, NaN, Infinity], 3, false, [0, 2, 4]);
    check([1, NaN, 5, NaN, Infinity], 5, false, [0, 2, 4, 1, 3]);
    check([NaN, NaN, NaN], 2, true, [0, 1]);
    check([NaN, NaN, NaN], 2, false, [0, 1]);
  });

  test('±Infinity', () => {
    check([-Infinity, 0, Infinity, -Infinity], 4, true, [2, 1, 0, 3]);
    check([-Infinity, 0, Infinity, -Infinity], 4, false, [0, 3, 1, 2]);
    check([-Infinity, -Infinity, -Infinity], 1, true, [0]);
  });

  test('-0 and +0 are equal: a tie, lower index first, each value returned as given', () => {
    check([-0, 0, -0, 0], 4, true, [0, 1, 2, 3]);
    check([-0, 0, -0, 0], 4, false, [0, 1, 2, 3]);
    check([-0, 0, -0, 0], 1, true, [0]);
    check([0, -0], 1, false, [0]);
    check([-1, 0, -0, 1], 2, true, [3, 1]);
    check([-1, -0, 0, 1], 2, false, [0, 1]);
    for (const topk of [lk.topk, ref.topk]) {
      const r = topk(f32([-0, 0, -1]), 3, 2);
      expect(Object.is(r.values[0], -0) && Object.is(r.values[1], 0)).toBe(true);
    }
  });

  test('k = 0, k = 1, k = cols', () => {
    const x = randomF32(3 * 37, 5);
    for (const topk of [lk.topk, ref.topk]) {
      const z = topk(x, 37, 0);
      expect(z.values.length + z.indices.length).toBe(0);
    }
    for (const k of [1, 37]) {
      for (const largest of [true, false]) {
        const a = lk.topk(x, 37, k, { largest }), b = ref.topk(x, 37, k, { largest });
        expectSame(a, b, `k=${k}`);
        for (let r = 0; r < 3; r++) {
          const row = arr(x.subarray(r * 37, r * 37 + 37)).sort((p, q) => (largest ? q - p : p - q));
          expect(arr(a.values.subarray(r * k, r * k + k))).toEqual(row.slice(0, k));
        }
      }
    }
    expect(lk.topk(new Float32Array(0), 4, 3).values.length).toBe(0);
  });

  test('argmax: first maximum, NaN wins, -0 ties +0, equal to topk k = 1', () => {
    for (const argmax of [lk.argmax, ref.argmax]) {
      expect(arr(argmax(f32([1, 3, 3, 0]), 4))).toEqual([1]);
      expect(arr(argmax(f32([1, NaN, 7, NaN]), 4))).toEqual([1]);
      expect(arr(argmax(f32([-0, 0, -1]), 3))).toEqual([0]);
      expect(arr(argmax(f32([-1, 0, -0]), 3))).toEqual([1]);
      expect(arr(argmax(f32([-Infinity, -Infinity]), 2))).toEqual([0]);
      expect(arr(argmax(f32([2, 1, 0, 5, 5, 4]), 3))).toEqual([0, 0]);
    }
    for (const cols of LENGTHS.filter((c) => c > 0)) {
      const x = randomF32(3 * cols, cols + 11, -4, 4).map((v) => Math.round(v));  // many ties
      if (cols > 5) x[cols + 3] = NaN;
      expect(arr(lk.argmax(x, cols)), `cols=${cols}`).toEqual(arr(ref.argmax(x, cols)));
      expect(arr(lk.argmax(x, cols))).toEqual(arr(lk.topk(x, cols, 1).indices));
    }
  });
});

/** Random rows with specials: ties (rounded values), NaN, ±Infinity, ±0. */
function adversarial(n: number, seed: number): Float32Array {
  const x = randomF32(n, seed, -6, 6);
  const u = randomF32(n, seed + 1000, 0, 1);
  for (let i = 0; i < n; i++) {
    if (u[i] < 0.3) x[i] = Math.round(x[i]);
    else if (u[i] < 0.33) x[i] = NaN;
    else if (u[i] < 0.36) x[i] = u[i] < 0.345 ? Infinity : -Infinity;
    else if (u[i] < 0.40) x[i] = u[i] < 0.38 ? 0 : -0;
  }
  return x;
}

describe(`native vs reference (${TIER})`, () => {
  const ks = (cols: number) => [...new Set([1, 2, 7, 16, 17, 64, 100, cols - 1, cols].filter((k) => k >= 1 && k <= cols))];
  for (const cols of LENGTHS.filter((c) => c > 0)) {
    test(`cols = ${cols}: random and adversarial rows, every k, largest and smallest`, () => {
      for (const [rows, x] of [[3, randomF32(3 * cols, cols)], [2, adversarial(2 * cols, cols)]] as const) {
        for (const k of ks(cols)) {
          for (const largest of [true, false]) {
            const what = `rows=${rows} k=${k} largest=${largest}`;
            const a = lk.topk(x, cols, k, { largest }), b = ref.topk(x, cols, k, { largest });
            expectSame(a, b, what);
            expectGathered(x, cols, k, a, what);
            const u = lk.topk(x, cols, k, { largest, sorted: false });
            expectSame(byIndex(u, k), byIndex(b, k), `${what} sorted: false`);
          }
        }
      }
    });
  }

  test('unaligned views', () => {
    for (const cols of [15, 16, 17, 2049]) {
      const x = adversarial(3 * cols, cols + 3);
      for (const k of [1, 5, 15]) expectSame(lk.topk(unaligned(x), cols, k), ref.topk(x, cols, k), `cols=${cols} k=${k}`);
      expect(arr(lk.argmax(unaligned(x), cols))).toEqual(arr(ref.argmax(x, cols)));
    }
  });

  test('ordered and constant rows (selection worst cases)', () => {
    const n = 20000;
    const rows = [
      Float32Array.from({ length: n }, (_, i) => i),
      Float32Array.from({ length: n }, (_, i) => n - i),
      Float32Array.from({ length: n }, (_, i) => Math.abs(i - n / 2)),
      new Float32Array(n).fill(1.5),
      new Float32Array(n).fill(NaN),
      Float32Array.from({ length: n }, (_, i) => (i % 2 ? -0 : 0)),
    ];
    for (const [r, x] of rows.entries()) {
      for (const k of [3, 100, 1500]) {
        for (const largest of [true, false]) {
          expectSame(lk.topk(x, n, k, { largest }), ref.topk(x, n, k, { largest }), `row ${r} k=${k} largest=${largest}`);
        }
      }
    }
  });

  test('long rows: the sampled starting threshold, and its fallback when the sample misleads', () => {
    const cols = 120000;
    const x = randomF32(2 * cols, 77, -10, 10);
    for (const k of [24, 64, 300, 2000]) {
      for (const largest of [true, false]) {
        expectSame(lk.topk(x, cols, k, { largest }), ref.topk(x, cols, k, { largest }), `k=${k} largest=${largest}`);
      }
    }
    // White box: the sample is 32 runs of 32 elements at b·⌊cols/32⌋ + (⌊cols/32⌋ − 32)/2. Make
    // exactly those large, so the sampled threshold lets through only 1024 < k elements.
    const y = randomF32(cols, 78, -1, 1);
    const step = Math.floor(cols / 32);
    for (let b = 0; b < 32; b++) {
      const i0 = b * step + Math.floor((step - 32) / 2);
      for (let j = 0; j < 32; j++) y[i0 + j] = 100 + j;
    }
    for (const k of [1500, 7000]) expectSame(lk.topk(y, cols, k), ref.topk(y, cols, k), `misleading sample k=${k}`);
    const z = Float32Array.from(y, (v) => -v);
    expectSame(lk.topk(z, cols, 1500, { largest: false }), ref.topk(z, cols, 1500, { largest: false }), 'misleading sample, smallest');
  });
});

describe(`threads and async (${TIER})`, () => {
  afterAll(() => lk.setThreads(lk.backend().name === 'native' ? 2 : 1));

  test('a long row split into chunks: the same result for 1 and 2 threads, sorted or not', () => {
    const cols = 1_100_000;
    const x = adversarial(cols, 4242);
    for (const k of [5, 100, 1000]) {
      for (const sorted of [true, false]) {
        lk.setThreads(1);
        const one = lk.topk(x, cols, k, { sorted });
        lk.setThreads(2);
        const two = lk.topk(x, cols, k, { sorted });
        expectSame(one, two, `k=${k} sorted=${sorted}`);
        if (sorted) expectSame(one, ref.topk(x, cols, k), `k=${k} vs reference`);
        else expectSame(byIndex(one, k), byIndex(ref.topk(x, cols, k), k), `k=${k} unsorted vs reference`);
      }
    }
    const two = adversarial(2 * 600_000, 99);
    lk.setThreads(2);
    expectSame(lk.topk(two, 600_000, 333, { largest: false }), ref.topk(two, 600_000, 333, { largest: false }), 'two long rows');
  });

  test('many rows on 1 and 2 threads', () => {
    const x = randomF32(64 * 5000, 9);
    lk.setThreads(1);
    const one = lk.topk(x, 5000, 50);
    lk.setThreads(2);
    expectSame(lk.topk(x, 5000, 50), one, 'threads');
    expectSame(one, ref.topk(x, 5000, 50), 'reference');
    expect(arr(lk.argmax(x, 5000))).toEqual(arr(ref.argmax(x, 5000)));
  });

  test('topkAsync equals topk and fills out', async () => {
    const x = adversarial(8 * 3001, 5);
    const sync = lk.topk(x, 3001, 40, { largest: false });
    const values = new Float32Array(8 * 40), indices = new Int32Array(8 * 40);
    const got = await lk.topkAsync(x, 3001, 40, { largest: false, out: { values, indices } });
    expect(got.values).toBe(values);
    expect(got.indices).toBe(indices);
    expectSame(got, sync, 'async');
    expectSame(await ref.topkAsync(x, 3001, 40, { largest: false }), sync, 'reference async');
    await expect(lk.topkAsync(x, 3001, 4000)).rejects.toThrow(RangeError);
  });
});

describe('out buffers and bad input', () => {
  const x = randomF32(12, 3);

  test('out: either buffer or both, returned as given', () => {
    const values = new Float32Array(6), indices = new Int32Array(6);
    const r = lk.topk(x, 4, 2, { out: { values, indices } });
    expect(r.values).toBe(values);
    expect(r.indices).toBe(indices);
    expectSame(r, ref.topk(x, 4, 2), 'out');
    const only = lk.topk(x, 4, 2, { out: { indices: new Int32Array(6) } });
    expectSame(only, r, 'indices only');
    const am = new Int32Array(3);
    expect(lk.argmax(x, 4, { out: am })).toBe(am);
  });

  for (const [name, topk, argmax] of [['lk', lk.topk, lk.argmax], ['ref', ref.topk, ref.argmax]] as const) {
    test(`${name}: TypeError / RangeError with codes`, () => {
      const T = 'ERR_LOGITKIT_INVALID_ARG_TYPE', R = 'ERR_LOGITKIT_OUT_OF_RANGE';
      const bad = (fn: () => unknown, cls: typeof TypeError | typeof RangeError, code: string, msg?: RegExp) =>
        expectError(fn, cls, code, msg);
      bad(() => topk([1, 2] as unknown as Float32Array, 2, 1), TypeError, T, /x must be a Float32Array \(got Array\(2\)\)/);
      bad(() => topk(new Float64Array(4) as unknown as Float32Array, 2, 1), TypeError, T);
      bad(() => topk(detached(), 4, 1), TypeError, 'ERR_LOGITKIT_DETACHED');
      bad(() => topk(x, 5, 1), RangeError, R, /not a multiple of cols = 5/);
      bad(() => topk(x, 0, 1), RangeError, R);
      bad(() => topk(x, 2.5, 1), RangeError, R);
      bad(() => topk(x, 4, 5), RangeError, R, /k = 5 is out of range: expected an integer in \[0, 4\]/);
      bad(() => topk(x, 4, -1), RangeError, R);
      bad(() => topk(x, 4, 1.5), RangeError, R);
      bad(() => topk(x, 4, '2' as unknown as number), TypeError, T);
      bad(() => topk(x, 4, 1, null as unknown as object), TypeError, T);
      bad(() => topk(x, 4, 1, { largest: 1 as unknown as boolean }), TypeError, T, /options.largest must be a boolean/);
      bad(() => topk(x, 4, 1, { sorted: 'no' as unknown as boolean }), TypeError, T, /options.sorted/);
      bad(() => topk(x, 4, 1, { out: new Float32Array(3) as unknown as Result }), TypeError, T);
      bad(() => topk(x, 4, 1, { out: { values: new Float32Array(2) } }), RangeError, R, /out.values.length = 2 .* expected rows·k = 3/);
      bad(() => topk(x, 4, 1, { out: { indices: new Float32Array(3) as unknown as Int32Array } }), TypeError, T);
      bad(() => topk(x, 4, 1, { out: { values: x.subarray(0, 3) } }), RangeError, R, /overlaps x/);
      const buf = new ArrayBuffer(32);
      bad(() => topk(x, 4, 2, { out: { values: new Float32Array(buf, 0, 6), indices: new Int32Array(buf, 8, 6) } }), RangeError, R, /overlap/);
      bad(() => argmax(x, 5), RangeError, R);
      bad(() => argmax(new Int32Array(4) as unknown as Float32Array, 4), TypeError, T);
      bad(() => argmax(x, 4, { out: new Int32Array(2) }), RangeError, R, /expected rows = 3/);
      bad(() => argmax(x, 4, { out: new Float32Array(3) as unknown as Int32Array }), TypeError, T);
    });
  }

  test.runIf(native !== null)('the binding itself refuses bad lengths', () => {
    const b = native!;
    const v = new Float32Array(3), i = new Int32Array(3);
    expect(() => b.topk(x, 4, 2, true, true, v, i)).toThrow(RangeError);
    expect(() => b.topk(x, 4, 5, true, true, new Float32Array(15), new Int32Array(15))).toThrow(RangeError);
    expect(() => b.topk(x, 5, 1, true, true, v, i)).toThrow(RangeError);
    expect(() => b.topk(x, 4, 1, 1 as unknown as boolean, true, v, i)).toThrow(TypeError);
    expect(() => b.argmax(x, 4, new Int32Array(2))).toThrow(RangeError);
    expect(() => b.argmax(x, 4, new Float32Array(3) as unknown as Int32Array)).toThrow(TypeError);
  });
});
