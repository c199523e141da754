// The self-normalisation study: an NCE-trained unnormalised model comes out self-normalised
// (Σ_w exp s(w, c) ≈ 1, exp s(w, c) ≈ p(w | c)), negative sampling does not (its optimum is
// s = log p(w | c) − log(k·q(w)); Mnih & Teh 2012, Goldberg & Levy 2014, Dyer 2014).
//
// The corpus is synthetic with a known conditional: C contexts (uniform), V words,
// log p(w | c) = ⟨A_c, B_w⟩ + log u(w) − log Z_c with a rank-r planted A, B and a Zipf u. Both
// objectives train the same dot-product model s(w, c) = ⟨in[c], out[w]⟩ (dim ≥ r + 2, enough
// to represent log p exactly) with skipGramStep in deterministic mode (learning rate decaying linearly), noise q = the true
// marginal of w, on identical pair streams. We report, per objective, the mean over contexts
// of |log Σ_w exp s(w, c)| and the p-weighted mean of |s(w, c) − log p(w | c)|, and plot
// s(w, c) against log p(w | c) (SVG).
//
//   npx tsx examples/self-normalisation.ts [out.svg]      (the test suite runs it small)
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { AliasSampler, Rng, skipGramStep } from '../lib/index.js';

export interface StudyOptions {
  V?: number; C?: number; rank?: number; dim?: number; k?: number; steps?: number; batch?: number;
  lr?: number; seed?: number; svg?: string;
}

export interface ObjectiveResult {
  objective: 'nce' | 'negative-sampling';
  /** Mean over contexts of |log Σ_w exp s(w, c)|: 0 when self-normalised. */
  logZError: number;
  /** Mean over contexts of log Σ_w exp s(w, c) (signed). */
  meanLogZ: number;
  /** Mean over contexts of Σ_w p(w | c)·|s(w, c) − log p(w | c)|. */
  fitError: number;
  /** The same after adding log(k·q(w)) to s: small for negative sampling (it learns the ratio). */
  ratioFitError: number;
  /** Mean loss of the last step. */
  loss: number;
  /** log Z error after each tenth of training. */
  curve: number[];
  scores: Float64Array; // C × V, s(w, c)
}

/** A small deterministic normal generator (Box–Muller over a xorshift stream). */
function normals(n: number, seed: number): Float64Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const u = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return (s + 0.5) / 4294967296; };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u())), t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

export function runStudy(opts: StudyOptions = {}): { truth: Float64Array; results: ObjectiveResult[]; V: number; C: number } {
  const { V = 1000, C = 50, rank = 6, dim = 12, k = 10, steps = 600, batch = 4096, lr = 0.0005, seed = 1 } = opts;
  // The truth: log p(w | c) = ⟨A_c, B_w⟩ + log u(w) − log Z_c.
  const A = normals(C * rank, seed), Bw = normals(V * rank, seed + 1);
  const logp = new Float64Array(C * V), q = new Float64Array(V);
  for (let c = 0; c < C; c++) {
    let m = -Infinity;
    for (let w = 0; w < V; w++) {
      let d = 0;
      for (let r = 0; r < rank; r++) d += A[c * rank + r] * Bw[w * rank + r];
      logp[c * V + w] = 0.6 * d - Math.log(w + 1);
      m = Math.max(m, logp[c * V + w]);
    }
    let z = 0;
    for (let w = 0; w < V; w++) z += Math.exp(logp[c * V + w] - m);
    const lz = m + Math.log(z);
    for (let w = 0; w < V; w++) { logp[c * V + w] -= lz; q[w] += Math.exp(logp[c * V + w]) / C; }
  }
  const perContext = Array.from({ length: C }, (_, c) => new AliasSampler(Float64Array.from(logp.subarray(c * V, (c + 1) * V), Math.exp)));
  const noise = new AliasSampler(q);
  const init = normals(2 * V * dim, seed + 2);

  const results: ObjectiveResult[] = [];
  for (const objective of ['nce', 'negative-sampling'] as const) {
    const input = Float32Array.from(init.subarray(0, V * dim), (x) => 0.1 * x);
    const output = Float32Array.from(init.subarray(V * dim), (x) => 0.1 * x);
    const data = new Rng(seed + 3), rng = new Rng(seed + 4); // identical pair streams for both
    const centre = new Int32Array(batch), context = new Int32Array(batch);
    const per = batch / C;
    const scoresOf = () => {
      const s = new Float64Array(C * V);
      for (let c = 0; c < C; c++) {
        for (let w = 0; w < V; w++) {
          let d = 0;
          for (let i = 0; i < dim; i++) d += input[c * dim + i] * output[w * dim + i];
          s[c * V + w] = d;
        }
      }
      return s;
    };
    const logZ = (s: Float64Array) => {
      const z = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        let m = -Infinity;
        for (let w = 0; w < V; w++) m = Math.max(m, s[c * V + w]);
        let t = 0;
        for (let w = 0; w < V; w++) t += Math.exp(s[c * V + w] - m);
        z[c] = m + Math.log(t);
      }
      return z;
    };
    const curve: number[] = [];
    let loss = NaN;
    for (let step = 0; step < steps; step++) {
      // Contexts in equal shares (per = batch / C each, the remainder spread), words from p(· | c).
      for (let c = 0, at = 0; c < C; c++) {
        const n = Math.floor((c + 1) * per) - Math.floor(c * per);
        centre.fill(c, at, at + n);
        context.set(perContext[c].sample(n, { rng: data }), at);
        at += n;
      }
      // Linear decay (as word2vec.c's alpha): the minibatch sum of ~batch/C pairs per context row
      // needs a small rate, and the decay removes the SGD noise floor from the final estimate.
      const rate = lr * (1 - step / steps);
      loss = skipGramStep(input, output, dim, centre, context, { sampler: noise, negatives: k, lr: rate, objective, rng });
      if ((step + 1) % Math.max(1, Math.floor(steps / 10)) === 0) {
        const z = logZ(scoresOf());
        curve.push(z.reduce((a, b) => a + Math.abs(b), 0) / C);
      }
    }
    const s = scoresOf(), z = logZ(s);
    let fit = 0, ratio = 0;
    for (let c = 0; c < C; c++) {
      for (let w = 0; w < V; w++) {
        const p = Math.exp(logp[c * V + w]);
        fit += p * Math.abs(s[c * V + w] - logp[c * V + w]);
        ratio += p * Math.abs(s[c * V + w] + Math.log(k * q[w]) - logp[c * V + w]);
      }
    }
    results.push({
      objective, logZError: z.reduce((a, b) => a + Math.abs(b), 0) / C, meanLogZ: z.reduce((a, b) => a + b, 0) / C,
      fitError: fit / C, ratioFitError: ratio / C, loss, curve, scores: s,
    });
  }
  if (opts.svg) writeFileSync(opts.svg, svg(logp, results, V, C));
  return { truth: logp, results, V, C };
}

/** Two panels: s(w, c) against log p(w | c) for both objectives, and |log Z| during training. */
export function svg(logp: Float64Array, results: ObjectiveResult[], V: number, C: number): string {
  const W = 900, H = 420, colors = { nce: '#1f77b4', 'negative-sampling': '#d62728' } as const;
  const px = (x: number, lo: number, hi: number, a: number, b: number) => a + ((x - lo) / (hi - lo)) * (b - a);
  let lo = Infinity, hi = -Infinity;
  for (const v of logp) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  for (const r of results) for (const v of r.scores) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  lo = Math.max(lo, -20);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  // Panel 1: scatter (a deterministic subsample of at most 3000 points per objective).
  const x0 = 60, x1 = 440, y0 = 380, y1 = 40;
  parts.push(`<text x="${x0}" y="25">s(w, c) against log p(w | c); diagonal = exactly normalised</text>`);
  parts.push(`<line x1="${x0}" y1="${px(lo, lo, hi, y0, y1)}" x2="${x1}" y2="${px(hi, lo, hi, y0, y1)}" stroke="#999" stroke-dasharray="4 3"/>`);
  parts.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#333"/>`);
  const stride = Math.max(1, Math.floor((C * V) / 3000));
  for (const r of results) {
    for (let i = 0; i < C * V; i += stride) {
      if (logp[i] < lo || r.scores[i] < lo) continue;
      parts.push(`<circle cx="${px(logp[i], lo, hi, x0, x1).toFixed(1)}" cy="${px(r.scores[i], lo, hi, y0, y1).toFixed(1)}" r="1.3" fill="${colors[r.objective]}" fill-opacity="0.45"/>`);
    }
  }
  parts.push(`<text x="${(x0 + x1) / 2 - 40}" y="${y0 + 30}">log p(w | c)</text>`);
  parts.push(`<text x="15" y="${(y0 + y1) / 2}" transform="rotate(-90 15 ${(y0 + y1) / 2})">s(w, c)</text>`);
  // Panel 2: |log Z| curves.
  const a0 = 520, a1 = 870;
  const zmax = Math.max(1e-3, ...results.flatMap((r) => r.curve));
  parts.push(`<text x="${a0}" y="25">mean |log Σ_w exp s(w, c)| during training</text>`);
  parts.push(`<rect x="${a0}" y="${y1}" width="${a1 - a0}" height="${y0 - y1}" fill="none" stroke="#333"/>`);
  for (const r of results) {
    const pts = r.curve.map((z, i) => `${px(i + 1, 0, r.curve.length, a0, a1).toFixed(1)},${px(z, 0, zmax, y0, y1).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${colors[r.objective]}" stroke-width="2"/>`);
  }
  parts.push(`<text x="${a0 + 5}" y="${y0 + 30}">training (tenths)   0 … ${zmax.toFixed(2)} vertical</text>`);
  results.forEach((r, i) => {
    parts.push(`<rect x="${a0 + 10}" y="${y1 + 10 + 18 * i}" width="10" height="10" fill="${colors[r.objective]}"/>`);
    parts.push(`<text x="${a0 + 26}" y="${y1 + 19 + 18 * i}">${r.objective}: |log Z| ${r.logZError.toFixed(3)}, fit ${r.fitError.toFixed(3)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? 'self-normalisation.svg';
  const { results } = runStudy({ svg: out });
  console.log('objective           mean|logZ|  mean logZ  fit |s−log p|  ratio fit |s+log kq−log p|  loss');
  for (const r of results) {
    console.log(`${r.objective.padEnd(19)} ${r.logZError.toFixed(4).padStart(10)} ${r.meanLogZ.toFixed(4).padStart(10)} ${r.fitError.toFixed(4).padStart(14)} ${r.ratioFitError.toFixed(4).padStart(27)}  ${r.loss.toFixed(4)}`);
  }
  console.log(`plot: ${out}`);
}
