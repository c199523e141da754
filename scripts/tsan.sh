#!/usr/bin/env bash
# ThreadSanitizer over the native thread pool: fuzz/tsan_pool.cc drives lk_parallel_for from four
# threads at once while a fifth changes the thread count, and runs softmax rows through the pool
# (checked bit for bit against one thread). Any data race report fails the run.
#   scripts/tsan.sh [rounds]      (default 1000; CI budget ≤ 3 min)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-1000}
OUT=build-fuzz/tsan
mkdir -p "$OUT"
CXX=${CXX:-clang++}
start=$(date +%s)
FLAGS="-std=c++17 -O1 -g -fsanitize=thread -Inative"

$CXX $FLAGS -march=x86-64 -c native/pool.cc -o $OUT/pool.o &
$CXX $FLAGS -march=x86-64 -c native/dispatch.cc -o $OUT/dispatch.o &
for f in $(node native/sources.cjs families); do
  $CXX $FLAGS -march=x86-64 -ffp-contract=off -c native/kernels/${f}_scalar.cc -o $OUT/${f}_scalar.o &
  $CXX $FLAGS -march=x86-64-v3 -c native/kernels/${f}_avx2.cc -o $OUT/${f}_avx2.o &
  $CXX $FLAGS -march=x86-64-v4 -c native/kernels/${f}_avx512.cc -o $OUT/${f}_avx512.o &
  # Two compilers at a time (CI has 2 cores).
  while (( $(jobs -rp | wc -l) >= ${TSAN_JOBS:-2} )); do wait -n; done
done
wait
$CXX $FLAGS -march=x86-64 fuzz/tsan_pool.cc $OUT/*.o -o $OUT/tsan_pool -lpthread
echo "tsan.sh: built in $(( $(date +%s) - start )) s" >&2
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 exitcode=66" $OUT/tsan_pool "$ROUNDS"
echo "tsan.sh: total $(( $(date +%s) - start )) s" >&2
