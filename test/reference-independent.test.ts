// Independent checks of the float64 reference itself: closed forms, hand-computed cases, known
// answers and distribution tests. Under LOGITKIT_BACKEND=js the native-vs-reference tests compare
// the reference with itself, so every reference function gets at least one check here that does
// not go through another logitkit function's output (besides the PyTorch fixtures and finite
// differences in the family tests).
import { describe, expect, test } from 'vitest';
import * as ref from '../lib/reference/index.js';
import { expectClose, expectSameArray } from './helpers.js';
import { expectKS } from './sampling-stats.js';

const f32 = (a: number[]) => new Float32Array(a);
const L3 = Math.log(3), L4 = Math.log(4);
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const close = (a: number, e: number, rel = 1e-6, abs = 1e-7) => expect(Math.abs(a - e), `${a} vs ${e}`).toBeLessThanOrEqual(abs + rel * Math.abs(e));

describe('softmax family: closed forms', () => {
  test('softmax / logSoftmax / logSumExp of [0, ln 3] (and τ = 2 of [0, 2 ln 3]), masks', () => {
    expectClose(ref.softmax(f32([0, L3, L3, 0]), 2), [0.25, 0.75, 0.75, 0.25], { ulps: 1 });
    expectClose(ref.softmax(f32([0, 2 * L3]), 2, { temperature: 2 }), [0.25, 0.75], { ulps: 1 });
    expectClose(ref.logSoftmax(f32([0, L3]), 2), [Math.log(0.25), Math.log(0.75)], { ulps: 1 });
    expectClose(ref.logSumExp(f32([0, L3, -Infinity, 5]), 2), [L4, 5], { ulps: 1 });
    expectSameArray(ref.softmax(f32([-Infinity, -Infinity, -Infinity, 1]), 2), [0, 0, 0, 1]);
    expectSameArray(ref.logSumExp(f32([-Infinity, -Infinity]), 2), [-Infinity]);
    expect(ref.softmax(f32([1, NaN]), 2).every(Number.isNaN)).toBe(true);
  });

  test('softmaxBackward: y ⊙ (dy − ⟨dy, y⟩) by hand', () => {
    // y = [1/4, 3/4], dy = [1, 0]: ⟨dy, y⟩ = 1/4, dx = [1/4 · 3/4, 3/4 · (−1/4)].
    expectClose(ref.softmaxBackward(f32([0.25, 0.75]), f32([1, 0]), 2), [3 / 16, -3 / 16], { ulps: 1 });
  });

  test('sigmoid, logSigmoid, softplus, logit at ln 3 and the ends', () => {
    expectClose(ref.sigmoid(f32([0, L3, -L3, 100, -200])), [0.5, 0.75, 0.25, 1, 0], { ulps: 1, abs: 1e-45 });
    expectClose(ref.logSigmoid(f32([L3, -100, 0])), [Math.log(0.75), -100, -Math.LN2], { ulps: 1 });
    expectClose(ref.softplus(f32([L3, 100, -100, 0])), [L4, 100, Math.exp(-100), Math.LN2], { ulps: 1 });
    expectClose(ref.logit(f32([0.75, 0.5, 0, 1])), [L3, 0, -Infinity, Infinity], { ulps: 1 });
    expect(Number.isNaN(ref.logit(f32([1.5]))[0])).toBe(true);
  });
});

describe('losses: hand-computed', () => {
  test('softmaxCrossEntropy: plain, label smoothing, z-loss, ignoreIndex, class weights', () => {
    const x = f32([0, L3]);
    let r = ref.softmaxCrossEntropy(x, new Int32Array([1]));
    close(r.loss as number, -Math.log(0.75));
    expectClose(r.grad!, [0.25, -0.25], { ulps: 1 });
    // eps = 0.5, C = 2: q = [1/4, 3/4] = p: the gradient vanishes, the loss is the entropy of q.
    r = ref.softmaxCrossEntropy(x, new Int32Array([1]), { labelSmoothing: 0.5 });
    close(r.loss as number, -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)));
    expectClose(r.grad!, [0, 0], { abs: 1e-7 });
    // z-loss λ·lse² with lse = ln 4: gradient + 2λ·lse·p.
    r = ref.softmaxCrossEntropy(x, new Int32Array([1]), { zLoss: 0.1 });
    close(r.loss as number, -Math.log(0.75) + 0.1 * L4 * L4);
    expectClose(r.grad!, [0.25 + 0.2 * L4 * 0.25, -0.25 + 0.2 * L4 * 0.75], { ulps: 2 });
    // ignoreIndex: the ignored row is excluded from the mean and has a zero gradient.
    r = ref.softmaxCrossEntropy(f32([0, L3, 5, 1]), new Int32Array([1, -100]));
    close(r.loss as number, -Math.log(0.75));
    expectClose(r.grad!, [0.25, -0.25, 0, 0], { ulps: 1 });
    // class weights: Σ w_y·loss / Σ w_y.
    r = ref.softmaxCrossEntropy(f32([0, L3, L3, 0]), new Int32Array([1, 1]), { classWeights: f32([1, 3]) });
    close(r.loss as number, (3 * -Math.log(0.75) + 3 * -Math.log(0.25)) / 6);
  });

  test('binaryCrossEntropyWithLogits: softplus forms, posWeight, targets in between', () => {
    const r = ref.binaryCrossEntropyWithLogits(f32([L3, L3, -L3]), f32([1, 0, 0.5]), { reduction: 'none' });
    expectClose(r.loss as Float32Array, [Math.log(4 / 3), L4, 0.5 * L4 + 0.5 * Math.log(4 / 3)], { ulps: 1 });
    expectClose(r.grad!, [-0.25, 0.75, -0.25], { ulps: 1 });
    // posWeight p on the positive term: p·t·softplus(−x) + (1 − t)·softplus(x); ∂ = (p·t + 1 − t)σ − p·t.
    const w = ref.binaryCrossEntropyWithLogits(f32([L3]), f32([1]), { reduction: 'sum', posWeight: 2 });
    close(w.loss as number, 2 * Math.log(4 / 3));
    expectClose(w.grad!, [2 * 0.75 - 2], { ulps: 1 });
  });

  test('nceLogits and nceLoss: s − log k − log q, softplus terms', () => {
    const s = f32([1, -0.5, 2]), lq = f32([-1, -2, -3]);
    expectClose(ref.nceLogits(s, lq, 2), [1 - Math.log(2) + 1, -0.5 - Math.log(2) + 2, 2 - Math.log(2) + 3], { ulps: 1 });
    // One row (k = 2): Δ = s − log(k q); loss = softplus(−Δ₀) + softplus(Δ₁) + softplus(Δ₂).
    const d = [0, 1, 2].map((i) => s[i] - Math.log(2) - lq[i]);
    const sp = (v: number) => Math.log1p(Math.exp(v));
    const r = ref.nceLoss(s, lq, 2, { reduction: 'sum' });
    close(r.loss as number, sp(-d[0]) + sp(d[1]) + sp(d[2]));
    expectClose(r.grad!, [sig(d[0]) - 1, sig(d[1]), sig(d[2])], { ulps: 2 });
  });

  test('skipGramStep: one pair, dim 2, a sampler that always draws word 1 (negative sampling)', () => {
    const input = f32([0.1, -0.2, 0.3, 0.4]), output = f32([0.5, 0.25, -0.3, 0.2]);
    const q = new ref.AliasSampler(new Float64Array([0, 1]));
    const lr = 0.5;
    const c = [input[0], input[1]], o0 = [output[0], output[1]], o1 = [output[2], output[3]];
    const s0 = c[0] * o0[0] + c[1] * o0[1], s1 = c[0] * o1[0] + c[1] * o1[1];
    const g0 = sig(s0) - 1, g1 = sig(s1);
    const noise = new Int32Array(1);
    const loss = ref.skipGramStep(input, output, 2, new Int32Array([0]), new Int32Array([0]), { sampler: q, negatives: 1, lr, seed: 1, noise });
    expect(noise[0]).toBe(1);
    close(loss, Math.log1p(Math.exp(-s0)) + Math.log1p(Math.exp(s1)));
    expectClose(input, [c[0] - lr * (g0 * o0[0] + g1 * o1[0]), c[1] - lr * (g0 * o0[1] + g1 * o1[1]), 0.3, 0.4], { ulps: 2 });
    expectClose(output, [o0[0] - lr * g0 * c[0], o0[1] - lr * g0 * c[1], o1[0] - lr * g1 * c[0], o1[1] - lr * g1 * c[1]], { ulps: 2 });
  });
});

describe('calibration: closed forms', () => {
  test('entropy, klUniform, confidence', () => {
    expectClose(ref.entropy(f32([0, 0, 0, 0, 0, L3, -Infinity, -Infinity]), 4), [L4, -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))], { ulps: 2 });
    // KL(U‖p) = −log C − mean log p: p = [1/4, 3/4].
    const kl = ref.klUniform(f32([0, L3]), 2, { reduction: 'none' });
    expectClose(kl.loss as Float32Array, [-Math.log(2) - 0.5 * (Math.log(0.25) + Math.log(0.75))], { ulps: 2 });
    expectClose(kl.grad!, [0.25 - 0.5, 0.75 - 0.5], { ulps: 1 });
    expectClose(ref.klUniform(f32([7, 7, 7]), 3, { reduction: 'none' }).loss as Float32Array, [0], { abs: 1e-7 });
    const c = ref.confidence(f32([0, L3, 2, 2]), 2);
    expectClose(c.confidence, [0.75, 0.5], { ulps: 1 });
    expectSameArray(c.prediction, [1, 0]);
  });

  test('temperatureNll and fitTemperature: two classes, the maximum-likelihood T in closed form', () => {
    // Rows [0, 2]: three labelled 1, one labelled 0. p(1) = σ(2/T); the MLE has σ(2/T) = 3/4,
    // so T = 2 / ln 3 and the mean NLL there is the entropy of (3/4, 1/4).
    const x = f32([0, 2, 0, 2, 0, 2, 0, 2]), y = new Int32Array([1, 1, 1, 0]);
    const T = 2 / L3;
    const nll = ref.temperatureNll(x, y, { temperature: T });
    close(nll.nll, -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 1e-6);
    expect(nll.count).toBe(4);
    close(nll.gradBeta, 0, 0, 1e-6);  // the optimum
    const f = ref.fitTemperatureInfo(x, y);
    expect(f.converged).toBe(true);
    close(f.temperature, T, 1e-5);
    close(ref.fitTemperature(x, y), T, 1e-5);
  });

  test('reliabilityDiagram and expectedCalibrationError: two rows at confidence 3/4, one right', () => {
    const x = f32([0, L3, 0, L3]), y = new Int32Array([1, 0]);
    const d = ref.reliabilityDiagram(x, y, { bins: 5 });
    expectSameArray(d.count, [0, 0, 0, 2, 0]);  // 0.75 lies in [0.6, 0.8)
    close(d.accuracy[3], 0.5);
    close(d.confidence[3], 0.75, 1e-6);
    close(d.ece, 0.25, 1e-6);
    close(ref.expectedCalibrationError(x, y, { bins: 5 }), 0.25, 1e-6);
    expect(d.total).toBe(2);
  });

  test('gaussianKL: ½(μ² + e^lv − 1 − lv), and the general form', () => {
    const r = ref.gaussianKL(f32([1, 0]), f32([0, Math.log(2)]), { reduction: 'none', dim: 1 });
    expectClose(r.loss as Float32Array, [0.5, 0.5 * (2 - 1 - Math.log(2))], { ulps: 2 });
    expectClose(r.gradMu!, [1, 0], { ulps: 1 });
    expectClose(r.gradLogVar!, [0, 0.5], { ulps: 1 });
    // KL(N(1, 1) ‖ N(0, e²)) = ½(lv2 − lv1 + (e^lv1 + Δμ²)/e^lv2 − 1) with lv2 = 2.
    const g = ref.gaussianKL(f32([1]), f32([0]), f32([0]), f32([2]), { reduction: 'sum' });
    close(g.loss as number, 0.5 * (2 + 2 * Math.exp(-2) - 1), 1e-6);
  });
});

describe('sampling: known answers and the Gumbel-max identities', () => {
  // Philox4x32-10, key (0, 0), counter 0 (Salmon et al. 2011): the first four words.
  const W = [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8];
  const U = W.map((w) => ((w >>> 9) + 0.5) * 2 ** -23);

  test('Rng: the Philox known answer and its uniforms', () => {
    expectSameArray(new ref.Rng(0).uint32(4), W);
    expectSameArray(new ref.Rng(0).uniform(4), U);
  });

  test('gumbel: the full-word Gumbel of those words (README, "Randomness"); loc and scale', () => {
    // E = −log u for w < 2³¹ with u = (w + ½)·2⁻³², else −log1p(−(2³² − w − ½)·2⁻³²); G = −log E.
    const G = W.map((w) => -Math.log(w < 2 ** 31 ? -Math.log((w + 0.5) * 2 ** -32) : -Math.log1p(-(2 ** 32 - w - 0.5) * 2 ** -32)));
    expectClose(ref.gumbel(4, { seed: 0 }), G, { ulps: 1 });
    expectClose(ref.gumbel(4, { seed: 0, loc: 1, scale: 2 }), G.map((g) => 1 + 2 * g), { ulps: 1 });
    expectClose(ref.sample.gumbel(4, { loc: 1, scale: 2 }, { seed: 0 }), G.map((g) => 1 + 2 * g), { ulps: 1 });
    // Close to −log(−log u) of the 23-bit uniforms (the same words, coarser resolution).
    expectClose(ref.gumbel(4, { seed: 0 }), U.map((u) => -Math.log(-Math.log(u))), { rel: 1e-5 });
  });

  test('sampleCategorical, gumbelTopK, gumbelSoftmax, truncatedGumbel from the same Gumbel words', () => {
    const x = f32([0.5, 1, -2, 3, 0.25, 0.75]), cols = 3;
    const g = Array.from(ref.gumbel(6, { seed: 5 }), Math.fround);
    const z = Array.from(x, (v, i) => v + g[i]);
    const am = (r: number) => [0, 1, 2].reduce((b, j) => (z[r * 3 + j] > z[r * 3 + b] ? j : b), 0);
    expectSameArray(ref.sampleCategorical(x, cols, { seed: 5 }), [am(0), am(1)]);
    const t = ref.gumbelTopK(x, cols, 3, { seed: 5 });
    for (let r = 0; r < 2; r++) {
      const order = [0, 1, 2].sort((a, b) => z[r * 3 + b] - z[r * 3 + a]);
      expectSameArray(t.indices.subarray(r * 3, r * 3 + 3), order, `row ${r}`);
    }
    const gs = ref.gumbelSoftmax(x, cols, { seed: 5, tau: 0.5 });
    for (let r = 0; r < 2; r++) {
      const e = [0, 1, 2].map((j) => Math.exp((z[r * 3 + j] - z[r * 3 + am(r)]) / 0.5));
      const s = e[0] + e[1] + e[2];
      expectClose(gs.y.subarray(r * 3, r * 3 + 3), e.map((v) => v / s), { ulps: 8, abs: 1e-7 });
    }
    expectSameArray(gs.index, [am(0), am(1)]);
    // Gumbel(loc) conditioned on ≤ T: −log(e^(−T) + e^(−G)).
    const g2 = ref.gumbel(2, { seed: 5 });
    expectClose(ref.truncatedGumbel(f32([0.5, 1]), 1.2, { seed: 5 }), [0.5, 1].map((l, i) => -Math.log(Math.exp(-1.2) + Math.exp(-(l + g2[i])))), { ulps: 4 });
  });

  test('sample.*: distribution tests against closed-form CDFs (KS, α = 0.001)', () => {
    const n = 20000, o = { seed: 20261207 };
    const erf = (v: number) => { // Abramowitz–Stegun 7.1.26 is too coarse; use the series / continued fraction via erfc
      const t = 1 / (1 + 0.5 * Math.abs(v));
      const y = 1 - t * Math.exp(-v * v - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
      return v >= 0 ? y : -y;
    };
    const Phi = (v: number) => 0.5 * (1 + erf(v / Math.SQRT2));
    expectKS(ref.sample.normal(n, { mean: 1, std: 2 }, o), (v) => Phi((v - 1) / 2), 'normal');
    expectKS(ref.sample.exponential(n, { rate: 2 }, o), (v) => (v <= 0 ? 0 : 1 - Math.exp(-2 * v)), 'exponential');
    expectKS(ref.sample.laplace(n, { loc: 1, scale: 0.5 }, o), (v) => (v < 1 ? 0.5 * Math.exp((v - 1) / 0.5) : 1 - 0.5 * Math.exp(-(v - 1) / 0.5)), 'laplace');
    expectKS(ref.sample.cauchy(n, { loc: -1, scale: 3 }, o), (v) => 0.5 + Math.atan((v + 1) / 3) / Math.PI, 'cauchy');
    expectKS(ref.sample.logNormal(n, { mean: 0.5, std: 0.3 }, o), (v) => (v <= 0 ? 0 : Phi((Math.log(v) - 0.5) / 0.3)), 'logNormal');
    expectKS(ref.sample.gumbel(n, { loc: 1, scale: 2 }, o), (v) => Math.exp(-Math.exp(-(v - 1) / 2)), 'sample.gumbel');
    // gamma(2, rate 1): CDF 1 − e^(−x)(1 + x); inverseGamma(1, scale 2): CDF e^(−2/x).
    expectKS(ref.sample.gamma(n, { shape: 2, rate: 1 }, o), (v) => (v <= 0 ? 0 : 1 - Math.exp(-v) * (1 + v)), 'gamma');
    expectKS(ref.sample.inverseGamma(n, { shape: 1, scale: 2 }, o), (v) => (v <= 0 ? 0 : Math.exp(-2 / v)), 'inverseGamma');
    const rad = ref.sample.rademacher(n, {}, o);
    expect(rad.every((v) => v === 1 || v === -1)).toBe(true);
    expect(Math.abs(rad.reduce((a, b) => a + b, 0))).toBeLessThan(5 * Math.sqrt(n));
    // multivariateNormal: x = μ + L z; the whitened L⁻¹(x − μ) coordinates are standard normal.
    const mvn = ref.sample.multivariateNormal(n, { mean: f32([1, -2]), scaleTril: f32([2, 0, 0.5, 1.5]) }, o);
    const z0 = Float64Array.from({ length: n }, (_, i) => (mvn[2 * i] - 1) / 2);
    const z1 = Float64Array.from({ length: n }, (_, i) => (mvn[2 * i + 1] + 2 - 0.5 * z0[i]) / 1.5);
    expectKS(z0, Phi, 'mvn z0');
    expectKS(z1, Phi, 'mvn z1');
    let c = 0;
    for (let i = 0; i < n; i++) c += z0[i] * z1[i];
    expect(Math.abs(c / n)).toBeLessThan(5 / Math.sqrt(n));
  });

  test('AliasSampler and unigramNoise: probabilities, log-probabilities, frequencies', () => {
    const u = ref.unigramNoise(new Float64Array([16, 1, 0, 81]), 0.75);
    expectClose(u, [8 / 36, 1 / 36, 0, 27 / 36], { rel: 1e-15 });
    const q = new ref.AliasSampler(new Float64Array([1, 2, 3, 0, 4]));
    expectClose(q.probabilities, [0.1, 0.2, 0.3, 0, 0.4], { rel: 1e-15 });
    expectClose(q.logNoise, [0.1, 0.2, 0.3, 0, 0.4].map(Math.log), { ulps: 1 });
    const d = q.sample(40000, { seed: 3 });
    const counts = [0, 0, 0, 0, 0];
    for (const w of d) counts[w]++;
    expect(counts[3]).toBe(0);
    for (let i = 0; i < 5; i++) expect(Math.abs(counts[i] - 40000 * q.probabilities[i])).toBeLessThan(5 * Math.sqrt(40000 * 0.25) + 1);
    expectClose(q.logProb(new Int32Array([0, 4])), [Math.log(0.1), Math.log(0.4)], { rel: 1e-15 });
  });
});

describe('decoding and beam search: hand cases', () => {
  test('sampleNext: greedy is the argmax; processors by hand; decoder keeps histories', () => {
    const x = f32([0, 2, 1, 5, -1, 4]);
    expectSameArray(ref.sampleNext(x, 3, { temperature: 0 }), [1, 0]);
    // bannedTokens and a logit bias move the greedy choice; repetition penalty divides a positive logit.
    expectSameArray(ref.sampleNext(x, 3, { temperature: 0, bannedTokens: [1, 0] }), [2, 2]);
    expectSameArray(ref.sampleNext(x, 3, { temperature: 0, logitBias: { 0: -10, 2: 1.5 } }), [2, 2]);
    expectSameArray(ref.sampleNext(x, 3, { temperature: 0, repetitionPenalty: 4, previousTokens: [[1], [0]] }), [2, 2]);
    // topK 1 with sampling is greedy; the log-probability of the only kept token is 0.
    const r = ref.sampleNext(x, 3, { topK: 1, seed: 1, returnLogProbs: true });
    expectSameArray(r.tokens, [1, 0]);
    expectSameArray(r.logProbs, [0, 0]);
    // logProbs at temperature 1 without truncation: log softmax at the token.
    const t = ref.sampleNext(f32([0, L3]), 2, { seed: 4, returnLogProbs: true });
    close(t.logProbs[0], Math.log(t.tokens[0] === 1 ? 0.75 : 0.25));
    const dec = ref.decoder({ temperature: 0, prompt: [[2]] });
    expectSameArray(dec.next(f32([0, 2, 1]), 3), [1]);
    expect(dec.histories).toEqual([[2, 1]]);
  });

  test('beamSearch: k = 1 on a two-token model is greedy; inclusion probability 1 − exp(−exp(φ − κ))', async () => {
    // Token 1 then eos (0): log p = log 0.75 + log 0.9.
    const model = (prefixes: Int32Array[]) => {
      const out = new Float32Array(prefixes.length * 2);
      prefixes.forEach((p, r) => {
        const pe = p.length === 1 ? 0.25 : 0.9;
        out[r * 2] = Math.log(pe);
        out[r * 2 + 1] = Math.log(1 - pe);
      });
      return out;
    };
    const b = await ref.beamSearch({ k: 1, maxLength: 3, start: 1, eos: 0, vocab: 2, logProbs: model });
    expectSameArray(b.sequences[0], [1, 0]);  // the tokens after start
    close(b.logProbs[0], Math.log(0.75) + Math.log(0.9), 1e-6);
    close(ref.inclusionProbability(-1, -2), -Math.expm1(-Math.exp(1)), 1e-15);
    close(ref.logInclusionProbability(-1, -2), Math.log(-Math.expm1(-Math.exp(1))), 1e-15);
  });
});
