// Gumbel noise: 16M float32 samples; also ns/sample.
const N = 16 * 1024 * 1024;

function loadStdlibGumbel(ctx) {
  try {
    const g = ctx.require('@stdlib/random-base-gumbel');
    ctx.configs.set('@stdlib/random-base-gumbel', `${ctx.require('@stdlib/random-base-gumbel/package.json').version}; gumbel.factory(0, 1, { seed }) (MT19937), one call per sample into a Float32Array`);
    return g;
  } catch (e) {
    ctx.unavailable.set('@stdlib/random-base-gumbel', ctx.firstLine(e));
    return null;
  }
}

export default {
  id: 'gumbel',
  torchPy: 'gumbel.py',
  torchTasks(ctx) {
    return [1, ctx.ALL].map((threads) => ({ id: `gumbel-${threads}`, kind: 'gumbel', n: N, threads }));
  },
  async run(ctx, torch) {
    const { ALL, ort, lk } = ctx;
    const n = N;
    const out = new Float32Array(n);
    const w = ctx.newWorkload('gumbel', 'gumbel-16M', `Gumbel noise, ${n / 1048576}M float32 (out and fresh output)`, 4 * n, '4·n (write)', { perItem: n, perItemUnit: 'ns/sample' });
    if (!w) return;
    // use `out` where the build under test honours it (--lib may point at an older build)
    const takesOut = (m) => {
      try {
        const o = new Float32Array(16);
        return m.gumbel(16, { seed: 1, out: o }) === o;
      } catch {
        return false;
      }
    };
    const variant = (m) => (takesOut(m) ? () => m.gumbel(n, { seed: 1, out }) : () => m.gumbel(n, { seed: 1 }));
    const outTag = lk && typeof lk.gumbel === 'function' && !takesOut(lk) ? 'fresh output (out unsupported)' : 'out';
    await ctx.lkRows(w, 'gumbel', [
      { tag: outTag, make: variant },
      ...(outTag === 'out' ? [{ tag: 'fresh output', make: (m) => () => m.gumbel(n, { seed: 1 }) }] : []),
    ]);
    await ctx.run(w, { label: 'plain JS −log(−log(Math.random()))', family: 'baseline', peer: 'plain JS' }, () => ctx.plain.gumbel(n, out), { engine: 'loop', timing: { warmup: 1 } });
    const sg = loadStdlibGumbel(ctx);
    if (sg) {
      const rand = sg.factory(0, 1, { seed: 1234 });
      await ctx.run(w, { label: '@stdlib/random-base-gumbel factory', family: 'peer', peer: '@stdlib/random-base-gumbel' }, () => { for (let i = 0; i < n; i++) out[i] = rand(); }, { engine: 'loop', timing: { warmup: 1 } });
    } else ctx.skip(w, { label: '@stdlib/random-base-gumbel', family: 'peer' }, 'unavailable', ctx.unavailable.get('@stdlib/random-base-gumbel'));
    ctx.addTorch(w, torch, 'gumbel-1', { label: 'PyTorch uniform_().log_().neg_().log_().neg_() 1T', threads: 1 });
    ctx.addTorch(w, torch, `gumbel-${ALL}`, { label: `PyTorch uniform_().log_().neg_().log_().neg_() ${ALL}T`, threads: ALL });
    if (ort) {
      const S = new ort.Tensor('float32', new Float32Array(n), [n]); // only its shape is read
      const G = new ort.Tensor('float32', out, [n]);
      await ctx.ortRows(w, 'onnxruntime RandomUniformLike→Log→Neg→Log→Neg', ctx.graphs.gumbel(n), { shape_of: S }, { g: G });
    } else ctx.skip(w, { label: 'onnxruntime RandomUniformLike graph', family: 'peer' }, 'unavailable', ctx.unavailable.get('onnxruntime-node'));
    await ctx.tfRows(w, 'tfjs randomUniform().log().neg().log().neg()', (tf) => () => tf.tidy(() => tf.randomUniform([n]).log().neg().log().neg()).dispose(), true);
    ctx.finishWorkload(w);
  },
};
