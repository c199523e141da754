#!/usr/bin/env node
// Checks the prebuild that `npm pack` would ship: prebuilds/<platform>-<arch>/logitkit.node is
// what node-gyp-build resolves with PREBUILDS_ONLY=1 (so a local build/ cannot hide it), it
// loads, its ABI matches lib/native.ts, it computes a softmax, and the one binary dispatches
// to every ISA tier this CPU has (LOGITKIT_ISA caps it). Run by `prepublishOnly` and by
// scripts/check-install.sh. Exit status 0 = good.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tuple = `${process.platform}-${process.arch}`;

if (process.argv[2] === '--child') {
  // Child: resolve and load like the package does, print what it found.
  const require = createRequire(join(root, 'package.json'));
  const file = require('node-gyp-build').path(root);
  const b = require(file);
  const x = new Float32Array([1, 2, 3]);
  const y = b.softmax(x, 3, 1, new Float32Array(3));
  console.log(JSON.stringify({ file, abi: b.abiVersion, backend: b.backend(), y: Array.from(y) }));
  process.exit(0);
}

const want = Number(/export const ABI_VERSION = (\d+)/.exec(readFileSync(join(root, 'lib', 'native.ts'), 'utf8'))?.[1]);
const expected = join(root, 'prebuilds', tuple, 'logitkit.node');
let failed = 0;
const say = (ok, what) => {
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}`);
};

function child(isa) {
  const env = { ...process.env, PREBUILDS_ONLY: '1', LOGITKIT_ISA: isa ?? '' };
  delete env.LOGITKIT_PREBUILD;
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], { env, encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(0, 4).join(' | ') };
  return JSON.parse(r.stdout);
}

const best = child();
if (best.error) {
  say(false, `PREBUILDS_ONLY=1 load: ${best.error}`);
} else {
  say(best.file === expected, `resolves to ${relative(root, best.file)} (expected ${relative(root, expected)})`);
  say(best.abi === want, `binding ABI ${best.abi} matches lib/native.ts ABI_VERSION ${want}`);
  const [a, b, c] = best.y;
  say(Math.abs(a + b + c - 1) < 1e-6 && Math.abs(c - 0.66524096) < 1e-6, `softmax([1,2,3]) = [${best.y.map((v) => v.toFixed(6)).join(', ')}]`);
  const tiers = ['scalar', 'avx2', 'avx512'];
  const top = tiers.indexOf(best.backend.cpuIsa);
  say(best.backend.isa === best.backend.cpuIsa, `default tier ${best.backend.isa} = the CPU's best (${best.backend.cpuIsa})`);
  for (const isa of tiers.slice(0, top)) {
    const r = child(isa);
    say(!r.error && r.backend.isa === isa, `LOGITKIT_ISA=${isa} runs the ${isa} tier of the same binary${r.error ? `: ${r.error}` : ''}`);
  }
  if (top < 2) {
    console.log(`note  this CPU tops out at ${best.backend.cpuIsa}: the higher tiers cannot run here`);
    const d = spawnSync('objdump', ['-d', '--no-show-raw-insn', expected], { encoding: 'utf8', maxBuffer: 256 << 20 });
    if (d.status === 0) {
      const count = (re) => (d.stdout.match(re) ?? []).length;
      say(count(/%zmm\d/g) > 0, `the binary carries AVX-512 code (${count(/%zmm\d/g)} zmm instructions)`);
      if (top < 1) say(count(/%ymm\d/g) > 0, `the binary carries AVX2 code (${count(/%ymm\d/g)} ymm instructions)`);
    }
  }
}
process.exit(failed ? 1 : 0);
