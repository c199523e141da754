// libFuzzer harness for the calibration family (native/kernels/calibration_impl.inc): entropy,
// the confidence loss KL(U‖p) (mask, gradient fresh / in place / accumulated), the temperature-
// scaling statistics, max-probability confidence with the predicted class, and the diagonal
// Gaussian KL (standard-normal prior or a general one, gradients optional, rows split as the
// pool splits them), on every tier. Rows cross the 2048-float block of the online max.
// Invariants: entropy in [0, log(available columns)], NaN exactly in rows with a NaN, 0 for an
// all −Infinity row; KL(U‖p) ≥ 0 and its gradient p − 1/C bounded by |scale| and summing to 0;
// the five temperature statistics finite (NLL, gap and variance ≥ 0, the row count exact) for
// rows without NaN / ±Infinity; confidence in [1/C, 1] with the first index of the maximum (the
// binary ECE of these confidences is then in [0, 1]); Gaussian KL ≥ 0 and within a bound of the
// float64 formula; every output written; agreement with the scalar tier.
#include "common.h"

static void (*kFill[3])(CalibrationKernels*) = {lk_calibration_kernels_scalar, lk_calibration_kernels_avx2,
                                                lk_calibration_kernels_avx512};

struct RowInfo {
  bool nan = false, pinf = false, minf = false, all_masked = true;
  int64_t avail = 0;  // entries above −Infinity
  float maxabs = 0.0f;
  int64_t first_max = 0;
};

static RowInfo row_info(const float* x, int64_t cols) {
  RowInfo r;
  float m = -INFINITY;
  for (int64_t j = 0; j < cols; ++j) {
    float v = x[j];
    if (std::isnan(v)) { r.nan = true; continue; }
    r.pinf |= v == INFINITY;
    r.minf |= v == -INFINITY;
    if (v > -INFINITY) { r.all_masked = false; ++r.avail; r.maxabs = std::fmax(r.maxabs, std::fabs(v)); }
    if (v > m) { m = v; r.first_max = j; }
  }
  return r;
}

static float beta_of(FuzzedDataProvider& in) {
  static const float kB[] = {1.0f, 0.5f, 2.0f, 1e-3f, 1e3f, 0x1p-126f, 0x1p126f, 1e-38f, 1e38f, 3.0f};
  if (in.ConsumeBool()) return kB[in.ConsumeIntegralInRange<int>(0, 9)];
  return std::ldexp(in.ConsumeFloatingPointInRange<float>(0.5f, 1.0f), in.ConsumeIntegralInRange<int>(-30, 30));
}

static bool close(double a, double b, double tol) { return std::fabs(a - b) <= tol; }

static void entropy_conf(FuzzedDataProvider& in, const CalibrationKernels& k, const CalibrationKernels& s, bool conf) {
  int64_t rows = in.ConsumeIntegralInRange<int64_t>(0, 3), cols = fz::length(in, 5000);
  if (cols == 0) return;
  float inv_t = beta_of(in);
  std::vector<float> x = fz::values(in, size_t(rows * cols));
  std::vector<float> h = fz::canary(size_t(rows), fz::canary_f()), hs = h;
  std::vector<int32_t> pred(size_t(rows), -7), preds = pred;
  if (conf) {
    k.confidence(x.data(), h.data(), pred.data(), rows, cols, inv_t);
    s.confidence(x.data(), hs.data(), preds.data(), rows, cols, inv_t);
  } else {
    k.entropy(x.data(), h.data(), rows, cols, inv_t);
    s.entropy(x.data(), hs.data(), rows, cols, inv_t);
  }
  for (int64_t r = 0; r < rows; ++r) {
    RowInfo ri = row_info(x.data() + r * cols, cols);
    float v = h[size_t(r)], w = hs[size_t(r)];
    LK_CHECK(!fz::is_canary(v), "row %ld not written", long(r));
    if (ri.nan) {
      LK_CHECK(std::isnan(v), "row %ld has a NaN but gives %g", long(r), v);
      if (conf) LK_CHECK(pred[size_t(r)] == -1, "row %ld has a NaN but pred %d", long(r), pred[size_t(r)]);
      continue;
    }
    if (conf) {
      LK_CHECK(pred[size_t(r)] == int32_t(ri.first_max), "row %ld pred %d, first max at %ld", long(r), pred[size_t(r)], long(ri.first_max));
      LK_CHECK(pred[size_t(r)] == preds[size_t(r)], "row %ld pred %d, scalar tier %d", long(r), pred[size_t(r)], preds[size_t(r)]);
    }
    if (ri.all_masked) { LK_CHECK(v == 0.0f, "all-masked row %ld gives %g", long(r), v); continue; }
    if (ri.pinf) continue;  // +Infinity − +Infinity: no probability to speak of
    LK_CHECK(!std::isnan(v), "row %ld = NaN (inv_t %g)", long(r), inv_t);
    if (conf) {
      // The max's term is 1, every other ≤ 1: conf ∈ [1/avail, 1] (binary ECE in [0, 1] follows).
      LK_CHECK(v <= 1.0f && v >= float(1.0 / double(ri.avail)) * (1 - 1e-5f), "row %ld confidence %g (avail %ld)", long(r), v, long(ri.avail));
      LK_CHECK(close(v, w, 1e-5 * w), "row %ld confidence %g, scalar tier %g", long(r), v, w);
    } else {
      double hmax = std::log(double(ri.avail));
      LK_CHECK(v >= 0.0f && double(v) <= hmax * (1 + 1e-4) + 1e-5, "row %ld entropy %g outside [0, log %ld] (inv_t %g, x0 %a, max|x| %g, cols %ld)",
               long(r), v, long(ri.avail), inv_t, double(x[size_t(r * cols)]), double(ri.maxabs), long(cols));
      // H = log s − β·u/s cancels when the row is nearly one-hot; bound it in absolute terms.
      LK_CHECK(close(v, w, 1e-4 * (1 + hmax)), "row %ld entropy %.9g, scalar tier %.9g (inv_t %g)", long(r), v, w, inv_t);
    }
  }
}

static void kl_uniform(FuzzedDataProvider& in, const CalibrationKernels& k, const CalibrationKernels& s) {
  int64_t rows = in.ConsumeIntegralInRange<int64_t>(0, 3), cols = fz::length(in, 5000);
  if (cols == 0) return;
  KlUniformParams p;
  p.cols = cols;
  p.beta = in.ConsumeBool() ? 1.0 : double(beta_of(in));
  static const float kScale[] = {1.0f, 0.5f, 1e-3f, 0.0f};
  p.grad_scale = kScale[in.ConsumeIntegralInRange<int>(0, 3)];
  const int gmode = in.ConsumeIntegralInRange<int>(0, 3);  // none, fresh, in place, accumulate
  p.accumulate = gmode == 3;
  std::vector<uint8_t> mask;
  if (in.ConsumeBool()) { mask.resize(size_t(rows)); for (auto& m : mask) m = in.ConsumeIntegral<uint8_t>() & 1; }
  std::vector<float> x = fz::values(in, size_t(rows * cols)), keep = x;
  std::vector<float> g0(x.size());
  for (auto& v : g0) v = gmode == 3 ? in.ConsumeFloatingPointInRange<float>(-1.0f, 1.0f) : fz::canary_f();
  std::vector<float> g = g0, gs = g0;
  std::vector<double> loss(size_t(rows), -7.0), losss = loss;
  float* grad = gmode == 0 ? nullptr : gmode == 2 ? x.data() : g.data();
  const uint8_t* mp = mask.empty() ? nullptr : mask.data();
  k.kl_uniform(x.data(), mp, grad, loss.data(), rows, &p);
  s.kl_uniform(keep.data(), mp, gmode ? gs.data() : nullptr, losss.data(), rows, &p);
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = keep.data() + r * cols;
    RowInfo ri = row_info(xr, cols);
    double l = loss[size_t(r)], ls = losss[size_t(r)];
    LK_CHECK(l != -7.0, "loss[%ld] not written", long(r));
    bool sel = !mp || mp[r];
    if (!sel) {
      LK_CHECK(l == 0.0, "unselected row %ld loss %g", long(r), l);
    } else if (ri.nan) {
      LK_CHECK(std::isnan(l), "row %ld has a NaN but loss %g", long(r), l);
    } else if (p.beta == 0.0 && ri.minf) {
      // 0·KL with KL = +Infinity (a masked entry has p = 0): NaN, as in the reference.
    } else if (!ri.pinf) {
      // lse − mean(x) − log C ≥ 0 (Jensen). mean(x) comes from float lane sums over ≤ 64 vectors
      // (≤ 64 roundings of a sum ≤ 64·max|x|: 64·64·2⁻²⁴·max|x| per lane, over 64 elements),
      // so the bound is 4e-6·max|x| (KL of an all-equal row of −29.8 × 4096: −1.5e-5).
      double tol = 1e-6 * (1 + std::fabs(ls)) + 4e-6 * double(ri.maxabs) * p.beta;
      LK_CHECK(!std::isnan(l) && l >= -tol, "row %ld KL(U||p) = %g < 0 (tol %g, cols %ld, max|x| %g, x0 %a, beta %g)", long(r), l, tol, long(cols),
               double(ri.maxabs), double(xr[0]), p.beta);
      if (std::isfinite(ls)) LK_CHECK(close(l, ls, tol + 1e-5 * std::fabs(ls)), "row %ld KL %.9g, scalar tier %.9g", long(r), l, ls);
      else LK_CHECK(l == ls, "row %ld KL %g, scalar tier %g", long(r), l, ls);
    }
    if (!grad) continue;
    double gsum = 0;
    for (int64_t j = 0; j < cols; ++j) {
      float v = grad[r * cols + j], v0 = g0[size_t(r * cols + j)];
      if (!sel) {
        LK_CHECK(gmode == 3 ? std::memcmp(&v, &v0, 4) == 0 : v == 0.0f, "unselected row %ld grad[%ld] = %g", long(r), long(j), v);
        continue;
      }
      LK_CHECK(!fz::is_canary(v), "grad[%ld][%ld] not written", long(r), long(j));
      if (ri.nan || ri.pinf) continue;
      float d = gmode == 3 ? v - v0 : v;
      LK_CHECK(std::fabs(d) <= std::fabs(p.grad_scale) * (1 + 1e-5f) + 1e-6f, "|grad[%ld][%ld]| = %g > |scale| %g", long(r), long(j), d, p.grad_scale);
      gsum += d;
    }
    if (!ri.nan && !ri.pinf && !ri.all_masked && gmode != 3)
      LK_CHECK(std::fabs(gsum) <= 1e-4 * std::fabs(p.grad_scale) * (1 + std::sqrt(double(cols))), "row %ld grad sums to %g", long(r), gsum);
  }
}

static void temperature(FuzzedDataProvider& in, const CalibrationKernels& k, const CalibrationKernels& s) {
  int64_t rows = in.ConsumeIntegralInRange<int64_t>(0, 4), cols = fz::length(in, 5000);
  if (cols == 0) return;
  float beta = in.ConsumeBool() ? 1.0f : std::ldexp(in.ConsumeFloatingPointInRange<float>(0.5f, 1.0f), in.ConsumeIntegralInRange<int>(-20, 20));
  int32_t ignore = in.ConsumeBool() ? -100 : in.ConsumeIntegralInRange<int32_t>(-1, int32_t(cols));
  std::vector<int32_t> labels(static_cast<size_t>(rows));
  for (auto& l : labels) l = in.ConsumeBool() ? ignore : in.ConsumeIntegralInRange<int32_t>(0, int32_t(cols - 1));
  std::vector<float> x = fz::values(in, size_t(rows * cols));
  double base = in.ConsumeBool() ? 0.0 : 1.5;  // the kernel adds to out
  double out[5], outs[5];
  for (int i = 0; i < 5; ++i) out[i] = outs[i] = base;
  k.temperature_nll(x.data(), labels.data(), rows, cols, beta, ignore, out);
  s.temperature_nll(x.data(), labels.data(), rows, cols, beta, ignore, outs);
  bool clean = true;
  int64_t counted = 0;
  double maxabs = 0;
  for (int64_t r = 0; r < rows; ++r) {
    if (labels[size_t(r)] == ignore) continue;
    ++counted;
    RowInfo ri = row_info(x.data() + r * cols, cols);
    float xy = x[size_t(r * cols + labels[size_t(r)])];
    clean &= !ri.nan && !ri.pinf && xy > -INFINITY;
    maxabs = std::fmax(maxabs, double(ri.maxabs));
  }
  LK_CHECK(out[4] == base + double(counted), "rows counted %g, want %ld", out[4] - base, long(counted));
  if (!clean) return;
  for (int i = 0; i < 5; ++i) LK_CHECK(std::isfinite(out[i]), "temperature statistic %d = %g for finite rows (beta %g)", i, out[i], beta);
  LK_CHECK(out[0] >= base - 1e-9 && out[2] >= base && out[3] >= base, "NLL %g, variance %g, gap %g below 0", out[0] - base, out[2] - base, out[3] - base);
  // NLL = β·gap + log s: the gap is exact in double, log s within float sums.
  LK_CHECK(close(out[3], outs[3], 0.0), "gap %.17g, scalar tier %.17g", out[3], outs[3]);
  LK_CHECK(close(out[0], outs[0], 1e-5 * (1 + std::fabs(outs[0] - base)) + 1e-4 * double(rows)), "NLL %.9g, scalar tier %.9g", out[0], outs[0]);
  double scale = 1 + maxabs;
  LK_CHECK(close(out[1], outs[1], 1e-4 * scale * double(rows)), "dNLL %.9g, scalar tier %.9g", out[1], outs[1]);
}

// e^d − 1 − d in double without cancellation: its Taylor series for |d| < ½ (expm1(d) − d loses
// the leading digits there: 2.7e-5 relative at d = −1.2e-12).
static double expm1_minus_x(double d) {
  if (!(std::fabs(d) < 0.5)) return std::expm1(d) - d;
  double term = d * d / 2.0, sum = 0.0;
  for (int k = 3; k < 24 && term != 0.0; ++k) {
    sum += term;
    term *= d / k;
  }
  return sum;
}

static void gaussian(FuzzedDataProvider& in, const CalibrationKernels& k, const CalibrationKernels& s) {
  int64_t rows = in.ConsumeIntegralInRange<int64_t>(0, 3), dim = fz::length(in, 5000);
  bool general = in.ConsumeBool(), grads = in.ConsumeBool(), moderate = in.ConsumeBool();
  size_t n = size_t(rows * dim);
  auto vals = [&](void) {
    if (!moderate) return fz::values(in, n);
    std::vector<float> v(n);
    for (auto& e : v) e = in.ConsumeBool() ? in.ConsumeFloatingPointInRange<float>(-10.0f, 10.0f) : fz::value(in, false);
    // Up to ±100: lv₁ − lv₂ and Δμ²·e^(−lv₂) pass the float32 overflow of e^d (88.7) and 2¹²⁸
    // while the float64 KL stays finite (e^200 = 7e86), and |lv₂| passes 80.
    for (auto& e : v) if (!std::isfinite(e) || std::fabs(e) > 100.0f) e = 0.5f;
    return v;
  };
  std::vector<float> mu1 = vals(), lv1 = vals(), mu2, lv2;
  if (general) { mu2 = vals(); lv2 = vals(); }
  std::vector<float> g[4];
  for (auto& v : g) v = fz::canary(n, fz::canary_f());
  std::vector<double> rl(size_t(rows), -7.0), rls = rl;
  GaussianKlArgs a{mu1.data(), lv1.data(), general ? mu2.data() : nullptr, general ? lv2.data() : nullptr, dim,
                   grads ? g[0].data() : nullptr, grads ? g[1].data() : nullptr,
                   grads && general ? g[2].data() : nullptr, grads && general ? g[3].data() : nullptr,
                   in.ConsumeBool() ? 1.0f : 0.25f, rl.data()};
  int64_t cut = in.ConsumeIntegralInRange<int64_t>(0, rows);
  k.gaussian_kl(&a, 0, cut);
  k.gaussian_kl(&a, cut, rows);
  GaussianKlArgs b = a;
  b.g_mu1 = b.g_lv1 = b.g_mu2 = b.g_lv2 = nullptr;
  b.row_loss = rls.data();
  s.gaussian_kl(&b, 0, rows);
  for (int64_t r = 0; r < rows; ++r) {
    double want = 0;
    bool nan = false;
    for (int64_t i = r * dim; i < (r + 1) * dim; ++i) {
      double m1 = mu1[size_t(i)], l1 = lv1[size_t(i)], m2 = general ? mu2[size_t(i)] : 0.0, l2 = general ? lv2[size_t(i)] : 0.0;
      nan |= std::isnan(m1) || std::isnan(l1) || std::isnan(m2) || std::isnan(l2);
      double d = l1 - l2, dm = m1 - m2;
      want += 0.5 * (expm1_minus_x(d) + (dm == 0 ? 0.0 : dm * dm * std::exp(-l2)));
    }
    double l = rl[size_t(r)];
    LK_CHECK(l != -7.0, "row_loss[%ld] not written", long(r));
    if (nan) {
      if (!std::isnan(l))
        for (int64_t i = r * dim; i < (r + 1) * dim; ++i)
          std::fprintf(stderr, "[%ld] mu1 %a lv1 %a mu2 %a lv2 %a\n", long(i), double(mu1[size_t(i)]), double(lv1[size_t(i)]),
                       general ? double(mu2[size_t(i)]) : 0.0, general ? double(lv2[size_t(i)]) : 0.0);
      LK_CHECK(std::isnan(l), "row %ld has a NaN but KL %g (general %d, dim %ld)", long(r), l, general, long(dim));
      continue;
    }
    if (moderate) {
      // Every term ≥ 0 (no cancellation across terms); per term a few float ulps, the series'
      // 3e-9, and the float lane sums (≤ 64 vectors).
      if (!close(l, want, 1e-5 * want + 1e-30))
        for (int64_t i = r * dim; i < (r + 1) * dim; ++i)
          std::fprintf(stderr, "[%ld] mu1 %a lv1 %a mu2 %a lv2 %a\n", long(i), double(mu1[size_t(i)]), double(lv1[size_t(i)]),
                       general ? double(mu2[size_t(i)]) : 0.0, general ? double(lv2[size_t(i)]) : 0.0);
      LK_CHECK(l >= 0.0 && std::isfinite(l), "row %ld Gaussian KL %g", long(r), l);
      LK_CHECK(close(l, want, 1e-5 * want + 1e-30), "row %ld Gaussian KL %.9g, float64 formula %.9g", long(r), l, want);
      LK_CHECK(close(l, rls[size_t(r)], 1e-5 * want + 1e-30), "row %ld Gaussian KL %.9g, scalar tier %.9g", long(r), l, rls[size_t(r)]);
    } else if (!std::isnan(want)) {
      LK_CHECK(!(l < -1e-30), "row %ld Gaussian KL %g < 0", long(r), l);
    }
    if (grads)
      for (int q = 0; q < (general ? 4 : 2); ++q)
        for (int64_t i = r * dim; i < (r + 1) * dim; ++i)
          LK_CHECK(!fz::is_canary(g[q][size_t(i)]), "gradient %d [%ld] not written", q, long(i));
    if (grads && moderate)
      for (int64_t i = r * dim; i < (r + 1) * dim; ++i) {
        // The float64 gradients rounded to float32: ±Infinity exactly where they round to it,
        // else within 1e-5 plus 2⁻²⁰ of the terms that cancel (e^d − 1 − d + d, e^d − 1 + w²)
        // and 1e-27 (a subnormal Δμ·e^(−lv₂/2)).
        double m1 = mu1[size_t(i)], l1 = lv1[size_t(i)], m2 = general ? mu2[size_t(i)] : 0.0, l2 = general ? lv2[size_t(i)] : 0.0;
        double d = l1 - l2, dm = m1 - m2, h = expm1_minus_x(d), w2 = dm == 0 ? 0.0 : dm * dm * std::exp(-l2);
        double sc = a.grad_scale, gm = dm == 0 ? 0.0 : sc * dm * std::exp(-l2);
        const double em1 = std::expm1(d);
        double want[4] = {gm, sc * 0.5 * em1, -gm, -sc * 0.5 * (em1 + w2)};
        double terms[4] = {std::fabs(gm), sc * 0.5 * (std::fabs(d) + h), std::fabs(gm), sc * 0.5 * (std::fabs(d) + h + w2)};
        for (int q = 0; q < (general ? 4 : 2); ++q) {
          const float got = g[q][size_t(i)], wf = float(want[q]);
          if (std::isinf(wf) || !std::isfinite(got)) {
            // the float32 rounding boundary itself: a last-bit difference of the float64 forms
            if (std::fabs(std::fabs(want[q]) / 3.4028235677973366e38 - 1.0) < 1e-12) continue;
            LK_CHECK(got == wf, "gradient %d [%ld] %g, float64 formula %.9g (mu1 %a lv1 %a mu2 %a lv2 %a)", q, long(i),
                     double(got), want[q], m1, l1, m2, l2);
          } else {
            LK_CHECK(close(got, want[q], 1e-5 * std::fabs(want[q]) + 0x1p-20 * terms[q] + 1e-27),
                     "gradient %d [%ld] %.9g, float64 formula %.9g (mu1 %a lv1 %a mu2 %a lv2 %a)", q, long(i), double(got),
                     want[q], m1, l1, m2, l2);
          }
        }
      }
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  CalibrationKernels k, s;
  fz::pick_tier(in, &k, kFill);
  lk_calibration_kernels_scalar(&s);
  switch (in.ConsumeIntegralInRange<int>(0, 4)) {
    case 0: entropy_conf(in, k, s, false); break;
    case 1: entropy_conf(in, k, s, true); break;
    case 2: kl_uniform(in, k, s); break;
    case 3: temperature(in, k, s); break;
    default: gaussian(in, k, s); break;
  }
  return 0;
}
