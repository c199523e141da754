// Cost of the async calls' private copies: JS-thread CPU time per call (the copies in at the call
// in) and the wall time of call + await (copies in and out), for two addon builds.
//   node bench/async-safety.mjs <old.node> <new.node>
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const [oldPath, newPath] = process.argv.slice(2);
const builds = [['before', require(oldPath)], ['after', require(newPath)]];
// A copy in SharedArrayBuffer memory (used in place by the async calls: zero-copy).
const sab = (a) => { const s = new Float32Array(new SharedArrayBuffer(a.byteLength)); s.set(a); return s; };
const rnd = (n) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898) * 8; return a; };

const work = {
  'logSoftmaxAsync 256×4096': (b) => { const x = rnd(256 * 4096), out = new Float32Array(x.length); return () => b.logSoftmaxAsync(x, 4096, 1, out); },
  'logSoftmaxAsync 64×50257': (b) => { const x = rnd(64 * 50257), out = new Float32Array(x.length); return () => b.logSoftmaxAsync(x, 50257, 1, out); },
  'softmaxCrossEntropyAsync 256×32000': (b) => {
    const x = rnd(256 * 32000), y = new Int32Array(256).map((_, i) => i), g = new Float32Array(x.length), lse = new Float32Array(256), t = new Float64Array(1);
    return () => b.softmaxCrossEntropyAsync(x, y, 32000, -100, 0, null, 0, 'mean', g, lse, null, t);
  },
  'softmaxCrossEntropyAsync 256×32000 shared': (b) => {
    const x = sab(rnd(256 * 32000)), y = new Int32Array(256).map((_, i) => i), g = sab(new Float32Array(x.length)), lse = new Float32Array(256), t = new Float64Array(1);
    return () => b.softmaxCrossEntropyAsync(x, y, 32000, -100, 0, null, 0, 'mean', g, lse, null, t);
  },
  'topkAsync 64×50257 k=50 shared': (b) => { const x = sab(rnd(64 * 50257)), v = new Float32Array(64 * 50), ix = new Int32Array(64 * 50); return () => b.topkAsync(x, 50257, 50, true, true, v, ix); },
  'topkAsync 64×50257 k=50': (b) => { const x = rnd(64 * 50257), v = new Float32Array(64 * 50), ix = new Int32Array(64 * 50); return () => b.topkAsync(x, 50257, 50, true, true, v, ix); },
};
const reps = Number(process.env.REPS ?? 30);
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(0);
// CPU time of the JS (main) thread, from the scheduler: unlike wall time it does not count the
// time other processes take on a shared machine, nor the pool threads' work.
import { readFileSync } from 'node:fs';
const mainCpu = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e3;
// The builds alternate call by call, so that a busy machine slows both alike.
console.log('JS-thread CPU per call (µs, median): the async call (in + completion) vs the sync call, per build');
for (const [name, make] of Object.entries(work)) {
  // A build that refuses the arguments (the old binding threw on shared memory) is skipped.
  const fs = await Promise.all(builds.map(async ([, b]) => { const f = make(b); try { await f(); return f; } catch { return null; } }));
  const cpu = builds.map(() => []), wall = builds.map(() => []);
  for (const f of fs) for (let i = 0; f && i < 3; i++) await f();
  for (let i = 0; i < reps; i++) {
    for (let j = 0; j < fs.length; j++) {
      if (!fs[j]) continue;
      const t0 = process.hrtime.bigint(), c0 = mainCpu();
      await fs[j]();
      const c1 = mainCpu();
      cpu[j].push(c1 - c0);
      wall[j].push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
  }
  // The sync call of the new build, for scale (its work is shared with the pool's threads).
  const fn = name.split(' ')[0].replace('Async', ''), b = builds[1][1], sync = [];
  const g = make(Object.fromEntries(Object.entries(b).map(([k, v]) => [k, k === name.split(' ')[0] ? b[fn] : v])));
  for (let i = 0; i < reps; i++) { const c0 = mainCpu(); g(); sync.push(mainCpu() - c0); }
  console.log(`${name}: ` + builds.map(([label], j) => (fs[j] ? `${label} ${med(cpu[j])} µs (wall ${med(wall[j])} µs)` : `${label} n/a`)).join(' | ') + ` | sync call ${med(sync)} µs`);
}
