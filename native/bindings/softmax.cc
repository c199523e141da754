// N-API glue for the softmax family: unwrap, re-check lengths, run row blocks on the pool.
#include "common.h"

namespace lk {
namespace {

// (x, cols, invT, out) → out; the row kernel runs over row blocks.
std::function<void()> rows_job(const Napi::CallbackInfo& info, lk_rows_fn fn) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  float inv_t = float(number(info, 2, "invTemperature"));
  F32 out = f32(info, 3, "out");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, out.length == x.length, "out.length must equal x.length");
  return [=] {
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      fn(x.data + r0 * cols, out.data + r0 * cols, r1 - r0, cols, inv_t);
    });
  };
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  rows_job(info, lk_dispatch().softmax.softmax)();
  return info[3];
}
Napi::Value LogSoftmax(const Napi::CallbackInfo& info) {
  rows_job(info, lk_dispatch().softmax.log_softmax)();
  return info[3];
}
Napi::Value SoftmaxAsync(const Napi::CallbackInfo& info) {
  return queue(info.Env(), rows_job(info, lk_dispatch().softmax.softmax), info[3], {info[0]});
}
Napi::Value LogSoftmaxAsync(const Napi::CallbackInfo& info) {
  return queue(info.Env(), rows_job(info, lk_dispatch().softmax.log_softmax), info[3], {info[0]});
}

Napi::Value LogSumExp(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  float inv_t = float(number(info, 2, "invTemperature"));
  F32 out = f32(info, 3, "out");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, int64_t(out.length) == rows, "out.length must equal the number of rows");
  auto fn = lk_dispatch().softmax.log_sum_exp;
  parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
    fn(x.data + r0 * cols, out.data + r0, r1 - r0, cols, inv_t);
  });
  return info[3];
}

Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  F32 y = f32(info, 0, "y");
  F32 dy = f32(info, 1, "dy");
  int64_t cols = count(info, 2, "cols");
  F32 out = f32(info, 3, "out");
  int64_t rows = rows_of(info, y.length, cols, "y");
  require(info, dy.length == y.length && out.length == y.length, "y, dy and out must have equal lengths");
  auto fn = lk_dispatch().softmax.softmax_backward;
  parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
    fn(y.data + r0 * cols, dy.data + r0 * cols, out.data + r0 * cols, r1 - r0, cols);
  });
  return info[3];
}

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
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("logSoftmax", Napi::Function::New(env, LogSoftmax, "logSoftmax"));
  exports.Set("softmaxAsync", Napi::Function::New(env, SoftmaxAsync, "softmaxAsync"));
  exports.Set("logSoftmaxAsync", Napi::Function::New(env, LogSoftmaxAsync, "logSoftmaxAsync"));
  exports.Set("logSumExp", Napi::Function::New(env, LogSumExp, "logSumExp"));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackward, "softmaxBackward"));
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
