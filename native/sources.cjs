#!/usr/bin/env node
// The native source lists, read from native/families.def so that CMakeLists.txt and
// binding.gyp cannot drift apart. binding.gyp calls this through gyp's command expansion:
//   node native/sources.cjs tier avx2   → native/kernels/<family>_avx2.cc for every family
//   node native/sources.cjs tiers [arch] → the tiers built for a Node arch (default: this one)
//   node native/sources.cjs bindings    → native/bindings/<family>.cc for every family
//   node native/sources.cjs families    → the family names
// CMakeLists.txt parses the same file with a regex (the same LK_FAMILY(name, …) lines).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..')  // the package root (this file is native/sources.cjs);
function families() {
  const text = fs.readFileSync(path.join(root, 'native', 'families.def'), 'utf8');
  return [...text.matchAll(/^LK_FAMILY\((\w+),/gm)].map((m) => m[1]);
}
// The tiers each architecture builds, lowest first; LK_TIERS in native/kernels/family.h is the
// same list for the compiler (x86-64: CPUID picks one at run time; arm64: NEON is baseline).
// Any other architecture builds the scalar tier alone.
const TIERS = { x64: ['scalar', 'avx2', 'avx512'], arm64: ['scalar', 'neon'] };
function tiers(arch = process.arch) {
  return TIERS[arch] ?? ['scalar'];
}
module.exports = { families, tiers, TIERS };

if (require.main === module) {
  const [what, tier] = process.argv.slice(2);
  const fams = families();
  let out;
  if (what === 'tier' && tier) out = fams.map((f) => `native/kernels/${f}_${tier}.cc`);
  else if (what === 'bindings') out = fams.map((f) => `native/bindings/${f}.cc`);
  else if (what === 'families') out = fams;
  else if (what === 'tiers') out = tiers(tier);
  else {
    console.error('usage: node native/sources.cjs tier <scalar|avx2|avx512|neon> | tiers [x64|arm64|…] | bindings | families');
    process.exit(2);
  }
  console.log(out.join(' '));
}
