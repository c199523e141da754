// Fresh outputs reuse freed memory: the addon raises glibc's mmap and trim thresholds at load
// (README, "Fresh outputs"), so a large output allocated after its predecessor was collected
// takes no page faults. Counted in a child process (a clean heap, an explicit GC between
// calls), not timed.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import * as lk from '../lib/index.js';

const native = lk.backend().name === 'native';
const glibc = !!(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
const dist = path.resolve(__dirname, '..', 'dist', 'index.cjs');

function child(env: Record<string, string>, code: string): string {
  return execFileSync(process.execPath, ['--expose-gc', '-e', code], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
}

test('backend().keepsFreedMemory: on natively with glibc, off with LOGITKIT_MALLOC=system and on the js backend', () => {
  expect(lk.backend().keepsFreedMemory).toBe(native && glibc);
  if (!native) return;
  expect(child({ LOGITKIT_MALLOC: 'system' }, `console.log(require(${JSON.stringify(dist)}).backend().keepsFreedMemory)`)).toBe('false');
});

test.runIf(native && glibc)('a large fresh output reuses its collected predecessor: no page faults per call', () => {
  // 64 × 128 256 floats = 33 MB, above glibc's default mmap cap (32 MB): without the thresholds
  // most calls map, fault in and unmap a new block (≥ 16 faults even with huge pages; 300–800
  // measured with LOGITKIT_MALLOC=system, 0–1 with the thresholds raised).
  const code = `
    const lk = require(${JSON.stringify(dist)});
    const x = new Float32Array(64 * 128256).fill(0.5);
    let y = lk.logSoftmax(x, 128256);
    for (let i = 0; i < 3; i++) { y = null; global.gc(); y = lk.logSoftmax(x, 128256); }
    let faults = 0; // inside the calls only (a GC faults in heap pages of its own)
    for (let i = 0; i < 10; i++) {
      y = null; global.gc();
      const f0 = process.resourceUsage().minorPageFault;
      y = lk.logSoftmax(x, 128256);
      faults += process.resourceUsage().minorPageFault - f0;
    }
    console.log(faults / 10);`;
  const perCall = Number(child({}, code));
  expect(perCall).toBeLessThan(8);
});
