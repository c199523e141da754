#!/usr/bin/env bash
# Packs what bench/device.sh needs on a GPU machine that cannot reach the registries and gets
# at most ~64 MiB of build output with the checkout: build/Release (logitkit.node,
# logitkit_cuda.so), dist/ and node_modules without the packages the tests never load
# (TypeDoc and its highlighter, node-gyp, prebuildify, cmake-js, tsup; TypeScript stays: the
# package test type-checks dist/), as one archive build/device-bundle.tar.gz (~35 MB). Run after `npm run build`; on the
# GPU machine: `tar xzf build/device-bundle.tar.gz && bash bench/device.sh` (the device
# tool's run carries it with carry: ["build/device-bundle.tar.gz"]).
set -euo pipefail
cd "$(dirname "$0")/.."
test -f build/Release/logitkit.node && test -f dist/index.cjs || { echo "run npm run build first"; exit 1; }
test -f build/Release/logitkit_cuda.so || echo "warning: build/Release/logitkit_cuda.so missing (no nvcc at build time?)"
out=build/device-bundle.tar.gz
nm=$(readlink -f node_modules)  # a worktree may link the lead's; symlinks inside stay links
[ "$(basename "$nm")" = node_modules ] || { echo "node_modules resolves to $nm, expected a folder named node_modules"; exit 1; }
tar czf "$out" \
  build/Release/logitkit.node $(test -f build/Release/logitkit_cuda.so && echo build/Release/logitkit_cuda.so) dist \
  -C "$(dirname "$nm")" \
  --exclude='node_modules/node_modules' --exclude='node_modules/typedoc' \
  --exclude='node_modules/@shikijs' --exclude='node_modules/node-gyp' --exclude='node_modules/prebuildify' \
  --exclude='node_modules/cmake-js' --exclude='node_modules/markdown-it' \
  --exclude='node_modules/tsup' --exclude='node_modules/sucrase' \
  --exclude='node_modules/.cache' node_modules
ls -la "$out"
