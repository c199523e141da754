// Scalar "vector" vocabulary (L = 1). Included only by *_scalar.cc; see README.md.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace {

constexpr int L = 1;
using VF = float;
using VI = uint32_t;

inline VF vset1(float a) { return a; }
inline VF vload(const float* p) { return *p; }
inline void vstore(float* p, VF v) { *p = v; }
inline VF vload_tail(const float* p, int64_t n, float fill) { return n > 0 ? *p : fill; }
inline void vstore_tail(float* p, VF v, int64_t n) { if (n > 0) *p = v; }
inline VF vadd(VF a, VF b) { return a + b; }
inline VF vsub(VF a, VF b) { return a - b; }
inline VF vmul(VF a, VF b) { return a * b; }
inline VF vdiv(VF a, VF b) { return a / b; }
inline VF vfma(VF a, VF b, VF c) { return a * b + c; }  // contraction is off in this tier
// NaN-propagating on the x side: max(c, NaN) = NaN, matching the SIMD tiers' operand order.
inline VF vmax(VF c, VF x) { return (c > x) ? c : x; }
inline VF vmin(VF c, VF x) { return (c < x) ? c : x; }
inline VF vabs(VF a) { return std::fabs(a); }
inline VF vneg(VF a) { return -a; }
inline float vreduce_max(VF a) { return a; }
inline float vreduce_add(VF a) { return a; }
inline VF vselect_ge0(VF x, VF if_ge, VF if_lt) { return x >= 0.0f ? if_ge : if_lt; }
inline VF vexp(VF x) { return std::exp(x); }
inline VF vexp_normal(VF x) { return std::exp(x); }
inline VF vlog(VF x) { return std::log(x); }
inline VF vlog1p(VF x) { return std::log1p(x); }

// --- Philox chains: independent counter streams interleaved by native/kernels/sampling_impl.inc --
constexpr int kChains = 4;

inline VI pl_set1(uint32_t a) { return a; }
inline VI pl_iota(uint32_t a) { return a; }
inline void pl_mulhilo(VI a, VI m, VI& hi, VI& lo) {
  uint64_t p = uint64_t(a) * m;
  hi = uint32_t(p >> 32);
  lo = uint32_t(p);
}
inline VI pl_xor3(VI a, VI b, VI c) { return a ^ b ^ c; }
inline void pl_transpose(VI c0, VI c1, VI c2, VI c3, VI* w) {
  w[0] = c0;
  w[1] = c1;
  w[2] = c2;
  w[3] = c3;
}
inline uint32_t vmask_nlt(VF v, VF t) { return !(v < t) ? 1u : 0u; }

inline void philox_round(uint32_t c[4], uint32_t k0, uint32_t k1) {
  uint64_t p0 = uint64_t(0xD2511F53u) * c[0];
  uint64_t p1 = uint64_t(0xCD9E8D57u) * c[2];
  uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
  uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
  c[0] = hi1 ^ c[1] ^ k0;
  c[1] = lo1;
  c[2] = hi0 ^ c[3] ^ k1;
  c[3] = lo0;
}

// One block = the 4 words of draws 0..3 counted from block `ctr`.
inline void philox_elems(const uint32_t key[2], const uint32_t ctr[4], VI w[4]) {
  uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
  uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; ++r) {
    philox_round(c, k0, k1);
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  for (int i = 0; i < 4; ++i) w[i] = c[i];
}

inline VF u32_to_uniform(VI w) { return float(w >> 9) * 0x1p-23f + 0x1p-24f; }


// --- vlog_pos (log of a positive normal float, no special cases) and vsqrt -------------------
inline VF vlog_pos(VF x) { return std::log(x); }

inline VF vsqrt(VF x) { return std::sqrt(x); }

// The scalar tier keeps glibc's expf for exp_le0 (vec_generic.inc holds the vector form).
inline float exp_le0(float x) { return std::exp(x); }

// --- selection vocabulary (topk_impl.inc, heap.inc) ------------------------------------------
// Signed rank keys (see vec_avx2.h); VI holds the key's bits, compared as int32.
inline VI vrank_skey(VF x, bool largest) {
  if (x != x) return uint32_t(largest ? INT32_MAX : INT32_MIN);
  float z = x + 0.0f;  // -0 → +0
  uint32_t b;
  std::memcpy(&b, &z, 4);
  uint32_t s = b ^ ((uint32_t(int32_t(b) >> 31)) >> 1);
  return largest ? s : ~s;
}
inline VI vset1_i32(int32_t a) { return uint32_t(a); }
inline VI vmax_i32(VI a, VI b) { return int32_t(a) > int32_t(b) ? a : b; }
inline int32_t vreduce_max_i32(VI a) { return int32_t(a); }
inline uint32_t vmask_eq_i32(VI a, VI b) { return a == b ? 1u : 0u; }
inline uint32_t vmask_gt_or_nan(VF v, VF t) { return !(v <= t) ? 1u : 0u; }
inline uint32_t vmask_lt(VF v, VF t) { return v < t ? 1u : 0u; }
inline uint32_t vmask_le(VF v, VF t) { return v <= t ? 1u : 0u; }
inline int vcompress_lanes(float* sv, int32_t* si, VF v, int32_t base, uint32_t m) {
  sv[0] = v;
  si[0] = base;
  return int(m);
}

// --- Philox word tails (sampling_impl.inc) ----------------------------------------------------
// q = (min(w, 2³²−1−w) + ½)·2⁻³², the distance of u = (w + ½)·2⁻³² to its nearer end, and
// p = ½ − q, each from its own integer so both keep their relative precision (one rounding);
// `up` = the lanes where w ≥ 2³¹ (u > ½); vblend_up / vflip_up select or negate on them.
using Up = bool;
inline VF tail_qp(VI w, Up& up, VF& p) {
  up = (w & 0x80000000u) != 0;
  uint32_t m = up ? ~w : w;
  p = float(int32_t(0x7FFFFFFFu - m)) * 0x1p-32f + 0x1p-33f;  // the products are exact: one rounding
  return float(int32_t(m)) * 0x1p-32f + 0x1p-33f;
}
inline VF tail_q(VI w, Up& up) {
  VF p;
  return tail_qp(w, up, p);
}
inline VF vblend_up(Up up, VF lo, VF hi) { return up ? hi : lo; }
inline VF vflip_up(Up up, VF x) { return up ? -x : x; }
// (0x3f800000 − bits(q)) as a float: −log2(q)·2²³ to within the mantissa's linear
// approximation (a cheap upper bound on −log q, see gumbel_bound).
inline VF vneg_log2_bits(VF q) {
  uint32_t qb;
  std::memcpy(&qb, &q, 4);
  return float(int32_t(0x3f800000u - qb));
}

#include "log_poly.inc"
#include "vec_poly.inc"

}  // namespace
