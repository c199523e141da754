// N-API glue for Philox streams. Arguments: (out, key0, key1, c0, c1, c2, c3).
// Threads split the stream at block boundaries, so any split yields the same draws.
#include "common.h"

namespace lk {
namespace {

struct Stream {
  uint32_t key[2];
  uint32_t ctr[4];
};

Stream stream_args(const Napi::CallbackInfo& info, size_t at) {
  Stream s;
  const char* names[6] = {"key0", "key1", "ctr0", "ctr1", "ctr2", "ctr3"};
  for (int i = 0; i < 6; ++i) {
    double d = number(info, at + i, names[i]);
    require(info, d >= 0 && d <= 4294967295.0 && d == double(uint32_t(d)), std::string(names[i]) + " must be a uint32");
    (i < 2 ? s.key[i] : s.ctr[i - 2]) = uint32_t(d);
  }
  return s;
}

constexpr int64_t kChunk = 1 << 16;  // draws per task: a multiple of every tier's group size

template <typename Fill>
void split(int64_t n, const Stream& s, Fill fill) {
  int64_t chunks = (n + kChunk - 1) / kChunk;
  lk_parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      int64_t b = c * kChunk, e = b + kChunk < n ? b + kChunk : n;
      uint32_t ctr[4];
      lk_ctr_add(s.ctr, uint64_t(b / 4), ctr);
      fill(b, e - b, ctr);
    }
  });
}

Napi::Value Uint32(const Napi::CallbackInfo& info) {
  U32 out = u32(info, 0, "out");
  Stream s = stream_args(info, 1);
  auto fn = lk_dispatch().rng.uint32;
  split(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* c) { fn(out.data + b, n, s.key, c); });
  return info[0];
}

Napi::Value Uniform(const Napi::CallbackInfo& info) {
  F32 out = f32(info, 0, "out");
  Stream s = stream_args(info, 1);
  auto fn = lk_dispatch().rng.uniform;
  split(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* c) { fn(out.data + b, n, s.key, c); });
  return info[0];
}

}  // namespace

void register_rng(Napi::Env env, Napi::Object exports) {
  exports.Set("philoxUint32", Napi::Function::New(env, Uint32, "philoxUint32"));
  exports.Set("philoxUniform", Napi::Function::New(env, Uniform, "philoxUniform"));
}

}  // namespace lk
