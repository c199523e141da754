// The thread pool: resizing and running back to back (a worker that starts late must still
// see the job posted right after it was created), and async work racing sync work.
import { expect, test } from 'vitest';
import * as lk from '../lib/index.js';
import { setPoolSpin } from '../lib/backend.js';
import { randomF32 } from './helpers.js';

test('setThreads immediately followed by parallel work, many times', () => {
  const x = randomF32(512 * 1000, 3);
  const want = lk.softmax(x, 1000);
  const out = new Float32Array(x.length);
  for (let i = 0; i < 300; i++) {
    lk.setThreads(1 + (i % 3));
    lk.softmax(x, 1000, { out });
  }
  expect(Buffer.compare(Buffer.from(out.buffer), Buffer.from(want.buffer))).toBe(0);
  lk.setThreads(2);
});

test('async calls while the main thread uses the pool give the same results', async () => {
  lk.setThreads(2);
  const x = randomF32(256 * 4000, 5);
  const want = lk.logSoftmax(x, 4000);
  const pending = Array.from({ length: 6 }, () => lk.logSoftmaxAsync(x, 4000));
  for (let i = 0; i < 5; i++) lk.logSoftmax(x, 4000);
  for (const r of await Promise.all(pending)) expect(Buffer.compare(Buffer.from(r.buffer), Buffer.from(want.buffer))).toBe(0);
});

test('setThreads validates', () => {
  expect(() => lk.setThreads(0)).toThrow(RangeError);
  expect(() => lk.setThreads(1.5)).toThrow(RangeError);
  expect(() => lk.setThreads('2' as unknown as number)).toThrow(TypeError);
});

// The polling window set at run time (the word2vec trainer turns it off while it pipelines)
// changes only how idle threads wait: 0, a short window and the default (−1) give the same bytes.
test('the pool polling window set at run time leaves results unchanged', () => {
  lk.setThreads(2);
  const x = randomF32(256 * 1000, 11);
  const want = lk.logSoftmax(x, 1000);
  try {
    for (const us of [0, 5, 100000, -1, 0, -1]) {
      setPoolSpin(us);
      for (let i = 0; i < 20; i++) {
        const y = lk.logSoftmax(x, 1000);
        expect(Buffer.compare(Buffer.from(y.buffer), Buffer.from(want.buffer))).toBe(0);
      }
    }
  } finally {
    setPoolSpin(-1);
  }
});
