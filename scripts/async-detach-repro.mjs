// Transfers (detaches) the buffers of in-flight ...Async calls and forces GC, so that freed
// memory would be touched if a job still used the caller's buffers. Run under the ASan build
// (scripts/sanitize.sh) it fails on any heap-use-after-free; on any build it checks the
// documented outcome: a transferred input does not change the result (the call works on a copy
// taken at the call), a transferred output rejects with ERR_LOGITKIT_DETACHED (nothing written).
//   node --expose-gc scripts/async-detach-repro.mjs [iterations]
import assert from 'node:assert/strict';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const lk = await import(process.env.LOGITKIT_ENTRY ?? new URL('../dist/index.js', import.meta.url).href);
if (lk.backend().name !== 'native' && !process.env.LOGITKIT_ALLOW_JS) throw new Error('native backend not loaded');
const iterations = Number(process.argv[2] ?? 20);

let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 8 - 4;
const randn = (n) => Float32Array.from({ length: n }, rand);
const detach = (a) => structuredClone(a.buffer, { transfer: [a.buffer] });
const garbage = () => { for (let i = 0; i < 8; i++) new Float32Array(1 << 16).fill(7); };

// Blockers: long async calls that occupy every libuv thread, so the call under test is still
// queued (not yet started) when its buffers are transferred and collected. Without them the
// race is timing-dependent; with them a build that uses the caller's memory touches freed
// memory every time (scripts/sanitize.sh runs with UV_THREADPOOL_SIZE=1 to make them cheap).
const pool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
const bigCols = 4096, big = randn(512 * bigCols);
let blockers = [];
const block = () => { blockers = Array.from({ length: pool }, () => lk.logSoftmaxAsync(big, bigCols)); };
const unblock = async () => { await Promise.all(blockers); blockers = []; };
const settle = async () => { gc(); garbage(); await new Promise((r) => setTimeout(r, 1)); gc(); };

// A promise that may reject while the case is still detaching and collecting: mark it handled at
// once (the case still checks its outcome), so that the rejection is never "unhandled".
const h = (p) => (p.catch(() => {}), p);
async function expectDetached(p, what) {
  await assert.rejects(p, (e) => e.code === 'ERR_LOGITKIT_DETACHED' && e instanceof TypeError, what);
}
// REPRO_EXERCISE_ONLY=1: run the calls without checking outcomes (to show that ASan catches a
// build without the private copies: only the sanitizer is the judge then).
const exerciseOnly = !!process.env.REPRO_EXERCISE_ONLY;

const rows = 64, cols = 4096, n = rows * cols;
const cases = {
  // The repro on a large input, so the work outlasts the transfer and the collection.
  async logSoftmaxOutLarge() {
    block();
    const x = randn(1024 * cols), out = new Float32Array(x.length);
    const p = h(lk.logSoftmaxAsync(x, cols, { out }));
    detach(out); await settle();
    await expectDetached(p, 'logSoftmaxAsync out (large)');
  },
  async logSoftmaxInLarge() {
    block();
    const x = randn(1024 * cols);
    const p = h(lk.logSoftmaxAsync(x, cols));
    detach(x); await settle();
    assert.equal((await p).length, 1024 * cols);
  },
  // Views of a SharedArrayBuffer are used in place: every JS reference dropped and collected
  // meanwhile must not free them (the job references the views).
  async sharedDropped() {
    block();
    const keep = randn(n);
    const want = lk.logSoftmax(keep, cols);
    const p = h((() => {
      const x = new Float32Array(new SharedArrayBuffer(n * 4)), out = new Float32Array(new SharedArrayBuffer(n * 4));
      x.set(keep);
      return lk.logSoftmaxAsync(x, cols, { out });
    })());
    await settle();
    assert.deepEqual(Array.from(await p), Array.from(want));
  },
  // The repro: the output transferred while the job writes it.
  async logSoftmaxOut() {
    block();
    const x = randn(n), out = new Float32Array(n);
    const p = h(lk.logSoftmaxAsync(x, cols, { out }));
    detach(out); await settle();
    await expectDetached(p, 'logSoftmaxAsync out');
  },
  // The input transferred while the job reads it: the result is the sync one.
  async logSoftmaxIn() {
    block();
    const x = randn(n), keep = x.slice();
    const p = h(lk.logSoftmaxAsync(x, cols));
    detach(x); await settle();
    assert.deepEqual(await p, lk.logSoftmax(keep, cols));
  },
  async softmaxInPlace() {
    block();
    const x = randn(n);
    const p = h(lk.softmaxAsync(x, cols, { out: x }));
    detach(x); await settle();
    await expectDetached(p, 'softmaxAsync in place');
  },
  async xentGradIsLogits() {
    block();
    const x = randn(n), labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % cols);
    const p = h(lk.softmaxCrossEntropyAsync(x, labels, { grad: x }));
    detach(x); detach(labels); await settle();
    await expectDetached(p, 'softmaxCrossEntropyAsync grad: x');
  },
  async xentInputs() {
    block();
    const x = randn(n), labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % cols);
    const want = lk.softmaxCrossEntropy(x.slice(), labels.slice(), { reduction: 'none' });
    const p = h(lk.softmaxCrossEntropyAsync(x, labels, { reduction: 'none' }));
    detach(x); detach(labels); await settle();
    const got = await p;
    assert.deepEqual(got.loss, want.loss);
    assert.deepEqual(got.grad, want.grad);
  },
  async topkValues() {
    block();
    const x = randn(n), values = new Float32Array(rows * 8), indices = new Int32Array(rows * 8);
    const p = h(lk.topkAsync(x, cols, 8, { out: { values, indices } }));
    detach(x); detach(indices); await settle();
    await expectDetached(p, 'topkAsync indices');
    assert.ok(values.every((v) => v === 0), 'nothing written on rejection');
  },
  async bce() {
    block();
    const x = randn(n), t = randn(n).map((v) => (v > 0 ? 1 : 0)), grad = new Float32Array(n);
    const p = h(lk.binaryCrossEntropyWithLogitsAsync(x, t, { grad }));
    detach(x); detach(t); detach(grad); await settle();
    await expectDetached(p, 'binaryCrossEntropyWithLogitsAsync grad');
  },
  async lseAndBackward() {
    block();
    const x = randn(n), y = lk.softmax(x, cols), dy = randn(n);
    const want = lk.softmaxBackward(y.slice(), dy.slice(), cols);
    const p1 = h(lk.logSumExpAsync(x, cols)), p2 = h(lk.softmaxBackwardAsync(y, dy, cols));
    detach(x); detach(y); detach(dy); await settle();
    assert.equal((await p1).length, rows);
    assert.deepEqual(await p2, want);
  },
  async argmaxOut() {
    block();
    const x = randn(n), out = new Int32Array(rows);
    const p = h(lk.argmaxAsync(x, cols, { out }));
    detach(x); detach(out); await settle();
    await expectDetached(p, 'argmaxAsync out');
  },
  async samplers() {
    block();
    const x = randn(n), keep = x.slice();
    const want = lk.sampleCategorical(keep, cols, { seed: 9 });
    const p1 = h(lk.sampleCategoricalAsync(x, cols, { seed: 9 }));
    const out = new Float32Array(n);
    const p2 = h(lk.sample.normalAsync(n, { mean: randn(n) }, { seed: 3, out }));
    const p3 = h(lk.gumbelSoftmaxAsync(x, cols, { seed: 4 }));
    const p4 = h(lk.gumbelTopKAsync(x, cols, 4, { seed: 5 }));
    const loc = randn(n), p5 = h(lk.truncatedGumbelAsync(loc, 0.5, { seed: 6, out: loc }));
    const g = new Float32Array(n), p6 = h(lk.gumbelAsync(n, { seed: 7, out: g }));
    detach(x); detach(out); detach(loc); detach(g); await settle();
    // Settle all of them before looking at any (a rejection must never go unhandled).
    const [r1, r2, r3, r4, r5, r6] = await Promise.allSettled([p1, p2, p3, p4, p5, p6]);
    assert.deepEqual(r1.value, want);
    for (const [r, what] of [[r2, 'sample.normalAsync out'], [r5, 'truncatedGumbelAsync out'], [r6, 'gumbelAsync out']]) {
      assert.equal(r.status, 'rejected', what);
      assert.equal(r.reason.code, 'ERR_LOGITKIT_DETACHED', what);
    }
    assert.equal(r3.value.index.length, rows);
    assert.equal(r4.value.indices.length, rows * 4);
  },
};

const started = Date.now();
for (let it = 0; it < iterations; it++) {
  for (const [name, f] of Object.entries(cases)) {
    try {
      await f();
      await unblock();
    } catch (e) {
      if (exerciseOnly) continue;
      console.error(`async-detach-repro: case ${name}, iteration ${it}: ${e.stack ?? e}`);
      process.exit(1);
    }
  }
}
console.log(`async-detach-repro: ${iterations} × ${Object.keys(cases).length} cases ok in ${Date.now() - started} ms (backend ${lk.backend().name}/${lk.backend().isa})`);
