#!/usr/bin/env node
// logitkit head-to-head benchmark: `npm run bench` (after scripts/bench-setup.mjs).
//
//   node bench/run.mjs [--only SECTION,...] [--report DIR]
//                      [--quick] [--full] [--samples N] [--budget MS] [--no-torch] [--python PATH]
//                      [--lib DIR] [--case-timeout S]
//
// Every number is the MEDIAN of a few calls after warm-up (the machine is small, shared and
// noisy). Big workloads use the median-of-N loop in timing.mjs (process.hrtime.bigint);
// sub-2-ms synchronous cases (top-k k=1 and the like) go through Benchmark.js (measureAuto).
// Every peer gets its best configuration, printed under "Configurations". A peer that cannot
// be loaded is reported as "unavailable: <reason>", never fails the run; each section runs in
// its own process, so a crash or a hang (a case running past --case-timeout) costs that case
// only: the section is restarted without it.
//
// This file is the harness only: the workloads are sections, one module each in
// bench/sections/<id>.mjs listed in bench/sections/index.mjs, with their PyTorch peers in
// bench/torch/<file>.py (the contract is in bench/README.md, "Adding a section").

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure, measureAuto, defaults as timingDefaults } from './timing.mjs';
import { graphs } from './onnx.mjs';
import * as plain from './jsbaselines.mjs';
import { writeReport } from './report.mjs';
import SECTIONS from './sections/index.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);

// The command that runs a child node: this node, or LOGITKIT_BENCH_NODE (space-separated) when
// the bench itself runs under an emulator (scripts/arm64-check.sh: `qemu-aarch64-static -L
// /usr/aarch64-linux-gnu …/node`), where process.execPath is a binary the host cannot exec.
const NODE_CMD = process.env.LOGITKIT_BENCH_NODE ? process.env.LOGITKIT_BENCH_NODE.trim().split(/\s+/) : [process.execPath];


// ------------------------------------------------------------------------------------------
// command line
const { values: args } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    report: { type: 'string' },
    quick: { type: 'boolean', default: false },
    samples: { type: 'string' },
    budget: { type: 'string' },
    full: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    python: { type: 'string' },
    lib: { type: 'string' },
    'case-timeout': { type: 'string' },
    // internal: a section run in a child process
    child: { type: 'string' },
    state: { type: 'string' },
    out: { type: 'string' },
    skip: { type: 'string', multiple: true },
    done: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
});
if (args.help) {
  console.log(`usage: node bench/run.mjs [--only ${SECTION_IDS.join(',')}] [--report DIR] [--quick]
       [--full] [--samples N] [--budget MS] [--no-torch] [--python PATH] [--lib DIR]
  --only     run only these sections (comma-separated or repeated); ${SECTIONS.filter((s) => s.parent).map((s) => s.id).join(', ')} always runs
  --report   write results.json, one SVG chart per workload and summary.md into DIR
  --quick    fewer samples (3) and a smaller time budget per case
  --full     also time TensorFlow.js' cpu backend (pure JS, seconds per call) on every
             workload, not only on one per section
  --samples  timed calls per case at most (default ${timingDefaults.samples}); medians are reported
  --budget   time budget per case in ms (default ${timingDefaults.budgetMs})
  --python   python with torch (default $LOGITKIT_BENCH_PYTHON or /usr/bin/python3)
  --lib      root of the logitkit build to time (default: this repository; $LOGITKIT_BENCH_LIB)
  --case-timeout  seconds one case may run before it counts as hung (default 180)`);
  process.exit(0);
}
const SECTION_IDS = SECTIONS.map((s) => s.id);
const only = new Set((args.only ?? []).flatMap((s) => s.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean));
for (const s of only) {
  if (!SECTION_IDS.includes(s)) {
    console.error(`unknown section "${s}" in --only; expected one of ${SECTION_IDS.join(', ')}`);
    process.exit(2);
  }
}
const want = (s) => only.size === 0 || only.has(s);
const T = {
  samples: args.samples ? Number(args.samples) : args.quick ? 3 : timingDefaults.samples,
  budgetMs: args.budget ? Number(args.budget) : args.quick ? 500 : timingDefaults.budgetMs,
};
const libRoot = path.resolve(args.lib ?? process.env.LOGITKIT_BENCH_LIB ?? root);
const FULL = args.full || process.env.LOGITKIT_BENCH_FULL === '1';
const ALL = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

// ------------------------------------------------------------------------------------------
// machine
function machineInfo() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  let flags = [];
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    cpu = /^model name\s*:\s*(.*)$/m.exec(info)?.[1] ?? cpu;
    flags = (/^flags\s*:\s*(.*)$/m.exec(info)?.[1] ?? '').split(/\s+/);
  } catch {}
  const has = (f) => flags.includes(f);
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {}
  return {
    cpu,
    cores: ALL,
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    avx2: has('avx2'),
    fma: has('fma'),
    avx512f: has('avx512f'),
    avx512bw: has('avx512bw'),
    node: process.versions.node,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    commit,
  };
}

// ------------------------------------------------------------------------------------------
// peers: each loader returns the module or records why it is unavailable
const unavailable = new Map(); // peer name -> reason
const configs = new Map(); // peer name -> best configuration used, in words
const firstLine = (e) =>
  String(e?.message ?? e).split('\n')[0].slice(0, 200) +
  (e?.code === 'MODULE_NOT_FOUND' ? ' (bench/node_modules not installed? `npm run bench` installs it)' : '');

function loadLogitkit() {
  const f = path.join(libRoot, 'dist', 'index.cjs');
  if (!fs.existsSync(f)) {
    unavailable.set('logitkit', 'not built yet (dist/index.cjs missing; npm run build)');
    return null;
  }
  try {
    return require(f);
  } catch (e) {
    unavailable.set('logitkit', `failed to load dist/index.cjs: ${firstLine(e)}`);
    return null;
  }
}
function loadReference() {
  const f = path.join(libRoot, 'dist', 'reference', 'index.cjs');
  if (!fs.existsSync(f)) {
    unavailable.set('logitkit reference', 'not built yet (dist/reference/index.cjs missing)');
    return null;
  }
  try {
    return require(f);
  } catch (e) {
    unavailable.set('logitkit reference', `failed to load: ${firstLine(e)}`);
    return null;
  }
}
function loadOrt() {
  try {
    const ort = require('onnxruntime-node');
    const version = ort.env?.versions?.node ?? require('onnxruntime-node/package.json').version;
    configs.set('onnxruntime-node', `${version}; CPU EP, graphOptimizationLevel all, sequential, intra_op threads 1 / ${ALL}, hand-encoded ONNX graphs of one op or a short chain (bench/onnx.mjs), outputs preallocated where ORT accepts it`);
    return ort;
  } catch (e) {
    unavailable.set('onnxruntime-node', firstLine(e));
    return null;
  }
}
async function loadTf() {
  const quiet = { log: console.log, warn: console.warn, info: console.info };
  console.log = console.warn = console.info = () => {}; // tfjs' "install tfjs-node" banner
  try {
    const tf = require('@tensorflow/tfjs');
    let wasm = null;
    try {
      wasm = require('@tensorflow/tfjs-backend-wasm');
    } catch (e) {
      unavailable.set('tfjs-wasm', firstLine(e));
    }
    const backends = {};
    for (const b of ['cpu', 'wasm']) {
      if (b === 'wasm' && !wasm) continue;
      try {
        if (!(await tf.setBackend(b))) throw new Error(`tf.setBackend('${b}') returned false`);
        await tf.ready();
        tf.tensor1d([0]).dispose(); // the cpu backend prints its banner on the first write
        backends[b] = true;
      } catch (e) {
        unavailable.set(`tfjs-${b}`, firstLine(e));
      }
    }
    const simd = backends.wasm ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : false;
    const mt = backends.wasm ? tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') : false;
    configs.set('tfjs', `${tf.version_core}; cpu backend (pure JS) and wasm backend (SIMD ${simd ? 'on' : 'off'}, threads ${mt ? 'on' : 'unavailable in Node: 1 thread'}); compute only, results left in backend memory and disposed; @tensorflow/tfjs-node cannot install offline`);
    return { tf, backends };
  } catch (e) {
    unavailable.set('tfjs', firstLine(e));
    return null;
  } finally {
    Object.assign(console, quiet);
  }
}
// ------------------------------------------------------------------------------------------
// PyTorch, in a child python process (one per run, all sections batched)
function torchEnv(machine) {
  // ATEN_CPU_CAPABILITY=avx512 is PyTorch's fastest setting where the CPU has AVX-512, but
  // torch 1.13 trusts the variable and dies with SIGILL on a CPU without it: cap to avx2.
  // With logitkit capped (LOGITKIT_ISA=avx2 or scalar) PyTorch is capped alike, so that the
  // two compare on the same instruction set; ATEN_CPU_CAPABILITY set by the caller wins.
  const best = machine.avx512f && machine.avx512bw ? 'avx512' : machine.avx2 ? 'avx2' : 'default';
  const isa = process.env.LOGITKIT_ISA;
  const cap = process.env.ATEN_CPU_CAPABILITY ?? (isa === 'avx2' && machine.avx2 ? 'avx2' : isa === 'scalar' ? 'default' : best);
  return {
    ...process.env,
    ATEN_CPU_CAPABILITY: cap,
    GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1:glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432',
  };
}
function runTorch(tasks, machine) {
  if (tasks.length === 0) return null;
  if (args['no-torch']) {
    unavailable.set('PyTorch', 'disabled with --no-torch');
    return null;
  }
  const python = args.python ?? process.env.LOGITKIT_BENCH_PYTHON ?? '/usr/bin/python3';
  if (!fs.existsSync(python)) {
    unavailable.set('PyTorch', `${python} not found`);
    return null;
  }
  const env = torchEnv(machine);
  process.stdout.write(`PyTorch: timing ${tasks.length} cases in ${python} (ATEN_CPU_CAPABILITY=${env.ATEN_CPU_CAPABILITY}) ... `);
  const t0 = Date.now();
  const r = spawnSync(python, [path.join(here, 'torch_bench.py')], {
    input: JSON.stringify({ tasks, samples: T.samples, warmup: 2, budget_ms: T.budgetMs }),
    env,
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 16 << 20,
  });
  console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.error || r.status !== 0) {
    const why = r.error ? firstLine(r.error) : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
    const err = (r.stderr ?? '').trim().split('\n').pop() ?? '';
    unavailable.set('PyTorch', `${why}${err ? `: ${err.slice(0, 160)}` : ''}`);
    return null;
  }
  let out;
  try {
    out = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch (e) {
    unavailable.set('PyTorch', `unparseable output: ${r.stdout.slice(0, 160)}`);
    return null;
  }
  if (out.error) {
    unavailable.set('PyTorch', out.error);
    return null;
  }
  configs.set('PyTorch', `${out.torch}; CPU capability ${out.capability} (ATEN_CPU_CAPABILITY=${env.ATEN_CPU_CAPABILITY}${env.ATEN_CPU_CAPABILITY !== 'avx512' ? (machine.avx512f ? ', capped like logitkit' : ', no AVX-512 on this CPU') : ''}), GLIBC_TUNABLES hugetlb=1 trim/mmap thresholds raised, torch.set_num_threads(1 / ${ALL}), out= buffers where the op takes one`);
  return out;
}

// ------------------------------------------------------------------------------------------
// data
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** N(0, 1)·scale logits, like the PyTorch side's torch.randn(...)·4 */
function randn(n, seed, scale = 4) {
  const r = mulberry32(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = r() + 1e-12;
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u)) * scale;
    x[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) x[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return x;
}
function randLabels(rows, cols, seed) {
  const r = mulberry32(seed);
  return Int32Array.from({ length: rows }, () => Math.floor(r() * cols));
}

// ------------------------------------------------------------------------------------------
// workloads, rows and printing
const results = { date: new Date().toISOString(), machine: null, bandwidthGBs: null, workloads: [], unavailable: {}, configs: {} };
let bandwidthGBs = null;
let onWorkloadDone = () => {};

const skipLabels = new Set(args.skip ?? []); // cases that crashed or hung in an earlier attempt
const doneIds = new Set(args.done ?? []); // workloads finished by an earlier attempt
function newWorkload(section, id, title, bytes, bytesNote, extra = {}) {
  if (doneIds.has(id)) return null;
  const w = { section, id, title, bytes, bytesNote, rows: [], ...extra };
  results.workloads.push(w);
  return w;
}

/** Time one implementation and add its row; never throws. */
async function run(w, row, fn, opts = {}) {
  if (skipLabels.has(row.label)) return skip(w, row, 'error', 'crashed or hung in an earlier attempt; not run again');
  const r = { label: row.label, family: row.family, peer: row.peer, threads: row.threads ?? 1, status: 'running', startedAt: Date.now(), note: row.note };
  w.rows.push(r);
  onWorkloadDone(w); // a crash or hang in this case leaves it marked 'running'
  try {
    if (opts.setup) await opts.setup();
    const m = await (opts.engine === 'loop' ? measure : measureAuto)(fn, { ...T, ...opts.timing });
    delete r.startedAt;
    Object.assign(r, { status: 'ok', medianMs: m.medianMs, minMs: m.minMs, samples: m.samples, engine: m.engine });
  } catch (e) {
    delete r.startedAt;
    r.reason = firstLine(e);
    r.status = /not (yet )?implemented/i.test(r.reason) ? 'skipped' : 'error';
  } finally {
    try {
      if (opts.teardown) await opts.teardown();
    } catch {}
  }
  return r;
}
function skip(w, row, status, reason) {
  w.rows.push({ label: row.label, family: row.family, peer: row.peer, threads: row.threads ?? 1, status, reason });
}
function addTorch(w, torch, id, row) {
  if (!torch) return skip(w, row, 'unavailable', unavailable.get('PyTorch') ?? 'not run');
  const t = torch.results[id];
  if (!t) return skip(w, row, 'error', 'no result');
  if (t.error) return skip(w, row, 'error', t.error);
  w.rows.push({ label: row.label, family: 'peer', peer: 'PyTorch', threads: t.threads ?? row.threads, status: 'ok', medianMs: t.median_ms, minMs: t.min_ms, samples: t.samples, engine: 'python perf_counter_ns median' });
}

function finishWorkload(w) {
  computeWorkload(w);
  w.done = true;
  printWorkload(w);
  onWorkloadDone(w);
}
function computeWorkload(w) {
  const ok = w.rows.filter((r) => r.status === 'ok');
  for (const r of ok) {
    if (w.bytes) {
      r.gbps = w.bytes / (r.medianMs * 1e-3) / 1e9;
      r.fracBw = bandwidthGBs ? r.gbps / bandwidthGBs : null;
    }
    if (w.perItem) r.nsPerItem = (r.medianMs * 1e6) / w.perItem;
  }
  const peers = ok.filter((r) => r.family === 'peer' || r.family === 'baseline');
  const best = peers.reduce((a, b) => (a && a.medianMs <= b.medianMs ? a : b), null);
  const best1 = peers.filter((r) => r.threads === 1).reduce((a, b) => (a && a.medianMs <= b.medianMs ? a : b), null);
  w.bestPeer = best ? { label: best.label, medianMs: best.medianMs } : null;
  w.bestPeer1T = best1 ? { label: best1.label, medianMs: best1.medianMs } : null;
  for (const r of ok) if (best) r.vsBestPeer = best.medianMs / r.medianMs;
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const f3 = (v) => (v === undefined || v === null || !Number.isFinite(v) ? '' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));

function printWorkload(w) {
  console.log(`\n## ${w.title}`);
  if (w.bytes) console.log(`   traffic ${w.bytesNote} = ${(w.bytes / 1e6).toFixed(1)} MB; bandwidth floor ${bandwidthGBs ? f3((w.bytes / (bandwidthGBs * 1e9)) * 1e3) + ' ms' : 'n/a'}`);
  const L = Math.max(44, ...w.rows.map((r) => r.label.length + 1));
  const perItem = w.perItem ? lpad(w.perItemUnit ?? 'ns/item', 10) : '';
  console.log(`   ${pad('implementation', L)}${lpad('median ms', 11)}${lpad('GB/s', 8)}${lpad('% bw', 7)}${lpad('vs best peer', 14)}${perItem}${lpad('n', 4)}`);
  for (const r of w.rows) {
    if (r.status !== 'ok') {
      console.log(`   ${pad(r.label, L)}  ${r.status}: ${r.reason}`);
      continue;
    }
    const mark = r.family === 'logitkit' ? '*' : ' ';
    console.log(
      `  ${mark}${pad(r.label, L)}${lpad(f3(r.medianMs), 11)}${lpad(f3(r.gbps), 8)}${lpad(r.fracBw ? Math.round(r.fracBw * 100) + '%' : '', 7)}${lpad(r.vsBestPeer ? r.vsBestPeer.toFixed(2) + '×' : '', 14)}${w.perItem ? lpad(f3(r.nsPerItem), 10) : ''}${lpad(r.samples ?? '', 4)}`
    );
  }
  const lk1 = w.rows.filter((r) => r.status === 'ok' && r.family === 'logitkit' && r.threads === 1).sort((a, b) => a.medianMs - b.medianMs)[0];
  if (lk1 && w.bestPeer1T) {
    const torch1 = w.rows.find((r) => r.status === 'ok' && r.peer === 'PyTorch' && r.threads === 1);
    const vsTorch = torch1 ? `; vs PyTorch 1T ${(torch1.medianMs / lk1.medianMs).toFixed(2)}×` : '';
    console.log(`   logitkit 1 thread (${lk1.label}) vs best 1-thread peer (${w.bestPeer1T.label}): ${(w.bestPeer1T.medianMs / lk1.medianMs).toFixed(2)}× ${lk1.medianMs <= w.bestPeer1T.medianMs ? 'faster' : 'slower (ratio < 1)'}${vsTorch}`);
  }
}

// ------------------------------------------------------------------------------------------
// logitkit helpers
let lk = null; // native (dist/index.cjs)
let ref = null; // reference (dist/reference/index.cjs)
function lkLabel(threads) {
  const be = lk?.backend?.();
  const name = be ? (be.name === 'native' ? `native ${be.isa}` : `${be.name} fallback!`) : 'native';
  return `logitkit ${name} ${threads}T`;
}
function setThreads(n) {
  if (typeof lk?.setThreads === 'function') lk.setThreads(n);
}
/** Adds the logitkit rows for fn name `name`; `make(mod)` returns the timed closure. */
async function lkRows(w, name, variants, opts = {}) {
  const threadsList = typeof lk?.setThreads === 'function' ? [1, ALL] : [null];
  for (const v of variants) {
    for (const th of threadsList) {
      const label = `${lkLabel(th ?? '?')}${v.tag ? ', ' + v.tag : ''}`;
      if (!lk) { skip(w, { label: `logitkit ${v.tag ?? ''}`.trim(), family: 'logitkit' }, 'skipped', unavailable.get('logitkit')); break; }
      if (typeof lk[name] !== 'function') { skip(w, { label: `logitkit ${v.tag ?? ''}`.trim(), family: 'logitkit' }, 'skipped', `lk.${name} not implemented yet`); break; }
      // A fresh-output row is timed once the allocator has reached its working size: the first
      // few calls of a process grow glibc's heap page by page (hundreds to thousands of page
      // faults each, README "Fresh outputs"), which a long-running pipeline pays once.
      const fresh = /fresh/.test(v.tag ?? '');
      await run(w, { label, family: 'logitkit', peer: 'logitkit', threads: th ?? ALL }, v.make(lk), {
        ...opts,
        ...(fresh ? { timing: { ...opts.timing, warmup: Math.max(8, opts.timing?.warmup ?? 0) } } : {}),
        setup: () => { if (th) setThreads(th); return v.setup?.(); },
      });
    }
  }
  setThreads(ALL);
  if (opts.reference === false) return;
  const rlabel = 'logitkit TS reference';
  if (!ref) skip(w, { label: rlabel, family: 'reference' }, 'skipped', unavailable.get('logitkit reference'));
  else if (typeof ref[name] !== 'function') skip(w, { label: rlabel, family: 'reference' }, 'skipped', `reference.${name} not implemented yet`);
  else await run(w, { label: rlabel, family: 'reference', peer: 'logitkit' }, (opts.referenceVariant ?? variants[0]).make(ref), { ...opts, timing: { ...opts.timing, minSamples: 3 } });
}

// ------------------------------------------------------------------------------------------
// onnxruntime / tfjs helpers
let ort = null;
let tfw = null;
async function ortSession(model, threads) {
  return ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}
/** Rows for onnxruntime-node, 1 thread and all threads. `fetches` may be preallocated outputs. */
async function ortRows(w, label, model, feeds, fetches) {
  if (!ort) return skip(w, { label, family: 'peer' }, 'unavailable', unavailable.get('onnxruntime-node'));
  for (const th of [1, ALL]) {
    let s = null;
    const row = { label: `${label} ${th}T`, family: 'peer', peer: 'onnxruntime-node', threads: th };
    try {
      s = await ortSession(model, th);
    } catch (e) {
      skip(w, row, 'error', firstLine(e));
      continue;
    }
    let fx = fetches;
    if (fx) {
      try { await s.run(feeds, fx); } catch { fx = undefined; } // preallocated outputs refused: plain run
    }
    await run(w, row, () => (fx ? s.run(feeds, fx) : s.run(feeds)), { engine: 'loop', timing: { warmup: 3 } });
    await s.release?.();
  }
}
// tfjs' cpu backend is pure JS and takes seconds per call on these sizes: by default it runs
// on one workload per section (cpuToo = true), everywhere with --full.
async function tfRows(w, label, body, cpuToo = false) {
  if (!tfw) return skip(w, { label, family: 'peer' }, 'unavailable', unavailable.get('tfjs'));
  const { tf, backends } = tfw;
  for (const b of ['wasm', 'cpu']) {
    const row = { label: `${label} (${b})`, family: 'peer', peer: `tfjs-${b}`, threads: 1 };
    if (!backends[b]) { skip(w, row, 'unavailable', unavailable.get(`tfjs-${b}`)); continue; }
    if (b === 'cpu' && !cpuToo && !FULL) { skip(w, row, 'skipped', 'pure-JS backend, seconds per call: timed on one workload per section (--full for all)'); continue; }
    await tf.setBackend(b);
    await tf.ready();
    const keep = [];
    let fn;
    try {
      fn = body(tf, (t) => (keep.push(t), t), b);
    } catch (e) {
      for (const t of keep) t.dispose();
      skip(w, row, 'error', firstLine(e));
      continue;
    }
    await run(w, row, fn, { engine: 'loop', timing: { warmup: b === 'cpu' ? 1 : 2, minSamples: b === 'cpu' ? 2 : 3 } });
    for (const t of keep) t.dispose();
  }
}

// ------------------------------------------------------------------------------------------
// the context every section gets (bench/README.md, "Adding a section")
function makeCtx() {
  return {
    newWorkload, run, skip, addTorch, finishWorkload, lkRows, ortRows, tfRows,
    randn, randLabels, plain, graphs, ALL, unavailable, configs, T, FULL, require, firstLine,
    get lk() { return lk; },
    get ref() { return ref; },
    get ort() { return ort; },
    get tf() { return tfw; },
    get bandwidthGBs() { return bandwidthGBs; },
    setBandwidth(gbs) { bandwidthGBs = gbs; results.bandwidthGBs = gbs; },
  };
}

/** The PyTorch tasks of the sections that run, each tagged with its section's module. */
function torchTasks(ctx) {
  const tasks = [];
  const seen = new Map(); // task id -> section id
  for (const s of SECTIONS) {
    if (s.parent || !want(s.id) || typeof s.torchTasks !== 'function') continue;
    if (!s.torchPy) {
      console.warn(`warning: section ${s.id} has torchTasks but no torchPy; its PyTorch rows are skipped`);
      continue;
    }
    for (const t of s.torchTasks(ctx)) {
      if (seen.has(t.id)) throw new Error(`PyTorch task id "${t.id}" of section ${s.id} is also used by section ${seen.get(t.id)}`);
      seen.set(t.id, s.id);
      tasks.push({ ...t, py: path.join(here, 'torch', s.torchPy) });
    }
  }
  return tasks;
}

// ------------------------------------------------------------------------------------------
// ------------------------------------------------------------------------------------------
// Each section runs in its own child process (node run.mjs --child SECTION ...): a native
// crash (SIGSEGV) or a hang in logitkit or a peer ends that section only, with what it had
// measured kept (the child rewrites its results file after every workload), and every
// section starts from a fresh heap. The parent runs the PyTorch job once for all sections,
// measures the bandwidth, prints the header and the summary, and writes the report.

function saveChild(file) {
  const data = { workloads: results.workloads, unavailable: Object.fromEntries(unavailable), configs: Object.fromEntries(configs) };
  fs.writeFileSync(file + '.tmp', JSON.stringify(data));
  fs.renameSync(file + '.tmp', file);
}

async function childMain() {
  const state = JSON.parse(fs.readFileSync(args.state, 'utf8'));
  bandwidthGBs = state.bandwidthGBs;
  for (const [k, v] of Object.entries(state.unavailable ?? {})) unavailable.set(k, v);
  lk = loadLogitkit();
  ref = loadReference();
  ort = loadOrt();
  tfw = await loadTf();
  const section = SECTIONS.find((s) => s.id === args.child);
  if (!section) throw new Error(`unknown section ${args.child}`);
  onWorkloadDone = () => saveChild(args.out);
  saveChild(args.out);
  await section.run(makeCtx(), state.torch);
  saveChild(args.out);
}

/**
 * Run one section's child process. It rewrites `outFile` when a case starts (status
 * 'running', startedAt) and when it ends; a case running longer than `caseTimeoutS` means a
 * hang, and the child is killed.
 */
function runChild(argv, outFile, caseTimeoutS) {
  return new Promise((resolve) => {
    const child = spawn(NODE_CMD[0], [...NODE_CMD.slice(1), ...argv], { stdio: ['ignore', 'inherit', 'inherit'] });
    let hung = false;
    const timer = setInterval(() => {
      let data;
      try {
        data = JSON.parse(fs.readFileSync(outFile, 'utf8'));
      } catch {
        return;
      }
      const now = Date.now();
      for (const w of data.workloads) {
        for (const row of w.rows) {
          if (row.status === 'running' && now - row.startedAt > caseTimeoutS * 1000) {
            hung = true;
            child.kill('SIGKILL');
          }
        }
      }
    }, 1000);
    child.on('error', (error) => { clearInterval(timer); resolve({ status: null, signal: null, error, hung }); });
    child.on('exit', (status, signal) => { clearInterval(timer); resolve({ status, signal, hung }); });
  });
}

/** backend() of the build under test, asked in a throw-away process (a crash stays there). */
function probeLogitkit() {
  const f = path.join(libRoot, 'dist', 'index.cjs');
  if (!fs.existsSync(f)) return { error: 'not built yet (dist/index.cjs missing; npm run build)' };
  const r = spawnSync(NODE_CMD[0], [...NODE_CMD.slice(1), '-e', `const lk = require(${JSON.stringify(f)}); console.log(JSON.stringify(typeof lk.backend === 'function' ? lk.backend() : null))`], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return { error: `failed to load dist/index.cjs: ${r.signal ? `killed by ${r.signal}` : (r.stderr || '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.status}`}` };
  const warning = (r.stderr || '').trim();
  try {
    return { backend: JSON.parse(r.stdout.trim().split('\n').pop()), warning: warning || undefined };
  } catch {
    return { error: `backend() printed ${r.stdout.slice(0, 100)}` };
  }
}

async function main() {
  if (args.child) return childMain();
  const t0 = Date.now();
  const machine = machineInfo();
  results.machine = machine;
  const probe = probeLogitkit();
  if (probe.error) unavailable.set('logitkit', probe.error);
  machine.logitkitBackend = probe.backend ?? null;
  console.log('# logitkit benchmark');
  console.log(`machine : ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, ${machine.platform}`);
  console.log(`ISA     : avx2 ${machine.avx2 ? 'yes' : 'no'}, fma ${machine.fma ? 'yes' : 'no'}, avx512f ${machine.avx512f ? 'yes' : 'no'}, avx512bw ${machine.avx512bw ? 'yes' : 'no'}`);
  console.log(`node    : ${process.version} (V8 ${machine.v8})`);
  console.log(`logitkit: ${probe.error ?? (probe.backend ? JSON.stringify(probe.backend) : 'loaded, no backend()')}${libRoot !== root ? ` (from ${libRoot})` : ''}`);
  if (probe.warning) console.log(`          ${probe.warning.split('\n').join('\n          ')}`);
  console.log(`date    : ${results.date}${machine.commit ? `  commit ${machine.commit.slice(0, 12)}` : ''}`);
  const load = os.loadavg()[0];
  machine.loadavg1 = +load.toFixed(2);
  if (load > 0.5) console.log(`load    : ${load.toFixed(2)} (1-min load average) — the machine is busy; timings will be noisy`);
  console.log(`timing  : median of ≤${T.samples} calls (≥3; budget ${T.budgetMs} ms per case) after warm-up; all-threads = ${ALL}`);
  console.log(`columns : GB/s = traffic / median; % bw = GB/s / measured copy bandwidth; vs best peer = best peer's median / this median (> 1: faster than every peer); * = logitkit native`);

  const ctx = makeCtx();
  const torch = runTorch(torchTasks(ctx), machine);
  // sections marked `parent` (the bandwidth every % bw column divides by) run here, always
  for (const s of SECTIONS) if (s.parent) await s.run(ctx, torch);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'logitkit-bench-'));
  const stateFile = path.join(tmp, 'state.json');
  fs.writeFileSync(stateFile, JSON.stringify({ bandwidthGBs, torch, unavailable: Object.fromEntries(unavailable) }));
  const passthrough = [];
  for (const k of ['samples', 'budget', 'python']) if (args[k] !== undefined) passthrough.push(`--${k}`, String(args[k]));
  for (const k of ['quick', 'full']) if (args[k]) passthrough.push(`--${k}`);
  passthrough.push('--lib', libRoot);
  const caseTimeoutS = Number(args['case-timeout'] ?? 180);
  for (const { id: section, parent } of SECTIONS) {
    if (parent || !want(section)) continue;
    const out = path.join(tmp, `${section}.json`);
    const skipLabels = [];
    const doneIds = [];
    // a crash or hang ends the section's process; it is restarted (at most twice) without
    // the case that died and without the workloads already finished
    for (let attempt = 0; ; attempt++) {
      fs.rmSync(out, { force: true });
      const extra = [...skipLabels.flatMap((l) => ['--skip', l]), ...doneIds.flatMap((id) => ['--done', id])];
      const r = await runChild([fileURLToPath(import.meta.url), '--child', section, '--state', stateFile, '--out', out, ...passthrough, ...extra], out, caseTimeoutS);
      let data = null;
      try {
        data = JSON.parse(fs.readFileSync(out, 'utf8'));
      } catch {}
      const failed = r.status !== 0;
      const why = !failed ? null : r.hung ? `hung: no result after ${caseTimeoutS} s (--case-timeout)` : r.signal ? `crashed: ${r.signal}` : r.error ? firstLine(r.error) : `exit ${r.status}`;
      const died = [];
      if (data) {
        for (const [k, v] of Object.entries(data.unavailable)) unavailable.set(k, v);
        for (const [k, v] of Object.entries(data.configs)) configs.set(k, v);
        for (const w of data.workloads) {
          for (const row of w.rows) if (row.status === 'running') { died.push(row.label); Object.assign(row, { status: 'error', reason: why ?? 'did not finish' }); }
        }
      }
      const retry = failed && died.length > 0 && attempt < 2;
      for (const w of data?.workloads ?? []) {
        if (w.done) { results.workloads.push(w); doneIds.push(w.id); continue; }
        if (retry) continue; // measured again on the next attempt
        computeWorkload(w); // the section died inside this workload: keep what it had
        printWorkload(w);
        results.workloads.push(w);
      }
      if (!failed) break;
      console.log(`\n!! section ${section}: ${why}${died.length ? ` in "${died.join('", "')}"` : ''}${retry ? '; restarting the section without that case' : '; giving up on the rest of the section'}`);
      (results.aborted ??= {})[section] = [...(results.aborted[section] ?? []), { why, cases: died, restarted: retry }];
      const prev = unavailable.get(`section ${section}`);
      unavailable.set(`section ${section}`, `${prev ? prev + '; ' : ''}${why}${died.length ? ` in "${died.join('", "')}"` : ''}`);
      if (!retry) break;
      skipLabels.push(...died);
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  console.log('\n## Configurations (each peer in its best configuration here)');
  configs.set('plain JS', 'straight Math.exp/Math.log/Math.random loops over Float32Arrays (bench/jsbaselines.mjs)');
  for (const [k, v] of configs) console.log(`   ${pad(k, 28)}${v}`);
  results.configs = Object.fromEntries(configs);
  results.unavailable = Object.fromEntries(unavailable);
  results.elapsedS = (Date.now() - t0) / 1000;
  console.log(`\nunavailable: ${unavailable.size ? [...unavailable].map(([k, v]) => `${k} (${v})`).join('; ') : 'none'}`);
  console.log(`total time ${results.elapsedS.toFixed(0)} s`);

  if (args.report) {
    const dir = path.resolve(process.cwd(), args.report);
    const files = writeReport(dir, results);
    console.log(`report: ${files.length} files in ${dir}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
