// libFuzzer harness for the cross-entropy family (native/kernels/xent_impl.inc): fused softmax
// cross-entropy (labels, ignoreIndex, label smoothing, class weights, z-loss, with and without a
// gradient, in place) and BCE with logits (posWeight tiles, block splits as the thread pool
// makes them). Invariants: losses ≥ 0 and never NaN for NaN-free rows, NaN-free gradients, every
// output written, agreement with the scalar tier.
#include "common.h"

static void (*kFill[3])(XentKernels*) = {lk_xent_kernels_scalar, lk_xent_kernels_avx2, lk_xent_kernels_avx512};

static int g_tier;

static void softmax_xent(FuzzedDataProvider& in, const XentKernels& k, const XentKernels& s) {
  int64_t rows = in.ConsumeIntegralInRange<int64_t>(1, 3), cols = fz::length(in, 5000);
  if (cols == 0) return;
  XentParams p;
  p.cols = cols;
  p.ignore_index = in.ConsumeBool() ? -100 : in.ConsumeIntegralInRange<int32_t>(-1, int32_t(cols));
  static const float kEps[] = {0.0f, 0.1f, 1.0f, 0.5f, 1e-7f};
  p.smoothing = in.ConsumeBool() ? 0.0f : kEps[in.ConsumeIntegralInRange<int>(0, 4)];
  static const float kZ[] = {0.0f, 1e-4f, 1.0f, 3.4028235e38f};
  p.zloss = in.ConsumeBool() ? 0.0f : kZ[in.ConsumeIntegralInRange<int>(0, 3)];
  std::vector<float> w;
  p.weights = nullptr;
  p.weight_sum = double(cols);
  if (in.ConsumeBool()) {
    w.resize(size_t(cols));
    p.weight_sum = 0;
    for (auto& v : w) { v = in.ConsumeFloatingPointInRange<float>(0.1f, 10.0f); p.weight_sum += v; }
    p.weights = w.data();
  }
  p.grad_scale = in.ConsumeBool() ? 1.0 : 1.0 / double(rows);
  std::vector<int32_t> labels(static_cast<size_t>(rows));
  for (auto& l : labels) l = in.ConsumeBool() ? p.ignore_index : in.ConsumeIntegralInRange<int32_t>(0, int32_t(cols - 1));
  std::vector<float> x = fz::values(in, size_t(rows * cols)), keep = x;
  const int gmode = in.ConsumeIntegralInRange<int>(0, 2);  // 0: none, 1: separate, 2: in place
  std::vector<float> g = fz::canary(x.size(), fz::canary_f()), gs = g;
  std::vector<float> lse = fz::canary(size_t(rows), fz::canary_f()), lses = lse;
  std::vector<double> loss(size_t(rows), -1.0), losss = loss;
  float* grad = gmode == 0 ? nullptr : gmode == 1 ? g.data() : x.data();
  k.softmax_cross_entropy(x.data(), labels.data(), grad, lse.data(), loss.data(), rows, &p);
  s.softmax_cross_entropy(keep.data(), labels.data(), gmode ? gs.data() : nullptr, lses.data(), losss.data(), rows, &p);
  for (int64_t r = 0; r < rows; ++r) {
    bool bad = false;
    for (int64_t j = 0; j < cols; ++j) bad |= std::isnan(keep[size_t(r * cols + j)]) || keep[size_t(r * cols + j)] == INFINITY;
    double l = loss[size_t(r)], ls = losss[size_t(r)];
    LK_CHECK(!fz::is_canary(lse[size_t(r)]), "lse[%ld] not written", long(r));
    if (labels[size_t(r)] == p.ignore_index) {
      LK_CHECK(l == 0.0, "ignored row %ld has loss %g", long(r), l);
    } else if (!bad) {
      LK_CHECK(!std::isnan(l) && l >= -1e-6 * std::fmax(1.0, std::fabs(ls)), "row %ld loss %g (scalar %g)", long(r), l, ls);
      // The tiers' log Σ exp may differ by a few float32 ulp of the sum (δ ≤ 1e-6: the vector
      // tiers sum float lanes, the scalar tier a double), which the z-loss λ·w_y·lse² scales by
      // 2λ·w_y·|lse| (λ up to 3.4e38 with lse near 0 turns 1e-13 into 4e12).
      const double wy = p.weights ? double(p.weights[labels[size_t(r)]]) : 1.0, dl = 1e-6, lz = double(lses[size_t(r)]);
      const double ztol = double(p.zloss) * wy * (2.0 * std::fabs(lz) * dl + dl * dl);
      if (std::isfinite(ls) && std::isfinite(l))
        LK_CHECK(std::fabs(l - ls) <= 1e-3 * std::fmax(1.0, std::fabs(ls)) + ztol, "row %ld loss %.9g vs scalar %.9g (tier %d, cols %ld, label %d, eps %g, weights %d, zloss %g, x[0] %g)",
                 long(r), l, ls, g_tier, long(cols), labels[size_t(r)], p.smoothing, p.weights != nullptr, p.zloss, keep[size_t(r * cols)]);
    }
    if (!grad) continue;
    for (int64_t j = 0; j < cols; ++j) {
      float v = grad[r * cols + j];
      LK_CHECK(!fz::is_canary(v), "grad[%ld][%ld] not written", long(r), long(j));
      if (!bad && p.zloss == 0.0f) LK_CHECK(!std::isnan(v), "grad[%ld][%ld] = NaN", long(r), long(j));
      if (!bad && p.zloss == 0.0f && p.weights == nullptr)
        LK_CHECK(std::fabs(v) <= 1.0f + 1e-5f, "|grad| = %g > 1", v);
    }
  }
}

static void bce(FuzzedDataProvider& in, const XentKernels& k, const XentKernels& s) {
  int64_t n = in.ConsumeBool() ? fz::length(in, 9000) : in.ConsumeIntegralInRange<int64_t>(0, 9000);
  std::vector<float> x = fz::values(in, size_t(n));
  std::vector<float> t(static_cast<size_t>(n));
  bool sane = true;
  for (auto& v : x) sane &= std::isfinite(v);
  bool unit = in.ConsumeBool();
  for (auto& v : t) v = unit ? in.ConsumeFloatingPointInRange<float>(0.0f, 1.0f) : fz::value(in);
  for (auto& v : t) sane &= v >= 0.0f && v <= 1.0f;
  int64_t period = 1;
  std::vector<float> pw, tile;
  const float* pwp = nullptr;
  int64_t tile_len = 1;
  if (n > 0 && in.ConsumeBool()) {
    // A period that divides n, as the binding requires.
    std::vector<int64_t> divs;
    for (int64_t d = 1; d <= n && divs.size() < 64; ++d) if (n % d == 0) divs.push_back(d);
    period = divs[in.ConsumeIntegralInRange<size_t>(0, divs.size() - 1)];
    pw.resize(size_t(period));
    for (auto& v : pw) v = in.ConsumeBool() ? in.ConsumeFloatingPointInRange<float>(0.0f, 100.0f) : fz::value(in);
    for (auto v : pw) sane &= std::isfinite(v) && v >= 0.0f;
    pwp = pw.data();
    tile_len = period;
    if (period < kXentBceBlock) {
      tile_len = period * ((kXentBceBlock + period - 1) / period);
      tile.resize(size_t(tile_len));
      for (int64_t i = 0; i < tile_len; ++i) tile[size_t(i)] = pw[size_t(i % period)];
      pwp = tile.data();
    }
  }
  const int mode = in.ConsumeIntegralInRange<int>(0, 3);  // bit 0: loss, bit 1: grad
  const bool inplace = in.ConsumeBool();
  const float scale = in.ConsumeBool() ? 1.0f : (n > 0 ? float(1.0 / double(n)) : 0.0f);
  std::vector<float> keep = x;
  std::vector<float> loss = fz::canary(size_t(n), fz::canary_f()), grad = loss, loss_s = loss, grad_s = loss;
  float* lp = mode & 1 ? loss.data() : nullptr;
  float* gp = mode & 2 ? (inplace ? x.data() : grad.data()) : nullptr;
  const int64_t nblocks = (n + kXentBceBlock - 1) / kXentBceBlock;
  std::vector<double> partial(size_t(nblocks), NAN), partial_s = partial;
  // Split the blocks in two ranges as two pool threads would.
  int64_t cut = nblocks ? in.ConsumeIntegralInRange<int64_t>(0, nblocks) : 0;
  int64_t ce = cut * kXentBceBlock < n ? cut * kXentBceBlock : n;
  if (cut > 0) k.binary_cross_entropy_with_logits(x.data(), t.data(), pwp, period, tile_len, 0, ce, lp, gp, scale, partial.data());
  if (cut < nblocks) k.binary_cross_entropy_with_logits(x.data(), t.data(), pwp, period, tile_len, ce, n, lp, gp, scale, partial.data() + cut);
  s.binary_cross_entropy_with_logits(keep.data(), t.data(), pwp, period, tile_len, 0, n, mode & 1 ? loss_s.data() : nullptr,
                                     mode & 2 ? grad_s.data() : nullptr, scale, partial_s.data());
  double sum = 0, sum_s = 0;
  for (int64_t b = 0; b < nblocks; ++b) { sum += partial[size_t(b)]; sum_s += partial_s[size_t(b)]; }
  if (sane) {
    LK_CHECK(!std::isnan(sum) && sum >= 0.0, "BCE total %g", sum);
    if (std::isfinite(sum_s)) LK_CHECK(std::fabs(sum - sum_s) <= 1e-3 * std::fmax(1.0, sum_s), "total %.9g vs scalar %.9g", sum, sum_s);
  }
  for (int64_t i = 0; i < n; ++i) {
    if (lp) {
      LK_CHECK(!fz::is_canary(lp[i]), "loss[%ld] not written", long(i));
      if (sane) LK_CHECK(!std::isnan(lp[i]) && lp[i] >= 0.0f, "loss[%ld] = %g (x %g, t %g)", long(i), lp[i], keep[size_t(i)], t[size_t(i)]);
    }
    if (gp) {
      LK_CHECK(!fz::is_canary(gp[i]), "grad[%ld] not written", long(i));
      if (sane) LK_CHECK(!std::isnan(gp[i]), "grad[%ld] = NaN (x %g, t %g)", long(i), keep[size_t(i)], t[size_t(i)]);
    }
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  XentKernels k, s;
  g_tier = fz::pick_tier(in, &k, kFill);
  lk_xent_kernels_scalar(&s);
  if (in.ConsumeBool()) softmax_xent(in, k, s);
  else bce(in, k, s);
  return 0;
}
