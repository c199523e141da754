// ARM64 Advanced SIMD (NEON) vocabulary (L = 4). Included only by *_neon.cc; see README.md.
// NEON is part of the AArch64 base architecture, so this tier needs no run-time detection and
// no flag beyond the baseline -march=armv8-a. Every function matches the x86 tiers' semantics
// lane for lane (vmax/vmin keep x on NaN as maxps/minps do, the same polynomials, the same
// Philox words): only L differs.
#pragma once
#include <arm_neon.h>
#include <cstdint>

namespace {

constexpr int L = 4;
using VF = float32x4_t;
using VI = uint32x4_t;

inline VF vset1(float a) { return vdupq_n_f32(a); }
inline VF vload(const float* p) { return vld1q_f32(p); }
inline void vstore(float* p, VF v) { vst1q_f32(p, v); }
// NEON has no masked load or store: the tail goes through a stack buffer (no access beyond n).
inline VF vload_tail(const float* p, int64_t n, float fill) {
  float t[4] = {fill, fill, fill, fill};
  for (int64_t i = 0; i < n && i < 4; ++i) t[i] = p[i];
  return vld1q_f32(t);
}
inline void vstore_tail(float* p, VF v, int64_t n) {
  float t[4];
  vst1q_f32(t, v);
  for (int64_t i = 0; i < n && i < 4; ++i) p[i] = t[i];
}
inline VF vadd(VF a, VF b) { return vaddq_f32(a, b); }
inline VF vsub(VF a, VF b) { return vsubq_f32(a, b); }
inline VF vmul(VF a, VF b) { return vmulq_f32(a, b); }
inline VF vdiv(VF a, VF b) { return vdivq_f32(a, b); }
inline VF vfma(VF a, VF b, VF c) { return vfmaq_f32(c, a, b); }
// FMAX returns NaN when either operand is NaN; the x86 tiers keep the second operand. Select
// explicitly so every tier agrees: c where c > x, else x (NaN in either → x).
inline VF vmax(VF c, VF x) { return vbslq_f32(vcgtq_f32(c, x), c, x); }
inline VF vmin(VF c, VF x) { return vbslq_f32(vcltq_f32(c, x), c, x); }
inline VF vabs(VF a) { return vabsq_f32(a); }
inline VF vneg(VF a) { return vnegq_f32(a); }
inline float max_keep_second(float a, float b) { return a > b ? a : b; }
// The x86 reductions' pairing (lane i with lane i + L/2, then the two halves).
inline float vreduce_max(VF a) {
  float t0 = max_keep_second(vgetq_lane_f32(a, 0), vgetq_lane_f32(a, 2));
  float t1 = max_keep_second(vgetq_lane_f32(a, 1), vgetq_lane_f32(a, 3));
  return max_keep_second(t0, t1);
}
inline float vreduce_add(VF a) {
  return (vgetq_lane_f32(a, 0) + vgetq_lane_f32(a, 2)) + (vgetq_lane_f32(a, 1) + vgetq_lane_f32(a, 3));
}
inline VF vselect_ge0(VF x, VF if_ge, VF if_lt) { return vbslq_f32(vcltq_f32(x, vdupq_n_f32(0.0f)), if_lt, if_ge); }
inline uint32_t movemask(uint32x4_t m) {
  const uint32_t bits[4] = {1, 2, 4, 8};
  return vaddvq_u32(vandq_u32(m, vld1q_u32(bits)));
}

// e^r on [-ln2/2, ln2/2] (Cephes expf coefficients): 1 + r + r²·P(r).
inline VF exp_poly(VF r) {
  VF p = vset1(1.9875691500e-4f);
  p = vfma(p, r, vset1(1.3981999507e-3f));
  p = vfma(p, r, vset1(8.3334519073e-3f));
  p = vfma(p, r, vset1(4.1665795894e-2f));
  p = vfma(p, r, vset1(1.6666665459e-1f));
  p = vfma(p, r, vset1(5.0000001201e-1f));
  return vfma(p, vmul(r, r), vadd(r, vset1(1.0f)));
}

inline VF vexp(VF x) {
  // The clamps do the special cases (see vec_avx2.h); vmax/vmin keep a NaN of x.
  VF xc = vmin(vset1(88.8f), vmax(vset1(-104.0f), x));
  VF n = vrndnq_f32(vmul(xc, vset1(1.44269504088896341f)));
  VF r = vfmsq_f32(xc, n, vset1(0.693359375f));
  r = vfmsq_f32(r, n, vset1(-2.12194440e-4f));
  VF p = exp_poly(r);
  int32x4_t ni = vcvtq_s32_f32(n);  // n is integral: truncation is exact
  int32x4_t n1 = vshrq_n_s32(ni, 1);
  int32x4_t n2 = vsubq_s32(ni, n1);
  VF s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n1, vdupq_n_s32(127)), 23));
  VF s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n2, vdupq_n_s32(127)), 23));
  return vmul(vmul(p, s1), s2);
}

// exp for x in [-87.3, 88.7] only (normal results): no clamps, one scale factor.
inline VF vexp_normal(VF x) {
  VF n = vrndnq_f32(vmul(x, vset1(1.44269504088896341f)));
  VF r = vfmsq_f32(x, n, vset1(0.693359375f));
  r = vfmsq_f32(r, n, vset1(-2.12194440e-4f));
  VF p = exp_poly(r);
  int32x4_t e = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23);
  return vmul(p, vreinterpretq_f32_s32(e));
}

#include "log_poly.inc"

inline VF vlog(VF x) {
  // Subnormals: scale by 2^23 first so the exponent field is meaningful.
  uint32x4_t is_sub = vcltq_f32(x, vset1(1.17549435e-38f));
  VF xs = vbslq_f32(is_sub, vmul(x, vset1(8388608.0f)), x);
  uint32x4_t bits = vreinterpretq_u32_f32(xs);
  int32x4_t e = vsubq_s32(vreinterpretq_s32_u32(vshrq_n_u32(bits, 23)), vdupq_n_s32(127));
  e = vsubq_s32(e, vreinterpretq_s32_u32(vandq_u32(is_sub, vdupq_n_u32(23))));
  VF m = vreinterpretq_f32_u32(vorrq_u32(vandq_u32(bits, vdupq_n_u32(0x007fffff)), vdupq_n_u32(0x3f800000)));
  uint32x4_t big = vcgtq_f32(m, vset1(1.41421356f));
  m = vbslq_f32(big, vmul(m, vset1(0.5f)), m);
  e = vaddq_s32(e, vreinterpretq_s32_u32(vandq_u32(big, vdupq_n_u32(1))));
  VF ef = vcvtq_f32_s32(e);
  VF f = vsub(m, vset1(1.0f));
  VF y = log_from_parts(f, ef);
  // Specials: 0 → -Inf, negative → NaN, +Inf → +Inf, NaN → NaN.
  const VF zero = vdupq_n_f32(0.0f);
  y = vbslq_f32(vceqq_f32(x, zero), vset1(-__builtin_inff()), y);
  y = vbslq_f32(vcltq_f32(x, zero), vset1(__builtin_nanf("")), y);
  y = vbslq_f32(vceqq_f32(x, vset1(__builtin_inff())), x, y);
  return vbslq_f32(vceqq_f32(x, x), y, x);
}

inline VF vlog1p(VF x) {
  VF one = vset1(1.0f);
  VF u = vadd(one, x);
  VF d = vsub(u, one);
  VF y = vmul(vlog(u), vdiv(x, d));
  y = vbslq_f32(vceqq_f32(d, vdupq_n_f32(0.0f)), x, y);
  return vbslq_f32(vceqq_f32(x, vset1(__builtin_inff())), x, y);
}

// --- Philox chains: independent counter streams interleaved by native/kernels/philox_chains.inc --
// 4 chains × 4 state vectors = 16 of the 32 vector registers, leaving room for the products.
constexpr int kChains = 4;

inline VI pl_set1(uint32_t a) { return vdupq_n_u32(a); }
inline VI pl_iota(uint32_t a) {
  const uint32_t k[4] = {0, 1, 2, 3};
  return vaddq_u32(vdupq_n_u32(a), vld1q_u32(k));
}
// 32×32 → 64-bit products of every lane with m (UMULL / UMULL2), split into high and low words.
inline void pl_mulhilo(VI a, VI m, VI& hi, VI& lo) {
  uint32x4_t p01 = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(a), vget_low_u32(m)));
  uint32x4_t p23 = vreinterpretq_u32_u64(vmull_high_u32(a, m));
  hi = vuzp2q_u32(p01, p23);
  lo = vuzp1q_u32(p01, p23);
}
inline VI pl_xor3(VI a, VI b, VI c) { return veorq_u32(veorq_u32(a, b), c); }
// Lane j of c0..c3 is block j: a 4×4 transpose puts w[k] lane j = draw k·L + j.
inline void pl_transpose(VI c0, VI c1, VI c2, VI c3, VI* w) {
  uint32x4_t t0 = vtrn1q_u32(c0, c1), t1 = vtrn2q_u32(c0, c1);
  uint32x4_t t2 = vtrn1q_u32(c2, c3), t3 = vtrn2q_u32(c2, c3);
  uint64x2_t a0 = vreinterpretq_u64_u32(t0), a1 = vreinterpretq_u64_u32(t1);
  uint64x2_t a2 = vreinterpretq_u64_u32(t2), a3 = vreinterpretq_u64_u32(t3);
  w[0] = vreinterpretq_u32_u64(vtrn1q_u64(a0, a2));
  w[1] = vreinterpretq_u32_u64(vtrn1q_u64(a1, a3));
  w[2] = vreinterpretq_u32_u64(vtrn2q_u64(a0, a2));
  w[3] = vreinterpretq_u32_u64(vtrn2q_u64(a1, a3));
}
// Bit j set where lane j of v is not < t (v ≥ t, or either is NaN).
inline uint32_t vmask_nlt(VF v, VF t) { return movemask(vmvnq_u32(vcltq_f32(v, t))); }

// --- Philox4x32-10, one block per lane -------------------------------------------------
// Words of draws 0..4L-1 counted from block `ctr` (128-bit, little-endian words).
inline void philox_elems(const uint32_t key[2], const uint32_t ctr[4], VI w[4]) {
  VI c0, c1, c2, c3;
  if (ctr[0] <= 0xFFFFFFFFu - 3u) {
    c0 = pl_iota(ctr[0]);
    c1 = vdupq_n_u32(ctr[1]);
    c2 = vdupq_n_u32(ctr[2]);
    c3 = vdupq_n_u32(ctr[3]);
  } else {  // the low word wraps inside this vector: carry lane by lane
    uint32_t a[4][4];
    for (int j = 0; j < 4; ++j) {
      uint32_t v[4] = {ctr[0] + uint32_t(j), ctr[1], ctr[2], ctr[3]};
      for (int k = 1; k < 4 && v[0] < uint32_t(j); ++k) { if (++v[k] != 0) break; }
      for (int k = 0; k < 4; ++k) a[k][j] = v[k];
    }
    c0 = vld1q_u32(a[0]);
    c1 = vld1q_u32(a[1]);
    c2 = vld1q_u32(a[2]);
    c3 = vld1q_u32(a[3]);
  }
  const VI m0 = vdupq_n_u32(0xD2511F53u), m1 = vdupq_n_u32(0xCD9E8D57u);
  uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; ++r) {
    VI hi0, lo0, hi1, lo1;
    pl_mulhilo(c0, m0, hi0, lo0);
    pl_mulhilo(c2, m1, hi1, lo1);
    c0 = pl_xor3(hi1, c1, vdupq_n_u32(k0));
    c1 = lo1;
    c2 = pl_xor3(hi0, c3, vdupq_n_u32(k1));
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  pl_transpose(c0, c1, c2, c3, w);  // lane j of word k → draw 4j+k
}

inline VF u32_to_uniform(VI w) {
  VF k = vcvtq_f32_u32(vshrq_n_u32(w, 9));  // < 2^23: exact
  return vfma(k, vset1(0x1p-23f), vset1(0x1p-24f));
}

// --- vlog_pos (log of a positive normal float, no special cases) and vsqrt -------------------
inline VF vlog_pos(VF x) {
  int32x4_t bits = vreinterpretq_s32_f32(x);
  int32x4_t e = vshrq_n_s32(vsubq_s32(bits, vdupq_n_s32(0x3f3504f3)), 23);
  VF m = vreinterpretq_f32_s32(vsubq_s32(bits, vshlq_n_s32(e, 23)));
  VF ef = vcvtq_f32_s32(e);
  VF f = vsub(m, vset1(1.0f));
  return log_from_parts(f, ef);
}

inline VF vsqrt(VF x) { return vsqrtq_f32(x); }

#include "vec_generic.inc"
#include "vec_poly.inc"

// --- selection vocabulary (topk_impl.inc, heap.inc) ------------------------------------------
// Signed rank keys (see vec_avx2.h); VI holds the key's bits, compared as int32.
inline VI vrank_skey(VF x, bool largest) {
  int32x4_t b = vreinterpretq_s32_f32(vaddq_f32(x, vdupq_n_f32(0.0f)));  // -0 → +0
  uint32x4_t s = veorq_u32(vreinterpretq_u32_s32(b), vshrq_n_u32(vreinterpretq_u32_s32(vshrq_n_s32(b, 31)), 1));
  if (!largest) s = vmvnq_u32(s);
  return vbslq_u32(vceqq_f32(x, x), s, vdupq_n_u32(uint32_t(largest ? INT32_MAX : INT32_MIN)));
}
inline VI vset1_i32(int32_t a) { return vdupq_n_u32(uint32_t(a)); }
inline VI vmax_i32(VI a, VI b) { return vreinterpretq_u32_s32(vmaxq_s32(vreinterpretq_s32_u32(a), vreinterpretq_s32_u32(b))); }
inline int32_t vreduce_max_i32(VI a) { return vmaxvq_s32(vreinterpretq_s32_u32(a)); }
inline uint32_t vmask_eq_i32(VI a, VI b) { return movemask(vceqq_u32(a, b)); }
// Lane masks of the selection filter (unordered: NaN passes; ordered: NaN fails).
inline uint32_t vmask_gt_or_nan(VF v, VF t) { return movemask(vmvnq_u32(vcleq_f32(v, t))); }
inline uint32_t vmask_lt(VF v, VF t) { return movemask(vcltq_f32(v, t)); }
inline uint32_t vmask_le(VF v, VF t) { return movemask(vcleq_f32(v, t)); }
// Appends the lanes of m (values and indices base + lane) to sv/si; writes L entries. A
// 16-entry table of byte shuffles (TBL) compresses.
struct CompressLut {
  uint8_t b[16][16];
  constexpr CompressLut() : b() {
    for (int m = 0; m < 16; ++m) {
      int j = 0;
      for (int lane = 0; lane < 4; ++lane)
        if ((m >> lane) & 1) {
          for (int k = 0; k < 4; ++k) b[m][4 * j + k] = uint8_t(4 * lane + k);
          ++j;
        }
      for (; j < 4; ++j)
        for (int k = 0; k < 4; ++k) b[m][4 * j + k] = uint8_t(k);
    }
  }
};
constexpr CompressLut kCompressLut{};
inline int vcompress_lanes(float* sv, int32_t* si, VF v, int32_t base, uint32_t m) {
  const uint8x16_t perm = vld1q_u8(kCompressLut.b[m & 15]);
  const int32_t k[4] = {0, 1, 2, 3};
  int32x4_t idx = vaddq_s32(vdupq_n_s32(base), vld1q_s32(k));
  vst1q_f32(sv, vreinterpretq_f32_u8(vqtbl1q_u8(vreinterpretq_u8_f32(v), perm)));
  vst1q_s32(si, vreinterpretq_s32_u8(vqtbl1q_u8(vreinterpretq_u8_s32(idx), perm)));
  return __builtin_popcount(m & 15);
}

// --- Philox word tails (sampling_impl.inc) ----------------------------------------------------
// q = (min(w, 2³²−1−w) + ½)·2⁻³², the distance of u = (w + ½)·2⁻³² to its nearer end, and
// p = ½ − q, each from its own integer so both keep their relative precision (one rounding);
// `up` = the lanes where w ≥ 2³¹ (u > ½); vblend_up / vflip_up select or negate on them.
using Up = uint32x4_t;
inline VF tail_qp(VI w, Up& up, VF& p) {
  up = vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(w), 31));
  int32x4_t m = vreinterpretq_s32_u32(veorq_u32(w, up));
  const VF s = vset1(0x1p-32f), h = vset1(0x1p-33f);
  p = vfma(vcvtq_f32_s32(vsubq_s32(vdupq_n_s32(0x7FFFFFFF), m)), s, h);
  return vfma(vcvtq_f32_s32(m), s, h);
}
inline VF tail_q(VI w, Up& up) {
  up = vreinterpretq_u32_s32(vshrq_n_s32(vreinterpretq_s32_u32(w), 31));
  return vfma(vcvtq_f32_s32(vreinterpretq_s32_u32(veorq_u32(w, up))), vset1(0x1p-32f), vset1(0x1p-33f));
}
inline VF vblend_up(Up up, VF lo, VF hi) { return vbslq_f32(up, hi, lo); }
inline VF vflip_up(Up up, VF x) {  // −x where up
  return vreinterpretq_f32_u32(veorq_u32(vreinterpretq_u32_f32(x), vshlq_n_u32(up, 31)));
}
// (0x3f800000 − bits(q)) as a float: −log2(q)·2²³ to within the mantissa's linear
// approximation (a cheap upper bound on −log q, see gumbel_bound).
inline VF vneg_log2_bits(VF q) {
  return vcvtq_f32_s32(vsubq_s32(vdupq_n_s32(0x3f800000), vreinterpretq_s32_f32(q)));
}

}  // namespace
