// libFuzzer harness for the top-k family (native/kernels/topk_impl.inc): topk (largest or
// smallest, sorted or not), the split path (topk_partial over chunks + topk_merge, as the
// binding uses for long rows) and argmax, checked exactly against a sort with the documented
// total order (NaN above +Infinity, -0 equal to +0, ties to the lower index).
#include <algorithm>
#include <numeric>

#include "common.h"

static void (*kFill[3])(TopkKernels*) = {lk_topk_kernels_scalar, lk_topk_kernels_avx2, lk_topk_kernels_avx512};

// Rank key: larger = ranks first for `largest`; NaN above +Infinity; -0 == +0.
static double key(float v) { return std::isnan(v) ? INFINITY : v == INFINITY ? 3.5e38 : double(v); }

static std::vector<int32_t> expected(const float* x, int64_t cols, int64_t k, bool largest) {
  std::vector<int32_t> idx(static_cast<size_t>(cols));
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) {
    double ka = key(x[a]), kb = key(x[b]);
    if (largest) return ka > kb;
    // Ascending, but NaN still ranks as the largest value (chosen last).
    return ka < kb;
  });
  idx.resize(size_t(k));
  return idx;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  TopkKernels t;
  fz::pick_tier(in, &t, kFill);
  const int op = in.ConsumeIntegralInRange<int>(0, 2);
  int64_t rows = in.ConsumeIntegralInRange<int64_t>(1, 3), cols = fz::length(in, 6000);
  if (cols == 0) return 0;
  std::vector<float> x = fz::values(in, size_t(rows * cols));
  if (op == 2) {
    std::vector<int32_t> out(size_t(rows), -7);
    t.argmax(x.data(), rows, cols, out.data());
    for (int64_t r = 0; r < rows; ++r) {
      int32_t want = expected(x.data() + r * cols, cols, 1, true)[0];
      LK_CHECK(out[size_t(r)] == want, "argmax row %ld = %d, expected %d", long(r), out[size_t(r)], want);
    }
    return 0;
  }
  int64_t k = in.ConsumeBool() ? in.ConsumeIntegralInRange<int64_t>(1, cols < 40 ? cols : 40)
                               : in.ConsumeIntegralInRange<int64_t>(1, cols);
  bool largest = in.ConsumeBool(), sorted = in.ConsumeBool();
  std::vector<float> vals(size_t(rows * k), fz::canary_f());
  std::vector<int32_t> idx(size_t(rows * k), -7);
  if (op == 0) {
    t.topk(x.data(), rows, cols, k, largest, sorted, vals.data(), idx.data());
  } else {
    // The long-row path with a small chunk (the binding uses ≥ 65536; the kernels take any).
    int64_t chunk = in.ConsumeIntegralInRange<int64_t>(k, cols > k ? cols : k);
    int64_t nchunks = (cols + chunk - 1) / chunk;
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<uint64_t> parts(static_cast<size_t>(nchunks * k));
      int64_t n = 0;
      for (int64_t c = 0; c < nchunks; ++c) {
        int64_t b = c * chunk, len = cols - b < chunk ? cols - b : chunk;
        int64_t cnt = t.topk_partial(x.data() + r * cols + b, len, b, k, largest, parts.data() + n);
        LK_CHECK(cnt >= 0 && cnt <= k && cnt <= len, "topk_partial count %ld (k %ld, len %ld)", long(cnt), long(k), long(len));
        n += cnt;
      }
      t.topk_merge(x.data() + r * cols, parts.data(), n, k, largest, sorted, vals.data() + r * k, idx.data() + r * k);
    }
  }
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x.data() + r * cols;
    std::vector<int32_t> want = expected(xr, cols, k, largest);
    std::vector<int32_t> got(idx.begin() + r * k, idx.begin() + (r + 1) * k);
    for (int64_t i = 0; i < k; ++i) {
      int32_t j = got[size_t(i)];
      LK_CHECK(j >= 0 && j < cols, "index %d out of [0, %ld)", j, long(cols));
      float v = vals[size_t(r * k + i)];
      LK_CHECK(std::memcmp(&v, &xr[j], 4) == 0 || (std::isnan(v) && std::isnan(xr[j])),
               "value %g is not x[%d] = %g", v, j, xr[j]);
    }
    if (!sorted) {
      // Unsorted: the same set; compare as sets.
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
    }
    for (int64_t i = 0; i < k; ++i)
      LK_CHECK(got[size_t(i)] == want[size_t(i)], "op %d row %ld: position %ld has index %d, expected %d (k %ld, largest %d, sorted %d)",
               op, long(r), long(i), got[size_t(i)], want[size_t(i)], long(k), largest, sorted);
  }
  return 0;
}
