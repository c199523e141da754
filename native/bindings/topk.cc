// N-API glue for top-k and argmax: unwrap, re-check lengths, run rows (or chunks of long rows)
// on the pool.
#include <cstring>
#include <vector>

#include "job.h"

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

// (x, cols, k, largest, sorted, values, indices) → values
struct TopkJob {
  static constexpr const char* kName = "topk";
  static constexpr int kResult = 5;
  F32 x, values;
  I32 indices;
  int64_t rows, cols, k;
  bool largest, sorted;
  explicit TopkJob(const Napi::CallbackInfo& info)
      : x(f32(info, 0, "x")), values(f32(info, 5, "values")), indices(i32(info, 6, "indices")) {
    cols = count(info, 1, "cols");
    k = count(info, 2, "k");
    largest = boolean(info, 3, "largest");
    sorted = boolean(info, 4, "sorted");
    rows = rows_of(info, x.length, cols, "x");
    require(info, cols <= kMaxCols, "cols must be at most 2147483647");
    require(info, k <= cols || (rows == 0 && k == 0), "k must be in [0, cols]");
    require(info, int64_t(values.length) == rows * k && int64_t(indices.length) == rows * k,
            "values.length and indices.length must equal rows·k");
  }
  template <class V> void buffers(V& v) { v.in(x); v.out(values); v.out(indices); }
  void run();
};

void TopkJob::run() {
  struct {
    const float* x;
    int64_t rows, cols, k;
    bool largest, sorted;
    float* values;
    int32_t* indices;
  } a{x.data, rows, cols, k, largest, sorted, values.data, indices.data};
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

// (x, cols, out) → out
struct ArgmaxJob {
  static constexpr const char* kName = "argmax";
  static constexpr int kResult = 2;
  F32 x;
  I32 out;
  int64_t rows, cols;
  explicit ArgmaxJob(const Napi::CallbackInfo& info) : x(f32(info, 0, "x")), out(i32(info, 2, "out")) {
    cols = count(info, 1, "cols");
    rows = rows_of(info, x.length, cols, "x");
    require(info, cols <= kMaxCols, "cols must be at most 2147483647");
    require(info, int64_t(out.length) == rows, "out.length must equal the number of rows");
  }
  template <class V> void buffers(V& v) { v.in(x); v.out(out); }
  void run() {
    auto fn = lk_dispatch().topk.argmax;
    parallel_rows(rows, cols, [&](int64_t r0, int64_t r1) { fn(x.data + r0 * cols, r1 - r0, cols, out.data + r0); });
  }
};

}  // namespace

void register_topk(Napi::Env env, Napi::Object exports) {
  export_both<TopkJob>(env, exports, "topk");
  export_both<ArgmaxJob>(env, exports, "argmax");
}

}  // namespace lk
