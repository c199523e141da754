// Many-seed statistical tests of stochastic beam search (the fast subset is test/beam.test.ts):
// on enumerable toy models, the joint distribution of the returned set (chi-square over all
// k-subsets), inclusion frequencies (binomial bounds, Bonferroni-corrected), the first returned
// sequence against p (chi-square), the estimator's unbiasedness, and native = reference for
// many seeds on a larger random model.
import { describe, expect, test } from 'vitest';
import * as lk from '../../lib/index.js';
import * as ref from '../../lib/reference/index.js';
import type { BeamSearchResult } from '../../lib/beam.js';
import { randomF32 } from '../helpers.js';
import { expectChiSquare } from '../sampling-stats.js';
import { inclusionExact, subsetExact, toyModel } from '../beam-toy.js';

type Api = typeof lk;
const APIS: [string, Api][] = [['native', lk], ['reference', ref as unknown as Api]];
const seqs = (r: BeamSearchResult) => r.sequences.map((s) => Array.from(s).join(','));

describe.each(APIS)('%s', (name, api) => {
  // 15 sequences (vocab 3, eos 0, at most 3 tokens) and 21 (vocab 4, eos 0, at most 3 tokens,
  // a flatter model)
  const toys = [toyModel(3, 0, 3, 11), toyModel(4, 0, 3, 5, 1)];

  test.each([0, 1])('toy %i: the returned set is a k-sample without replacement (chi-square over subsets, 20000 seeds)', async (t) => {
    const toy = toys[t], n = 20000;
    for (const k of [2, 3]) {
      const exact = subsetExact(toy.probs, k);
      const keys = [...exact.keys()];
      const at = new Map(keys.map((s, i) => [s, i]));
      const counts = new Array(keys.length).fill(0), incl = new Array(toy.seqs.length).fill(0), first = new Array(toy.seqs.length).fill(0);
      const rng = new api.Rng(31 + k + 10 * t);
      for (let s = 0; s < n; s++) {
        const r = await api.stochasticBeamSearch({ k, maxLength: toy.maxLength, start: 0, eos: toy.eos, logProbs: toy.logProbs, normalize: true, rng });
        const idx = seqs(r).map((q) => toy.index.get(q)!);
        counts[at.get([...idx].sort((a, b) => a - b).join(','))!]++;
        for (const i of idx) incl[i]++;
        first[idx[0]]++;
      }
      // merge subsets with expected count < 5 into one cell (chi-square validity)
      const probs = keys.map((q) => exact.get(q)!);
      const small = probs.map((p) => p * n < 5);
      const mc = counts.filter((_, i) => !small[i]), mp = probs.filter((_, i) => !small[i]);
      if (small.some(Boolean)) {
        mc.push(counts.reduce((a, c, i) => a + (small[i] ? c : 0), 0));
        mp.push(probs.reduce((a, p, i) => a + (small[i] ? p : 0), 0));
      }
      expectChiSquare(mc, mp, `${name} toy ${t} k=${k} subsets`);
      expectChiSquare(first, toy.probs, `${name} toy ${t} k=${k} first returned`);
      const pi = inclusionExact(toy.probs, k);
      for (let i = 0; i < pi.length; i++) {
        const e = n * pi[i], sd = Math.sqrt(n * pi[i] * (1 - pi[i]));
        expect(Math.abs(incl[i] - e), `${name} toy ${t} k=${k} inclusion of ${i}`).toBeLessThanOrEqual(4.9 * sd + 1);
      }
    }
  });

  test('the importance-weighted estimator is unbiased for several f (10000 seeds, 5 standard errors)', async () => {
    const toy = toys[1], n = 10000;
    const fs = [
      toy.seqs.map((s) => s.length),
      toy.probs.map((p) => -Math.log(p)), // entropy
      toy.seqs.map((s) => (s[0] === 2 ? 1 : 0)),
    ];
    for (const k of [2, 5]) {
      const rng = new api.Rng(900 + k);
      const est = fs.map(() => [] as number[]);
      for (let s = 0; s < n; s++) {
        const r = await api.stochasticBeamSearch({ k, maxLength: 3, start: 0, eos: 0, logProbs: toy.logProbs, normalize: true, rng });
        const idx = seqs(r).map((q) => toy.index.get(q)!);
        fs.forEach((f, j) => est[j].push(api.sbsEstimate(r, idx.map((i) => f[i])).estimate));
      }
      fs.forEach((f, j) => {
        const exact = toy.probs.reduce((a, p, i) => a + p * f[i], 0);
        const mean = est[j].reduce((a, b) => a + b, 0) / n;
        const sd = Math.sqrt(est[j].reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
        expect(Math.abs(mean - exact), `${name} k=${k} f${j}: mean ${mean} vs ${exact}`).toBeLessThanOrEqual(5 * sd / Math.sqrt(n) + 1e-12);
      });
    }
  });
});

test('native and reference agree on 300 seeds of a 97-token model with masks and eos', async () => {
  const V = 97;
  const logProbs = (ps: Int32Array[]) => {
    const out = new Float32Array(ps.length * V);
    ps.forEach((p, r) => {
      let h = 3;
      for (const t of p) h = (h * 131 + t) % 1_000_003;
      const row = randomF32(V, h + 1, -5, 5);
      for (let j = (h % 7); j < V; j += 7) row[j] = -Infinity;
      out.set(row, r * V);
    });
    return out;
  };
  const rng1 = new lk.Rng(8), rng2 = new ref.Rng(8);
  for (let s = 0; s < 300; s++) {
    const o = { k: 1 + (s % 9), maxLength: 6, start: [1, 2], eos: 5, logProbs, normalize: true };
    const a = await lk.stochasticBeamSearch({ ...o, rng: rng1 }), b = await ref.stochasticBeamSearch({ ...o, rng: rng2 });
    expect(seqs(a), `seed step ${s}`).toEqual(seqs(b));
    expect(a.threshold).toBeCloseTo(b.threshold, 5);
  }
});
