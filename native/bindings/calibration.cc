// N-API glue for the calibration family: unwrap, re-check every length and label (a direct call
// with bad arguments throws, it never reads out of bounds), run row blocks on the pool, and
// reduce per-row results in row order (identical results for any thread count).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "common.h"

namespace lk {
namespace {

using F64 = ArrayArg<double, napi_float64_array>;
using U8 = ArrayArg<uint8_t, napi_uint8_array>;
inline F64 f64(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typed_array<F64, napi_float64_array>(info, i, name, "Float64Array");
}
inline F32 f32_or_null(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info[i].IsNull() || info[i].IsUndefined()) return F32{nullptr, 0};
  return f32(info, i, name);
}

enum class Reduction { none, sum, mean };
Reduction reduction(const Napi::CallbackInfo& info, size_t i) {
  std::string s = info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : "";
  if (s == "mean") return Reduction::mean;
  if (s == "sum") return Reduction::sum;
  if (s == "none") return Reduction::none;
  throw_error(info.Env(), false, "ERR_LOGITKIT_OUT_OF_RANGE", "native: reduction must be 'mean', 'sum' or 'none'");
}

// Fixed row blocks for reductions: the partial sums, and so the result, do not depend on the
// thread count.
constexpr int64_t kRowBlock = 64;

// (x, cols, invT, out) → out
Napi::Value Entropy(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  float inv_t = float(number(info, 2, "invTemperature"));
  F32 out = f32(info, 3, "out");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, int64_t(out.length) == rows, "out.length must equal the number of rows");
  auto fn = lk_dispatch().calibration.entropy;
  parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) { fn(x.data + r0 * cols, out.data + r0, r1 - r0, cols, inv_t); });
  return info[3];
}

// (x, cols, mask|null, beta, reduction, accumulate, grad|null, rowLoss|null, total) → total;
// total[0] is the reduced loss (the sum for 'none').
Napi::Value KlUniform(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  U8 mask{nullptr, 0};
  if (!info[2].IsNull() && !info[2].IsUndefined()) mask = typed_array<U8, napi_uint8_array>(info, 2, "mask", "Uint8Array");
  double beta = number(info, 3, "beta");
  Reduction red = reduction(info, 4);
  bool accumulate = info[5].ToBoolean().Value();
  F32 grad = f32_or_null(info, 6, "grad");
  F32 row_loss = f32_or_null(info, 7, "rowLoss");
  F64 total = f64(info, 8, "total");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, std::isfinite(beta) && beta >= 0.0, "beta must be a finite number >= 0");
  require(info, mask.data == nullptr || int64_t(mask.length) == rows, "mask.length must equal the number of rows");
  require(info, grad.data == nullptr || grad.length == x.length, "grad.length must equal x.length");
  require(info, row_loss.data == nullptr || int64_t(row_loss.length) == rows, "rowLoss.length must equal the number of rows");
  require(info, total.length >= 1, "total must have room for one number");
  // The mask is copied once checked (a grad buffer or a concurrent write cannot change it).
  std::vector<uint8_t> m(mask.data ? mask.data : nullptr, mask.data ? mask.data + rows : nullptr);
  double selected = 0.0;
  if (mask.data) {
    for (uint8_t v : m) selected += v ? 1.0 : 0.0;
  } else {
    selected = double(rows);
  }
  KlUniformParams p;
  p.cols = cols;
  p.beta = beta;
  p.grad_scale = float(red == Reduction::mean ? (selected > 0.0 ? beta / selected : 0.0) : beta);
  p.accumulate = accumulate;
  std::vector<double> loss(static_cast<size_t>(rows));
  if (grad.data && !accumulate) {
    // With a gradient to write, KL(U‖p) is the cross-entropy against the uniform target: the
    // fused cross-entropy kernel with label smoothing 1 computes lse − mean(x) per row and the
    // gradient scale·(p − 1/C) with its interleaved second pass (the label term has weight 0;
    // unselected rows are ignored: loss 0, gradient 0). KL = beta·(that − log C).
    std::vector<int32_t> labels(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) labels[size_t(r)] = mask.data && !m[size_t(r)] ? -1 : 0;
    XentParams xp;
    xp.cols = cols;
    xp.ignore_index = -1;
    xp.smoothing = 1.0f;
    xp.weights = nullptr;
    xp.weight_sum = double(cols);
    xp.zloss = 0.0f;
    xp.grad_scale = double(p.grad_scale);
    std::vector<float> lse(static_cast<size_t>(rows));
    auto xent = lk_dispatch().xent.softmax_cross_entropy;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      xent(x.data + r0 * cols, labels.data() + r0, grad.data + r0 * cols, lse.data() + r0, loss.data() + r0, r1 - r0, &xp);
    });
    const double log_c = std::log(double(cols));
    for (int64_t r = 0; r < rows; ++r) {
      if (!mask.data || m[size_t(r)]) loss[size_t(r)] = beta * (loss[size_t(r)] - log_c);
    }
  } else {
    auto fn = lk_dispatch().calibration.kl_uniform;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      fn(x.data + r0 * cols, mask.data ? m.data() + r0 : nullptr, grad.data ? grad.data + r0 * cols : nullptr,
         loss.data() + r0, r1 - r0, &p);
    });
  }
  double sum = 0.0;
  for (int64_t r = 0; r < rows; ++r) sum += loss[size_t(r)];
  if (row_loss.data) {
    for (int64_t r = 0; r < rows; ++r) row_loss.data[r] = float(loss[size_t(r)]);
  }
  total.data[0] = red == Reduction::mean ? (selected > 0.0 ? sum / selected : __builtin_nan("")) : sum;
  return info[8];
}

// (x, labels, cols, beta, ignoreIndex, out: Float64Array(5)) → out = [nll, dnll, d2nll, gap, count].
Napi::Value TemperatureNll(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  I32 labels = i32(info, 1, "labels");
  int64_t cols = count(info, 2, "cols");
  double beta = number(info, 3, "beta");
  double ignore = number(info, 4, "ignoreIndex");
  F64 out = f64(info, 5, "out");
  const int64_t rows = int64_t(labels.length);
  require(info, cols > 0 || (rows == 0 && x.length == 0), "cols must be positive");
  require(info, int64_t(x.length) == rows * cols, "x.length must equal labels.length * cols");
  require(info, ignore == std::floor(ignore) && ignore >= -2147483648.0 && ignore <= 2147483647.0,
          "ignoreIndex must be an int32");
  require(info, out.length >= 5, "out must have room for five numbers");
  const int32_t ig = int32_t(ignore);
  auto y = std::make_shared<std::vector<int32_t>>(labels.data, labels.data + rows);
  for (int64_t r = 0; r < rows; ++r) {
    int32_t v = (*y)[size_t(r)];
    if (v != ig && (v < 0 || v >= cols)) {
      throw_error(info.Env(), false, "ERR_LOGITKIT_OUT_OF_RANGE",
                  "native: labels[" + std::to_string(r) + "] = " + std::to_string(v) + " is out of range");
    }
  }
  const int64_t nblocks = (rows + kRowBlock - 1) / kRowBlock;
  std::vector<double> part(size_t(nblocks) * 5, 0.0);
  auto fn = lk_dispatch().calibration.temperature_nll;
  const float b = float(beta);
  int64_t grain = cols * kRowBlock >= kMinWork ? 1 : (kMinWork + cols * kRowBlock - 1) / (cols * kRowBlock);
  lk_parallel_for(nblocks, grain, [&](int64_t b0, int64_t b1) {
    for (int64_t blk = b0; blk < b1; ++blk) {
      int64_t r0 = blk * kRowBlock, r1 = r0 + kRowBlock < rows ? r0 + kRowBlock : rows;
      fn(x.data + r0 * cols, y->data() + r0, r1 - r0, cols, b, ig, part.data() + blk * 5);
    }
  });
  for (int k = 0; k < 5; ++k) out.data[k] = 0.0;
  for (int64_t blk = 0; blk < nblocks; ++blk) {
    for (int k = 0; k < 5; ++k) out.data[k] += part[size_t(blk * 5 + k)];
  }
  return info[5];
}

// (x, cols, invT, conf, pred) → conf
Napi::Value Confidence(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  float inv_t = float(number(info, 2, "invTemperature"));
  F32 conf = f32(info, 3, "conf");
  I32 pred = i32(info, 4, "pred");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, int64_t(conf.length) == rows && int64_t(pred.length) == rows,
          "conf.length and pred.length must equal the number of rows");
  auto fn = lk_dispatch().calibration.confidence;
  parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
    fn(x.data + r0 * cols, conf.data + r0, pred.data + r0, r1 - r0, cols, inv_t);
  });
  return info[3];
}

// (mu1, lv1, mu2|null, lv2|null, dim, reduction, gMu1|null, gLv1|null, gMu2|null, gLv2|null,
//  rowLoss|null, total) → total; total[0] the reduced loss over rows of `dim` elements.
Napi::Value GaussianKL(const Napi::CallbackInfo& info) {
  F32 mu1 = f32(info, 0, "mu"), lv1 = f32(info, 1, "logVar");
  F32 mu2 = f32_or_null(info, 2, "mu2"), lv2 = f32_or_null(info, 3, "logVar2");
  int64_t dim = count(info, 4, "dim");
  Reduction red = reduction(info, 5);
  F32 g[4] = {f32_or_null(info, 6, "gradMu"), f32_or_null(info, 7, "gradLogVar"), f32_or_null(info, 8, "gradMu2"),
              f32_or_null(info, 9, "gradLogVar2")};
  F32 row_loss = f32_or_null(info, 10, "rowLoss");
  F64 total = f64(info, 11, "total");
  const size_t n = mu1.length;
  require(info, lv1.length == n, "logVar.length must equal mu.length");
  require(info, (mu2.data == nullptr) == (lv2.data == nullptr), "mu2 and logVar2 come together");
  require(info, mu2.data == nullptr || (mu2.length == n && lv2.length == n), "mu2 and logVar2 must have mu's length");
  int64_t rows = rows_of(info, n, dim, "mu");
  for (auto& a : g) require(info, a.data == nullptr || a.length == n, "gradient buffers must have mu's length");
  require(info, row_loss.data == nullptr || int64_t(row_loss.length) == rows, "rowLoss.length must equal the number of rows");
  require(info, total.length >= 1, "total must have room for one number");
  std::vector<double> loss(static_cast<size_t>(rows));
  GaussianKlArgs a;
  a.mu1 = mu1.data;
  a.lv1 = lv1.data;
  a.mu2 = mu2.data;
  a.lv2 = lv2.data;
  a.dim = dim;
  a.g_mu1 = g[0].data;
  a.g_lv1 = g[1].data;
  a.g_mu2 = g[2].data;
  a.g_lv2 = g[3].data;
  a.grad_scale = float(red == Reduction::mean ? (rows > 0 ? 1.0 / double(rows) : 0.0) : 1.0);
  a.row_loss = loss.data();
  auto fn = lk_dispatch().calibration.gaussian_kl;
  parallel_rows(rows, dim, [&](int64_t r0, int64_t r1) { fn(&a, r0, r1); });
  double sum = 0.0;
  for (int64_t r = 0; r < rows; ++r) sum += loss[size_t(r)];
  if (row_loss.data) {
    for (int64_t r = 0; r < rows; ++r) row_loss.data[r] = float(loss[size_t(r)]);
  }
  total.data[0] = red == Reduction::mean ? (rows > 0 ? sum / double(rows) : __builtin_nan("")) : sum;
  return info[11];
}

}  // namespace

void register_calibration(Napi::Env env, Napi::Object exports) {
  exports.Set("entropy", Napi::Function::New(env, Entropy, "entropy"));
  exports.Set("klUniform", Napi::Function::New(env, KlUniform, "klUniform"));
  exports.Set("temperatureNll", Napi::Function::New(env, TemperatureNll, "temperatureNll"));
  exports.Set("confidence", Napi::Function::New(env, Confidence, "confidence"));
  exports.Set("gaussianKL", Napi::Function::New(env, GaussianKL, "gaussianKL"));
}

}  // namespace lk
