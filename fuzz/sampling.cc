// libFuzzer harness for the sampling family (native/kernels/sampling_impl.inc): categorical
// sampling, Gumbel-top-k, the Gumbel-softmax perturbation, truncated Gumbel, Gumbel fills, the
// distribution samplers and the word maps, with any key / counter / per-row streams.
// Invariants: sampled indices in range and never on a masked (-Infinity) logit, distinct top-k
// indices, truncated Gumbel ≤ its bound, finite Gumbel noise, every output written.
#include "common.h"

static void (*kFill[3])(SamplingKernels*) = {lk_sampling_kernels_scalar, lk_sampling_kernels_avx2,
                                             lk_sampling_kernels_avx512};

static void streams(FuzzedDataProvider& in, LkRowStreams* s, std::vector<uint32_t>& per_row, int64_t rows) {
  for (auto& v : s->key) v = in.ConsumeIntegral<uint32_t>();
  for (auto& v : s->ctr) v = in.ConsumeIntegral<uint32_t>();
  s->first = in.ConsumeIntegral<uint64_t>();
  s->per_row = nullptr;
  if (in.ConsumeBool()) {
    per_row.resize(size_t(6 * rows));
    for (auto& v : per_row) v = in.ConsumeIntegral<uint32_t>();
    s->per_row = per_row.data();
  }
}

// A row whose logits are all finite or -Infinity, with at least one finite: a sample must exist.
static bool samplable(const float* x, int64_t cols) {
  bool any = false;
  for (int64_t j = 0; j < cols; ++j) {
    if (std::isnan(x[j]) || x[j] == INFINITY) return false;
    any |= x[j] != -INFINITY;
  }
  return any;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  SamplingKernels k;
  fz::pick_tier(in, &k, kFill);
  const int op = in.ConsumeIntegralInRange<int>(0, 6);
  uint32_t key[2], ctr[4];
  if (op <= 2) {
    int64_t rows = in.ConsumeIntegralInRange<int64_t>(1, 3), cols = fz::length(in, 5000);
    if (cols == 0) return 0;
    LkRowStreams s;
    std::vector<uint32_t> per_row;
    streams(in, &s, per_row, rows);
    float inv_t = in.ConsumeBool() ? 1.0f : std::ldexp(1.0f, in.ConsumeIntegralInRange<int>(-126, 126));
    std::vector<float> x = fz::values(in, size_t(rows * cols));
    if (op == 0) {
      std::vector<int32_t> out(size_t(rows), -7);
      k.sample_categorical(x.data(), out.data(), rows, cols, inv_t, &s);
      for (int64_t r = 0; r < rows; ++r) {
        int32_t i = out[size_t(r)];
        if (samplable(x.data() + r * cols, cols)) {
          LK_CHECK(i >= 0 && i < cols, "row %ld sampled %d", long(r), i);
          LK_CHECK(x[size_t(r * cols + i)] != -INFINITY, "row %ld sampled masked index %d", long(r), i);
        } else {
          LK_CHECK(i >= -1 && i < cols, "row %ld (no sample possible) gave %d", long(r), i);
        }
      }
    } else if (op == 1) {
      int64_t kk = in.ConsumeIntegralInRange<int64_t>(0, cols < 64 ? cols : 64);
      std::vector<int32_t> idx(size_t(rows * kk), -7);
      std::vector<float> val(size_t(rows * kk), fz::canary_f());
      k.gumbel_top_k(x.data(), idx.data(), val.data(), rows, cols, kk, &s);
      for (int64_t r = 0; r < rows; ++r) {
        std::vector<bool> seen(static_cast<size_t>(cols));
        bool ok = samplable(x.data() + r * cols, cols);
        for (int64_t i = 0; i < kk; ++i) {
          int32_t j = idx[size_t(r * kk + i)];
          LK_CHECK(j >= -1 && j < cols, "row %ld top-k index %d", long(r), j);
          LK_CHECK(!fz::is_canary(val[size_t(r * kk + i)]), "perturbed value not written");
          if (j < 0) continue;
          LK_CHECK(!seen[size_t(j)], "row %ld index %d chosen twice", long(r), j);
          seen[size_t(j)] = true;
          if (ok) LK_CHECK(x[size_t(r * cols + j)] != -INFINITY, "row %ld chose masked index %d", long(r), j);
        }
      }
    } else {
      std::vector<float> z = fz::canary(x.size(), fz::canary_f());
      std::vector<int32_t> am(size_t(rows), -7);
      bool inplace = in.ConsumeBool();
      float* out = inplace ? x.data() : z.data();
      std::vector<float> keep = x;
      k.gumbel_softmax(x.data(), out, am.data(), rows, cols, inv_t, &s);
      for (int64_t r = 0; r < rows; ++r) {
        int32_t i = am[size_t(r)];
        LK_CHECK(i >= -1 && i < cols, "row %ld argmax %d", long(r), i);
        if (samplable(keep.data() + r * cols, cols)) {
          LK_CHECK(i >= 0 && keep[size_t(r * cols + i)] != -INFINITY, "row %ld argmax %d on a mask", long(r), i);
        }
        for (int64_t j = 0; j < cols; ++j) LK_CHECK(!fz::is_canary(out[r * cols + j]), "z not written");
      }
    }
    return 0;
  }
  for (auto& v : key) v = in.ConsumeIntegral<uint32_t>();
  for (auto& v : ctr) v = in.ConsumeIntegral<uint32_t>();
  int64_t n = in.ConsumeBool() ? fz::length(in, 9000) : in.ConsumeIntegralInRange<int64_t>(0, 9000);
  std::vector<float> out = fz::canary(size_t(n), fz::canary_f());
  if (op == 3) {
    std::vector<float> loc = fz::values(in, size_t(n), false), tarr;
    float t = fz::value(in, false);
    if (in.ConsumeBool()) tarr = fz::values(in, size_t(n), false);
    k.truncated_gumbel(loc.data(), tarr.empty() ? nullptr : tarr.data(), t, out.data(), n, key, ctr);
    for (int64_t i = 0; i < n; ++i) {
      float b = tarr.empty() ? t : tarr[size_t(i)], v = out[size_t(i)];
      LK_CHECK(!fz::is_canary(v), "truncatedGumbel[%ld] not written", long(i));
      if (std::isfinite(b) && std::isfinite(loc[size_t(i)]) && std::fabs(b) < 1e30f && std::fabs(loc[size_t(i)]) < 1e30f)
        LK_CHECK(!std::isnan(v) && v <= b, "truncatedGumbel(loc %g, T %g) = %g above T", loc[size_t(i)], b, v);
    }
  } else if (op == 4) {
    float loc = in.ConsumeFloatingPointInRange<float>(-1e3f, 1e3f), scale = in.ConsumeFloatingPointInRange<float>(0.0f, 1e3f);
    k.gumbel(out.data(), n, key, ctr, loc, scale);
    for (int64_t i = 0; i < n; ++i) LK_CHECK(std::isfinite(out[size_t(i)]), "gumbel[%ld] = %g", long(i), out[size_t(i)]);
  } else if (op == 5) {
    int kind = in.ConsumeIntegralInRange<int>(0, LK_SAMPLE_RADEMACHER);
    float a = in.ConsumeFloatingPointInRange<float>(-10.0f, 10.0f), b = in.ConsumeFloatingPointInRange<float>(0.01f, 10.0f);
    std::vector<float> aa, bb;
    if (in.ConsumeBool()) aa = fz::values(in, size_t(n));
    if (in.ConsumeBool()) bb = fz::values(in, size_t(n));
    k.sample(kind, out.data(), n, aa.empty() ? nullptr : aa.data(), a, bb.empty() ? nullptr : bb.data(), b, key, ctr);
    for (int64_t i = 0; i < n; ++i) {
      float v = out[size_t(i)];
      LK_CHECK(!fz::is_canary(v), "sample kind %d [%ld] not written", kind, long(i));
      if (kind == LK_SAMPLE_RADEMACHER && aa.empty() && bb.empty()) LK_CHECK(v == 1.0f || v == -1.0f, "rademacher %g", v);
    }
  } else {
    int kind = in.ConsumeIntegralInRange<int>(0, LK_WORDS_BOUND);
    std::vector<uint32_t> words(static_cast<size_t>(n));
    for (auto& w : words) w = in.ConsumeIntegral<uint32_t>();
    k.sample_map_words(kind, words.data(), out.data(), n);
    for (int64_t i = 0; i < n; ++i) LK_CHECK(!fz::is_canary(out[size_t(i)]), "map_words kind %d [%ld] not written", kind, long(i));
  }
  return 0;
}
