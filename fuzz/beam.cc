// libFuzzer harness for the beam family (native/kernels/beam_impl.inc): one beam_step over
// random parents, vocabularies, caps, normalisation and (stochastic beam search) parent Gumbel
// values. Invariants: the count is in [0, cap] or a negative code naming an element in range;
// parents and tokens in range; no log-probability above the parent's for normalised steps;
// output values NaN-free.
#include "common.h"

static void (*kFill[3])(BeamKernels*) = {lk_beam_kernels_scalar, lk_beam_kernels_avx2, lk_beam_kernels_avx512};

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  BeamKernels k;
  fz::pick_tier(in, &k, kFill);
  int64_t rows = in.ConsumeIntegralInRange<int64_t>(1, 4), vocab = fz::length(in, 5000);
  if (vocab == 0) return 0;
  int64_t cap = in.ConsumeIntegralInRange<int64_t>(1, 64);
  int normalize = in.ConsumeBool();
  bool sbs = in.ConsumeBool();
  std::vector<double> plp(static_cast<size_t>(rows)), pg(static_cast<size_t>(rows));
  for (auto& v : plp) v = in.ConsumeBool() ? 0.0 : -double(in.ConsumeFloatingPointInRange<float>(0.0f, 1e3f));
  for (auto& v : pg) v = double(in.ConsumeFloatingPointInRange<float>(-50.0f, 50.0f));
  uint32_t key[2] = {in.ConsumeIntegral<uint32_t>(), in.ConsumeIntegral<uint32_t>()};
  uint32_t step = in.ConsumeIntegral<uint32_t>();
  std::vector<float> x = fz::values(in, size_t(rows * vocab));
  std::vector<int32_t> parent(size_t(cap), -7), token(size_t(cap), -7);
  std::vector<double> logp(size_t(cap), NAN), value(size_t(cap), NAN);
  int64_t n = k.beam_step(x.data(), rows, vocab, plp.data(), sbs ? pg.data() : nullptr, normalize, key, step, cap,
                          parent.data(), token.data(), logp.data(), value.data());
  if (n < 0) {
    int64_t at = -1 - n;
    LK_CHECK(at < rows * vocab, "error position %ld out of range", long(at));
    float v = x[size_t(at)];
    LK_CHECK(std::isnan(v) || v == INFINITY, "beam_step rejected x[%ld] = %g", long(at), v);
    return 0;
  }
  LK_CHECK(n <= cap, "beam_step returned %ld > cap %ld", long(n), long(cap));
  for (int64_t i = 0; i < n; ++i) {
    int32_t b = parent[size_t(i)], t = token[size_t(i)];
    LK_CHECK(b >= 0 && b < rows && t >= 0 && t < vocab, "candidate %ld: parent %d token %d", long(i), b, t);
    float xv = x[size_t(b * vocab + t)];
    LK_CHECK(!std::isnan(xv) && xv != INFINITY && xv != -INFINITY, "candidate %ld picks x = %g", long(i), xv);
    LK_CHECK(!std::isnan(logp[size_t(i)]) && !std::isnan(value[size_t(i)]), "candidate %ld has NaN", long(i));
    // Also for lse near 3e38 (fuzz/findings/beam-parent-logp: a child at 0 under a parent at −481
    // before the kernel formed ((x − max) − log s) + parent).
    if (normalize) LK_CHECK(logp[size_t(i)] <= plp[size_t(b)] + 1e-6 * (1 + std::fabs(plp[size_t(b)])),
                            "child log p %g above parent %g", logp[size_t(i)], plp[size_t(b)]);
  }
  return 0;
}
