// libFuzzer harness for the softmax family (native/kernels/softmax_impl.inc): row kernels with a
// temperature, the backward, and the elementwise sigmoid family, on every tier, in place or not.
// Invariants: probabilities in [0, 1] summing to 1, log-probabilities ≤ 0, NaN exactly in rows
// with a NaN or +Infinity, masks give 0 / -Infinity, every output written, and the tier agrees
// with the scalar tier within a loose bound.
#include "common.h"

static void (*kFill[3])(SoftmaxKernels*) = {lk_softmax_kernels_scalar, lk_softmax_kernels_avx2,
                                            lk_softmax_kernels_avx512};

static float inv_temperature(FuzzedDataProvider& in) {
  static const float kT[] = {1.0f, 0.5f, 2.0f, 1e-3f, 1e3f, 0x1p-126f, 0x1p126f, 1e-38f, 1e38f, 0.37f};
  if (in.ConsumeBool()) return kT[in.ConsumeIntegralInRange<int>(0, 9)];
  return std::ldexp(in.ConsumeFloatingPointInRange<float>(0.5f, 1.0f), in.ConsumeIntegralInRange<int>(-125, 126));
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  SoftmaxKernels k, s;
  fz::pick_tier(in, &k, kFill);
  lk_softmax_kernels_scalar(&s);
  const int op = in.ConsumeIntegralInRange<int>(0, 4);
  const bool inplace = in.ConsumeBool();
  if (op <= 2) {
    int64_t rows = in.ConsumeIntegralInRange<int64_t>(0, 3), cols = fz::length(in, 5000);
    if (cols == 0) rows = in.ConsumeBool() ? 0 : rows;  // cols 0 only with rows 0 is meaningful
    if (cols == 0) return 0;
    float inv_t = inv_temperature(in);
    std::vector<float> x = fz::values(in, size_t(rows * cols));
    std::vector<float> keep = x;
    size_t n_out = op == 0 ? size_t(rows) : x.size();
    std::vector<float> y = fz::canary(n_out, fz::canary_f()), ys = y;
    float* out = inplace && op != 0 ? x.data() : y.data();
    if (op == 0) { k.log_sum_exp(x.data(), out, rows, cols, inv_t); s.log_sum_exp(keep.data(), ys.data(), rows, cols, inv_t); }
    if (op == 1) { k.softmax(x.data(), out, rows, cols, inv_t); s.softmax(keep.data(), ys.data(), rows, cols, inv_t); }
    if (op == 2) { k.log_softmax(x.data(), out, rows, cols, inv_t); s.log_softmax(keep.data(), ys.data(), rows, cols, inv_t); }
    for (int64_t r = 0; r < rows; ++r) {
      const float* xr = keep.data() + r * cols;
      bool bad = false, all_masked = true;
      for (int64_t j = 0; j < cols; ++j) {
        bad |= std::isnan(xr[j]) || xr[j] == INFINITY;
        all_masked &= xr[j] == -INFINITY;
      }
      if (op == 0) {
        float v = out[r], w = ys[r];
        LK_CHECK(!fz::is_canary(v) || bad, "lse row %ld not written", long(r));
        LK_CHECK(bad == std::isnan(v), "lse row %ld = %g (row has NaN/+Inf: %d)", long(r), v, bad);
        if (all_masked) LK_CHECK(v == -INFINITY, "all-masked lse = %g", v);
        if (!bad && std::isfinite(v) && std::isfinite(w))
          LK_CHECK(std::fabs(v - w) <= 1e-4f * std::fmax(1.0f, std::fabs(w)), "lse %g vs scalar %g", v, w);
        continue;
      }
      const float* yr = out + r * cols;
      const float* sr = ys.data() + r * cols;
      double sum = 0;
      for (int64_t j = 0; j < cols; ++j) {
        float v = yr[j];
        if (bad) { LK_CHECK(std::isnan(v), "row %ld has NaN/+Inf but out[%ld] = %g", long(r), long(j), v); continue; }
        LK_CHECK(!std::isnan(v), "NaN at row %ld col %ld (x = %g, inv_t = %g)", long(r), long(j), xr[j], inv_t);
        if (op == 1) {
          LK_CHECK(v >= 0.0f && v <= 1.0f, "p = %g", v);
          if (xr[j] == -INFINITY) LK_CHECK(v == 0.0f, "masked p = %g", v);
          LK_CHECK(std::fabs(v - sr[j]) <= 1e-30f + 1e-3f * sr[j], "p %g vs scalar %g (x = %g)", v, sr[j], xr[j]);
          sum += v;
        } else {
          LK_CHECK(v <= 0.0f, "log p = %g > 0", v);
          if (xr[j] == -INFINITY || all_masked) LK_CHECK(v == -INFINITY, "masked log p = %g", v);
          if (std::isfinite(sr[j]))
            LK_CHECK(std::fabs(v - sr[j]) <= 1e-4f * std::fmax(1.0f, std::fabs(sr[j])), "log p %g vs scalar %g", v, sr[j]);
        }
      }
      if (op == 1 && !bad && !all_masked) LK_CHECK(std::fabs(sum - 1.0) <= 1e-3, "row %ld sums to %g", long(r), sum);
      if (op == 1 && all_masked) LK_CHECK(sum == 0.0, "all-masked row sums to %g", sum);
    }
  } else if (op == 3) {
    int64_t rows = in.ConsumeIntegralInRange<int64_t>(0, 3), cols = fz::length(in, 5000);
    if (cols == 0) return 0;
    std::vector<float> y = fz::values(in, size_t(rows * cols)), dy = fz::values(in, y.size());
    bool finite = true;
    for (float v : y) finite &= std::isfinite(v) && std::fabs(v) <= 1.0f;
    for (float v : dy) finite &= std::isfinite(v) && std::fabs(v) <= 1e3f;
    std::vector<float> dx = fz::canary(y.size(), fz::canary_f());
    float* out = inplace ? dy.data() : dx.data();
    k.softmax_backward(y.data(), dy.data(), out, rows, cols);
    for (size_t i = 0; i < y.size(); ++i) {
      if (finite) LK_CHECK(std::isfinite(out[i]), "dx[%zu] = %g from finite y, dy", i, out[i]);
    }
  } else {
    int64_t n = fz::length(in, 5000);
    int which = in.ConsumeIntegralInRange<int>(0, 6);
    std::vector<float> x = fz::values(in, size_t(n)), keep = x;
    std::vector<float> y = fz::canary(size_t(n), fz::canary_f());
    float* out = inplace ? x.data() : y.data();
    lk_elementwise_fn fns[] = {k.sigmoid, k.log_sigmoid, k.softplus, k.logit, k.exp, k.log, k.log1p};
    fns[which](x.data(), out, n);
    for (int64_t i = 0; i < n; ++i) {
      float a = keep[size_t(i)], v = out[i];
      if (std::isnan(a)) { LK_CHECK(std::isnan(v), "f(NaN) = %g (kernel %d)", v, which); continue; }
      switch (which) {
        case 0: LK_CHECK(v >= 0.0f && v <= 1.0f, "sigmoid(%g) = %g", a, v); break;
        case 1: LK_CHECK(v <= 0.0f && !std::isnan(v), "logSigmoid(%g) = %g", a, v); break;
        case 2: LK_CHECK(v >= 0.0f && !std::isnan(v), "softplus(%g) = %g", a, v);
                if (std::isfinite(a)) LK_CHECK(v >= a, "softplus(%g) = %g < x", a, v); break;
        case 3: if (a >= 0.0f && a <= 1.0f) LK_CHECK(!std::isnan(v), "logit(%g) = NaN", a); break;
        case 4: LK_CHECK(v >= 0.0f, "exp(%g) = %g", a, v); break;
        case 5: if (a >= 0.0f) LK_CHECK(!std::isnan(v), "log(%g) = NaN", a); break;
        default: if (a >= -1.0f) LK_CHECK(!std::isnan(v), "log1p(%g) = NaN", a); break;
      }
    }
  }
  return 0;
}
