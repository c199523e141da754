// N-API glue for top-k and argmax: unwrap, re-check lengths, run rows (or chunks of long rows)
// on the pool.
#include <cstring>
#include <vector>

#include "common.h"

namespace lk {
namespace {

constexpr int64_t kMaxCols = 2147483647;  // indices are Int32

// Long rows are split into chunks whose partial top-k are merged in chunk order. The split
// depends only on (cols, k), never on the thread count, so every thread count gives the same
// result, including the order of sorted: false. A chunk is ≥ 64·k elements so the partial
// selections stay a small fraction of the scan.
int64_t split_chunk(int64_t cols, int64_t k) {
  int64_t chunk = int64_t(1) << 16;
  while (chunk < 64 * k) chunk <<= 1;
  return cols >= 4 * chunk ? chunk : 0;
}

struct TopkArgs {
  const float* x;
  int64_t rows, cols, k;
  bool largest, sorted;
  float* values;
  int32_t* indices;
};

// (x, cols, k, largest, sorted, values, indices) → values
TopkArgs topk_args(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  int64_t k = count(info, 2, "k");
  if (!info[3].IsBoolean() || !info[4].IsBoolean()) {
    throw_error(info.Env(), true, "ERR_LOGITKIT_INVALID_ARG_TYPE", "native: largest and sorted must be booleans");
  }
  F32 values = f32(info, 5, "values");
  I32 indices = i32(info, 6, "indices");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, cols <= kMaxCols, "cols must be at most 2147483647");
  require(info, k <= cols || (rows == 0 && k == 0), "k must be in [0, cols]");
  require(info, int64_t(values.length) == rows * k && int64_t(indices.length) == rows * k,
          "values.length and indices.length must equal rows·k");
  return {x.data, rows, cols, k, info[3].As<Napi::Boolean>().Value(), info[4].As<Napi::Boolean>().Value(),
          values.data, indices.data};
}

void run_topk(const TopkArgs& a) {
  if (a.rows == 0 || a.k == 0) return;
  const TopkKernels& t = lk_dispatch().topk;
  int64_t chunk = a.k > 1 ? split_chunk(a.cols, a.k) : 0;
  if (chunk == 0) {
    parallel_rows(a.rows, a.cols, [&](int64_t r0, int64_t r1) {
      t.topk(a.x + r0 * a.cols, r1 - r0, a.cols, a.k, a.largest, a.sorted, a.values + r0 * a.k, a.indices + r0 * a.k);
    });
    return;
  }
  // Split: every (row, chunk) pair is a task; each leaves min(k, chunk) candidates in its slot.
  const int64_t nchunks = (a.cols + chunk - 1) / chunk;
  std::vector<uint64_t> parts(size_t(a.rows * nchunks * a.k));
  std::vector<int64_t> counts(size_t(a.rows * nchunks));
  lk_parallel_for(a.rows * nchunks, 1, [&](int64_t b, int64_t e) {
    for (int64_t task = b; task < e; ++task) {
      int64_t r = task / nchunks, c = task % nchunks;
      int64_t begin = c * chunk, n = a.cols - begin < chunk ? a.cols - begin : chunk;
      counts[size_t(task)] = t.topk_partial(a.x + r * a.cols + begin, n, begin, a.k, a.largest,
                                             parts.data() + size_t(task * a.k));
    }
  });
  parallel_rows(a.rows, int64_t(1) << 20, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      // Compact this row's slots in chunk order (each slot holds exactly min(k, chunk) entries).
      uint64_t* base = parts.data() + size_t(r * nchunks * a.k);
      int64_t n = 0;
      for (int64_t c = 0; c < nchunks; ++c) {
        int64_t cnt = counts[size_t(r * nchunks + c)];
        if (base + n != base + c * a.k) std::memmove(base + n, base + c * a.k, size_t(cnt) * sizeof(uint64_t));
        n += cnt;
      }
      t.topk_merge(a.x + r * a.cols, base, n, a.k, a.largest, a.sorted, a.values + r * a.k, a.indices + r * a.k);
    }
  });
}

Napi::Value Topk(const Napi::CallbackInfo& info) {
  TopkArgs a = topk_args(info);
  run_topk(a);
  return info[5];
}

Napi::Value TopkAsync(const Napi::CallbackInfo& info) {
  TopkArgs a = topk_args(info);
  return queue(info.Env(), [a] { run_topk(a); }, info[5], {info[0], info[6]});
}

// (x, cols, out) → out
Napi::Value Argmax(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t cols = count(info, 1, "cols");
  I32 out = i32(info, 2, "out");
  int64_t rows = rows_of(info, x.length, cols, "x");
  require(info, cols <= kMaxCols, "cols must be at most 2147483647");
  require(info, int64_t(out.length) == rows, "out.length must equal the number of rows");
  auto fn = lk_dispatch().topk.argmax;
  parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) { fn(x.data + r0 * cols, r1 - r0, cols, out.data + r0); });
  return info[2];
}

}  // namespace

void register_topk(Napi::Env env, Napi::Object exports) {
  exports.Set("topk", Napi::Function::New(env, Topk, "topk"));
  exports.Set("topkAsync", Napi::Function::New(env, TopkAsync, "topkAsync"));
  exports.Set("argmax", Napi::Function::New(env, Argmax, "argmax"));
}

}  // namespace lk
