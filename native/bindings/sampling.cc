// N-API glue for the sampling family. Stream arguments are (key0, key1, ctr0, ctr1, ctr2, ctr3)
// as numbers, like native/bindings/rng.cc; row kernels also take `perRow`, null or a
// Uint32Array of 6 words per row (key0, key1, ctr0..ctr3), one stream per row. Rows (or, for
// elementwise streams, block-aligned chunks) are split over threads: any split gives the same
// draws. The streams are reserved by the caller when the call is made (lib/rng.ts), so an
// async call draws exactly what the sync call would.
#include "job.h"
#include "stream.h"

namespace lk {
namespace {

// The streams of a row kernel: the shared stream at `at`, then perRow (null or 6 words a row) at at + 6.
struct RowStreamArgs {
  Stream s;
  U32 per_row;
  RowStreamArgs(const Napi::CallbackInfo& info, size_t at, int64_t rows)
      : s(stream_args(info, at)), per_row{nullptr, 0, int(at + 6), "perRow"} {
    if (!info[at + 6].IsNull() && !info[at + 6].IsUndefined()) {
      per_row = u32(info, at + 6, "perRow");
      require(info, int64_t(per_row.length) == 6 * rows, "perRow.length must be 6 × rows");
    }
  }
  // The streams of rows r0.. of a call.
  LkRowStreams from_row(int64_t r0, int64_t cols) const {
    LkRowStreams t{{s.key[0], s.key[1]}, {s.ctr[0], s.ctr[1], s.ctr[2], s.ctr[3]}, 0, per_row.data};
    if (t.per_row) t.per_row += 6 * r0;
    else t.first += uint64_t(r0) * uint64_t(cols);
    return t;
  }
};

// (x, cols, invT, out, stream, perRow) → out
struct SampleCategoricalJob {
  static constexpr const char* kName = "sampleCategorical";
  static constexpr int kResult = 3;
  F32 x;
  I32 out;
  int64_t rows, cols;
  float inv_t;
  RowStreamArgs rs;
  explicit SampleCategoricalJob(const Napi::CallbackInfo& info)
      : x(f32(info, 0, "x")), out(i32(info, 3, "out")), rows(0), cols(count(info, 1, "cols")),
        inv_t(float(number(info, 2, "invTemperature"))), rs(info, 4, rows_of(info, x.length, cols, "x")) {
    rows = rows_of(info, x.length, cols, "x");
    require(info, int64_t(out.length) == rows, "out.length must equal the number of rows");
  }
  template <class V> void buffers(V& v) { v.in(x); v.in(rs.per_row); v.out(out); }
  void run() {
    auto fn = lk_dispatch().sampling.sample_categorical;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      LkRowStreams t = rs.from_row(r0, cols);
      fn(x.data + r0 * cols, out.data + r0, r1 - r0, cols, inv_t, &t);
    });
  }
};

// (x, cols, k, indices, perturbed, stream, perRow) → undefined
struct GumbelTopKJob {
  static constexpr const char* kName = "gumbelTopK";
  static constexpr int kResult = -1;
  F32 x;
  I32 idx;
  F32 val;
  int64_t rows, cols, k;
  RowStreamArgs rs;
  explicit GumbelTopKJob(const Napi::CallbackInfo& info)
      : x(f32(info, 0, "x")), idx(i32(info, 3, "indices")), val(f32(info, 4, "perturbed")), rows(0),
        cols(count(info, 1, "cols")), k(count(info, 2, "k")), rs(info, 5, rows_of(info, x.length, cols, "x")) {
    rows = rows_of(info, x.length, cols, "x");
    require(info, k <= cols || rows == 0, "k must be at most cols");
    require(info, int64_t(idx.length) == rows * k && int64_t(val.length) == rows * k,
            "indices.length and perturbed.length must equal rows × k");
  }
  template <class V> void buffers(V& v) { v.in(x); v.in(rs.per_row); v.out(idx); v.out(val); }
  void run() {
    auto fn = lk_dispatch().sampling.gumbel_top_k;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      LkRowStreams t = rs.from_row(r0, cols);
      fn(x.data + r0 * cols, idx.data + r0 * k, val.data + r0 * k, r1 - r0, cols, k, &t);
    });
  }
};

// (x, cols, invTau, hard, y, index, stream, perRow) → y: y = softmax((x + g)·invTau) per row (or
// the one-hot of its argmax when hard); index = argmax.
struct GumbelSoftmaxJob {
  static constexpr const char* kName = "gumbelSoftmax";
  static constexpr int kResult = 4;
  F32 x, y;
  I32 index;
  int64_t rows, cols;
  float inv_tau;
  bool hard;
  RowStreamArgs rs;
  explicit GumbelSoftmaxJob(const Napi::CallbackInfo& info)
      : x(f32(info, 0, "x")), y(f32(info, 4, "y")), index(i32(info, 5, "index")), rows(0),
        cols(count(info, 1, "cols")), inv_tau(float(number(info, 2, "invTau"))), hard(boolean(info, 3, "hard")),
        rs(info, 6, rows_of(info, x.length, cols, "x")) {
    rows = rows_of(info, x.length, cols, "x");
    require(info, y.length == x.length, "y.length must equal x.length");
    require(info, int64_t(index.length) == rows, "index.length must equal the number of rows");
  }
  template <class V> void buffers(V& v) { v.in(x); v.in(rs.per_row); v.out(y); v.out(index); }
  void run() {
    auto perturb = lk_dispatch().sampling.gumbel_softmax;
    auto softmax = lk_dispatch().softmax.softmax;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      LkRowStreams t = rs.from_row(r0, cols);
      float* yr = y.data + r0 * cols;
      perturb(x.data + r0 * cols, yr, index.data + r0, r1 - r0, cols, inv_tau, &t);
      if (!hard) {
        // z = h·((x − m) + g) with h = 1/2 when inv_tau < 1 (gumbel_softmax_kernel): temperature inv_tau/h.
        // In place: the softmax family allows exact aliasing.
        softmax(yr, yr, r1 - r0, cols, inv_tau < 1.0f ? inv_tau * 2.0f : inv_tau);
        return;
      }
      for (int64_t r = r0; r < r1; ++r) {
        float* row = y.data + r * cols;
        for (int64_t j = 0; j < cols; ++j) row[j] = 0.0f;
        if (index.data[r] >= 0) row[index.data[r]] = 1.0f;
      }
    });
  }
};

// (loc, t, tArr | null, out, key0, key1, ctr0..ctr3) → out
struct TruncatedGumbelJob {
  static constexpr const char* kName = "truncatedGumbel";
  static constexpr int kResult = 3;
  F32 loc, t_arr, out;
  float t;
  Stream s;
  explicit TruncatedGumbelJob(const Napi::CallbackInfo& info)
      : loc(f32(info, 0, "loc")), t_arr(f32_or_null(info, 2, "tArr")), out(f32(info, 3, "out")),
        t(float(number(info, 1, "t"))), s(stream_args(info, 4)) {
    require(info, t_arr.data == nullptr || t_arr.length == loc.length, "tArr.length must equal loc.length");
    require(info, out.length == loc.length, "out.length must equal loc.length");
  }
  template <class V> void buffers(V& v) { v.in(loc); v.in(t_arr); v.out(out); }
  void run() {
    auto fn = lk_dispatch().sampling.truncated_gumbel;
    split_stream(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* c) {
      fn(loc.data + b, t_arr.data ? t_arr.data + b : nullptr, t, out.data + b, n, s.key, c);
    });
  }
};

// (out, key0, key1, ctr0..ctr3, loc, scale) → out: the full-word Gumbel (README, "Randomness").
struct SampleGumbelJob {
  static constexpr const char* kName = "sampleGumbel";
  static constexpr int kResult = 0;
  F32 out;
  Stream s;
  float loc, scale;
  explicit SampleGumbelJob(const Napi::CallbackInfo& info)
      : out(f32(info, 0, "out")), s(stream_args(info, 1)), loc(float(number(info, 7, "loc"))),
        scale(float(number(info, 8, "scale"))) {}
  template <class V> void buffers(V& v) { v.out(out); }
  void run() {
    auto fn = lk_dispatch().sampling.gumbel;
    split_stream(int64_t(out.length), s,
                 [&](int64_t b, int64_t n, const uint32_t* c) { fn(out.data + b, n, s.key, c, loc, scale); });
  }
};

// (kind, out, aArr | null, a, bArr | null, b, key0, key1, ctr0..ctr3) → out: a reparameterised
// sampler (LkSampleKind), out[i] = a_i + b_i·X(word i).
struct SampleMapJob {
  static constexpr const char* kName = "sampleMap";
  static constexpr int kResult = 1;
  int kind;
  F32 out, a_arr, b_arr;
  float a, b;
  Stream s;
  explicit SampleMapJob(const Napi::CallbackInfo& info)
      : kind(0), out(f32(info, 1, "out")), a_arr(f32_or_null(info, 2, "aArr")), b_arr(f32_or_null(info, 4, "bArr")),
        a(float(number(info, 3, "a"))), b(float(number(info, 5, "b"))), s(stream_args(info, 6)) {
    double k = number(info, 0, "kind");
    require(info, k >= 0 && k <= LK_SAMPLE_RADEMACHER && k == double(int(k)), "kind must be a sampler id");
    kind = int(k);
    require(info, a_arr.data == nullptr || a_arr.length == out.length, "aArr.length must equal out.length");
    require(info, b_arr.data == nullptr || b_arr.length == out.length, "bArr.length must equal out.length");
  }
  template <class V> void buffers(V& v) { v.in(a_arr); v.in(b_arr); v.out(out); }
  void run() {
    auto fn = lk_dispatch().sampling.sample;
    split_stream(int64_t(out.length), s, [&](int64_t at, int64_t n, const uint32_t* c) {
      fn(kind, out.data + at, n, a_arr.data ? a_arr.data + at : nullptr, a, b_arr.data ? b_arr.data + at : nullptr, b,
         s.key, c);
    });
  }
};

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
  export_both<SampleCategoricalJob>(env, exports, "sampleCategorical");
  export_both<GumbelTopKJob>(env, exports, "gumbelTopK");
  export_both<GumbelSoftmaxJob>(env, exports, "gumbelSoftmax");
  export_both<TruncatedGumbelJob>(env, exports, "truncatedGumbel");
  export_both<SampleGumbelJob>(env, exports, "sampleGumbel");
  export_both<SampleMapJob>(env, exports, "sampleMap");
  // Not part of the API: the tier's word transforms, for test/sampling.test.ts.
  exports.Set("_mapWords", Napi::Function::New(env, MapWords, "_mapWords"));
}

}  // namespace lk
