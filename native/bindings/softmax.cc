// N-API glue for the softmax family: unwrap, re-check lengths, run row blocks on the pool.
#include "job.h"

namespace lk {
namespace {

// (x, cols, invT, out) → out; the row kernel runs over row blocks.
template <class Tag>
struct RowsJob {
  static constexpr const char* kName = Tag::kName;
  static constexpr int kResult = 3;
  F32 x, out;
  int64_t rows, cols;
  float inv_t;
  explicit RowsJob(const Napi::CallbackInfo& info)
      : x(f32(info, 0, "x")), out(f32(info, 3, "out")) {
    cols = count(info, 1, "cols");
    inv_t = float(number(info, 2, "invTemperature"));
    rows = rows_of(info, x.length, cols, "x");
    require(info, out.length == x.length, "out.length must equal x.length");
  }
  template <class V> void buffers(V& v) { v.in(x); v.out(out); }
  void run() {
    lk_rows_fn fn = Tag::fn();
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      fn(x.data + r0 * cols, out.data + r0 * cols, r1 - r0, cols, inv_t);
    });
  }
};
struct SoftmaxTag {
  static constexpr const char* kName = "softmax";
  static lk_rows_fn fn() { return lk_dispatch().softmax.softmax; }
};
struct LogSoftmaxTag {
  static constexpr const char* kName = "logSoftmax";
  static lk_rows_fn fn() { return lk_dispatch().softmax.log_softmax; }
};

// (x, cols, invT, out) → out, one float per row.
struct LogSumExpJob {
  static constexpr const char* kName = "logSumExp";
  static constexpr int kResult = 3;
  F32 x, out;
  int64_t rows, cols;
  float inv_t;
  explicit LogSumExpJob(const Napi::CallbackInfo& info) : x(f32(info, 0, "x")), out(f32(info, 3, "out")) {
    cols = count(info, 1, "cols");
    inv_t = float(number(info, 2, "invTemperature"));
    rows = rows_of(info, x.length, cols, "x");
    require(info, int64_t(out.length) == rows, "out.length must equal the number of rows");
  }
  template <class V> void buffers(V& v) { v.in(x); v.out(out); }
  void run() {
    auto fn = lk_dispatch().softmax.log_sum_exp;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      fn(x.data + r0 * cols, out.data + r0, r1 - r0, cols, inv_t);
    });
  }
};

// (y, dy, cols, out) → out
struct SoftmaxBackwardJob {
  static constexpr const char* kName = "softmaxBackward";
  static constexpr int kResult = 3;
  F32 y, dy, out;
  int64_t rows, cols;
  explicit SoftmaxBackwardJob(const Napi::CallbackInfo& info)
      : y(f32(info, 0, "y")), dy(f32(info, 1, "dy")), out(f32(info, 3, "out")) {
    cols = count(info, 2, "cols");
    rows = rows_of(info, y.length, cols, "y");
    require(info, dy.length == y.length && out.length == y.length, "y, dy and out must have equal lengths");
  }
  template <class V> void buffers(V& v) { v.in(y); v.in(dy); v.out(out); }
  void run() {
    auto fn = lk_dispatch().softmax.softmax_backward;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      fn(y.data + r0 * cols, dy.data + r0 * cols, out.data + r0 * cols, r1 - r0, cols);
    });
  }
};

// (x, out) → out, elementwise in chunks.
Napi::Value elementwise(const Napi::CallbackInfo& info, lk_elementwise_fn fn) {
  F32 x = f32(info, 0, "x");
  F32 out = f32(info, 1, "out");
  require(info, out.length == x.length, "out.length must equal x.length");
  lk_parallel_for(int64_t(x.length), kMinWork, [&](int64_t b, int64_t e) { fn(x.data + b, out.data + b, e - b); });
  return info[1];
}
Napi::Value Sigmoid(const Napi::CallbackInfo& info) { return elementwise(info, lk_dispatch().softmax.sigmoid); }
Napi::Value LogSigmoid(const Napi::CallbackInfo& info) { return elementwise(info, lk_dispatch().softmax.log_sigmoid); }
Napi::Value Softplus(const Napi::CallbackInfo& info) { return elementwise(info, lk_dispatch().softmax.softplus); }
Napi::Value Logit(const Napi::CallbackInfo& info) { return elementwise(info, lk_dispatch().softmax.logit); }
Napi::Value Exp(const Napi::CallbackInfo& info) { return elementwise(info, lk_dispatch().softmax.exp); }
Napi::Value Log(const Napi::CallbackInfo& info) { return elementwise(info, lk_dispatch().softmax.log); }
Napi::Value Log1p(const Napi::CallbackInfo& info) { return elementwise(info, lk_dispatch().softmax.log1p); }

}  // namespace

void register_softmax(Napi::Env env, Napi::Object exports) {
  export_both<RowsJob<SoftmaxTag>>(env, exports, "softmax");
  export_both<RowsJob<LogSoftmaxTag>>(env, exports, "logSoftmax");
  export_both<LogSumExpJob>(env, exports, "logSumExp");
  export_both<SoftmaxBackwardJob>(env, exports, "softmaxBackward");
  exports.Set("sigmoid", Napi::Function::New(env, Sigmoid, "sigmoid"));
  exports.Set("logSigmoid", Napi::Function::New(env, LogSigmoid, "logSigmoid"));
  exports.Set("softplus", Napi::Function::New(env, Softplus, "softplus"));
  exports.Set("logit", Napi::Function::New(env, Logit, "logit"));
  // Not part of the API: the tier's vector math, for test/simd.test.ts.
  exports.Set("_exp", Napi::Function::New(env, Exp, "_exp"));
  exports.Set("_log", Napi::Function::New(env, Log, "_log"));
  exports.Set("_log1p", Napi::Function::New(env, Log1p, "_log1p"));
}

}  // namespace lk
