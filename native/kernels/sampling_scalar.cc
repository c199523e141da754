// Sampling family, scalar tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_scalar.h"
#include "rng.h"

namespace {

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
inline VF gumbel_bound(VI w) {
  Up up;
  float q = tail_q(w, up);
  uint32_t qb;
  std::memcpy(&qb, &q, 4);
  float b = float(int32_t(0x3f800000u - qb)) * (0.693147182f * 0x1p-23f) + lk_gumbel_bound_margin;
  return up ? b : lk_gumbel_bound_lower;
}

#include "sampling_impl.inc"

}  // namespace

void lk_sampling_kernels_scalar(SamplingKernels* t) { fill_sampling_kernels(t); }
