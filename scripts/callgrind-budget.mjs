#!/usr/bin/env node
// Deterministic work check for CI: instructions per element of the hot kernels, counted by
// `valgrind --tool=callgrind` (independent of machine noise), compared with the budget in
// scripts/callgrind-budget.json. Valgrind reports no AVX-512, so the default run measures the
// AVX2 tier (the one the README's performance targets are stated for), and the scalar tier
// with --tier scalar. A kernel that does twice the work it should fails on any machine; the
// budget has generous headroom (×1.5 of the counts recorded when it was set), so compiler
// versions and small changes pass.
//
//   node scripts/callgrind-budget.mjs            # check every case (needs valgrind and a build)
//   node scripts/callgrind-budget.mjs --update   # rewrite the budget from this machine's counts
//   node scripts/callgrind-budget.mjs --print    # print the counts, check nothing
//   node scripts/callgrind-budget.mjs --tier avx2,scalar   # these tiers (LOGITKIT_ISA) only
//
// One `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=<each kernel>` process
// over node calls each public function once on a small fixed input with setThreads(1); a
// case's count is its kernel's inclusive instructions (inlined helpers and callees) divided
// by the elements.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const budgetFile = path.join(root, 'scripts', 'callgrind-budget.json');
const argv = process.argv.slice(2);
const UPDATE = argv.includes('--update');
const PRINT = argv.includes('--print');
const tierArg = argv.includes('--tier') ? argv[argv.indexOf('--tier') + 1] : null;
const HEADROOM = 1.5;

// name → [kernel symbol (demangled, callgrind's toggle pattern), elements, JS body]
const CASES = {
  logSoftmax: ['*::log_softmax_kernel(*', 64 * 1000, `const x = rnd(64 * 1000); lk.logSoftmax(x, 1000, { out: new Float32Array(x.length) });`],
  softmaxCrossEntropy: ['*::softmax_cross_entropy_kernel(*', 64 * 1000, `const x = rnd(64 * 1000); const y = Int32Array.from({ length: 64 }, (_, i) => (i * 37) % 1000); lk.softmaxCrossEntropy(x, y, { grad: new Float32Array(x.length) });`],
  gumbel: ['*::gumbel_kernel(*', 1 << 16, `lk.gumbel(1 << 16, { seed: 7, out: new Float32Array(1 << 16) });`],
};

/** Inclusive instructions per function name matching `re`, from a callgrind output file. */
export function inclusive(text, re) {
  const names = new Map(); // compressed id -> name
  const totals = new Map();
  let fn = null;
  let callLine = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      const m = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
      fn = m ? (m[2] !== undefined ? (names.set(m[1], m[2]), m[2]) : names.get(m[1])) : line.slice(3);
      continue;
    }
    if (line.startsWith('cfn=')) {
      const m = /^cfn=\((\d+)\) (.*)$/.exec(line); // a callee's name may be defined here
      if (m) names.set(m[1], m[2]);
      continue;
    }
    if (line.startsWith('calls=')) { callLine = true; continue; }
    if (/^[0-9+*-]/.test(line) && fn && re.test(fn)) {
      const parts = line.trim().split(/\s+/);
      const v = Number(parts[1] ?? 0);
      if (Number.isFinite(v)) totals.set(fn, (totals.get(fn) ?? 0) + v);
    }
    if (/^[0-9+*-]/.test(line)) callLine = false;
  }
  void callLine;
  let sum = 0;
  for (const v of totals.values()) sum += v;
  return sum;
}

/** One valgrind run over node for every case of a tier: { isa, [name]: instructions per element }. */
function runTier(tier) {
  const dist = path.join(root, 'dist', 'index.cjs');
  const js = `const lk = require(${JSON.stringify(dist)}); lk.setThreads(1);
if (lk.backend().name !== 'native') { console.error('native backend not loaded'); process.exit(3); }
let s = 12345; const rnd = (n) => Float32Array.from({ length: n }, () => { s = (s * 1103515245 + 12345) >>> 0; return (s / 2 ** 32 - 0.5) * 16; });
${Object.values(CASES).map((c) => `{ ${c[2]} }`).join('\n')}
console.log(JSON.stringify(lk.backend().isa));`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lk-callgrind-'));
  const out = path.join(dir, 'cg.out');
  const env = { ...process.env, LOGITKIT_BACKEND: 'native' };
  if (tier) env.LOGITKIT_ISA = tier;
  else delete env.LOGITKIT_ISA;
  const toggles = Object.values(CASES).map((c) => `--toggle-collect=${c[0]}`);
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, '--collect-atstart=no', ...toggles, process.execPath, '-e', js], { env, encoding: 'utf8', timeout: 600_000 });
  try {
    if (r.error) throw new Error(`valgrind failed to start: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`valgrind exited ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
    const res = { isa: JSON.parse(r.stdout.trim().split('\n').pop()) };
    const text = fs.readFileSync(out, 'utf8');
    for (const [name, [pattern, elements]] of Object.entries(CASES)) {
      // the toggle pattern as a regular expression over callgrind's function names
      const re = new RegExp('^' + pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$');
      const instr = inclusive(text, re);
      res[name] = instr === 0 ? new Error(`0 instructions collected: the kernel symbol ${pattern} did not match (renamed?)`) : instr / elements;
    }
    return res;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const t0 = Date.now();
const budget = fs.existsSync(budgetFile) ? JSON.parse(fs.readFileSync(budgetFile, 'utf8')) : { headroom: HEADROOM, tiers: {} };
const tiers = tierArg ? tierArg.split(',') : [null];
let failed = 0;
for (const tier of tiers) {
  let res;
  try {
    res = runTier(tier);
  } catch (e) {
    console.log(`FAIL ${tier ?? 'default'} tier: ${e.message}`);
    failed++;
    continue;
  }
  for (const name of Object.keys(CASES)) {
    if (res[name] instanceof Error) {
      console.log(`FAIL ${name}: ${res[name].message}`);
      failed++;
      continue;
    }
    const r = { isa: res.isa, perElement: res[name] };
    const key = r.isa;
    const rec = budget.tiers[key]?.[name];
    const line = `${name.padEnd(22)} ${key.padEnd(7)} ${r.perElement.toFixed(2).padStart(8)} instructions/element`;
    if (UPDATE) {
      (budget.tiers[key] ??= {})[name] = { recorded: +r.perElement.toFixed(2), budget: +(r.perElement * HEADROOM).toFixed(2) };
      console.log(`${line}  (budget ${(r.perElement * HEADROOM).toFixed(2)})`);
    } else if (PRINT) {
      console.log(`${line}${rec ? `  (budget ${rec.budget}, recorded ${rec.recorded})` : ''}`);
    } else if (!rec) {
      console.log(`FAIL ${line}: no budget for tier ${key} (run with --update to record one)`);
      failed++;
    } else if (r.perElement > rec.budget) {
      console.log(`FAIL ${line} > budget ${rec.budget} (recorded ${rec.recorded})`);
      failed++;
    } else {
      console.log(`ok   ${line} ≤ budget ${rec.budget} (recorded ${rec.recorded})`);
    }
  }
}
if (UPDATE) {
  budget.headroom = HEADROOM;
  budget.note = 'instructions per element inside the kernel, valgrind --tool=callgrind, setThreads(1); budget = recorded × headroom (scripts/callgrind-budget.mjs --update)';
  fs.writeFileSync(budgetFile, JSON.stringify(budget, null, 2) + '\n');
}
console.log(`callgrind budget: ${failed ? `${failed} failed` : 'all within budget'} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
process.exit(failed ? 1 : 0);
