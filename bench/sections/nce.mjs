// NCE family: nceLoss forward + backward on (4096, 1 + 20); the fused skip-gram step (V = 100k,
// dim = 128, B = 4096, k = 20) against PyTorch's embedding + bmm + logsigmoid + backward + SGD;
// and the word2vec trainer in words/s against word2vec.c when W2V_BIN points to its binary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const B = 4096, K = 20, V = 100_000, DIM = 128;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function plainNce(s, lq, k, grad) {
  // The straightforward loop: softplus form, mean over rows.
  const cols = k + 1, rows = s.length / cols, lk = Math.log(k);
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j, d = s[i] - lk - lq[i], z = j === 0 ? -d : d;
      const e = Math.exp(-Math.abs(z));
      sum += Math.max(z, 0) + Math.log1p(e);
      const sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      grad[i] = (j === 0 ? -sig : sig) / rows;
    }
  }
  return sum / rows;
}

/** Runs the CLI (or word2vec.c) and returns words/s (wall and CPU) and the topic score. */
function trainer(cmd, args, scoreFile) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${(r.stderr || r.stdout || '').trim().split('\n').pop()}`);
  const score = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'word2vec', '--query', scoreFile, '--score'], { encoding: 'utf8' });
  return { wall, out: `${r.stdout}\n${r.stderr}`, score: Number(/topic score ([\d.]+)/.exec(score.stdout)?.[1]) };
}

export default {
  id: 'nce',
  torchPy: 'nce.py',
  torchTasks(ctx) {
    const t = [];
    for (const threads of [1, ctx.ALL]) {
      t.push({ id: `nce-loss-${B}x${K + 1}-${threads}`, kind: 'nce-loss', rows: B, cols: K + 1, threads });
      t.push({ id: `nce-loss-manual-${B}x${K + 1}-${threads}`, kind: 'nce-loss', rows: B, cols: K + 1, manual: true, threads });
      t.push({ id: `nce-step-manual-${threads}`, kind: 'nce-step', V, dim: DIM, B, k: K, manual: true, threads });
      t.push({ id: `nce-step-sparse-${threads}`, kind: 'nce-step', V, dim: DIM, B, k: K, sparse: true, threads });
      t.push({ id: `nce-step-dense-${threads}`, kind: 'nce-step', V, dim: DIM, B, k: K, sparse: false, threads });
    }
    return t;
  },
  async run(ctx, torch) {
    const { ALL, lk } = ctx;
    // ---- nceLoss forward + backward ---------------------------------------------------------
    {
      const s = ctx.randn(B * (K + 1), 11), lq = Float32Array.from(ctx.randn(B * (K + 1), 12, 1), (x) => -1 - Math.abs(x) * 3);
      const grad = new Float32Array(s.length), scratch = s.slice();
      const w = ctx.newWorkload('nce', `nce-loss-${B}x${K + 1}`, `nceLoss forward+backward, (${B}, 1 + ${K}), mean`, 12 * s.length, '12·n (read scores and log q, write grad)');
      if (w) {
        await ctx.lkRows(w, 'nceLoss', [
          { tag: 'grad: true (fresh)', make: (m) => () => m.nceLoss(s, lq, K) },
          { tag: 'grad: buffer', make: (m) => () => m.nceLoss(s, lq, K, { grad }) },
          { tag: 'in-place grad: scores', make: (m) => () => m.nceLoss(scratch, lq, K, { grad: scratch }) },
        ]);
        await ctx.run(w, { label: 'plain JS loop (fwd+bwd)', family: 'baseline', peer: 'plain JS' }, () => plainNce(s, lq, K, grad), { engine: 'loop' });
        ctx.addTorch(w, torch, `nce-loss-manual-${B}x${K + 1}-1`, { label: 'PyTorch no-grad softplus + sigmoid (closed form, its fastest) 1T', threads: 1 });
        ctx.addTorch(w, torch, `nce-loss-manual-${B}x${K + 1}-${ALL}`, { label: `PyTorch no-grad softplus + sigmoid (closed form) ${ALL}T`, threads: ALL });
        ctx.addTorch(w, torch, `nce-loss-${B}x${K + 1}-1`, { label: 'PyTorch autograd.grad(softplus(sign·Δ).sum()) 1T', threads: 1 });
        ctx.addTorch(w, torch, `nce-loss-${B}x${K + 1}-${ALL}`, { label: `PyTorch autograd.grad(softplus(sign·Δ).sum()) ${ALL}T`, threads: ALL });
        ctx.finishWorkload(w);
      }
    }
    // ---- the skip-gram step -----------------------------------------------------------------
    {
      const w = ctx.newWorkload('nce', `nce-step-${V}x${DIM}`, `skip-gram step: V = ${V}, dim = ${DIM}, B = ${B}, k = ${K} (draw noise, score, loss, SGD on both tables)`,
        B * (K + 2) * DIM * 4 * 2, 'rows touched × 2 (read + write)', { perItem: B, perItemUnit: 'pair' });
      if (w) {
        const mk = (m) => {
          const input = Float32Array.from(ctx.randn(V * DIM, 21, 1), (x) => x / DIM), output = new Float32Array(V * DIM);
          const counts = Float64Array.from({ length: V }, (_, i) => 1e7 / (i + 1));
          const sampler = new m.AliasSampler(m.unigramNoise(counts));
          const centre = sampler.sample(B, { seed: 1 }), context = sampler.sample(B, { seed: 2 });
          const rng = new m.Rng(3);
          return { input, output, sampler, centre, context, rng };
        };
        const variant = (mode) => ({
          tag: mode, make: (m) => {
            const d = mk(m);
            return () => m.skipGramStep(d.input, d.output, DIM, d.centre, d.context, { sampler: d.sampler, negatives: K, rng: d.rng, mode });
          },
        });
        await ctx.lkRows(w, 'skipGramStep', [variant('hogwild'), variant('deterministic')], { referenceVariant: variant('deterministic') });
        ctx.addTorch(w, torch, 'nce-step-manual-1', { label: 'PyTorch no-grad index_select+bmm+sigmoid+index_add_ 1T', threads: 1 });
        ctx.addTorch(w, torch, `nce-step-manual-${ALL}`, { label: `PyTorch no-grad index_select+bmm+sigmoid+index_add_ ${ALL}T`, threads: ALL });
        ctx.addTorch(w, torch, 'nce-step-sparse-1', { label: 'PyTorch Embedding(sparse=True)+bmm+logsigmoid+SGD 1T', threads: 1 });
        ctx.addTorch(w, torch, `nce-step-sparse-${ALL}`, { label: `PyTorch Embedding(sparse=True)+bmm+logsigmoid+SGD ${ALL}T`, threads: ALL });
        ctx.addTorch(w, torch, 'nce-step-dense-1', { label: 'PyTorch Embedding (dense grads, default) 1T', threads: 1 });
        ctx.addTorch(w, torch, `nce-step-dense-${ALL}`, { label: `PyTorch Embedding (dense grads, default) ${ALL}T`, threads: ALL });
        ctx.finishWorkload(w);
      }
    }
    // ---- the trainer: words/s on the synthetic corpus, vs word2vec.c ------------------------
    {
      const tokens = Number(process.env.BENCH_NCE_TOKENS) || (ctx.FULL ? 20_000_000 : 3_000_000);
      const w = ctx.newWorkload('nce', 'word2vec-trainer', `word2vec trainer, skip-gram, dim 128, window 5, 5 negatives, 1 iteration, ${tokens / 1e6}M-token planted-topic corpus (mix 0.25; topic score in the note)`, 0, '');
      if (!w) return;
      const dir = mkdtempSync(join(tmpdir(), 'lk-bench-w2v-'));
      const corpus = join(dir, 'corpus.txt');
      const cli = join(root, 'dist', 'cli.js');
      spawnSync(process.execPath, [cli, 'word2vec', '--synthetic', String(tokens), '--topic-mix', '0.25', '--write-corpus', corpus]);
      const common = ['--size', '128', '--window', '5', '--negative', '5', '--iter', '1', '--sample', '1e-3', '--min-count', '5'];
      const note = (r) => `topic score ${r.score.toFixed(4)}`;
      for (const threads of [1, ALL]) {
        let res;
        const out = join(dir, `lk-${threads}.bin`);
        const row = await ctx.run(w, { label: `logitkit word2vec (hogwild) ${threads}T`, family: 'logitkit', peer: 'logitkit', threads }, () => {
          res = trainer(process.execPath, [cli, 'word2vec', '--train', corpus, '--output', out, '--binary', '--threads', String(threads), ...common], out);
        }, { engine: 'loop', timing: { samples: 1, warmup: 0, minSamples: 1 } });
        if (res && row) row.note = note(res);
      }
      const bin = process.env.W2V_BIN;
      if (bin && existsSync(bin)) {
        for (const threads of [1, ALL]) {
          let res;
          const out = join(dir, `w2c-${threads}.bin`);
          const row = await ctx.run(w, { label: `word2vec.c ${threads}T`, family: 'peer', peer: 'word2vec.c', threads }, () => {
            res = trainer(bin, ['-train', corpus, '-output', out, '-cbow', '0', '-hs', '0', '-binary', '1', '-threads', String(threads), ...common.map((a) => a.replace(/^--/, '-'))], out);
          }, { engine: 'loop', timing: { samples: 1, warmup: 0, minSamples: 1 } });
          if (res && row) row.note = note(res);
        }
      } else ctx.skip(w, { label: 'word2vec.c', family: 'peer', peer: 'word2vec.c' }, 'unavailable', 'set W2V_BIN to a word2vec.c binary (not shipped)');
      ctx.finishWorkload(w);
    }
  },
};
