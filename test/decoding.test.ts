// Decoding (sampleNext): the processed distribution against an independent sort-based
// definition and against @huggingface/transformers' processors (committed fixtures); the
// deterministic exp / log; native (this process's tier) vs reference token for token; draws
// (layout, per-row streams, async); chi-square of the sampled tokens for each filter
// combination (fixed seeds, α = 0.001); masks, NaN, ties, greedy; bad input.
import { describe, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import * as ref from '../lib/reference/index.js';
import { detExp, detGumbel, detLog } from '../lib/reference/decoding.js';
import { wordToGumbel } from '../lib/reference/philox.js';
import { native } from '../lib/native.js';
import { expectClose, expectError, expectSameArray, fixture, randomF32, TIER, unaligned } from './helpers.js';
import { expectChiSquare } from './sampling-stats.js';

type Opts = Parameters<typeof lk.sampleNext>[2];
const NEG = -Infinity;

/** The processed logits by the formulas (HF repetition penalty, OpenAI presence/frequency, bias, bans). */
function processed(row: ArrayLike<number>, o: NonNullable<Opts>, hist: ArrayLike<number> = []): number[] {
  const z = Array.from(row, Number);
  const counts = new Map<number, number>();
  for (const t of Array.from(hist)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const rp = o.repetitionPenalty ?? 1;
  for (const [t, c] of counts) {
    z[t] = z[t] > 0 ? z[t] / rp : z[t] * rp;
    z[t] -= (o.frequencyPenalty ?? 0) * c + (o.presencePenalty ?? 0);
  }
  for (const [t, b] of Object.entries((o.logitBias as Record<number, number>) ?? {})) z[Number(t)] += b;
  for (const t of Array.from((o.bannedTokens as number[]) ?? [])) z[t] = NEG;
  return z;
}

/**
 * The processed distribution by its definition: sort, top-k, top-p (mass strictly above < p),
 * min-p, each on the renormalised distribution the previous step left. Returns the kept tokens
 * in rank order and their probabilities.
 */
function definition(z: number[], o: NonNullable<Opts>): { kept: number[]; p: number[] } {
  const t = o.temperature && o.temperature > 0 ? o.temperature : 1;
  let kept = z.map((_, j) => j).filter((j) => z[j] > NEG).sort((a, b) => (z[b] - z[a]) || (a - b));
  const probs = (ks: number[]) => {
    const m = Math.max(...ks.map((j) => z[j]));
    const e = ks.map((j) => Math.exp((z[j] - m) / t));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  if (o.topK) kept = kept.slice(0, o.topK);
  if (o.topP !== undefined && o.topP < 1) {
    const p = probs(kept);
    kept = kept.filter((j, i) => {
      let above = 0;
      kept.forEach((jj, ii) => { if (z[jj] > z[j]) above += p[ii]; });
      return above < o.topP! || i === 0;
    });
  }
  if (o.minP) {
    const p = probs(kept);
    kept = kept.filter((_, i) => p[i] >= o.minP! * p[0]);
  }
  return { kept, p: probs(kept) };
}

function tile(row: ArrayLike<number>, rows: number): Float32Array {
  const x = new Float32Array(rows * row.length);
  for (let r = 0; r < rows; r++) x.set(Array.from(row), r * row.length);
  return x;
}
function counts(idx: Int32Array, cols: number): number[] {
  const c = new Array(cols).fill(0);
  for (const i of idx) c[i]++;
  return c;
}

describe('deterministic float64 exp and log', () => {
  test('detExp, detLog ≈ Math.exp, Math.log to 2 ulp; detGumbel ≈ the full-word Gumbel', () => {
    for (let i = 0; i < 5000; i++) {
      const x = -750 * (i / 5000) ** 3;
      const e = Math.exp(x);
      expect(Math.abs(detExp(x) - e)).toBeLessThanOrEqual(e * 4.5e-16 + 5e-324);
    }
    expect(detExp(0)).toBe(1);
    expect(detExp(-Infinity)).toBe(0);
    for (let i = 1; i < 5000; i++) {
      const x = Math.exp(-60 + i * 0.03) * (1 + i * 1e-7);
      const l = Math.log(x);
      expect(Math.abs(detLog(x) - l)).toBeLessThanOrEqual(Math.abs(l) * 4.5e-16 + 1e-300);
    }
    expect(detLog(1)).toBe(0);
    for (const w of [0, 1, 12345, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1]) {
      expect(Math.abs(detGumbel(w) - wordToGumbel(w))).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(wordToGumbel(w))));
    }
  });

  test.skipIf(!native)(`native (${TIER}) computes them bit for bit as the reference`, () => {
    const b = native as unknown as { _decodeMath(kind: number, i: Float64Array, o: Float64Array): Float64Array };
    const xs = Float64Array.from({ length: 4000 }, (_, i) => -746 * (i / 4000) ** 2);
    const ls = Float64Array.from({ length: 4000 }, (_, i) => Math.exp(-700 + i * 0.35) * (1 + i * 1e-9));
    const ws = Float64Array.from({ length: 4000 }, (_, i) => Math.floor((i * 2654435761) % 2 ** 32));
    ws[0] = 0; ws[1] = 2 ** 32 - 1; ws[2] = 2 ** 31;
    const got = (k: number, v: Float64Array) => Array.from(b._decodeMath(k, v, new Float64Array(v.length)));
    expect(got(0, xs)).toEqual(Array.from(xs, detExp));
    expect(got(3, xs)).toEqual(Array.from(xs, detExp)); // the vector form of the full-row sums
    const odd = Float64Array.from({ length: 37 }, (_, i) => (i % 5 === 0 ? -720 - i : -i * 0.37));
    expect(got(3, odd)).toEqual(Array.from(odd, detExp));
    expect(got(1, ls)).toEqual(Array.from(ls, detLog));
    expect(got(2, ws)).toEqual(Array.from(ws, detGumbel));
  });
});

describe('the processed distribution', () => {
  const cols = 40;
  const x = randomF32(3 * cols, 11, -4, 4);
  const prev = [Int32Array.from([3, 3, 7, 21, 39]), Int32Array.from([0, 1, 2]), new Int32Array(0)];
  const combos: NonNullable<Opts>[] = [
    { temperature: 1 },
    { temperature: 0.7, topK: 5 },
    { temperature: 1.3, topP: 0.8 },
    { temperature: 0.9, minP: 0.1 },
    { temperature: 0.8, topK: 12, topP: 0.7, minP: 0.05 },
    { temperature: 2, topP: 0.95, repetitionPenalty: 1.3, presencePenalty: 0.4, frequencyPenalty: 0.25 },
    { temperature: 0.5, topK: 8, logitBias: { 4: 2.5, 30: -1 }, bannedTokens: [0, 9] },
    { temperature: 0, topK: 3 },
  ];
  for (const o of combos) {
    test(`kept tokens and log-probabilities = the sort-based definition: ${JSON.stringify(o)}`, () => {
      const res = lk.sampleNext(x, cols, { ...o, previousTokens: prev, seed: 3, topLogProbs: cols });
      for (let r = 0; r < 3; r++) {
        const d = definition(processed(x.subarray(r * cols, (r + 1) * cols), o, prev[r]), o);
        const idx = Array.from(res.top!.indices.subarray(r * cols, (r + 1) * cols));
        const lp = Array.from(res.top!.logProbs.subarray(r * cols, (r + 1) * cols));
        expect(idx.slice(0, d.kept.length), `row ${r}`).toEqual(d.kept);
        expect(idx.slice(d.kept.length).every((i) => i === -1)).toBe(true);
        expect(lp.slice(d.kept.length).every((v) => v === NEG)).toBe(true);
        expectClose(lp.slice(0, d.kept.length), d.p.map(Math.log), { abs: 2e-6, rel: 2e-6 }, `row ${r} log p`);
        expect(d.kept).toContain(res.tokens[r]);
        expect(res.logProbs[r]).toBeCloseTo(Math.log(d.p[d.kept.indexOf(res.tokens[r])]), 5);
      }
    });
  }

  test('top-k ties: the lower index first (as topk; −0 and +0 tie)', () => {
    const row = new Float32Array([1, 2, 2, 2, 0, -0, 0]);
    const r = lk.sampleNext(row, 7, { topK: 2, seed: 1, topLogProbs: 7 });
    expect(Array.from(r.top!.indices.slice(0, 3))).toEqual([1, 2, -1]);
    const z = new Float32Array([-0, 0, -1, -0, 0]);
    const r2 = lk.sampleNext(z, 5, { topK: 3, seed: 1, topLogProbs: 5 });
    expect(Array.from(r2.top!.indices.slice(0, 3))).toEqual([0, 1, 3]);
  });

  test('top-p ties: tokens of equal probability stay or go together', () => {
    // Four tied tokens of 0.2 each and one of 0.2·e⁻¹: p = 0.3 keeps all four (none is strictly
    // more probable than another), p = 1 keeps everything.
    const row = new Float32Array([0, 0, -1, 0, 0]);
    const kept = (p: number) => Array.from(lk.sampleNext(row, 5, { topP: p, seed: 1, topLogProbs: 5 }).top!.indices).filter((i) => i >= 0);
    expect(kept(0.3)).toEqual([0, 1, 3, 4]);
    expect(kept(1)).toEqual([0, 1, 3, 4, 2]);
    expect(kept(1e-9)).toEqual([0, 1, 3, 4]);
  });

  test('min-p keeps probability ≥ minP × the largest, on what top-p left', () => {
    const row = new Float32Array([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
    const kept = (o: Opts) => Array.from(lk.sampleNext(row, 4, { ...o, seed: 1, topLogProbs: 4 }).top!.indices).filter((i) => i >= 0);
    expect(kept({ minP: 0.31 })).toEqual([0, 1]);
    expect(kept({ minP: 0.59 })).toEqual([0, 1]);
    expect(kept({ minP: 0.61 })).toEqual([0]);
    expect(kept({ topP: 0.9, minP: 0.25 })).toEqual([0, 1, 2]);
    expect(kept({ topP: 0.7, minP: 0.25 })).toEqual([0, 1]);
  });
});

describe('@huggingface/transformers processors (fixtures)', () => {
  const fx = fixture<{
    name: string; cols: number; logits: number[]; prev: number[][]; opts: Record<string, number>; processed: number[];
    kept?: number[][];
  }>('decoding');
  for (const c of fx.cases) {
    test(`${c.name} (transformers.js ${fx.torch})`, () => {
      const rows = c.logits.length / c.cols;
      const x = Float32Array.from(c.logits);
      const res = lk.sampleNext(x, c.cols, { ...c.opts, previousTokens: c.prev.map((h) => Int32Array.from(h)), seed: 1, topLogProbs: c.cols });
      for (let r = 0; r < rows; r++) {
        // Their processed scores (float32) → their distribution; ours from the log-probs.
        const s = c.processed.slice(r * c.cols, (r + 1) * c.cols);
        const m = Math.max(...s);
        const lz = m + Math.log(s.reduce((a, v) => a + Math.exp(v - m), 0));
        const want = new Map(s.map((v, j) => [j, v - lz] as [number, number]).filter(([, v]) => v > NEG));
        const idx = res.top!.indices.subarray(r * c.cols, (r + 1) * c.cols);
        const lp = res.top!.logProbs.subarray(r * c.cols, (r + 1) * c.cols);
        const got = new Map<number, number>();
        for (let i = 0; i < c.cols; i++) if (idx[i] >= 0) got.set(idx[i], lp[i]);
        expect([...got.keys()].sort((a, b) => a - b), `row ${r} support`).toEqual([...want.keys()].sort((a, b) => a - b));
        for (const [j, v] of want) expect(Math.abs((got.get(j) as number) - v), `row ${r} token ${j}`).toBeLessThan(2e-5);
      }
    });
  }
});

describe(`native (${TIER}) and reference draw the same tokens`, () => {
  const shapes: [number, number][] = [[5, 1], [4, 7], [3, 16], [3, 33], [4, 300], [2, 5000]];
  const combos: NonNullable<Opts>[] = [
    { temperature: 1 },
    { temperature: 0.8, topK: 50 },
    { temperature: 0.8, topK: 50, topP: 0.95, repetitionPenalty: 1.1 },
    { temperature: 1.5, topP: 0.6 },
    { temperature: 1.5, topP: 0.999 },
    { temperature: 1.2, minP: 0.02, presencePenalty: 0.5, frequencyPenalty: 0.3 },
    { temperature: 3, minP: 0.001 },
    { temperature: 0.6, topP: 0.7, minP: 0.2, logitBias: { 0: 3, 2: -0.5 }, bannedTokens: [1] },
    { temperature: 0 },
    { temperature: 0, topK: 1, repetitionPenalty: 2 },
    { temperature: 1, topK: 100000 },
  ];
  for (const [rows, cols] of shapes) {
    test(`(${rows}, ${cols}): every option combination, shared and per-row streams`, () => {
      const x = randomF32(rows * cols, rows * 131 + cols, -6, 6);
      for (let i = 0; i < x.length; i += 13) x[i] = NEG; // masks
      const prev = Array.from({ length: rows }, (_, r) => Int32Array.from({ length: Math.min(64, cols * 2) }, (_, i) => (i * 7 + r * 5) % cols));
      for (const c of combos) {
        const o = { ...c, topK: c.topK === 100000 ? cols + 3 : c.topK, previousTokens: prev, topLogProbs: Math.min(cols, 5) };
        if (o.bannedTokens && cols < 3) continue;
        if (o.logitBias && cols < 3) continue;
        for (const seed of [1, 2, 3]) {
          const a = lk.sampleNext(x, cols, { ...o, seed }), b = ref.sampleNext(x, cols, { ...o, seed });
          expectSameArray(a.tokens, b.tokens, `${JSON.stringify(c)} seed ${seed}`);
          expectSameArray(a.top!.indices, b.top!.indices);
          expectClose(a.logProbs, b.logProbs, { abs: 2e-6, rel: 2e-6 }, 'logProbs');
          expectClose(a.top!.logProbs, b.top!.logProbs, { abs: 2e-6, rel: 2e-6 }, 'top logProbs');
        }
        const mk = (R: typeof lk.Rng) => Array.from({ length: rows }, (_, r) => new R(100 + r).advance(r * 3));
        expect(Array.from(lk.sampleNext(x, cols, { ...o, rngs: mk(lk.Rng) }).tokens))
          .toEqual(Array.from(ref.sampleNext(x, cols, { ...o, rngs: mk(ref.Rng) }).tokens));
      }
    });
  }

  test('a long row (128 256) with a 512-token history: native = reference, and unaligned views', () => {
    const cols = 128256, rows = 2;
    const x = randomF32(rows * cols, 77, -12, 12);
    const prev = Array.from({ length: rows }, (_, r) => Int32Array.from({ length: 512 }, (_, i) => (i * 997 + r) % cols));
    for (let i = 0; i < 512; i += 3) x[prev[0][i]] = 12 + (i % 5); // history tokens among the top
    const o = { temperature: 0.8, topK: 50, topP: 0.95, repetitionPenalty: 1.1, previousTokens: prev, seed: 9 };
    const a = lk.sampleNext(x, cols, o);
    expectSameArray(a, ref.sampleNext(x, cols, o));
    expectSameArray(lk.sampleNext(unaligned(x), cols, o), a);
    const o2 = { temperature: 1.1, topP: 0.9, seed: 4 };
    expectSameArray(lk.sampleNext(x, cols, o2), ref.sampleNext(x, cols, o2));
  });

  test('adversarial rows: NaN, +Infinity, all masked, one allowed token, ±0, huge values, ties', () => {
    const cols = 9;
    const rows = [
      [1, 2, NaN, 3, 0, 0, 0, 0, 0],
      [1, Infinity, 2, 3, 0, 0, 0, 0, 0],
      [NEG, NEG, NEG, NEG, NEG, NEG, NEG, NEG, NEG],
      [NEG, NEG, NEG, 4, NEG, NEG, NEG, NEG, NEG],
      [0, -0, 0, -0, 0, -0, 0, -0, 0],
      [3e38, -3e38, 1e30, -1e30, 3e38, 0, 1e-45, -1e-45, 2],
      [5, 5, 5, 5, 5, 5, 5, 5, 5],
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    ];
    const x = Float32Array.from(rows.flat());
    for (const o of [{}, { topK: 3 }, { topP: 0.5 }, { minP: 0.5 }, { temperature: 0 }, { topK: 2, topP: 0.3, temperature: 0.01 },
      { repetitionPenalty: 1e30, previousTokens: rows.map(() => [0, 1, 8]) }, { bannedTokens: [3, 8] }] as NonNullable<Opts>[]) {
      for (const seed of [1, 2]) {
        const a = lk.sampleNext(x, cols, { ...o, seed, returnLogProbs: true }), b = ref.sampleNext(x, cols, { ...o, seed, returnLogProbs: true });
        expectSameArray(a.tokens, b.tokens, JSON.stringify(o));
        expectClose(a.logProbs, b.logProbs, { abs: 2e-6, rel: 2e-6 }, 'logProbs');
        expect(a.tokens[0]).toBe(-1); // NaN
        expect(a.tokens[1]).toBe(-1); // +Infinity
        expect(a.tokens[2]).toBe(-1); // all masked
        expect(Number.isNaN(a.logProbs[2])).toBe(true);
        expect(a.tokens[3]).toBe(o.bannedTokens ? -1 : 3);
      }
    }
  });
});

describe('per-row logitBias and bannedTokens', () => {
  const rows = 5, cols = 300;
  const x = randomF32(rows * cols, 4242, -5, 5);
  for (let i = 0; i < x.length; i += 41) x[i] = NEG;
  const prev = Array.from({ length: rows }, (_, r) => Int32Array.from({ length: 30 }, (_, i) => (i * 11 + r * 17) % cols));
  // Row r's own bias and bans (row 2 has none); the raw top tokens of each row are among them.
  const top = (r: number, n: number) => Array.from(ref.topk(x.subarray(r * cols, (r + 1) * cols), cols, n).indices);
  const biasRows = Array.from({ length: rows }, (_, r) => (r === 2 ? null : new Map<number, number>(top(r, 4).map((t, i) => [t, i % 2 ? -3 : 1.5 - r]))));
  const banRows = Array.from({ length: rows }, (_, r) => (r === 2 ? null : [top(r, 6)[5], (r * 31) % cols, top(r, 6)[1]]));
  const flatBias = () => {
    const tokens: number[] = [], values: number[] = [], offsets = [0];
    biasRows.forEach((m) => { for (const [t, b] of m ?? []) { tokens.push(t); values.push(b); } offsets.push(tokens.length); });
    return { tokens: Int32Array.from(tokens), values: Float64Array.from(values), offsets: Int32Array.from(offsets) };
  };
  const flatBans = () => {
    const tokens: number[] = [], offsets = [0];
    banRows.forEach((b) => { tokens.push(...(b ?? [])); offsets.push(tokens.length); });
    return { tokens: Int32Array.from(tokens), offsets: Int32Array.from(offsets) };
  };
  const combos: NonNullable<Opts>[] = [
    { temperature: 0.8, topK: 20, topP: 0.9, repetitionPenalty: 1.3 },
    { temperature: 1.2, topP: 0.8, presencePenalty: 0.4, frequencyPenalty: 0.2 },
    { temperature: 1, minP: 0.05, repetitionPenalty: 0.8 },
    { temperature: 1 },
    { temperature: 0 },
  ];
  test('equal to running each row alone with its own bias and bans (native and reference), both forms', () => {
    for (const c of combos) {
      for (const m of [lk, ref] as const) {
        const rngs = Array.from({ length: rows }, (_, r) => new m.Rng(50 + r));
        const o = { ...c, previousTokens: prev, returnLogProbs: true as const };
        const a = m.sampleNext(x, cols, { ...o, rngs, logitBias: biasRows, bannedTokens: banRows });
        const b = m.sampleNext(x, cols, { ...o, rngs: Array.from({ length: rows }, (_, r) => new m.Rng(50 + r)), logitBias: flatBias(), bannedTokens: flatBans() });
        expect(Array.from(b.tokens)).toEqual(Array.from(a.tokens));
        for (let r = 0; r < rows; r++) {
          const alone = m.sampleNext(x.subarray(r * cols, (r + 1) * cols), cols, {
            ...c, previousTokens: [prev[r]], rng: new m.Rng(50 + r), returnLogProbs: true,
            ...(biasRows[r] ? { logitBias: biasRows[r]! } : {}), ...(banRows[r] ? { bannedTokens: banRows[r]! } : {}),
          });
          expect(a.tokens[r], `${JSON.stringify(c)} row ${r}`).toBe(alone.tokens[0]);
          expect(a.logProbs[r]).toBe(alone.logProbs[0]);
        }
      }
      const mk = (R: typeof lk.Rng) => Array.from({ length: rows }, (_, r) => new R(7 + r));
      const o = { ...c, previousTokens: prev, logitBias: biasRows, bannedTokens: banRows, topLogProbs: 4 };
      const a = lk.sampleNext(x, cols, { ...o, rngs: mk(lk.Rng) }), b = ref.sampleNext(x, cols, { ...o, rngs: mk(ref.Rng) });
      expect(Array.from(a.tokens)).toEqual(Array.from(b.tokens));
      expect(Array.from(a.top!.indices)).toEqual(Array.from(b.top!.indices));
    }
    // A banned token is never drawn in its own row, and the same token stays drawable in the others.
    const greedy = lk.sampleNext(x, cols, { temperature: 0, bannedTokens: banRows });
    for (let r = 0; r < rows; r++) expect(banRows[r] ?? []).not.toContain(greedy[r]);
    expect(greedy[2]).toBe(top(2, 1)[0]);
  });
  test('per-row bans can empty one row only (−1 there)', () => {
    const c = 4, xs = Float32Array.from([1, 2, 3, 4, 1, 2, 3, 4]);
    const t = lk.sampleNext(xs, c, { seed: 1, bannedTokens: [[0, 1, 2, 3], []] });
    expect(t[0]).toBe(-1);
    expect(t[1]).toBeGreaterThanOrEqual(0);
    expect(Array.from(ref.sampleNext(xs, c, { seed: 1, bannedTokens: [[0, 1, 2, 3], []] }))).toEqual(Array.from(t));
  });
  test('bad per-row input names the row and the argument', () => {
    const xs = new Float32Array(12);
    const fn = (o: unknown) => () => lk.sampleNext(xs, 4, o as Opts);
    expectError(fn({ seed: 1, logitBias: [{ 1: 1 }, {}] }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /logitBias.length = 2.*rows = 3/);
    expectError(fn({ seed: 1, logitBias: [{}, { 5: 1 }, null] }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /logitBias\[1\] key "5" = 5 is out of range/);
    expectError(fn({ seed: 1, logitBias: [{}, null, new Map([[2, Infinity]])] }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /logitBias\[2\]/);
    expectError(fn({ seed: 1, logitBias: [{}, null, 3] }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /logitBias\[2\]/);
    expectError(fn({ seed: 1, logitBias: { tokens: [1, 1], values: [1, 2], offsets: [0, 2, 2, 2] } }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /logitBias row 0: token 1 is listed twice/);
    expect(() => lk.sampleNext(xs, 4, { seed: 1, logitBias: { tokens: [1, 1], values: [1, 2], offsets: [0, 1, 2, 2] } })).not.toThrow();
    expectError(fn({ seed: 1, logitBias: { tokens: [1], values: [1], offsets: [0, 1, 1] } }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /logitBias.offsets.length = 3.*rows \+ 1 = 4/);
    expectError(fn({ seed: 1, logitBias: { tokens: [1], values: [1], offsets: [0, 1, 0, 1] } }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /logitBias.offsets\[2\] = 0/);
    expectError(fn({ seed: 1, logitBias: { tokens: [9], values: [1], offsets: [0, 0, 0, 1] } }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /logitBias.tokens\[0\] = 9/);
    expectError(fn({ seed: 1, bannedTokens: [[0], [1, 4], []] }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /bannedTokens\[1\]\[1\] = 4 is out of range/);
    expectError(fn({ seed: 1, bannedTokens: [[0], []] }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /bannedTokens.length = 2.*rows = 3/);
    // a shared list with a stray non-number is the shared form with a bad element, not a per-row list
    expectError(fn({ seed: 1, bannedTokens: [1, 'a'] as unknown as number[] }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /bannedTokens\[1\] must be a number, received string/);
    expectError(fn({ seed: 1, bannedTokens: [[0], 1, []] }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /bannedTokens\[1\]/);
    expectError(fn({ seed: 1, bannedTokens: { tokens: [0, 5], offsets: [0, 1, 2, 2] } }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /bannedTokens row 1: tokens\[1\] = 5/);
    expectError(fn({ seed: 1, bannedTokens: { tokens: [0], offsets: [0, 1, 1] } }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /bannedTokens.offsets.length/);
  });
  test.skipIf(!native)('the binding re-checks per-row offsets and each row\'s order', () => {
    const b = native as unknown as typeof ref.kernels;
    const p = Float64Array.from([1, 0, 1, 0, 1, 0, 0, 0]);
    const xs = new Float32Array(12), e = new Int32Array(0);
    const call = (bi: Int32Array, bo: Int32Array | null, ban: Int32Array, no: Int32Array | null) => () =>
      b.sampleNext(xs, 4, p, e, null, bi, new Float64Array(bi.length), ban, new Int32Array(3), null, null, null, 0, 0, 0, 0, 0, 0, null, bo, no);
    expect(call(Int32Array.from([2, 1]), Int32Array.from([0, 1, 2, 2]), e, null)).not.toThrow(); // sorted within each row
    expect(call(Int32Array.from([2, 1]), Int32Array.from([0, 2, 2, 2]), e, null)).toThrow(RangeError);
    expect(call(Int32Array.from([1]), Int32Array.from([0, 1, 1]), e, null)).toThrow(RangeError);
    expect(call(Int32Array.from([1]), Int32Array.from([0, 2, 1, 1]), e, null)).toThrow(RangeError);
    expect(call(e, null, Int32Array.from([3, 3]), Int32Array.from([0, 1, 2, 2]))).not.toThrow();
    expect(call(e, null, Int32Array.from([3, 4]), Int32Array.from([0, 1, 2, 2]))).toThrow(RangeError);
  });
});

describe('the lowering window (penalties that only lower logits: only the window is looked up)', () => {
  test('history, negative biases and bans among the top tokens, retries: native = reference', () => {
    const rows = 6, cols = 2000;
    const x = randomF32(rows * cols, 99, -4, 4);
    const order = (r: number) => Array.from(ref.topk(x.subarray(r * cols, (r + 1) * cols), cols, 80).indices);
    // More than 16 changed tokens among the raw top (the window must grow), repeated tokens (counts),
    // the top token banned, a −Infinity among the top in row 5, a tie at the top-k boundary in row 4.
    const prev = Array.from({ length: rows }, (_, r) => Int32Array.from([...order(r).slice(0, 10 + 8 * r), ...order(r).slice(0, 3)]));
    x[5 * cols + order(5)[7]] = NEG;
    x[4 * cols + order(4)[20]] = x[4 * cols + order(4)[19]];
    const bias = Array.from({ length: rows }, (_, r) => Object.fromEntries(order(r).slice(40, 45).map((t) => [t, -0.5 * r])));
    const bans = Array.from({ length: rows }, (_, r) => (r % 2 ? [order(r)[0]] : []));
    for (const c of [
      { temperature: 0.8, topK: 20, topP: 0.95, repetitionPenalty: 1.5 },
      { temperature: 0.7, topK: 50, repetitionPenalty: 1.1, presencePenalty: 0.5, frequencyPenalty: 0.25 },
      { temperature: 1, minP: 0.1, repetitionPenalty: 3 },
      { temperature: 0, repetitionPenalty: 2 },
      { temperature: 1, topK: 3000, repetitionPenalty: 1.2 },
    ] as NonNullable<Opts>[]) {
      for (const seed of [1, 2]) {
        const o = { ...c, previousTokens: prev, logitBias: bias, bannedTokens: bans, seed, topLogProbs: 5 };
        const a = lk.sampleNext(x, cols, o), b = ref.sampleNext(x, cols, o);
        expect(Array.from(a.tokens), JSON.stringify(c)).toEqual(Array.from(b.tokens));
        expect(Array.from(a.top!.indices)).toEqual(Array.from(b.top!.indices));
        expectClose(a.logProbs, b.logProbs, { abs: 2e-6, rel: 2e-6 }, 'logProbs');
      }
    }
  });
});

describe('draws', () => {
  test('temperature alone reproduces sampleCategorical (same words, same Gumbel-max)', () => {
    const cols = 257, rows = 6;
    const x = randomF32(rows * cols, 5, -3, 3);
    for (const t of [0.5, 1, 2]) {
      expectSameArray(lk.sampleNext(x, cols, { temperature: t, seed: 12 }), lk.sampleCategorical(x, cols, { temperature: t, seed: 12 }));
    }
  });

  test('a call reserves cols words per row (also when greedy); rngs[r] is row r on its own', () => {
    const cols = 10, rows = 3;
    const x = randomF32(rows * cols, 8);
    for (const o of [{ topK: 3 }, { temperature: 0 }]) {
      const rng = new lk.Rng(4);
      lk.sampleNext(x, cols, { ...o, rng });
      expect(rng.counter).toBe(BigInt(Math.ceil((rows * cols) / 4)));
    }
    const rngs = [new lk.Rng(1), new lk.Rng(2), new lk.Rng(3)];
    const t = lk.sampleNext(x, cols, { topP: 0.9, rngs });
    for (let r = 0; r < rows; r++) {
      expect(t[r]).toBe(lk.sampleNext(x.subarray(r * cols, (r + 1) * cols), cols, { topP: 0.9, rng: new lk.Rng(r + 1) })[0]);
      expect(rngs[r].counter).toBe(3n);
    }
    expectSameArray(lk.sampleNext(x, cols, { temperature: 0 }), lk.argmax(x, cols));
  });

  test('sampleNextAsync = sampleNext, and reserves its words when called', async () => {
    const cols = 3000, rows = 4;
    const x = randomF32(rows * cols, 21);
    const o = { temperature: 0.9, topK: 40, topP: 0.9, seed: 6, topLogProbs: 3 };
    const a = lk.sampleNext(x, cols, o);
    const rng = new lk.Rng(6);
    const p = lk.sampleNextAsync(x, cols, { ...o, seed: undefined, rng });
    expect(rng.counter).toBe(BigInt((rows * cols) / 4));
    const b = await p;
    expectSameArray(b.tokens, a.tokens);
    expectSameArray(b.top!.indices, a.top!.indices);
    expectSameArray(await ref.sampleNextAsync(x, cols, o).then((r) => r.tokens), a.tokens);
  });

  test('out is written and returned; the input is not modified', () => {
    const x = randomF32(20, 2);
    const copy = x.slice();
    const out = new Int32Array(4);
    expect(lk.sampleNext(x, 5, { seed: 1, out, repetitionPenalty: 2, previousTokens: [[1], [2], [3], [4]] })).toBe(out);
    expectSameArray(x, copy);
  });
});

describe('sampled tokens follow the processed distribution (chi-square, fixed seeds)', () => {
  const row = [1.2, -0.4, 0.9, 2.0, -1.5, 0.3, 1.9, NEG, 0.0, -0.8, 1.2, 0.6];
  const hist = [3, 3, 6, 9];
  const N = TIER === 'js' ? 6000 : 40000;
  const combos: NonNullable<Opts>[] = [
    { temperature: 1 },
    { temperature: 0.7 },
    { temperature: 1, topK: 4 },
    { temperature: 1.4, topP: 0.8 },
    { temperature: 1, minP: 0.2 },
    { temperature: 0.8, topK: 6, topP: 0.9 },
    { temperature: 1.2, topP: 0.85, minP: 0.15 },
    { temperature: 0.9, topK: 7, topP: 0.95, minP: 0.05, repetitionPenalty: 1.4, presencePenalty: 0.2, frequencyPenalty: 0.1 },
    { temperature: 1, logitBias: { 4: 3 }, bannedTokens: [3] },
  ];
  combos.forEach((o, i) => {
    test(JSON.stringify(o), () => {
      const z = processed(row, o, hist);
      const d = definition(z, o);
      const probs = new Array(row.length).fill(0);
      d.kept.forEach((j, n) => { probs[j] = d.p[n]; });
      const x = tile(row, N);
      const prev = { tokens: tile(hist, N).map(Math.round) as unknown as Int32Array, offsets: Int32Array.from({ length: N + 1 }, (_, r) => r * hist.length) };
      const toks = lk.sampleNext(x, row.length, { ...o, previousTokens: { tokens: Int32Array.from(prev.tokens), offsets: prev.offsets }, seed: 1000 + i });
      expectChiSquare(counts(toks, row.length), probs, JSON.stringify(o));
    });
  });
});

describe('decoder (a generation loop)', () => {
  test('keeps histories, applies the penalties to them, and is reproducible', () => {
    const cols = 6;
    const logits = Float32Array.from([3, 2.9, 0, 0, 0, 0, 3, 2.9, 0, 0, 0, 0]);
    const run = () => {
      const d = lk.decoder({ temperature: 0, repetitionPenalty: 100, prompt: [[0], []] });
      const out: number[][] = [];
      for (let i = 0; i < 3; i++) out.push(Array.from(d.next(logits, cols)));
      return { out, h: d.histories };
    };
    const { out, h } = run();
    expect(out[0]).toEqual([1, 0]); // row 0 penalises its prompt token 0
    expect(out[1]).toEqual([0, 1]); // 3/100 > 2.9/100
    expect(out[2]).toEqual([0, 0]);
    expect(h).toEqual([[0, 1, 0, 0], [0, 1, 0]]);
    const s = () => { const d = lk.decoder({ temperature: 1, topP: 0.9, seed: 5 }); return [0, 1, 2].map(() => Array.from(d.next(logits, cols))); };
    expect(s()).toEqual(s());
  });
});

describe('bad input', () => {
  const x = new Float32Array(12);
  const fn = (o: unknown) => () => lk.sampleNext(x, 4, o as Opts);
  test('ranges and types', () => {
    expectError(fn({ seed: 1, topP: 0 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /topP = 0 .*\(0, 1\]/);
    expectError(fn({ seed: 1, topP: 1.5 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /topP/);
    expectError(fn({ seed: 1, topP: NaN }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /topP/);
    expectError(fn({ seed: 1, topK: -1 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /topK = -1/);
    expectError(fn({ seed: 1, topK: 1.5 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /topK/);
    expectError(fn({ seed: 1, minP: 2 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /minP/);
    expectError(fn({ seed: 1, repetitionPenalty: 0 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /repetitionPenalty = 0/);
    expectError(fn({ seed: 1, repetitionPenalty: -1 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /repetitionPenalty/);
    expectError(fn({ seed: 1, temperature: -1 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /temperature/);
    expectError(fn({ seed: 1, presencePenalty: Infinity }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /presencePenalty/);
    expectError(fn({ seed: 1, topP: '0.9' }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /topP/);
    expectError(fn({}), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /rng|seed/);
    expectError(() => lk.sampleNext(x, 5, { seed: 1 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /multiple of cols/);
    expectError(fn({ seed: 1, temprature: 0.5 }), RangeError, 'ERR_LOGITKIT_UNKNOWN_OPTION', /temprature.*did you mean temperature/);
    expectError(fn({ seed: 1, rng: new lk.Rng(1) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /rng.*seed|seed.*rng/);
    expectError(() => lk.decoder({ top_p: 0.9 } as never), RangeError, 'ERR_LOGITKIT_UNKNOWN_OPTION', /top_p/);
  });
  test('token ids name the row and the argument', () => {
    expectError(fn({ seed: 1, previousTokens: [[0], [1, 4], [2]] }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /previousTokens\[1\]\[1\] = 4 is out of range \[0, 4\)/);
    expectError(fn({ seed: 1, previousTokens: [[0], [1]] }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /previousTokens.length = 2.*rows = 3/);
    expectError(fn({ seed: 1, previousTokens: { tokens: Int32Array.from([0, 1, -1]), offsets: Int32Array.from([0, 1, 2, 3]) } }), RangeError,
      'ERR_LOGITKIT_OUT_OF_RANGE', /row 2: tokens\[2\] = -1/);
    expectError(fn({ seed: 1, previousTokens: { tokens: Int32Array.from([0]), offsets: Int32Array.from([0, 1, 0, 1]) } }), RangeError,
      'ERR_LOGITKIT_OUT_OF_RANGE', /offsets/);
    // Long histories (the backend's check runs in blocks of 4096 ids): the first bad id is
    // named, past a block boundary, for either sign and either form.
    const long = (bad: number, at: number) => Array.from({ length: 3 }, (_, r) => Int32Array.from({ length: 3000 }, (_, i) => (r === 2 && i === at ? bad : (r + i) % 4)));
    expectError(fn({ seed: 1, previousTokens: long(4, 2999) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /previousTokens\[2\]\[2999\] = 4 is out of range/);
    expectError(fn({ seed: 1, previousTokens: long(-2, 1200) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /previousTokens\[2\]\[1200\] = -2 is out of range/);
    expectError(fn({ seed: 1, previousTokens: long(-2147483648, 7) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /previousTokens\[2\]\[7\] = -2147483648 is out of range/);
    const flat = long(-2147483648, 3);
    flat[0][1005] = 9;  // the first bad id is row 0's (row 2 has one too)
    expectError(fn({ seed: 1, previousTokens: { tokens: Int32Array.from(flat.flatMap((h) => Array.from(h))), offsets: Int32Array.from([0, 3000, 6000, 9000]) } }),
      RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /row 0: tokens\[1005\] = 9 is out of range/);
    expectError(fn({ seed: 1, logitBias: { 7: 1 } }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /logitBias key "7" = 7 is out of range/);
    expectError(fn({ seed: 1, logitBias: new Map([[1, NaN]]) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /logitBias/);
    expectError(fn({ seed: 1, logitBias: { tokens: [1, 1], values: [1, 2] } }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /listed twice/);
    expectError(fn({ seed: 1, bannedTokens: [0, 4] }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /bannedTokens\[1\] = 4/);
    expectError(fn({ seed: 1, bannedTokens: 3 }), TypeError, 'ERR_LOGITKIT_INVALID_ARG_TYPE', /bannedTokens/);
    expectError(fn({ seed: 1, topLogProbs: 5 }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /topLogProbs/);
    expectError(fn({ seed: 1, out: new Int32Array(2) }), RangeError, 'ERR_LOGITKIT_OUT_OF_RANGE', /out/);
  });
  test('nothing is written or reserved on failure', () => {
    const out = new Int32Array(3).fill(7);
    const rng = new lk.Rng(1);
    expect(() => lk.sampleNext(x, 4, { rng, out, topP: 2 })).toThrow(RangeError);
    expect(Array.from(out)).toEqual([7, 7, 7]);
    expect(rng.counter).toBe(0n);
  });
  test.skipIf(!native)('the binding re-checks lengths and ids', () => {
    const b = native as unknown as typeof ref.kernels;
    const p = Float64Array.from([1, 0, 1, 0, 1, 0, 0, 0]);
    const e = new Int32Array(0);
    const call = (o: Partial<{ hist: Int32Array; off: Int32Array | null; bi: Int32Array; bv: Float64Array; ban: Int32Array; tok: Int32Array; p: Float64Array }>) => () =>
      b.sampleNext(x, 4, o.p ?? p, o.hist ?? e, o.off ?? null, o.bi ?? e, o.bv ?? new Float64Array(0), o.ban ?? e, o.tok ?? new Int32Array(3), null, null, null, 0, 0, 0, 0, 0, 0, null);
    expect(call({ tok: new Int32Array(2) })).toThrow(RangeError);
    expect(call({ hist: Int32Array.from([9]), off: Int32Array.from([0, 1, 1, 1]) })).toThrow(RangeError);
    expect(call({ hist: Int32Array.from([1]), off: Int32Array.from([0, 2, 1, 1]) })).toThrow(RangeError);
    expect(call({ ban: Int32Array.from([2, 1]) })).toThrow(RangeError);
    expect(call({ bi: Int32Array.from([1]), bv: new Float64Array(2) })).toThrow(RangeError);
    expect(call({ p: Float64Array.from([1, 0, 1.5, 0, 1, 0, 0, 0]) })).toThrow(RangeError);
  });
});

// Synchronous calls copy histories into one kept buffer (lib/decoding.ts, histBuffer); a call
// made while another holds it — here from an option getter read after the outer call's copy —
// must get its own, and the outer call must still see its own tokens.
test('a sampleNext call made during another (from an option getter) does not change its histories', () => {
  const cols = 16;
  const x = new Float32Array(cols);
  x[0] = 10;
  x[1] = 9;
  const inner = new Float32Array(cols).fill(1);
  const base = { temperature: 0, repetitionPenalty: 1e30, previousTokens: [Int32Array.of(0)] };
  expect(Array.from(lk.sampleNext(x, cols, base))).toEqual([1]); // token 0 penalised away
  let nested = 0;
  const opts = { ...base } as Record<string, unknown>;
  Object.defineProperty(opts, 'out', {
    enumerable: true,
    get() {
      nested++;
      lk.sampleNext(inner, cols, { temperature: 0, repetitionPenalty: 2, previousTokens: [Int32Array.of(5)] }); // as long as the outer history: it would reuse the buffer in place
      return undefined;
    },
  });
  expect(Array.from(lk.sampleNext(x, cols, opts))).toEqual([1]);
  expect(nested).toBeGreaterThan(0);
  // And after both, the kept buffer serves a fresh call correctly.
  expect(Array.from(lk.sampleNext(x, cols, base))).toEqual([1]);
  expect(Array.from(lk.sampleNext(x, cols, { ...base, previousTokens: [Int32Array.of(1)] }))).toEqual([0]);
});
