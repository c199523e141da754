// logSoftmax forward on the three LLM-ish shapes, with `out` and with a fresh output.
export const SHAPES = [[256, 32000], [64, 128256], [4096, 1000]];

/** The PyTorch tasks of a section over SHAPES, 1 thread and all: ids `${kind}-${rows}x${cols}-${threads}`. */
export function shapeTasks(kind, ctx) {
  const t = [];
  for (const [rows, cols] of SHAPES) for (const threads of [1, ctx.ALL]) t.push({ id: `${kind}-${rows}x${cols}-${threads}`, kind, rows, cols, threads });
  return t;
}

export default {
  id: 'logsoftmax',
  torchPy: 'logsoftmax.py',
  torchTasks: (ctx) => shapeTasks('logsoftmax', ctx),
  async run(ctx, torch) {
    const { ALL, ort } = ctx;
    for (const [rows, cols] of SHAPES) {
      const x = ctx.randn(rows * cols, rows ^ cols);
      const out = new Float32Array(rows * cols);
      const w = ctx.newWorkload('logsoftmax', `logsoftmax-${rows}x${cols}`, `logSoftmax forward, (${rows}, ${cols})`, 8 * rows * cols, '8·rows·cols (read x, write y)', { rows_: rows, cols });
      if (!w) continue;
      await ctx.lkRows(w, 'logSoftmax', [
        { tag: 'out', make: (m) => () => m.logSoftmax(x, cols, { out }) },
        { tag: 'fresh output', make: (m) => () => m.logSoftmax(x, cols) },
      ]);
      await ctx.run(w, { label: 'plain JS loop (Math.exp)', family: 'baseline', peer: 'plain JS' }, () => ctx.plain.logSoftmax(x, cols, out), { engine: 'loop' });
      ctx.addTorch(w, torch, `logsoftmax-${rows}x${cols}-1`, { label: 'PyTorch log_softmax(out=) 1T', threads: 1 });
      ctx.addTorch(w, torch, `logsoftmax-${rows}x${cols}-${ALL}`, { label: `PyTorch log_softmax(out=) ${ALL}T`, threads: ALL });
      if (ort) {
        const X = new ort.Tensor('float32', x, [rows, cols]);
        const Y = new ort.Tensor('float32', out, [rows, cols]);
        await ctx.ortRows(w, 'onnxruntime LogSoftmax', ctx.graphs.softmaxLike('LogSoftmax', rows, cols), { x: X }, { y: Y });
      } else ctx.skip(w, { label: 'onnxruntime LogSoftmax', family: 'peer' }, 'unavailable', ctx.unavailable.get('onnxruntime-node'));
      await ctx.tfRows(w, 'tfjs tf.logSoftmax', (tf, keep) => {
        const t = keep(tf.tensor2d(x, [rows, cols]));
        return () => tf.logSoftmax(t).dispose();
      }, rows === SHAPES[0][0]);
      ctx.finishWorkload(w);
    }
  },
};
