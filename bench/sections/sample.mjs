// sampleCategorical (one draw per row) and gumbelTopK (k = 16, without replacement).
export const CAT = [64, 50257];
const K = 16;

export default {
  id: 'sample',
  torchPy: 'sample.py',
  torchTasks(ctx) {
    const t = [];
    for (const threads of [1, ctx.ALL]) {
      t.push({ id: `categorical-${threads}`, kind: 'multinomial', rows: CAT[0], cols: CAT[1], k: 1, threads });
      t.push({ id: `gumbeltopk-${threads}`, kind: 'multinomial', rows: CAT[0], cols: CAT[1], k: K, threads });
    }
    return t;
  },
  async run(ctx, torch) {
    const { ALL, ort } = ctx;
    const [rows, cols] = CAT;
    const x = ctx.randn(rows * cols, 99);
    // sampleCategorical
    categorical: {
      const w = ctx.newWorkload('sample', `categorical-${rows}x${cols}`, `sampleCategorical, one draw per row, (${rows}, ${cols})`, 4 * rows * cols, '4·rows·cols (read logits)');
      if (!w) break categorical;
      const out = new Int32Array(rows);
      await ctx.lkRows(w, 'sampleCategorical', [
        { tag: 'out', make: (m) => () => m.sampleCategorical(x, cols, { seed: 1, out }) },
        { tag: 'fresh output', make: (m) => () => m.sampleCategorical(x, cols, { seed: 1 }) },
      ]);
      await ctx.run(w, { label: 'plain JS inverse CDF (Math.random)', family: 'baseline', peer: 'plain JS' }, () => ctx.plain.sampleCategorical(x, cols), { engine: 'loop' });
      ctx.addTorch(w, torch, 'categorical-1', { label: 'PyTorch multinomial(softmax(x), 1) 1T', threads: 1 });
      ctx.addTorch(w, torch, `categorical-${ALL}`, { label: `PyTorch multinomial(softmax(x), 1) ${ALL}T`, threads: ALL });
      if (ort) await ctx.ortRows(w, 'onnxruntime Multinomial', ctx.graphs.multinomial(rows, cols, 1), { x: new ort.Tensor('float32', x, [rows, cols]) });
      else ctx.skip(w, { label: 'onnxruntime Multinomial', family: 'peer' }, 'unavailable', ctx.unavailable.get('onnxruntime-node'));
      await ctx.tfRows(w, 'tfjs tf.multinomial(logits, 1)', (tf, keep) => {
        const t = keep(tf.tensor2d(x, [rows, cols]));
        return () => tf.multinomial(t, 1).dispose();
      }, true);
      ctx.finishWorkload(w);
    }
    // gumbelTopK
    gumbeltopk: {
      const k = K;
      const w = ctx.newWorkload('sample', `gumbeltopk-${k}-${rows}x${cols}`, `gumbelTopK k=${k} (without replacement), (${rows}, ${cols})`, 4 * rows * cols, '4·rows·cols (read logits)');
      if (!w) break gumbeltopk;
      // gumbelTopK takes no `out`: its outputs (rows·k indices and values) are always fresh
      await ctx.lkRows(w, 'gumbelTopK', [{ tag: 'fresh output (no out option)', make: (m) => () => m.gumbelTopK(x, cols, k, { seed: 1 }) }]);
      await ctx.run(w, { label: 'plain JS perturb + heap top-k', family: 'baseline', peer: 'plain JS' }, () => ctx.plain.gumbelTopK(x, cols, k), { engine: 'loop' });
      ctx.addTorch(w, torch, 'gumbeltopk-1', { label: `PyTorch multinomial(softmax(x), ${k}, replacement=False) 1T`, threads: 1 });
      ctx.addTorch(w, torch, `gumbeltopk-${ALL}`, { label: `PyTorch multinomial(softmax(x), ${k}, replacement=False) ${ALL}T`, threads: ALL });
      if (ort) await ctx.ortRows(w, 'onnxruntime TopK(x + gumbel)', ctx.graphs.gumbelTopK(rows, cols, k), { x: new ort.Tensor('float32', x, [rows, cols]) });
      else ctx.skip(w, { label: 'onnxruntime TopK(x + gumbel)', family: 'peer' }, 'unavailable', ctx.unavailable.get('onnxruntime-node'));
      await ctx.tfRows(w, 'tfjs tf.topk(x + gumbel)', (tf, keep) => {
        const t = keep(tf.tensor2d(x, [rows, cols]));
        return () => tf.tidy(() => { const g = tf.randomUniform([rows, cols]).log().neg().log().neg(); const r = tf.topk(t.add(g), k); return [r.values, r.indices]; }).forEach((z) => z.dispose());
      });
      ctx.finishWorkload(w);
    }
  },
};
