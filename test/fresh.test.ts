// Fresh outputs reuse freed memory: the addon raises glibc's mmap and trim thresholds at load
// (README, "Fresh outputs"), so a large output allocated after its predecessor was collected
// takes no page faults. Counted in a child process (a clean heap), not timed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import * as lk from '../lib/index.js';

const native = lk.backend().name === 'native';
const glibc = !!(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
const dist = path.resolve(__dirname, '..', 'dist', 'index.cjs');
const hasDist = existsSync(dist); // the children load the built package
const tuned = process.env.LOGITKIT_MALLOC !== 'system';

function child(env: Record<string, string>, code: string): string {
  return execFileSync(process.execPath, ['-e', code], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
}

test('backend().keepsFreedMemory: on natively with glibc, off with LOGITKIT_MALLOC=system and on the js backend', () => {
  expect(lk.backend().keepsFreedMemory).toBe(native && glibc && tuned);
  if (!native || !hasDist) return;
  expect(child({ LOGITKIT_MALLOC: 'system' }, `console.log(require(${JSON.stringify(dist)}).backend().keepsFreedMemory)`)).toBe('false');
});

test.runIf(native && glibc && hasDist)('a large fresh output reuses freed memory: few page faults per call in a loop', { retry: 1 }, () => {
  // 64 × 128 256 floats = 33 MB, above glibc's default mmap cap (32 MB): with the default
  // thresholds most calls map, fault in and unmap a new block. A loop as a user writes it (no
  // explicit GC; V8 collects the previous outputs on its own). Measured on AMD EPYC Zen 4, page
  // faults per call: 0.3–31 with the thresholds raised, 87–487 with LOGITKIT_MALLOC=system.
  const code = `
    const lk = require(${JSON.stringify(dist)});
    const x = new Float32Array(64 * 128256).fill(0.5);
    for (let i = 0; i < 10; i++) lk.logSoftmax(x, 128256);
    const f0 = process.resourceUsage().minorPageFault;
    for (let i = 0; i < 30; i++) lk.logSoftmax(x, 128256);
    console.log((process.resourceUsage().minorPageFault - f0) / 30);`;
  expect(Number(child({ LOGITKIT_MALLOC: '' }, code))).toBeLessThan(50);
});
