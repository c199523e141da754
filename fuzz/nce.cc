// libFuzzer harness for the NCE family (native/kernels/nce_impl.inc): nceLogits, nceLoss (the
// flat path for rows up to 2048 floats and the row-by-row path above, with and without log q,
// gradient fresh, in place or none), the alias sampler over tables built as AliasSampler builds
// them (lib/nce.ts, Vose 1991) or arbitrary ones, and the skip-gram step (Hogwild and the
// deterministic grad + apply phases).
// Invariants: nceLogits is fl(s − fl(logk + lq)) exactly and bit-identical on every tier;
// losses ≥ 0 and finite for finite Δ = s − c (softplus form), within a bound of the float64
// per-element formula and of the scalar tier; |grad| ≤ |gradScale| and its sign (− in column 0,
// + elsewhere); every output written; alias draws in [0, V), never a zero-weight word, the same
// on every tier; skip-gram losses ≥ 0, lr-scaled coefficients within |lr|, the first pair's
// loss the same in both modes, and the apply phase split by rows equal to the unsplit one.
#include "common.h"

#include <algorithm>

static void (*kFill[3])(NceKernels*) = {lk_nce_kernels_scalar, lk_nce_kernels_avx2, lk_nce_kernels_avx512};

static float logk_of(FuzzedDataProvider& in) {
  static const float kLogK[] = {0.0f, 2.9957323f /* log 20 */, 0.6931472f, 1.6094379f, -1.0f, 1e30f, -1e30f, 88.0f};
  return in.ConsumeBool() ? kLogK[in.ConsumeIntegralInRange<int>(0, 7)] : fz::value(in, false);
}

// softplus(z) in double, finite for finite z.
static double softplus(double z) { return std::fmax(z, 0.0) + std::log1p(std::exp(-std::fabs(z))); }

static void logits(FuzzedDataProvider& in, const NceKernels& k, const NceKernels& s) {
  int64_t n = fz::length(in, 5000);
  float logk = logk_of(in);
  bool with_q = in.ConsumeBool(), inplace = in.ConsumeBool();
  std::vector<float> sc = fz::values(in, size_t(n)), lq = with_q ? fz::values(in, size_t(n)) : std::vector<float>();
  std::vector<float> keep = sc, out = fz::canary(size_t(n), fz::canary_f()), ref = out;
  float* o = inplace ? sc.data() : out.data();
  k.nce_logits(sc.data(), with_q ? lq.data() : nullptr, logk, o, n);
  s.nce_logits(keep.data(), with_q ? lq.data() : nullptr, logk, ref.data(), n);
  for (int64_t i = 0; i < n; ++i) {
    float c = with_q ? logk + lq[size_t(i)] : logk;  // the contract: c in float, then s − c
    float want = keep[size_t(i)] - c, v = o[i];
    bool same = std::memcmp(&v, &want, 4) == 0 || (std::isnan(v) && std::isnan(want));
    LK_CHECK(same, "nceLogits[%ld] = %a, want %a (s %a, logk %a, lq %a)", long(i), v, want, keep[size_t(i)], logk,
             with_q ? lq[size_t(i)] : 0.0f);
    LK_CHECK(std::memcmp(&v, &ref[size_t(i)], 4) == 0 || (std::isnan(v) && std::isnan(ref[size_t(i)])),
             "nceLogits[%ld] = %a, scalar tier %a", long(i), v, ref[size_t(i)]);
  }
}

static void loss(FuzzedDataProvider& in, const NceKernels& k, const NceKernels& s) {
  int64_t cols = in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(1, 65) : fz::length(in, 5000);
  if (cols == 0) return;
  int64_t rows = cols > 600 ? in.ConsumeIntegralInRange<int64_t>(0, 3) : in.ConsumeIntegralInRange<int64_t>(0, 200);
  float logk = logk_of(in);
  bool with_q = in.ConsumeBool();
  static const float kScale[] = {1.0f, 0.5f, 1e-3f, 0.0f, 1e30f, -1.0f};
  float scale = kScale[in.ConsumeIntegralInRange<int>(0, 5)];
  const int gmode = in.ConsumeIntegralInRange<int>(0, 2);  // 0: none, 1: separate, 2: in place
  size_t n = size_t(rows * cols);
  std::vector<float> sc = fz::values(in, n), lq = with_q ? fz::values(in, n) : std::vector<float>();
  std::vector<float> keep = sc, g = fz::canary(n, fz::canary_f()), gs = g;
  std::vector<double> rl(size_t(rows), -7.0), rls = rl;
  float* grad = gmode == 0 ? nullptr : gmode == 1 ? g.data() : sc.data();
  const float* q = with_q ? lq.data() : nullptr;
  k.nce_loss(sc.data(), q, logk, rows, cols, scale, grad, rl.data());
  s.nce_loss(keep.data(), q, logk, rows, cols, scale, gmode ? gs.data() : nullptr, rls.data());
  for (int64_t r = 0; r < rows; ++r) {
    double want = 0.0;
    bool finite = true, nan = false;
    for (int64_t j = 0; j < cols; ++j) {
      size_t at = size_t(r * cols + j);
      float c = with_q ? logk + lq[at] : logk;
      float d = keep[at] - c;  // Δ in float, as the contract says
      nan |= std::isnan(d);
      finite &= std::isfinite(d);
      want += softplus(j == 0 ? -double(d) : double(d));
    }
    double l = rl[size_t(r)], ls = rls[size_t(r)];
    LK_CHECK(l != -7.0, "row_loss[%ld] not written", long(r));
    if (nan) LK_CHECK(std::isnan(l), "row %ld has a NaN Δ but loss %g", long(r), l);
    if (finite) {
      LK_CHECK(std::isfinite(l) && l >= 0.0, "row %ld loss %g for finite Δ (cols %ld)", long(r), l, long(cols));
      // Per element: a few float ulps of each term (softplus ≥ 0, no cancellation in the sum),
      // plus < 1.2e-38 per flushed term, plus the float row sum of rows ≤ 2048 (≤ cols/L + log2 L
      // roundings; L = 1 on the scalar tier: 61218.2 vs 61219.6 for a row of 2047 equal terms).
      double tol = (1e-5 + 1.2e-7 * double(cols <= 2048 ? cols : 0)) * want + 1e-30 * double(cols);
      LK_CHECK(std::fabs(l - want) <= tol, "row %ld loss %.9g, float64 formula %.9g (cols %ld)", long(r), l, want, long(cols));
      LK_CHECK(std::fabs(l - ls) <= 2 * tol, "row %ld loss %.9g, scalar tier %.9g (cols %ld)", long(r), l, ls, long(cols));
    }
    if (!grad) continue;
    for (int64_t j = 0; j < cols; ++j) {
      size_t at = size_t(r * cols + j);
      float v = grad[at];
      LK_CHECK(!fz::is_canary(v), "grad[%ld][%ld] not written", long(r), long(j));
      float c = with_q ? logk + lq[at] : logk;
      float d = keep[at] - c;
      if (std::isnan(d)) continue;
      LK_CHECK(std::fabs(v) <= std::fabs(scale), "|grad[%ld][%ld]| = %g > |scale| %g", long(r), long(j), v, scale);
      // ±σ(z)·scale: column 0 pulls the data word's score up, the noise words' down.
      double sig = 1.0 / (1.0 + std::exp(j == 0 ? double(d) : -double(d)));
      double gw = (j == 0 ? -sig : sig) * double(scale);
      LK_CHECK(std::fabs(double(v) - gw) <= 1e-5 * std::fabs(gw) + 1e-37 * std::fabs(double(scale)) + 1e-44,
               "grad[%ld][%ld] = %g, float64 formula %g (Δ %g, scale %g)", long(r), long(j), v, gw, d, scale);
    }
  }
}

// AliasSampler's table (lib/nce.ts): Vose's pairing in float64, thresholds round(prob·2³²).
static void alias_table(const std::vector<double>& w, std::vector<uint32_t>& t) {
  const size_t V = w.size();
  double sum = 0;
  size_t best = 0;
  for (size_t i = 0; i < V; ++i) { sum += w[i]; if (w[i] > w[best]) best = i; }
  std::vector<double> scaled(V), prob(V, 0.0);
  std::vector<int32_t> alias(V, 0), small, large;
  for (size_t i = 0; i < V; ++i) {
    scaled[i] = (w[i] / sum) * double(V);
    (scaled[i] < 1 ? small : large).push_back(int32_t(i));
  }
  while (!small.empty() && !large.empty()) {
    int32_t sm = small.back(), l = large.back();
    small.pop_back();
    large.pop_back();
    prob[size_t(sm)] = scaled[size_t(sm)];
    alias[size_t(sm)] = l;
    scaled[size_t(l)] = scaled[size_t(l)] + scaled[size_t(sm)] - 1;
    (scaled[size_t(l)] < 1 ? small : large).push_back(l);
  }
  for (int32_t l : large) { prob[size_t(l)] = 1; alias[size_t(l)] = l; }
  for (int32_t sm : small) {
    if (w[size_t(sm)] > 0) { prob[size_t(sm)] = 1; alias[size_t(sm)] = sm; }
    else { prob[size_t(sm)] = 0; alias[size_t(sm)] = int32_t(best); }
  }
  t.assign(2 * V, 0);
  for (size_t j = 0; j < V; ++j) {
    if (prob[j] >= 1) { t[2 * j] = 0xFFFFFFFFu; t[2 * j + 1] = uint32_t(j); }
    else { t[2 * j] = uint32_t(std::fmin(4294967295.0, std::nearbyint(prob[j] * 4294967296.0))); t[2 * j + 1] = uint32_t(alias[j]); }
  }
}

static void alias(FuzzedDataProvider& in, const NceKernels& k, const NceKernels& s) {
  int64_t V = in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(1, 9) : fz::length(in, 5000);
  if (V == 0) return;
  std::vector<uint32_t> table;
  std::vector<double> w(static_cast<size_t>(V));
  const bool built = in.ConsumeBool();
  if (built) {
    // Weights with zeros (never drawn), ties and huge ratios; at least one positive.
    static const double kW[] = {0.0, 0.0, 1.0, 1.0, 2.0, 1e-300, 1e300, 3.0, 1e-10, 0.5};
    int mode = in.ConsumeIntegralInRange<int>(0, 2);
    for (auto& v : w) {
      v = mode == 0 ? kW[in.ConsumeIntegralInRange<int>(0, 9)]
        : mode == 1 ? double(in.ConsumeIntegralInRange<int>(0, 3))
                    : double(std::fabs(fz::value(in, false)));
      if (!std::isfinite(v)) v = 1.0;
    }
    double sum = 0;
    for (double v : w) sum += v;
    if (!(sum > 0) || !std::isfinite(sum)) w[size_t(in.ConsumeIntegralInRange<int64_t>(0, V - 1))] = 1.0;
    sum = 0;
    for (double v : w) sum += v;
    if (!std::isfinite(sum)) return;  // AliasSampler rejects an infinite sum
    alias_table(w, table);
  } else {
    table.resize(size_t(2 * V));  // any table the binding accepts: aliases < V
    for (int64_t j = 0; j < V; ++j) {
      table[size_t(2 * j)] = in.ConsumeBool() ? 0xFFFFFFFFu : in.ConsumeIntegral<uint32_t>();
      table[size_t(2 * j + 1)] = uint32_t(in.ConsumeIntegralInRange<int64_t>(0, V - 1));
    }
  }
  uint32_t key[2] = {in.ConsumeIntegral<uint32_t>(), in.ConsumeIntegral<uint32_t>()};
  uint32_t ctr[4];
  for (auto& c : ctr) c = in.ConsumeBool() ? 0xFFFFFFFFu : in.ConsumeIntegral<uint32_t>();  // carries
  int64_t n = in.ConsumeBool() ? fz::length(in, 9000) : in.ConsumeIntegralInRange<int64_t>(0, 9000);
  std::vector<int32_t> out(size_t(n), -7), ref(size_t(n), -7);
  k.alias_sample(table.data(), V, out.data(), n, key, ctr);
  s.alias_sample(table.data(), V, ref.data(), n, key, ctr);
  for (int64_t i = 0; i < n; ++i) {
    int32_t v = out[size_t(i)];
    LK_CHECK(v >= 0 && v < V, "draw %ld = %d outside [0, %ld)", long(i), v, long(V));
    LK_CHECK(v == ref[size_t(i)], "draw %ld = %d, scalar tier %d", long(i), v, ref[size_t(i)]);
    if (built) LK_CHECK(w[size_t(v)] > 0, "draw %ld = %d has weight 0 (V %ld)", long(i), v, long(V));
  }
  // A stream split at any draw continues the unsplit one (each call starts at block ctr).
  if (n >= 8) {
    int64_t cut = 4 * in.ConsumeIntegralInRange<int64_t>(0, n / 4);
    uint32_t c2[4];
    lk_ctr_add(ctr, uint64_t(cut / 4), c2);
    std::vector<int32_t> tail(size_t(n - cut), -7);
    k.alias_sample(table.data(), V, tail.data(), n - cut, key, c2);
    for (int64_t i = cut; i < n; ++i)
      LK_CHECK(tail[size_t(i - cut)] == out[size_t(i)], "split at %ld: draw %ld = %d, unsplit %d", long(cut), long(i),
               tail[size_t(i - cut)], out[size_t(i)]);
  }
}

static void skip_gram(FuzzedDataProvider& in, const NceKernels& k) {
  int64_t V = in.ConsumeIntegralInRange<int64_t>(1, 40), dim = fz::length(in, 300);
  if (dim == 0) dim = 1;
  int64_t kneg = in.ConsumeIntegralInRange<int64_t>(0, 8), pairs = in.ConsumeIntegralInRange<int64_t>(1, 12);
  const bool sane = in.ConsumeBool();  // moderate tables: every score finite
  auto table = [&](void) {
    std::vector<float> t;
    if (sane) {
      t.resize(size_t(V * dim));
      for (auto& v : t) v = in.ConsumeFloatingPointInRange<float>(-1.0f, 1.0f);
    } else {
      t = fz::values(in, size_t(V * dim));
    }
    return t;
  };
  std::vector<float> tin = table(), tout = table();
  std::vector<int32_t> centre(static_cast<size_t>(pairs)), context(static_cast<size_t>(pairs)), noise(size_t(pairs * kneg));
  for (auto& v : centre) v = in.ConsumeIntegralInRange<int32_t>(0, int32_t(V - 1));
  for (auto& v : context) v = in.ConsumeIntegralInRange<int32_t>(0, int32_t(V - 1));
  for (auto& v : noise) v = in.ConsumeIntegralInRange<int32_t>(0, int32_t(V - 1));
  std::vector<float> lqv;
  if (in.ConsumeBool()) {
    lqv.resize(size_t(V));
    for (auto& v : lqv) v = sane ? in.ConsumeFloatingPointInRange<float>(-20.0f, 0.0f) : fz::value(in);
  }
  static const float kLr[] = {0.025f, 1.0f, 0.0f, 1e-4f, 0.5f};
  SkipGramArgs a;
  a.dim = dim;
  a.centre = centre.data();
  a.context = context.data();
  a.noise = noise.data();
  a.k = kneg;
  a.lq = lqv.empty() ? nullptr : lqv.data();
  a.logk = kneg > 0 ? float(std::log(double(kneg))) : 0.0f;
  a.lr = kLr[in.ConsumeIntegralInRange<int>(0, 4)];
  const int64_t cols = 1 + kneg;
  // Deterministic mode on copies: grad, then apply unsplit and split by rows.
  std::vector<float> in1 = tin, out1 = tout, in2 = tin, out2 = tout;
  std::vector<float> coef = fz::canary(size_t(pairs * cols), fz::canary_f()), din = fz::canary(size_t(pairs * dim), fz::canary_f());
  std::vector<double> lg(size_t(pairs), -7.0), ls(size_t(pairs), -7.0);
  a.in = in1.data();
  a.out = out1.data();
  a.coef = coef.data();
  a.din = din.data();
  int64_t pc = in.ConsumeIntegralInRange<int64_t>(0, pairs);  // pairs split as the pool splits them
  k.skip_gram_grad(&a, 0, pc, lg.data());
  k.skip_gram_grad(&a, pc, pairs, lg.data());
  for (int64_t p = 0; p < pairs; ++p) {
    LK_CHECK(lg[size_t(p)] != -7.0, "grad-mode loss[%ld] not written", long(p));
    if (sane) LK_CHECK(std::isfinite(lg[size_t(p)]) && lg[size_t(p)] >= 0.0, "grad-mode loss[%ld] = %g", long(p), lg[size_t(p)]);
    for (int64_t j = 0; j < cols; ++j) {
      float c = coef[size_t(p * cols + j)];
      LK_CHECK(!fz::is_canary(c), "coef[%ld][%ld] not written", long(p), long(j));
      if (!std::isnan(c)) LK_CHECK(std::fabs(c) <= a.lr, "|coef[%ld][%ld]| = %g > lr %g", long(p), long(j), c, a.lr);
    }
    for (int64_t d = 0; d < dim; ++d) LK_CHECK(!fz::is_canary(din[size_t(p * dim + d)]), "din[%ld][%ld] not written", long(p), long(d));
  }
  k.skip_gram_apply(&a, pairs, false, 1, 0, 1);
  k.skip_gram_apply(&a, pairs, true, 1, 0, 1);
  // Split by rows as the binding splits them over threads: `parts` parts, the threads taking
  // [0, qc) and [qc, parts), every output part before any input part.
  const int64_t parts = in.ConsumeIntegralInRange<int64_t>(1, 5), qc = in.ConsumeIntegralInRange<int64_t>(0, parts);
  a.in = in2.data();
  a.out = out2.data();
  for (bool inputs : {false, true}) {
    k.skip_gram_apply(&a, pairs, inputs, parts, qc, parts);
    k.skip_gram_apply(&a, pairs, inputs, parts, 0, qc);
  }
  // Bit for bit (each row takes the same path, split or not; a NaN's sign is let go, as it
  // may depend on the path in general).
  auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
    for (size_t i = 0; i < a.size(); ++i)
      if (std::memcmp(&a[i], &b[i], 4) && !(std::isnan(a[i]) && std::isnan(b[i]))) return false;
    return true;
  };
  LK_CHECK(same(in1, in2) && same(out1, out2), "apply split into %ld parts at %ld differs from the unsplit apply", long(parts),
           long(qc));
  // Hogwild / sequential mode on the original tables: pair 0 sees the same tables as above.
  a.in = tin.data();
  a.out = tout.data();
  a.coef = nullptr;
  a.din = nullptr;
  k.skip_gram_step(&a, 0, pairs, ls.data());
  for (int64_t p = 0; p < pairs; ++p) {
    LK_CHECK(ls[size_t(p)] != -7.0, "step loss[%ld] not written", long(p));
    if (sane && a.lr <= 0.025f) LK_CHECK(std::isfinite(ls[size_t(p)]) && ls[size_t(p)] >= 0.0, "step loss[%ld] = %g", long(p), ls[size_t(p)]);
  }
  LK_CHECK(std::memcmp(&ls[0], &lg[0], 8) == 0 || (std::isnan(ls[0]) && std::isnan(lg[0])),
           "pair 0: step loss %.17g, grad-mode loss %.17g", ls[0], lg[0]);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  NceKernels k, s;
  fz::pick_tier(in, &k, kFill);
  lk_nce_kernels_scalar(&s);
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: logits(in, k, s); break;
    case 1: loss(in, k, s); break;
    case 2: alias(in, k, s); break;
    default: skip_gram(in, k); break;
  }
  return 0;
}
