// Heavy statistical checks of temperature scaling on 10⁶ × 100 logits (400 MB): the planted
// temperature is recovered within 3 standard errors (Fisher information), in a handful of
// fused passes, and the native answer equals the float64 reference minimiser to 1e-6 relative.
// Runs with LOGITKIT_HEAVY=1 (or from an npm script whose name contains 'heavy').
import { expect, test } from 'vitest';
import * as lk from '../../lib/index.js';
import * as ref from '../../lib/reference/index.js';

const selected = process.env.LOGITKIT_HEAVY === '1' || (process.env.npm_lifecycle_event ?? '').includes('heavy');

test.skipIf(!selected)('fitTemperature on 1e6 × 100: planted T within 3 SE, few passes, = float64 minimiser to 1e-6', () => {
  const rows = 1_000_000, cols = 100, T0 = 1.7;
  const rng = new lk.Rng(1234);
  const x = lk.sample.normal(rows * cols, { mean: 0, std: 3 }, { rng });
  const y = lk.sampleCategorical(x, cols, { temperature: T0, rng });
  const t0 = performance.now();
  const info = lk.fitTemperatureInfo(x, y, { tol: 1e-9 });
  const ms = performance.now() - t0;
  console.log(`native fit: T = ${info.temperature} ± ${info.temperatureStdErr} (planted ${T0}), ${info.iterations} passes, ${ms.toFixed(0)} ms`);
  expect(info.converged).toBe(true);
  expect(info.iterations).toBeLessThanOrEqual(7);
  expect(Math.abs(info.beta - 1 / T0)).toBeLessThan(3 * info.betaStdErr);
  expect(info.betaStdErr / info.beta).toBeLessThan(2e-3);
  const r0 = performance.now();
  const refT = ref.fitTemperature(x, y, { tol: 1e-12 });
  console.log(`reference (float64) fit: T = ${refT}, ${(performance.now() - r0).toFixed(0)} ms`);
  expect(Math.abs(info.temperature / refT - 1)).toBeLessThan(1e-6);
}, 600_000);

test.skipIf(!selected)('planted temperatures across a range: z-scores look standard normal', () => {
  // 12 independent fits at 2e4 × 20; each z = (β̂ − β0)/SE ~ N(0, 1): |z| < 3.5 each, and the
  // mean square of the z-scores within the chi-square(12)/12 0.1 % … 99.9 % band (0.27 … 2.7).
  const zs: number[] = [];
  for (let s = 0; s < 12; s++) {
    const T0 = [0.5, 1, 2, 4][s % 4];
    const rng = new lk.Rng(99 + s);
    const x = lk.sample.normal(20000 * 20, { mean: 0, std: 2 }, { rng });
    const y = lk.sampleCategorical(x, 20, { temperature: T0, rng });
    const info = lk.fitTemperatureInfo(x, y);
    zs.push((info.beta - 1 / T0) / info.betaStdErr);
  }
  console.log(`z-scores: ${zs.map((z) => z.toFixed(2)).join(' ')}`);
  for (const z of zs) expect(Math.abs(z)).toBeLessThan(3.5);
  const ms = zs.reduce((a, z) => a + z * z, 0) / zs.length;
  expect(ms).toBeGreaterThan(0.27);
  expect(ms).toBeLessThan(2.7);
}, 600_000);
