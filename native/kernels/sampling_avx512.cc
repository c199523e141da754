// Sampling family, avx512 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_avx512.h"
#include "rng.h"

namespace {

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
