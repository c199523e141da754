// AVX2 + FMA vocabulary (L = 8). Included only by *_avx2.cc; see README.md.
#pragma once
#include <immintrin.h>
#include <cstdint>

namespace {

constexpr int L = 8;
using VF = __m256;
using VI = __m256i;

inline VF vset1(float a) { return _mm256_set1_ps(a); }
inline VF vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm256_storeu_ps(p, v); }
inline __m256i tail_mask(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline VF vload_tail(const float* p, int64_t n, float fill) {
  __m256i m = tail_mask(n);
  return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
inline void vstore_tail(float* p, VF v, int64_t n) { _mm256_maskstore_ps(p, tail_mask(n), v); }
inline VF vadd(VF a, VF b) { return _mm256_add_ps(a, b); }
inline VF vsub(VF a, VF b) { return _mm256_sub_ps(a, b); }
inline VF vmul(VF a, VF b) { return _mm256_mul_ps(a, b); }
inline VF vdiv(VF a, VF b) { return _mm256_div_ps(a, b); }
inline VF vfma(VF a, VF b, VF c) { return _mm256_fmadd_ps(a, b, c); }
// maxps/minps return the second operand when either is NaN: keep the data in `x`.
inline VF vmax(VF c, VF x) { return _mm256_max_ps(c, x); }
inline VF vmin(VF c, VF x) { return _mm256_min_ps(c, x); }
inline VF vabs(VF a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
inline VF vneg(VF a) { return _mm256_xor_ps(_mm256_set1_ps(-0.0f), a); }
inline float vreduce_max(VF a) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}
inline float vreduce_add(VF a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline VF vselect_ge0(VF x, VF if_ge, VF if_lt) {
  return _mm256_blendv_ps(if_ge, if_lt, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ));
}

// e^r on [-ln2/2, ln2/2] (Cephes expf coefficients): 1 + r + r²·P(r).
inline VF exp_poly(VF r) {
  VF p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  return p;
}

inline VF vexp(VF x) {
  // Clamping does all the special cases without blends: below -104 the scaled result rounds
  // to +0, above 88.8 it overflows to +Inf, and maxps/minps pass NaN through (x is the
  // second operand), which then propagates through the polynomial.
  VF xc = _mm256_min_ps(_mm256_set1_ps(88.8f), _mm256_max_ps(_mm256_set1_ps(-104.0f), x));
  VF n = _mm256_round_ps(_mm256_mul_ps(xc, _mm256_set1_ps(1.44269504088896341f)),
                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  VF r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), xc);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  VF p = exp_poly(r);
  // 2^n as two normal factors so that subnormal results are rounded only once.
  __m256i ni = _mm256_cvtps_epi32(n);
  __m256i n1 = _mm256_srai_epi32(ni, 1);
  __m256i n2 = _mm256_sub_epi32(ni, n1);
  VF s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, _mm256_set1_epi32(127)), 23));
  VF s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, _mm256_set1_epi32(127)), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

// exp for x in [-87.3, 88.7] only (normal results): no clamps, one scale factor. The caller
// proves the range (the softmax kernels check each block's min and max).
inline VF vexp_normal(VF x) {
  VF n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  VF r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  VF p = exp_poly(r);
  __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

#include "log_poly.inc"

inline VF vlog(VF x) {
  // Subnormals: scale by 2^23 first so the exponent field is meaningful.
  VF is_sub = _mm256_cmp_ps(x, _mm256_set1_ps(1.17549435e-38f), _CMP_LT_OQ);
  VF xs = _mm256_blendv_ps(x, _mm256_mul_ps(x, _mm256_set1_ps(8388608.0f)), is_sub);
  __m256i bits = _mm256_castps_si256(xs);
  __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127));
  e = _mm256_sub_epi32(e, _mm256_and_si256(_mm256_castps_si256(is_sub), _mm256_set1_epi32(23)));
  VF m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)),
                                             _mm256_set1_epi32(0x3f800000)));
  VF big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356f), _CMP_GT_OQ);
  m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
  e = _mm256_add_epi32(e, _mm256_and_si256(_mm256_castps_si256(big), _mm256_set1_epi32(1)));
  VF ef = _mm256_cvtepi32_ps(e);
  VF f = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
  VF y = log_from_parts(f, ef);
  // Specials: 0 → -Inf, negative → NaN, +Inf → +Inf, NaN → NaN.
  y = _mm256_blendv_ps(y, _mm256_set1_ps(-__builtin_inff()), _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_EQ_OQ));
  y = _mm256_blendv_ps(y, _mm256_set1_ps(__builtin_nanf("")), _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ));
  y = _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, _mm256_set1_ps(__builtin_inff()), _CMP_EQ_OQ));
  return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

inline VF vlog1p(VF x) {
  VF one = _mm256_set1_ps(1.0f);
  VF u = _mm256_add_ps(one, x);
  VF d = _mm256_sub_ps(u, one);
  VF y = _mm256_mul_ps(vlog(u), _mm256_div_ps(x, d));
  y = _mm256_blendv_ps(y, x, _mm256_cmp_ps(d, _mm256_setzero_ps(), _CMP_EQ_OQ));
  return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, _mm256_set1_ps(__builtin_inff()), _CMP_EQ_OQ));
}

// --- Philox chains: independent counter streams interleaved by native/kernels/sampling_impl.inc --
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
// (also philox_elems' transpose).
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

// --- Philox4x32-10, one block per lane -------------------------------------------------
inline __m256i mulhi_epu32(__m256i a, __m256i b) {
  __m256i even = _mm256_srli_epi64(_mm256_mul_epu32(a, b), 32);
  __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32));
  return _mm256_blend_epi32(even, odd, 0xAA);
}

// Words of draws 0..4L-1 counted from block `ctr` (128-bit, little-endian words).
inline void philox_elems(const uint32_t key[2], const uint32_t ctr[4], VI w[4]) {
  __m256i c0, c1, c2, c3;
  if (ctr[0] <= 0xFFFFFFFFu - 7u) {
    c0 = _mm256_add_epi32(_mm256_set1_epi32(int(ctr[0])), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    c1 = _mm256_set1_epi32(int(ctr[1]));
    c2 = _mm256_set1_epi32(int(ctr[2]));
    c3 = _mm256_set1_epi32(int(ctr[3]));
  } else {  // the low word wraps inside this vector: carry lane by lane
    alignas(32) uint32_t a[4][8];
    for (int j = 0; j < 8; ++j) {
      uint32_t v[4] = {ctr[0] + uint32_t(j), ctr[1], ctr[2], ctr[3]};
      for (int k = 1; k < 4 && v[0] < uint32_t(j); ++k) { if (++v[k] != 0) break; }
      for (int k = 0; k < 4; ++k) a[k][j] = v[k];
    }
    c0 = _mm256_load_si256((const __m256i*)a[0]);
    c1 = _mm256_load_si256((const __m256i*)a[1]);
    c2 = _mm256_load_si256((const __m256i*)a[2]);
    c3 = _mm256_load_si256((const __m256i*)a[3]);
  }
  const __m256i m0 = _mm256_set1_epi32(int(0xD2511F53u)), m1 = _mm256_set1_epi32(int(0xCD9E8D57u));
  uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; ++r) {
    __m256i hi0 = mulhi_epu32(c0, m0), lo0 = _mm256_mullo_epi32(c0, m0);
    __m256i hi1 = mulhi_epu32(c2, m1), lo1 = _mm256_mullo_epi32(c2, m1);
    c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(int(k0)));
    c1 = lo1;
    c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(int(k1)));
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  pl_transpose(c0, c1, c2, c3, w);  // lane j of word k → draw 4j+k
}

inline VF u32_to_uniform(VI w) {
  VF k = _mm256_cvtepi32_ps(_mm256_srli_epi32(w, 9));
  return _mm256_fmadd_ps(k, _mm256_set1_ps(0x1p-23f), _mm256_set1_ps(0x1p-24f));
}


// --- vlog_pos (log of a positive normal float, no special cases) and vsqrt -------------------
// log x for positive normal x (no special cases): vlog's polynomial (log_poly.inc), with the mantissa
// brought to [√½, √2) by one integer subtraction instead of a compare and blends.
inline VF vlog_pos(VF x) {
  __m256i bits = _mm256_castps_si256(x);
  __m256i e = _mm256_srai_epi32(_mm256_sub_epi32(bits, _mm256_set1_epi32(0x3f3504f3)), 23);
  VF m = _mm256_castsi256_ps(_mm256_sub_epi32(bits, _mm256_slli_epi32(e, 23)));
  VF ef = _mm256_cvtepi32_ps(e);
  VF f = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
  return log_from_parts(f, ef);
}

inline VF vsqrt(VF x) { return _mm256_sqrt_ps(x); }

#include "vec_generic.inc"
#include "vec_poly.inc"

// --- selection vocabulary (topk_impl.inc, heap.inc) ------------------------------------------
// Signed rank keys: the float's bits mapped to an order that signed integer comparison
// follows, -0 read as +0 (they tie), NaN the largest (largest) or smallest key; with
// largest = false the order is reversed. The scalar rank_key in heap.inc is the same map.
inline VI vrank_skey(VF x, bool largest) {
  __m256i b = _mm256_castps_si256(_mm256_add_ps(x, _mm256_setzero_ps()));  // -0 → +0
  __m256i s = _mm256_xor_si256(b, _mm256_srli_epi32(_mm256_srai_epi32(b, 31), 1));
  if (!largest) s = _mm256_xor_si256(s, _mm256_set1_epi32(-1));
  __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
  return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(s),
                                              _mm256_castsi256_ps(_mm256_set1_epi32(largest ? INT32_MAX : INT32_MIN)), nan));
}
inline VI vset1_i32(int32_t a) { return _mm256_set1_epi32(a); }
inline VI vmax_i32(VI a, VI b) { return _mm256_max_epi32(a, b); }
inline int32_t vreduce_max_i32(VI a) {
  __m128i q = _mm_max_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
  q = _mm_max_epi32(q, _mm_shuffle_epi32(q, 0x4E));
  q = _mm_max_epi32(q, _mm_shuffle_epi32(q, 0xB1));
  return _mm_cvtsi128_si32(q);
}
inline uint32_t vmask_eq_i32(VI a, VI b) { return uint32_t(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b)))); }
// Lane masks of the selection filter (unordered: NaN passes; ordered: NaN fails).
inline uint32_t vmask_gt_or_nan(VF v, VF t) { return uint32_t(_mm256_movemask_ps(_mm256_cmp_ps(v, t, _CMP_NLE_UQ))); }
inline uint32_t vmask_lt(VF v, VF t) { return uint32_t(_mm256_movemask_ps(_mm256_cmp_ps(v, t, _CMP_LT_OQ))); }
inline uint32_t vmask_le(VF v, VF t) { return uint32_t(_mm256_movemask_ps(_mm256_cmp_ps(v, t, _CMP_LE_OQ))); }
// Appends the lanes of m (values and indices base + lane) to sv/si; writes L entries. AVX2 has
// no compress: a 256-entry table of lane permutations does it.
struct CompressLut {
  uint64_t v[256];
  constexpr CompressLut() : v() {
    for (int m = 0; m < 256; ++m) {
      uint64_t p = 0;
      int j = 0;
      for (int b = 0; b < 8; ++b)
        if ((m >> b) & 1) p |= uint64_t(b) << (8 * j++);
      v[m] = p;
    }
  }
};
constexpr CompressLut kCompressLut{};
inline int vcompress_lanes(float* sv, int32_t* si, VF v, int32_t base, uint32_t m) {
  __m256i perm = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(int64_t(kCompressLut.v[m])));
  __m256i idx = _mm256_add_epi32(_mm256_set1_epi32(base), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  _mm256_storeu_ps(sv, _mm256_permutevar8x32_ps(v, perm));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(si), _mm256_permutevar8x32_epi32(idx, perm));
  return __builtin_popcount(m);
}

// --- Philox word tails (sampling_impl.inc) ----------------------------------------------------
// q = (min(w, 2³²−1−w) + ½)·2⁻³², the distance of u = (w + ½)·2⁻³² to its nearer end, and
// p = ½ − q, each from its own integer so both keep their relative precision (one rounding);
// `up` = the lanes where w ≥ 2³¹ (u > ½); vblend_up / vflip_up select or negate on them.
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
// (0x3f800000 − bits(q)) as a float: −log2(q)·2²³ to within the mantissa's linear
// approximation (a cheap upper bound on −log q, see gumbel_bound).
inline VF vneg_log2_bits(VF q) { return _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_set1_epi32(0x3f800000), _mm256_castps_si256(q))); }

}  // namespace
