// Addon entry: fills the dispatch table once, sizes the pool, registers each family.
#include <sched.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdlib>
#include <mutex>
#include <thread>

#include "bindings/common.h"
#include "cuda/host.h"  // the optional CUDA library, dlopen()ed on first use

namespace {

int available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  unsigned h = std::thread::hardware_concurrency();
  return h > 0 ? int(h) : 1;
}

Napi::Value Backend(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("isa", lk_isa_name(lk_dispatch().isa));
  o.Set("cpuIsa", lk_isa_name(lk_dispatch().cpu_best));
  o.Set("threads", lk_pool_threads());
  o.Set("cores", available_cores());
  return o;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int64_t n = lk::count(info, 0, "threads");
  lk::require(info, n >= 1 && n <= 1024, "threads must be in [1, 1024]");
  lk_pool_set_threads(int(n));
  return info.Env().Undefined();
}

// The pool's polling window (native/pool.cc): lib/cli/word2vec.ts turns it off while its JS
// thread prepares batches beside a running step (more busy threads than cores).
Napi::Value SetSpin(const Napi::CallbackInfo& info) {
  const double us = lk::number(info, 0, "microseconds");
  lk::require(info, us >= -1 && us <= 100000, "microseconds must be in [-1, 100000]");
  lk_pool_set_spin_us(int64_t(us));
  return info.Env().Undefined();
}

// Whether LOGITKIT_SPIN_US set the window: the trainer then leaves it as the user chose.
Napi::Value SpinFromEnv(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), lk_pool_spin_from_env()); }

// The address of a typed array's first byte modulo 64, or -1 when it has none: the word2vec
// trainer places its tables on cache-line boundaries (lib/cli/word2vec.ts).
Napi::Value AddressMod64(const Napi::CallbackInfo& info) {
  napi_typedarray_type type;
  size_t len = 0, off = 0;
  void* data = nullptr;
  napi_value ab;
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      napi_get_typedarray_info(info.Env(), info[0], &type, &len, &data, &ab, &off) != napi_ok || !data)
    return Napi::Number::New(info.Env(), -1);
  return Napi::Number::New(info.Env(), double(reinterpret_cast<uintptr_t>(data) % 64));
}

// Fresh outputs (lib/alloc.ts) are uninitialised malloc memory; a large one is usually a fresh
// mapping whose first write takes one page fault per 4 KB (4096 for a 16 MB output: as much
// time as the kernel itself). Asking for transparent huge pages on the 2 MB-aligned interior
// turns those into a few 2 MB faults (README, "Performance"). Advice only: where THP is off,
// or the range is already populated, nothing changes; the contents are never touched.
Napi::Value AdviseHugePages(const Napi::CallbackInfo& info) {
  Napi::Value v = info[0];
  if (!v.IsArrayBuffer()) return Napi::Boolean::New(info.Env(), false);
  bool advised = false;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  Napi::ArrayBuffer ab = v.As<Napi::ArrayBuffer>();
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;
  uintptr_t p = reinterpret_cast<uintptr_t>(ab.Data());
  uintptr_t begin = (p + kHuge - 1) & ~(kHuge - 1), end = (p + ab.ByteLength()) & ~(kHuge - 1);
  if (p != 0 && end > begin) advised = madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) == 0;
#endif
  return Napi::Boolean::New(info.Env(), advised);
}

// Fresh outputs are only as fast as `out` when their memory was used before: a fresh mapping
// costs a page fault and the kernel's zeroing of every page on its first write (about 1 ms per
// 32 MB here, as much as a log-softmax pass). glibc serves a block above its mmap threshold
// (adaptive, capped at 32 MB) from a fresh mapping and unmaps it on free, and gives the heap
// top back once more than the trim threshold is free, so every large output of a loop pays
// that again. Raising both (to `mmap_bytes` and `trim_bytes`) keeps freed blocks for reuse:
// the cost is up to `trim_bytes` of freed memory kept by the process instead of returned to
// the system (README, "Performance"; LOGITKIT_MALLOC=system skips this). Process-wide, so
// once; glibc only (musl and others have no such knobs, and their outputs fault as before).
Napi::Value KeepLargeBlocks(const Napi::CallbackInfo& info) {
  int64_t mmap_bytes = lk::count(info, 0, "mmapBytes");
  int64_t trim_bytes = lk::count(info, 1, "trimBytes");
  bool kept = false;
#if defined(__GLIBC__)
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [&] {
    ok = mmap_bytes <= (int64_t(1) << 30) && trim_bytes <= (int64_t(1) << 31) &&
         mallopt(M_MMAP_THRESHOLD, int(mmap_bytes)) == 1 && mallopt(M_TRIM_THRESHOLD, int(trim_bytes)) == 1;
  });
  kept = ok;
#else
  (void)mmap_bytes;
  (void)trim_bytes;
#endif
  return Napi::Boolean::New(info.Env(), kept);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The table and pool are process-wide: worker_threads that load the addon share them.
  static std::once_flag once;
  static const char* init_error = nullptr;
  static const char* init_warning = nullptr;
  std::call_once(once, [] {
    if (lk_dispatch_init(std::getenv("LOGITKIT_ISA"), &init_error, &init_warning)) lk_pool_set_threads(available_cores());
  });
  if (init_error) lk::throw_error(env, false, "ERR_LOGITKIT_INCOMPLETE_DISPATCH", init_error);
  // lib/native.ts turns this into one LOGITKIT_BAD_ENV warning.
  if (init_warning) exports.Set("initWarning", Napi::String::New(env, init_warning));
  exports.Set("abiVersion", Napi::Number::New(env, 3));  // lib/native.ts ABI_VERSION
  exports.Set("backend", Napi::Function::New(env, Backend, "backend"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("setSpin", Napi::Function::New(env, SetSpin, "setSpin"));
  exports.Set("spinFromEnv", Napi::Function::New(env, SpinFromEnv, "spinFromEnv"));
  exports.Set("addressMod64", Napi::Function::New(env, AddressMod64, "addressMod64"));
  exports.Set("adviseHugePages", Napi::Function::New(env, AdviseHugePages, "adviseHugePages"));
  exports.Set("keepLargeBlocks", Napi::Function::New(env, KeepLargeBlocks, "keepLargeBlocks"));
#define LK_FAMILY(name, Struct, TABLE) lk::register_##name(env, exports);
#include "families.def"
#undef LK_FAMILY
  lkcuda::register_cuda(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(logitkit, Init)
