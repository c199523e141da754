#!/usr/bin/env node
// `npm run prebuild`: prebuildify --napi --strip with the cmake-js shim as its "node-gyp"
// (scripts/cmake-js-as-node-gyp.cjs), so the shipped binary is the cmake-js build of
// CMakeLists.txt: prebuilds/<platform>-<arch>/logitkit.node, one file with every ISA tier.
// Then scripts/verify-prebuild.mjs loads it with PREBUILDS_ONLY=1.
//
// npm also runs a script named "prebuild" as the pre-hook of `npm run build`. Building the
// prebuild there would double the build time and move build/Release/logitkit.node into
// prebuilds/, so when this script finds that it was started by `npm run build` it does nothing.
// Extra arguments go to prebuildify (`npm run prebuild -- --arch x64`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The npm command line that started us, from the process tree (Linux); null if unknown. */
function npmArgs() {
  let pid = process.ppid;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    let argv, stat;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return null;
    }
    // npm sets its process title to the command ("npm run build"), which replaces argv in
    // /proc; an npm that did not would show [node, .../npm-cli.js, run, build].
    if (/^npm( |$)/.test(argv[0] ?? '')) return argv.join(' ').split(/\s+/).slice(1);
    const i = argv.findIndex((a) => /(^|[\\/])npm(-cli\.js)?$/.test(a));
    if (i >= 0) return argv.slice(i + 1);
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]); // field 4: ppid
  }
  return null;
}

if (process.env.npm_lifecycle_event === 'prebuild') {
  const args = npmArgs();
  const positional = args?.filter((a) => !a.startsWith('-')) ?? [];
  if (positional.includes('build') && !positional.includes('prebuild')) {
    console.log('[prebuild] pre-hook of `npm run build`: skipped (run `npm run prebuild` to make prebuilds/)');
    process.exit(0);
  }
}

const require = createRequire(join(root, 'package.json'));
const prebuildify = join(dirname(require.resolve('prebuildify/package.json')), 'bin.js');
const args = [prebuildify, '--napi', '--strip', '--node-gyp', join(root, 'scripts', 'cmake-js-as-node-gyp.cjs'), ...process.argv.slice(2)];
let r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
r = spawnSync(process.execPath, [join(root, 'scripts', 'verify-prebuild.mjs')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
