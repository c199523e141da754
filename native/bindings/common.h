// N-API glue helpers: argument unwrapping with checks that never trust JS, and errors that
// carry a `code` like the TypeScript layer's. Only binding code includes napi.h.
#pragma once
#include <napi.h>

#include <cstdint>
#include <functional>
#include <string>

#include "../dispatch.h"
#include "../pool.h"

namespace lk {

[[noreturn]] inline void throw_error(Napi::Env env, bool type_error, const std::string& code,
                                     const std::string& msg) {
  if (type_error) {
    Napi::TypeError err = Napi::TypeError::New(env, msg);
    err.Set("code", Napi::String::New(env, code));
    throw err;
  }
  Napi::RangeError err = Napi::RangeError::New(env, msg);
  err.Set("code", Napi::String::New(env, code));
  throw err;
}

// A typed-array argument: where its elements are (nullptr for an absent optional array), how
// many, and which argument it was (the async path writes outputs back through it).
template <typename T, napi_typedarray_type kType>
struct ArrayArg {
  T* data;
  size_t length;
  int arg;
  const char* name;
};
using F32 = ArrayArg<float, napi_float32_array>;
using U32 = ArrayArg<uint32_t, napi_uint32_array>;
using I32 = ArrayArg<int32_t, napi_int32_array>;
using F64 = ArrayArg<double, napi_float64_array>;

// Read through napi_get_typedarray_info, which works for views of a SharedArrayBuffer too
// (Napi::TypedArray::ArrayBuffer() refuses those with a bare "Invalid argument").
template <typename A, napi_typedarray_type kType>
inline A typed_array(const Napi::CallbackInfo& info, size_t i, const char* name, const char* tname) {
  napi_env env = info.Env();
  napi_value v = info[i];
  bool is_ta = false;
  napi_typedarray_type type = napi_int8_array;
  size_t len = 0, off = 0;
  void* data = nullptr;
  napi_value ab;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, v, &type, &len, &data, &ab, &off) != napi_ok || type != kType) {
    throw_error(env, true, "ERR_LOGITKIT_INVALID_ARG_TYPE", std::string("native: ") + name + " must be a " + tname);
  }
  if (len > 0 && data == nullptr) {
    throw_error(env, true, "ERR_LOGITKIT_DETACHED", std::string("native: ") + name + " is detached");
  }
  return A{static_cast<decltype(A::data)>(data), len, int(i), name};
}

inline F32 f32(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typed_array<F32, napi_float32_array>(info, i, name, "Float32Array");
}
inline U32 u32(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typed_array<U32, napi_uint32_array>(info, i, name, "Uint32Array");
}
inline I32 i32(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typed_array<I32, napi_int32_array>(info, i, name, "Int32Array");
}
inline F64 f64(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typed_array<F64, napi_float64_array>(info, i, name, "Float64Array");
}
// An optional Float32Array argument: null or undefined gives an absent array (data nullptr).
inline F32 f32_or_null(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info[i].IsNull() || info[i].IsUndefined()) return F32{nullptr, 0, int(i), name};
  return f32(info, i, name);
}
inline bool boolean(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsBoolean()) {
    throw_error(info.Env(), true, "ERR_LOGITKIT_INVALID_ARG_TYPE", std::string("native: ") + name + " must be a boolean");
  }
  return info[i].As<Napi::Boolean>().Value();
}

inline double number(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (!info[i].IsNumber()) {
    throw_error(info.Env(), true, "ERR_LOGITKIT_INVALID_ARG_TYPE", std::string("native: ") + name + " must be a number");
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

// A positive integer count, refused when it cannot be one.
inline int64_t count(const Napi::CallbackInfo& info, size_t i, const char* name) {
  double d = number(info, i, name);
  if (!(d >= 0 && d <= 9007199254740991.0) || d != double(int64_t(d))) {
    throw_error(info.Env(), false, "ERR_LOGITKIT_OUT_OF_RANGE",
                std::string("native: ") + name + " must be a non-negative integer");
  }
  return int64_t(d);
}

inline void require(const Napi::CallbackInfo& info, bool ok, const std::string& what) {
  if (!ok) throw_error(info.Env(), false, "ERR_LOGITKIT_OUT_OF_RANGE", "native: " + what);
}

// rows × cols of x must be exactly x's length (cols > 0, or an empty x).
inline int64_t rows_of(const Napi::CallbackInfo& info, size_t len, int64_t cols, const char* name) {
  require(info, cols > 0 || len == 0, std::string(name) + ": cols must be positive");
  require(info, cols == 0 || len % size_t(cols) == 0, std::string(name) + ".length must be a multiple of cols");
  return cols == 0 ? 0 : int64_t(len) / cols;
}

// Row-parallel run: chunks carry at least kMinWork elements so small inputs stay on one thread.
// Measured (logSoftmax, AVX2, 2 cores): waking a worker costs ~10 µs; 2 threads lose at 64k
// elements (39 → 50 µs) and win from 128k (73 → 52 µs), so work splits only above 64k.
constexpr int64_t kMinWork = 1 << 16;
inline void parallel_rows(int64_t rows, int64_t cols, const std::function<void(int64_t, int64_t)>& fn) {
  int64_t grain = cols >= kMinWork ? 1 : (kMinWork + cols - 1) / (cols > 0 ? cols : 1);
  lk_parallel_for(rows, grain, fn);
}

// Each family's binding (native/bindings/<family>.cc) defines its register_<family>.
#define LK_FAMILY(name, Struct, TABLE) void register_##name(Napi::Env env, Napi::Object exports);
#include "../families.def"
#undef LK_FAMILY

}  // namespace lk
