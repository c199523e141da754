// sampleNext: one next token per row of a Llama-3-vocabulary batch (128 256), the serving
// defaults of the decoding issue: temperature 0.8, top-k 50, top-p 0.95, repetition penalty 1.1
// over 512 previous tokens per row. Peers: @huggingface/transformers' processor chain and its
// multinomial sampler (what a Node generation loop runs today; its top-p warper has no
// implementation, so that row does less work), the same chain without the sampler (the part it
// can express fully), onnxruntime-node and tfjs running the same chain as their ops express it
// (one graph / one tidy: penalty by gather and scatter, 1/T, TopK 50, top-p, Multinomial),
// plain JavaScript, and logitkit's argmax over the same logits (one read pass: the floor for
// any decoder).
const COLS = 128256;
const BATCHES = [1, 8, 64];
const OPTS = { temperature: 0.8, topK: 50, topP: 0.95, repetitionPenalty: 1.1 };
const HISTORY = 512;

/** Per-row histories: 512 tokens each, drawn from the vocabulary (xorshift). */
export function histories(rows, cols = COLS, n = HISTORY, seed = 99) {
  let s = seed >>> 0 || 1;
  return Array.from({ length: rows }, () => Int32Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s % cols;
  }));
}

/**
 * The whole pipeline in plain JavaScript, as a Node user would write it: copy the row, penalise
 * the unique history tokens, scale by 1/T, a bounded min-heap for the top 50, softmax over
 * them, the top-p cut, one Math.random draw.
 */
export function plainSampleNext(x, cols, hist, o = OPTS, out = new Int32Array(x.length / cols)) {
  const rows = x.length / cols, k = o.topK;
  const z = new Float32Array(cols);
  const hv = new Float32Array(k), hi = new Int32Array(k);
  for (let r = 0; r < rows; r++) {
    z.set(x.subarray(r * cols, (r + 1) * cols));
    for (const t of new Set(hist[r])) z[t] = z[t] > 0 ? z[t] / o.repetitionPenalty : z[t] * o.repetitionPenalty;
    const inv = 1 / o.temperature;
    let n = 0;
    for (let j = 0; j < cols; j++) {
      const v = z[j] * inv;
      if (n < k) {
        let i = n++;
        while (i > 0) { const p = (i - 1) >> 1; if (hv[p] <= v) break; hv[i] = hv[p]; hi[i] = hi[p]; i = p; }
        hv[i] = v; hi[i] = j;
      } else if (v > hv[0]) {
        let i = 0;
        for (;;) {
          let c = 2 * i + 1;
          if (c >= n) break;
          if (c + 1 < n && hv[c + 1] < hv[c]) c++;
          if (hv[c] >= v) break;
          hv[i] = hv[c]; hi[i] = hi[c]; i = c;
        }
        hv[i] = v; hi[i] = j;
      }
    }
    const ord = Array.from({ length: n }, (_, i) => i).sort((a, b) => hv[b] - hv[a]);
    const m = hv[ord[0]];
    const p = ord.map((i) => Math.exp(hv[i] - m));
    const s = p.reduce((a, b) => a + b, 0);
    let acc = 0, keep = 0;
    while (keep < n && acc < o.topP * s) acc += p[keep++];
    let u = Math.random() * acc, c = 0;
    while (c < keep - 1 && u >= p[c]) u -= p[c++];
    out[r] = hi[ord[c]];
  }
  return out;
}

/** @huggingface/transformers: its processors on the batch, then its MultinomialSampler's steps per row. */
export async function transformersJs() {
  const T = await import('@huggingface/transformers');
  // The sampler class is internal; these are its steps (topk through onnxruntime, softmax,
  // a Math.random linear scan), as generation_config { do_sample: true, top_k: 50 } runs them.
  const weighted = (p) => {
    let u = Math.random() * p.reduce((a, b) => a + b, 0);
    for (let i = 0; i < p.length; i++) { u -= p[i]; if (u <= 0) return i; }
    return p.length - 1;
  };
  const rep = new T.RepetitionPenaltyLogitsProcessor(OPTS.repetitionPenalty);
  const temp = new T.TemperatureLogitsWarper(OPTS.temperature);
  return {
    version: T.env?.version,
    /** processors only (repetition penalty + temperature), in place on a copy of x */
    processors(x, rows, cols, ids) {
      const t = new T.Tensor('float32', x.slice(), [rows, cols]);
      return temp(ids, rep(ids, t));
    },
    async full(x, rows, cols, ids) {
      const t = temp(ids, rep(ids, new T.Tensor('float32', x.slice(), [rows, cols])));
      const out = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        const [v, i] = await T.topk(t[r], OPTS.topK);
        out[r] = Number(i.data[weighted(T.softmax(v.data))]);
      }
      return out;
    },
  };
}

export default {
  id: 'decoding',
  async run(ctx) {
    let tjs = null, why = '';
    try {
      tjs = await transformersJs();
    } catch (e) {
      why = e.message;
    }
    for (const rows of BATCHES) {
      const w = ctx.newWorkload('decoding', `decoding-${rows}x${COLS}`,
        `sampleNext T=0.8, top-k 50, top-p 0.95, repetition 1.1 over 512 tokens, (${rows}, ${COLS})`, 4 * rows * COLS, '4·rows·cols (read the logits once)');
      if (!w) continue;
      const x = ctx.randn(rows * COLS, 777 + rows);
      const hist = histories(rows);
      const ids = hist.map((h) => Array.from(h, BigInt));
      const out = new Int32Array(rows);
      // Each variant's options object is built once, outside the timed call: in Node 20 (V8 11)
      // an object spread followed by added keys ({ ...OPTS, previousTokens, rng, out }) costs
      // ≈ 3 µs a call, about a tenth of a 1-row sampleNext, where an object literal costs
      // nanoseconds. (The Rng inside advances with every call either way.)
      await ctx.lkRows(w, 'sampleNext', [
        { tag: 'out', make: (m) => { const o = { ...OPTS, previousTokens: hist, rng: new m.Rng(1), out }; return () => m.sampleNext(x, COLS, o); } },
        { tag: 'fresh output', make: (m) => { const o = { ...OPTS, previousTokens: hist, rng: new m.Rng(1) }; return () => m.sampleNext(x, COLS, o); } },
      ]);
      {
        // Top-p without top-k: the float64 index-order normaliser over the whole row, then a
        // window sized from its mass histogram (reported against argmax too).
        const o = { temperature: 0.8, topP: 0.95, repetitionPenalty: 1.1, previousTokens: hist, rng: new ctx.lk.Rng(2), out };
        await ctx.run(w, { label: 'logitkit sampleNext 1T, top-p 0.95 alone (no top-k), same penalty', family: 'logitkit', threads: 1 },
          () => ctx.lk.sampleNext(x, COLS, o),
          { setup: () => ctx.lk.setThreads?.(1), teardown: () => ctx.lk.setThreads?.(ctx.ALL) });
      }
      // One thread, like the sampleNext 1T rows it is the yardstick for.
      await ctx.run(w, { label: 'logitkit argmax 1T, same logits (one read pass)', family: 'baseline', peer: 'argmax', threads: 1 },
        () => ctx.lk.argmax(x, COLS, { out }), { setup: () => ctx.lk.setThreads?.(1), teardown: () => ctx.lk.setThreads?.(ctx.ALL) });
      await ctx.run(w, { label: 'plain JS (copy, penalty, 1/T, heap top-50, top-p, draw)', family: 'baseline', peer: 'plain JS' },
        () => plainSampleNext(x, COLS, hist), { engine: 'loop' });
      if (tjs) {
        await ctx.run(w, { label: 'transformers.js processors + multinomial sampler (no top-p: not implemented)', family: 'peer', peer: 'transformers.js' },
          () => tjs.full(x, rows, COLS, ids), { engine: 'loop' });
        await ctx.run(w, { label: 'transformers.js repetition penalty + temperature only', family: 'peer', peer: 'transformers.js' },
          () => tjs.processors(x, rows, COLS, ids), { engine: 'loop' });
      } else {
        ctx.skip(w, { label: 'transformers.js', family: 'peer' }, 'unavailable', why);
      }
      // onnxruntime-node and tfjs: the chain as each can express it (tfjsChain, graphs.decodingChain).
      const chain = { k: OPTS.topK, topP: OPTS.topP, rep: OPTS.repetitionPenalty, temperature: OPTS.temperature };
      const label = 'penalty, 1/T, TopK 50, top-p (Softmax, exclusive CumSum), Multinomial';
      if (ctx.ort) {
        const h = BigInt64Array.from(hist.flatMap((a) => Array.from(a, BigInt)));
        await ctx.ortRows(w, `onnxruntime ${label}`, ctx.graphs.decodingChain(rows, COLS, HISTORY, chain),
          { x: new ctx.ort.Tensor('float32', x, [rows, COLS]), h: new ctx.ort.Tensor('int64', h, [rows, HISTORY]) });
      } else ctx.skip(w, { label: `onnxruntime ${label}`, family: 'peer' }, 'unavailable', ctx.unavailable.get('onnxruntime-node'));
      await ctx.tfRows(w, `tfjs ${label}`, (tf, keep) => tfjsChain(tf, keep, x, rows, hist, chain), rows === 1);
      ctx.finishWorkload(w);
    }
  },
};

/**
 * The chain in tfjs ops (the onnxruntime graph's steps): gatherND / where / tensorScatterUpdate
 * for the penalty, div, topk, softmax, exclusive cumsum < p, multinomial, and the chosen
 * column's token. Returns the timed call (one call made first, so an op the backend lacks is
 * reported as an error row, not a crash).
 */
function tfjsChain(tf, keep, x, rows, hist, { k, topP, rep, temperature }) {
  const xt = keep(tf.tensor2d(x, [rows, COLS]));
  const pairs = new Int32Array(rows * HISTORY * 2);
  hist.forEach((h, r) => h.forEach((t, i) => { pairs[2 * (r * HISTORY + i)] = r; pairs[2 * (r * HISTORY + i) + 1] = t; }));
  const at = keep(tf.tensor2d(pairs, [rows * HISTORY, 2], 'int32'));
  const rowIds = keep(tf.range(0, rows, 1, 'int32'));
  const step = () => tf.tidy(() => {
    const g = tf.gatherND(xt, at);
    const xp = tf.tensorScatterUpdate(xt, at, tf.where(tf.greater(g, 0), tf.div(g, rep), tf.mul(g, rep)));
    const { values, indices } = tf.topk(tf.div(xp, temperature), k);
    const cum = tf.cumsum(tf.softmax(values), 1, true);
    const s = tf.multinomial(tf.where(tf.less(cum, topP), values, tf.fill(values.shape, -Infinity)), 1);
    // tf.gather(indices, s, 1, 1) (batchDims 1) fails on the wasm backend at 64 rows: gatherND on (row, column)
    return tf.gatherND(indices, tf.stack([rowIds, tf.cast(tf.reshape(s, [rows]), 'int32')], 1));
  });
  const call = () => { const t = step(); t.dataSync(); t.dispose(); };
  call();
  return call;
}
