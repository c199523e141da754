#!/usr/bin/env bash
# valgrind memcheck over a small subset: test/valgrind/driver.ts makes a few hundred calls per
# family through the public API (native addon, 1 and 2 threads, async) under memcheck. Valgrind
# has no AVX-512, so the addon runs its AVX2 tier (LOGITKIT_ISA=avx2; set scalar to check that).
# Errors whose stack includes logitkit.node fail the run; V8's own (JIT) reports are ignored.
#   scripts/valgrind.sh          (needs build/Release/logitkit.node: npm run build:native)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
mkdir -p build-fuzz
node -e "require('esbuild').buildSync({ entryPoints: ['test/valgrind/driver.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: 'build/valgrind-driver.mjs', logLevel: 'error' })"
LOG=build-fuzz/valgrind.log
export LOGITKIT_ISA=${LOGITKIT_ISA:-avx2}
status=0
valgrind --tool=memcheck --error-limit=no --num-callers=30 --track-origins=no --leak-check=no \
  --log-file="$LOG" node --jitless --max-old-space-size=512 build/valgrind-driver.mjs || status=$?
# Count the error records whose stack goes through the addon.
ours=$(awk '/^==[0-9]+== [A-Z].*(Invalid|uninitialised|Mismatched|overlap|Syscall param)/{rec=1; buf=$0; next} rec && /^==[0-9]+== *$/ {if (buf ~ /logitkit\.node/) n++; rec=0; buf=""; next} rec {buf=buf"\n"$0} END {print n+0}' "$LOG")
total=$(grep -o 'ERROR SUMMARY: [0-9]*' "$LOG" | tail -1 | grep -o '[0-9]*$' || echo '?')
echo "valgrind.sh: node exit $status; memcheck errors: $total in total, $ours in logitkit.node (log $LOG); $(( $(date +%s) - start )) s" >&2
if [[ $status -ne 0 || $ours -ne 0 ]]; then
  grep -B2 -A30 'logitkit.node' "$LOG" | head -80 >&2
  exit 1
fi
