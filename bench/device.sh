#!/usr/bin/env bash
# The one script for a machine with an NVIDIA GPU (README, "CUDA"): run it from the repository
# root of a checkout that already holds the build output (build/Release/logitkit.node,
# build/Release/logitkit_cuda.so, dist/) and node_modules; it installs and compiles nothing.
#   1. prints the CPU (model, AVX2 / AVX-512 flags) and the GPU;
#   2. checks the build output it was given;
#   3. runs `npm test` at the default dispatch (AVX-512 on such a host) and at LOGITKIT_ISA=avx2;
#   4. runs the CUDA tests (test/cuda.test.ts, test/cuda-host.test.ts) verbosely;
#   5. runs the device benchmark (bench/device-bench.mjs) on the CPU at the default tier and at
#      AVX2, then on the GPU, and prints one table.
# DEVICE_SH_DRY=1 (machines without a GPU, to check the script): skips step 3 and runs the
# benchmark on tiny shapes.
# Sized for well under 10 minutes on a 16-core host with one H100 (each step has a timeout);
# results go to bench/device-results/ (logs, JSON lines, table.md). Exit status: 0 when every
# step passed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=bench/device-results
rm -rf "$out" && mkdir -p "$out"
status=0
step() { echo; echo "=== $*"; }

step "1. host and GPU ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
grep -m1 'model name' /proc/cpuinfo
echo "cores: $(nproc)"
echo "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512bw|avx512dq|avx512vl|avx512_bf16|avx512vnni)$' | tr '\n' ' ')"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.memory --format=csv
else
  echo "nvidia-smi: not found"
fi

step "2. build output"
if [ -f build/device-bundle.tar.gz ] && [ ! -e node_modules/.bin/vitest ]; then
  echo "unpacking build/device-bundle.tar.gz (scripts/device-bundle.sh)"
  tar xzf build/device-bundle.tar.gz || status=1
fi
for f in build/Release/logitkit.node build/Release/logitkit_cuda.so dist/index.cjs node_modules/.bin/vitest; do
  if [ -e "$f" ]; then echo "ok       $f"; else echo "MISSING  $f"; status=1; fi
done
[ -e dist/index.cjs ] && [ -e node_modules/.bin/vitest ] || { echo "cannot go on without dist/ and node_modules (build on a machine with registries: npm ci && npm run build)"; exit 2; }
node -e 'const b = require("./dist/index.cjs").backend(); console.log(JSON.stringify(b, null, 1))' | tee "$out/backend.json"

if [ "${DEVICE_SH_DRY:-}" = 1 ]; then
  step "3. (dry run: npm test skipped)"
  export DEVICE_BENCH_SMOKE=1
else
  step "3a. npm test (default dispatch)"
  timeout 240 npx vitest run >"$out/test-default.log" 2>&1 || status=1
  grep -E "Test Files|Tests " "$out/test-default.log" || tail -20 "$out/test-default.log"
  step "3b. LOGITKIT_ISA=avx2 npm test"
  LOGITKIT_ISA=avx2 timeout 240 npx vitest run >"$out/test-avx2.log" 2>&1 || status=1
  grep -E "Test Files|Tests " "$out/test-avx2.log" || tail -20 "$out/test-avx2.log"
fi

step "4. CUDA tests"
timeout 180 npx vitest run test/cuda.test.ts test/cuda-host.test.ts --reporter verbose >"$out/test-cuda.log" 2>&1 || status=1
grep -E "✓|×|↓|FAIL|skipped|Tests " "$out/test-cuda.log" | head -60

step "5. benchmark (median of N=${N:-5} calls)"
timeout 120 node bench/device-bench.mjs cpu >"$out/cpu-default.jsonl" 2>"$out/cpu-default.err" || { status=1; tail -5 "$out/cpu-default.err"; }
LOGITKIT_ISA=avx2 timeout 120 node bench/device-bench.mjs cpu >"$out/cpu-avx2.jsonl" 2>"$out/cpu-avx2.err" || { status=1; tail -5 "$out/cpu-avx2.err"; }
timeout 120 node bench/device-bench.mjs gpu >"$out/gpu.jsonl" 2>"$out/gpu.err" || { status=1; tail -5 "$out/gpu.err"; }
node bench/device-bench.mjs table "$out/cpu-default.jsonl" "$out/cpu-avx2.jsonl" "$out/gpu.jsonl" | tee "$out/table.md"
grep -h '"threshold"' "$out/gpu.jsonl" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>s.split("\n").filter(Boolean).forEach(l=>console.log("auto threshold:", JSON.parse(l).title)))'

echo
echo "device.sh: $([ $status = 0 ] && echo 'all steps passed' || echo 'some steps FAILED (see above and bench/device-results/)')"
exit $status
