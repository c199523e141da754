// A/B timing of two builds of the addon on the row kernels (logSoftmax, cross-entropy), run
// alternately in one process so both see the same machine state; medians and minima of the
// per-call CPU time (user + system) over 17 alternating samples of ~100 ms each.
// usage: node bench/ab-rows.cjs <before.node> <after.node> [threads]   (ONLY=<substring> filters)
const mods = { before: require(process.argv[2]), after: require(process.argv[3]) };
const threads = Number(process.argv[4] || 1);
for (const m of Object.values(mods)) m.setThreads(threads);
let seed = 7;
const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296; };
const randn = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
const SHAPES = [[4096, 1000], [64, 128256], [256, 32000]];
const med = (a) => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]; };
function time(fn, ms) { // calls per sample chosen for ~ms per sample
  fn(); let t0 = process.hrtime.bigint(); fn(); const one = Number(process.hrtime.bigint() - t0) / 1e6;
  const reps = Math.max(1, Math.round(ms / Math.max(one, 1e-3)));
  // CPU time of this process (user + system), not wall time: the machine is shared and
  // oversubscribed, and time spent descheduled is not the kernel's.
  const c0 = process.cpuUsage(); for (let i = 0; i < reps; i++) fn(); const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e3 / reps;
}
const rows = [];
for (const [r, c] of SHAPES) {
  const x = new Float32Array(r * c).map(() => randn() * 3);
  const out = new Float32Array(r * c), scratch = x.slice();
  const labels = new Int32Array(r).map(() => (rnd() * c) | 0);
  const lse = new Float32Array(r), tot = new Float64Array(1);
  const cases = {
    [`logSoftmax (${r}, ${c})`]: (m) => () => m.logSoftmax(x, c, 1, out),
    [`logSoftmax τ=2 (${r}, ${c})`]: (m) => () => m.logSoftmax(x, c, 0.5, out),
    [`CE fwd+bwd in place (${r}, ${c})`]: (m) => () => m.softmaxCrossEntropy(scratch, labels, c, -100, 0, null, 0, 'mean', scratch, lse, null, tot),
    [`CE fwd+bwd, grad buffer, ε=0.1 (${r}, ${c})`]: (m) => () => m.softmaxCrossEntropy(x, labels, c, -100, 0.1, null, 0, 'mean', out, lse, null, tot),
  };
  for (const [name, mk] of Object.entries(cases)) {
    if (process.env.ONLY && !name.includes(process.env.ONLY)) continue;
    const f = { before: mk(mods.before), after: mk(mods.after) };
    const s = { before: [], after: [] };
    for (let k = 0; k < 17; k++) for (const v of (k & 1 ? ['after', 'before'] : ['before', 'after'])) s[v].push(time(f[v], 100));
    const b = med(s.before), a = med(s.after), bm = Math.min(...s.before), am = Math.min(...s.after);
    rows.push(`| ${name} | ${b.toFixed(2)} | ${a.toFixed(2)} | ${((a / b - 1) * 100).toFixed(1)}% | ${bm.toFixed(2)} | ${am.toFixed(2)} | ${((am / bm - 1) * 100).toFixed(1)}% |`);
    console.log(rows[rows.length - 1]);
  }
}
