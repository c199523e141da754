// Quick one-process measurement of the decoding section's rows (min and median of reps).
import * as lk from '../dist/index.js';
import { histories, plainSampleNext, transformersJs } from './sections/decoding.mjs';
lk.setThreads(1);
const COLS = 128256;
const OPTS = { temperature: 0.8, topK: 50, topP: 0.95, repetitionPenalty: 1.1 };
function randn(n, seed) { const o = new Float32Array(n); let s = seed >>> 0 || 1; for (let i = 0; i < n; i += 2) { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; const u = (s + 0.5) / 2 ** 32; s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; const v = (s + 0.5) / 2 ** 32; const R = Math.sqrt(-2 * Math.log(u)); o[i] = 3 * R * Math.cos(2 * Math.PI * v); if (i + 1 < n) o[i + 1] = 3 * R * Math.sin(2 * Math.PI * v); } return o; }
async function time(f, reps) { await f(); const t = []; for (let i = 0; i < reps; i++) { const a = process.hrtime.bigint(); await f(); t.push(Number(process.hrtime.bigint() - a) / 1e6); } t.sort((a, b) => a - b); return `${t[0].toFixed(3)} / ${t[t.length >> 1].toFixed(3)}`; }
const tjs = await transformersJs();
for (const rows of [1, 8, 64]) {
  const x = randn(rows * COLS, 777 + rows);
  const hist = histories(rows);
  const ids = hist.map((h) => Array.from(h, BigInt));
  const out = new Int32Array(rows);
  const rng = new lk.Rng(1);
  const reps = rows === 64 ? 15 : 40;
  console.log(`(${rows}, ${COLS}) min / median ms`);
  console.log('  logitkit sampleNext      ', await time(() => lk.sampleNext(x, COLS, { ...OPTS, previousTokens: hist, rng, out }), reps));
  console.log('  logitkit argmax          ', await time(() => lk.argmax(x, COLS, { out }), reps));
  console.log('  plain JS                 ', await time(() => plainSampleNext(x, COLS, hist), Math.min(reps, 8)));
  console.log('  transformers.js full     ', await time(() => tjs.full(x, rows, COLS, ids), Math.min(reps, 8)));
  console.log('  transformers.js rep+temp ', await time(() => tjs.processors(x, rows, COLS, ids), Math.min(reps, 8)));
}
