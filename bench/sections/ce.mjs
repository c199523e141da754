// softmaxCrossEntropy forward + backward (mean): a fresh gradient, a gradient buffer, in place.
import { SHAPES, shapeTasks } from './logsoftmax.mjs';

export default {
  id: 'ce',
  torchPy: 'ce.py',
  torchTasks: (ctx) => shapeTasks('ce', ctx),
  async run(ctx, torch) {
    const { ALL, ort } = ctx;
    for (const [rows, cols] of SHAPES) {
      const x = ctx.randn(rows * cols, (rows ^ cols) + 1);
      const labels = ctx.randLabels(rows, cols, rows + cols);
      const grad = new Float32Array(rows * cols);
      // in-place variant: the gradient overwrites these logits, and the next call reads that
      // gradient as its logits (finite values near 0, no denormals: the timing is unaffected
      // and no untimed refill has to touch the caches between calls)
      const scratch = x.slice();
      const w = ctx.newWorkload('ce', `ce-${rows}x${cols}`, `softmax cross-entropy forward+backward, (${rows}, ${cols}), mean`, 8 * rows * cols, '8·rows·cols (read logits, write grad)');
      if (!w) continue;
      await ctx.lkRows(w, 'softmaxCrossEntropy', [
        { tag: 'grad: true (fresh)', make: (m) => () => m.softmaxCrossEntropy(x, labels, { grad: true }) },
        { tag: 'grad: buffer', make: (m) => () => m.softmaxCrossEntropy(x, labels, { grad }) },
        { tag: 'in-place grad: logits', make: (m) => () => m.softmaxCrossEntropy(scratch, labels, { grad: scratch }) },
      ]);
      await ctx.run(w, { label: 'plain JS loop (fwd+bwd)', family: 'baseline', peer: 'plain JS' }, () => ctx.plain.softmaxCrossEntropy(x, labels, grad), { engine: 'loop' });
      ctx.addTorch(w, torch, `ce-${rows}x${cols}-1`, { label: 'PyTorch autograd.grad(F.cross_entropy) 1T', threads: 1 });
      ctx.addTorch(w, torch, `ce-${rows}x${cols}-${ALL}`, { label: `PyTorch autograd.grad(F.cross_entropy) ${ALL}T`, threads: ALL });
      if (ort) {
        const X = new ort.Tensor('float32', x, [rows, cols]);
        const Y = new ort.Tensor('int64', BigInt64Array.from(labels, (v) => BigInt(v)), [rows]);
        const G = new ort.Tensor('float32', grad, [rows, cols]);
        await ctx.ortRows(w, 'onnxruntime SoftmaxCrossEntropyLoss + grad graph', ctx.graphs.crossEntropyGrad(rows, cols), { x: X, y: Y }, { grad: G });
      } else ctx.skip(w, { label: 'onnxruntime SoftmaxCrossEntropyLoss + grad graph', family: 'peer' }, 'unavailable', ctx.unavailable.get('onnxruntime-node'));
      await ctx.tfRows(w, 'tfjs tf.grad(losses.softmaxCrossEntropy)', (tf, keep) => {
        const t = keep(tf.tensor2d(x, [rows, cols]));
        const oh = keep(tf.oneHot(tf.tensor1d(labels, 'int32'), cols));
        const g = tf.grad((z) => tf.losses.softmaxCrossEntropy(oh, z));
        return () => g(t).dispose();
      }, rows === 4096);
      ctx.finishWorkload(w);
    }
  },
};
