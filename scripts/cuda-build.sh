#!/usr/bin/env bash
# CI check of the CUDA sources on a machine without a GPU (README, "CUDA"): compile
# native/cuda/launch.cu with nvcc exactly as the CMake build does (sm_80 and sm_90 code plus
# compute_90 PTX, static CUDA runtime) into a shared library, check that it exports the whole
# C interface of native/cuda/launch.h and that logitkit.node links no CUDA library.
# Skips (exit 0, "skipped") when nvcc is absent. LOGITKIT_CUDA_REPORT=<file> writes a vitest-
# style JSON summary for .ci/run.
set -uo pipefail
cd "$(dirname "$0")/.."
report=${LOGITKIT_CUDA_REPORT:-}
emit() { [ -n "$report" ] && printf '{"numPassedTests":%d,"numFailedTests":%d,"numPendingTests":%d}\n' "$1" "$2" "$3" >"$report"; }
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
if [ ! -x "$NVCC" ]; then
  echo "cuda-build: skipped (no nvcc)"
  emit 0 0 1
  exit 0
fi
tmp=$(mktemp -d)
cmd=("$NVCC" -O3 -std=c++17 -Xcompiler=-fPIC,-fvisibility=hidden -cudart=static
  -gencode=arch=compute_80,code=sm_80 -gencode=arch=compute_90,code=[sm_90,compute_90]
  -shared -o "$tmp/logitkit_cuda.so" native/cuda/launch.cu)
echo "cuda-build: ${cmd[*]}"
"$NVCC" --version | tail -2
t0=$(date +%s.%N)
"${cmd[@]}"
rc=$?
t1=$(date +%s.%N)
printf 'cuda-build: nvcc exit %d in %.1f s\n' "$rc" "$(echo "$t1 - $t0" | bc)"
fail=0
[ $rc = 0 ] || fail=1
if [ $rc = 0 ]; then
  want=$(grep -oE '^int lkc_[a-z0-9_]+|^const char\* lkc_[a-z0-9_]+' native/cuda/launch.h | grep -oE 'lkc_[a-z0-9_]+' | sort)
  have=$(nm -D --defined-only "$tmp/logitkit_cuda.so" | awk '{print $3}' | grep '^lkc_' | sort)
  if [ "$want" != "$have" ]; then echo "exported symbols differ from launch.h:"; diff <(echo "$want") <(echo "$have"); fail=1; fi
  if ldd "$tmp/logitkit_cuda.so" | grep -q 'libcudart'; then echo "logitkit_cuda.so links libcudart dynamically"; fail=1; fi
  cuobjdump --list-elf "$tmp/logitkit_cuda.so" 2>/dev/null | grep -oE 'sm_[0-9]+' | sort -u | tr '\n' ' '; echo
fi
if [ -f build/Release/logitkit.node ] && ldd build/Release/logitkit.node | grep -qi 'cuda'; then
  echo "logitkit.node links a CUDA library"; fail=1
fi
rm -rf "$tmp"
if [ $fail = 0 ]; then echo "cuda-build: ok"; emit 1 0 0; else echo "cuda-build: FAILED"; emit 0 1 0; fi
exit $fail
