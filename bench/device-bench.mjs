#!/usr/bin/env node
// The device benchmark of bench/device.sh: the issue's GPU workloads on the CPU (this process's
// tier, all threads) or on the GPU (device-resident inputs), from dist/ only (no bench
// dependencies: the GPU machine installs nothing). Prints one JSON line per workload.
//   node bench/device-bench.mjs cpu|gpu        (N=5 timed calls after 1 warm-up; env N)
//   node bench/device-bench.mjs table FILE...  one table from the JSON lines of the runs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2];

if (mode === 'table') {
  const rows = process.argv.slice(3).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)));
  const ids = [...new Set(rows.map((r) => r.id))];
  const fmt = (v, d = 2) => (v === undefined || v === null || Number.isNaN(v) ? '—' : v.toFixed(d));
  console.log('| workload | backend | median ms | GB/s | % of peak | vs avx2 |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const id of ids) {
    const of = rows.filter((r) => r.id === id);
    const avx2 = of.find((r) => r.backend === 'cpu-avx2');
    for (const r of of) {
      const vs = avx2 && r.ms ? avx2.ms / r.ms : undefined;
      console.log(`| ${r.title} | ${r.backend}${r.note ? ` (${r.note})` : ''} | ${fmt(r.ms)} | ${fmt(r.gbs, 1)} | ${r.peak ? fmt((100 * r.gbs) / r.peak, 0) + ' %' : '—'} | ${vs ? fmt(vs) + '×' : '—'} |`);
    }
  }
  process.exit(0);
}
if (mode !== 'cpu' && mode !== 'gpu') {
  console.error('usage: node bench/device-bench.mjs cpu|gpu | table FILE...');
  process.exit(2);
}

const lk = createRequire(import.meta.url)(path.join(root, 'dist', 'index.cjs'));
const b = lk.backend();
const N = Number(process.env.N ?? 5);
const backendName = mode === 'gpu' ? `cuda ${b.cudaInfo.name ?? ''}`.trim() : `cpu-${b.isa}`;
if (mode === 'gpu' && !b.cuda) {
  console.error(`device-bench: no CUDA device: ${b.cudaInfo.reason}`);
  process.exit(3);
}
const peak = mode === 'gpu' ? b.cudaInfo.peakBandwidthGBs : undefined;

function fill(n, seed) {
  const x = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    x[i] = (s / 4294967296) * 16 - 8;
  }
  return x;
}
function time(fn) {
  fn();
  const ts = [];
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ts.sort((a, c) => a - c);
  return ts[ts.length >> 1];
}
function report(id, title, bytes, ms, note) {
  console.log(JSON.stringify({ id, title, backend: backendName, note, ms, gbs: bytes / (ms * 1e6), peak, threads: b.threads }));
}

// DEVICE_BENCH_SMOKE=1: tiny shapes, to check the script itself on a machine without a GPU
const smoke = process.env.DEVICE_BENCH_SMOKE === '1';
const big = smoke ? [16, 128256] : [4096, 128256], smp = smoke ? [8, 128256] : [256, 128256];
const xBig = fill(big[0] * big[1], 1);
const labels = Int32Array.from({ length: big[0] }, (_, r) => (r * 7919) % big[1]);
const xSmp = xBig.subarray(0, smp[0] * smp[1]);
const bytesBig = 8 * big[0] * big[1];

if (mode === 'cpu') {
  const grad = new Float32Array(xBig.length);
  report('ce', `softmaxCrossEntropy fwd+bwd (${big})`, bytesBig, time(() => lk.softmaxCrossEntropy(xBig, labels, { grad })), 'grad buffer');
  const out = new Float32Array(xBig.length);
  report('logsoftmax', `logSoftmax (${big})`, bytesBig, time(() => lk.logSoftmax(xBig, big[1], { out })));
  report('categorical', `sampleCategorical (${smp})`, 4 * xSmp.length, time(() => lk.sampleCategorical(xSmp, smp[1], { seed: 1 })));
  report('gumbeltopk', `gumbelTopK k=16 (${smp})`, 4 * xSmp.length, time(() => lk.gumbelTopK(xSmp, smp[1], 16, { seed: 1 })));
} else {
  const d = lk.cuda.upload(xBig);
  const g = lk.cuda.upload(new Float32Array(xBig.length));
  // LOGITKIT_CUDA_ROW_BLOCKS (read by the launcher at each call): rows in flight; fewer let the
  // second read of each row hit L2. Unset = one block per row.
  const sms = b.cudaInfo.multiprocessors ?? 132;
  for (const blocks of [undefined, sms, 2 * sms, 4 * sms]) {
    if (blocks === undefined) delete process.env.LOGITKIT_CUDA_ROW_BLOCKS;
    else process.env.LOGITKIT_CUDA_ROW_BLOCKS = String(blocks);
    const tag = blocks === undefined ? 'one block per row' : `${blocks} blocks`;
    report('ce', `softmaxCrossEntropy fwd+bwd (${big})`, bytesBig, time(() => lk.softmaxCrossEntropy(d, labels, { grad: g })), `device-resident, grad buffer, ${tag}`);
    report('ce', `softmaxCrossEntropy fwd+bwd (${big})`, bytesBig, time(() => lk.softmaxCrossEntropy(d, labels, { grad: d })), `device-resident, in place, ${tag}`);
    report('logsoftmax', `logSoftmax (${big})`, bytesBig, time(() => lk.logSoftmax(d, big[1]).free()), `device-resident, ${tag}`);
  }
  delete process.env.LOGITKIT_CUDA_ROW_BLOCKS;
  g.free();
  d.free();
  const ds = lk.cuda.upload(xSmp);
  report('categorical', `sampleCategorical (${smp})`, 4 * xSmp.length, time(() => lk.sampleCategorical(ds, smp[1], { seed: 1 }).free()), 'device-resident');
  report('gumbeltopk', `gumbelTopK k=16 (${smp})`, 4 * xSmp.length, time(() => {
    const r = lk.gumbelTopK(ds, smp[1], 16, { seed: 1 });
    r.indices.free();
    r.perturbed.free();
  }), 'device-resident');
  ds.free();
  // host arrays in and out, for the 'auto' threshold: the copies included
  report('logsoftmax', `logSoftmax (${big})`, bytesBig, time(() => lk.logSoftmax(xBig, big[1], { device: 'cuda' })), 'host arrays, copies included');
  for (const [rows, cols] of [[16, 4096], [64, 32000], [256, 32000]]) {
    const x = xBig.subarray(0, rows * cols);
    const tc = time(() => lk.logSoftmax(x, cols)), tg = time(() => lk.logSoftmax(x, cols, { device: 'cuda' }));
    console.log(JSON.stringify({ id: 'auto', title: `logSoftmax host (${rows}, ${cols}): cpu ${tc.toFixed(3)} ms vs cuda ${tg.toFixed(3)} ms`, backend: 'threshold', ms: tg, gbs: 8 * x.length / (tg * 1e6) }));
  }
}
