// The accuracy contract of native/simd (README there): every tier's vexp / vlog / vlog1p
// against float64 Math, over the whole float range, subnormals and specials included.
import { describe, expect, test } from 'vitest';
import { native } from '../lib/native.js';
import { TIER, ulps } from './helpers.js';

// Every 2^k-th float32 bit pattern, both signs: ~2^(32-k) samples spanning the whole range.
function sweep(step: number): Float32Array {
  const n = Math.floor(2 ** 32 / step);
  const bits = new Uint32Array(n + 16);
  for (let i = 0; i < n; i++) bits[i] = (i * step + 12345) >>> 0;
  const specials = [0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000];
  specials.forEach((b, j) => (bits[n + j] = b));
  return new Float32Array(bits.buffer);
}

function worst(x: Float32Array, got: Float32Array, f: (v: number) => number, ok: (v: number) => boolean) {
  let max = 0, at = -1;
  for (let i = 0; i < x.length; i++) {
    if (!ok(x[i])) continue;
    const want = Math.fround(f(x[i]));
    const d = ulps(got[i], want);
    if (d > max) { max = d; at = i; }
  }
  return { max, x: at >= 0 ? x[at] : NaN, got: at >= 0 ? got[at] : NaN, want: at >= 0 ? Math.fround(f(x[at])) : NaN };
}

describe.skipIf(!native)(`native vector math (${TIER})`, () => {
  const x = sweep(997);

  test('exp ≤ 2 ulp over the whole range, exact specials', () => {
    const y = native!._exp(x, new Float32Array(x.length));
    const w = worst(x, y, Math.exp, () => true);
    expect(w.max, JSON.stringify(w)).toBeLessThanOrEqual(2);
    const s = native!._exp(new Float32Array([Infinity, -Infinity, NaN, 89, -104, 0, -0]), new Float32Array(7));
    expect(Array.from(s)).toEqual([Infinity, 0, NaN, Infinity, 0, 1, 1]);
  });

  test('exp resolves subnormal results', () => {
    const t = new Float32Array(4096).map((_, i) => -87.3 - (i / 4096) * 16.6); // e^t from 1.2e-38 down to 8e-46
    const y = native!._exp(t, new Float32Array(t.length));
    const w = worst(t, y, Math.exp, () => true);
    expect(w.max, JSON.stringify(w)).toBeLessThanOrEqual(2);
  });

  test('log ≤ 2 ulp for every positive float, exact specials', () => {
    const y = native!._log(x, new Float32Array(x.length));
    const w = worst(x, y, Math.log, (v) => v > 0);
    expect(w.max, JSON.stringify(w)).toBeLessThanOrEqual(2);
    const s = native!._log(new Float32Array([0, -0, -1, Infinity, -Infinity, NaN, 1, 1e-45]), new Float32Array(8));
    expect(Array.from(s)).toEqual([-Infinity, -Infinity, NaN, Infinity, NaN, NaN, 0, Math.fround(Math.log(Math.fround(1e-45)))]);
  });

  test('log1p ≤ 3 ulp on (-1, ∞), exact specials', () => {
    const y = native!._log1p(x, new Float32Array(x.length));
    const w = worst(x, y, Math.log1p, (v) => v > -1);
    expect(w.max, JSON.stringify(w)).toBeLessThanOrEqual(3);
    const s = native!._log1p(new Float32Array([-1, -2, Infinity, NaN, 0, -0, 1e-30]), new Float32Array(7));
    expect(Array.from(s)).toEqual([-Infinity, NaN, Infinity, NaN, 0, -0, Math.fround(1e-30)]);
  });
});
