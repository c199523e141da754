#!/usr/bin/env node
// prebuildify has no cmake-js backend (prebuild/prebuildify#49): it spawns `--node-gyp <bin>`
// with node-gyp's arguments and then takes the first *.node in build/Release. This shim
// accepts those arguments and runs the cmake-js build of CMakeLists.txt instead, which writes
// build/Release/logitkit.node — so `npm run prebuild` ships the same build as
// `npm run build:native`.
//
//   prebuildify spawns:  <this> rebuild --target=20.20.2 --devdir=/tmp/prebuildify/node
//                        --arch=x64 --release
//
// --target and --devdir are node-gyp's header download settings; cmake-js builds against
// node-api-headers (package.json "binary": {"napi_versions": [9]}), so the build is offline
// and does not depend on the Node version. --arch is passed on; --debug builds Debug.
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const command = argv.find((a) => !a.startsWith('-')) ?? 'rebuild';
if (command !== 'rebuild' && command !== 'build') {
  console.error(`cmake-js-as-node-gyp: only "rebuild" and "build" are supported (got "${command}")`);
  process.exit(2);
}

const opt = (name) => {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}` && i + 1 < argv.length && !argv[i + 1].startsWith('-')) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
};
const flag = (name) => argv.includes(`--${name}`);

const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
const args = [cmakeJs, command, '--out', 'build', '--directory', root];
const arch = opt('arch');
if (arch) args.push('--arch', arch);
if (flag('debug')) args.push('--debug');
const jobs = opt('jobs') ?? process.env.JOBS;
if (jobs && /^\d+$/.test(jobs)) args.push('--parallel', jobs);

console.error(`cmake-js-as-node-gyp: node ${args.map((a) => path.relative(root, a) || a).join(' ')}`);
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (r.error) {
  console.error(`cmake-js-as-node-gyp: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
