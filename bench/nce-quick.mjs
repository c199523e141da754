// Quick standalone NCE ratios, single thread, in CPU time as well as wall time (shared machines
// inflate wall time): nceLoss fwd+bwd (4096 × 21) and the skip-gram step (V = 100k, dim 128,
// B 4096, k 20) against the PyTorch configurations of bench/torch/nce.py, timed the same way in
// a python process. Rounds alternate logitkit and PyTorch (ROUNDS, default 3); each prints its
// medians, the summary prints the median over rounds of each time and of each ratio
// (PyTorch's best configuration / logitkit's best variant).
//   node bench/nce-quick.mjs            (needs npm run build; PyTorch via /usr/bin/python3)
//   LOGITKIT_ISA=avx2 node bench/nce-quick.mjs
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lk from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
lk.setThreads(1);
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
function time(fn, n) {
  for (let i = 0; i < 3; i++) fn();
  const wall = [], cpu = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    fn();
    const t1 = performance.now(), c = process.cpuUsage(c0);
    wall.push(t1 - t0); cpu.push((c.user + c.system) / 1000);
  }
  return { wall: med(wall), cpu: med(cpu) };
}
const B = 4096, K = 20, V = 100_000, DIM = 128;
let seed = 1;
const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 2 ** 32; };
const s = Float32Array.from({ length: B * (K + 1) }, () => (rnd() - 0.5) * 8), lq = Float32Array.from(s, () => -1 - rnd() * 10);
const grad = new Float32Array(s.length);
const input = Float32Array.from({ length: V * DIM }, () => (rnd() - 0.5) / DIM), output = new Float32Array(V * DIM);
const sampler = new lk.AliasSampler(lk.unigramNoise(Float64Array.from({ length: V }, (_, i) => 1e7 / (i + 1))));
const centre = sampler.sample(B, { seed: 1 }), context = sampler.sample(B, { seed: 2 }), rng = new lk.Rng(3);
const lkCases = [
  ['loss', 'nceLoss, grad buffer', () => lk.nceLoss(s, lq, K, { grad }), 300],
  ['loss', 'nceLoss, fresh grad', () => lk.nceLoss(s, lq, K), 300],
  ['step', 'skipGramStep hogwild', () => lk.skipGramStep(input, output, DIM, centre, context, { sampler, negatives: K, rng, mode: 'hogwild' }), 30],
  ['step', 'skipGramStep deterministic', () => lk.skipGramStep(input, output, DIM, centre, context, { sampler, negatives: K, rng, mode: 'deterministic' }), 30],
];
const py = `
import time, importlib.util, json
import torch
torch.set_num_threads(1)
spec = importlib.util.spec_from_file_location("nce", ${JSON.stringify(join(here, 'torch', 'nce.py'))})
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
out = []
L = {"rows": 4096, "cols": 21}; S = {"V": 100000, "dim": 128, "B": 4096, "k": 20}
for what, name, kind, t, n in [("loss", "autograd softplus(sign·Δ)", "nce-loss", L, 200), ("loss", "no-grad closed form", "nce-loss", dict(L, manual=True), 200),
                               ("loss", "autograd split logsigmoid", "nce-loss", dict(L, split=True), 200),
                               ("step", "Embedding(sparse=True) autograd + SGD", "nce-step", dict(S, sparse=True), 15),
                               ("step", "no-grad index_select/bmm/index_add_", "nce-step", dict(S, manual=True), 15)]:
    f = m.KINDS[kind](t, torch)
    for _ in range(3): f()
    w, c = [], []
    for _ in range(n):
        c0 = time.process_time(); t0 = time.perf_counter(); f(); w.append(time.perf_counter() - t0); c.append(time.process_time() - c0)
    w.sort(); c.sort()
    out.append([what, name, {"wall": w[len(w)//2] * 1e3, "cpu": c[len(c)//2] * 1e3}])
print(json.dumps(out))
`;
const env = { ...process.env, ATEN_CPU_CAPABILITY: 'avx512', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1:glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432' };
if (!/avx512/.test(readFileSync('/proc/cpuinfo', 'utf8'))) env.ATEN_CPU_CAPABILITY = 'avx2';
const rounds = Number(process.env.ROUNDS ?? 3);
const fmt = (x) => `${x.wall.toFixed(3).padStart(8)} / ${x.cpu.toFixed(3).padStart(8)}`;
const ratios = { loss: { wall: [], cpu: [] }, step: { wall: [], cpu: [] } };
const all = new Map();
console.log(`${cpus()[0].model}, logitkit ${lk.backend().isa}, 1 thread; median wall / CPU ms per call`);
for (let r = 0; r < rounds; r++) {
  const rows = lkCases.map(([what, name, fn, n]) => [what, `logitkit ${name}`, time(fn, n)]);
  const p = spawnSync(process.env.PYTHON ?? '/usr/bin/python3', ['-c', py], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (p.status !== 0) { console.log(`PyTorch unavailable: ${(p.stderr || '').trim().split('\n').pop()}`); }
  else rows.push(...JSON.parse(p.stdout.trim().split('\n').pop()).map(([what, name, x]) => [what, `PyTorch ${name}`, x]));
  console.log(`round ${r + 1}`);
  for (const [what, name, x] of rows) {
    console.log(`  ${name.padEnd(52)} ${fmt(x)}`);
    if (!all.has(name)) all.set(name, { wall: [], cpu: [] });
    all.get(name).wall.push(x.wall); all.get(name).cpu.push(x.cpu);
  }
  for (const what of ['loss', 'step']) {
    for (const k of ['wall', 'cpu']) {
      const best = (pre) => Math.min(...rows.filter((x) => x[0] === what && x[1].startsWith(pre)).map((x) => x[2][k]));
      if (rows.some((x) => x[1].startsWith('PyTorch'))) ratios[what][k].push(best('PyTorch') / best('logitkit'));
    }
  }
}
console.log(`median over ${rounds} rounds (wall / CPU ms)`);
for (const [name, x] of all) console.log(`  ${name.padEnd(52)} ${fmt({ wall: med(x.wall), cpu: med(x.cpu) })}`);
for (const what of ['loss', 'step']) {
  const r = ratios[what];
  if (r.cpu.length) console.log(`  ${what}: PyTorch best / logitkit best = ${med(r.wall).toFixed(2)}× wall, ${med(r.cpu).toFixed(2)}× CPU (per round CPU: ${r.cpu.map((x) => x.toFixed(2)).join(', ')})`);
}
