// Rng / Philox4x32-10: known answers and streams (fixtures), native (this process's tier) vs
// reference bit for bit across lengths, counter carries and thread counts, the block rule, the
// uniform and full-word Gumbel maps, and bad arguments.
import { afterAll, describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import * as ref from '../lib/reference/index.js';
import { wordToGumbel, wordToUniform } from '../lib/reference/philox.js';
import { expectClose, expectError, expectSameArray, fixture, TIER } from './helpers.js';
import { expectKS, expectSameBits, gumbelCdf } from './sampling-stats.js';

const fx = fixture('philox');
const TWO32 = 2 ** 32;
type Ctor = typeof lk.Rng;
const BACKENDS: [string, Ctor][] = [['native', lk.Rng], ['reference', ref.Rng]];

/** The seed whose key is [k0, k1]. */
const seedOf = (key: number[]): bigint => (BigInt(key[1]) << 32n) | BigInt(key[0]);
/** The 128-bit counter of four little-endian words. */
const ctrOf = (c: number[]): bigint => c.reduce((acc, w, i) => acc | (BigInt(w) << BigInt(32 * i)), 0n);

describe('Philox4x32-10 known answers and streams (fixtures)', () => {
  for (const [name, R] of BACKENDS) {
    for (const c of fx.cases.filter((c) => c.kind === 'kat')) {
      test(`${name}: ${c.name}`, () => {
        const r = new R(seedOf(c.key)).advance(ctrOf(c.counter));
        expect(Array.from(r.uint32(4))).toEqual(c.output);
      });
    }
    for (const c of fx.cases.filter((c) => c.kind === 'stream')) {
      test(`${name}: ${c.name}`, () => {
        const r = new R(BigInt(c.seedDecimal)).advance(ctrOf(c.counterStart));
        expect(r.key).toEqual(c.key);
        expect(Array.from(r.uint32(c.words.length))).toEqual(c.words);
        // the counter moved by the blocks consumed (mod 2^128)
        expect(r.counter).toBe((ctrOf(c.counterStart) + BigInt(c.words.length / 4)) % (1n << 128n));
      });
    }
    test(`${name}: seed as number and as bigint give one stream`, () => {
      for (const s of [0, 1, 42, 2 ** 32 + 7, 2 ** 53 - 1]) {
        expectSameArray(new R(s).uint32(9), new R(BigInt(s)).uint32(9));
      }
    });
    test(`${name}: uniform and Gumbel maps of seed 42 (fixtures)`, () => {
      const u = fx.cases.find((c) => c.kind === 'uniform')!;
      expect(Array.from(new R(u.seed).uniform(u.uniform.length))).toEqual(u.uniform.map(Math.fround));
      const g = fx.cases.find((c) => c.name === 'gumbel-seed-42')!;
      const api = name === 'native' ? lk : ref;
      expectClose(api.gumbel(g.gumbel.length, { seed: g.seed }), g.gumbel, { abs: 1e-6, ulps: 4 }, 'gumbel');
    });
  }
});

describe(`native (${TIER}) vs reference, bit for bit`, () => {
  const lengths = [0, 1, 3, 4, 5, 7, 8, 9, 31, 63, 64, 65, 95, 96, 97, 255, 256, 257, 1000, 2 ** 16 + 3];
  for (const n of lengths) {
    test(`uint32 / uniform / gumbel, n = ${n}`, () => {
      for (const seed of [0, 7, 2n ** 64n - 1n]) {
        const a = new lk.Rng(seed), b = new ref.Rng(seed);
        expectSameBits(a.uint32(n), b.uint32(n), 'uint32');
        expectSameBits(a.uniform(n), b.uniform(n), 'uniform');
        expect(a.counter).toBe(b.counter);
        expectClose(lk.gumbel(n, { rng: a }), ref.gumbel(n, { rng: b }), { abs: 1e-6, ulps: 4 }, `gumbel n=${n}`);
        expect(a.counter).toBe(b.counter);
      }
    });
  }
  // Counters where the low word (or the low 64 bits, or all 128) wraps inside a call.
  const near = [2n ** 32n - 5n, 2n ** 32n - 1n, 2n ** 64n - 3n, 2n ** 96n - 2n, 2n ** 128n - 7n];
  for (const start of near) {
    test(`counter carries from ${start.toString(16)}`, () => {
      for (const n of [1, 5, 17, 64, 100, 333, 1000]) {
        const a = new lk.Rng(42).advance(start), b = new ref.Rng(42).advance(start);
        expectSameBits(a.uint32(n), b.uint32(n), 'uint32');
        expectSameBits(a.uniform(n), b.uniform(n), 'uniform');
        expectClose(lk.gumbel(n, { rng: a }), ref.gumbel(n, { rng: b }), { abs: 1e-6, ulps: 4 }, 'gumbel');
        expect(a.counter).toBe(b.counter);
      }
    });
  }
  test('a stream read in pieces equals the stream read at once (block-aligned pieces)', () => {
    const all = new lk.Rng(3).uint32(4000);
    const r = new lk.Rng(3);
    const parts = [r.uint32(400), r.uint32(1600), r.uint32(2000)];
    expectSameArray(parts.flatMap((p) => Array.from(p)), all);
  });
});

describe('threads', () => {
  const threads = lk.backend().threads;
  afterAll(() => lk.setThreads(threads));
  test('1M draws are the same on 1 and 2 threads', () => {
    const n = 1 << 20;
    lk.setThreads(1);
    const a = [new lk.Rng(9).uint32(n), new lk.Rng(9).uniform(n), lk.gumbel(n, { seed: 9 })];
    lk.setThreads(2);
    const b = [new lk.Rng(9).uint32(n), new lk.Rng(9).uniform(n), lk.gumbel(n, { seed: 9 })];
    for (let i = 0; i < 3; i++) expectSameBits(a[i], b[i], ['uint32', 'uniform', 'gumbel'][i]);
  });
});

describe('the block rule', () => {
  for (const [name, R] of BACKENDS) {
    test(`${name}: a call starts on a fresh block`, () => {
      const fresh = new R(5).uint32(12);
      const r = new R(5);
      expectSameArray(r.uint32(3), fresh.subarray(0, 3));
      expectSameArray(r.uint32(4), fresh.subarray(4, 8)); // word 3 skipped
      expect(r.counter).toBe(2n);
      r.uint32(0);
      expect(r.counter).toBe(2n); // an empty call reserves nothing
      expect(Array.from(r.uint32(1))).toEqual([fresh[8]]);
    });
    test(`${name}: clone is independent`, () => {
      const r = new R(11);
      r.uint32(5);
      const c = r.clone();
      expect(c.uint32(8)).toEqual(r.uint32(8));
      c.uint32(4);
      expect(c.counter).toBe(r.counter + 1n);
    });
  }
});

describe('maps', () => {
  test('uniform = ((w >>> 9) + ½)·2⁻²³ exactly, strictly inside (0, 1)', () => {
    const n = 1 << 18;
    const r = new lk.Rng(123);
    const w = r.clone().uint32(n);
    const u = r.uniform(n);
    let lo = 1, hi = 0;
    for (let i = 0; i < n; i++) {
      if (u[i] !== ((w[i] >>> 9) + 0.5) * 2 ** -23) expect.fail(`uniform[${i}] = ${u[i]} for word ${w[i]}`);
      lo = Math.min(lo, u[i]);
      hi = Math.max(hi, u[i]);
    }
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeLessThan(1);
    expect(wordToUniform(0)).toBe(2 ** -24);
    expect(Math.fround(wordToUniform(TWO32 - 1))).toBe(1 - 2 ** -24);
    expectKS(u, (x) => Math.min(1, Math.max(0, x)), 'uniform');
  });

  test('full-word Gumbel of the extreme words: finite, and the float64 map (fixtures)', () => {
    const c = fx.cases.find((c) => c.name === 'gumbel-extremes')!;
    c.words.forEach((w: number, i: number) => {
      const g = wordToGumbel(w);
      expect(Number.isFinite(g)).toBe(true);
      expect(Math.abs(g - c.gumbel[i])).toBeLessThan(1e-12);
    });
    // the whole map is monotone in the word and spans −3.13 … 22.87
    expect(wordToGumbel(0)).toBeCloseTo(-3.13, 2);
    expect(wordToGumbel(TWO32 - 1)).toBeCloseTo(22.87, 2);
    for (let w = 0; w < TWO32 - 2 ** 20; w += 2 ** 20 - 1) expect(wordToGumbel(w + 2 ** 20 - 1)).toBeGreaterThan(wordToGumbel(w));
  });

  test(`native (${TIER}) Gumbel matches the float64 map word by word, tails included`, () => {
    // 2^22 draws reach words within ~2^10 of both ends: the tails of the full-word transform.
    const n = 1 << 22;
    const r = new lk.Rng(2024);
    const w = r.clone().uint32(n);
    const g = lk.gumbel(n, { rng: r });
    let worst = 0, wmin = TWO32, wmax = 0;
    for (let i = 0; i < n; i++) {
      const e = wordToGumbel(w[i]);
      if (!Number.isFinite(g[i])) expect.fail(`gumbel[${i}] = ${g[i]} for word ${w[i]}`);
      worst = Math.max(worst, Math.abs(g[i] - e) / Math.max(1, Math.abs(e)));
      wmin = Math.min(wmin, w[i]);
      wmax = Math.max(wmax, w[i]);
    }
    expect(wmin).toBeLessThan(2 ** 12);
    expect(wmax).toBeGreaterThan(TWO32 - 2 ** 12);
    expect(worst).toBeLessThan(1e-6);
  });

  test('Gumbel(loc, scale) = loc + scale·G', () => {
    const g = lk.gumbel(1000, { seed: 4 });
    expectClose(lk.gumbel(1000, { seed: 4, loc: -2, scale: 3 }), Array.from(g, (v) => -2 + 3 * v), { abs: 4e-6, ulps: 2 }, 'loc/scale');
  });

  for (const [name, api] of [['native', lk], ['reference', ref]] as const) {
    test(`${name}: KS of gumbel(200k) against exp(−e^(−x))`, () => {
      expectKS(api.gumbel(200_000, { seed: 77 }), gumbelCdf, 'gumbel');
      expectKS(api.gumbel(200_000, { seed: 78, loc: 1.5, scale: 0.5 }), (x) => gumbelCdf((x - 1.5) / 0.5), 'gumbel(1.5, 0.5)');
    });
  }
});

describe('bad arguments', () => {
  test('seeds', () => {
    expectError(() => new lk.Rng(-1), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /seed/);
    expectError(() => new lk.Rng(1.5), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /seed/);
    expectError(() => new lk.Rng(NaN), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /seed/);
    expectError(() => new lk.Rng(2 ** 64), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /seed/);
    expectError(() => new lk.Rng(-1n), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /seed/);
    expectError(() => new lk.Rng(2n ** 64n), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /seed/);
    expectError(() => new lk.Rng('1' as unknown as number), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /seed/);
    expectError(() => new lk.Rng(undefined as unknown as number), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /seed/);
  });
  test('draw counts, outputs and advance', () => {
    const r = new lk.Rng(1);
    expectError(() => r.uint32(-1), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /n/);
    expectError(() => r.uniform(2.5), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /n/);
    expectError(() => r.uint32('4' as unknown as number), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /n/);
    expectError(() => r.uint32(4, { out: new Uint32Array(3) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /out/);
    expectError(() => r.uniform(4, { out: new Float64Array(4) as unknown as Float32Array }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /Rng\.uniform: options\.out must be a Float32Array/);
    expectError(() => r.advance(-1), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /blocks/);
    expect(r.counter).toBe(0n); // nothing was reserved by the failed calls
    const out = new Uint32Array(4);
    expect(r.uint32(4, { out })).toBe(out);
  });
  test('gumbel options', () => {
    expectError(() => lk.gumbel(4, {} as never), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rng|seed/);
    expectError(() => lk.gumbel(4, { rng: {} as never }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rng/);
    expectError(() => lk.gumbel(4, { seed: 1, scale: 0 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /scale/);
    expectError(() => lk.gumbel(4, { seed: 1, loc: NaN }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /loc/);
    expectError(() => lk.gumbel(4, { seed: 1, out: new Float32Array(5) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /out/);
  });
});
