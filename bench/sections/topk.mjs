// topk on a GPT-2-vocabulary batch, k ∈ {1, 50, 1000}, sorted.
import { CAT } from './sample.mjs';
const KS = [1, 50, 1000];

export default {
  id: 'topk',
  torchPy: 'topk.py',
  torchTasks(ctx) {
    const t = [];
    for (const k of KS) for (const threads of [1, ctx.ALL]) t.push({ id: `topk-${k}-${threads}`, kind: 'topk', rows: CAT[0], cols: CAT[1], k, threads });
    return t;
  },
  async run(ctx, torch) {
    const { ALL, ort } = ctx;
    const [rows, cols] = CAT;
    const x = ctx.randn(rows * cols, 4242);
    for (const k of KS) {
      const w = ctx.newWorkload('topk', `topk-${k}-${rows}x${cols}`, `topk k=${k}, (${rows}, ${cols}), sorted`, 4 * rows * cols, '4·rows·cols (read x)');
      if (!w) continue;
      const out = { values: new Float32Array(rows * k), indices: new Int32Array(rows * k) };
      await ctx.lkRows(w, 'topk', [
        { tag: 'out', make: (m) => () => m.topk(x, cols, k, { out }) },
        { tag: 'fresh output', make: (m) => () => m.topk(x, cols, k) },
      ]);
      await ctx.run(w, { label: 'plain JS heap top-k', family: 'baseline', peer: 'plain JS' }, () => ctx.plain.topk(x, cols, k));
      ctx.addTorch(w, torch, `topk-${k}-1`, { label: 'PyTorch topk(out=) 1T', threads: 1 });
      ctx.addTorch(w, torch, `topk-${k}-${ALL}`, { label: `PyTorch topk(out=) ${ALL}T`, threads: ALL });
      if (ort) {
        const V = new ort.Tensor('float32', new Float32Array(rows * k), [rows, k]);
        const I = new ort.Tensor('int64', new BigInt64Array(rows * k), [rows, k]);
        await ctx.ortRows(w, 'onnxruntime TopK', ctx.graphs.topk(rows, cols, k), { x: new ort.Tensor('float32', x, [rows, cols]) }, { values: V, indices: I });
      } else ctx.skip(w, { label: 'onnxruntime TopK', family: 'peer' }, 'unavailable', ctx.unavailable.get('onnxruntime-node'));
      await ctx.tfRows(w, 'tfjs tf.topk', (tf, keep) => {
        const t = keep(tf.tensor2d(x, [rows, cols]));
        return () => { const r = tf.topk(t, k); r.values.dispose(); r.indices.dispose(); };
      }, k === 50);
      ctx.finishWorkload(w);
    }
  },
};
