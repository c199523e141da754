// The lecture's estimator comparison as a runnable study (README: "Calibration, confidence and
// VAE pieces").
//
// Part 1 — minimise F(θ) = E[z²], z ~ N(aθ + b, 1), a = 2, b = 3. The true gradient is
// ∇F = 2a(aθ + b). Two unbiased estimators from N draws:
//   REINFORCE (score function):  a·z²·(z − μ)        variance a²(μ⁴ + 14μ² + 15)
//   reparameterisation z = μ + ε: 2a(μ + ε)           variance 4a²
// (μ = aθ + b; the variances follow from the normal moments E[ε⁴] = 3, E[ε⁶] = 15.)
//
// Part 2 — a categorical latent: logits θ (K classes), reward f(k) = c_k; the true gradient
// of E[f] is p ⊙ (c − E[f]). Estimators per draw: REINFORCE f(k)(onehot(k) − p); the
// Gumbel-softmax relaxation f̃(y) = ⟨c, y⟩, y = softmax((θ + g)/τ), whose gradient
// softmaxBackward(y, c)/τ is biased (visible below, shrinking as τ → 0 while its variance grows);
// and sampling without replacement (Gumbel-top-k: a one-step stochastic beam search, Kool, van
// Hoof & Welling 2019) with the importance weights p_s / q_κ(s), q_κ(s) = 1 − exp(−exp(log p_s − κ)),
// κ the (k+1)-th largest perturbed log-probability: unbiased, lower variance than REINFORCE.
//
// Run: node scripts/run-example.mjs estimators [outDir] [n]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lk from '../lib/index.js';
import { chart, table } from './plot.js';

export interface EstimatorRow {
  theta: number;
  trueGrad: number;
  reinforceMean: number;
  reinforceVar: number;
  reinforceVarExact: number;
  reparamMean: number;
  reparamVar: number;
  reparamVarExact: number;
}

export interface CategoricalRow {
  estimator: string;
  /** Σ_k |E[ĝ_k] − ∇_k| over the classes (bias, from the sample mean) */
  bias: number;
  /** Σ_k Var[ĝ_k] per draw */
  variance: number;
  /** standard error of the bias estimate's components, summed */
  biasSE: number;
}

export interface EstimatorResults {
  gaussian: EstimatorRow[];
  categorical: CategoricalRow[];
  trueCategoricalGrad: number[];
  files: string[];
}

function meanVar(a: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i];
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - m) ** 2;
  return [m, v / (a.length - 1)];
}

export function runEstimators(opts: { outDir: string; n?: number; seed?: number; log?: (s: string) => void }): EstimatorResults {
  const n = opts.n ?? 100_000, log = opts.log ?? console.log;
  const rng = new lk.Rng(opts.seed ?? 2026);
  mkdirSync(opts.outDir, { recursive: true });
  const files: string[] = [];
  const a = 2, b = 3;

  // ---- Part 1: Gaussian, REINFORCE vs reparameterisation --------------------------------------
  const thetas = [-3, -2, -1.5, -1, 0, 1];
  const gaussian: EstimatorRow[] = [];
  for (const theta of thetas) {
    const mu = a * theta + b;
    const eps = lk.sample.normal(n, { mean: 0, std: 1 }, { rng });
    const rf = new Float64Array(n), rp = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const z = mu + eps[i]; // the same draws feed both estimators
      rf[i] = a * z * z * (z - mu);
      rp[i] = 2 * a * z;
    }
    const [rm, rv] = meanVar(rf), [pm, pv] = meanVar(rp);
    gaussian.push({
      theta, trueGrad: 2 * a * mu, reinforceMean: rm, reinforceVar: rv, reinforceVarExact: a * a * (mu ** 4 + 14 * mu * mu + 15),
      reparamMean: pm, reparamVar: pv, reparamVarExact: 4 * a * a,
    });
  }
  log(`Minimise E[z²], z ~ N(aθ + b, 1), a = ${a}, b = ${b}: gradient estimates from n = ${n} draws each`);
  log(table(
    ['θ', 'true 2a(aθ+b)', 'REINFORCE mean', 'var', 'var (exact)', 'reparam mean', 'var', 'var (exact)'],
    gaussian.map((r) => [r.theta, r.trueGrad, r.reinforceMean, r.reinforceVar, r.reinforceVarExact, r.reparamMean, r.reparamVar, r.reparamVarExact]),
  ));
  const sd = (v: number) => Math.sqrt(v);
  const f1 = join(opts.outDir, 'estimators-gaussian.svg');
  writeFileSync(f1, chart('Gradient of E[z²], z ~ N(2θ + 3, 1): one-draw spread (±1 sd)', 'θ', 'gradient estimate', [
    { name: 'true 2a(aθ + b)', color: '#222', x: thetas, y: gaussian.map((r) => r.trueGrad), line: true },
    { name: 'REINFORCE', color: '#d9534f', x: thetas, y: gaussian.map((r) => r.reinforceMean), err: gaussian.map((r) => sd(r.reinforceVar)), dx: -5 },
    { name: 'reparameterisation', color: '#3b6fb6', x: thetas, y: gaussian.map((r) => r.reparamMean), err: gaussian.map((r) => sd(r.reparamVar)), dx: 5 },
  ]));
  files.push(f1);

  // ---- Part 2: categorical latent -------------------------------------------------------------
  const K = 5;
  const theta = new Float32Array([1.0, 0.5, 0.0, -0.5, -1.0]);
  const c = [1.0, -0.5, 2.0, 0.3, -1.2];
  const p = lk.softmax(theta, K);
  const Ef = c.reduce((s, ck, k) => s + ck * p[k], 0);
  const trueGrad = Array.from(p, (pk, k) => pk * (c[k] - Ef));
  const rows = n;
  const batch = new Float32Array(rows * K);
  for (let r = 0; r < rows; r++) batch.set(theta, r * K);
  const categorical: CategoricalRow[] = [];
  const summarise = (name: string, est: Float64Array) => {
    let bias = 0, variance = 0, se = 0;
    for (let k = 0; k < K; k++) {
      const col = new Float64Array(rows);
      for (let r = 0; r < rows; r++) col[r] = est[r * K + k];
      const [m, v] = meanVar(col);
      bias += Math.abs(m - trueGrad[k]);
      variance += v;
      se += Math.sqrt(v / rows);
    }
    categorical.push({ estimator: name, bias, variance, biasSE: se });
  };
  // REINFORCE
  {
    const idx = lk.sampleCategorical(batch, K, { rng });
    const est = new Float64Array(rows * K);
    for (let r = 0; r < rows; r++) {
      const f = c[idx[r]];
      for (let k = 0; k < K; k++) est[r * K + k] = f * ((k === idx[r] ? 1 : 0) - p[k]);
    }
    summarise('REINFORCE', est);
  }
  // Gumbel-softmax at several τ
  const taus = [2, 1, 0.5, 0.25, 0.1];
  const dy = new Float32Array(rows * K);
  for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) dy[r * K + k] = c[k];
  for (const tau of taus) {
    const { y } = lk.gumbelSoftmax(batch, K, { tau, rng });
    const g = lk.softmaxBackward(y, dy, K);
    summarise(`Gumbel-softmax τ=${tau}`, Float64Array.from(g, (v) => v / tau));
  }
  // Sampling without replacement (Gumbel-top-k, k = 2 of 5) with importance weights
  {
    const kk = 2;
    const logp = lk.logSoftmax(batch, K);
    const { indices, perturbed } = lk.gumbelTopK(logp, K, kk + 1, { rng });
    const est = new Float64Array(rows * K);
    for (let r = 0; r < rows; r++) {
      const kappa = perturbed[r * (kk + 1) + kk];
      for (let j = 0; j < kk; j++) {
        const s = indices[r * (kk + 1) + j];
        const q = -Math.expm1(-Math.exp(logp[r * K + s] - kappa));
        const w = (p[s] / q) * c[s];
        for (let k = 0; k < K; k++) est[r * K + k] += w * ((k === s ? 1 : 0) - p[k]);
      }
    }
    summarise(`without replacement, k=${kk} (Kool et al.)`, est);
  }
  log('');
  log(`Categorical latent, K = ${K}, f(k) = c_k: true gradient p ⊙ (c − E[f]) = [${trueGrad.map((v) => v.toFixed(4)).join(', ')}]`);
  log(table(['estimator', 'Σ|bias|', '±SE', 'Σ variance'], categorical.map((r) => [r.estimator, r.bias, r.biasSE, r.variance])));
  const f2 = join(opts.outDir, 'estimators-categorical.svg');
  const gs = categorical.filter((r) => r.estimator.startsWith('Gumbel'));
  writeFileSync(f2, chart('Gumbel-softmax: bias and variance against τ (REINFORCE: unbiased)', 'τ', 'Σ|bias|,  √(Σ variance)', [
    { name: 'Gumbel-softmax Σ|bias|', color: '#d9534f', x: taus, y: gs.map((r) => r.bias), err: gs.map((r) => 2 * r.biasSE) },
    { name: 'Gumbel-softmax √Σvar', color: '#3b6fb6', x: taus, y: gs.map((r) => Math.sqrt(r.variance)), line: true },
    { name: 'REINFORCE √Σvar', color: '#222', x: taus, y: taus.map(() => Math.sqrt(categorical[0].variance)), line: true },
  ]));
  files.push(f2);
  log('');
  log(`wrote ${files.join(', ')}`);
  return { gaussian, categorical, trueCategoricalGrad: trueGrad, files };
}

const argv1 = process.argv[1] ?? '';
if (/estimators\.(ts|mjs|js)$/.test(argv1)) {
  runEstimators({ outDir: process.argv[2] ?? 'examples/out', n: process.argv[3] ? Number(process.argv[3]) : undefined });
}
