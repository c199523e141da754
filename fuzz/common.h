// Shared by the libFuzzer harnesses (fuzz/<family>.cc): raw bytes → tier, shapes, options and
// float values weighted towards the inputs that break softmax-family kernels (±0, subnormals,
// ±Infinity, NaN, ±1e30, ±3e38, the exp overflow/underflow thresholds), and the per-tier kernel
// tables filled by the same functions the dispatch table uses (native/dispatch.cc).
#pragma once
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "dispatch.h"
#include "pool.h"

// An invariant the kernel must keep; a violation aborts so libFuzzer saves the input.
#define LK_CHECK(cond, ...)                                                   \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "invariant failed at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                      \
      std::fprintf(stderr, "\n");                                             \
      std::abort();                                                           \
    }                                                                         \
  } while (0)

namespace fz {

// The highest tier this CPU runs (CPUID + XGETBV, as the addon decides at load).
inline int best_tier() {
  static int best = [] {
    const char *err = nullptr, *warn = nullptr;
    if (!lk_dispatch_init(nullptr, &err, &warn)) {
      std::fprintf(stderr, "dispatch init failed: %s\n", err ? err : "?");
      std::abort();
    }
    return int(lk_dispatch().cpu_best);
  }();
  return best;
}

// Fills `t` with tier (byte % (best+1)): scalar, avx2 or avx512 — every tier the CPU has.
template <class T>
int pick_tier(FuzzedDataProvider& in, T* t, void (*fill[3])(T*)) {
  int tier = in.ConsumeIntegralInRange<int>(0, best_tier());
  fill[tier](t);
  return tier;
}

constexpr float kSpecials[] = {
    0.0f, -0.0f, 1.0f, -1.0f, 1e-45f, -1e-45f, 1.1754942e-38f, -1.1754942e-38f, 1.1754944e-38f,
    INFINITY, -INFINITY, NAN, 1e30f, -1e30f, 3e38f, -3e38f, 3.4028235e38f, -3.4028235e38f,
    88.72283f, 88.7f, 89.0f, -87.33655f, -103.97208f, -104.0f, -88.0f, 709.0f, -745.0f,
    0.5f, 2.0f, 1e-20f, -1e-20f, 16777216.0f, 1e6f, 1e8f, 0.99999994f, 1.0000001f};
constexpr int kNumSpecials = sizeof(kSpecials) / sizeof(kSpecials[0]);

// One float: a special (heavy weight), raw bits, or a moderate value.
inline float value(FuzzedDataProvider& in, bool allow_nan = true) {
  float v;
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0: case 1: case 2:
      v = kSpecials[in.ConsumeIntegralInRange<int>(0, kNumSpecials - 1)];
      break;
    case 3: {
      uint32_t b = in.ConsumeIntegral<uint32_t>();
      std::memcpy(&v, &b, 4);
      break;
    }
    default:
      v = in.ConsumeFloatingPointInRange<float>(-30.0f, 30.0f);
  }
  if (!allow_nan && std::isnan(v)) v = 0.0f;
  return v;
}

// n floats; a "fill" mode repeats one value (ties) or a short pattern, which reaches the long-row
// and tie paths without needing n bytes of input.
inline std::vector<float> values(FuzzedDataProvider& in, size_t n, bool allow_nan = true) {
  std::vector<float> v(n);
  int mode = in.ConsumeIntegralInRange<int>(0, 3);
  size_t period = mode == 0 ? 1 : mode == 1 ? in.ConsumeIntegralInRange<size_t>(1, 37) : n;
  std::vector<float> pat;
  for (size_t i = 0; i < n; ++i) {
    if (i < period) pat.push_back(in.remaining_bytes() ? value(in, allow_nan) : 0.0f);
    v[i] = mode == 3 && i >= period ? 0.0f : pat[i % (period ? period : 1)];
  }
  return v;
}

// A length near a vector width, a block (2048) boundary or a thread split, or small random.
inline int64_t length(FuzzedDataProvider& in, int64_t max) {
  static const int64_t kNear[] = {0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                                  2047, 2048, 2049, 4095, 4096, 4097};
  int64_t n = in.ConsumeBool() ? kNear[in.ConsumeIntegralInRange<int>(0, 22)]
                               : in.ConsumeIntegralInRange<int64_t>(0, 40);
  return n > max ? max : n;
}

// A heap buffer of exactly n elements (ASan catches any write past it), pre-filled with a
// canary so "every element written" can be checked.
template <class T>
std::vector<T> canary(size_t n, T c) { return std::vector<T>(n, c); }

inline bool is_canary(float v) { uint32_t b; std::memcpy(&b, &v, 4); return b == 0x7fa5a5a5u; }
inline float canary_f() { float v; uint32_t b = 0x7fa5a5a5u; std::memcpy(&v, &b, 4); return v; }

}  // namespace fz
