// N-API glue for Philox streams. Arguments: (out, key0, key1, c0, c1, c2, c3).
// Threads split the stream at block boundaries, so any split yields the same draws.
#include "common.h"
#include "stream.h"

namespace lk {
namespace {

Napi::Value Uint32(const Napi::CallbackInfo& info) {
  U32 out = u32(info, 0, "out");
  Stream s = stream_args(info, 1);
  auto fn = lk_dispatch().rng.philox_uint32;
  split_stream(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* c) { fn(out.data + b, n, s.key, c); });
  return info[0];
}

Napi::Value Uniform(const Napi::CallbackInfo& info) {
  F32 out = f32(info, 0, "out");
  Stream s = stream_args(info, 1);
  auto fn = lk_dispatch().rng.philox_uniform;
  split_stream(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* c) { fn(out.data + b, n, s.key, c); });
  return info[0];
}

}  // namespace

void register_rng(Napi::Env env, Napi::Object exports) {
  exports.Set("philoxUint32", Napi::Function::New(env, Uint32, "philoxUint32"));
  exports.Set("philoxUniform", Napi::Function::New(env, Uniform, "philoxUniform"));
}

}  // namespace lk
