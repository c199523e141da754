// No uninitialised byte reaches the user: fresh outputs start as uninitialised memory
// (lib/alloc.ts), so every kernel must write every element of every output on every path.
// With LOGITKIT_CANARY=1 (read at load) each fresh output is filled with a canary word before
// the kernel runs; this file loads the library in that mode, on the native backend (the tier
// of this process: CI runs the suite per tier) and on the TypeScript backend, runs every
// exported function on random and adversarial inputs (NaN rows, all −Infinity rows, ±Infinity,
// k past a row's finite count, reduction 'none', ignored rows, zero-length rows, large inputs
// that take the threaded path) and finds no canary in any output. An exported function with
// no recipe below fails the test: a new family adds its recipes here.
import { afterAll, describe, expect, test, vi } from 'vitest';
import { randomF32 } from './helpers.js';

const CANARY_BITS = 0x7fa5a5a5;
type Lib = typeof import('../lib/index.js');
type Alloc = typeof import('../lib/alloc.js');

async function load(backend: 'native' | 'js'): Promise<{ lk: Lib; alloc: Alloc }> {
  const saved = { canary: process.env.LOGITKIT_CANARY, backend: process.env.LOGITKIT_BACKEND };
  process.env.LOGITKIT_CANARY = '1';
  if (backend === 'js') process.env.LOGITKIT_BACKEND = 'js';
  vi.resetModules();
  try {
    const lk = await import('../lib/index.js');
    const alloc = await import('../lib/alloc.js');
    return { lk, alloc };
  } finally {
    for (const [k, v] of [['LOGITKIT_CANARY', saved.canary], ['LOGITKIT_BACKEND', saved.backend]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Every typed array reachable from a result (objects, arrays), with a path for messages. */
function outputs(v: unknown, path: string, acc: [string, ArrayBufferView][] = []): [string, ArrayBufferView][] {
  if (ArrayBuffer.isView(v)) acc.push([path, v]);
  else if (Array.isArray(v)) v.forEach((e, i) => outputs(e, `${path}[${i}]`, acc));
  else if (v && typeof v === 'object') for (const [k, e] of Object.entries(v)) outputs(e, `${path}.${k}`, acc);
  return acc;
}

/** Index of the first canary word in a view (-1: none). */
function findCanary(a: ArrayBufferView): number {
  if (a instanceof Float64Array || a.byteLength % 4 !== 0) return -1;
  const u = new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  return u.indexOf(CANARY_BITS);
}

// --- inputs ------------------------------------------------------------------------------------
const COLS = 37; // crosses every vector width with a tail
/** rows × COLS logits: random rows, then a NaN row, an all −Infinity row, a +Infinity row, a masked row. */
function logits(): Float32Array {
  const rows = 6;
  const x = randomF32(rows * COLS, 11);
  x[1 * COLS + 5] = NaN;
  x.fill(-Infinity, 2 * COLS, 3 * COLS);
  x[3 * COLS + 7] = Infinity;
  for (let c = 0; c < COLS; c++) if (c % 3) x[4 * COLS + c] = -Infinity; // 13 finite of 37
  x[5 * COLS] = -3e38;
  x[5 * COLS + 1] = 3e38;
  return x;
}
const big = () => randomF32(64 * 2049, 5); // large enough for the threaded path
const BIGC = 2049;
const empty = new Float32Array(0);
const labelsFor = (rows: number, cols: number) => Int32Array.from({ length: rows }, (_, i) => (i * 7) % cols);

interface Case { name: string; call: (lk: Lib) => unknown }

/** Recipes: function name → cases. `fooAsync` runs the cases of `foo` through the async twin. */
function recipes(): Record<string, Case[]> {
  const x = logits();
  const rows = x.length / COLS;
  const X = big();
  const p = Float32Array.from(randomF32(50, 3, 0, 1));
  p[0] = 0; p[1] = 1; p[2] = NaN;
  const rowwise = (fn: string, extra: object[] = [{}]) => [
    ...extra.map((o, i) => ({ name: `adversarial ${i}`, call: (lk: Lib) => (lk as any)[fn](x, COLS, o) })),
    { name: 'threaded', call: (lk: Lib) => (lk as any)[fn](X, BIGC) },
    { name: 'zero rows', call: (lk: Lib) => (lk as any)[fn](empty, COLS) },
    { name: 'one column', call: (lk: Lib) => (lk as any)[fn](x.subarray(0, 9), 1) },
  ];
  const elementwise = (fn: string, input: Float32Array) => [
    { name: 'adversarial', call: (lk: Lib) => (lk as any)[fn](input) },
    { name: 'specials', call: (lk: Lib) => (lk as any)[fn](new Float32Array([NaN, Infinity, -Infinity, 0, -0, 1e-45, 3e38, -3e38])) },
    { name: 'threaded', call: (lk: Lib) => (lk as any)[fn](X) },
    { name: 'empty', call: (lk: Lib) => (lk as any)[fn](empty) },
  ];
  const ceOpts = [
    { grad: true },
    { grad: true, reduction: 'none' },
    { grad: true, reduction: 'sum', labelSmoothing: 0.1, zLoss: 1e-3 },
    { grad: true, reduction: 'none', ignoreIndex: 3, classWeights: randomF32(COLS, 4, 0, 2) },
    { grad: false, reduction: 'none' },
  ];
  const ceLabels = labelsFor(rows, COLS);
  ceLabels[0] = 3; // ignored under ignoreIndex 3
  const sampler = (fn: string, params: object | undefined) => [
    { name: 'n = 1000', call: (lk: Lib) => (lk.sample as any)[fn](1000, params, { seed: 1 }) },
    { name: 'n = 0', call: (lk: Lib) => (lk.sample as any)[fn](0, params, { seed: 1 }) },
    { name: 'threaded', call: (lk: Lib) => (lk.sample as any)[fn](1 << 17, params, { seed: 2 }) },
  ];
  return {
    logSumExp: rowwise('logSumExp', [{}, { temperature: 0.5 }]),
    softmax: rowwise('softmax', [{}, { temperature: 3 }]),
    logSoftmax: rowwise('logSoftmax', [{}, { temperature: 0.25 }]),
    softmaxBackward: [
      { name: 'adversarial', call: (lk) => lk.softmaxBackward(lk.softmax(x, COLS), x, COLS) },
      { name: 'threaded', call: (lk) => lk.softmaxBackward(lk.softmax(X, BIGC), X, BIGC) },
      { name: 'zero rows', call: (lk) => lk.softmaxBackward(empty, empty, COLS) },
    ],
    sigmoid: elementwise('sigmoid', x),
    logSigmoid: elementwise('logSigmoid', x),
    softplus: elementwise('softplus', x),
    logit: elementwise('logit', p),
    softmaxCrossEntropy: [
      ...ceOpts.map((o, i) => ({ name: `options ${i}`, call: (lk: Lib) => lk.softmaxCrossEntropy(x, ceLabels, o as any) })),
      { name: 'threaded', call: (lk: Lib) => lk.softmaxCrossEntropy(X, labelsFor(64, BIGC), { grad: true, reduction: 'none' }) },
      { name: 'zero rows', call: (lk: Lib) => lk.softmaxCrossEntropy(empty, new Int32Array(0), { grad: true, reduction: 'none' }) },
    ],
    binaryCrossEntropyWithLogits: [
      { name: 'none', call: (lk) => lk.binaryCrossEntropyWithLogits(x, p.length === x.length ? p : Float32Array.from(x, (_, i) => (i % 5) / 4), { reduction: 'none' }) },
      { name: 'posWeight', call: (lk) => lk.binaryCrossEntropyWithLogits(x, Float32Array.from(x, (_, i) => (i % 3) / 2), { reduction: 'none', posWeight: randomF32(COLS, 8, 0, 3) }) },
      { name: 'mean', call: (lk) => lk.binaryCrossEntropyWithLogits(x, Float32Array.from(x, (_, i) => i % 2)) },
      { name: 'threaded', call: (lk) => lk.binaryCrossEntropyWithLogits(X, Float32Array.from(X, (_, i) => i % 2), { reduction: 'none' }) },
      { name: 'empty', call: (lk) => lk.binaryCrossEntropyWithLogits(empty, empty, { reduction: 'none' }) },
    ],
    topk: [
      ...[1, 5, 13, 20, COLS].flatMap((k) => [true, false].flatMap((largest) => [true, false].map((sorted) => ({
        name: `k=${k} largest=${largest} sorted=${sorted}`, call: (lk: Lib) => lk.topk(x, COLS, k, { largest, sorted }),
      })))),
      { name: 'k = 0', call: (lk) => lk.topk(x, COLS, 0) },
      { name: 'threaded', call: (lk) => lk.topk(X, BIGC, 50) },
      { name: 'threaded k=1000', call: (lk) => lk.topk(X, BIGC, 1000) },
      { name: 'zero rows', call: (lk) => lk.topk(empty, COLS, 3) },
      { name: 'out.values only', call: (lk) => lk.topk(x, COLS, 4, { out: { values: new Float32Array(rows * 4) } }) },
      { name: 'out.indices only', call: (lk) => lk.topk(x, COLS, 4, { out: { indices: new Int32Array(rows * 4) } }) },
    ],
    argmax: [
      { name: 'adversarial', call: (lk) => lk.argmax(x, COLS) },
      { name: 'threaded', call: (lk) => lk.argmax(X, BIGC) },
      { name: 'zero rows', call: (lk) => lk.argmax(empty, COLS) },
    ],
    gumbel: [
      { name: 'n = 1000', call: (lk) => lk.gumbel(1000, { seed: 1 }) },
      { name: 'loc/scale', call: (lk) => lk.gumbel(33, { seed: 1, loc: 2, scale: 0.5 }) },
      { name: 'n = 0', call: (lk) => lk.gumbel(0, { seed: 1 }) },
      { name: 'threaded', call: (lk) => lk.gumbel(1 << 18, { seed: 3 }) },
    ],
    truncatedGumbel: [
      { name: 'scalar T', call: (lk) => lk.truncatedGumbel(x, 1, { seed: 1 }) },
      { name: 'per-element T', call: (lk) => lk.truncatedGumbel(randomF32(40, 2), randomF32(40, 3), { seed: 1 }) },
      { name: 'T = +Infinity', call: (lk) => lk.truncatedGumbel(randomF32(40, 2), Infinity, { seed: 1 }) },
      { name: 'threaded', call: (lk) => lk.truncatedGumbel(X, 2, { seed: 1 }) },
      { name: 'empty', call: (lk) => lk.truncatedGumbel(empty, 0, { seed: 1 }) },
    ],
    sampleCategorical: [
      { name: 'adversarial', call: (lk) => lk.sampleCategorical(x, COLS, { seed: 1 }) },
      { name: 'temperature', call: (lk) => lk.sampleCategorical(x, COLS, { seed: 1, temperature: 0.3 }) },
      { name: 'threaded', call: (lk) => lk.sampleCategorical(X, BIGC, { seed: 1 }) },
      { name: 'zero rows', call: (lk) => lk.sampleCategorical(empty, COLS, { seed: 1 }) },
    ],
    gumbelSoftmax: [
      { name: 'soft', call: (lk) => lk.gumbelSoftmax(x, COLS, { seed: 1 }) },
      { name: 'hard', call: (lk) => lk.gumbelSoftmax(x, COLS, { seed: 1, hard: true, tau: 0.5 }) },
      { name: 'threaded', call: (lk) => lk.gumbelSoftmax(X, BIGC, { seed: 1 }) },
      { name: 'zero rows', call: (lk) => lk.gumbelSoftmax(empty, COLS, { seed: 1 }) },
    ],
    gumbelTopK: [
      ...[1, 13, 20, COLS].map((k) => ({ name: `k=${k}`, call: (lk: Lib) => lk.gumbelTopK(x, COLS, k, { seed: 1 }) })),
      { name: 'threaded', call: (lk) => lk.gumbelTopK(X, BIGC, 16, { seed: 1 }) },
      { name: 'zero rows', call: (lk) => lk.gumbelTopK(empty, COLS, 3, { seed: 1 }) },
    ],
    'sample.normal': sampler('normal', { mean: 1, std: 2 }),
    'sample.exponential': sampler('exponential', { rate: 2 }),
    'sample.laplace': sampler('laplace', undefined),
    'sample.cauchy': sampler('cauchy', undefined),
    'sample.logNormal': sampler('logNormal', undefined),
    'sample.rademacher': sampler('rademacher', undefined),
    'sample.gamma': [...sampler('gamma', { shape: 2.5 }), ...sampler('gamma', { shape: 0.3 })],
    'sample.inverseGamma': sampler('inverseGamma', { shape: 3 }),
    // calibration family
    entropy: rowwise('entropy', [{}, { temperature: 0.5 }]),
    klUniform: rowwise('klUniform', [{ grad: true }, { grad: true, reduction: 'none' }, { grad: false, reduction: 'none' }]),
    confidence: rowwise('confidence', [{}, { temperature: 2 }]),
    gaussianKL: [
      { name: 'standard, per element', call: (lk) => lk.gaussianKL(x, x, { reduction: 'none', grad: true }) },
      { name: 'general, rows of dim', call: (lk) => lk.gaussianKL(x, x, x, x, { dim: COLS, reduction: 'none', grad: true }) },
      { name: 'threaded', call: (lk) => lk.gaussianKL(X, X, { reduction: 'none', grad: true }) },
    ],
    'sample.gumbel': [...sampler('gumbel', { loc: 1, scale: 2 })],
    'sample.multivariateNormal': sampler('multivariateNormal', { scaleTril: new Float32Array([1, 0, 0.5, 2]) }),
    // nce family: rows of 1 + k = 6 scores (adversarial values included)
    nceLogits: [
      { name: 'adversarial', call: (lk) => lk.nceLogits(x, x, 5) },
      { name: 'negative sampling', call: (lk) => lk.nceLogits(x, null, 5) },
      { name: 'threaded', call: (lk) => lk.nceLogits(X, null, 5) },
    ],
    nceLoss: [
      { name: 'mean, grad', call: (lk) => lk.nceLoss(x.subarray(0, 6 * Math.floor(x.length / 6)), null, 5, { grad: true }) },
      { name: 'none, grad', call: (lk) => lk.nceLoss(x.subarray(0, 6 * Math.floor(x.length / 6)), null, 5, { reduction: 'none', grad: true }) },
      { name: 'threaded', call: (lk) => lk.nceLoss(X.subarray(0, 6 * Math.floor(X.length / 6)), null, 5, { reduction: 'none', grad: true }) },
    ],
    // decoding family
    sampleNext: [
      { name: 'filters', call: (lk) => lk.sampleNext(x, COLS, { seed: 1, temperature: 0.8, topK: 3, topP: 0.9, minP: 0.01 }) },
      { name: 'log-probs', call: (lk) => lk.sampleNext(x, COLS, { seed: 2, returnLogProbs: true, topLogProbs: 2 }) },
      { name: 'greedy', call: (lk) => lk.sampleNext(x, COLS, { temperature: 0 }) },
      { name: 'threaded', call: (lk) => lk.sampleNext(X, BIGC, { seed: 3, topK: 50 }) },
    ],
    'Rng.uniform': [
      { name: 'n = 1000', call: (lk) => new lk.Rng(1).uniform(1000) },
      { name: 'threaded', call: (lk) => new lk.Rng(1).uniform(1 << 18) },
    ],
    'Rng.uint32': [
      { name: 'n = 1000', call: (lk) => new lk.Rng(1).uint32(1000) },
      { name: 'threaded', call: (lk) => new lk.Rng(1).uint32(1 << 18) },
    ],
  };
}

/** Exports that allocate no output (checked by name: a new export must be classified). */
const NO_OUTPUT = new Set(['backend', 'setThreads', 'version', 'Rng', 'sample',
  'inclusionProbability', 'logInclusionProbability', 'sbsEstimate',
  // Beam search builds its small results in TypeScript from zero-initialised arrays (no
  // kernel writes into library-allocated memory).
  'stochasticBeamSearch', 'beamSearch',
  // Scalars and small float64 summaries computed in TypeScript.
  'temperatureNll', 'fitTemperature', 'fitTemperatureInfo', 'reliabilityDiagram', 'expectedCalibrationError',
  'reliabilityDiagramSvg',
  // AliasSampler builds its table in TypeScript; unigramNoise returns a Float64Array computed in
  // TypeScript; skipGramStep updates the caller's tables and returns a number.
  'AliasSampler', 'unigramNoise', 'skipGramStep', 'skipGramStepAsync',
  // decoder() returns a stateful adapter around sampleNext (whose recipe covers the outputs).
  'decoder']);


/** Every exported function, `sample.*` samplers and Rng methods that return arrays, by name. */
function exportedNames(lk: Lib): string[] {
  const names: string[] = [];
  for (const [k, v] of Object.entries(lk)) {
    if (typeof v === 'function' && !NO_OUTPUT.has(k)) names.push(k);
  }
  for (const [k, v] of Object.entries(lk.sample)) if (typeof v === 'function') names.push(`sample.${k}`);
  for (const k of Object.getOwnPropertyNames(lk.Rng.prototype)) {
    if (['uniform', 'uint32'].includes(k) || (k.endsWith('Async') && ['uniform', 'uint32'].includes(k.slice(0, -5)))) names.push(`Rng.${k}`);
  }
  return names;
}

function casesFor(name: string, table: Record<string, Case[]>): { cases: Case[]; async: boolean } | null {
  if (table[name]) return { cases: table[name], async: false };
  if (!name.endsWith('Async')) return null;
  const base = name.slice(0, -5);
  const cases = table[base];
  if (!cases) return null;
  // the async twin takes the same arguments: run each case against a proxy whose `base`
  // is the twin (a namespace like `sample` is proxied the same way)
  const [ns, fn] = base.includes('.') ? base.split('.') : [null, base];
  const asyncName = `${fn}Async`;
  const wrap = (lk: Lib): Lib => {
    if (ns === 'sample') return { ...lk, sample: { ...lk.sample, [fn]: (lk.sample as any)[asyncName] } } as Lib;
    if (ns === 'Rng') {
      const R = lk.Rng as any;
      class AsyncRng extends R { [fn](...a: unknown[]) { return (R.prototype as any)[asyncName].apply(this, a); } }
      return { ...lk, Rng: AsyncRng } as unknown as Lib;
    }
    return { ...lk, [fn]: (lk as any)[asyncName] } as Lib;
  };
  return { cases: cases.map((c) => ({ name: c.name, call: (lk: Lib) => c.call(wrap(lk)) })), async: true };
}

for (const backend of ['native', 'js'] as const) {
  describe(`canary mode, ${backend} backend`, async () => {
    const { lk, alloc } = await load(backend);
    const info = lk.backend();
    afterAll(() => lk.setThreads(info.threads));

    test('the canary mode is on, and this backend is the one asked for', () => {
      expect(alloc.CANARY).toBe(true);
      expect(alloc.CANARY_BITS).toBe(CANARY_BITS);
      if (backend === 'js') expect(info.name).toBe('js');
      // a fresh output starts as canary (the mode really fills)
      const before = alloc.freshF32(3);
      expect(findCanary(before)).toBe(0);
    });

    const table = recipes();
    test('every exported function has a recipe', () => {
      const missing = exportedNames(lk).filter((n) => !casesFor(n, table));
      expect(missing, `exports without a canary recipe in test/canary.test.ts: ${missing.join(', ')}`).toEqual([]);
    });

    for (const name of exportedNames(lk)) {
      const rc = casesFor(name, table);
      if (!rc) continue;
      test(`${name}: no canary in any output`, async () => {
        for (const threads of [1, 2]) {
          lk.setThreads(threads);
          for (const c of rc.cases) {
            const n0 = alloc.freshCount();
            const r = await c.call(lk);
            const outs = outputs(r, name);
            for (const [path, a] of outs) {
              const at = findCanary(a);
              expect(at, `${name} (${c.name}, ${threads} threads): ${path}[${at}] still holds the canary`).toBe(-1);
            }
            // the case really allocated (and so really tested something), unless it is the
            // `out`-given or empty kind
            if (!/out\.|empty|zero|n = 0|k = 0/.test(c.name)) expect(alloc.freshCount(), `${name} (${c.name}) allocated nothing`).toBeGreaterThan(n0);
          }
        }
      });
    }

    test('bad input allocates nothing', () => {
      const x = logits();
      const bad: (() => unknown)[] = [
        () => lk.logSoftmax(x, 5),
        () => lk.softmax(x, COLS, { temperature: -1 }),
        () => lk.softmaxCrossEntropy(x, new Int32Array([0, 1, 99, 0, 0, 0]), { grad: true }),
        () => lk.topk(x, COLS, COLS + 1),
        () => lk.gumbel(-1, { seed: 1 }),
        () => lk.gumbelTopK(x, COLS, 2, { seed: 1, rngs: [] }),
        () => lk.gumbelTopK(x, COLS, 2, { rngs: [] }),
        () => lk.gumbelSoftmax(x, COLS, { rngs: [] }),
        () => lk.sampleCategorical(x, COLS, { rngs: [new lk.Rng(1)] }),
        () => lk.gumbel(10, { seed: 'a' as any }),
        () => lk.truncatedGumbel(x, 1, { rng: {} as any }),
        () => lk.sample.normal(10, {}, { seed: -0.5 }),
        () => lk.sample.normal(10, { std: -1 }, { seed: 1 }),
        () => lk.sample.exponential(10, { rate: new Float32Array(3) }, { seed: 1 }),
        () => lk.sample.inverseGamma(10, { shape: 0 }, { seed: 1 }),
        () => lk.topk(x, COLS, 2, { out: { values: new Float32Array(1) } }),
        () => lk.softmaxCrossEntropy(x, new Int32Array(6), { grad: true, classWeights: new Float32Array(2) }),
        () => lk.sampleCategorical(x, COLS, { temperature: 0 }),
        () => lk.sample.gamma(10, { shape: -1 }, { seed: 1 }),
        () => lk.binaryCrossEntropyWithLogits(x, new Float32Array(3), { reduction: 'none' }),
        () => lk.argmax(x, 0),
      ];
      for (const f of bad) {
        const n0 = alloc.freshCount();
        expect(f).toThrow();
        expect(alloc.freshCount(), String(f)).toBe(n0);
      }
    });
  });
}
