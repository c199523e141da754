// AVX-512 (F+VL+BW+DQ+CD) vocabulary (L = 16). Included only by *_avx512.cc; see README.md.
#pragma once
#include <immintrin.h>
#include <cstdint>

namespace {

constexpr int L = 16;
using VF = __m512;
using VI = __m512i;

inline VF vset1(float a) { return _mm512_set1_ps(a); }
inline VF vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm512_storeu_ps(p, v); }
inline __mmask16 tail_mask(int64_t n) { return n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1u); }
inline VF vload_tail(const float* p, int64_t n, float fill) {
  return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), tail_mask(n), p);
}
inline void vstore_tail(float* p, VF v, int64_t n) { _mm512_mask_storeu_ps(p, tail_mask(n), v); }
inline VF vadd(VF a, VF b) { return _mm512_add_ps(a, b); }
inline VF vsub(VF a, VF b) { return _mm512_sub_ps(a, b); }
inline VF vmul(VF a, VF b) { return _mm512_mul_ps(a, b); }
inline VF vdiv(VF a, VF b) { return _mm512_div_ps(a, b); }
inline VF vfma(VF a, VF b, VF c) { return _mm512_fmadd_ps(a, b, c); }
// vmaxps/vminps return the second operand when either is NaN: keep the data in `x`.
inline VF vmax(VF c, VF x) { return _mm512_max_ps(c, x); }
inline VF vmin(VF c, VF x) { return _mm512_min_ps(c, x); }
inline VF vabs(VF a) { return _mm512_abs_ps(a); }
inline VF vneg(VF a) { return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32(int(0x80000000u)))); }
inline float vreduce_max(VF a) {
  __m256 m = _mm256_max_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));
  __m128 q = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
  q = _mm_max_ps(q, _mm_movehl_ps(q, q));
  q = _mm_max_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}
inline float vreduce_add(VF a) {
  __m256 m = _mm256_add_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  q = _mm_add_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}
inline VF vselect_ge0(VF x, VF if_ge, VF if_lt) {
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ), if_ge, if_lt);
}

// e^r on [-ln2/2, ln2/2] (Cephes expf coefficients): 1 + r + r²·P(r).
inline VF exp_poly(VF r) {
  VF p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return p;
}

inline VF vexp(VF x) {
  // As in vec_avx2.h: the clamp handles underflow to +0, overflow to +Inf and NaN.
  VF xc = _mm512_min_ps(_mm512_set1_ps(88.8f), _mm512_max_ps(_mm512_set1_ps(-104.0f), x));
  VF n = _mm512_roundscale_ps(_mm512_mul_ps(xc, _mm512_set1_ps(1.44269504088896341f)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  VF r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), xc);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  VF p = exp_poly(r);
  // scalef rounds once, subnormal results included; two steps keep each factor in range.
  VF n1 = _mm512_roundscale_ps(_mm512_mul_ps(n, _mm512_set1_ps(0.5f)), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  return _mm512_scalef_ps(_mm512_scalef_ps(p, n1), _mm512_sub_ps(n, n1));
}

// exp for x in [-87.3, 88.7] only (normal results): no clamps, one scalef.
inline VF vexp_normal(VF x) {
  VF n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  VF r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  VF p = exp_poly(r);
  return _mm512_scalef_ps(p, n);
}

#include "log_poly.inc"

inline VF vlog(VF x) {
  // getexp/getmant handle subnormals natively; fold m into [sqrt(1/2), sqrt(2)) as AVX2 does.
  VF m = _mm512_getmant_ps(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
  VF ef = _mm512_getexp_ps(x);
  __mmask16 big = _mm512_cmp_ps_mask(m, _mm512_set1_ps(1.41421356f), _CMP_GT_OQ);
  m = _mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));
  ef = _mm512_mask_add_ps(ef, big, ef, _mm512_set1_ps(1.0f));
  VF f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
  VF y = log_from_parts(f, ef);
  y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_EQ_OQ), y, _mm512_set1_ps(-__builtin_inff()));
  y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ), y, _mm512_set1_ps(__builtin_nanf("")));
  y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(__builtin_inff()), _CMP_EQ_OQ), y, x);
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), y, x);
}

inline VF vlog1p(VF x) {
  VF one = _mm512_set1_ps(1.0f);
  VF u = _mm512_add_ps(one, x);
  VF d = _mm512_sub_ps(u, one);
  VF y = _mm512_mul_ps(vlog(u), _mm512_div_ps(x, d));
  y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(d, _mm512_setzero_ps(), _CMP_EQ_OQ), y, x);
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(__builtin_inff()), _CMP_EQ_OQ), y, x);
}

// --- Philox chains: independent counter streams interleaved by native/kernels/sampling_impl.inc --
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
// The 4×16 → 16×4 transpose: lane j of word k becomes draw 4j+k (philox_elems uses it too).
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

// --- Philox4x32-10, one block per lane -------------------------------------------------
inline __m512i mulhi_epu32(__m512i a, __m512i b) {
  __m512i even = _mm512_srli_epi64(_mm512_mul_epu32(a, b), 32);
  __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b, 32));
  return _mm512_mask_blend_epi32(__mmask16(0xAAAA), even, odd);
}

// Words of draws 0..4L-1 counted from block `ctr` (128-bit, little-endian words).
inline void philox_elems(const uint32_t key[2], const uint32_t ctr[4], VI w[4]) {
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512i c0, c1, c2, c3;
  if (ctr[0] <= 0xFFFFFFFFu - 15u) {
    c0 = _mm512_add_epi32(_mm512_set1_epi32(int(ctr[0])), iota);
    c1 = _mm512_set1_epi32(int(ctr[1]));
    c2 = _mm512_set1_epi32(int(ctr[2]));
    c3 = _mm512_set1_epi32(int(ctr[3]));
  } else {  // the low word wraps inside this vector: carry lane by lane
    alignas(64) uint32_t a[4][16];
    for (int j = 0; j < 16; ++j) {
      uint32_t v[4] = {ctr[0] + uint32_t(j), ctr[1], ctr[2], ctr[3]};
      for (int k = 1; k < 4 && v[0] < uint32_t(j); ++k) { if (++v[k] != 0) break; }
      for (int k = 0; k < 4; ++k) a[k][j] = v[k];
    }
    c0 = _mm512_load_si512(a[0]);
    c1 = _mm512_load_si512(a[1]);
    c2 = _mm512_load_si512(a[2]);
    c3 = _mm512_load_si512(a[3]);
  }
  const __m512i m0 = _mm512_set1_epi32(int(0xD2511F53u)), m1 = _mm512_set1_epi32(int(0xCD9E8D57u));
  uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; ++r) {
    __m512i hi0 = mulhi_epu32(c0, m0), lo0 = _mm512_mullo_epi32(c0, m0);
    __m512i hi1 = mulhi_epu32(c2, m1), lo1 = _mm512_mullo_epi32(c2, m1);
    c0 = _mm512_ternarylogic_epi32(hi1, c1, _mm512_set1_epi32(int(k0)), 0x96);
    c1 = lo1;
    c2 = _mm512_ternarylogic_epi32(hi0, c3, _mm512_set1_epi32(int(k1)), 0x96);
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  pl_transpose(c0, c1, c2, c3, w);  // lane j of word k → draw 4j+k
}

inline VF u32_to_uniform(VI w) {
  VF k = _mm512_cvtepi32_ps(_mm512_srli_epi32(w, 9));
  return _mm512_fmadd_ps(k, _mm512_set1_ps(0x1p-23f), _mm512_set1_ps(0x1p-24f));
}


// --- vlog_pos (log of a positive normal float, no special cases) and vsqrt -------------------
inline VF vlog_pos(VF x) {
  __m512i bits = _mm512_castps_si512(x);
  __m512i e = _mm512_srai_epi32(_mm512_sub_epi32(bits, _mm512_set1_epi32(0x3f3504f3)), 23);
  VF m = _mm512_castsi512_ps(_mm512_sub_epi32(bits, _mm512_slli_epi32(e, 23)));
  VF ef = _mm512_cvtepi32_ps(e);
  VF f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
  return log_from_parts(f, ef);
}

inline VF vsqrt(VF x) { return _mm512_sqrt_ps(x); }

#include "vec_generic.inc"
#include "vec_poly.inc"

// --- selection vocabulary (topk_impl.inc, heap.inc) ------------------------------------------
// Signed rank keys: the float's bits mapped to an order that signed integer comparison
// follows, -0 read as +0 (they tie), NaN the largest (largest) or smallest key; with
// largest = false the order is reversed. The scalar rank_key in heap.inc is the same map.
inline VI vrank_skey(VF x, bool largest) {
  __m512i b = _mm512_castps_si512(_mm512_add_ps(x, _mm512_setzero_ps()));  // -0 → +0
  __m512i s = _mm512_xor_si512(b, _mm512_srli_epi32(_mm512_srai_epi32(b, 31), 1));
  if (!largest) s = _mm512_xor_si512(s, _mm512_set1_epi32(-1));
  __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  return _mm512_mask_mov_epi32(s, nan, _mm512_set1_epi32(largest ? INT32_MAX : INT32_MIN));
}
inline VI vset1_i32(int32_t a) { return _mm512_set1_epi32(a); }
inline VI vmax_i32(VI a, VI b) { return _mm512_max_epi32(a, b); }
inline int32_t vreduce_max_i32(VI a) { return _mm512_reduce_max_epi32(a); }
inline uint32_t vmask_eq_i32(VI a, VI b) { return uint32_t(_mm512_cmpeq_epi32_mask(a, b)); }
// Lane masks of the selection filter (unordered: NaN passes; ordered: NaN fails).
inline uint32_t vmask_gt_or_nan(VF v, VF t) { return uint32_t(_mm512_cmp_ps_mask(v, t, _CMP_NLE_UQ)); }
inline uint32_t vmask_lt(VF v, VF t) { return uint32_t(_mm512_cmp_ps_mask(v, t, _CMP_LT_OQ)); }
inline uint32_t vmask_le(VF v, VF t) { return uint32_t(_mm512_cmp_ps_mask(v, t, _CMP_LE_OQ)); }
// Appends the lanes of m (values and indices base + lane) to sv/si; writes L entries.
inline int vcompress_lanes(float* sv, int32_t* si, VF v, int32_t base, uint32_t m) {
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  _mm512_storeu_ps(sv, _mm512_maskz_compress_ps(__mmask16(m), v));
  _mm512_storeu_si512(si, _mm512_maskz_compress_epi32(__mmask16(m), _mm512_add_epi32(_mm512_set1_epi32(base), iota)));
  return __builtin_popcount(m);
}

// --- Philox word tails (sampling_impl.inc) ----------------------------------------------------
// q = (min(w, 2³²−1−w) + ½)·2⁻³², the distance of u = (w + ½)·2⁻³² to its nearer end, and
// p = ½ − q, each from its own integer so both keep their relative precision (one rounding);
// `up` = the lanes where w ≥ 2³¹ (u > ½); vblend_up / vflip_up select or negate on them.
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
// (0x3f800000 − bits(q)) as a float: −log2(q)·2²³ to within the mantissa's linear
// approximation (a cheap upper bound on −log q, see gumbel_bound).
inline VF vneg_log2_bits(VF q) { return _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_set1_epi32(0x3f800000), _mm512_castps_si512(q))); }

}  // namespace
