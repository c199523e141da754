// Enumerable toy sequence models for the beam tests: every complete sequence and its exact
// probability, and the exact inclusion probabilities of a k-sample without replacement.
import type { LogProbsFn } from '../lib/beam.js';

export interface Toy {
  vocab: number;
  eos: number;
  maxLength: number;
  /** Raw logits of the next token after a prefix (deterministic in the prefix). */
  logits(prefix: ArrayLike<number>): Float32Array;
  /** The model (normalize: true turns logits into log-probabilities). */
  logProbs: LogProbsFn;
  /** All complete sequences (generated tokens) and their probabilities, in float64. */
  seqs: number[][];
  probs: number[];
  /** key of a sequence → its index in seqs. */
  index: Map<string, number>;
}

/** A toy model over `vocab` tokens (token eos ends a sequence), logits from a hash of the prefix. */
export function toyModel(vocab: number, eos: number, maxLength: number, salt = 1, spread = 2): Toy {
  const logits = (prefix: ArrayLike<number>): Float32Array => {
    const out = new Float32Array(vocab);
    let h = (salt * 2654435761) >>> 0;
    for (let i = 0; i < prefix.length; i++) h = Math.imul(h ^ (prefix[i] + 0x9e37), 0x85ebca6b) >>> 0;
    for (let j = 0; j < vocab; j++) {
      h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
      h = (h ^ (h >>> 12)) >>> 0;
      out[j] = ((h >>> 8) / 2 ** 24 - 0.5) * 2 * spread;
    }
    return out;
  };
  const logProbs: LogProbsFn = (prefixes) => {
    const out = new Float32Array(prefixes.length * vocab);
    prefixes.forEach((p, r) => out.set(logits(p), r * vocab));
    return out;
  };
  const seqs: number[][] = [], probs: number[] = [];
  const walk = (prefix: number[], lp: number): void => {
    const x = logits([0, ...prefix]);
    let m = -Infinity, s = 0;
    for (const v of x) m = Math.max(m, v);
    for (const v of x) s += Math.exp(v - m);
    const lse = m + Math.log(s);
    for (let t = 0; t < vocab; t++) {
      const l = lp + x[t] - lse;
      if (t === eos || prefix.length + 1 === maxLength) {
        seqs.push([...prefix, t]);
        probs.push(Math.exp(l));
      } else walk([...prefix, t], l);
    }
  };
  walk([], 0);
  const index = new Map(seqs.map((s, i) => [s.join(','), i]));
  return { vocab, eos, maxLength, logits, logProbs, seqs, probs, index };
}

/** P(item i is among k draws without replacement from probs), exactly, by enumerating ordered draws. */
export function inclusionExact(probs: number[], k: number): number[] {
  const n = probs.length;
  const pi = new Array(n).fill(0);
  const used = new Array(n).fill(false);
  const rec = (depth: number, p: number, left: number, chosen: number[]): void => {
    if (depth === k || depth === n) {
      for (const c of chosen) pi[c] += p;
      return;
    }
    for (let i = 0; i < n; i++) {
      if (used[i] || probs[i] === 0) continue;
      used[i] = true;
      chosen.push(i);
      rec(depth + 1, p * probs[i] / left, left - probs[i], chosen);
      chosen.pop();
      used[i] = false;
    }
  };
  rec(0, 1, probs.reduce((a, b) => a + b, 0), []);
  return pi;
}

/** Probability of each unordered k-subset (key: sorted indices joined by ','). */
export function subsetExact(probs: number[], k: number): Map<string, number> {
  const n = probs.length, out = new Map<string, number>();
  const used = new Array(n).fill(false);
  const rec = (depth: number, p: number, left: number, chosen: number[]): void => {
    if (depth === k) {
      const key = [...chosen].sort((a, b) => a - b).join(',');
      out.set(key, (out.get(key) ?? 0) + p);
      return;
    }
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      used[i] = true;
      chosen.push(i);
      rec(depth + 1, p * probs[i] / left, left - probs[i], chosen);
      chosen.pop();
      used[i] = false;
    }
  };
  rec(0, 1, probs.reduce((a, b) => a + b, 0), []);
  return out;
}
