// Philox stream arguments shared by the rng and sampling bindings: (key0, key1, ctr0..ctr3)
// as numbers, and a block-aligned split of a stream over the pool (any split gives the same
// draws, since draw i always uses block ctr + i/4).
#pragma once
#include "../kernels/rng.h"
#include "common.h"

namespace lk {

struct Stream {
  uint32_t key[2];
  uint32_t ctr[4];
};

inline Stream stream_args(const Napi::CallbackInfo& info, size_t at) {
  Stream s;
  const char* names[6] = {"key0", "key1", "ctr0", "ctr1", "ctr2", "ctr3"};
  for (int i = 0; i < 6; ++i) {
    double d = number(info, at + i, names[i]);
    require(info, d >= 0 && d <= 4294967295.0 && d == double(uint32_t(d)), std::string(names[i]) + " must be a uint32");
    (i < 2 ? s.key[i] : s.ctr[i - 2]) = uint32_t(d);
  }
  return s;
}

constexpr int64_t kStreamChunk = 1 << 16;  // draws per task: a whole number of blocks for every tier

// fill(begin, count, ctr_of_begin) over [0, n) in block-aligned chunks on the pool.
template <typename Fill>
void split_stream(int64_t n, const Stream& s, Fill fill) {
  int64_t chunks = (n + kStreamChunk - 1) / kStreamChunk;
  lk_parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      int64_t b = c * kStreamChunk, e = b + kStreamChunk < n ? b + kStreamChunk : n;
      uint32_t ctr[4];
      lk_ctr_add(s.ctr, uint64_t(b / 4), ctr);
      fill(b, e - b, ctr);
    }
  });
}

}  // namespace lk
