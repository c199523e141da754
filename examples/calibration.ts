// Calibration as a runnable study (README: "Calibration, confidence and VAE pieces").
//
// Part 1 — temperature scaling (Guo et al. 2017). An over-confident classifier: its logits z
// are sharper than the truth, labels being drawn from softmax(z / T0) with a planted T0 > 1.
// fitTemperature recovers T0 (within a few standard errors from the Fisher information); NLL and
// ECE before and after, and the two reliability diagrams as SVG.
//
// Part 2 — the confidence loss (Lee et al. 2018): a small softmax classifier on three Gaussian
// blobs (in-distribution) trained with  CE(in) + β·KL(U‖p(out)),  the out-of-distribution rows
// drawn from a ring around them; the mean entropy of its out-of-distribution predictions rises
// with β (towards log 3), the in-distribution accuracy barely moves. One gradient buffer: the
// cross-entropy writes it (out rows ignored), klUniform adds into it (accumulate, mask).
//
// Run: node scripts/run-example.mjs calibration [outDir] [n]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lk from '../lib/index.js';
import { table } from './plot.js';

export interface CalibrationResults {
  plantedT: number;
  fit: lk.FitTemperatureResult;
  nllBefore: number;
  nllAfter: number;
  nllAtPlanted: number;
  eceBefore: number;
  eceAfter: number;
  confidence: { beta: number; accuracy: number; entropyIn: number; entropyOut: number }[];
  files: string[];
}

export function runCalibration(opts: { outDir: string; n?: number; seed?: number; steps?: number; log?: (s: string) => void }): CalibrationResults {
  const n = opts.n ?? 200_000, log = opts.log ?? console.log;
  const rng = new lk.Rng(opts.seed ?? 7);
  mkdirSync(opts.outDir, { recursive: true });
  const files: string[] = [];

  // ---- Part 1 ---------------------------------------------------------------------------------
  const C = 10, T0 = 2.5;
  const z = lk.sample.normal(n * C, { mean: 0, std: 4 }, { rng });
  const y = lk.sampleCategorical(z, C, { temperature: T0, rng });
  const fit = lk.fitTemperatureInfo(z, y);
  const nllBefore = lk.temperatureNll(z, y).nll;
  const nllAfter = lk.temperatureNll(z, y, { temperature: fit.temperature }).nll;
  const nllAtPlanted = lk.temperatureNll(z, y, { temperature: T0 }).nll;
  const before = lk.reliabilityDiagram(z, y, { bins: 15 });
  const after = lk.reliabilityDiagram(z, y, { bins: 15, temperature: fit.temperature });
  log(`Temperature scaling: ${n} rows × ${C} classes, labels drawn from softmax(z / ${T0})`);
  log(table(['', 'T', 'NLL', 'ECE (15 bins)', 'accuracy', 'mean confidence'], [
    ['before (T = 1)', 1, nllBefore, before.ece, before.accuracyAll, before.confidenceAll],
    ['fitted', fit.temperature, nllAfter, after.ece, after.accuracyAll, after.confidenceAll],
    ['planted', T0, nllAtPlanted, lk.expectedCalibrationError(z, y, { temperature: T0 }), '', ''],
  ]));
  const zScore = (fit.beta - 1 / T0) / fit.betaStdErr;
  log(`fitted T = ${fit.temperature.toFixed(5)} ± ${fit.temperatureStdErr.toFixed(5)} (Fisher), ` +
    `${fit.iterations} Newton passes; (β̂ − 1/T0)/SE = ${zScore.toFixed(2)}`);
  for (const [name, d] of [['before', before], ['after', after]] as const) {
    const f = join(opts.outDir, `reliability-${name}.svg`);
    writeFileSync(f, lk.reliabilityDiagramSvg(d, { title: `Reliability ${name} temperature scaling` }));
    files.push(f);
  }

  // ---- Part 2 ---------------------------------------------------------------------------------
  const K = 3, nIn = Math.max(60, Math.floor(n / 100)), nOut = nIn;
  const centres = [[2, 0], [-1, 1.7], [-1, -1.7]];
  const feat = (x1: number, x2: number) => [x1, x2, x1 * x1, x2 * x2, x1 * x2, 1];
  const F = 6;
  const noise = lk.sample.normal(2 * nIn, { mean: 0, std: 0.6 }, { rng });
  const ring = lk.sample.normal(2 * nOut, {}, { rng });
  const X = new Float64Array((nIn + nOut) * F);
  const labels = new Int32Array(nIn + nOut);
  const mask = new Uint8Array(nIn + nOut);
  for (let i = 0; i < nIn; i++) {
    const k = i % K;
    X.set(feat(centres[k][0] + noise[2 * i], centres[k][1] + noise[2 * i + 1]), i * F);
    labels[i] = k;
  }
  for (let i = 0; i < nOut; i++) {
    const a = Math.atan2(ring[2 * i + 1], ring[2 * i]), r = 4.5 + Math.abs(ring[2 * i]) ; // radius 4.5 … ~7
    X.set(feat(r * Math.cos(a), r * Math.sin(a)), (nIn + i) * F);
    labels[nIn + i] = -100; // ignored by the cross-entropy
    mask[nIn + i] = 1; // selected by klUniform
  }
  const rows = nIn + nOut, steps = opts.steps ?? 400, lr = 0.5;
  // Features scaled to unit RMS (the quadratic ones reach ~50 on the ring): plain gradient
  // descent then needs no tuning per β.
  for (let f = 0; f < F - 1; f++) {
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += X[i * F + f] ** 2;
    const inv = 1 / Math.sqrt(ss / rows);
    for (let i = 0; i < rows; i++) X[i * F + f] *= inv;
  }
  const confidence: CalibrationResults['confidence'] = [];
  for (const beta of [0, 0.1, 0.3, 1, 3]) {
    const W = new Float64Array(K * F);
    const logits = new Float32Array(rows * K), grad = new Float32Array(rows * K);
    const forward = () => {
      for (let i = 0; i < rows; i++) {
        for (let k = 0; k < K; k++) {
          let s = 0;
          for (let f = 0; f < F; f++) s += W[k * F + f] * X[i * F + f];
          logits[i * K + k] = s;
        }
      }
    };
    for (let step = 0; step < steps; step++) {
      forward();
      lk.softmaxCrossEntropy(logits, labels, { grad });
      if (beta > 0) lk.klUniform(logits, K, { beta, mask, grad, accumulate: true });
      for (let k = 0; k < K; k++) {
        for (let f = 0; f < F; f++) {
          let g = 0;
          for (let i = 0; i < rows; i++) g += grad[i * K + k] * X[i * F + f];
          W[k * F + f] -= lr * g;
        }
      }
    }
    forward();
    const h = lk.entropy(logits, K);
    const { prediction } = lk.confidence(logits, K);
    let acc = 0, hin = 0, hout = 0;
    for (let i = 0; i < nIn; i++) { acc += prediction[i] === labels[i] ? 1 : 0; hin += h[i]; }
    for (let i = nIn; i < rows; i++) hout += h[i];
    confidence.push({ beta, accuracy: acc / nIn, entropyIn: hin / nIn, entropyOut: hout / nOut });
  }
  log('');
  log(`Confidence loss CE(in) + β·KL(U‖p(out)): ${nIn} in-distribution rows (3 blobs), ${nOut} out-of-distribution rows (a ring); log 3 = ${Math.log(3).toFixed(4)}`);
  log(table(['β', 'in-dist accuracy', 'mean entropy (in)', 'mean entropy (out)'],
    confidence.map((r) => [r.beta, r.accuracy, r.entropyIn, r.entropyOut])));
  log('');
  log(`wrote ${files.join(', ')}`);
  return { plantedT: T0, fit, nllBefore, nllAfter, nllAtPlanted, eceBefore: before.ece, eceAfter: after.ece, confidence, files };
}

const argv1 = process.argv[1] ?? '';
if (/calibration\.(ts|mjs|js)$/.test(argv1) && argv1.includes('example')) {
  runCalibration({ outDir: process.argv[2] ?? 'examples/out', n: process.argv[3] ? Number(process.argv[3]) : undefined });
}
