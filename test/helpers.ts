// Shared test utilities: fixtures, float comparisons, seeded inputs, the tier under test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import * as lk from '../lib/index.js';

/** The tier the native kernels run on in this process ('js' when the reference runs). */
export const TIER = lk.backend().name === 'native' ? lk.backend().isa : 'js';
/** Widest vector width in floats (L of the length sweep). */
export const L = 16;
/** Lengths that hit every tail path: 0, 1, L−1, L, L+1, 2L−1, … and a large one. */
export const LENGTHS = [0, 1, 7, 8, 9, L - 1, L, L + 1, 2 * L - 1, 4 * L, 2047, 2048, 2049, 5000];

const decode = (v: unknown): unknown =>
  typeof v === 'string' && (v === 'NaN' || v === 'Infinity' || v === '-Infinity') ? Number(v) : v;

/** Loads test/fixtures/<name>.json, decoding "NaN"/"±Infinity" strings into numbers. */
export function fixture<T = any>(name: string): { cases: T[]; torch: string } {
  const raw = readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8');
  return JSON.parse(raw, (_k, v) => decode(v)) as { cases: T[]; torch: string };
}

/** Deterministic float32 data (xorshift), in [lo, hi). */
export function randomF32(n: number, seed = 1, lo = -8, hi = 8): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  }
  return out;
}

/** A copy of `a` in a view whose byteOffset is not a multiple of the vector width (unaligned). */
export function unaligned(a: Float32Array): Float32Array {
  const buf = new ArrayBuffer((a.length + 1) * 4);
  const v = new Float32Array(buf, 4, a.length);
  v.set(a);
  return v;
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
/** Distance in float32 ulps (monotone integer order), Infinity if exactly one is NaN. */
export function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const key = (v: number) => {
    f32buf[0] = v;
    const u = u32buf[0];
    return u & 0x80000000 ? -(u & 0x7fffffff) : u;
  };
  return Math.abs(key(a) - key(b));
}

/**
 * Asserts |actual − expected| ≤ abs + rel·|expected| (or ≤ maxUlps ulps) element-wise, with
 * NaN matching NaN and infinities matching exactly. Reports the worst element.
 */
export function expectClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>,
  tol: { abs?: number; rel?: number; ulps?: number; lnRel?: number } = {}, what = '',
): void {
  // lnRel: an extra relative allowance proportional to |ln e|, for exp(t) of a float32 t.
  const { abs = 0, rel = 0, ulps: maxUlps = 0, lnRel = 0 } = tol;
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      expect(a, `${what}[${i}] (expected ${e})`).toBe(e);
      continue;
    }
    const bound = abs + rel * Math.abs(e) + (e !== 0 ? lnRel * Math.abs(e * Math.log(Math.abs(e))) : 0);
    const ok = Math.abs(a - e) <= bound || (maxUlps > 0 && ulps(a, e) <= maxUlps);
    if (!ok) expect.fail(`${what}[${i}] = ${a}, expected ${e} (diff ${a - e}, ${ulps(a, e)} ulp; tol ${JSON.stringify(tol)})`);
  }
}

/** Asserts fn throws an error of the given class whose code and message match. */
export function expectError(fn: () => unknown, cls: typeof TypeError | typeof RangeError, code: string, message?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an error').toBeInstanceOf(cls);
  expect((caught as { code?: string }).code).toBe(code);
  if (message) expect((caught as Error).message).toMatch(message);
}

/** Detaches a buffer (structuredClone with transfer) and returns the now-empty view. */
export function detached(n = 8): Float32Array {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

/**
 * Asserts two arrays hold the same numbers (Object.is: NaN equals NaN, −0 differs from +0),
 * reporting the length and the first few mismatches with index, expected and actual — in
 * milliseconds for any size (vitest's diff of `expect(Array.from(big)).toEqual(...)` grows about
 * quadratically and turns a failure on 600 000 elements into a time-out).
 */
const num = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
export function expectSameArray(actual: ArrayLike<number>, expected: ArrayLike<number>, what = '', maxReport = 5): void {
  const bad: string[] = [];
  let count = 0;
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (!Object.is(actual[i], expected[i])) {
      if (bad.length < maxReport) bad.push(`[${i}] expected ${num(expected[i])}, got ${num(actual[i])}`);
      count++;
    }
  }
  if (actual.length !== expected.length || count) {
    const len = actual.length !== expected.length ? ` length ${actual.length}, expected ${expected.length};` : '';
    expect.fail(`${what ? `${what}: ` : ''}arrays differ:${len} ${count} of ${n} elements differ${count ? `, first: ${bad.join('; ')}` : ''}`);
  }
}
