// Sampling family, avx512 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_avx512.h"
#include "rng.h"

namespace {

// --- primitives for the interleaved Philox chains of sampling_impl.inc ---------------------
constexpr int kChains = 4;  // 16 state vectors of the 32 zmm registers

inline VI pl_set1(uint32_t a) { return _mm512_set1_epi32(int(a)); }
inline VI pl_iota(uint32_t a) {
  return _mm512_add_epi32(_mm512_set1_epi32(int(a)), _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}
inline void pl_mulhilo(VI a, VI m, VI& hi, VI& lo) {
  __m512i pe = _mm512_mul_epu32(a, m);
  __m512i po = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), m);
  hi = _mm512_mask_blend_epi32(__mmask16(0xAAAA), _mm512_srli_epi64(pe, 32), po);
  lo = _mm512_mask_blend_epi32(__mmask16(0xAAAA), pe, _mm512_slli_epi64(po, 32));
}
inline VI pl_xor3(VI a, VI b, VI c) { return _mm512_ternarylogic_epi32(a, b, c, 0x96); }
// The 4×16 → 16×4 transpose of philox_elems in vec_avx512.h.
inline void pl_transpose(VI c0, VI c1, VI c2, VI c3, VI* w) {
  __m512i t0 = _mm512_unpacklo_epi32(c0, c1), t1 = _mm512_unpackhi_epi32(c0, c1);
  __m512i t2 = _mm512_unpacklo_epi32(c2, c3), t3 = _mm512_unpackhi_epi32(c2, c3);
  __m512i r0 = _mm512_unpacklo_epi64(t0, t2);
  __m512i r1 = _mm512_unpackhi_epi64(t0, t2);
  __m512i r2 = _mm512_unpacklo_epi64(t1, t3);
  __m512i r3 = _mm512_unpackhi_epi64(t1, t3);
  __m512i a01 = _mm512_shuffle_i32x4(r0, r1, 0x44);
  __m512i a23 = _mm512_shuffle_i32x4(r2, r3, 0x44);
  __m512i b01 = _mm512_shuffle_i32x4(r0, r1, 0xEE);
  __m512i b23 = _mm512_shuffle_i32x4(r2, r3, 0xEE);
  w[0] = _mm512_shuffle_i32x4(a01, a23, 0x88);
  w[1] = _mm512_shuffle_i32x4(a01, a23, 0xDD);
  w[2] = _mm512_shuffle_i32x4(b01, b23, 0x88);
  w[3] = _mm512_shuffle_i32x4(b01, b23, 0xDD);
}
inline uint32_t vmask_nlt(VF v, VF t) { return uint32_t(_mm512_cmp_ps_mask(v, t, _CMP_NLT_UQ)); }

#include "sampling_impl.inc"

}  // namespace

void lk_sampling_kernels_avx512(SamplingKernels* t) { fill_sampling_kernels(t); }
