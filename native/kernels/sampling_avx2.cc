// Sampling family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_avx2.h"
#include "rng.h"

namespace {

// --- primitives for the interleaved Philox chains of sampling_impl.inc ---------------------
// Chains per group: 4 chains × 4 state vectors would fill all 16 ymm registers; 3 leaves room
// for the products.
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

// --- math for the transforms of sampling_impl.inc -------------------------------------------
// log x for positive normal x (no special cases): vlog's Cephes polynomial, with the mantissa
// brought to [√½, √2) by one integer subtraction instead of a compare and blends.
inline VF vlog_pos(VF x) {
  __m256i bits = _mm256_castps_si256(x);
  __m256i e = _mm256_srai_epi32(_mm256_sub_epi32(bits, _mm256_set1_epi32(0x3f3504f3)), 23);
  VF m = _mm256_castsi256_ps(_mm256_sub_epi32(bits, _mm256_slli_epi32(e, 23)));
  VF ef = _mm256_cvtepi32_ps(e);
  VF f = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
  VF z = _mm256_mul_ps(f, f);
  // Estrin's scheme (depth 4 instead of Horner's 9: the logs are latency-bound otherwise).
  VF z2 = _mm256_mul_ps(z, z);
  VF t01 = _mm256_fmadd_ps(_mm256_set1_ps(-2.4999993993e-1f), f, _mm256_set1_ps(3.3333331174e-1f));
  VF t23 = _mm256_fmadd_ps(_mm256_set1_ps(-1.6668057665e-1f), f, _mm256_set1_ps(2.0000714765e-1f));
  VF t45 = _mm256_fmadd_ps(_mm256_set1_ps(-1.2420140846e-1f), f, _mm256_set1_ps(1.4249322787e-1f));
  VF t67 = _mm256_fmadd_ps(_mm256_set1_ps(-1.1514610310e-1f), f, _mm256_set1_ps(1.1676998740e-1f));
  VF u03 = _mm256_fmadd_ps(t23, z, t01);
  VF u47 = _mm256_fmadd_ps(t67, z, t45);
  VF p = _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(7.0376836292e-2f), z2, u47), z2, u03);
  VF y = _mm256_mul_ps(_mm256_mul_ps(p, z), f);
  y = _mm256_fmadd_ps(ef, _mm256_set1_ps(-2.12194440e-4f), y);
  y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
  y = _mm256_add_ps(f, y);
  return _mm256_fmadd_ps(ef, _mm256_set1_ps(0.693359375f), y);
}
// Words → standard variates (the transforms themselves are in sampling_impl.inc).
// q = (min(w, 2³²−1−w) + ½)·2⁻³², the distance of u = (w + ½)·2⁻³² to its nearer end, and
// p = ½ − q, each from its own integer so both keep their relative precision (one rounding);
// up = the lanes where w ≥ 2³¹ (u > ½).
using Up = __m256i;
inline VF tail_qp(VI w, Up& up, VF& p) {
  up = _mm256_srai_epi32(w, 31);
  __m256i m = _mm256_xor_si256(w, up);
  const VF s = _mm256_set1_ps(0x1p-32f), h = _mm256_set1_ps(0x1p-33f);
  p = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_set1_epi32(0x7FFFFFFF), m)), s, h);
  return _mm256_fmadd_ps(_mm256_cvtepi32_ps(m), s, h);
}
inline VF tail_q(VI w, Up& up) {
  up = _mm256_srai_epi32(w, 31);
  return _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_xor_si256(w, up)), _mm256_set1_ps(0x1p-32f), _mm256_set1_ps(0x1p-33f));
}
inline VF vblend_up(Up up, VF lo, VF hi) { return _mm256_blendv_ps(lo, hi, _mm256_castsi256_ps(up)); }
inline VF vflip_up(Up up, VF x) {  // −x where up
  return _mm256_xor_ps(x, _mm256_castsi256_ps(_mm256_slli_epi32(up, 31)));
}
inline VF vsqrt(VF x) { return _mm256_sqrt_ps(x); }
inline VF gumbel_bound(VI w) {
  Up up;
  VF q = tail_q(w, up);
  VF nl2 = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_set1_epi32(0x3f800000), _mm256_castps_si256(q)));
  VF b = _mm256_fmadd_ps(nl2, _mm256_set1_ps(0.693147182f * 0x1p-23f), _mm256_set1_ps(lk_gumbel_bound_margin));
  return vblend_up(up, _mm256_set1_ps(lk_gumbel_bound_lower), b);
}

#include "sampling_impl.inc"

}  // namespace

void lk_sampling_kernels_avx2(SamplingKernels* t) { fill_sampling_kernels(t); }
