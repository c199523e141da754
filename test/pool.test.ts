// The thread pool: resizing and running back to back (a worker that starts late must still
// see the job posted right after it was created), and async work racing sync work.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import * as lk from '../lib/index.js';
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

// The polling window (LOGITKIT_SPIN_US; native/pool.cc) changes only how an idle pool thread
// waits: the same ranges run, so every setting gives the same bytes; a bad value keeps the
// default. Each setting in its own process (the variable is read at the first parallel call),
// through the built package.
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
test.skipIf(lk.backend().name !== 'native' || !existsSync(DIST))(
  'LOGITKIT_SPIN_US: 0, 5, a bad value and the default give the same results',
  () => {
    const script = `
      import * as lk from ${JSON.stringify(DIST)};
      import { createHash } from 'node:crypto';
      lk.setThreads(2);
      const h = createHash('sha256');
      let s = 7;
      const x = Float32Array.from({ length: 256 * 1000 }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 8);
      for (let i = 0; i < 50; i++) {
        const y = lk.logSoftmax(x.subarray(0, (1 + (i % 4)) * 64 * 1000), 1000);
        h.update(new Uint8Array(y.buffer));
      }
      console.log(h.digest('hex'));`;
    const run = (v: string | undefined) => {
      const env = { ...process.env };
      if (v === undefined) delete env.LOGITKIT_SPIN_US;
      else env.LOGITKIT_SPIN_US = v;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trim();
    };
    const want = run(undefined);
    expect(want).toMatch(/^[0-9a-f]{64}$/);
    for (const v of ['0', '5', 'fast', '-3']) expect(run(v)).toBe(want);
  },
);
