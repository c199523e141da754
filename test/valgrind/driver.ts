// A few hundred calls per family through the public API, for scripts/valgrind.sh (memcheck).
// Shapes around the vector widths, a row crossing the 2048 block, in place, unaligned views,
// masks and specials, 1 and 2 threads, async calls. Bundled by the script with esbuild.
import * as lk from '../../lib/index.js';

const calls: Record<string, number> = {};
const count = (f: string) => { calls[f] = (calls[f] ?? 0) + 1; };
const f32 = (n: number, seed: number, scale = 8) => {
  const a = new Float32Array(n);
  let s = seed * 2654435761 >>> 0 || 1;
  for (let i = 0; i < n; i++) { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; a[i] = ((s >>> 8) / 2 ** 24 - 0.5) * 2 * scale; }
  return a;
};
const odd = (a: Float32Array) => { const v = new Float32Array(new ArrayBuffer(a.byteLength + 8), 4, a.length); v.set(a); return v; };
const SHAPES: [number, number][] = [[1, 1], [2, 7], [3, 15], [2, 16], [2, 17], [1, 31], [2, 33], [1, 2049], [3, 100]];

async function main() {
  for (const [rep, threads] of [[0, 1], [1, 2], [2, 1], [3, 2]]) {
    lk.setThreads(threads);
    for (const [rows, cols] of SHAPES) {
      const seed = rows * 100 + cols + threads + 1000 * rep;
      const x = f32(rows * cols, seed);
      if (cols > 3) { x[1] = -Infinity; x[2] = 3e38; x[3] = -0; }
      const o = { temperature: 0.7 };
      lk.softmax(x, cols, o); lk.logSoftmax(odd(x), cols, o); lk.logSumExp(x, cols); count('softmax'); count('softmax'); count('softmax');
      const ip = x.slice(); lk.softmax(ip, cols, { out: ip }); count('softmax');
      lk.softmaxBackward(lk.softmax(x, cols), f32(x.length, seed + 1), cols); count('softmax');
      for (const f of ['sigmoid', 'logSigmoid', 'softplus'] as const) { lk[f](x); count('softmax'); }
      lk.logit(x.map((v) => Math.abs(Math.tanh(v)))); count('softmax');
      await lk.softmaxAsync(x, cols); await lk.logSoftmaxAsync(x, cols); count('softmax'); count('softmax');
      const labels = new Int32Array(rows).map((_, r) => (r * 7) % cols);
      lk.softmaxCrossEntropy(x, labels, { cols }); count('xent');
      lk.softmaxCrossEntropy(x.slice(), labels, { cols, labelSmoothing: 0.1, zLoss: 1e-4, reduction: 'none', classWeights: f32(cols, 3, 1).map(Math.abs) }); count('xent');
      const g = x.slice(); lk.softmaxCrossEntropy(g, labels, { grad: g }); count('xent');
      await lk.softmaxCrossEntropyAsync(x, labels); count('xent');
      lk.binaryCrossEntropyWithLogits(x, x.map((v) => (v > 0 ? 1 : 0.25)), { posWeight: f32(cols, 5, 1).map(Math.abs), reduction: 'none' }); count('xent');
      lk.binaryCrossEntropyWithLogits(odd(x), x.map(() => 0.5), { posWeight: 2 }); count('xent');
      for (const k of [1, Math.min(cols, 3), cols]) {
        lk.topk(x, cols, k); lk.topk(odd(x), cols, k, { largest: false, sorted: false }); count('topk'); count('topk');
      }
      await lk.topkAsync(x, cols, 1); lk.argmax(x, cols); count('topk'); count('topk');
      const finite = x.map((v) => (Number.isFinite(v) ? v : 0));
      lk.sampleCategorical(finite, cols, { seed }); lk.gumbelTopK(finite, cols, Math.min(cols, 4), { seed }); count('sampling'); count('sampling');
      lk.gumbelSoftmax(finite, cols, { seed, tau: 0.5 }); lk.gumbelSoftmax(finite, cols, { seed, hard: true }); count('sampling'); count('sampling');
      lk.truncatedGumbel(finite, 0.5, { seed }); lk.gumbel(x.length, { seed }); count('sampling'); count('sampling');
      for (const s of ['normal', 'exponential', 'laplace', 'cauchy', 'logNormal', 'rademacher'] as const) { (lk.sample as any)[s](x.length, {}, { seed }); count('sampling'); }
      lk.sample.gamma(x.length, { shape: 0.5 }, { seed }); count('sampling');
      const r = new lk.Rng(seed);
      for (const n of [1, 3, 4, 5, 17, x.length]) { r.uniform(n); r.uint32(n); count('rng'); count('rng'); }
      r.advance(3); r.uniform(7, { out: new Float32Array(7) }); count('rng');
      const vocab = cols + 1;
      const model = (p: Int32Array[]) => { const out = f32(p.length * vocab, p.length + vocab, 3); return out; };
      await lk.beamSearch({ k: 2, maxLength: 3, start: 1, eos: 0, logProbs: model, normalize: true }); count('beam');
      await lk.stochasticBeamSearch({ k: 3, maxLength: 3, start: 1, eos: 0, logProbs: model, normalize: true, seed }); count('beam');
    }
  }
  lk.setThreads(1);
  console.log(`valgrind driver: ${JSON.stringify(calls)} (backend ${JSON.stringify(lk.backend())})`);
}
main();
