// The addon's side of the optional CUDA library (README, "CUDA"): dlopen() of
// logitkit_cuda.so at first use, the device probe, device buffers as N-API externals with a
// finalizer, and one `run(op, buffers, numbers)` entry that re-checks every size before a
// launch. Header-only and included by addon.cc alone, so the build lists do not change; it
// uses only dlopen, never a CUDA header or library.
#pragma once
#include "../bindings/common.h"

#if !defined(__linux__)
// logitkit_cuda.so is built on Linux only; elsewhere the addon has no `cuda` export and
// backend().cudaInfo says so.
namespace lkcuda {
inline void register_cuda(Napi::Env, Napi::Object) {}
}  // namespace lkcuda
#else
#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "../bindings/common.h"
#include "launch.h"

namespace lkcuda {

struct Lib {
  bool ok = false;  // library loaded and at least one device
  std::string reason, path;
  LkcInfo info{};
#define LKC_FN(name) decltype(&::name) name = nullptr;
  LKC_FN(lkc_abi) LKC_FN(lkc_probe) LKC_FN(lkc_error_name) LKC_FN(lkc_error_string) LKC_FN(lkc_malloc)
  LKC_FN(lkc_free) LKC_FN(lkc_upload) LKC_FN(lkc_download) LKC_FN(lkc_log_sum_exp) LKC_FN(lkc_softmax)
  LKC_FN(lkc_log_softmax) LKC_FN(lkc_softmax_cross_entropy) LKC_FN(lkc_philox_uint32) LKC_FN(lkc_philox_uniform)
  LKC_FN(lkc_gumbel) LKC_FN(lkc_map_words_gumbel) LKC_FN(lkc_sample_categorical) LKC_FN(lkc_gumbel_top_k)
  LKC_FN(lkc_topk)
#undef LKC_FN
};

inline void lib_anchor() {}

inline std::string default_path() {
  Dl_info di;
  if (dladdr(reinterpret_cast<void*>(&lib_anchor), &di) && di.dli_fname) {
    std::string self = di.dli_fname;
    size_t slash = self.rfind('/');
    return (slash == std::string::npos ? std::string(".") : self.substr(0, slash)) + "/logitkit_cuda.so";
  }
  return "logitkit_cuda.so";
}

inline void load(Lib& L) {
  const char* env = std::getenv("LOGITKIT_CUDA");
  if (env && std::string(env) == "0") {
    L.reason = "disabled by LOGITKIT_CUDA=0";
    return;
  }
  const char* over = std::getenv("LOGITKIT_CUDA_LIB");
  L.path = over && *over ? over : default_path();
  struct stat st;
  if (stat(L.path.c_str(), &st) != 0) {
    L.reason = "logitkit_cuda.so was not built (no CUDA toolkit when the addon was compiled): " + L.path + " not found";
    return;
  }
  void* h = dlopen(L.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    L.reason = "cannot load " + L.path + ": " + (e ? e : "dlopen failed");
    return;
  }
  bool all = true;
#define LKC_FN(name) \
  L.name = reinterpret_cast<decltype(L.name)>(dlsym(h, #name)); \
  if (!L.name) all = false;
  LKC_FN(lkc_abi) LKC_FN(lkc_probe) LKC_FN(lkc_error_name) LKC_FN(lkc_error_string) LKC_FN(lkc_malloc)
  LKC_FN(lkc_free) LKC_FN(lkc_upload) LKC_FN(lkc_download) LKC_FN(lkc_log_sum_exp) LKC_FN(lkc_softmax)
  LKC_FN(lkc_log_softmax) LKC_FN(lkc_softmax_cross_entropy) LKC_FN(lkc_philox_uint32) LKC_FN(lkc_philox_uniform)
  LKC_FN(lkc_gumbel) LKC_FN(lkc_map_words_gumbel) LKC_FN(lkc_sample_categorical) LKC_FN(lkc_gumbel_top_k)
  LKC_FN(lkc_topk)
#undef LKC_FN
  if (!all || L.lkc_abi() != LKC_ABI) {
    L.reason = L.path + " is stale or incomplete (rebuild with npm run build:native)";
    return;
  }
  int n = L.lkc_probe(&L.info);
  if (n > 0) {
    L.ok = true;
    return;
  }
  int err = L.info.error;
  std::string what = std::string(L.lkc_error_name(err)) + ": " + L.lkc_error_string(err);
  if (err == 35 /* cudaErrorInsufficientDriver */ || err == 34 /* cudaErrorStubLibrary */) {
    void* drv = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!drv) {
      L.reason = "no CUDA driver (libcuda.so.1 not found)";
      return;
    }
    dlclose(drv);
    L.reason = "the CUDA driver is older than the runtime logitkit_cuda.so was built with (" + what + ")";
  } else if (err == 100 /* cudaErrorNoDevice */ || (err == 0 && n == 0)) {
    L.reason = "no CUDA device (" + what + ")";
  } else {
    L.reason = "CUDA initialisation failed (" + what + ")";
  }
}

inline Lib& lib() {
  static Lib L;
  static std::once_flag once;
  std::call_once(once, [] { load(L); });
  return L;
}

struct Buf {
  void* p = nullptr;
  size_t bytes = 0;
};

// A CUDA error as a JS Error carrying the CUDA name and number; lib/cuda.ts turns it into the
// ERR_LOGITKIT_CUDA_* code (and a RangeError for out-of-memory).
[[noreturn]] inline void throw_cuda(Napi::Env env, const char* what, int err) {
  Lib& L = lib();
  std::string name = L.lkc_error_name ? L.lkc_error_name(err) : "cudaError";
  std::string msg = L.lkc_error_string ? L.lkc_error_string(err) : "unknown";
  Napi::Error e = Napi::Error::New(env, std::string(what) + ": CUDA error " + name + " (" + std::to_string(err) + "): " + msg);
  e.Set("cudaError", Napi::Number::New(env, err));
  e.Set("cudaErrorName", Napi::String::New(env, name));
  throw e;
}

inline Lib& need(const Napi::CallbackInfo& info) {
  Lib& L = lib();
  if (!L.ok) lk::throw_error(info.Env(), false, "ERR_LOGITKIT_CUDA_UNAVAILABLE", "cuda: no CUDA device: " + L.reason);
  return L;
}

inline Napi::Value Info(const Napi::CallbackInfo& info) {
  Lib& L = lib();
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("available", L.ok);
  if (!L.ok) o.Set("reason", L.reason);
  if (!L.path.empty()) o.Set("library", L.path);
  if (L.info.driver) o.Set("driverVersion", std::to_string(L.info.driver / 1000) + "." + std::to_string(L.info.driver % 1000 / 10));
  if (L.info.runtime) o.Set("runtimeVersion", std::to_string(L.info.runtime / 1000) + "." + std::to_string(L.info.runtime % 1000 / 10));
  if (L.ok) {
    o.Set("devices", L.info.devices);
    o.Set("name", std::string(L.info.name));
    o.Set("computeCapability", std::to_string(L.info.major) + "." + std::to_string(L.info.minor));
    o.Set("multiprocessors", L.info.sms);
    o.Set("memoryBytes", L.info.memory_bytes);
    if (L.info.bandwidth_gbs > 0) o.Set("peakBandwidthGBs", L.info.bandwidth_gbs);
  }
  return o;
}

inline Buf* buf_of(const Napi::CallbackInfo& info, Napi::Value v, const char* name) {
  if (!v.IsExternal()) lk::throw_error(info.Env(), true, "ERR_LOGITKIT_INVALID_ARG_TYPE", std::string("cuda: ") + name + " must be a device buffer");
  Buf* b = v.As<Napi::External<Buf>>().Data();
  if (!b->p) lk::throw_error(info.Env(), false, "ERR_LOGITKIT_CUDA_FREED", std::string("cuda: ") + name + " was freed");
  return b;
}

inline Napi::Value Alloc(const Napi::CallbackInfo& info) {
  Lib& L = need(info);
  int64_t bytes = lk::count(info, 0, "bytes");
  Buf* b = new Buf;
  int e = L.lkc_malloc(&b->p, size_t(bytes));
  if (e) {
    delete b;
    throw_cuda(info.Env(), "cuda.alloc", e);
  }
  b->bytes = size_t(bytes);
  return Napi::External<Buf>::New(info.Env(), b, [](Napi::Env, Buf* f) {
    if (f->p) lib().lkc_free(f->p);
    delete f;
  });
}

inline Napi::Value Free(const Napi::CallbackInfo& info) {
  Lib& L = need(info);
  if (!info[0].IsExternal()) lk::throw_error(info.Env(), true, "ERR_LOGITKIT_INVALID_ARG_TYPE", "cuda.free: not a device buffer");
  Buf* b = info[0].As<Napi::External<Buf>>().Data();
  if (b->p) {
    int e = L.lkc_free(b->p);
    b->p = nullptr;
    if (e) throw_cuda(info.Env(), "cuda.free", e);
  }
  return info.Env().Undefined();
}

// copy(buffer, typedArray, toDevice): whole typed array ↔ the start of the buffer.
inline Napi::Value Copy(const Napi::CallbackInfo& info) {
  Lib& L = need(info);
  Buf* b = buf_of(info, info[0], "buffer");
  if (!info[1].IsTypedArray()) lk::throw_error(info.Env(), true, "ERR_LOGITKIT_INVALID_ARG_TYPE", "cuda: host must be a typed array");
  Napi::TypedArray t = info[1].As<Napi::TypedArray>();
  size_t n = t.ByteLength();
  lk::require(info, n <= b->bytes, "cuda: host array larger than the device buffer");
  uint8_t* host = static_cast<uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset();
  bool up = info[2].ToBoolean();
  int e = up ? L.lkc_upload(b->p, host, n) : L.lkc_download(host, b->p, n);
  if (e) throw_cuda(info.Env(), up ? "cuda.upload" : "cuda.download", e);
  return info.Env().Undefined();
}

// run(op, buffers, numbers): every buffer's size is checked here against the numbers.
inline Napi::Value Run(const Napi::CallbackInfo& info) {
  Lib& L = need(info);
  Napi::Env env = info.Env();
  std::string op = info[0].As<Napi::String>().Utf8Value();
  Napi::Array pa = info[1].As<Napi::Array>(), na = info[2].As<Napi::Array>();
  auto num = [&](uint32_t i) -> double {
    Napi::Value v = na.Get(i);
    if (!v.IsNumber()) lk::throw_error(env, true, "ERR_LOGITKIT_INVALID_ARG_TYPE", "cuda.run: number " + std::to_string(i));
    return v.As<Napi::Number>().DoubleValue();
  };
  auto ptr = [&](uint32_t i, double bytes, bool optional = false) -> void* {
    Napi::Value v = pa.Get(i);
    if (optional && (v.IsNull() || v.IsUndefined())) return nullptr;
    Buf* b = buf_of(info, v, ("buffer " + std::to_string(i)).c_str());
    lk::require(info, bytes >= 0 && double(b->bytes) >= bytes, "cuda." + op + ": buffer " + std::to_string(i) + " is too small");
    return b->p;
  };
  auto u32 = [&](uint32_t i) { return uint32_t(num(i)); };
  int e = 0;
  if (op == "logSumExp" || op == "softmax" || op == "logSoftmax") {
    int64_t rows = int64_t(num(0)), cols = int64_t(num(1));
    float inv_t = float(num(2));
    auto x = static_cast<const float*>(ptr(0, 4.0 * rows * cols));
    if (op == "logSumExp") e = L.lkc_log_sum_exp(x, static_cast<float*>(ptr(1, 4.0 * rows)), rows, cols, inv_t);
    else {
      float* y = static_cast<float*>(ptr(1, 4.0 * rows * cols));
      e = op == "softmax" ? L.lkc_softmax(x, y, rows, cols, inv_t) : L.lkc_log_softmax(x, y, rows, cols, inv_t);
    }
  } else if (op == "softmaxCrossEntropy") {
    int64_t rows = int64_t(num(0)), cols = int64_t(num(1));
    LkcXentParams p{cols, int32_t(num(2)), float(num(3)), static_cast<const float*>(ptr(5, 4.0 * cols, true)), num(4),
                    float(num(5)), num(6)};
    e = L.lkc_softmax_cross_entropy(static_cast<const float*>(ptr(0, 4.0 * rows * cols)),
                                    static_cast<const int32_t*>(ptr(1, 4.0 * rows)),
                                    static_cast<float*>(ptr(2, 4.0 * rows * cols, true)),
                                    static_cast<float*>(ptr(3, 4.0 * rows)), static_cast<double*>(ptr(4, 8.0 * rows)),
                                    rows, &p);
  } else if (op == "philoxUint32" || op == "philoxUniform" || op == "gumbel") {
    int64_t n = int64_t(num(0));
    uint32_t key[2] = {u32(1), u32(2)}, ctr[4] = {u32(3), u32(4), u32(5), u32(6)};
    void* out = ptr(0, 4.0 * n);
    if (op == "philoxUint32") e = L.lkc_philox_uint32(static_cast<uint32_t*>(out), n, key, ctr);
    else if (op == "philoxUniform") e = L.lkc_philox_uniform(static_cast<float*>(out), n, key, ctr);
    else e = L.lkc_gumbel(static_cast<float*>(out), n, key, ctr, float(num(7)), float(num(8)));
  } else if (op == "mapWordsGumbel") {
    int64_t n = int64_t(num(0));
    e = L.lkc_map_words_gumbel(static_cast<const uint32_t*>(ptr(0, 4.0 * n)), static_cast<float*>(ptr(1, 4.0 * n)), n);
  } else if (op == "sampleCategorical" || op == "gumbelTopK") {
    bool cat = op == "sampleCategorical";
    int64_t rows = int64_t(num(0)), cols = int64_t(num(1));
    LkcStreams s{{u32(3), u32(4)}, {u32(5), u32(6), u32(7), u32(8)}, uint64_t(num(9)), nullptr};
    auto x = static_cast<const float*>(ptr(0, 4.0 * rows * cols));
    if (cat) {
      s.d_per_row = static_cast<const uint32_t*>(ptr(2, 24.0 * rows, true));
      e = L.lkc_sample_categorical(x, static_cast<int32_t*>(ptr(1, 4.0 * rows)), rows, cols, float(num(2)), &s);
    } else {
      int64_t k = int64_t(num(2));
      lk::require(info, k >= 0 && k <= cols, "cuda.gumbelTopK: k out of range");
      s.d_per_row = static_cast<const uint32_t*>(ptr(3, 24.0 * rows, true));
      e = L.lkc_gumbel_top_k(x, static_cast<int32_t*>(ptr(1, 4.0 * rows * k)), static_cast<float*>(ptr(2, 4.0 * rows * k)),
                             rows, cols, k, &s);
    }
  } else if (op == "topk") {
    int64_t rows = int64_t(num(0)), cols = int64_t(num(1)), k = int64_t(num(2));
    lk::require(info, k >= 0 && k <= cols, "cuda.topk: k out of range");
    e = L.lkc_topk(static_cast<const float*>(ptr(0, 4.0 * rows * cols)), rows, cols, k, num(3) != 0,
                   static_cast<float*>(ptr(1, 4.0 * rows * k)), static_cast<int32_t*>(ptr(2, 4.0 * rows * k)));
  } else {
    lk::throw_error(env, false, "ERR_LOGITKIT_OUT_OF_RANGE", "cuda.run: unknown op " + op);
  }
  if (e) throw_cuda(env, ("cuda." + op).c_str(), e);
  return env.Undefined();
}

inline void register_cuda(Napi::Env env, Napi::Object exports) {
  Napi::Object c = Napi::Object::New(env);
  c.Set("info", Napi::Function::New(env, Info, "info"));
  c.Set("alloc", Napi::Function::New(env, Alloc, "alloc"));
  c.Set("free", Napi::Function::New(env, Free, "free"));
  c.Set("copy", Napi::Function::New(env, Copy, "copy"));
  c.Set("run", Napi::Function::New(env, Run, "run"));
  exports.Set("cuda", c);
}

}  // namespace lkcuda
#endif  // __linux__
