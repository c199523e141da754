// N-API glue for the decoding family: unwrap, re-check every length and token id (never
// trusting JS), run rows on the pool (any split gives the same tokens: each row's draws and
// decisions depend on the row alone).
#include <cmath>

#include "common.h"
#include "legacy_queue.h"
#include "stream.h"

namespace lk {
namespace {

struct DecodeCall {
  const float* x;
  int64_t rows, cols;
  LkDecodeParams p;
  LkRowStreams s;
};

bool is_null(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

void check_ids(const Napi::CallbackInfo& info, const int32_t* a, size_t n, int64_t cols, bool sorted_unique,
               const char* name) {
  // The message is built only on failure (a string per element would cost more than the kernel).
  for (size_t i = 0; i < n; ++i) {
    if (!(a[i] >= 0 && a[i] < cols)) require(info, false, std::string(name) + " holds a token id outside [0, cols)");
    if (sorted_unique && i > 0 && !(a[i] > a[i - 1])) require(info, false, std::string(name) + " must be sorted and unique");
  }
}

// (x, cols, params, hist, histOff, biasIdx, biasVal, banned, tokens, logProbs, topIdx, topLp,
//  k0, k1, c0, c1, c2, c3, perRow)
DecodeCall decode_args(const Napi::CallbackInfo& info) {
  DecodeCall c{};
  F32 x = f32(info, 0, "x");
  c.cols = count(info, 1, "cols");
  c.rows = rows_of(info, x.length, c.cols, "x");
  require(info, c.cols <= 2147483647, "cols must be at most 2147483647");
  c.x = x.data;
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw_error(info.Env(), true, "ERR_LOGITKIT_INVALID_ARG_TYPE", "native: params must be a Float64Array");
  }
  Napi::Float64Array pa = info[2].As<Napi::Float64Array>();
  require(info, pa.ElementLength() == 8, "params must hold 8 numbers");
  const double* pr = pa.Data();
  LkDecodeParams& p = c.p;
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
  require(info, pr[7] >= 0 && pr[7] <= double(c.cols) && pr[7] == double(int64_t(pr[7])), "topN must be an integer in [0, cols]");
  p.top_n = int64_t(pr[7]);

  I32 hist = i32(info, 3, "hist");
  check_ids(info, hist.data, hist.length, c.cols, false, "hist");
  p.hist = hist.data;
  if (!is_null(info[4])) {
    I32 off = i32(info, 4, "histOff");
    require(info, int64_t(off.length) == c.rows + 1, "histOff.length must be rows + 1");
    require(info, off.data[0] == 0 && size_t(off.data[c.rows]) == hist.length, "histOff must run from 0 to hist.length");
    for (int64_t r = 0; r < c.rows; ++r)
      if (off.data[r + 1] < off.data[r]) require(info, false, "histOff must not decrease");
    p.hist_off = off.data;
  }
  I32 bi = i32(info, 5, "biasIdx");
  check_ids(info, bi.data, bi.length, c.cols, true, "biasIdx");
  if (!info[6].IsTypedArray() || info[6].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw_error(info.Env(), true, "ERR_LOGITKIT_INVALID_ARG_TYPE", "native: biasVal must be a Float64Array");
  }
  Napi::Float64Array bv = info[6].As<Napi::Float64Array>();
  require(info, bv.ElementLength() == bi.length, "biasVal.length must equal biasIdx.length");
  for (size_t i = 0; i < bi.length; ++i)
    if (!std::isfinite(bv.Data()[i])) require(info, false, "biasVal must be finite");
  p.bias_idx = bi.data;
  p.bias_val = bv.Data();
  p.n_bias = int64_t(bi.length);
  I32 ban = i32(info, 7, "banned");
  check_ids(info, ban.data, ban.length, c.cols, true, "banned");
  p.banned = ban.data;
  p.n_banned = int64_t(ban.length);

  I32 tok = i32(info, 8, "tokens");
  require(info, int64_t(tok.length) == c.rows, "tokens.length must equal the number of rows");
  p.tokens = tok.data;
  if (!is_null(info[9])) {
    F32 lp = f32(info, 9, "logProbs");
    require(info, int64_t(lp.length) == c.rows, "logProbs.length must equal the number of rows");
    p.log_probs = lp.data;
  }
  if (!is_null(info[10]) || !is_null(info[11])) {
    I32 ti = i32(info, 10, "topIdx");
    F32 tl = f32(info, 11, "topLp");
    require(info, int64_t(ti.length) == c.rows * p.top_n && int64_t(tl.length) == c.rows * p.top_n,
            "topIdx.length and topLp.length must equal rows × topN");
    p.top_idx = ti.data;
    p.top_lp = tl.data;
  } else {
    p.top_n = 0;
  }
  Stream s = stream_args(info, 12);
  c.s = LkRowStreams{{s.key[0], s.key[1]}, {s.ctr[0], s.ctr[1], s.ctr[2], s.ctr[3]}, 0, nullptr};
  if (!is_null(info[18])) {
    U32 pr6 = u32(info, 18, "perRow");
    require(info, int64_t(pr6.length) == 6 * c.rows, "perRow.length must be 6 × rows");
    c.s.per_row = pr6.data;
  }
  return c;
}

void run_decode(const DecodeCall& c) {
  auto fn = lk_dispatch().decoding.sample_next;
  parallel_rows(c.rows, c.cols, [&](int64_t r0, int64_t r1) { fn(c.x, c.cols, r0, r1, &c.p, &c.s); });
}

Napi::Value SampleNext(const Napi::CallbackInfo& info) {
  DecodeCall c = decode_args(info);
  run_decode(c);
  return info[8];
}

Napi::Value SampleNextAsync(const Napi::CallbackInfo& info) {
  DecodeCall c = decode_args(info);
  // Keep every buffer argument alive until the work is done (null ones: keep x instead).
  auto keep = [&](size_t i) { return is_null(info[i]) ? info[0] : info[i]; };
  return queue(info.Env(), [c] { run_decode(c); }, info[8],
               {info[0], info[2], info[3], keep(4), info[5], info[6], info[7], keep(9), keep(10), keep(11), keep(18)});
}

// (kind, in: Float64Array, out: Float64Array) → out: the deterministic exp / log / Gumbel.
Napi::Value DecodeMath(const Napi::CallbackInfo& info) {
  double kind = number(info, 0, "kind");
  Napi::Float64Array in = info[1].As<Napi::Float64Array>(), out = info[2].As<Napi::Float64Array>();
  require(info, in.ElementLength() == out.ElementLength(), "in and out must have the same length");
  lk_dispatch().decoding.decode_math(int(kind), in.Data(), out.Data(), int64_t(in.ElementLength()));
  return info[2];
}

}  // namespace

void register_decoding(Napi::Env env, Napi::Object exports) {
  exports.Set("sampleNext", Napi::Function::New(env, SampleNext, "sampleNext"));
  exports.Set("sampleNextAsync", Napi::Function::New(env, SampleNextAsync, "sampleNextAsync"));
  exports.Set("_decodeMath", Napi::Function::New(env, DecodeMath, "_decodeMath"));
}

}  // namespace lk
