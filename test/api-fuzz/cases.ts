// API fuzzing cases: every exported function and class of logitkit, called with valid arguments
// and then with each argument (and each option) replaced by a hostile value: wrong types, wrong
// lengths, out-of-range indices and labels, detached buffers, SharedArrayBuffer-backed arrays,
// subarray views at odd offsets, Proxies and objects with Float32Array's prototype, frozen and
// proxied option objects, getters that throw, huge k, negative and non-integer sizes, sizes above
// 2³¹. Run in child processes by test/api-fuzz.test.ts (runner.ts), so a crash fails a case
// instead of killing the test runner.
import * as lk from '../../lib/index.js';

// 'typed': a typed array where other types may be accepted too (Float64Array weights, Uint8Array masks).
export type Kind = 'f32' | 'i32' | 'count' | 'num' | 'opts' | 'fn' | 'any' | 'rng' | 'typed';
export interface Spec {
  id?: string;                        // unique id when one function has several specs (default: name)
  name: string;                       // the function as the message must name it (fn: ...)
  kinds: Kind[];                      // per argument
  names: string[];                    // per argument, the name the message must contain
  args: () => any[];                  // fresh valid arguments
  call: (a: any[]) => unknown;        // may return a promise
  optionKeys?: Record<string, Kind>;  // for the options argument (last 'opts')
  cudaErrors?: RegExp;                // codes that may come as a plain Error (the CUDA errors, README "CUDA")
}
export interface Case { spec: string; what: string; arg: number; key?: string; expect: 'either' | 'throw' | 'ok'; make: () => any[]; getterError?: Error }

/**
 * A CudaArray over a host-memory stand-in for the driver (no GPU here): download / free run as
 * documented on it, so their argument checks are exercised.
 */
function fakeDriver() {
  return {
    info: () => ({ available: true }),
    alloc: (bytes: number) => ({ bytes: new ArrayBuffer(Math.max(bytes, 4)), freed: false }),
    free: (h: { freed: boolean }) => { if (h.freed) throw new Error('double free'); h.freed = true; },
    copy: (h: { bytes: ArrayBuffer }, host: ArrayBufferView, toDevice: boolean) => {
      const dev = new Uint8Array(h.bytes, 0, host.byteLength), hv = new Uint8Array(host.buffer, host.byteOffset, host.byteLength);
      if (toDevice) dev.set(hv); else hv.set(dev);
    },
    run: () => { throw new Error('no kernels on the stand-in driver'); },
  };
}
function fakeDeviceArray(): unknown {
  return new (lk.CudaArray as any)(fakeDriver(), 'float32', 4);
}

const f32 = (n: number, v = 0.25) => new Float32Array(n).map((_, i) => v + (i % 7) * 0.5 - 1);
const i32 = (a: number[]) => new Int32Array(a);

/** A marker the throwing getters raise: seeing it again (not an engine error) is acceptable. */
export const GETTER_ERROR = new Error('getter that throws (api-fuzz marker)');

const toy = (vocab: number) => (prefixes: Int32Array[]) => {
  const out = new Float32Array(prefixes.length * vocab);
  // Token 0 (eos) is likely, so every search ends within a few steps.
  prefixes.forEach((p, r) => { for (let j = 0; j < vocab; j++) out[r * vocab + j] = j === 0 ? 3 : Math.sin(p.length * 7 + j * 3 + r); });
  return out;
};

export const SPECS: Spec[] = [];
const X = () => f32(10);
for (const name of ['softmax', 'logSoftmax', 'softmaxAsync', 'logSoftmaxAsync'] as const) {
  SPECS.push({ name, kinds: ['f32', 'count', 'opts'], names: ['x', 'cols', 'options'], args: () => [X(), 5, { temperature: 1, out: f32(10, 9) }],
    call: (a) => (lk as any)[name](...a), optionKeys: { temperature: 'num', out: 'f32' } });
}
SPECS.push({ name: 'logSumExp', kinds: ['f32', 'count', 'opts'], names: ['x', 'cols', 'options'], args: () => [X(), 5, { temperature: 2, out: f32(2, 9) }],
  call: (a) => lk.logSumExp(a[0], a[1], a[2]), optionKeys: { temperature: 'num', out: 'f32' } });
SPECS.push({ name: 'softmaxBackward', kinds: ['f32', 'f32', 'count', 'opts'], names: ['y', 'dy', 'cols', 'options'], args: () => [f32(10, 0.1), X(), 5, { out: f32(10, 9) }],
  call: (a) => lk.softmaxBackward(a[0], a[1], a[2], a[3]), optionKeys: { out: 'f32' } });
for (const name of ['sigmoid', 'logSigmoid', 'softplus', 'logit'] as const) {
  SPECS.push({ name, kinds: ['f32', 'opts'], names: [name === 'logit' ? 'p' : 'x', 'options'], args: () => [f32(10, 0.3).map(Math.abs), { out: f32(10, 9) }],
    call: (a) => (lk as any)[name](a[0], a[1]), optionKeys: { out: 'f32' } });
}
for (const name of ['softmaxCrossEntropy', 'softmaxCrossEntropyAsync'] as const) {
  SPECS.push({ name, kinds: ['f32', 'i32', 'opts'], names: ['logits', 'labels', 'options'],
    args: () => [X(), i32([1, 3]), { reduction: 'mean', cols: 5, ignoreIndex: -100, labelSmoothing: 0.1, classWeights: f32(5, 2), zLoss: 1e-4, grad: f32(10, 9) }],
    call: (a) => (lk as any)[name](a[0], a[1], a[2]),
    optionKeys: { reduction: 'any', cols: 'count', ignoreIndex: 'num', labelSmoothing: 'num', classWeights: 'f32', zLoss: 'num', grad: 'any' } });
}
SPECS.push({ name: 'binaryCrossEntropyWithLogits', kinds: ['f32', 'f32', 'opts'], names: ['logits', 'targets', 'options'],
  args: () => [X(), f32(10, 0.5).map((v) => Math.min(1, Math.abs(v))), { reduction: 'sum', posWeight: f32(5, 2), grad: f32(10, 9) }],
  call: (a) => lk.binaryCrossEntropyWithLogits(a[0], a[1], a[2]), optionKeys: { reduction: 'any', posWeight: 'any', grad: 'f32' } });
for (const name of ['topk', 'topkAsync'] as const) {
  SPECS.push({ name, kinds: ['f32', 'count', 'count', 'opts'], names: ['x', 'cols', 'k', 'options'],
    args: () => [X(), 5, 2, { largest: true, sorted: true, out: { values: f32(4, 9), indices: i32([7, 7, 7, 7]) } }],
    call: (a) => (lk as any)[name](a[0], a[1], a[2], a[3]), optionKeys: { largest: 'any', sorted: 'any', out: 'any' } });
}
SPECS.push({ name: 'argmax', kinds: ['f32', 'count', 'opts'], names: ['x', 'cols', 'options'], args: () => [X(), 5, { out: i32([7, 7]) }],
  call: (a) => lk.argmax(a[0], a[1], a[2]), optionKeys: { out: 'i32' } });
SPECS.push({ name: 'gumbel', kinds: ['count', 'opts'], names: ['n', 'options'], args: () => [10, { seed: 1, loc: 0, scale: 1, out: f32(10, 9) }],
  call: (a) => lk.gumbel(a[0], a[1]), optionKeys: { seed: 'any', loc: 'num', scale: 'num', out: 'f32' } });
SPECS.push({ name: 'truncatedGumbel', kinds: ['f32', 'any', 'opts'], names: ['loc', 'T', 'options'], args: () => [X(), 0.5, { seed: 1, out: f32(10, 9) }],
  call: (a) => lk.truncatedGumbel(a[0], a[1], a[2]), optionKeys: { seed: 'any', out: 'f32' } });
SPECS.push({ name: 'sampleCategorical', kinds: ['f32', 'count', 'opts'], names: ['logits', 'cols', 'options'], args: () => [X(), 5, { seed: 1, temperature: 1, out: i32([7, 7]) }],
  call: (a) => lk.sampleCategorical(a[0], a[1], a[2]), optionKeys: { seed: 'any', temperature: 'num', out: 'i32' } });
SPECS.push({ id: 'sampleCategorical#rng', name: 'sampleCategorical', kinds: ['f32', 'count', 'opts'], names: ['logits', 'cols', 'options'], args: () => [X(), 5, { rng: new lk.Rng(3) }],
  call: (a) => lk.sampleCategorical(a[0], a[1], a[2]), optionKeys: { rng: 'rng' } });
SPECS.push({ name: 'gumbelSoftmax', kinds: ['f32', 'count', 'opts'], names: ['logits', 'cols', 'options'], args: () => [X(), 5, { seed: 1, tau: 1, hard: false, out: f32(10, 9) }],
  call: (a) => lk.gumbelSoftmax(a[0], a[1], a[2]), optionKeys: { seed: 'any', tau: 'num', hard: 'any', out: 'f32' } });
SPECS.push({ name: 'gumbelTopK', kinds: ['f32', 'count', 'count', 'opts'], names: ['logits', 'cols', 'k', 'options'], args: () => [X(), 5, 2, { seed: 1 }],
  call: (a) => lk.gumbelTopK(a[0], a[1], a[2], a[3]), optionKeys: { seed: 'any' } });
const SAMPLERS: [string, Record<string, number>][] = [['normal', { mean: 0, std: 1 }], ['exponential', { rate: 2 }], ['laplace', { loc: 0, scale: 1 }],
  ['cauchy', { loc: 0, scale: 1 }], ['logNormal', { mean: 0, std: 1 }], ['rademacher', {}], ['gamma', { shape: 2, rate: 1 }], ['inverseGamma', { shape: 2, scale: 1 }]];
for (const [s, p] of SAMPLERS) {
  SPECS.push({ name: `sample.${s}`, kinds: ['count', 'any', 'opts'], names: ['n', 'params', 'options'], args: () => [10, { ...p }, { seed: 1, out: f32(10, 9) }],
    call: (a) => (lk.sample as any)[s](a[0], a[1], a[2]), optionKeys: { seed: 'any', out: 'f32' } });
}
for (const name of ['beamSearch', 'stochasticBeamSearch'] as const) {
  SPECS.push({ name, kinds: ['opts'], names: ['options'],
    args: () => [{ k: 2, maxLength: 3, start: 1, eos: 0, logProbs: toy(6), normalize: true, vocab: 6, ...(name === 'stochasticBeamSearch' ? { seed: 1 } : {}) }],
    call: (a) => (lk as any)[name](a[0]),
    optionKeys: { k: 'count', maxLength: 'count', start: 'any', eos: 'num', logProbs: 'fn', normalize: 'any', vocab: 'count', ...(name === 'stochasticBeamSearch' ? { seed: 'any' } : {}) } });
}
SPECS.push({ name: 'inclusionProbability', kinds: ['num', 'num'], names: ['logProb', 'threshold'], args: () => [-1, -2], call: (a) => lk.inclusionProbability(a[0], a[1]) });
SPECS.push({ name: 'logInclusionProbability', kinds: ['num', 'num'], names: ['logProb', 'threshold'], args: () => [-1, -2], call: (a) => lk.logInclusionProbability(a[0], a[1]) });
SPECS.push({ name: 'sbsEstimate', kinds: ['any', 'any'], names: ['result', 'f'],
  args: () => [{ sequences: [i32([1, 0]), i32([2, 0])], logProbs: new Float64Array([-1, -2]), perturbed: new Float64Array([0, -1]), threshold: -3, steps: 2 }, [1, 2]],
  call: (a) => lk.sbsEstimate(a[0], a[1]) });
SPECS.push({ name: 'setThreads', kinds: ['count'], names: ['n'], args: () => [1], call: (a) => lk.setThreads(a[0]) });
SPECS.push({ name: 'Rng', kinds: ['any'], names: ['seed'], args: () => [7], call: (a) => new lk.Rng(a[0]) });
SPECS.push({ name: 'advance', kinds: ['any'], names: ['blocks'], args: () => [3], call: (a) => new lk.Rng(1).advance(a[0]) });
SPECS.push({ name: 'reserve', kinds: ['count'], names: ['draws'], args: () => [3], call: (a) => new lk.Rng(1).reserve(a[0]) });
SPECS.push({ name: 'uniform', kinds: ['count', 'opts'], names: ['n', 'options'], args: () => [10, { out: f32(10, 9) }], call: (a) => new lk.Rng(1).uniform(a[0], a[1]), optionKeys: { out: 'f32' } });
SPECS.push({ name: 'uint32', kinds: ['count', 'opts'], names: ['n', 'options'], args: () => [10, { out: new Uint32Array(10).fill(9) }], call: (a) => new lk.Rng(1).uint32(a[0], a[1]), optionKeys: { out: 'any' } });

// sample.gumbel and sample.multivariateNormal (the sampling family's later additions).
SPECS.push({ name: 'sample.gumbel', kinds: ['count', 'any', 'opts'], names: ['n', 'params', 'options'], args: () => [10, { loc: 0, scale: 2 }, { seed: 1, out: f32(10, 9) }],
  call: (a) => lk.sample.gumbel(a[0], a[1], a[2]), optionKeys: { seed: 'any', out: 'f32' } });
SPECS.push({ name: 'sample.multivariateNormal', kinds: ['count', 'any', 'opts'], names: ['n', 'params', 'options'],
  args: () => [3, { mean: new Float32Array([0, 1]), scaleTril: new Float32Array([1, 0, 0.5, 2]) }, { seed: 1, out: f32(6, 9) }],
  call: (a) => lk.sample.multivariateNormal(a[0], a[1], a[2]), optionKeys: { seed: 'any', out: 'f32' } });
SPECS.push({ id: 'sample.multivariateNormal#params', name: 'sample.multivariateNormal', kinds: ['count', 'opts', 'opts'], names: ['n', 'params', 'options'],
  args: () => [3, { mean: new Float32Array([0, 1]), scaleTril: new Float32Array([1, 0, 0.5, 2]) }, { seed: 1 }],
  call: (a) => lk.sample.multivariateNormal(a[0], a[1], a[2]), optionKeys: { mean: 'f32', scaleTril: 'f32' } });

// nce: scores are rows of 1 + k (k = 2 here: 2 rows of 3).
SPECS.push({ name: 'nceLogits', kinds: ['f32', 'any', 'count', 'opts'], names: ['scores', 'logNoise', 'k', 'options'],
  args: () => [f32(6), f32(6, -2), 2, { out: f32(6, 9) }], call: (a) => lk.nceLogits(a[0], a[1], a[2], a[3]), optionKeys: { out: 'f32' } });
SPECS.push({ id: 'nceLogits#null', name: 'nceLogits', kinds: ['f32', 'any', 'count', 'opts'], names: ['scores', 'logNoise', 'k', 'options'],
  args: () => [f32(6), null, 5, {}], call: (a) => lk.nceLogits(a[0], a[1], a[2], a[3]) });
SPECS.push({ name: 'nceLoss', kinds: ['f32', 'any', 'count', 'opts'], names: ['scores', 'logNoise', 'k', 'options'],
  args: () => [f32(6), f32(6, -2), 2, { reduction: 'mean', grad: f32(6, 9) }], call: (a) => lk.nceLoss(a[0], a[1], a[2], a[3]),
  optionKeys: { reduction: 'any', grad: 'any' } });
const sampler = () => new lk.AliasSampler(new Float64Array([5, 3, 1, 1]));
SPECS.push({ name: 'skipGramStep', kinds: ['f32', 'f32', 'count', 'i32', 'i32', 'opts'], names: ['input', 'output', 'dim', 'centre', 'context', 'options'],
  args: () => [f32(8, 0.1), f32(8, 0.2), 2, i32([0, 1, 3]), i32([1, 2, 0]), { sampler: sampler(), negatives: 2, lr: 0.025, objective: 'nce', mode: 'deterministic', seed: 1, noise: i32([7, 7, 7, 7, 7, 7]) }],
  call: (a) => lk.skipGramStep(a[0], a[1], a[2], a[3], a[4], a[5]),
  optionKeys: { sampler: 'any', negatives: 'count', lr: 'num', objective: 'any', mode: 'any', seed: 'any', noise: 'i32' } });
SPECS.push({ name: 'AliasSampler', kinds: ['typed'], names: ['weights'], args: () => [new Float64Array([5, 3, 0, 1])], call: (a) => new lk.AliasSampler(a[0]) });
SPECS.push({ id: 'AliasSampler#f32', name: 'AliasSampler', kinds: ['typed'], names: ['weights'], args: () => [new Float32Array([5, 3, 0, 1])], call: (a) => new lk.AliasSampler(a[0]) });
for (const m of ['sample', 'sampleAsync'] as const) {
  SPECS.push({ name: `AliasSampler.${m}`, kinds: ['count', 'opts'], names: ['n', 'options'], args: () => [10, { seed: 1, out: new Int32Array(10).fill(9) }],
    call: (a) => sampler()[m](a[0], a[1]), optionKeys: { seed: 'any', out: 'i32' } });
  SPECS.push({ id: `AliasSampler.${m}#rng`, name: `AliasSampler.${m}`, kinds: ['count', 'opts'], names: ['n', 'options'], args: () => [10, { rng: new lk.Rng(2) }],
    call: (a) => sampler()[m](a[0], a[1]), optionKeys: { rng: 'rng' } });
}
SPECS.push({ name: 'AliasSampler.logProb', kinds: ['i32'], names: ['indices'], args: () => [i32([0, 3, 1])], call: (a) => sampler().logProb(a[0]) });
SPECS.push({ name: 'unigramNoise', kinds: ['typed', 'num'], names: ['counts', 'power'], args: () => [new Float64Array([50, 20, 5, 1]), 0.75], call: (a) => lk.unigramNoise(a[0], a[1]) });
SPECS.push({ id: 'unigramNoise#array', name: 'unigramNoise', kinds: ['any'], names: ['counts'], args: () => [[50, 20, 0, 1]], call: (a) => lk.unigramNoise(a[0]) });

// calibration: logits 2 rows × 5.
SPECS.push({ name: 'entropy', kinds: ['f32', 'count', 'opts'], names: ['logits', 'cols', 'options'], args: () => [X(), 5, { temperature: 1.5, out: f32(2, 9) }],
  call: (a) => lk.entropy(a[0], a[1], a[2]), optionKeys: { temperature: 'num', out: 'f32' } });
SPECS.push({ name: 'klUniform', kinds: ['f32', 'count', 'opts'], names: ['logits', 'cols', 'options'],
  args: () => [X(), 5, { reduction: 'sum', grad: f32(10, 9), beta: 0.5, mask: new Uint8Array([1, 0]), accumulate: true }],
  call: (a) => lk.klUniform(a[0], a[1], a[2]), optionKeys: { reduction: 'any', grad: 'any', beta: 'num', mask: 'typed', accumulate: 'any' } });
SPECS.push({ name: 'temperatureNll', kinds: ['f32', 'i32', 'opts'], names: ['logits', 'labels', 'options'], args: () => [X(), i32([1, -100]), { temperature: 2, ignoreIndex: -100 }],
  call: (a) => lk.temperatureNll(a[0], a[1], a[2]), optionKeys: { temperature: 'num', ignoreIndex: 'num' } });
for (const name of ['fitTemperature', 'fitTemperatureInfo'] as const) {
  SPECS.push({ name, kinds: ['f32', 'i32', 'opts'], names: ['logits', 'labels', 'options'], args: () => [X(), i32([1, 3]), { maxIter: 20, tol: 1e-6, ignoreIndex: -1 }],
    call: (a) => lk[name](a[0], a[1], a[2]), optionKeys: { maxIter: 'count', tol: 'num', ignoreIndex: 'num' } });
}
SPECS.push({ name: 'confidence', kinds: ['f32', 'count', 'opts'], names: ['logits', 'cols', 'options'], args: () => [X(), 5, { temperature: 1, out: f32(2, 9), prediction: i32([7, 7]) }],
  call: (a) => lk.confidence(a[0], a[1], a[2]), optionKeys: { temperature: 'num', out: 'f32', prediction: 'i32' } });
for (const name of ['reliabilityDiagram', 'expectedCalibrationError'] as const) {
  SPECS.push({ name, kinds: ['f32', 'i32', 'opts'], names: ['logits', 'labels', 'options'], args: () => [X(), i32([1, 4]), { bins: 4, temperature: 1.2, ignoreIndex: -100 }],
    call: (a) => lk[name](a[0], a[1], a[2]), optionKeys: { bins: 'count', temperature: 'num', ignoreIndex: 'num' } });
}
SPECS.push({ name: 'gaussianKL', kinds: ['f32', 'f32', 'opts'], names: ['mu', 'logVar', 'options'], args: () => [f32(6), f32(6, -1), { reduction: 'sum', dim: 3, grad: true }],
  call: (a) => lk.gaussianKL(a[0], a[1], a[2]), optionKeys: { reduction: 'any', dim: 'count', grad: 'any' } });
SPECS.push({ id: 'gaussianKL#general', name: 'gaussianKL', kinds: ['f32', 'f32', 'f32', 'f32', 'opts'], names: ['mu', 'logVar', 'mu2', 'logVar2', 'options'],
  args: () => [f32(6), f32(6, -1), f32(6, 0.5), f32(6, 0.1), { reduction: 'none', dim: 2, grad: false }],
  call: (a) => lk.gaussianKL(a[0], a[1], a[2], a[3], a[4]), optionKeys: { reduction: 'any', dim: 'count', grad: 'any' } });
SPECS.push({ name: 'reliabilityDiagramSvg', kinds: ['any', 'opts'], names: ['diagram', 'options'],
  args: () => [lk.reliabilityDiagram(X(), i32([1, 4]), { bins: 4 }), { title: 'a <b> & "c"', width: 300, height: 200 }],
  call: (a) => lk.reliabilityDiagramSvg(a[0], a[1]), optionKeys: { title: 'any', width: 'num', height: 'num' } });

// decoding
const DECODE_OPTS = { temperature: 'num', topK: 'count', topP: 'num', minP: 'num', repetitionPenalty: 'num', presencePenalty: 'num', frequencyPenalty: 'num',
  logitBias: 'any', bannedTokens: 'typed', seed: 'any' } as const;
SPECS.push({ name: 'sampleNext', kinds: ['f32', 'count', 'opts'], names: ['logits', 'cols', 'options'],
  args: () => [X(), 5, { temperature: 0.8, topK: 3, topP: 0.9, minP: 0.05, repetitionPenalty: 1.1, presencePenalty: 0.1, frequencyPenalty: 0.2,
    logitBias: { tokens: i32([1, 2]), values: [0.5, -1] }, bannedTokens: i32([4]), seed: 1, previousTokens: [i32([1, 1]), [2]], out: i32([7, 7]), topLogProbs: 2 }],
  call: (a) => lk.sampleNext(a[0], a[1], a[2]), optionKeys: { ...DECODE_OPTS, previousTokens: 'any', out: 'i32', returnLogProbs: 'any', topLogProbs: 'count' } });
SPECS.push({ id: 'sampleNext#rng', name: 'sampleNext', kinds: ['f32', 'count', 'opts'], names: ['logits', 'cols', 'options'],
  args: () => [X(), 5, { rng: new lk.Rng(3), previousTokens: { tokens: i32([1, 2, 2]), offsets: i32([0, 1, 3]) }, logitBias: new Map([[0, 1]]) }],
  call: (a) => lk.sampleNext(a[0], a[1], a[2]), optionKeys: { rng: 'rng', previousTokens: 'any', logitBias: 'any' } });
SPECS.push({ id: 'sampleNext#rngs', name: 'sampleNext', kinds: ['f32', 'count', 'opts'], names: ['logits', 'cols', 'options'],
  args: () => [X(), 5, { rngs: [new lk.Rng(1), new lk.Rng(2)], logitBias: { 3: 2 } }],
  call: (a) => lk.sampleNext(a[0], a[1], a[2]), optionKeys: { rngs: 'any', logitBias: 'any' } });
SPECS.push({ name: 'decoder', kinds: ['opts'], names: ['options'],
  args: () => [{ temperature: 0.7, topK: 3, topP: 0.9, minP: 0, repetitionPenalty: 1.1, presencePenalty: 0, frequencyPenalty: 0.1,
    logitBias: { 1: 0.5 }, bannedTokens: [4], seed: 1, prompt: [[1, 2], i32([3])] }],
  call: (a) => { const d = lk.decoder(a[0]); d.next(X(), 5); return d.next(X(), 5); }, optionKeys: { ...DECODE_OPTS, prompt: 'any' } });
SPECS.push({ name: 'decoder.next', kinds: ['f32', 'count'], names: ['logits', 'cols'], args: () => [X(), 5],
  call: (a) => lk.decoder({ seed: 1, prompt: [[1], [2]] }).next(a[0], a[1]) });

// The CUDA host API. Without a GPU (this machine and CI): every call either runs on the CPU as
// documented or throws; the CUDA errors are an Error with an ERR_LOGITKIT_CUDA_* code (README,
// "CUDA"), everything else TypeError / RangeError with a code.
const CUDA_ERR = /^ERR_LOGITKIT_CUDA_/;
SPECS.push({ name: 'cuda.upload', kinds: ['f32'], names: ['x'], args: () => [f32(10)], call: (a) => lk.cuda.upload(a[0]), cudaErrors: CUDA_ERR });
SPECS.push({ id: 'cuda.upload#u32', name: 'cuda.upload', kinds: ['typed'], names: ['x'], args: () => [new Uint32Array(4)], call: (a) => lk.cuda.upload(a[0]), cudaErrors: CUDA_ERR });
SPECS.push({ name: 'cuda.download', kinds: ['any', 'any'], names: ['x', 'out'], args: () => [fakeDeviceArray(), f32(4, 9)], call: (a) => lk.cuda.download(a[0], a[1]), cudaErrors: CUDA_ERR });
SPECS.push({ name: 'cuda.free', kinds: ['any'], names: ['x'], args: () => [fakeDeviceArray()], call: (a) => lk.cuda.free(a[0]), cudaErrors: CUDA_ERR });
SPECS.push({ name: 'cuda.info', kinds: [], names: [], args: () => [], call: () => {
  const i = lk.cuda.info();
  if (typeof i.available !== 'boolean') throw new Error('cuda.info: no available flag');
  return i;
} });
SPECS.push({ name: 'CudaArray', kinds: ['any', 'any', 'any'], names: ['driver', 'dtype', 'length'], args: () => [fakeDriver(), 'float32', 4],
  call: (a) => new (lk.CudaArray as any)(a[0], a[1], a[2]), cudaErrors: CUDA_ERR });
// options.device on the CUDA-capable functions ('cuda' without a GPU: ERR_LOGITKIT_CUDA_UNAVAILABLE).
for (const sp of [...SPECS]) {
  if (!['softmax', 'logSoftmax', 'logSumExp', 'softmaxCrossEntropy', 'gumbel', 'sampleCategorical', 'gumbelTopK', 'topk'].includes(sp.name) || sp.id) continue;
  SPECS.push({ ...sp, id: `${sp.name}#device`, args: () => { const a = sp.args(); const i = sp.kinds.indexOf('opts'); a[i] = { ...a[i], device: 'auto' }; return a; },
    optionKeys: { device: 'any' }, cudaErrors: CUDA_ERR });
}

// The async twins take the same arguments as their sync functions.
for (const sp of [...SPECS]) {
  const twin = `${sp.name}Async`;
  if (sp.id || SPECS.some((x) => x.name === twin)) continue;
  if (sp.name.startsWith('sample.')) {
    const m = twin.slice('sample.'.length);
    if (m in lk.sample) SPECS.push({ ...sp, name: twin, call: (a) => (lk.sample as any)[m](...a) });
  } else if (twin in lk) {
    SPECS.push({ ...sp, name: twin, call: (a) => (lk as any)[twin](...a) });
  }
}

/**
 * Exports without specs yet: a family that lands adds its specs here and keeps this list empty
 * (the coverage test fails for an export that is neither covered nor listed).
 */
export const NOT_YET_COVERED: string[] = [];

// ---------------------------------------------------------------------------------------------
// Hostile values

function detach<T extends ArrayBufferView>(a: T): T {
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
  return a;
}
function sab<T extends ArrayBufferView & { set(a: T): void }>(a: T): T {
  const C = a.constructor as any;
  const v = new C(new SharedArrayBuffer(a.byteLength));
  v.set(a);
  return v;
}
function odd<T extends ArrayBufferView & { length: number; set(a: T): void }>(a: T, off = 3): T {
  const C = a.constructor as any;
  const b = C.BYTES_PER_ELEMENT as number;  // an odd element offset: unaligned for 4- and 8-byte elements
  const v = new C(new ArrayBuffer(a.byteLength + off * b + b), off * b, a.length);
  v.set(a);
  return v;
}
/** Variants of a valid typed array: [what, make, expectation]. */
function typedVariants(a: any, kind: Kind): [string, () => any, Case['expect']][] {
  const C = a.constructor as any;
  // Arguments of kind 'typed' also take other element types (or plain arrays): 'either' there.
  const other: Case['expect'] = kind === 'typed' ? 'either' : 'throw';
  const v: [string, () => any, Case['expect']][] = [
    ['odd-offset view', () => odd(a.slice()), 'ok'],
    ['SharedArrayBuffer-backed', () => sab(a.slice()), 'ok'],
    ['detached', () => detach(a.slice()), 'either'],
    ['detached, same length requested', () => { const d = a.slice(); detach(d); return d; }, 'either'],
    ['Proxy around it', () => new Proxy(a.slice(), {}), 'either'],
    ["object with its prototype", () => Object.create(C.prototype), 'throw'],
    ['length + 1', () => new C(a.length + 1).fill(1), 'either'],
    ['length − 1', () => new C(Math.max(0, a.length - 1)).fill(1), 'either'],
    ['empty', () => new C(0), 'either'],
    ['plain array', () => Array.from(a), other],
    ['Float64Array', () => new Float64Array(a), C === Float64Array ? 'ok' : other],
    ['Uint8Array over it', () => new Uint8Array(a.slice().buffer), C === Uint8Array ? 'either' : other],
    ['DataView', () => new DataView(a.slice().buffer), 'throw'],
  ];
  if (kind === 'f32') v.push(['Int32Array', () => new Int32Array(a.length), 'throw']);
  if (kind === 'i32') {
    v.push(['Float32Array', () => new Float32Array(a.length), 'throw']);
    for (const bad of [-1, 5, 6, 2 ** 31 - 1, -(2 ** 31), -100]) v.push([`label/index ${bad}`, () => { const c = a.slice(); c[0] = bad; return c; }, 'either']);
  }
  return v;
}
const WRONG: [string, unknown][] = [
  ['undefined', undefined], ['null', null], ['true', true], ["'3'", '3'], ['3n', 3n], ['Symbol', Symbol('s')], ['{}', {}], ['[]', []],
  ['function', () => 1], ['NaN', NaN], ['-1', -1], ['1.5', 1.5], ['-0', -0], ['Infinity', Infinity], ['-Infinity', -Infinity],
  ['2**31', 2 ** 31], ['2**32+1', 2 ** 32 + 1], ['2**53', 2 ** 53], ['1e300', 1e300], ['0', 0], ['2', 2],
];

function clone(v: any): any {
  if (ArrayBuffer.isView(v)) return (v as any).slice();
  if (Array.isArray(v)) return v.map(clone);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

/** Every case: valid, then each argument and option replaced by each hostile value. */
export function buildCases(): Case[] {
  const out: Case[] = [];
  for (const s of SPECS) {
    const id = s.id ?? s.name;
    out.push({ spec: id, what: 'valid arguments', arg: -1, expect: 'ok', make: () => s.args() });
    const base = s.args();
    base.forEach((v, i) => {
      const kind = s.kinds[i];
      const set = (what: string, make: () => any, expect: Case['expect']) =>
        out.push({ spec: id, what: `${s.names[i]}: ${what}`, arg: i, expect, make: () => { const a = s.args(); a[i] = make(); return a; } });
      if (ArrayBuffer.isView(v)) for (const [w, m, e] of typedVariants(v, kind)) set(w, m, e);
      for (const [w, x] of WRONG) {
        const e: Case['expect'] = kind === 'f32' || kind === 'i32' || kind === 'fn' || (kind === 'count' && typeof x !== 'number') ? 'throw' : 'either';
        set(w, () => x, e);
      }
      if (kind === 'opts') {
        set('frozen', () => Object.freeze(s.args()[i]), 'ok');
        set('Proxy', () => new Proxy(s.args()[i], {}), 'ok');
        set('null prototype', () => Object.assign(Object.create(null), s.args()[i]), 'ok');
        set('unknown key', () => ({ ...s.args()[i], bogusOption: 1 }), 'throw');
        set('a number', () => 5, 'throw');
        for (const key of Object.keys(s.optionKeys ?? {})) {
          const okind = s.optionKeys![key];
          const setKey = (what: string, make: () => any, expect: Case['expect']) =>
            out.push({ spec: id, what: `options.${key}: ${what}`, arg: i, key, expect, make: () => { const a = s.args(); a[i] = { ...a[i], [key]: make() }; return a; } });
          out.push({ spec: id, what: `options.${key}: getter that throws`, arg: i, key, expect: 'throw', getterError: GETTER_ERROR,
            make: () => { const a = s.args(); const o = { ...a[i] }; Object.defineProperty(o, key, { get() { throw GETTER_ERROR; }, enumerable: true }); a[i] = o; return a; } });
          const valid = base[i][key];
          if (ArrayBuffer.isView(valid)) for (const [w, m, e] of typedVariants(valid, okind)) setKey(w, m, e);
          for (const [w, x] of WRONG) setKey(w, () => x, 'either');
          if (okind === 'rng') {
            setKey('duck-typed rng', () => ({ key: [1, 2], reserve: () => ({ key: [1, 2], counter: [0, 0, 0, 0] }) }), 'either');
            setKey('rng with non-uint32 counters', () => ({ key: [1, 2], reserve: () => ({ key: [1, 2], counter: [-1, 1.5, 2 ** 33, NaN] }) }), 'either');
          }
          if (okind === 'fn') {
            setKey('model returning the wrong length', () => () => new Float32Array(3), 'throw');
            setKey('model returning NaN', () => (p: Int32Array[]) => new Float32Array(p.length * 6).fill(NaN), 'throw');
            setKey('model returning a plain array', () => (p: Int32Array[]) => Array(p.length * 6).fill(0), 'either');
            // The model's own error propagates unchanged (as a getter's does).
            out.push({ spec: id, what: `options.${key}: model that throws`, arg: i, key, expect: 'throw', getterError: GETTER_ERROR,
              make: () => { const a = s.args(); a[i] = { ...a[i], [key]: () => { throw GETTER_ERROR; } }; return a; } });
          }
        }
      }
    });
  }
  // Shapes and sizes beyond the valid ones.
  const big: [string, () => unknown][] = [
    ['topk huge k', () => lk.topk(f32(10), 5, 2 ** 31)],
    ['topk k = cols + 1', () => lk.topk(f32(10), 5, 6)],
    ['topk empty x, huge cols', () => lk.topk(new Float32Array(0), 2 ** 32 + 1, 3)],
    ['gumbelTopK empty x, huge cols', () => lk.gumbelTopK(new Float32Array(0), 2 ** 32 + 1, 5, { seed: 1 })],
    ['gumbelSoftmax empty x, cols 2**32', () => lk.gumbelSoftmax(new Float32Array(0), 2 ** 32, { seed: 1 })],
    ['softmax cols 2**31', () => lk.softmax(f32(10), 2 ** 31)],
    ['softmax empty, cols 2**53', () => lk.softmax(new Float32Array(0), 2 ** 53)],
    ['gumbel n = 2**32 + 1', () => lk.gumbel(2 ** 32 + 1, { seed: 1 })],
    ['sample.normal n = 2**33', () => lk.sample.normal(2 ** 33, {}, { seed: 1 })],
    ['Rng.uniform n = 2**33', () => new lk.Rng(1).uniform(2 ** 33)],
    ['argmax cols 0', () => lk.argmax(f32(10), 0)],
    ['softmaxCrossEntropy cols mismatch', () => lk.softmaxCrossEntropy(f32(10), i32([1, 2, 3]), { cols: 5 })],
    ['softmaxCrossEntropy grad overlapping logits', () => { const b = f32(12); return lk.softmaxCrossEntropy(b.subarray(0, 10), i32([1, 2]), { grad: b.subarray(2, 12) }); }],
    ['softmax out overlapping x', () => { const b = f32(12); return lk.softmax(b.subarray(0, 10), 5, { out: b.subarray(1, 11) }); }],
    ['Rng advance 1.5', () => new lk.Rng(1).advance(1.5)],
    ['Rng advance NaN', () => new lk.Rng(1).advance(NaN)],
    ['Rng advance null', () => new lk.Rng(1).advance(null as any)],
    ['Rng advance {}', () => new lk.Rng(1).advance({} as any)],
    ['Rng advance -1n', () => new lk.Rng(1).advance(-1n)],
    ['Rng advance 2n**128n', () => new lk.Rng(1).advance(2n ** 128n)],
    ['Rng.uint32 into a Float32Array', () => new lk.Rng(1).uint32(2, { out: new Float32Array(2) as any })],
    ['sample.gamma with a duck-typed rng', () => lk.sample.gamma(4, { shape: 2 }, { rng: { key: [1, 2], reserve: () => ({ key: [1, 2], counter: [0, 0, 0, 0] }) } as any })],
    ['new Rng(-1)', () => new lk.Rng(-1)],
    ['new Rng(2n**64n)', () => new lk.Rng(2n ** 64n)],
  ];
  for (const [what, f] of big) out.push({ spec: what.split(' ')[0].replace(/^new$/, 'Rng').replace(/^Rng$/, 'Rng'), what, arg: -2, expect: 'either', make: () => [f] });
  return out;
}

export const SPEC_BY_NAME = new Map(SPECS.map((s) => [s.id ?? s.name, s]));
export { clone };
