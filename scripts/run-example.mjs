#!/usr/bin/env node
// Runs one of examples/*.ts: bundles it with esbuild (already installed with tsup) into
// build/examples/<name>.mjs, next to the package so the addon loader finds it, and runs it.
// Usage: node scripts/run-example.mjs <estimators|calibration> [outDir] [n]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
if (!name || !['estimators', 'calibration'].includes(name)) {
  console.error('usage: node scripts/run-example.mjs <estimators|calibration> [outDir] [n]');
  process.exit(2);
}
const outfile = join(root, 'build', 'examples', `${name}.mjs`);
await build({
  entryPoints: [join(root, 'examples', `${name}.ts`)], outfile, bundle: true, platform: 'node', format: 'esm',
  target: 'node20', logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(3)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
