// logSoftmax streams its output (non-temporal stores) when a thread's share of it is at least
// 4 MB, and stores it normally below that (README, "Performance"). Both paths must give the
// same bits, so that a result never depends on the thread count or on how a call was split:
// checked against small calls, other thread counts, unaligned and in-place outputs, with the
// special rows (all -Infinity, NaN, +Infinity, huge values, a rising running max) inside the
// streamed range.
import { afterAll, expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import { randomF32 } from './helpers.js';

const ROWS = 1100;
const COLS = 1001; // odd: rows start at every alignment, so the streamed part has a head and a tail
const x = randomF32(ROWS * COLS, 41, -30, 30);
for (let j = 0; j < COLS; j++) x[3 * COLS + j] = -Infinity; // all masked
x[5 * COLS + 17] = NaN;
x[7 * COLS + 900] = Infinity;
for (let j = 0; j < COLS; j++) x[9 * COLS + j] = j * 1e35 - 5e37; // huge, max at the end
for (let j = 0; j < COLS; j++) x[11 * COLS + j] = j; // running max rises all along the row
x[13 * COLS] = -Infinity;

const same = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

function rowByRow(t: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < ROWS; r++) y.set(lk.logSoftmax(x.subarray(r * COLS, (r + 1) * COLS), COLS, { temperature: t }), r * COLS);
  return y;
}

const THREADS = lk.backend().threads;
afterAll(() => lk.setThreads(THREADS));

for (const t of [1, 0.7, 3]) {
  test(`logSoftmax (${ROWS}, ${COLS}), temperature ${t}: a streamed call equals row-by-row calls bit for bit`, () => {
    const want = rowByRow(t);
    for (const threads of [1, 2, 3]) {
      lk.setThreads(threads);
      expect(same(lk.logSoftmax(x, COLS, { temperature: t }), want), `threads ${threads}`).toBe(true);
    }
    lk.setThreads(1);
    // unaligned outputs (every offset within a vector), and in place
    for (const off of [1, 2, 3, 5, 15]) {
      const buf = new Float32Array(x.length + off);
      const out = buf.subarray(off);
      lk.logSoftmax(x, COLS, { temperature: t, out });
      expect(same(out, want), `offset ${off}`).toBe(true);
    }
    const inPlace = x.slice();
    lk.logSoftmax(inPlace, COLS, { temperature: t, out: inPlace });
    expect(same(inPlace, want)).toBe(true);
  });
}

test('the special rows inside the streamed range', () => {
  lk.setThreads(1);
  const y = lk.logSoftmax(x, COLS);
  const row = (r: number) => y.subarray(r * COLS, (r + 1) * COLS);
  expect(row(3).every((v) => v === -Infinity)).toBe(true);
  expect(row(5).every((v) => Number.isNaN(v))).toBe(true);
  expect(row(7).every((v) => Number.isNaN(v))).toBe(true);
  expect(row(9)[COLS - 1]).toBe(0); // the max dominates by 1e35 per step
  expect(row(13)[0]).toBe(-Infinity);
  const r11 = row(11);
  let s = 0;
  for (const v of r11) s += Math.exp(v);
  expect(Math.abs(s - 1)).toBeLessThan(1e-5);
});
