#!/bin/sh
# Cross-checks the top-k kernels of the scalar, AVX2 and AVX-512 tiers bit for bit on this
# machine (AVX2 needed; AVX-512 is emulated with SIMDe: apt-get install libsimde-dev).
# Usage: scripts/topk-tiers-check.sh [extra compiler flags, e.g. -fsanitize=address,undefined -g]
set -e
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CXX=${CXX:-g++}
F="-std=c++17 -O2 $*"
$CXX $F -march=x86-64 -DTIER_SCALAR -c topk-tiers-check.cc -o "$out/s.o"
$CXX $F -march=x86-64-v3 -DTIER_AVX2 -c topk-tiers-check.cc -o "$out/a.o"
$CXX $F -march=x86-64-v3 -Wno-psabi -DTIER_EMU512 -c topk-tiers-check.cc -o "$out/e.o"
$CXX $F -march=x86-64-v3 -DDRIVER topk-tiers-check.cc "$out/s.o" "$out/a.o" "$out/e.o" -o "$out/check"
"$out/check"
