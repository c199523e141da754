// A quick one-process run of the decoding section's rows outside the harness (no PyTorch, no
// report): `npm run build && cd bench && npm install && node decoding-quick.mjs`. logitkit's
// sampleNext and argmax are timed interleaved (one of each per round), so a busy machine slows
// both alike; the ratio is taken per round.
import * as lk from '../dist/index.js';
import { histories, plainSampleNext, transformersJs } from './sections/decoding.mjs';

lk.setThreads(1);
const COLS = 128256;
const OPTS = { temperature: 0.8, topK: 50, topP: 0.95, repetitionPenalty: 1.1 };
const ms = (a) => Number(process.hrtime.bigint() - a) / 1e6;
const stat = (t) => { const s = [...t].sort((a, b) => a - b); return `${s[0].toFixed(3)} / ${s[s.length >> 1].toFixed(3)}`; };
async function time(f, reps) {
  await f();
  const t = [];
  for (let i = 0; i < reps; i++) { const a = process.hrtime.bigint(); await f(); t.push(ms(a)); }
  return stat(t);
}
const tjs = await transformersJs().catch((e) => (console.log(`transformers.js unavailable: ${e.message}`), null));
console.log(`CPU: ${(await import('node:os')).cpus()[0].model}, one thread; min / median ms`);
for (const rows of [1, 8, 64]) {
  const x = lk.sample.normal(rows * COLS, { std: 3 }, { seed: 777 + rows });
  const hist = histories(rows);
  const ids = hist.map((h) => Array.from(h, BigInt));
  const out = new Int32Array(rows);
  // Built once: an object spread plus added keys costs ≈ 3 µs a call in Node 20 (see the
  // decoding section).
  const o = { ...OPTS, previousTokens: hist, rng: new lk.Rng(1), out };
  const rounds = rows === 64 ? 25 : 60;
  const tn = [], ta = [], ratio = [];
  lk.sampleNext(x, COLS, o);
  for (let i = 0; i < rounds; i++) {
    let a = process.hrtime.bigint();
    lk.sampleNext(x, COLS, o);
    tn.push(ms(a));
    a = process.hrtime.bigint();
    lk.argmax(x, COLS, { out });
    ta.push(ms(a));
    ratio.push(tn[i] / ta[i]);
  }
  console.log(`(${rows}, ${COLS})`);
  console.log(`  logitkit sampleNext        ${stat(tn)}`);
  console.log(`  logitkit argmax            ${stat(ta)}   (sampleNext / argmax per round: ${stat(ratio)})`);
  console.log(`  plain JS                   ${await time(() => plainSampleNext(x, COLS, hist), 6)}`);
  if (tjs) {
    console.log(`  transformers.js full       ${await time(() => tjs.full(x, rows, COLS, ids), 6)}`);
    console.log(`  transformers.js rep+temp   ${await time(() => tjs.processors(x, rows, COLS, ids), 6)}`);
  }
}
