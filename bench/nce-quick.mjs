// Quick standalone NCE timings (until the modular harness runs bench/sections/nce.mjs): median
// wall and CPU ms per call for nceLoss fwd+bwd (4096 × 21) and the skip-gram step (V = 100k,
// dim 128, B 4096, k 20), single thread, with the PyTorch peers of bench/torch/nce.py timed the
// same way in one python process. CPU time is reported because shared machines inflate wall time.
//   node bench/nce-quick.mjs            (needs npm run build; PyTorch via /usr/bin/python3 if present)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lk from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
lk.setThreads(Number(process.env.THREADS ?? 1));
function time(fn, n) {
  for (let i = 0; i < 3; i++) fn();
  const wall = [], cpu = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    fn();
    const t1 = performance.now(), c = process.cpuUsage(c0);
    wall.push(t1 - t0); cpu.push((c.user + c.system) / 1000);
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  return { wall: med(wall), cpu: med(cpu), min: Math.min(...wall) };
}
const B = 4096, K = 20, V = 100_000, DIM = 128;
let seed = 1;
const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 2 ** 32; };
const s = Float32Array.from({ length: B * (K + 1) }, () => (rnd() - 0.5) * 8), lq = Float32Array.from(s, () => -1 - rnd() * 10);
const grad = new Float32Array(s.length);
const rows = [];
rows.push(['nceLoss fwd+bwd (4096, 21), grad buffer', time(() => lk.nceLoss(s, lq, K, { grad }), 200)]);
const input = Float32Array.from({ length: V * DIM }, () => (rnd() - 0.5) / DIM), output = new Float32Array(V * DIM);
const sampler = new lk.AliasSampler(lk.unigramNoise(Float64Array.from({ length: V }, (_, i) => 1e7 / (i + 1))));
const centre = sampler.sample(B, { seed: 1 }), context = sampler.sample(B, { seed: 2 }), rng = new lk.Rng(3);
for (const mode of ['hogwild', 'deterministic']) {
  rows.push([`skipGramStep ${mode} (V 100k, dim 128, B 4096, k 20)`, time(() => lk.skipGramStep(input, output, DIM, centre, context, { sampler, negatives: K, rng, mode }), 40)]);
}
const py = `
import sys, time, resource, importlib.util, json
import torch
torch.set_num_threads(1)
spec = importlib.util.spec_from_file_location("nce", "${join(here, 'torch', 'nce.py')}")
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
out = {}
for name, kind, t, n in [("loss", "nce-loss", {"rows": 4096, "cols": 21}, 100), ("loss-split", "nce-loss", {"rows": 4096, "cols": 21, "split": True}, 100),
                         ("step-sparse", "nce-step", {"V": 100000, "dim": 128, "B": 4096, "k": 20, "sparse": True}, 20),
                         ("step-dense", "nce-step", {"V": 100000, "dim": 128, "B": 4096, "k": 20, "sparse": False}, 8)]:
    f = m.KINDS[kind](t, torch)
    for _ in range(3): f()
    w, c = [], []
    for _ in range(n):
        c0 = time.process_time(); t0 = time.perf_counter(); f(); w.append(time.perf_counter() - t0); c.append(time.process_time() - c0)
    w.sort(); c.sort()
    out[name] = {"wall": w[len(w)//2] * 1e3, "cpu": c[len(c)//2] * 1e3, "min": w[0] * 1e3}
print(json.dumps(out))
`;
const r = spawnSync(process.env.PYTHON ?? '/usr/bin/python3', ['-c', py], { encoding: 'utf8', env: { ...process.env, ATEN_CPU_CAPABILITY: 'avx512', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1:glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432' } });
const t = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()) : null;
if (!t) console.log(`PyTorch unavailable: ${(r.stderr || '').trim().split('\n').pop()}`);
console.log(`backend ${lk.backend().isa}, threads ${lk.backend().threads}; median wall / CPU / min wall ms`);
const fmt = (x) => `${x.wall.toFixed(3)} / ${x.cpu.toFixed(3)} / ${x.min.toFixed(3)}`;
for (const [name, x] of rows) console.log(`${name.padEnd(60)} ${fmt(x)}`);
if (t) for (const [name, x] of Object.entries(t)) console.log(`${('PyTorch ' + name).padEnd(60)} ${fmt(x)}`);
