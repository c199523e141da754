#!/usr/bin/env bash
# Coverage-guided fuzzing of the native kernels (libFuzzer + ASan + UBSan), one harness per
# kernel family (fuzz/<family>.cc), driving the kernels of every ISA tier the CPU has through
# the same per-tier fill functions the dispatch table uses; no N-API involved.
#
#   scripts/fuzz.sh            # build, then run each of the 9 harnesses for 20 s (CI budget: ≤ 5 min in all)
#   scripts/fuzz.sh 600        # 10 minutes per harness
#   FUZZ_ONLY=xent scripts/fuzz.sh 60
#
# Each harness starts from its committed seed corpus (fuzz/corpus/<family>/); new inputs it
# finds go to build-fuzz/corpus/<family>/ (not committed). A crash, sanitizer report or failed
# invariant stops the run with a non-zero exit and leaves the reproducer as
# build-fuzz/crash-<family>-*; replay it with build-fuzz/fuzz_<family> <file>.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-20}
CXX=${CXX:-clang++}
OUT=build-fuzz
JOBS=${FUZZ_JOBS:-2}
mkdir -p "$OUT/obj"
FAMILIES=$(node native/sources.cjs families)
SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
# FUZZ_STRICT=1 also checks the invariants of open findings (RELIABILITY.md).
STRICT=${FUZZ_STRICT:+-DLK_FUZZ_STRICT}
COMMON="-std=c++17 -O1 -g -fno-math-errno -Inative $SAN"
declare -A TIERFLAGS=(
  [scalar]="-march=x86-64 -fno-tree-vectorize -fno-slp-vectorize -ffp-contract=off"
  [avx2]="-march=x86-64-v3"
  [avx512]="-march=x86-64-v4")

compile() {  # src obj flags...
  local src=$1 obj=$2; shift 2
  # Rebuilt when any native source or header is newer (kernels include .inc files and headers).
  if [[ ! -f $obj || -n $(find native -type f -newer "$obj" -print -quit) ]]; then
    echo "  CXX $src" >&2
    $CXX $COMMON "$@" -c "$src" -o "$obj"
  fi
}
export -f compile
export CXX COMMON

start=$(date +%s)
# Object list: every family's three tier files, dispatch.cc, pool.cc (compiled in parallel).
jobs_list=()
for f in $FAMILIES; do
  for t in scalar avx2 avx512; do
    jobs_list+=("native/kernels/${f}_${t}.cc|$OUT/obj/${f}_${t}.o|${TIERFLAGS[$t]}")
  done
done
jobs_list+=("native/dispatch.cc|$OUT/obj/dispatch.o|-march=x86-64" "native/pool.cc|$OUT/obj/pool.o|-march=x86-64")
printf '%s\n' "${jobs_list[@]}" | xargs -P "$JOBS" -I{} bash -c 'IFS="|" read -r s o fl <<< "{}"; compile "$s" "$o" $fl'
OBJS=$(ls $OUT/obj/*.o)
# The harnesses (one per family with a fuzz/<family>.cc), compiled and linked in parallel as
# the objects are.
harnesses=()
for f in $FAMILIES; do
  [[ -n ${FUZZ_ONLY:-} && $FUZZ_ONLY != "$f" ]] && continue
  if [[ ! -f fuzz/$f.cc ]]; then echo "fuzz.sh: WARNING: family $f has no harness fuzz/$f.cc yet (not fuzzed)" >&2; continue; fi
  harnesses+=("$f")
done
link() {  # family
  $CXX -std=c++17 -O1 -g -Inative -march=x86-64 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined $STRICT "fuzz/$1.cc" $OBJS -o "$OUT/fuzz_$1" -lpthread
}
export -f link
export OBJS STRICT OUT
if (( ${#harnesses[@]} )); then
  printf '%s\n' "${harnesses[@]}" | xargs -P "$JOBS" -I{} bash -c 'link {}'
fi
echo "fuzz.sh: built in $(( $(date +%s) - start )) s" >&2

status=0
for f in $FAMILIES; do
  [[ -n ${FUZZ_ONLY:-} && $FUZZ_ONLY != "$f" ]] && continue
  [[ -f fuzz/$f.cc ]] || continue
  mkdir -p "$OUT/corpus/$f" "fuzz/corpus/$f"
  t0=$(date +%s)
  log="$OUT/fuzz_$f.log"
  if ! UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
      "$OUT/fuzz_$f" -max_total_time="$SECS" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
      -artifact_prefix="$OUT/crash-$f-" -print_final_stats=1 \
      "$OUT/corpus/$f" "fuzz/corpus/$f" > "$log" 2>&1; then
    echo "fuzz.sh: $f FAILED (log $log):" >&2
    tail -40 "$log" >&2
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  echo "fuzz.sh: $f: $runs inputs in $(( $(date +%s) - t0 )) s, coverage $cov edges" >&2
done
echo "fuzz.sh: total $(( $(date +%s) - start )) s" >&2
exit $status
