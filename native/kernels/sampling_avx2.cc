// Sampling family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_avx2.h"
#include "rng.h"

namespace {

// --- primitives for the interleaved Philox chains of sampling_impl.inc ---------------------
// Chains per group: 4 chains × 4 state vectors fill the 16 ymm registers, so 3 leaves room
// for the products (measured in the issue-4 notes of the report).
constexpr int kChains = 3;

inline VI pl_set1(uint32_t a) { return _mm256_set1_epi32(int(a)); }
inline VI pl_iota(uint32_t a) { return _mm256_add_epi32(_mm256_set1_epi32(int(a)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)); }
// 32×32 → 64-bit products of every lane with the broadcast constant m (two vpmuludq).
inline void pl_mulhilo(VI a, VI m, VI& hi, VI& lo) {
  __m256i pe = _mm256_mul_epu32(a, m);
  __m256i po = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
  lo = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
}
inline VI pl_xor3(VI a, VI b, VI c) { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
// Lane j of c0..c3 is block j: transpose so that w[k] lane j is draw k·L + j
// (the same 4×8 transpose as philox_elems in vec_avx2.h).
inline void pl_transpose(VI c0, VI c1, VI c2, VI c3, VI* w) {
  __m256i t0 = _mm256_unpacklo_epi32(c0, c1), t1 = _mm256_unpackhi_epi32(c0, c1);
  __m256i t2 = _mm256_unpacklo_epi32(c2, c3), t3 = _mm256_unpackhi_epi32(c2, c3);
  __m256i r0 = _mm256_unpacklo_epi64(t0, t2), r1 = _mm256_unpackhi_epi64(t0, t2);
  __m256i r2 = _mm256_unpacklo_epi64(t1, t3), r3 = _mm256_unpackhi_epi64(t1, t3);
  w[0] = _mm256_permute2x128_si256(r0, r1, 0x20);
  w[1] = _mm256_permute2x128_si256(r2, r3, 0x20);
  w[2] = _mm256_permute2x128_si256(r0, r1, 0x31);
  w[3] = _mm256_permute2x128_si256(r2, r3, 0x31);
}
// Bit j set where lane j of v is not < t (v ≥ t, or either is NaN).
inline uint32_t vmask_nlt(VF v, VF t) { return uint32_t(_mm256_movemask_ps(_mm256_cmp_ps(v, t, _CMP_NLT_UQ))); }

#include "sampling_impl.inc"

}  // namespace

void lk_sampling_kernels_avx2(SamplingKernels* t) { fill_sampling_kernels(t); }
