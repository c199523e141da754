// Stochastic beam search: the search's own cost per step (the model replaced by precomputed
// log-probabilities), k ∈ {4, 16, 64} beams over a 50 257-token vocabulary, 9 steps a search
// (the first step expands the root: one row; the next eight k rows). Against a plain JavaScript
// implementation of the same search, and against gumbelTopK(k + 1) over the same rows (one
// 1-row call and eight k-row calls): the Gumbel noise over k × vocab scores is the bound the
// search is measured by (target: ≤ 1.5× gumbelTopK, one thread).
const V = 50257;
const STEPS = 9;

/** Normalised log-probabilities, k rows (the same rows serve every step). */
function logProbRows(ctx, k) {
  const x = ctx.randn(k * V, 3, 2);
  for (let r = 0; r < k; r++) {
    let m = -Infinity, s = 0;
    for (let j = 0; j < V; j++) m = Math.max(m, x[r * V + j]);
    for (let j = 0; j < V; j++) s += Math.exp(x[r * V + j] - m);
    const l = m + Math.log(s);
    for (let j = 0; j < V; j++) x[r * V + j] -= l;
  }
  return x;
}

/** The same search written plainly: all k × V perturbed values per step, stable shift, insertion top-(k+1). */
function plainSbs(k, steps, lp, seed) {
  let s0 = seed >>> 0 || 1, s1 = 0x9e3779b9;
  const uniform = () => {
    // xorshift64 on two words; (w + ½)·2⁻³² strictly inside (0, 1)
    let t = s0 ^ (s0 << 11);
    s0 = s1;
    s1 = (s1 ^ (s1 >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return (s1 + 0.5) * 2 ** -32;
  };
  const gumbel = () => -Math.log(-Math.log(uniform()));
  const log1mexp = (a) => (a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a)));
  const shift = (t, z, g) => {
    const v = t - g + log1mexp(g - z);
    return t - Math.max(v, 0) - Math.log1p(Math.exp(-Math.abs(v)));
  };
  let live = [{ seq: [], logp: 0, g: gumbel() }];
  const cap = k + 1;
  const g = new Float64Array(V);
  const vals = new Float64Array(cap), par = new Int32Array(cap), tok = new Int32Array(cap), lps = new Float64Array(cap);
  let fin = [];
  for (let step = 0; step < steps && live.length; step++) {
    const rows = lp.subarray(0, live.length * V); // the "model call"
    let n = 0;
    for (let b = 0; b < live.length; b++) {
      const p = live[b];
      let z = -Infinity;
      for (let j = 0; j < V; j++) {
        g[j] = p.logp + rows[b * V + j] + gumbel();
        if (g[j] > z) z = g[j];
      }
      for (let j = 0; j < V; j++) {
        const v = shift(p.g, z, g[j]);
        if (n === cap && v <= vals[n - 1]) continue;
        let i = n < cap ? n++ : n - 1;
        while (i > 0 && v > vals[i - 1]) { vals[i] = vals[i - 1]; par[i] = par[i - 1]; tok[i] = tok[i - 1]; lps[i] = lps[i - 1]; i--; }
        vals[i] = v; par[i] = b; tok[i] = j; lps[i] = p.logp + rows[b * V + j];
      }
    }
    const next = [];
    const all = [...fin.map((f) => ({ ...f, done: true }))];
    for (let i = 0; i < n; i++) all.push({ seq: [...live[par[i]].seq, tok[i]], logp: lps[i], g: vals[i], done: step + 1 === steps });
    all.sort((a, b) => b.g - a.g);
    fin = all.slice(0, k).filter((c) => c.done);
    for (const c of all.slice(0, k)) if (!c.done) next.push(c);
    live = next;
  }
  return fin;
}

export default {
  id: 'beam',
  async run(ctx) {
    const { lk } = ctx;
    for (const k of [4, 16, 64]) {
      const w = ctx.newWorkload('beam', `sbs-k${k}x${V}`,
        `stochasticBeamSearch, k = ${k} beams × ${V} vocab, ${STEPS} steps (1 + ${STEPS - 1}·k rows), precomputed log-probs`,
        0, '', { perItem: STEPS, perItemUnit: 'ns/step' });
      if (!w) continue;
      const lp = logProbRows(ctx, k);
      const logProbs = (prefixes) => lp.subarray(0, prefixes.length * V);
      await ctx.lkRows(w, 'stochasticBeamSearch', [{
        tag: `${STEPS} steps`,
        make: (m) => () => m.stochasticBeamSearch({ k, maxLength: STEPS, start: 0, logProbs, seed: 1 }),
      }], { engine: 'loop', reference: k === 4, timing: { warmup: 2 } });
      if (lk && typeof lk.gumbelTopK === 'function') {
        const rng = new lk.Rng(7), one = lp.subarray(0, V);
        await ctx.run(w, { label: `gumbelTopK(k + 1) over the same rows, ${STEPS} calls (the bound)`, family: 'baseline', peer: 'gumbelTopK' }, () => {
          lk.gumbelTopK(one, V, k + 1, { rng });
          for (let s = 1; s < STEPS; s++) lk.gumbelTopK(lp, V, k + 1, { rng });
        }, { engine: 'loop', timing: { warmup: 2 }, setup: () => lk.setThreads?.(1), teardown: () => lk.setThreads?.(ctx.ALL) });
      } else ctx.skip(w, { label: 'gumbelTopK', family: 'baseline' }, 'unavailable', 'logitkit not loaded');
      await ctx.run(w, { label: 'plain JS search (all k·V values, insertion top-(k+1))', family: 'baseline', peer: 'plain JS' },
        () => plainSbs(k, STEPS, lp, 1), { engine: 'loop', timing: { warmup: 1, minSamples: 3 } });
      ctx.finishWorkload(w);
    }
  },
};
