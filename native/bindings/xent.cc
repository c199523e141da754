// N-API glue for the xent family: unwrap, re-check every length and label (a direct call with
// bad arguments throws, it never reads out of bounds), run row blocks on the pool, reduce the
// per-row losses in row order (identical results for any thread count).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "job.h"

namespace lk {
namespace {

enum class Reduction { none, sum, mean };

Reduction reduction(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsString()) {
    throw_error(info.Env(), true, "ERR_LOGITKIT_INVALID_ARG_TYPE", "native: reduction must be a string");
  }
  std::string s = info[i].As<Napi::String>().Utf8Value();
  if (s == "mean") return Reduction::mean;
  if (s == "sum") return Reduction::sum;
  if (s == "none") return Reduction::none;
  throw_error(info.Env(), false, "ERR_LOGITKIT_OUT_OF_RANGE", "native: reduction must be 'mean', 'sum' or 'none'");
}

// (logits, labels, cols, ignoreIndex, labelSmoothing, classWeights|null, zLoss, reduction,
//  grad|null, lse, rowLoss|null, total) → total; total[0] is the reduced loss (the sum for 'none').
struct XentJob {
  static constexpr const char* kName = "softmaxCrossEntropy";
  static constexpr int kResult = 11;
  F32 x;
  I32 labels;
  F32 weights, grad, lse, row_loss;
  F64 total;
  int64_t rows = 0;
  double denom = 0.0;
  Reduction red;
  XentParams p;
  // Labels are copied once checked: the kernel indexes with them, and nothing (a concurrent JS
  // write, a grad buffer overlapping them) can change the copy.
  std::vector<int32_t> y;

  explicit XentJob(const Napi::CallbackInfo& info)
      : x(f32(info, 0, "logits")), labels(i32(info, 1, "labels")), weights(f32_or_null(info, 5, "classWeights")),
        grad(f32_or_null(info, 8, "grad")), lse(f32(info, 9, "lse")), row_loss(f32_or_null(info, 10, "rowLoss")),
        total(f64(info, 11, "total")) {
    int64_t cols = count(info, 2, "cols");
    double ignore = number(info, 3, "ignoreIndex");
    double eps = number(info, 4, "labelSmoothing");
    double zloss = number(info, 6, "zLoss");
    red = reduction(info, 7);
    rows = int64_t(labels.length);
    require(info, ignore == std::floor(ignore) && ignore >= -2147483648.0 && ignore <= 2147483647.0,
            "ignoreIndex must be an int32");
    require(info, eps >= 0.0 && eps <= 1.0, "labelSmoothing must be in [0, 1]");
    require(info, zloss >= 0.0 && zloss <= 3.4028234663852886e38, "zLoss must be a number in [0, 3.4028234663852886e38]");
    require(info, cols > 0 || (rows == 0 && x.length == 0), "cols must be positive");
    require(info, rows == 0 ? x.length == 0 : x.length % size_t(rows) == 0 && int64_t(x.length / size_t(rows)) == cols,
            "logits.length must equal labels.length * cols");
    require(info, weights.data == nullptr || int64_t(weights.length) == cols, "classWeights.length must equal cols");
    require(info, grad.data == nullptr || grad.length == x.length, "grad.length must equal logits.length");
    require(info, int64_t(lse.length) == rows, "lse.length must equal labels.length");
    require(info, row_loss.data == nullptr || int64_t(row_loss.length) == rows, "rowLoss.length must equal labels.length");
    require(info, total.length >= 1, "total must have room for one number");

    y.assign(labels.data, labels.data + rows);
    const int32_t ignore_index = int32_t(ignore);
    for (int64_t r = 0; r < rows; ++r) {
      int32_t v = y[size_t(r)];
      if (v == ignore_index) continue;
      if (v < 0 || v >= cols) {
        throw_error(info.Env(), false, "ERR_LOGITKIT_OUT_OF_RANGE",
                    "native: labels[" + std::to_string(r) + "] = " + std::to_string(v) + " is out of range [0, " +
                        std::to_string(cols) + ")");
      }
      denom += weights.data ? double(weights.data[v]) : 1.0;
    }
    double wsum = double(cols);
    if (weights.data) {
      wsum = 0.0;
      for (int64_t c = 0; c < cols; ++c) wsum += weights.data[c];
    }
    p.cols = cols;
    p.ignore_index = ignore_index;
    p.smoothing = float(eps);
    p.weights = nullptr;  // set in run(): the async path reads a private copy
    p.weight_sum = wsum;
    p.zloss = float(zloss);
    // Mean over a zero denominator (every row ignored, or zero weights): loss NaN, gradient 0.
    p.grad_scale = red == Reduction::mean ? (denom > 0.0 ? 1.0 / denom : 0.0) : 1.0;
  }

  // The labels are already private (y); the weights are read by the kernel, so they are buffers.
  template <class V> void buffers(V& v) {
    v.in(x);
    v.in(weights);
    v.out(grad);
    v.out(lse);
    v.out(row_loss);
    v.out(total);
  }

  void run() {
    const int64_t cols = p.cols;
    XentParams q = p;
    q.weights = weights.data;
    std::vector<double> loss(static_cast<size_t>(rows));
    auto fn = lk_dispatch().xent.softmax_cross_entropy;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) {
      fn(x.data + r0 * cols, y.data() + r0, grad.data ? grad.data + r0 * cols : nullptr, lse.data + r0,
         loss.data() + r0, r1 - r0, &q);
    });
    double sum = 0.0;
    for (int64_t r = 0; r < rows; ++r) sum += loss[size_t(r)];
    if (row_loss.data) {
      for (int64_t r = 0; r < rows; ++r) row_loss.data[r] = float(loss[size_t(r)]);
    }
    // 'mean' with nothing to average over (every row ignored, or zero weights) is NaN.
    total.data[0] = red == Reduction::mean ? (denom > 0.0 ? sum / denom : __builtin_nan("")) : sum;
  }
};

// (logits, targets, posWeight|null, reduction, grad|null, loss|null, total) → total.
struct BceJob {
  static constexpr const char* kName = "binaryCrossEntropyWithLogits";
  static constexpr int kResult = 6;
  F32 x, t, pw, grad, loss;
  F64 total;
  Reduction red;
  explicit BceJob(const Napi::CallbackInfo& info)
      : x(f32(info, 0, "logits")), t(f32(info, 1, "targets")), pw(f32_or_null(info, 2, "posWeight")),
        grad(f32_or_null(info, 4, "grad")), loss(f32_or_null(info, 5, "loss")), total(f64(info, 6, "total")) {
    red = reduction(info, 3);
    require(info, t.length == x.length, "targets.length must equal logits.length");
    require(info, pw.data == nullptr || (pw.length > 0 && x.length % pw.length == 0),
            "posWeight.length must divide logits.length");
    require(info, grad.data == nullptr || grad.length == x.length, "grad.length must equal logits.length");
    require(info, loss.data == nullptr || loss.length == x.length, "loss.length must equal logits.length");
    require(info, total.length >= 1, "total must have room for one number");
  }
  template <class V> void buffers(V& v) {
    v.in(x);
    v.in(t);
    v.in(pw);
    v.out(grad);
    v.out(loss);
    v.out(total);
  }
  void run() {
    const int64_t n = int64_t(x.length);
    // A short posWeight period is tiled to at least one block so the kernel reads it in runs.
    const int64_t period = pw.data ? int64_t(pw.length) : 1;
    std::vector<float> tile;
    const float* pwp = pw.data;
    int64_t tile_len = period;
    if (pw.data && period < kXentBceBlock) {
      tile_len = period * ((kXentBceBlock + period - 1) / period);
      tile.resize(size_t(tile_len));
      for (int64_t i = 0; i < tile_len; ++i) tile[size_t(i)] = pw.data[i % period];
      pwp = tile.data();
    }
    const float scale = red == Reduction::mean ? (n > 0 ? float(1.0 / double(n)) : 0.0f) : 1.0f;
    const int64_t nblocks = (n + kXentBceBlock - 1) / kXentBceBlock;
    std::vector<double> partial(static_cast<size_t>(nblocks));
    auto fn = lk_dispatch().xent.binary_cross_entropy_with_logits;
    lk_parallel_for(nblocks, 32, [&](int64_t b0, int64_t b1) {
      int64_t e = b1 * kXentBceBlock < n ? b1 * kXentBceBlock : n;
      fn(x.data, t.data, pwp, period, tile_len, b0 * kXentBceBlock, e, loss.data, grad.data, scale,
         partial.data() + b0);
    });
    double sum = 0.0;
    for (double v : partial) sum += v;
    total.data[0] = red == Reduction::mean ? sum / double(n) : sum;
  }
};

}  // namespace

void register_xent(Napi::Env env, Napi::Object exports) {
  export_both<XentJob>(env, exports, "softmaxCrossEntropy");
  export_both<BceJob>(env, exports, "binaryCrossEntropyWithLogits");
}

}  // namespace lk
