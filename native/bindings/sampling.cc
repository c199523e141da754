// N-API glue for the sampling family. Stream arguments are (key0, key1, ctr0, ctr1, ctr2, ctr3)
// as numbers, like native/bindings/rng.cc; row kernels also take `perRow`, null or a
// Uint32Array of 6 words per row (key0, key1, ctr0..ctr3), one stream per row. Rows (or, for
// elementwise streams, block-aligned chunks) are split over threads: any split gives the same
// draws.
#include "common.h"
#include "stream.h"

namespace lk {
namespace {

// The streams of a row kernel: the shared stream at `at`, then perRow at at + 6.
LkRowStreams row_streams(const Napi::CallbackInfo& info, size_t at, int64_t rows) {
  Stream s = stream_args(info, at);
  LkRowStreams rs{{s.key[0], s.key[1]}, {s.ctr[0], s.ctr[1], s.ctr[2], s.ctr[3]}, 0, nullptr};
  if (!info[at + 6].IsNull() && !info[at + 6].IsUndefined()) {
    U32 p = u32(info, at + 6, "perRow");
    require(info, int64_t(p.length) == 6 * rows, "perRow.length must be 6 × rows");
    rs.per_row = p.data;
  }
  return rs;
}

// The streams of rows r0.. of a call.
LkRowStreams from_row(const LkRowStreams& s, int64_t r0, int64_t cols) {
  LkRowStreams t = s;
  if (t.per_row) t.per_row += 6 * r0;
  else t.first += uint64_t(r0) * uint64_t(cols);
  return t;
}

Napi::Value SampleCategorical(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  float inv_t = float(number(info, 2, "invTemperature"));
  I32 out = i32(info, 3, "out");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, int64_t(out.length) == rows, "out.length must equal the number of rows");
  LkRowStreams s = row_streams(info, 4, rows);
  auto fn = lk_dispatch().sampling.sample_categorical;
  parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
    LkRowStreams t = from_row(s, r0, cols);
    fn(x.data + r0 * cols, out.data + r0, r1 - r0, cols, inv_t, &t);
  });
  return info[3];
}

Napi::Value GumbelTopK(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  int64_t k = count(info, 2, "k");
  I32 idx = i32(info, 3, "indices");
  F32 val = f32(info, 4, "perturbed");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, k <= cols || rows == 0, "k must be at most cols");
  require(info, int64_t(idx.length) == rows * k && int64_t(val.length) == rows * k,
          "indices.length and perturbed.length must equal rows × k");
  LkRowStreams s = row_streams(info, 5, rows);
  auto fn = lk_dispatch().sampling.gumbel_top_k;
  parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
    LkRowStreams t = from_row(s, r0, cols);
    fn(x.data + r0 * cols, idx.data + r0 * k, val.data + r0 * k, r1 - r0, cols, k, &t);
  });
  return info.Env().Undefined();
}

// y = softmax((x + g)·invTau) per row (or the one-hot of its argmax when hard); index = argmax.
Napi::Value GumbelSoftmax(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  float inv_tau = float(number(info, 2, "invTau"));
  require(info, info[3].IsBoolean(), "hard must be a boolean");
  bool hard = info[3].As<Napi::Boolean>().Value();
  F32 y = f32(info, 4, "y");
  I32 index = i32(info, 5, "index");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, y.length == x.length, "y.length must equal x.length");
  require(info, int64_t(index.length) == rows, "index.length must equal the number of rows");
  LkRowStreams s = row_streams(info, 6, rows);
  auto perturb = lk_dispatch().sampling.gumbel_softmax;
  auto softmax = lk_dispatch().softmax.softmax;
  parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
    LkRowStreams t = from_row(s, r0, cols);
    float* yr = y.data + r0 * cols;
    perturb(x.data + r0 * cols, yr, index.data + r0, r1 - r0, cols, inv_tau, &t);
    if (!hard) {
      softmax(yr, yr, r1 - r0, cols, 1.0f);  // in place: the softmax family allows exact aliasing
      return;
    }
    for (int64_t r = r0; r < r1; ++r) {
      float* row = y.data + r * cols;
      for (int64_t j = 0; j < cols; ++j) row[j] = 0.0f;
      if (index.data[r] >= 0) row[index.data[r]] = 1.0f;
    }
  });
  return info[4];
}

// (loc, t, tArr | null, out, key0, key1, ctr0..ctr3) → out
Napi::Value TruncatedGumbel(const Napi::CallbackInfo& info) {
  F32 loc = f32(info, 0, "loc");
  float t = float(number(info, 1, "t"));
  const float* t_arr = nullptr;
  if (!info[2].IsNull() && !info[2].IsUndefined()) {
    F32 ta = f32(info, 2, "tArr");
    require(info, ta.length == loc.length, "tArr.length must equal loc.length");
    t_arr = ta.data;
  }
  F32 out = f32(info, 3, "out");
  require(info, out.length == loc.length, "out.length must equal loc.length");
  Stream s = stream_args(info, 4);
  auto fn = lk_dispatch().sampling.truncated_gumbel;
  split_stream(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* c) {
    fn(loc.data + b, t_arr ? t_arr + b : nullptr, t, out.data + b, n, s.key, c);
  });
  return info[3];
}

// (out, key0, key1, ctr0..ctr3, loc, scale) → out: the full-word Gumbel (README, "Randomness").
Napi::Value SampleGumbel(const Napi::CallbackInfo& info) {
  F32 out = f32(info, 0, "out");
  Stream s = stream_args(info, 1);
  float loc = float(number(info, 7, "loc")), scale = float(number(info, 8, "scale"));
  auto fn = lk_dispatch().sampling.gumbel;
  split_stream(int64_t(out.length), s,
        [&](int64_t b, int64_t n, const uint32_t* c) { fn(out.data + b, n, s.key, c, loc, scale); });
  return info[0];
}

// (kind, out, aArr | null, a, bArr | null, b, key0, key1, ctr0..ctr3) → out: a reparameterised
// sampler (LkSampleKind), out[i] = a_i + b_i·X(word i).
Napi::Value SampleMap(const Napi::CallbackInfo& info) {
  double kind = number(info, 0, "kind");
  require(info, kind >= 0 && kind <= LK_SAMPLE_RADEMACHER && kind == double(int(kind)), "kind must be a sampler id");
  F32 out = f32(info, 1, "out");
  const float* arr[2] = {nullptr, nullptr};
  for (int i = 0; i < 2; ++i) {
    size_t at = 2 + 2 * size_t(i);
    if (info[at].IsNull() || info[at].IsUndefined()) continue;
    F32 a = f32(info, at, i == 0 ? "aArr" : "bArr");
    require(info, a.length == out.length, std::string(i == 0 ? "aArr" : "bArr") + ".length must equal out.length");
    arr[i] = a.data;
  }
  float a = float(number(info, 3, "a")), b = float(number(info, 5, "b"));
  Stream s = stream_args(info, 6);
  auto fn = lk_dispatch().sampling.sample;
  int k = int(kind);
  split_stream(int64_t(out.length), s, [&](int64_t at, int64_t n, const uint32_t* c) {
    fn(k, out.data + at, n, arr[0] ? arr[0] + at : nullptr, a, arr[1] ? arr[1] + at : nullptr, b, s.key, c);
  });
  return info[1];
}

// (kind, words, out) → out: the tier's transform of chosen words (tests only).
Napi::Value MapWords(const Napi::CallbackInfo& info) {
  double kind = number(info, 0, "kind");
  require(info, kind >= 0 && kind <= LK_WORDS_BOUND && kind == double(int(kind)), "kind must be a transform id");
  U32 words = u32(info, 1, "words");
  F32 out = f32(info, 2, "out");
  require(info, out.length == words.length, "out.length must equal words.length");
  lk_dispatch().sampling.sample_map_words(int(kind), words.data, out.data, int64_t(out.length));
  return info[2];
}

}  // namespace

void register_sampling(Napi::Env env, Napi::Object exports) {
  exports.Set("sampleCategorical", Napi::Function::New(env, SampleCategorical, "sampleCategorical"));
  exports.Set("gumbelTopK", Napi::Function::New(env, GumbelTopK, "gumbelTopK"));
  exports.Set("gumbelSoftmax", Napi::Function::New(env, GumbelSoftmax, "gumbelSoftmax"));
  exports.Set("truncatedGumbel", Napi::Function::New(env, TruncatedGumbel, "truncatedGumbel"));
  exports.Set("sampleGumbel", Napi::Function::New(env, SampleGumbel, "sampleGumbel"));
  exports.Set("sampleMap", Napi::Function::New(env, SampleMap, "sampleMap"));
  // Not part of the API: the tier's word transforms, for test/sampling.test.ts.
  exports.Set("_mapWords", Napi::Function::New(env, MapWords, "_mapWords"));
}

}  // namespace lk
