// softmax forward on the logSoftmax shapes, with `out` and with a fresh output (the default call).
import { SHAPES, shapeTasks } from './logsoftmax.mjs';

export default {
  id: 'softmax',
  torchPy: 'logsoftmax.py', // its softmax kind
  torchTasks: (ctx) => shapeTasks('softmax', ctx),
  async run(ctx, torch) {
    const { ALL, ort } = ctx;
    for (const [rows, cols] of SHAPES) {
      const x = ctx.randn(rows * cols, rows ^ cols ^ 7);
      const out = new Float32Array(rows * cols);
      const w = ctx.newWorkload('softmax', `softmax-${rows}x${cols}`, `softmax forward, (${rows}, ${cols})`, 8 * rows * cols, '8·rows·cols (read x, write y)', { rows_: rows, cols });
      if (!w) continue;
      await ctx.lkRows(w, 'softmax', [
        { tag: 'out', make: (m) => () => m.softmax(x, cols, { out }) },
        { tag: 'fresh output', make: (m) => () => m.softmax(x, cols) },
      ], { reference: false });
      ctx.addTorch(w, torch, `softmax-${rows}x${cols}-1`, { label: 'PyTorch softmax(out=) 1T', threads: 1 });
      ctx.addTorch(w, torch, `softmax-${rows}x${cols}-${ALL}`, { label: `PyTorch softmax(out=) ${ALL}T`, threads: ALL });
      if (ort) {
        const X = new ort.Tensor('float32', x, [rows, cols]);
        const Y = new ort.Tensor('float32', out, [rows, cols]);
        await ctx.ortRows(w, 'onnxruntime Softmax', ctx.graphs.softmaxLike('Softmax', rows, cols), { x: X }, { y: Y });
      } else ctx.skip(w, { label: 'onnxruntime Softmax', family: 'peer' }, 'unavailable', ctx.unavailable.get('onnxruntime-node'));
      ctx.finishWorkload(w);
    }
  },
};
