// Cross-checks the top-k kernels of every tier against each other, bit for bit, including the
// AVX-512 tier on machines without AVX-512: its intrinsics run through SIMDe's portable
// implementations (Debian/Ubuntu: apt-get install libsimde-dev). Built and run by
// scripts/topk-tiers-check.sh; compiled once per tier (-DTIER_SCALAR, -DTIER_AVX2,
// -DTIER_EMU512) plus once as the driver (-DDRIVER).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "../native/kernels/topk.h"

#if defined(TIER_SCALAR)
#include "../native/simd/vec_scalar.h"
namespace {
#include "../native/kernels/topk_impl.inc"
}
void scalar_kernels(TopkKernels* t) { fill_topk_kernels(t); }

#elif defined(TIER_AVX2)
#include "../native/simd/vec_avx2.h"
namespace {
#include "../native/kernels/topk_impl.inc"
}
void avx2_kernels(TopkKernels* t) { fill_topk_kernels(t); }

#elif defined(TIER_EMU512)
#include <immintrin.h>
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
// What SIMDe 0.7.4 lacks, lane by lane (the masked load never touches masked-off lanes).
inline simde__m512 emu_mask_loadu_ps(simde__m512 src, simde__mmask16 k, const void* p) {
  float b[16];
  simde_mm512_storeu_ps(b, src);
  for (int i = 0; i < 16; ++i)
    if ((k >> i) & 1) b[i] = static_cast<const float*>(p)[i];
  return simde_mm512_loadu_ps(b);
}
inline simde__m512i emu_srai_epi32(simde__m512i a, unsigned imm) {
  int32_t b[16];
  simde_mm512_storeu_si512(b, a);
  for (int i = 0; i < 16; ++i) b[i] = b[i] >> (imm > 31 ? 31 : imm);
  return simde_mm512_loadu_si512(b);
}
inline int32_t emu_reduce_max_epi32(simde__m512i a) {
  int32_t b[16];
  simde_mm512_storeu_si512(b, a);
  int32_t m = b[0];
  for (int i = 1; i < 16; ++i) m = b[i] > m ? b[i] : m;
  return m;
}
#define _mm512_mask_loadu_ps emu_mask_loadu_ps
#define _mm512_srai_epi32 emu_srai_epi32
#define _mm512_reduce_max_epi32 emu_reduce_max_epi32
#define __AVX512F__ 1  // select the AVX-512 branches of heap.inc and topk_impl.inc
namespace {
// The part of native/simd/vec_avx512.h that the top-k kernels use, verbatim.
constexpr int L = 16;
using VF = __m512;
using VI = __m512i;
inline VF vset1(float a) { return _mm512_set1_ps(a); }
inline VF vload(const float* p) { return _mm512_loadu_ps(p); }
inline __mmask16 tail_mask(int64_t n) { return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u); }
inline VF vload_tail(const float* p, int64_t n, float fill) {
  return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), tail_mask(n), p);
}
#include "../native/kernels/topk_impl.inc"
}  // namespace
void emu512_kernels(TopkKernels* t) { fill_topk_kernels(t); }

#elif defined(DRIVER)
#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>
void scalar_kernels(TopkKernels*);
void avx2_kernels(TopkKernels*);
void emu512_kernels(TopkKernels*);

// kind: 0 normal, 1 ties/NaN/±Inf/±0, 2 ascending, 3 descending, 4 constant, 5 rounded.
static std::vector<float> data(int64_t n, int kind, uint32_t seed) {
  std::mt19937 g(seed);
  std::normal_distribution<float> nd(0, 4);
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    float v = nd(g);
    if (kind == 1) {
      float r = u(g);
      if (r < 0.3f) v = std::round(v);
      else if (r < 0.33f) v = NAN;
      else if (r < 0.36f) v = r < 0.345f ? INFINITY : -INFINITY;
      else if (r < 0.4f) v = r < 0.38f ? 0.0f : -0.0f;
    }
    if (kind == 2) v = float(i);
    if (kind == 3) v = float(n - i);
    if (kind == 4) v = 1.5f;
    if (kind == 5) v = std::round(v);
    x[size_t(i)] = v;
  }
  return x;
}

int main() {
  TopkKernels tiers[3];
  const char* names[3] = {"scalar", "avx2", "avx512 (SIMDe)"};
  scalar_kernels(&tiers[0]);
  avx2_kernels(&tiers[1]);
  emu512_kernels(&tiers[2]);
  int fails = 0, checks = 0;
  for (int64_t cols : {1, 7, 15, 16, 17, 31, 32, 33, 100, 2047, 2049, 5000, 20000, 70001}) {
    for (int kind = 0; kind < 6; ++kind) {
      const int64_t rows = cols > 10000 ? 2 : 3;
      std::vector<float> buf = data(rows * cols + 1, kind, uint32_t(cols * 7 + kind));
      const float* x = buf.data() + 1;  // unaligned
      for (int64_t k : {int64_t(1), int64_t(2), int64_t(5), int64_t(16), int64_t(17), int64_t(50), int64_t(64),
                        int64_t(100), int64_t(1000), int64_t(5000), cols - 1, cols}) {
        if (k < 1 || k > cols) continue;
        for (int largest = 0; largest < 2; ++largest) {
          for (int sorted = 0; sorted < 2; ++sorted) {
            std::vector<float> v[3];
            std::vector<int32_t> ix[3];
            for (int t = 0; t < 3; ++t) {
              v[t].resize(size_t(rows * k));
              ix[t].resize(size_t(rows * k));
              tiers[t].topk(x, rows, cols, k, largest, sorted, v[t].data(), ix[t].data());
              if (!sorted)  // the same set: compare per row in index order
                for (int64_t r = 0; r < rows; ++r) std::sort(ix[t].begin() + r * k, ix[t].begin() + (r + 1) * k);
            }
            for (int t = 1; t < 3; ++t) {
              ++checks;
              bool ok = ix[t] == ix[0] && (!sorted || std::memcmp(v[t].data(), v[0].data(), v[0].size() * 4) == 0);
              if (!ok) {
                ++fails;
                std::printf("FAIL %s: cols=%ld kind=%d k=%ld largest=%d sorted=%d\n", names[t], long(cols), kind, long(k),
                            largest, sorted);
              }
            }
          }
        }
      }
      std::vector<int32_t> am[3];
      for (int t = 0; t < 3; ++t) {
        am[t].resize(size_t(rows));
        tiers[t].argmax(x, rows, cols, am[t].data());
      }
      for (int t = 1; t < 3; ++t) {
        ++checks;
        if (am[t] != am[0]) {
          ++fails;
          std::printf("FAIL %s argmax: cols=%ld kind=%d\n", names[t], long(cols), kind);
        }
      }
    }
  }
  // A long row in chunks: partial results merged, against the one-shot scalar result.
  for (int kind = 0; kind < 6; ++kind) {
    for (int64_t k : {3, 100, 1024}) {
      for (int largest = 0; largest < 2; ++largest) {
        const int64_t cols = 300000, chunk = 65536;
        std::vector<float> x = data(cols, kind, uint32_t(99 + kind));
        std::vector<float> v0(static_cast<size_t>(k)), v(static_cast<size_t>(k));
        std::vector<int32_t> i0(static_cast<size_t>(k)), ix(static_cast<size_t>(k));
        tiers[0].topk(x.data(), 1, cols, k, largest, true, v0.data(), i0.data());
        for (int t = 0; t < 3; ++t) {
          std::vector<uint64_t> parts, o(static_cast<size_t>(k));
          for (int64_t b = 0; b < cols; b += chunk) {
            int64_t c = tiers[t].topk_partial(x.data() + b, std::min(chunk, cols - b), b, k, largest, o.data());
            parts.insert(parts.end(), o.begin(), o.begin() + c);
          }
          tiers[t].topk_merge(x.data(), parts.data(), int64_t(parts.size()), k, largest, true, v.data(), ix.data());
          ++checks;
          if (ix != i0 || std::memcmp(v.data(), v0.data(), size_t(k) * 4) != 0) {
            ++fails;
            std::printf("FAIL %s split: kind=%d k=%ld largest=%d\n", names[t], kind, long(k), largest);
          }
        }
      }
    }
  }
  std::printf("%d checks, %d failures\n", checks, fails);
  return fails != 0;
}
#endif
