// Errors that say the fix, on both entry points (the main one runs native here, or the
// reference under LOGITKIT_BACKEND=js; logitkit/reference always runs the reference):
// unknown option keys and contradictory randomness options are RangeErrors naming the key and
// the valid names, softmaxCrossEntropy's shape is stated by options.cols or named in the
// error, and type errors on arrays name the function, the argument and the conversion.
import { describe, expect, expectTypeOf, test } from 'vitest';
import * as lk from '../lib/index.js';
import * as ref from '../lib/reference/index.js';
import { expectError, expectSameArray } from './helpers.js';

type Api = typeof lk;
const UNKNOWN = 'ERR_LOGITKIT_UNKNOWN_OPTION';
const RANGE = 'ERR_LOGITKIT_OUT_OF_RANGE';
const TYPE = 'ERR_LOGITKIT_INVALID_ARG_TYPE';

for (const [label, m] of [['lk', lk], ['ref', ref as unknown as Api]] as const) {
  describe(`${label}: options`, () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    const y = new Int32Array([2, 0]);
    const bad = { bogus: 1 } as never;
    // Every public function that takes an options object (or a params object), called with an
    // unknown key: [the name in the message, the call].
    const calls: [string, () => unknown][] = [
      ['logSumExp: options', () => m.logSumExp(x, 3, bad)],
      ['softmax: options', () => m.softmax(x, 3, bad)],
      ['logSoftmax: options', () => m.logSoftmax(x, 3, bad)],
      ['softmaxBackward: options', () => m.softmaxBackward(x, x, 3, bad)],
      ['sigmoid: options', () => m.sigmoid(x, bad)],
      ['logSigmoid: options', () => m.logSigmoid(x, bad)],
      ['softplus: options', () => m.softplus(x, bad)],
      ['logit: options', () => m.logit(x, bad)],
      ['softmaxCrossEntropy: options', () => m.softmaxCrossEntropy(x, y, bad)],
      ['binaryCrossEntropyWithLogits: options', () => m.binaryCrossEntropyWithLogits(x, x, bad)],
      ['topk: options', () => m.topk(x, 3, 1, bad)],
      ['topk: options.out', () => m.topk(x, 3, 1, { out: bad })],
      ['argmax: options', () => m.argmax(x, 3, bad)],
      ['gumbel: options', () => m.gumbel(3, { seed: 1, ...(bad as object) })],
      ['truncatedGumbel: options', () => m.truncatedGumbel(x, 1, { seed: 1, ...(bad as object) })],
      ['sampleCategorical: options', () => m.sampleCategorical(x, 3, { seed: 1, ...(bad as object) })],
      ['gumbelSoftmax: options', () => m.gumbelSoftmax(x, 3, { seed: 1, ...(bad as object) })],
      ['gumbelTopK: options', () => m.gumbelTopK(x, 3, 1, { seed: 1, ...(bad as object) })],
      ['sample.normal: options', () => m.sample.normal(3, {}, { seed: 1, ...(bad as object) })],
      ['sample.normal: params', () => m.sample.normal(3, bad, { seed: 1 })],
      ['sample.exponential: params', () => m.sample.exponential(3, bad, { seed: 1 })],
      ['sample.laplace: params', () => m.sample.laplace(3, bad, { seed: 1 })],
      ['sample.cauchy: params', () => m.sample.cauchy(3, bad, { seed: 1 })],
      ['sample.logNormal: params', () => m.sample.logNormal(3, bad, { seed: 1 })],
      ['sample.rademacher: params', () => m.sample.rademacher(3, bad, { seed: 1 })],
      ['sample.gamma: params', () => m.sample.gamma(3, { shape: 2, ...(bad as object) }, { seed: 1 })],
      ['sample.inverseGamma: params', () => m.sample.inverseGamma(3, { shape: 2, ...(bad as object) }, { seed: 1 })],
      ['Rng.uint32: options', () => new m.Rng(1).uint32(3, bad)],
      ['Rng.uniform: options', () => new m.Rng(1).uniform(3, bad)],
    ];
    test.each(calls)('%s: an unknown key is a RangeError naming it and the valid names', (name, call) => {
      const esc = name.replace(/\./g, '\\.');
      expectError(call, RangeError, UNKNOWN, new RegExp(`^${esc}\\.bogus is not a known (option|parameter); (valid: \\w+|it takes none)`));
    });
    test('async functions reject the same way', async () => {
      for (const p of [m.softmaxAsync(x, 3, bad), m.logSoftmaxAsync(x, 3, bad), m.topkAsync(x, 3, 1, bad), m.softmaxCrossEntropyAsync(x, y, bad)]) {
        await expect(p).rejects.toMatchObject({ code: UNKNOWN, name: 'RangeError' });
      }
    });

    test('a close misspelling gets a did-you-mean; nothing is written', () => {
      const before = Array.from(x);
      expectError(() => m.softmax(x, 3, { temprature: 2, out: x } as never), RangeError, UNKNOWN,
        /^softmax: options\.temprature is not a known option \(did you mean temperature\?\); valid: temperature, out$/);
      expectError(() => m.softmaxCrossEntropy(x, y, { labelsmoothing: 0.1, grad: x } as never), RangeError, UNKNOWN,
        /did you mean labelSmoothing\?/);
      expectError(() => m.topk(x, 3, 1, { larget: false } as never), RangeError, UNKNOWN, /did you mean largest\?/);
      expectError(() => m.sample.gamma(3, { shap: 2 } as never, { seed: 1 }), RangeError, UNKNOWN,
        /^sample\.gamma: params\.shap is not a known parameter \(did you mean shape\?\); valid: shape, rate$/);
      expect(Array.from(x)).toEqual(before);
      // far from every name: no suggestion, the list only
      expectError(() => m.softmax(x, 3, { inPlace: true } as never), RangeError, UNKNOWN, /^softmax: options\.inPlace is not a known option; valid: temperature, out$/);
    });

    test('contradictory randomness options are a RangeError; no Rng is advanced', () => {
      const rng = new m.Rng(1);
      const rngs = [new m.Rng(2), new m.Rng(3)];
      expectError(() => m.gumbel(3, { seed: 1, rng }), RangeError, RANGE, /^gumbel: options\.rng and options\.seed were given together; give only one of rng, seed$/);
      expectError(() => m.sample.normal(3, {}, { seed: 1, rng }), RangeError, RANGE, /^sample\.normal: options\.rng and options\.seed/);
      expectError(() => m.sampleCategorical(x, 3, { rng, rngs }), RangeError, RANGE, /^sampleCategorical: options\.rng and options\.rngs were given together; give only one of rng, seed, rngs$/);
      expectError(() => m.gumbelTopK(x, 3, 1, { seed: 1, rngs }), RangeError, RANGE, /^gumbelTopK: options\.seed and options\.rngs/);
      expectError(() => m.gumbelSoftmax(x, 3, { seed: 1, rng, rngs }), RangeError, RANGE, /given together/);
      for (const r of [rng, ...rngs]) expect(r.counter).toBe(0n);
      // undefined counts as absent
      expect(m.gumbel(3, { seed: 1, rng: undefined })).toEqual(m.gumbel(3, { seed: 1 }));
    });
  });

  describe(`${label}: softmaxCrossEntropy shape`, () => {
    const logits = new Float32Array([1, 2, 3, 4, 5, 6]); // 2 × 3
    test('options.cols is checked against logits.length and labels.length', () => {
      const two = new Int32Array([2, 0]);
      const a = m.softmaxCrossEntropy(logits, two);
      const b = m.softmaxCrossEntropy(logits, two, { cols: 3 });
      expect(b.loss).toBe(a.loss);
      expectSameArray(b.grad, a.grad);
      // one label for 2 × 3 logits: silently 1 × 6 without cols, an error naming the shapes with it
      expectError(() => m.softmaxCrossEntropy(logits, new Int32Array([2]), { cols: 3 }), RangeError, RANGE,
        /^softmaxCrossEntropy: logits\.length = 6 does not match labels\.length × options\.cols = 1 × 3 = 3 \(the logits hold 2 rows of 3, so labels\.length should be 2\)$/);
      expectError(() => m.softmaxCrossEntropy(logits, new Int32Array([2, 0, 1]), { cols: 3 }), RangeError, RANGE,
        /logits\.length = 6 does not match labels\.length × options\.cols = 3 × 3 = 9/);
      expectError(() => m.softmaxCrossEntropy(logits, two, { cols: 4 }), RangeError, RANGE, /2 × 4 = 8$/);
      expectError(() => m.softmaxCrossEntropy(logits, two, { cols: 0 }), RangeError, RANGE, /^softmaxCrossEntropy: options\.cols = 0 is out of range/);
      expectError(() => m.softmaxCrossEntropy(logits, two, { cols: '3' as never }), TypeError, TYPE, /^softmaxCrossEntropy: options\.cols must be a number/);
      expectError(() => m.softmaxCrossEntropy(logits, two, { cols: 2, classWeights: new Float32Array(3) }), RangeError, RANGE, /does not match/);
      // an empty batch with cols
      expect(m.softmaxCrossEntropy(new Float32Array(0), new Int32Array(0), { cols: 3, reduction: 'sum' }).loss).toBe(0);
    });
    test('without cols, a wrong label count is named in the error', () => {
      // three labels for 2 × 3 logits read as 3 × 2: the first label ≥ 2 is out of range, and the message says why
      expectError(() => m.softmaxCrossEntropy(logits, new Int32Array([2, 0, 1])), RangeError, RANGE,
        /^softmaxCrossEntropy: labels\[0\] = 2 is out of range \[0, 2\) \(ignoreIndex = -100\); cols = logits\.length \/ labels\.length = 6 \/ 3 = 2: if labels\.length is wrong, pass options\.cols$/);
      expectError(() => m.softmaxCrossEntropy(logits, new Int32Array([0, 0, 0, 0])), RangeError, RANGE,
        /logits\.length = 6 is not a positive multiple of labels\.length = 4 \(rows = labels\.length, one label per row; pass options\.cols/);
    });
  });

  describe(`${label}: errors name the function, the argument and the fix`, () => {
    const x = new Float32Array(6);
    test('arrays of the wrong type: the conversion', () => {
      expectError(() => m.softmax([1, 2, 3, 4, 5, 6] as never, 3), TypeError, TYPE,
        /^softmax: x must be a Float32Array \(got Array\(6\)\); convert with Float32Array\.from\(x\)$/);
      expectError(() => m.softmaxCrossEntropy(x, new Float32Array(2) as never), TypeError, TYPE,
        /^softmaxCrossEntropy: labels must be an Int32Array \(got Float32Array\(2\)\); convert with Int32Array\.from\(labels\)$/);
      expectError(() => m.logSumExp(new Float64Array(6) as never, 3), TypeError, TYPE,
        /^logSumExp: x must be a Float32Array \(got Float64Array\(6\)\); convert with Float32Array\.from\(x\)$/);
      expectError(() => m.softmaxCrossEntropy(x, new Int32Array(2), { classWeights: [1, 1, 1] as never }), TypeError, TYPE,
        /^softmaxCrossEntropy: options\.classWeights must be a Float32Array \(got Array\(3\)\); convert with Float32Array\.from\(options\.classWeights\)$/);
      expectError(() => m.sampleCategorical([0, 0] as never, 2, { seed: 1 }), TypeError, TYPE, /^sampleCategorical: logits must be a Float32Array \(got Array\(2\)\); convert with/);
      expectError(() => m.topk(new Int32Array(4) as never, 2, 1), TypeError, TYPE, /^topk: x must be a Float32Array \(got Int32Array\(4\)\); convert with Float32Array\.from\(x\)$/);
      // not array-like: no conversion to suggest
      expectError(() => m.softmax('abc' as never, 3), TypeError, TYPE, /^softmax: x must be a Float32Array \(got string "abc"\)$/);
      // an output buffer passed where the options go
      expectError(() => m.softmax(x, 3, x as never), TypeError, TYPE, /^softmax: options must be an object, received Float32Array\(6\); to write into it, pass \{ out: buffer \}$/);
      // outputs are the caller's own buffers: no conversion either
      expectError(() => m.softmax(x, 3, { out: [] as never }), TypeError, TYPE, /^softmax: options\.out must be a Float32Array \(got Array\(0\)\)$/);
    });
    test('option errors name the function', () => {
      expectError(() => m.softmax(x, 3, { temperature: 0 }), RangeError, RANGE, /^softmax: options\.temperature = 0 is out of range/);
      expectError(() => m.logSumExp(x, 3, { temperature: -1 }), RangeError, RANGE, /^logSumExp: options\.temperature = -1/);
      expectError(() => m.logSoftmax(x, 3, { temperature: NaN }), RangeError, RANGE, /^logSoftmax: options\.temperature = NaN/);
    });
    test('cols errors name the function', () => {
      expectError(() => m.softmax(x, undefined as never), TypeError, TYPE, /^softmax: cols must be a number, received undefined$/);
      expectError(() => m.logSumExp(x, 4), RangeError, RANGE, /^logSumExp: x\.length = 6 is not a multiple of cols = 4/);
      expectError(() => m.topk(x, 0, 1), RangeError, RANGE, /^topk: cols = 0 is out of range/);
      expectError(() => m.argmax(x, 2.5), RangeError, RANGE, /^argmax: cols = 2\.5/);
      expectError(() => m.gumbelSoftmax(x, -1, { seed: 1 }), RangeError, RANGE, /^gumbelSoftmax: cols = -1/);
      if (label === 'lk') expectError(() => lk.setThreads(0), RangeError, RANGE, /^setThreads: n = 0/);
      expectError(() => new m.Rng(-1), RangeError, RANGE, /^Rng: seed = -1/);
      expectError(() => new m.Rng(1).advance(1.5), RangeError, RANGE, /^Rng\.advance: blocks = 1\.5/);
      expectError(() => new m.Rng(1).advance('2' as never), TypeError, TYPE, /^Rng\.advance: blocks must be a number or a bigint/);
    });
  });
}

describe('types say what the defaults guarantee', () => {
  test('softmaxCrossEntropy: grad is a Float32Array unless grad: false; loss a number unless reduction: none', () => {
    const x = new Float32Array(6);
    const y = new Int32Array(2);
    expectTypeOf(lk.softmaxCrossEntropy(x, y).grad).toEqualTypeOf<Float32Array>();
    expectTypeOf(lk.softmaxCrossEntropy(x, y).loss).toEqualTypeOf<number>();
    expectTypeOf(lk.softmaxCrossEntropy(x, y, { labelSmoothing: 0.1 }).grad).toEqualTypeOf<Float32Array>();
    expectTypeOf(lk.softmaxCrossEntropy(x, y, { grad: x }).grad).toEqualTypeOf<Float32Array>();
    expectTypeOf(lk.softmaxCrossEntropy(x, y, { grad: false }).grad).toEqualTypeOf<undefined>();
    expectTypeOf(lk.softmaxCrossEntropy(x, y, { reduction: 'none' }).loss).toEqualTypeOf<Float32Array>();
    expectTypeOf(lk.softmaxCrossEntropy(x, y, { reduction: 'none' }).grad).toEqualTypeOf<Float32Array>();
    const wide: lk.SoftmaxCrossEntropyOptions = {};
    expectTypeOf(lk.softmaxCrossEntropy(x, y, wide).grad).toEqualTypeOf<Float32Array | undefined>();
    expectTypeOf(ref.softmaxCrossEntropyAsync(x, y)).resolves.toHaveProperty('grad').toEqualTypeOf<Float32Array>();
    expect(lk.softmaxCrossEntropy(x, y, { grad: false }).grad).toBeUndefined();
  });
});
