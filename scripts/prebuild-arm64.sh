#!/usr/bin/env bash
# Cross-compiles prebuilds/linux-arm64/logitkit.node (glibc, AArch64) on an x86-64 Debian host
# with the g++-aarch64-linux-gnu toolchain, against the N-API headers of node-api-headers and
# node-addon-api (an N-API addon links against nothing from Node: its symbols resolve at load).
# The sources and flags are CMakeLists.txt's for an aarch64 processor: the scalar and neon tiers
# of every family in native/families.def (through native/sources.cjs).
#   bash scripts/prebuild-arm64.sh            → prebuilds/linux-arm64/logitkit.node
#   CXX=… OUT=… bash scripts/prebuild-arm64.sh
# Test it under emulation with scripts/arm64-check.sh. Parallel by default (JOBS, default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
CXX=${CXX:-aarch64-linux-gnu-g++}
STRIP=${STRIP:-aarch64-linux-gnu-strip}
OUT=${OUT:-prebuilds/linux-arm64/logitkit.node}
JOBS=${JOBS:-$(nproc)}
command -v "$CXX" >/dev/null || { echo "prebuild-arm64: $CXX not found (apt-get install g++-aarch64-linux-gnu)" >&2; exit 1; }
NAPI_INC=$(node -p "require('path').dirname(require.resolve('node-api-headers/package.json'))")/include
ADDON_INC=$(node -p "require('node-addon-api').include_dir")
OBJ=build-arm64/obj
rm -rf build-arm64 && mkdir -p "$OBJ"
COMMON=(-std=c++17 -fPIC -O3 -fno-math-errno -fvisibility=hidden -march=armv8-a
        -DNAPI_VERSION=9 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED -DBUILDING_NODE_EXTENSION
        -I"$NAPI_INC" -I"$ADDON_INC")
declare -A EXTRA=([scalar]="-fno-tree-vectorize -fno-tree-slp-vectorize -ffp-contract=off" [neon]="" [main]="")
jobs_list=()
for tier in $(node native/sources.cjs tiers arm64); do
  for src in $(node native/sources.cjs tier "$tier"); do jobs_list+=("$tier $src"); done
done
for src in native/addon.cc native/dispatch.cc native/pool.cc $(node native/sources.cjs bindings); do jobs_list+=("main $src"); done
compile() {
  local kind=$1 src=$2 obj
  obj="$OBJ/$(echo "$src" | tr / _).o"
  # shellcheck disable=SC2086
  "$CXX" "${COMMON[@]}" ${EXTRA[$kind]} -c "$src" -o "$obj"
}
pids=()
for j in "${jobs_list[@]}"; do
  compile $j &
  pids+=($!)
  if (( ${#pids[@]} >= JOBS )); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done
mkdir -p "$(dirname "$OUT")"
# The napi_* symbols stay undefined: the node binary provides them when it loads the addon.
"$CXX" -shared -o "$OUT" "$OBJ"/*.o -lpthread
"$STRIP" --strip-unneeded "$OUT"
ls -l "$OUT"
