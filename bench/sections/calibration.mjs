// Calibration family: entropy and klUniform (the confidence loss KL(U‖p), forward + gradient) on
// (4096, 1000) and (64, 128256) against PyTorch's composition (log_softmax + reductions +
// autograd), and fitTemperature on (100 000, 1000) in wall time against the usual LBFGS recipe
// for temperature scaling (Guo et al. 2017's temperature_scaling.py: lr 0.01, max_iter 50).
// Single thread is the headline (the PyTorch rows run at 1 thread too). The PyTorch fit runs
// only with LOGITKIT_BENCH_TORCH_FIT=1 (see torchTasks).
export const SHAPES = [[4096, 1000], [64, 128256]];
export const FIT = [100000, 1000];

/** −Σ p log p per row in plain JS (two passes, Math.exp / Math.log). */
function plainEntropy(x, cols, out) {
  for (let r = 0, at = 0; at < x.length; r++, at += cols) {
    let m = -Infinity;
    for (let j = at; j < at + cols; j++) if (x[j] > m) m = x[j];
    let s = 0, u = 0;
    for (let j = at; j < at + cols; j++) {
      const d = x[j] - m, t = Math.exp(d);
      s += t;
      u += d * t;
    }
    out[r] = Math.log(s) - u / s;
  }
  return out;
}

export default {
  id: 'calibration',
  torchPy: 'calibration.py',
  torchTasks() {
    const t = [];
    for (const [rows, cols] of SHAPES) {
      t.push({ id: `entropy-${rows}x${cols}-1`, kind: 'entropy', rows, cols, threads: 1 });
      t.push({ id: `kluniform-${rows}x${cols}-1`, kind: 'kluniform', rows, cols, threads: 1 });
    }
    // One LBFGS fit at (100 000, 1000) takes minutes on a busy 2-core machine (~60 closure
    // evaluations, each a forward + backward over 400 MB), and every section's PyTorch cases
    // share one python process with one time limit: the fit is timed only on request.
    if (process.env.LOGITKIT_BENCH_TORCH_FIT === '1') {
      t.push({ id: `fittemp-${FIT[0]}x${FIT[1]}-1`, kind: 'fittemp', rows: FIT[0], cols: FIT[1], threads: 1 });
    }
    return t;
  },
  async run(ctx, torch) {
    for (const [rows, cols] of SHAPES) {
      const x = ctx.randn(rows * cols, (rows ^ cols) + 7);
      const h = new Float32Array(rows);
      let w = ctx.newWorkload('calibration', `entropy-${rows}x${cols}`, `entropy per row, (${rows}, ${cols})`, 4 * rows * cols, '4·rows·cols (read x)');
      if (w) {
        await ctx.lkRows(w, 'entropy', [
          { tag: 'out', make: (m) => () => m.entropy(x, cols, { out: h }) },
          { tag: 'fresh output', make: (m) => () => m.entropy(x, cols) },
        ]);
        await ctx.run(w, { label: 'plain JS loop (Math.exp)', family: 'baseline', peer: 'plain JS' }, () => plainEntropy(x, cols, h), { engine: 'loop' });
        ctx.addTorch(w, torch, `entropy-${rows}x${cols}-1`, { label: 'PyTorch -(log_softmax.exp()·log_softmax).sum(1) 1T', threads: 1 });
        ctx.finishWorkload(w);
      }
      const grad = new Float32Array(rows * cols);
      const scratch = x.slice(); // in place: the gradient overwrites the logits it was read from
      w = ctx.newWorkload('calibration', `kluniform-${rows}x${cols}`, `klUniform KL(U‖p) forward + gradient, (${rows}, ${cols}), mean`, 8 * rows * cols, '8·rows·cols (read logits, write grad)');
      if (w) {
        await ctx.lkRows(w, 'klUniform', [
          { tag: 'grad: buffer', make: (m) => () => m.klUniform(x, cols, { grad }) },
          { tag: 'in-place grad: logits', make: (m) => () => m.klUniform(scratch, cols, { grad: scratch }) },
          { tag: 'grad: true (fresh)', make: (m) => () => m.klUniform(x, cols) },
        ]);
        ctx.addTorch(w, torch, `kluniform-${rows}x${cols}-1`, { label: 'PyTorch autograd.grad((−log_softmax.mean(1) − log C).mean()) 1T', threads: 1 });
        ctx.finishWorkload(w);
      }
    }
    const [rows, cols] = FIT;
    const x = ctx.randn(rows * cols, 4242, 4);
    // Labels drawn from softmax(x / 1.5): an over-confident model, T ≈ 1.5 to find (uniform
    // labels would make the answer the degenerate T = Infinity).
    const labels = ctx.lk?.sampleCategorical ? ctx.lk.sampleCategorical(x, cols, { temperature: 1.5, seed: 77 }) : ctx.randLabels(rows, cols, 77);
    const w = ctx.newWorkload('calibration', `fittemp-${rows}x${cols}`, `fitTemperature (temperature scaling), (${rows}, ${cols}), wall time to the fitted T`, 4 * rows * cols, '4·rows·cols per pass (read logits)');
    if (w) {
      // The TS reference would take ~a minute per fit here: not timed.
      await ctx.lkRows(w, 'fitTemperature', [{ tag: 'Newton on β, one fused pass per step', make: (m) => () => m.fitTemperature(x, labels) }],
        { reference: false, engine: 'loop', timing: { warmup: 1, minSamples: 3 } });
      const fitLabel = 'PyTorch LBFGS(lr=0.01, max_iter=50) on F.cross_entropy(x / T) 1T';
      if (process.env.LOGITKIT_BENCH_TORCH_FIT === '1') ctx.addTorch(w, torch, `fittemp-${rows}x${cols}-1`, { label: fitLabel, threads: 1 });
      else ctx.skip(w, { label: fitLabel, family: 'peer', peer: 'PyTorch' }, 'skipped', 'minutes per fit: set LOGITKIT_BENCH_TORCH_FIT=1 to time it');
      ctx.finishWorkload(w);
    }
  },
};
