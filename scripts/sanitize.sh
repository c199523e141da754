#!/usr/bin/env bash
# ASan + UBSan build of the addon and the async-safety regression under it.
#
#   bash scripts/sanitize.sh            build (build-sanitize/), then run the checks
#   SANITIZE_SKIP_BUILD=1 bash scripts/sanitize.sh    reuse the last build
#   SANITIZE_ITER=100 bash scripts/sanitize.sh        longer repro run (default 10)
#   SANITIZE_TESTS="test/softmax.test.ts …"           also run these vitest files under it
#
# The addon is built by cmake-js with -DLK_SANITIZE=ON (-fsanitize=address,undefined, UB fatal) into
# build-sanitize/build/Release; node loads it through LOGITKIT_PREBUILD with the ASan runtime
# preloaded (node itself is not instrumented). Any ASan or UBSan report fails the run.
# The repro (scripts/async-detach-repro.mjs) detaches and collects the buffers of in-flight
# ...Async calls; it caught a heap-use-after-free in every async binding before they worked on
# private copies.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build-sanitize

if [ "${SANITIZE_SKIP_BUILD:-}" != 1 ]; then
  npx cmake-js compile --out "$OUT/build" --CDLK_SANITIZE=ON >"$OUT.log" 2>&1 || { tail -40 "$OUT.log"; exit 1; }
fi
[ -f "$OUT/build/Release/logitkit.node" ] || { echo "sanitize: no build at $OUT/build/Release" >&2; exit 1; }
nm -D "$OUT/build/Release/logitkit.node" | grep __asan_report >/dev/null || { echo "sanitize: $OUT is not instrumented" >&2; exit 1; }
[ -f dist/index.js ] || npm run build:ts >/dev/null

LIBASAN=$(g++ -print-file-name=libasan.so)
export LD_PRELOAD=$LIBASAN
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LOGITKIT_PREBUILD=$OUT LOGITKIT_BACKEND=native

node -e "const b=require('./dist/index.cjs').backend(); if(!b.path||!b.path.startsWith('$OUT')) {console.error('sanitize: loaded',b.path); process.exit(1)}; console.log('sanitize: ASan+UBSan build', b.path, b.isa)"
for isa in "" avx2 scalar; do
  UV_THREADPOOL_SIZE=1 LOGITKIT_ISA=$isa node --expose-gc scripts/async-detach-repro.mjs "${SANITIZE_ITER:-10}"
done
if [ -n "${SANITIZE_TESTS:-}" ]; then
  # shellcheck disable=SC2086
  npx vitest run $SANITIZE_TESTS
fi
echo "sanitize: no ASan/UBSan report"
