// The machine's single-thread read+write bandwidth: every "% bw" column divides by it. Runs in
// the harness process (parent: true), before the other sections, whatever --only says.
export default {
  id: 'bandwidth',
  parent: true,
  async run(ctx) {
    // memcpy: TypedArray.prototype.set between two distinct 32 MB buffers is a plain memcpy
    // in V8; GB/s counts read + write bytes (64 MB per copy). Median of 15.
    const n = 8 * 1024 * 1024;
    const src = ctx.randn(n, 7);
    const dst = new Float32Array(n);
    const w = ctx.newWorkload('bandwidth', 'bandwidth-copy-32MB', 'machine bandwidth: single-thread copy, 32 MB → 32 MB (dst.set(src), memcpy)', 2 * 4 * n, 'read+write 2·32 MB');
    if (!w) return;
    const r = await ctx.run(w, { label: 'Float32Array.prototype.set (memcpy)', family: 'baseline', peer: 'memcpy', threads: 1 }, () => dst.set(src), { engine: 'loop', timing: { samples: 15, warmup: 3, minSamples: 9 } });
    if (r.status === 'ok') ctx.setBandwidth(w.bytes / (r.medianMs * 1e-3) / 1e9);
    w.bandwidthGBs = ctx.bandwidthGBs;
    ctx.finishWorkload(w);
    console.log(`   => measured single-thread read+write bandwidth: ${ctx.bandwidthGBs ? ctx.bandwidthGBs.toPrecision(3) : 'n/a'} GB/s`);
  },
};
