// The self-normalisation study (examples/self-normalisation.ts) at a small size: NCE comes out
// self-normalised, negative sampling does not, and the SVG is written.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runStudy } from '../examples/self-normalisation.js';

test('NCE is self-normalised, negative sampling is off by log((1/k)·Σ p/q)', () => {
  const svg = join(mkdtempSync(join(tmpdir(), 'lk-nce-')), 'study.svg');
  const k = 10;
  const { truth, results, V, C } = runStudy({ V: 200, C: 20, steps: 200, batch: 2048, lr: 0.002, k, svg });
  const [nce, ns] = results;
  expect(nce.objective).toBe('nce');
  // Negative sampling's optimum is s = log p − log(k·q), so its log Z_c is log Σ_w p/(k·q):
  // computed here from the truth, it is ≥ 2 for every context of this planted model.
  const q = new Float64Array(V);
  for (let c = 0; c < C; c++) for (let w = 0; w < V; w++) q[w] += Math.exp(truth[c * V + w]) / C;
  let nsOpt = 0;
  for (let c = 0; c < C; c++) {
    let z = 0;
    for (let w = 0; w < V; w++) z += Math.exp(truth[c * V + w]) / (k * q[w]);
    nsOpt += Math.abs(Math.log(z)) / C;
  }
  expect(nsOpt).toBeGreaterThan(2);
  // NCE's optimum has log Z = 0. At this size the trained model reaches 0.02 (the decaying
  // rate removes most SGD noise); 0.1 leaves a 5× margin and is 20× below negative sampling's.
  expect(nce.logZError).toBeLessThan(0.1);
  // Negative sampling approaches its own optimum (from below here: it is still learning).
  expect(ns.logZError).toBeGreaterThan(0.5 * nsOpt);
  // Each fits its own target: NCE log p; negative sampling the ratio log p − log(k·q).
  expect(nce.fitError).toBeLessThan(0.5 * ns.fitError);
  expect(ns.ratioFitError).toBeLessThan(0.5 * ns.fitError);
  // Training made progress on both (the curves fall).
  expect(nce.curve[nce.curve.length - 1]).toBeLessThan(0.1 * nce.curve[0]);
  const text = readFileSync(svg, 'utf8');
  expect(text.startsWith('<svg')).toBe(true);
  expect(text.match(/<circle/g)!.length).toBeGreaterThan(1000);
  expect(text).toContain('negative-sampling: |log Z|');
});
