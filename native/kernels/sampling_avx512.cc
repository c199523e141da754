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

// --- math for the transforms of sampling_impl.inc (the AVX2 tier's; see sampling_avx2.cc) --
inline VF vlog_pos(VF x) {
  __m512i bits = _mm512_castps_si512(x);
  __m512i e = _mm512_srai_epi32(_mm512_sub_epi32(bits, _mm512_set1_epi32(0x3f3504f3)), 23);
  VF m = _mm512_castsi512_ps(_mm512_sub_epi32(bits, _mm512_slli_epi32(e, 23)));
  VF ef = _mm512_cvtepi32_ps(e);
  VF f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
  VF z = _mm512_mul_ps(f, f);
  // Estrin's scheme (depth 4 instead of Horner's 9: the logs are latency-bound otherwise).
  VF z2 = _mm512_mul_ps(z, z);
  VF t01 = _mm512_fmadd_ps(_mm512_set1_ps(-2.4999993993e-1f), f, _mm512_set1_ps(3.3333331174e-1f));
  VF t23 = _mm512_fmadd_ps(_mm512_set1_ps(-1.6668057665e-1f), f, _mm512_set1_ps(2.0000714765e-1f));
  VF t45 = _mm512_fmadd_ps(_mm512_set1_ps(-1.2420140846e-1f), f, _mm512_set1_ps(1.4249322787e-1f));
  VF t67 = _mm512_fmadd_ps(_mm512_set1_ps(-1.1514610310e-1f), f, _mm512_set1_ps(1.1676998740e-1f));
  VF u03 = _mm512_fmadd_ps(t23, z, t01);
  VF u47 = _mm512_fmadd_ps(t67, z, t45);
  VF p = _mm512_fmadd_ps(_mm512_fmadd_ps(_mm512_set1_ps(7.0376836292e-2f), z2, u47), z2, u03);
  VF y = _mm512_mul_ps(_mm512_mul_ps(p, z), f);
  y = _mm512_fmadd_ps(ef, _mm512_set1_ps(-2.12194440e-4f), y);
  y = _mm512_fnmadd_ps(z, _mm512_set1_ps(0.5f), y);
  y = _mm512_add_ps(f, y);
  return _mm512_fmadd_ps(ef, _mm512_set1_ps(0.693359375f), y);
}
using Up = __mmask16;
inline VF tail_qp(VI w, Up& up, VF& p) {
  up = _mm512_movepi32_mask(w);
  __m512i m = _mm512_xor_si512(w, _mm512_srai_epi32(w, 31));
  const VF s = _mm512_set1_ps(0x1p-32f), h = _mm512_set1_ps(0x1p-33f);
  p = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_set1_epi32(0x7FFFFFFF), m)), s, h);
  return _mm512_fmadd_ps(_mm512_cvtepi32_ps(m), s, h);
}
inline VF tail_q(VI w, Up& up) {
  up = _mm512_movepi32_mask(w);
  __m512i m = _mm512_xor_si512(w, _mm512_srai_epi32(w, 31));
  return _mm512_fmadd_ps(_mm512_cvtepi32_ps(m), _mm512_set1_ps(0x1p-32f), _mm512_set1_ps(0x1p-33f));
}
inline VF vblend_up(Up up, VF lo, VF hi) { return _mm512_mask_blend_ps(up, lo, hi); }
inline VF vflip_up(Up up, VF x) { return _mm512_mask_sub_ps(x, up, _mm512_setzero_ps(), x); }
inline VF vsqrt(VF x) { return _mm512_sqrt_ps(x); }
inline VF gumbel_bound(VI w) {
  Up up;
  VF q = tail_q(w, up);
  VF nl2 = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_set1_epi32(0x3f800000), _mm512_castps_si512(q)));
  VF b = _mm512_fmadd_ps(nl2, _mm512_set1_ps(0.693147182f * 0x1p-23f), _mm512_set1_ps(lk_gumbel_bound_margin));
  return vblend_up(up, _mm512_set1_ps(lk_gumbel_bound_lower), b);
}

#include "sampling_impl.inc"

}  // namespace

void lk_sampling_kernels_avx512(SamplingKernels* t) { fill_sampling_kernels(t); }
