#!/usr/bin/env node
// Quick single-thread timing of the fused softmax cross-entropy (forward + backward), outside
// the full `npm run bench` harness: node bench/xent-quick.mjs [ROWSxCOLS ...]
//
// Times logitkit's softmaxCrossEntropy from dist/ (npm run build first; LOGITKIT_BENCH_LIB=DIR
// points at another build) with setThreads(1), median of N calls (N=15, env N) after 3 warm-up
// calls, in four ways: gradient in place (grad: logits), into a preallocated buffer, into a
// fresh array (grad: true, paying its page faults) and forward only (grad: false). GB/s counts
// 8·rows·cols bytes (logits read once, gradient written once). A memcpy of the same size is
// timed first as a yardstick of what the machine's memory gives right now.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = path.resolve(process.env.LOGITKIT_BENCH_LIB ?? root);
const lk = createRequire(import.meta.url)(path.join(lib, 'dist', 'index.cjs'));

const N = Number(process.env.N ?? 15), WARMUP = 3;
const shapes = (process.argv.length > 2 ? process.argv.slice(2) : ['64x128256', '256x32000', '4096x1000'])
  .map((s) => s.split('x').map(Number));
lk.setThreads(1);

const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
function time(fn, before = () => {}) {
  const ts = [];
  for (let i = 0; i < WARMUP + N; i++) {
    before();
    const t0 = process.hrtime.bigint();
    fn();
    const t1 = process.hrtime.bigint();
    if (i >= WARMUP) ts.push(Number(t1 - t0) / 1e6);
  }
  return { ms: median(ts), min: Math.min(...ts) };
}
function randomLogits(n) {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    a[i] = ((s >>> 8) / 2 ** 24) * 16 - 8;
  }
  return a;
}

const info = lk.backend();
console.log(`logitkit ${info.version} ${info.name}/${info.isa}, 1 thread, median of ${N}`);
for (const [rows, cols] of shapes) {
  const n = rows * cols, bytes = 8 * n;
  const x = randomLogits(n), work = new Float32Array(n), out = new Float32Array(n).fill(1);
  const labels = new Int32Array(rows).map((_, r) => (r * 7919) % cols);
  const copy = time(() => work.set(x));
  const rowsOut = [
    ['in place', time(() => lk.softmaxCrossEntropy(work, labels, { grad: work }), () => work.set(x))],
    ['grad buffer', time(() => lk.softmaxCrossEntropy(x, labels, { grad: out }))],
    ['fresh grad', time(() => lk.softmaxCrossEntropy(x, labels))],
    ['forward only', time(() => lk.softmaxCrossEntropy(x, labels, { grad: false }))],
  ];
  console.log(`(${rows}, ${cols}): memcpy of ${(4 * n / 2 ** 20).toFixed(0)} MiB ${copy.ms.toFixed(2)} ms = ${(bytes / copy.ms / 1e6).toFixed(1)} GB/s`);
  for (const [label, t] of rowsOut) {
    console.log(`  ${label.padEnd(12)} ${t.ms.toFixed(3)} ms  ${(bytes / t.ms / 1e6).toFixed(1)} GB/s  (min ${t.min.toFixed(3)} ms)`);
  }
}
