// N-API glue for the NCE family: unwrap, re-check every length and index (a direct call with
// bad arguments throws, it never reads or writes out of bounds), split over the pool, reduce
// per-row / per-pair losses in order (identical results for any thread count).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "common.h"
#include "legacy_queue.h"
#include "stream.h"

namespace lk {
namespace {

using F64 = ArrayArg<double, napi_float64_array>;
inline F64 f64(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typed_array<F64, napi_float64_array>(info, i, name, "Float64Array");
}
inline F32 f32_or_null(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (info[i].IsNull() || info[i].IsUndefined()) return F32{nullptr, 0};
  return f32(info, i, name);
}

// (scores, logNoise|null, logk, out) → out
Napi::Value NceLogits(const Napi::CallbackInfo& info) {
  F32 s = f32(info, 0, "scores");
  F32 lq = f32_or_null(info, 1, "logNoise");
  float logk = float(number(info, 2, "logk"));
  F32 out = f32(info, 3, "out");
  require(info, lq.data == nullptr || lq.length == s.length, "logNoise.length must equal scores.length");
  require(info, out.length == s.length, "out.length must equal scores.length");
  auto fn = lk_dispatch().nce.nce_logits;
  const int64_t n = int64_t(s.length);
  lk_parallel_for((n + 4095) / 4096, 16, [&](int64_t b0, int64_t b1) {
    int64_t e = b1 * 4096 < n ? b1 * 4096 : n;
    fn(s.data + b0 * 4096, lq.data ? lq.data + b0 * 4096 : nullptr, logk, out.data + b0 * 4096, e - b0 * 4096);
  });
  return info[3];
}

// (scores, logNoise|null, logk, cols, gradScale, grad|null, rowLoss|null, total) → total; total[0]
// is the sum of the row losses.
std::function<void()> loss_job(const Napi::CallbackInfo& info) {
  F32 s = f32(info, 0, "scores");
  F32 lq = f32_or_null(info, 1, "logNoise");
  float logk = float(number(info, 2, "logk"));
  int64_t cols = count(info, 3, "cols");
  float scale = float(number(info, 4, "gradScale"));
  F32 grad = f32_or_null(info, 5, "grad");
  F32 row_loss = f32_or_null(info, 6, "rowLoss");
  F64 total = f64(info, 7, "total");
  int64_t rows = rows_of(info, s.length, cols, "scores");
  require(info, lq.data == nullptr || lq.length == s.length, "logNoise.length must equal scores.length");
  require(info, grad.data == nullptr || grad.length == s.length, "grad.length must equal scores.length");
  require(info, row_loss.data == nullptr || int64_t(row_loss.length) == rows, "rowLoss.length must equal rows");
  require(info, total.length >= 1, "total must have room for one number");
  return [=] {
    std::vector<double> loss(static_cast<size_t>(rows));
    auto fn = lk_dispatch().nce.nce_loss;
    // Each element costs an exp, a log and a divide: split from 16k elements.
    lk_parallel_for(rows, (16384 + cols - 1) / (cols > 0 ? cols : 1), [&](int64_t r0, int64_t r1) {
      fn(s.data + r0 * cols, lq.data ? lq.data + r0 * cols : nullptr, logk, r1 - r0, cols, scale,
         grad.data ? grad.data + r0 * cols : nullptr, loss.data() + r0);
    });
    double sum = 0.0;
    for (double v : loss) sum += v;
    if (row_loss.data) {
      for (int64_t r = 0; r < rows; ++r) row_loss.data[r] = float(loss[size_t(r)]);
    }
    total.data[0] = sum;
  };
}

Napi::Value NceLoss(const Napi::CallbackInfo& info) {
  loss_job(info)();
  return info[7];
}

Napi::Value NceLossAsync(const Napi::CallbackInfo& info) {
  auto held = [&](size_t i) { return info[i].IsObject() ? info[i] : info[0]; };
  return queue(info.Env(), loss_job(info), info[7], {info[0], held(1), held(5), held(6), info[7]});
}

// The alias table: 2V words (threshold, alias) with every alias < V.
int64_t alias_table(const Napi::CallbackInfo& info, U32 t) {
  require(info, t.length >= 2 && t.length % 2 == 0, "table.length must be a positive even number");
  const int64_t V = int64_t(t.length / 2);
  require(info, V <= 2147483647, "the table must have at most 2^31 - 1 columns");
  for (int64_t j = 0; j < V; ++j) {
    if (int64_t(t.data[2 * j + 1]) >= V) require(info, false, "table[" + std::to_string(2 * j + 1) + "] is not an index < V");
  }
  return V;
}

// (table, out, key0, key1, ctr0..ctr3) → out
std::function<void()> sample_job(const Napi::CallbackInfo& info) {
  U32 t = u32(info, 0, "table");
  I32 out = i32(info, 1, "out");
  Stream s = stream_args(info, 2);
  const int64_t V = alias_table(info, t);
  return [=] {
    auto fn = lk_dispatch().nce.alias_sample;
    split_stream(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* ctr) {
      fn(t.data, V, out.data + b, n, s.key, ctr);
    });
  };
}

Napi::Value AliasSample(const Napi::CallbackInfo& info) {
  sample_job(info)();
  return info[1];
}

Napi::Value AliasSampleAsync(const Napi::CallbackInfo& info) {
  return queue(info.Env(), sample_job(info), info[1], {info[0], info[1]});
}

// (input, output, dim, centre, context, k, table, logNoise|null, logk, lr, hogwild,
//  key0, key1, ctr0..ctr3, noise, total) → total; total[0] is the sum of the pair losses.
std::function<void()> step_job(const Napi::CallbackInfo& info) {
  F32 in = f32(info, 0, "input");
  F32 out = f32(info, 1, "output");
  int64_t dim = count(info, 2, "dim");
  I32 centre = i32(info, 3, "centre");
  I32 context = i32(info, 4, "context");
  int64_t k = count(info, 5, "k");
  U32 table = u32(info, 6, "table");
  F32 lq = f32_or_null(info, 7, "logNoise");
  float logk = float(number(info, 8, "logk"));
  float lr = float(number(info, 9, "lr"));
  require(info, info[10].IsBoolean(), "hogwild must be a boolean");
  const bool hogwild = info[10].As<Napi::Boolean>().Value();
  Stream st = stream_args(info, 11);
  I32 noise = i32(info, 17, "noise");
  F64 total = f64(info, 18, "total");

  require(info, dim > 0, "dim must be positive");
  require(info, in.length % size_t(dim) == 0, "input.length must be a multiple of dim");
  require(info, out.length == in.length, "output.length must equal input.length");
  const int64_t V = int64_t(in.length) / dim;
  require(info, alias_table(info, table) == V, "the sampler's vocabulary must equal the tables' rows");
  require(info, lq.data == nullptr || int64_t(lq.length) == V, "logNoise.length must equal the vocabulary");
  require(info, centre.length == context.length, "context.length must equal centre.length");
  const int64_t B = int64_t(centre.length);
  require(info, int64_t(noise.length) == B * k, "noise.length must equal pairs × k");
  require(info, total.length >= 1, "total must have room for one number");
  {
    auto* a = static_cast<const uint8_t*>(static_cast<const void*>(in.data));
    auto* b = static_cast<const uint8_t*>(static_cast<const void*>(out.data));
    const size_t bytes = in.length * sizeof(float);
    require(info, bytes == 0 || a + bytes <= b || b + bytes <= a, "input and output must not overlap");
  }
  // Indices are copied once checked: nothing (a concurrent JS write during an async run) can
  // change them between the check and the writes they steer.
  auto idx = std::make_shared<std::vector<int32_t>>(size_t(2 * B));
  for (int64_t p = 0; p < B; ++p) {
    int32_t c = centre.data[p], w = context.data[p];
    if (c < 0 || c >= V) require(info, false, "centre[" + std::to_string(p) + "] = " + std::to_string(c) + " is out of range [0, " + std::to_string(V) + ")");
    if (w < 0 || w >= V) require(info, false, "context[" + std::to_string(p) + "] = " + std::to_string(w) + " is out of range [0, " + std::to_string(V) + ")");
    (*idx)[size_t(p)] = c;
    (*idx)[size_t(B + p)] = w;
  }
  return [=] {
    auto& kt = lk_dispatch().nce;
    // The noise words: draw i of the reserved stream is noise word i (pair i / k).
    split_stream(B * k, st, [&](int64_t b, int64_t n, const uint32_t* ctr) {
      kt.alias_sample(table.data, V, noise.data + b, n, st.key, ctr);
    });
    std::vector<double> loss(static_cast<size_t>(B));
    SkipGramArgs a{in.data, out.data, dim, idx->data(), idx->data() + B, noise.data, k, lq.data, logk, lr,
                   nullptr, nullptr};
    const int64_t work = (1 + k) * dim;  // floats touched per pair
    const int64_t grain = (65536 + work - 1) / work;
    if (hogwild) {
      lk_parallel_for(B, grain, [&](int64_t p0, int64_t p1) { kt.skip_gram_step(&a, p0, p1, loss.data()); });
    } else {
      std::vector<float> coef(size_t(B * (1 + k))), din(size_t(B * dim));
      a.coef = coef.data();
      a.din = din.data();
      lk_parallel_for(B, grain, [&](int64_t p0, int64_t p1) { kt.skip_gram_grad(&a, p0, p1, loss.data()); });
      // Column slices of 16 floats: every element sees the same updates in the same order,
      // whatever the split.
      const int64_t slices = (dim + 15) / 16;
      lk_parallel_for(slices, B * work >= 65536 ? 1 : slices, [&](int64_t s0, int64_t s1) {
        kt.skip_gram_apply(&a, B, s0 * 16, s1 * 16 < dim ? s1 * 16 : dim);
      });
    }
    double sum = 0.0;
    for (double v : loss) sum += v;
    total.data[0] = sum;
  };
}

Napi::Value SkipGramStep(const Napi::CallbackInfo& info) {
  step_job(info)();
  return info[18];
}

Napi::Value SkipGramStepAsync(const Napi::CallbackInfo& info) {
  auto held = [&](size_t i) { return info[i].IsObject() ? info[i] : info[0]; };
  return queue(info.Env(), step_job(info), info[18], {info[0], info[1], info[6], held(7), info[17], info[18]});
}

}  // namespace

void register_nce(Napi::Env env, Napi::Object exports) {
  exports.Set("nceLogits", Napi::Function::New(env, NceLogits, "nceLogits"));
  exports.Set("nceLoss", Napi::Function::New(env, NceLoss, "nceLoss"));
  exports.Set("nceLossAsync", Napi::Function::New(env, NceLossAsync, "nceLossAsync"));
  exports.Set("aliasSample", Napi::Function::New(env, AliasSample, "aliasSample"));
  exports.Set("aliasSampleAsync", Napi::Function::New(env, AliasSampleAsync, "aliasSampleAsync"));
  exports.Set("skipGramStep", Napi::Function::New(env, SkipGramStep, "skipGramStep"));
  exports.Set("skipGramStepAsync", Napi::Function::New(env, SkipGramStepAsync, "skipGramStepAsync"));
}

}  // namespace lk
