// N-API glue for the decoding family: unwrap, re-check every length and token id (never
// trusting JS), run rows on the pool (any split gives the same tokens: each row's draws and
// decisions depend on the row alone).
#include <cmath>
#include <string>
#include <vector>

#include "job.h"
#include "stream.h"

namespace lk {
namespace {

bool is_null(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

// Whether any of a[0..n) lies outside [0, cols): one branch-free pass of 32-bit compares, which
// the compiler vectorises (a 64-row batch holds 32k history ids; a 64-bit compare kept it
// scalar). As unsigned, a negative id is ≥ 2³¹, above any cols once cols is capped at 2³¹.
bool any_outside(const int32_t* a, size_t n, int64_t cols) {
  const uint32_t c = cols < 0 ? 0u : cols > 0x80000000LL ? 0x80000000u : uint32_t(cols);
  uint32_t bad = 0;
  for (size_t i = 0; i < n; ++i) bad |= uint32_t(uint32_t(a[i]) >= c);
  return bad != 0;
}

void check_ids(const Napi::CallbackInfo& info, const int32_t* a, size_t n, int64_t cols, bool sorted_unique,
               const char* name) {
  // The message is built only on failure (a string per element would cost more than the kernel).
  if (any_outside(a, n, cols)) require(info, false, std::string(name) + " holds a token id outside [0, cols)");
  if (sorted_unique)
    for (size_t i = 1; i < n; ++i)
      if (!(a[i] > a[i - 1])) require(info, false, std::string(name) + " must be sorted and unique");
}

// (x, cols, params, hist, histOff, biasIdx, biasVal, banned, tokens, logProbs, topIdx, topLp,
//  k0, k1, c0, c1, c2, c3, perRow, biasOff, bannedOff) → tokens
struct SampleNextJob {
  static constexpr const char* kName = "sampleNext";
  static constexpr int kResult = 8;
  F32 x;
  int64_t rows = 0, cols = 0;
  LkDecodeParams p{};
  // The token ids (hist, histOff, biasIdx, banned) are copied, then checked: the kernel indexes
  // with them, and nothing (a concurrent write to shared memory) can change the copies.
  std::vector<int32_t> hist, off, bias_idx, banned, bias_off, banned_off;
  F64 bias_val;
  I32 tokens;
  F32 log_probs{nullptr, 0, 9, "logProbs"};
  I32 top_idx{nullptr, 0, 10, "topIdx"};
  F32 top_lp{nullptr, 0, 11, "topLp"};
  Stream s;
  U32 per_row{nullptr, 0, 18, "perRow"};

  explicit SampleNextJob(const Napi::CallbackInfo& info) : x(f32(info, 0, "x")) {
    cols = count(info, 1, "cols");
    rows = rows_of(info, x.length, cols, "x");
    require(info, cols <= 2147483647, "cols must be at most 2147483647");
    F64 pa = f64(info, 2, "params");
    require(info, pa.length == 8, "params must hold 8 numbers");
    const double* pr = pa.data;
    p.temperature = pr[0];
    require(info, p.temperature >= 0 && p.temperature < __builtin_inf(), "temperature must be finite and ≥ 0");
    require(info, pr[1] >= 0 && pr[1] <= 2147483647.0 && pr[1] == double(int64_t(pr[1])), "topK must be an integer ≥ 0");
    p.top_k = int64_t(pr[1]);
    p.top_p = pr[2];
    require(info, p.top_p > 0 && p.top_p <= 1, "topP must be in (0, 1]");
    p.min_p = pr[3];
    require(info, p.min_p >= 0 && p.min_p <= 1, "minP must be in [0, 1]");
    p.rep = pr[4];
    require(info, p.rep > 0 && p.rep < __builtin_inf(), "repetitionPenalty must be finite and > 0");
    p.presence = pr[5];
    p.frequency = pr[6];
    require(info, std::isfinite(p.presence) && std::isfinite(p.frequency), "presence and frequency penalties must be finite");
    require(info, pr[7] >= 0 && pr[7] <= double(cols) && pr[7] == double(int64_t(pr[7])), "topN must be an integer in [0, cols]");
    p.top_n = int64_t(pr[7]);

    I32 h = i32(info, 3, "hist");
    hist.assign(h.data, h.data + h.length);
    check_ids(info, hist.data(), hist.size(), cols, false, "hist");
    if (!is_null(info[4])) {
      I32 o = i32(info, 4, "histOff");
      require(info, int64_t(o.length) == rows + 1, "histOff.length must be rows + 1");
      off.assign(o.data, o.data + o.length);
      require(info, off[0] == 0 && size_t(off[size_t(rows)]) == hist.size(), "histOff must run from 0 to hist.length");
      for (int64_t r = 0; r < rows; ++r)
        if (off[size_t(r + 1)] < off[size_t(r)]) require(info, false, "histOff must not decrease");
    }
    I32 bi = i32(info, 5, "biasIdx");
    bias_idx.assign(bi.data, bi.data + bi.length);
    offsets(info, 19, "biasOff", bias_idx.size(), bias_off);
    check_rows(info, bias_idx, bias_off, cols, "biasIdx");
    bias_val = f64(info, 6, "biasVal");
    require(info, bias_val.length == bias_idx.size(), "biasVal.length must equal biasIdx.length");
    for (size_t i = 0; i < bias_val.length; ++i)
      if (!std::isfinite(bias_val.data[i])) require(info, false, "biasVal must be finite");
    p.n_bias = int64_t(bias_idx.size());
    I32 ban = i32(info, 7, "banned");
    banned.assign(ban.data, ban.data + ban.length);
    offsets(info, 20, "bannedOff", banned.size(), banned_off);
    check_rows(info, banned, banned_off, cols, "banned");
    p.n_banned = int64_t(banned.size());

    tokens = i32(info, 8, "tokens");
    require(info, int64_t(tokens.length) == rows, "tokens.length must equal the number of rows");
    if (!is_null(info[9])) {
      log_probs = f32(info, 9, "logProbs");
      require(info, int64_t(log_probs.length) == rows, "logProbs.length must equal the number of rows");
    }
    if (!is_null(info[10]) || !is_null(info[11])) {
      top_idx = i32(info, 10, "topIdx");
      top_lp = f32(info, 11, "topLp");
      require(info, int64_t(top_idx.length) == rows * p.top_n && int64_t(top_lp.length) == rows * p.top_n,
              "topIdx.length and topLp.length must equal rows × topN");
    } else {
      p.top_n = 0;
    }
    s = stream_args(info, 12);
    if (!is_null(info[18])) {
      per_row = u32(info, 18, "perRow");
      require(info, int64_t(per_row.length) == 6 * rows, "perRow.length must be 6 × rows");
    }
  }

  // Optional rows + 1 offsets (per-row lists) into a list of n entries: copied, then checked.
  void offsets(const Napi::CallbackInfo& info, size_t at, const char* name, size_t n, std::vector<int32_t>& o) {
    if (info.Length() <= at || is_null(info[at])) return;
    I32 a = i32(info, at, name);
    require(info, int64_t(a.length) == rows + 1, std::string(name) + ".length must be rows + 1");
    o.assign(a.data, a.data + a.length);
    require(info, o[0] == 0 && size_t(o[size_t(rows)]) == n, std::string(name) + " must run from 0 to the list's length");
    for (int64_t r = 0; r < rows; ++r)
      if (o[size_t(r + 1)] < o[size_t(r)]) require(info, false, std::string(name) + " must not decrease");
  }
  // Token ids in [0, cols), sorted and unique within each row's slice (or in the whole shared list).
  void check_rows(const Napi::CallbackInfo& info, const std::vector<int32_t>& a, const std::vector<int32_t>& o, int64_t c,
                  const char* name) {
    if (o.empty()) return check_ids(info, a.data(), a.size(), c, true, name);
    for (int64_t r = 0; r < rows; ++r)
      check_ids(info, a.data() + o[size_t(r)], size_t(o[size_t(r + 1)] - o[size_t(r)]), c, true, name);
  }

  template <class V> void buffers(V& v) {
    v.in(x);
    v.in(bias_val);
    v.in(per_row);
    v.out(tokens);
    v.out(log_probs);
    v.out(top_idx);
    v.out(top_lp);
  }

  void run() {
    // The pointers are taken here: the async path has redirected the buffers to private copies.
    LkDecodeParams q = p;
    q.hist = hist.data();
    q.hist_off = off.empty() ? nullptr : off.data();
    q.bias_idx = bias_idx.data();
    q.bias_val = bias_val.data;
    q.banned = banned.data();
    q.bias_off = bias_off.empty() ? nullptr : bias_off.data();
    q.banned_off = banned_off.empty() ? nullptr : banned_off.data();
    q.tokens = tokens.data;
    q.log_probs = log_probs.data;
    q.top_idx = top_idx.data;
    q.top_lp = top_lp.data;
    LkRowStreams rs{{s.key[0], s.key[1]}, {s.ctr[0], s.ctr[1], s.ctr[2], s.ctr[3]}, 0, per_row.data};
    const float* xd = x.data;
    const int64_t c = cols;
    auto fn = lk_dispatch().decoding.sample_next;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) { fn(xd, c, r0, r1, &q, &rs); });
  }
};

// (kind, in: Float64Array, out: Float64Array) → out: the deterministic exp / log / Gumbel.
Napi::Value DecodeMath(const Napi::CallbackInfo& info) {
  double kind = number(info, 0, "kind");
  Napi::Float64Array in = info[1].As<Napi::Float64Array>(), out = info[2].As<Napi::Float64Array>();
  require(info, in.ElementLength() == out.ElementLength(), "in and out must have the same length");
  lk_dispatch().decoding.decode_math(int(kind), in.Data(), out.Data(), int64_t(in.ElementLength()));
  return info[2];
}

// (a: Int32Array, cols) → the index of the first id outside [0, cols), or −1 (lib/decoding.ts's
// check of the histories before it allocates): any_outside over blocks, and a look inside the
// first block that fails.
Napi::Value FirstOutside(const Napi::CallbackInfo& info) {
  const I32 a = i32(info, 0, "a");
  const int64_t cols = count(info, 1, "cols");
  constexpr size_t kBlock = 4096;
  for (size_t b = 0; b < a.length; b += kBlock) {
    const size_t e = a.length - b < kBlock ? a.length : b + kBlock;
    if (any_outside(a.data + b, e - b, cols))
      for (size_t i = b; i < e; ++i)
        if (!(a.data[i] >= 0 && a.data[i] < cols)) return Napi::Number::New(info.Env(), double(i));
  }
  return Napi::Number::New(info.Env(), -1);
}

}  // namespace

void register_decoding(Napi::Env env, Napi::Object exports) {
  export_both<SampleNextJob>(env, exports, "sampleNext");
  exports.Set("firstOutside", Napi::Function::New(env, FirstOutside, "firstOutside"));
  exports.Set("_decodeMath", Napi::Function::New(env, DecodeMath, "_decodeMath"));
}

}  // namespace lk
