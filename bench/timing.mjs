// Timing helpers for the logitkit benchmark.
//
// The machine this runs on is small (2 cores) and shared, so every number is a MEDIAN of a
// few calls after warm-up, never a mean or a best-of. Two engines:
//
//  - `measure(fn)`: our own median-of-N loop with process.hrtime.bigint(); used for every
//    large workload (tens of MB per call, milliseconds to seconds per call) and for every
//    async peer (onnxruntime-node's `session.run` returns a Promise). The sample count adapts
//    to a time budget so a slow peer (TensorFlow.js' cpu backend takes seconds per call) does
//    not eat the run: at least `minSamples` timed calls, at most `samples`.
//  - `measureBenchmarkJs(fn)`: the `benchmark` package (Benchmark.js 2.1.4) for the small,
//    fast synchronous cases (sub-millisecond calls such as top-k with k = 1 on the native
//    path), where per-call timer resolution and JIT noise matter; we report the median of
//    Benchmark.js' own per-cycle samples (`stats.sample`, seconds per call).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const defaults = {
  samples: 9, // timed calls at most
  minSamples: 3, // timed calls at least, whatever the budget
  warmup: 2, // untimed calls first (page faults, JIT, thread-pool start)
  budgetMs: 1500, // time budget for the timed calls of one case
};

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const nowNs = () => process.hrtime.bigint();
const msSince = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/**
 * Median wall time of `fn` (sync or async) in milliseconds.
 * @param {() => unknown | Promise<unknown>} fn
 * @param {{samples?: number, minSamples?: number, warmup?: number, budgetMs?: number,
 *          before?: () => void}} [opts]  `before` runs untimed ahead of each call.
 * @returns {Promise<{medianMs: number, minMs: number, samples: number, engine: string}>}
 */
export async function measure(fn, opts = {}) {
  const o = { ...defaults, ...opts };
  // first warm-up call: also tells how long one call takes
  o.before?.();
  let t0 = nowNs();
  let r = fn();
  if (r && typeof r.then === 'function') await r;
  const firstMs = msSince(t0);
  // a call slower than the whole budget gets no further warm-up
  for (let i = 1; i < o.warmup && firstMs * (i + 1) < o.budgetMs; i++) {
    o.before?.();
    r = fn();
    if (r && typeof r.then === 'function') await r;
  }
  const n = Math.max(o.minSamples, Math.min(o.samples, Math.floor(o.budgetMs / Math.max(firstMs, 1e-3))));
  const times = [];
  for (let i = 0; i < n; i++) {
    o.before?.();
    t0 = nowNs();
    r = fn();
    if (r && typeof r.then === 'function') await r;
    times.push(msSince(t0));
  }
  return { medianMs: median(times), minMs: Math.min(...times), samples: times.length, engine: 'hrtime-median' };
}

/**
 * Median time per call of a fast synchronous `fn`, measured by Benchmark.js.
 * @param {() => unknown} fn
 * @param {{maxTime?: number, minSamples?: number}} [opts] maxTime in seconds.
 */
export function measureBenchmarkJs(fn, opts = {}) {
  const Benchmark = require('benchmark');
  const bench = new Benchmark('case', fn, {
    maxTime: opts.maxTime ?? 0.5,
    minSamples: opts.minSamples ?? 5,
    initCount: 1,
  });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  const sample = bench.stats.sample.map((s) => s * 1e3);
  return { medianMs: median(sample), minMs: Math.min(...sample), samples: sample.length, engine: 'benchmark.js' };
}

/** `measureBenchmarkJs` for sync fns that are fast (< `fastMs` per call), else `measure`. */
export async function measureAuto(fn, opts = {}) {
  const fastMs = opts.fastMs ?? 2;
  let r = fn(); // probe (also a warm-up call)
  if (r && typeof r.then === 'function') {
    await r;
    return measure(fn, opts);
  }
  const t0 = nowNs();
  fn();
  const oneMs = msSince(t0);
  if (oneMs < fastMs && !opts.before) return measureBenchmarkJs(fn, opts);
  return measure(fn, opts);
}
