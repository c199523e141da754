#!/usr/bin/env node
// Set-up step of `npm run bench` (then bench/run.mjs runs). Idempotent, and it never fails
// the run: whatever cannot be installed or built shows up in the benchmark table as
// "unavailable: <reason>" instead.
//
//  1. bench/node_modules: the peers (onnxruntime-node, TensorFlow.js, @stdlib, benchmark)
//     live in bench/package.json, outside the library's dependencies. Installed when
//     missing or older than bench/package.json / bench/package-lock.json.
//     onnxruntime-node's install step tries to download CUDA parts and fails offline: its
//     CPU binaries ship in the package, so the step is skipped (ONNXRUNTIME_NODE_INSTALL=skip
//     here, and onnxruntime-node-install=skip in bench/.npmrc).
//  2. The library: `npm run build` when dist/index.cjs or build/Release/logitkit.node is
//     missing (LOGITKIT_BENCH_NO_BUILD=1 skips this step, e.g. while another build runs).

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bench = path.join(root, 'bench');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function sh(cmd, argv, cwd, env = {}) {
  console.log(`[bench-setup] ${path.relative(root, cwd) || '.'}$ ${cmd} ${argv.join(' ')}`);
  const r = spawnSync(cmd, argv, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) return `${cmd} failed to start: ${r.error.message}`;
  if (r.status !== 0) return `${cmd} ${argv.join(' ')} exited with ${r.status ?? r.signal}`;
  return null;
}
const mtime = (f) => {
  try {
    return fs.statSync(f).mtimeMs;
  } catch {
    return 0;
  }
};

// 1. peers
const marker = path.join(bench, 'node_modules', '.package-lock.json'); // written by npm on install
const stale = !fs.existsSync(path.join(bench, 'node_modules')) ||
  mtime(marker) < Math.max(mtime(path.join(bench, 'package.json')), mtime(path.join(bench, 'package-lock.json')));
if (stale) {
  const err = sh(npm, ['install', '--no-audit', '--no-fund'], bench, {
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    npm_config_onnxruntime_node_install: 'skip',
  });
  if (err) console.warn(`[bench-setup] warning: ${err}; peers that did not install are reported as unavailable`);
} else {
  console.log('[bench-setup] bench/node_modules is up to date');
}

// 2. the library
const need = ['dist/index.cjs', 'build/Release/logitkit.node'].filter((f) => !fs.existsSync(path.join(root, f)));
if (need.length && process.env.LOGITKIT_BENCH_NO_BUILD === '1') {
  console.log(`[bench-setup] missing ${need.join(', ')}; not building (LOGITKIT_BENCH_NO_BUILD=1)`);
} else if (need.length) {
  console.log(`[bench-setup] missing ${need.join(', ')}: building the library`);
  if (!fs.existsSync(path.join(root, 'node_modules'))) {
    const err = sh(npm, ['install', '--no-audit', '--no-fund'], root);
    if (err) console.warn(`[bench-setup] warning: ${err}`);
  }
  const err = sh(npm, ['run', 'build'], root);
  if (err) console.warn(`[bench-setup] warning: ${err}; the table will say what could not be loaded`);
} else {
  console.log('[bench-setup] library is built (dist/index.cjs, build/Release/logitkit.node)');
}
process.exit(0);
