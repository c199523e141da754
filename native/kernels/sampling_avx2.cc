// Sampling family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_avx2.h"
#include "rng.h"

namespace {

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
