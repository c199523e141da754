// The calibration / estimator examples run at small sizes (smoke), and the numbers they print
// agree with the closed forms where one exists; their SVG files parse.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCalibration } from '../examples/calibration.js';
import { runEstimators } from '../examples/estimators.js';
import { expectWellFormedSvg } from './svg-check.js';

describe('examples (smoke, small sizes)', () => {
  test('estimators: REINFORCE and reparameterisation against 2a(aθ + b) and their exact variances', () => {
    const out = mkdtempSync(join(tmpdir(), 'lk-est-'));
    const lines: string[] = [];
    const n = 8000;
    const r = runEstimators({ outDir: out, n, log: (s) => lines.push(s) });
    const text = lines.join('\n');
    for (const row of r.gaussian) {
      expect(row.trueGrad).toBe(4 * (2 * row.theta + 3));
      expect(Math.abs(row.reparamMean - row.trueGrad)).toBeLessThan(5 * Math.sqrt(16 / n));
      expect(Math.abs(row.reinforceMean - row.trueGrad)).toBeLessThan(5 * Math.sqrt(row.reinforceVarExact / n));
      expect(Math.abs(row.reparamVar / 16 - 1)).toBeLessThan(0.1);
      expect(Math.abs(row.reinforceVar / row.reinforceVarExact - 1)).toBeLessThan(0.5);
      expect(row.reinforceVar).toBeGreaterThan(row.reparamVar); // the lecture's point
      // the printed table carries the closed forms
      expect(text).toContain(row.reinforceVarExact >= 100 ? row.reinforceVarExact.toFixed(1) : row.reinforceVarExact.toFixed(4));
    }
    const est = Object.fromEntries(r.categorical.map((c) => [c.estimator.split(' ')[0] + (c.estimator.match(/τ=([\d.]+)/)?.[1] ?? ''), c]));
    expect(est.REINFORCE.bias).toBeLessThan(5 * est.REINFORCE.biasSE); // unbiased
    expect(est.without.bias).toBeLessThan(5 * est.without.biasSE); // unbiased
    expect(est.without.variance).toBeLessThan(est.REINFORCE.variance);
    expect(est['Gumbel-softmax2'].bias).toBeGreaterThan(10 * est['Gumbel-softmax2'].biasSE); // biased, visibly
    expect(est['Gumbel-softmax2'].bias).toBeGreaterThan(est['Gumbel-softmax0.25'].bias);
    for (const f of r.files) expectWellFormedSvg(readFileSync(f, 'utf8'));
  });

  test('calibration: planted temperature recovered, NLL and ECE fall, out-of-distribution entropy rises with β', () => {
    const out = mkdtempSync(join(tmpdir(), 'lk-cal-'));
    const lines: string[] = [];
    const r = runCalibration({ outDir: out, n: 20000, steps: 200, log: (s) => lines.push(s) });
    expect(Math.abs(r.fit.beta - 1 / r.plantedT)).toBeLessThan(3 * r.fit.betaStdErr);
    expect(r.nllAfter).toBeLessThan(r.nllBefore);
    expect(r.nllAfter).toBeLessThanOrEqual(r.nllAtPlanted + 1e-12); // the fit minimises the NLL
    expect(r.eceAfter).toBeLessThan(r.eceBefore / 5);
    const h = r.confidence.map((c) => c.entropyOut);
    expect(h[h.length - 1]).toBeGreaterThan(h[0] + 0.5);
    for (let i = 1; i < h.length; i++) expect(h[i]).toBeGreaterThan(h[i - 1]);
    expect(r.confidence[0].accuracy).toBeGreaterThan(0.9);
    expect(lines.join('\n')).toContain(`fitted T = ${r.fit.temperature.toFixed(5)}`);
    for (const f of r.files) expectWellFormedSvg(readFileSync(f, 'utf8'));
  });
});
