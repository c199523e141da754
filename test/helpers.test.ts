// The large-array comparison helper: a failure on 600 000 elements is reported in milliseconds
// with the first mismatches (index, expected, actual), not after a quadratic diff.
import { expect, test } from 'vitest';
import { expectSameArray } from './helpers.js';

test('expectSameArray: passes on equal arrays (NaN = NaN), fails fast naming the first mismatches', () => {
  const n = 600_000;
  const a = new Float32Array(n).map((_, i) => i * 0.5);
  a[7] = NaN;
  expectSameArray(a, Float32Array.from(a));
  expectSameArray(new Int32Array([1, 2]), [1, 2]);
  const b = Float32Array.from(a);
  b[12] = -1;
  b[500_000] = 3;
  b[599_999] = -0;
  const t0 = performance.now();
  let msg = '';
  try {
    expectSameArray(b, a, 'big');
  } catch (e) {
    msg = (e as Error).message;
  }
  // milliseconds in practice; vitest's own diff of such arrays takes minutes (the bound only
  // catches that, generously, on a loaded machine)
  expect(performance.now() - t0).toBeLessThan(15000);
  expect(msg).toMatch(/^big: arrays differ: 3 of 600000 elements differ, first: \[12\] expected 6, got -1; \[500000\] expected 250000, got 3; \[599999\] expected 299999.5, got -0/);
  expect(() => expectSameArray(new Float32Array([0]), new Float32Array([-0]))).toThrow(/\[0\] expected -0, got 0/);
  expect(() => expectSameArray([1, 2, 3], [1, 2])).toThrow(/length 3, expected 2; 0 of 2 elements differ/);
});
