#!/usr/bin/env node
// Fresh outputs vs `out`: the default call (logitkit allocates the output, lib/alloc.ts) against
// the same call into a preallocated buffer, and against the allocation the library used before
// (a zero-filled `new Float32Array(n)` passed as `out`), in alternating rounds (A/B/C, B/C/A,
// ... so a noisy neighbour hits every variant alike); medians, plus minor page faults per call.
//
//   node bench/fresh.mjs [--threads 1,2] [--rounds 15] [--only logsoftmax,ce,...]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lk = createRequire(import.meta.url)(path.join(path.resolve(process.env.LOGITKIT_BENCH_LIB ?? root), 'dist', 'index.cjs'));
const { values: a } = parseArgs({ options: { threads: { type: 'string', default: '1,2' }, rounds: { type: 'string', default: '15' }, only: { type: 'string' } } });
const THREADS = a.threads.split(',').map(Number);
const ROUNDS = Number(a.rounds);
const only = a.only ? new Set(a.only.split(',')) : null;

function randn(n, seed) {
  let s = seed >>> 0 || 1;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; x[i] = ((s >>> 8) / 2 ** 24 - 0.5) * 16; }
  return x;
}
const labels = (rows, cols) => Int32Array.from({ length: rows }, (_, i) => (i * 7919) % cols);

// name → { fresh, out, zeroed } closures
const W = [];
for (const [r, c] of [[4096, 1000], [64, 128256], [256, 32000]]) {
  const x = randn(r * c, r ^ c), out = new Float32Array(r * c), y = labels(r, c), g = new Float32Array(r * c);
  W.push(['logsoftmax', `logSoftmax (${r}, ${c})`, { fresh: () => lk.logSoftmax(x, c), out: () => lk.logSoftmax(x, c, { out }), zeroed: () => lk.logSoftmax(x, c, { out: new Float32Array(r * c) }) }]);
  W.push(['softmax', `softmax (${r}, ${c})`, { fresh: () => lk.softmax(x, c), out: () => lk.softmax(x, c, { out }), zeroed: () => lk.softmax(x, c, { out: new Float32Array(r * c) }) }]);
  W.push(['ce', `CE grad (${r}, ${c})`, { fresh: () => lk.softmaxCrossEntropy(x, y, { grad: true }), out: () => lk.softmaxCrossEntropy(x, y, { grad: g }), zeroed: () => lk.softmaxCrossEntropy(x, y, { grad: new Float32Array(r * c) }) }]);
}
{
  const n = 16 << 20, out = new Float32Array(n);
  W.push(['gumbel', 'gumbel 16M', { fresh: () => lk.gumbel(n, { seed: 1 }), out: () => lk.gumbel(n, { seed: 1, out }), zeroed: () => lk.gumbel(n, { seed: 1, out: new Float32Array(n) }) }]);
  const m = 4 << 20, o2 = new Float32Array(m);
  W.push(['sample', 'sample.normal 4M', { fresh: () => lk.sample.normal(m, {}, { seed: 1 }), out: () => lk.sample.normal(m, {}, { seed: 1, out: o2 }), zeroed: () => lk.sample.normal(m, {}, { seed: 1, out: new Float32Array(m) }) }]);
}
{
  const [r, c] = [64, 50257], x = randn(r * c, 99);
  const oi = new Int32Array(r);
  W.push(['sample', 'sampleCategorical (64, 50257)', { fresh: () => lk.sampleCategorical(x, c, { seed: 1 }), out: () => lk.sampleCategorical(x, c, { seed: 1, out: oi }), zeroed: () => lk.sampleCategorical(x, c, { seed: 1, out: new Int32Array(r) }) }]);
  for (const k of [50, 1000]) {
    const v = new Float32Array(r * k), i = new Int32Array(r * k);
    W.push(['topk', `topk k=${k} (64, 50257)`, { fresh: () => lk.topk(x, c, k), out: () => lk.topk(x, c, k, { out: { values: v, indices: i } }), zeroed: () => lk.topk(x, c, k, { out: { values: new Float32Array(r * k), indices: new Int32Array(r * k) } }) }]);
  }
}

const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
const faults = () => process.resourceUsage().minorPageFault;
console.log(`# fresh outputs vs out: ${lk.backend().isa}, median of ${ROUNDS} alternating rounds; faults = minor page faults per call (fresh/zeroed); cpu = user+system CPU ms per call (all threads)`);
console.log(`${'workload'.padEnd(32)}${'T'.padStart(3)}${'out ms'.padStart(9)}${'fresh ms'.padStart(10)}${'zeroed ms'.padStart(11)}${'fresh/out'.padStart(11)}${'zeroed/out'.padStart(12)}${'faults f/z'.padStart(13)}${'cpu ms o/f/z'.padStart(20)}`);
for (const [sec, name, v] of W) {
  if (only && !only.has(sec)) continue;
  for (const th of THREADS) {
    lk.setThreads(th);
    const keys = Object.keys(v);
    const t = Object.fromEntries(keys.map((k) => [k, []]));
    const cpu = Object.fromEntries(keys.map((k) => [k, []]));
    const f = Object.fromEntries(keys.map((k) => [k, 0]));
    for (const k of keys) { v[k](); v[k](); }
    for (let r = 0; r < ROUNDS; r++) {
      for (let j = 0; j < keys.length; j++) {
        const k = keys[(j + r) % keys.length];
        const f0 = faults();
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        v[k]();
        t[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
        const c = process.cpuUsage(c0);
        cpu[k].push((c.user + c.system) / 1e3);
        f[k] += faults() - f0;
      }
    }
    const m = Object.fromEntries(keys.map((k) => [k, median(t[k])]));
    const mc = Object.fromEntries(keys.map((k) => [k, median(cpu[k])]));
    const x3 = (z) => z.toFixed(z >= 10 ? 1 : 2);
    console.log(`${name.padEnd(32)}${String(th).padStart(3)}${x3(m.out).padStart(9)}${x3(m.fresh).padStart(10)}${x3(m.zeroed).padStart(11)}${(m.fresh / m.out).toFixed(2).padStart(11)}${(m.zeroed / m.out).toFixed(2).padStart(12)}${`${Math.round(f.fresh / ROUNDS)}/${Math.round(f.zeroed / ROUNDS)}`.padStart(13)}${`${x3(mc.out)}/${x3(mc.fresh)}/${x3(mc.zeroed)}`.padStart(20)}`);
  }
}
