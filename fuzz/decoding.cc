// libFuzzer harness for the decoding family (native/kernels/decoding_impl.inc): sampleNext with
// any mix of temperature (0 = greedy), top-k, top-p, min-p, repetition / presence / frequency
// penalties, a logit bias, banned tokens, log-probabilities and top-n alternatives, shared or
// per-row streams, rows split as the pool splits them, on every tier.
// The kernel promises the reference's token exactly (lib/reference/decoding.ts: every deciding
// quantity in float64 with the same operations), so the harness carries a direct C++ transcription
// of the reference's decideRow (sort the processed row, cut, Gumbel-max over what is left), with
// detExp / detGumbel from the scalar tier's decode_math test hook and the words from the rng
// family's scalar Philox. Invariants: the token equals the definition's and the scalar tier's;
// it is in [0, cols), never banned or on a −Infinity processed logit; greedy is the first index
// of the processed maximum; the token is inside the top-k, top-p and min-p sets; a row with a
// NaN / +Infinity (raw or after penalties) or with nothing available gives −1 with NaN
// log-probabilities; the top-n alternatives are the kept set in rank order; log-probabilities
// within a bound of the definition's; every output written.
#include "common.h"

#include <algorithm>
#include <map>

static void (*kFill[3])(DecodingKernels*) = {lk_decoding_kernels_scalar, lk_decoding_kernels_avx2,
                                             lk_decoding_kernels_avx512};

static DecodingKernels g_scalar;
static RngKernels g_rng;

static double det_exp(double x) { double y; g_scalar.decode_math(0, &x, &y, 1); return y; }
static double det_gumbel(uint32_t w) { double in = double(w), y; g_scalar.decode_math(2, &in, &y, 1); return y; }

struct Decision {
  int32_t token = -1;
  std::vector<int32_t> kept;
  std::vector<double> s;
  double z = NAN;
  bool truncated = false;
};

// decideRow of lib/reference/decoding.ts, statement for statement.
static Decision decide_row(const float* x, int64_t cols, const LkDecodeParams& P, int64_t r, const uint32_t* words,
                           std::vector<double>& z) {
  Decision none;
  for (int64_t j = 0; j < cols; ++j) if (std::isnan(x[j]) || x[j] == INFINITY) return none;
  z.assign(x, x + cols);
  if (P.hist_off) {
    std::map<int32_t, int32_t> counts;
    for (int64_t i = P.hist_off[r]; i < P.hist_off[r + 1]; ++i) counts[P.hist[i]]++;
    for (auto& [t, c] : counts) {
      double v = z[size_t(t)];
      v = v > 0 ? v / P.rep : v * P.rep;
      v = v - (P.frequency * double(c) + P.presence);
      z[size_t(t)] = v;
    }
  }
  for (int64_t i = 0; i < P.n_bias; ++i) z[size_t(P.bias_idx[i])] = z[size_t(P.bias_idx[i])] + P.bias_val[i];
  for (int64_t i = 0; i < P.n_banned; ++i) z[size_t(P.banned[i])] = -INFINITY;
  for (int64_t j = 0; j < cols; ++j) if (std::isnan(z[size_t(j)]) || z[size_t(j)] == INFINITY) return none;
  std::vector<int32_t> avail;
  for (int64_t j = 0; j < cols; ++j) if (z[size_t(j)] > -INFINITY) avail.push_back(int32_t(j));
  if (avail.empty()) return none;
  std::vector<int32_t> order = avail;
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return z[size_t(a)] != z[size_t(b)] ? z[size_t(a)] > z[size_t(b)] : a < b;
  });
  const double zmax = z[size_t(order[0])];
  const double t = P.temperature > 0 ? P.temperature : 1;
  Decision d;
  d.s.assign(size_t(cols), -INFINITY);
  for (int32_t j : avail) d.s[size_t(j)] = (z[size_t(j)] - zmax) / t;
  auto w = [&](int32_t j) { return det_exp(d.s[size_t(j)]); };
  auto index_sum = [&] { double acc = 0; for (int32_t j : avail) acc += w(j); return acc; };
  auto rank_sum = [&](const std::vector<int32_t>& c) { double acc = 0; for (int32_t j : c) acc += w(j); return acc; };
  std::vector<int32_t> kept = order;
  if (P.top_k > 0) {
    if (int64_t(kept.size()) > P.top_k) kept.resize(size_t(P.top_k));
    d.truncated = true;
  }
  if (P.top_p < 1) {
    const double limit = P.top_p * (P.top_k > 0 ? rank_sum(kept) : index_sum());
    double acc = 0, group = 0;
    size_t n = 0;
    for (size_t i = 0; i < kept.size(); ++i) {
      if (i == 0 || z[size_t(kept[i])] != z[size_t(kept[i - 1])]) group = acc;
      if (!(group < limit)) break;
      acc += w(kept[i]);
      n = i + 1;
    }
    kept.resize(n);
    d.truncated = true;
  }
  if (P.min_p > 0) {
    size_t n = 0;
    while (n < kept.size() && w(kept[n]) >= P.min_p) ++n;
    kept.resize(n);
    d.truncated = true;
  }
  d.token = kept.empty() ? -1 : kept[0];
  if (P.temperature > 0 && words) {
    double best = -INFINITY;
    d.token = -1;
    for (int32_t j : d.truncated ? kept : avail) {
      const double key = d.s[size_t(j)] + det_gumbel(words[j]);
      if (key > best || (key == best && j < d.token)) { best = key; d.token = j; }
    }
  }
  d.z = d.truncated ? rank_sum(kept) : index_sum();
  d.kept = std::move(kept);
  return d;
}

// Sorted, unique token ids (bias, bans).
static std::vector<int32_t> token_set(FuzzedDataProvider& in, int64_t cols, int64_t max_n) {
  int64_t n = in.ConsumeIntegralInRange<int64_t>(0, max_n);
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (auto& t : v) t = in.ConsumeBool() ? in.ConsumeIntegralInRange<int32_t>(0, int32_t(std::min<int64_t>(cols - 1, 7)))
                                         : in.ConsumeIntegralInRange<int32_t>(0, int32_t(cols - 1));
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

static double finite_value(FuzzedDataProvider& in) {
  static const double kV[] = {0.0, 1.0, -1.0, 0.5, 2.0, 10.0, -10.0, 1e30, -1e30, 3e38, -3e38, 1e300, -1e300, 1e-300};
  if (in.ConsumeBool()) return kV[in.ConsumeIntegralInRange<int>(0, 13)];
  double v = fz::value(in, false);
  return std::isfinite(v) ? v : 0.0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  DecodingKernels k;
  const int tier = fz::pick_tier(in, &k, kFill);
  lk_decoding_kernels_scalar(&g_scalar);
  lk_rng_kernels_scalar(&g_rng);
  const int64_t rows = in.ConsumeIntegralInRange<int64_t>(1, 3), cols = fz::length(in, 5000);
  if (cols == 0) return 0;

  LkDecodeParams P{};
  static const double kT[] = {1.0, 0.5, 2.0, 1e-3, 1e3, 0.7, 1e-30, 1e30, 1e-300, 5e-324};
  const int tmode = in.ConsumeIntegralInRange<int>(0, 3);
  P.temperature = tmode == 0 ? 0.0 : tmode == 1 ? kT[in.ConsumeIntegralInRange<int>(0, 9)]
                                   : tmode == 2 ? 1.0 : std::fabs(double(in.ConsumeFloatingPointInRange<float>(0.0f, 10.0f)));
  static const double kP[] = {0.9, 0.5, 1e-9, 0.999999, 0.95, 1.0, 1e-300, 0.1};
  P.top_p = in.ConsumeBool() ? 1.0 : in.ConsumeBool() ? kP[in.ConsumeIntegralInRange<int>(0, 7)]
                                                     : std::fmax(1e-12, double(in.ConsumeProbability<float>()));
  static const double kM[] = {0.1, 0.5, 1.0, 1e-9, 0.05, 1e-300, 0.99};
  P.min_p = in.ConsumeBool() ? 0.0 : in.ConsumeBool() ? kM[in.ConsumeIntegralInRange<int>(0, 6)] : double(in.ConsumeProbability<float>());
  P.top_k = in.ConsumeBool() ? 0 : in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(1, 8)
                                                    : in.ConsumeIntegralInRange<int64_t>(1, cols + 100);
  static const double kRep[] = {1.0, 1.2, 0.5, 1e-30, 1e30, 2.0};
  P.rep = kRep[in.ConsumeIntegralInRange<int>(0, 5)];
  P.presence = in.ConsumeBool() ? 0.0 : finite_value(in);
  P.frequency = in.ConsumeBool() ? 0.0 : finite_value(in);

  std::vector<int32_t> hist, hoff;
  if (in.ConsumeBool()) {
    hoff.push_back(0);
    for (int64_t r = 0; r < rows; ++r) {
      int64_t n = in.ConsumeIntegralInRange<int64_t>(0, in.ConsumeBool() ? 40 : 4);
      for (int64_t i = 0; i < n; ++i)
        hist.push_back(in.ConsumeBool() ? in.ConsumeIntegralInRange<int32_t>(0, int32_t(std::min<int64_t>(cols - 1, 7)))
                                        : in.ConsumeIntegralInRange<int32_t>(0, int32_t(cols - 1)));
      hoff.push_back(int32_t(hist.size()));
    }
  }
  P.hist = hist.data();
  P.hist_off = hoff.empty() ? nullptr : hoff.data();
  std::vector<int32_t> bias = in.ConsumeBool() ? token_set(in, cols, 24) : std::vector<int32_t>();
  std::vector<double> bias_val(bias.size());
  for (auto& v : bias_val) v = finite_value(in);
  P.bias_idx = bias.data();
  P.bias_val = bias_val.data();
  P.n_bias = int64_t(bias.size());
  std::vector<int32_t> banned = in.ConsumeBool() ? token_set(in, cols, 24) : std::vector<int32_t>();
  P.banned = banned.data();
  P.n_banned = int64_t(banned.size());

  const bool want_lp = in.ConsumeBool();
  P.top_n = in.ConsumeBool() ? 0 : in.ConsumeIntegralInRange<int64_t>(0, std::min<int64_t>(cols, 70));
  std::vector<int32_t> tokens(size_t(rows), -7), tokens_s = tokens;
  std::vector<float> lp = fz::canary(size_t(rows), fz::canary_f()), lp_s = lp;
  std::vector<int32_t> tidx(size_t(rows * P.top_n), -7), tidx_s = tidx;
  std::vector<float> tlp = fz::canary(size_t(rows * P.top_n), fz::canary_f()), tlp_s = tlp;

  LkRowStreams st;
  for (auto& v : st.key) v = in.ConsumeIntegral<uint32_t>();
  for (auto& v : st.ctr) v = in.ConsumeBool() ? 0xFFFFFFFFu : in.ConsumeIntegral<uint32_t>();
  st.first = in.ConsumeBool() ? 0 : in.ConsumeIntegralInRange<uint64_t>(0, 1000);
  std::vector<uint32_t> per_row;
  st.per_row = nullptr;
  if (in.ConsumeBool()) {
    per_row.resize(size_t(6 * rows));
    for (auto& v : per_row) v = in.ConsumeIntegral<uint32_t>();
    st.per_row = per_row.data();
  }
  const std::vector<float> x = fz::values(in, size_t(rows * cols));

  auto run = [&](const DecodingKernels& kk, std::vector<int32_t>& tok, std::vector<float>& l, std::vector<int32_t>& ti,
                 std::vector<float>& tl, int64_t cut) {
    LkDecodeParams q = P;
    q.tokens = tok.data();
    q.log_probs = want_lp ? l.data() : nullptr;
    q.top_idx = P.top_n ? ti.data() : nullptr;
    q.top_lp = P.top_n ? tl.data() : nullptr;
    kk.sample_next(x.data(), cols, 0, cut, &q, &st);
    kk.sample_next(x.data(), cols, cut, rows, &q, &st);
  };
  run(k, tokens, lp, tidx, tlp, in.ConsumeIntegralInRange<int64_t>(0, rows));
  run(g_scalar, tokens_s, lp_s, tidx_s, tlp_s, rows);

  std::vector<double> z;
  std::vector<uint32_t> words;
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x.data() + r * cols;
    const bool greedy = !(P.temperature > 0);
    if (!greedy) {  // the row's cols words: draws first + r·cols … of the shared stream, or its own
      uint32_t key[2], blk[4];
      int64_t off = 0;
      if (st.per_row) {
        std::memcpy(key, st.per_row + 6 * r, 8);
        std::memcpy(blk, st.per_row + 6 * r + 2, 16);
      } else {
        const uint64_t d = st.first + uint64_t(r) * uint64_t(cols);
        std::memcpy(key, st.key, 8);
        lk_ctr_add(st.ctr, d / 4, blk);
        off = int64_t(d % 4);
      }
      std::vector<uint32_t> all(size_t(off + cols));
      g_rng.philox_uint32(all.data(), off + cols, key, blk);
      words.assign(all.begin() + off, all.end());
    }
    const Decision d = decide_row(xr, cols, P, r, greedy ? nullptr : words.data(), z);
    const int32_t tok = tokens[size_t(r)];
    LK_CHECK(tok == d.token, "row %ld: token %d, the definition's %d (tier %d, cols %ld, T %g, top_k %ld, top_p %g, min_p %g)",
             long(r), tok, d.token, tier, long(cols), P.temperature, long(P.top_k), P.top_p, P.min_p);
    LK_CHECK(tok == tokens_s[size_t(r)], "row %ld: token %d, scalar tier %d", long(r), tok, tokens_s[size_t(r)]);
    if (tok < 0) {
      LK_CHECK(tok == -1, "row %ld: token %d", long(r), tok);
      if (want_lp) LK_CHECK(std::isnan(lp[size_t(r)]), "row %ld without a token: log p %g", long(r), lp[size_t(r)]);
      for (int64_t i = 0; i < P.top_n; ++i)
        LK_CHECK(tidx[size_t(r * P.top_n + i)] == -1 && std::isnan(tlp[size_t(r * P.top_n + i)]), "row %ld without a token: top %ld = %d",
                 long(r), long(i), tidx[size_t(r * P.top_n + i)]);
      continue;
    }
    // Independent of the transcription: range, bans, masks, the truncation sets, greedy = argmax.
    LK_CHECK(tok < cols, "row %ld: token %d ≥ cols %ld", long(r), tok, long(cols));
    LK_CHECK(!std::binary_search(banned.begin(), banned.end(), tok), "row %ld: banned token %d", long(r), tok);
    LK_CHECK(z[size_t(tok)] > -INFINITY, "row %ld: token %d has processed logit %g", long(r), tok, z[size_t(tok)]);
    int64_t rank = 0;  // tokens strictly before tok in the rank order
    int64_t first_max = -1;
    for (int64_t j = 0; j < cols; ++j) {
      if (z[size_t(j)] > z[size_t(tok)] || (z[size_t(j)] == z[size_t(tok)] && j < tok)) ++rank;
      if (z[size_t(j)] > -INFINITY && (first_max < 0 || z[size_t(j)] > z[size_t(first_max)])) first_max = j;
    }
    if (greedy) LK_CHECK(tok == first_max, "row %ld: greedy token %d, first maximum %ld", long(r), tok, long(first_max));
    if (P.top_k > 0) LK_CHECK(rank < P.top_k, "row %ld: token %d has rank %ld ≥ top_k %ld", long(r), tok, long(rank), long(P.top_k));
    if (P.min_p > 0) LK_CHECK(det_exp(d.s[size_t(tok)]) >= P.min_p, "row %ld: token %d below min_p", long(r), tok);
    LK_CHECK(std::find(d.kept.begin(), d.kept.end(), tok) != d.kept.end() || !d.truncated, "row %ld: token %d outside the kept set", long(r), tok);
    // Log-probabilities are stored as float32 (the reference writes a Float32Array): s − log Z of
    // −1e300 is −Infinity there.
    const double lz = std::log(d.z), want = double(float(d.s[size_t(tok)] - lz));
    if (want_lp) {
      float v = lp[size_t(r)];
      LK_CHECK(!std::isnan(v) && v <= 1e-6f, "row %ld: log p %g", long(r), v);
      LK_CHECK(std::fabs(double(v) - want) <= 1e-6 * std::fmax(1.0, std::fabs(want)) || (std::isinf(want) && double(v) == want),
               "row %ld: log p %.9g, the definition's %.9g", long(r), v, want);
    }
    for (int64_t i = 0; i < P.top_n; ++i) {
      int32_t ti = tidx[size_t(r * P.top_n + i)];
      float tl = tlp[size_t(r * P.top_n + i)];
      if (size_t(i) < d.kept.size()) {
        LK_CHECK(ti == d.kept[size_t(i)], "row %ld: top %ld = %d, the definition's %d", long(r), long(i), ti, d.kept[size_t(i)]);
        double wv = double(float(d.s[size_t(ti)] - lz));
        LK_CHECK(std::fabs(double(tl) - wv) <= 1e-6 * std::fmax(1.0, std::fabs(wv)) || (std::isinf(wv) && double(tl) == wv),
                 "row %ld: top %ld log p %.9g, the definition's %.9g", long(r), long(i), tl, wv);
      } else {
        LK_CHECK(ti == -1 && tl == -INFINITY, "row %ld: top %ld past the support = (%d, %g)", long(r), long(i), ti, tl);
      }
    }
  }
  return 0;
}
