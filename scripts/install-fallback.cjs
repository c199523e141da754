#!/usr/bin/env node
// The install script's second half: `node-gyp-build || node scripts/install-fallback.cjs`.
// node-gyp-build accepts a prebuild when one fits this platform, else compiles from source with
// node-gyp; when that fails too (no compiler, a platform the sources do not build on, a
// toolchain error) this prints one line and exits 0, so `npm install` succeeds and logitkit
// runs on its TypeScript reference (with its one LOGITKIT_NATIVE_UNAVAILABLE warning at run
// time naming the reason and the fixes). README: "Platforms and installing".
'use strict';
const tuple = `${process.platform}-${process.arch}`;
const forced = process.env.npm_config_build_from_source === 'true';
console.warn(
  (forced
    ? 'logitkit: the source build (--build-from-source) failed (output above); '
    : `logitkit: no prebuilt binary for ${tuple} loads here and the source build failed (output above); `) +
    'installed anyway: it will run on its TypeScript reference (correct, slower). ' +
    'Install a C++17 compiler and run `npm rebuild logitkit` for the native kernels.',
);
process.exit(0);
