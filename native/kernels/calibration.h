// Calibration family: per-row entropy, the confidence loss KL(U‖p) (Lee et al. 2018), the
// temperature-scaling statistics of Guo et al. (2017) — NLL, its first and second derivative in
// β = 1/T — max-probability confidence with the predicted class, and the diagonal Gaussian KL
// of VAEs (Kingma & Welling 2014). Plain pointers, no N-API.
//
// Tiers: scalar, avx2, avx512 (native/kernels/calibration_<isa>.cc, bodies in
// calibration_impl.inc). Per-row work goes through one internal function (calib_row in the
// impl: online max + rescaled sums over 2048-float blocks), so a shared row engine can replace
// it in one place.
// Contract (tested against the float64 TypeScript reference, lib/reference/calibration.ts):
// - `-Inf` entries have probability 0; a NaN anywhere in a row makes the row's results NaN;
// - sums are accumulated in float over at most 64 vectors, then in double.
#pragma once
#include <cstdint>

#include "family.h"

// h[r] = −Σ p log p of p = softmax(x_r·inv_t), nats; 0 for an all `-Inf` row.
using lk_entropy_fn = void (*)(const float* x, float* h, int64_t rows, int64_t cols, float inv_t);

struct KlUniformParams {
  int64_t cols;
  double beta;         // the loss is beta·KL(U‖p) per selected row
  float grad_scale;    // gradient = grad_scale·(p − 1/C) (beta, divided by the row count for 'mean')
  bool accumulate;     // grad += instead of grad =
};
// loss[r] = beta·(lse − mean(x) − log C) for rows with mask[r] != 0 (every row when mask is
// null), else 0; grad (when not null; may alias x unless accumulate) as above, 0 (or untouched
// when accumulating) on unselected rows. The binding runs this kernel for the forward-only and
// accumulate cases; a plain gradient goes through the cross-entropy kernel with label
// smoothing 1 (the same numbers, with its interleaved second pass; native/bindings/calibration.cc).
using lk_kl_uniform_fn = void (*)(const float* x, const uint8_t* mask, float* grad, double* loss, int64_t rows,
                                  const KlUniformParams* p);

// Temperature-scaling statistics at beta over rows with labels[r] != ignore, ADDED to out:
// out[0] += NLL = lse(beta·x) − beta·x_y, out[1] += dNLL/dbeta = E_p[x] − x_y,
// out[2] += d²NLL/dbeta² = Var_p[x], out[3] += max(x) − x_y, out[4] += 1 (rows counted).
using lk_temperature_nll_fn = void (*)(const float* x, const int32_t* labels, int64_t rows, int64_t cols, float beta,
                                       int32_t ignore, double* out);

// conf[r] = max softmax(x_r·inv_t) (0 for an all `-Inf` row, NaN for a row with a NaN);
// pred[r] = the first index of the row max (0 for an all `-Inf` row, −1 for a row with a NaN).
using lk_confidence_fn = void (*)(const float* x, float* conf, int32_t* pred, int64_t rows, int64_t cols,
                                  float inv_t);

struct GaussianKlArgs {
  const float* mu1;
  const float* lv1;
  const float* mu2;  // null: the standard normal prior (mu2 = 0, lv2 = 0)
  const float* lv2;
  int64_t dim;       // elements per row
  float* g_mu1;      // gradients, each may be null; scaled by grad_scale
  float* g_lv1;
  float* g_mu2;
  float* g_lv2;
  float grad_scale;
  double* row_loss;  // one double per row: Σ over the row's elements
};
// KL(N(mu1, e^lv1) ‖ N(mu2, e^lv2)) per element = ½[e^d − 1 − d + (mu1 − mu2)²·e^−lv2],
// d = lv1 − lv2, with e^d − 1 − d by its series for |d| < ½ (no cancellation); rows r0..r1.
using lk_gaussian_kl_fn = void (*)(const GaussianKlArgs* a, int64_t r0, int64_t r1);

#define LK_CALIBRATION_KERNELS(X)          \
  X(lk_entropy_fn, entropy)                \
  X(lk_kl_uniform_fn, kl_uniform)          \
  X(lk_temperature_nll_fn, temperature_nll) \
  X(lk_confidence_fn, confidence)          \
  X(lk_gaussian_kl_fn, gaussian_kl)
struct CalibrationKernels {
  LK_CALIBRATION_KERNELS(LK_KERNEL_FIELD)
};
LK_DECLARE_TIERS(calibration, CalibrationKernels)
