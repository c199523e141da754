// N-API glue for Philox streams. Arguments: (out, key0, key1, c0, c1, c2, c3).
// Threads split the stream at block boundaries, so any split yields the same draws.
#include "job.h"
#include "stream.h"

namespace lk {
namespace {

// (out, key0, key1, ctr0..ctr3) → out
struct PhiloxUint32Job {
  static constexpr const char* kName = "philoxUint32";
  static constexpr int kResult = 0;
  U32 out;
  Stream s;
  explicit PhiloxUint32Job(const Napi::CallbackInfo& info) : out(u32(info, 0, "out")), s(stream_args(info, 1)) {}
  template <class V> void buffers(V& v) { v.out(out); }
  void run() {
    auto fn = lk_dispatch().rng.philox_uint32;
    split_stream(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* c) { fn(out.data + b, n, s.key, c); });
  }
};

struct PhiloxUniformJob {
  static constexpr const char* kName = "philoxUniform";
  static constexpr int kResult = 0;
  F32 out;
  Stream s;
  explicit PhiloxUniformJob(const Napi::CallbackInfo& info) : out(f32(info, 0, "out")), s(stream_args(info, 1)) {}
  template <class V> void buffers(V& v) { v.out(out); }
  void run() {
    auto fn = lk_dispatch().rng.philox_uniform;
    split_stream(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* c) { fn(out.data + b, n, s.key, c); });
  }
};

}  // namespace

void register_rng(Napi::Env env, Napi::Object exports) {
  exports.Set("philoxUint32", Napi::Function::New(env, sync<PhiloxUint32Job>, "philoxUint32"));
  exports.Set("philoxUniform", Napi::Function::New(env, sync<PhiloxUniformJob>, "philoxUniform"));
}

}  // namespace lk
