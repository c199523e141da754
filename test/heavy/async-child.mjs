// Child-process scenarios for test/heavy/async.test.ts (each can crash only its own process).
//   node [--expose-gc] test/heavy/async-child.mjs <scenario> [args]
// Prints one JSON line with what it measured; exits non-zero on a wrong result.
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';

const entry = new URL('../../dist/index.js', import.meta.url).href;
const lk = await import(entry);
const [scenario, arg] = process.argv.slice(2);
const rnd = (n, s = 1) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = Math.sin((i + s) * 12.9898) * 8; return a; };
const mb = () => process.memoryUsage().rss / 2 ** 20;
const report = (o) => console.log(JSON.stringify(o));

// Every family's calls on small inputs, sync and async (the async ones awaited in batches).
function families(i) {
  const x = rnd(4 * 33, i), y = new Int32Array([0, 5, 32, -100]);
  return [
    () => lk.logSoftmax(x, 33), () => lk.logSumExp(x, 33), () => lk.softmaxCrossEntropy(x, y),
    () => lk.binaryCrossEntropyWithLogits(x, x), () => lk.topk(x, 33, 3), () => lk.argmax(x, 33),
    () => lk.gumbel(64, { seed: i }), () => lk.sampleCategorical(x, 33, { seed: i }), () => lk.gumbelTopK(x, 33, 2, { seed: i }),
    () => lk.sample.normal(64, {}, { seed: i }), () => new lk.Rng(i).uniform(16),
  ];
}
function asyncFamilies(i) {
  const x = rnd(4 * 33, i), y = new Int32Array([0, 5, 32, -100]);
  return [
    () => lk.logSoftmaxAsync(x, 33), () => lk.logSumExpAsync(x, 33), () => lk.softmaxCrossEntropyAsync(x, y),
    () => lk.binaryCrossEntropyWithLogitsAsync(x, x), () => lk.topkAsync(x, 33, 3), () => lk.argmaxAsync(x, 33),
    () => lk.gumbelAsync(64, { seed: i }), () => lk.sampleCategoricalAsync(x, 33, { seed: i }), () => lk.gumbelTopKAsync(x, 33, 2, { seed: i }),
    () => lk.sample.normalAsync(64, {}, { seed: i }), () => lk.softmaxBackwardAsync(x, x, 33),
  ];
}

const scenarios = {
  // N calls per family keep RSS flat: growth from the warmed-up state, sync then async.
  async rss() {
    const n = Number(arg ?? 100000);
    const fam = families(1).length;
    const run = async (k0, k1) => {
      for (let f = 0; f < fam; f++) for (let i = k0; i < k1; i++) families(i)[f]();
      for (let f = 0; f < fam; f++) {
        for (let i = k0; i < k1; i += 1000) {
          const ps = [];
          for (let j = i; j < Math.min(k1, i + 1000); j++) ps.push(asyncFamilies(j)[f]());
          await Promise.all(ps);
        }
      }
    };
    await run(0, 5000);
    global.gc?.();
    const before = mb();
    await run(5000, 5000 + n);
    global.gc?.();
    report({ calls: n * fam * 2, before, after: mb() });
  },

  // Async calls keep working when JS drops every reference and GC runs meanwhile.
  async gc() {
    const want = lk.logSoftmax(rnd(256 * 4096, 3), 4096);
    const lbl = new Int32Array(256).map((_, i) => i);
    const wantCe = lk.softmaxCrossEntropy(rnd(256 * 4096, 3), lbl);
    for (let it = 0; it < 20; it++) {
      const p = (() => lk.logSoftmaxAsync(rnd(256 * 4096, 3), 4096))();
      const q = (() => lk.softmaxCrossEntropyAsync(rnd(256 * 4096, 3), lbl.slice()))();
      for (let g = 0; g < 3; g++) { global.gc(); new Float32Array(1 << 20).fill(1); }
      assert.deepEqual(await p, want);
      const r = await q;
      assert.equal(r.loss, wantCe.loss);
      assert.deepEqual(r.grad, wantCe.grad);
    }
    report({ ok: true });
  },

  // Worker threads loading the module at once: their async results equal the sync ones here.
  async workers() {
    const n = Number(arg ?? 4);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(${JSON.stringify(entry)}).then(async (lk) => {
        const x = new Float32Array(64 * 1000).map((_, i) => Math.sin((i + workerData) * 12.9898) * 8);
        const ps = [];
        for (let i = 0; i < 200; i++) ps.push(i % 2 ? lk.logSoftmaxAsync(x, 1000) : lk.sampleCategoricalAsync(x, 1000, { seed: i }));
        const got = await Promise.all(ps);
        const sums = got.map((a) => a.reduce((s, v) => s + v, 0));
        parentPort.postMessage({ sums, sync: [lk.logSoftmax(x, 1000).reduce((s, v) => s + v, 0)] });
      });`;
    const results = await Promise.all(Array.from({ length: n }, (_, w) => new Promise((res, rej) => {
      const wk = new Worker(code, { eval: true, workerData: w });
      wk.once('message', res);
      wk.once('error', rej);
    })));
    results.forEach((r, w) => {
      const x = new Float32Array(64 * 1000).map((_, i) => Math.sin((i + w) * 12.9898) * 8);
      const ls = lk.logSoftmax(x, 1000).reduce((s, v) => s + v, 0);
      r.sums.forEach((s, i) => assert.equal(s, i % 2 ? ls : lk.sampleCategorical(x, 1000, { seed: i }).reduce((a, v) => a + v, 0)));
      assert.equal(r.sync[0], ls);
    });
    report({ workers: n, calls: n * 200 });
  },

  // setThreads changed many times, with async work queued: no thread or descriptor leaks.
  async threads() {
    const { readdirSync } = await import('node:fs');
    const count = () => ({ threads: readdirSync('/proc/self/task').length, fds: readdirSync('/proc/self/fd').length });
    const x = rnd(64 * 4096);
    const want = lk.logSoftmax(x, 4096);
    lk.setThreads(4);
    await lk.logSoftmaxAsync(x, 4096);
    lk.setThreads(1);
    const before = count();
    for (let i = 0; i < 200; i++) {
      const p = lk.logSoftmaxAsync(x, 4096);
      lk.setThreads(1 + (i % 4));
      assert.deepEqual(await p, want);
    }
    lk.setThreads(1);
    report({ before, after: count() });
  },

  // Workers terminated while their async calls are in flight: no crash, no growing RSS.
  async terminate() {
    const rounds = Number(arg ?? 30);
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(entry)}).then((lk) => {
        const x = new Float32Array(256 * 4096).fill(1);
        for (let i = 0; i < 16; i++) lk.logSoftmaxAsync(x, 4096);
        for (let i = 0; i < 16; i++) lk.softmaxCrossEntropyAsync(x, new Int32Array(256));
        parentPort.postMessage('started');
      });`;
    const once = () => new Promise((res, rej) => {
      const wk = new Worker(code, { eval: true });
      wk.once('error', rej);
      wk.once('message', () => wk.terminate().then(res, rej));
    });
    for (let i = 0; i < 5; i++) await once();
    global.gc?.();
    const before = mb();
    for (let i = 0; i < rounds; i++) await once();
    global.gc?.();
    // The process still works afterwards.
    assert.deepEqual(await lk.logSoftmaxAsync(new Float32Array([0, 0]), 2), new Float32Array([-Math.LN2, -Math.LN2]));
    report({ rounds, before, after: mb() });
  },
};

await scenarios[scenario]();
