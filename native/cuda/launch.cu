// The launcher layer: the C interface of launch.h over the kernels of kernels.cuh. Every
// call synchronises, so a failed kernel surfaces as the return value of the call that ran it.
#include <stdlib.h>

#include "kernels.cuh"

namespace {
using namespace lkc;

int finish() {
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return int(e);
  return int(cudaDeviceSynchronize());
}

// Blocks for a row kernel: one per row, or LOGITKIT_CUDA_ROW_BLOCKS (read at each call, so a
// benchmark can sweep it) when that is smaller: fewer rows in flight, more L2 hits on the
// second read of each row.
unsigned row_grid(int64_t rows) {
  int64_t g = rows;
  if (const char* e = getenv("LOGITKIT_CUDA_ROW_BLOCKS")) {
    long long v = atoll(e);
    if (v > 0 && v < g) g = v;
  }
  return unsigned(g > 0x7fffffff ? 0x7fffffff : g);
}

unsigned grid_1d(int64_t n) {
  int64_t g = (n + kThreads - 1) / kThreads;
  return unsigned(g < 1 ? 1 : (g > 65535 ? 65535 : g));
}

// rows ≤ 2³¹ − 1 blocks in x (the TS layer keeps rows below that).
int select_rows(const uint64_t* keys, int64_t rows, int64_t cols, int64_t k, const float* src, int32_t* idx,
                float* val) {
  uint64_t* ck = nullptr;
  int32_t* ci = nullptr;
  int32_t* counts = nullptr;
  cudaError_t e = cudaMalloc(&ck, size_t(rows * k) * 8);
  if (e == cudaSuccess) e = cudaMalloc(&ci, size_t(rows * k) * 4);
  if (e == cudaSuccess) e = cudaMalloc(&counts, size_t(rows) * 4);
  if (e == cudaSuccess) {
    select_kernel<<<unsigned(rows), kThreads>>>(keys, cols, k, ck, ci, counts);
    rank_kernel<<<unsigned(rows), kThreads>>>(ck, ci, counts, k, idx);
    gather_kernel<<<unsigned(rows), kThreads>>>(src, cols, idx, val, k);
    e = cudaError_t(finish());
  }
  cudaFree(ck);
  cudaFree(ci);
  cudaFree(counts);
  return int(e);
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int lkc_abi(void) { return LKC_ABI; }

__attribute__((visibility("default"))) int lkc_probe(LkcInfo* info) {
  *info = LkcInfo{};
  cudaDriverGetVersion(&info->driver);
  cudaRuntimeGetVersion(&info->runtime);
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  info->error = int(e);
  info->devices = e == cudaSuccess ? n : 0;
  if (info->devices > 0) {
    cudaDeviceProp p;
    if (cudaGetDeviceProperties(&p, 0) == cudaSuccess) {
      for (int i = 0; i < 255 && p.name[i]; ++i) info->name[i] = p.name[i];
      info->major = p.major;
      info->minor = p.minor;
      info->sms = p.multiProcessorCount;
      info->memory_bytes = double(p.totalGlobalMem);
    }
    int clock_khz = 0, bus_bits = 0;
    if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, 0) == cudaSuccess &&
        cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, 0) == cudaSuccess)
      info->bandwidth_gbs = 2.0 * clock_khz * 1e3 * (bus_bits / 8.0) / 1e9;
  }
  cudaGetLastError();  // a failed probe must not stick to the next call
  return info->devices;
}

__attribute__((visibility("default"))) const char* lkc_error_name(int err) { return cudaGetErrorName(cudaError_t(err)); }
__attribute__((visibility("default"))) const char* lkc_error_string(int err) {
  return cudaGetErrorString(cudaError_t(err));
}
__attribute__((visibility("default"))) int lkc_malloc(void** p, size_t bytes) {
  int e = int(cudaMalloc(p, bytes ? bytes : 4));
  if (e) cudaGetLastError();
  return e;
}
__attribute__((visibility("default"))) int lkc_free(void* p) { return int(cudaFree(p)); }
__attribute__((visibility("default"))) int lkc_upload(void* d, const void* s, size_t n) {
  return n ? int(cudaMemcpy(d, s, n, cudaMemcpyHostToDevice)) : 0;
}
__attribute__((visibility("default"))) int lkc_download(void* d, const void* s, size_t n) {
  return n ? int(cudaMemcpy(d, s, n, cudaMemcpyDeviceToHost)) : 0;
}

__attribute__((visibility("default"))) int lkc_log_sum_exp(const float* x, float* lse, int64_t rows, int64_t cols,
                                                           float inv_t) {
  if (rows == 0) return 0;
  rows_kernel<<<row_grid(rows), kThreads>>>(x, lse, rows, cols, inv_t, 0);
  return finish();
}
__attribute__((visibility("default"))) int lkc_softmax(const float* x, float* y, int64_t rows, int64_t cols, float inv_t) {
  if (rows == 0) return 0;
  rows_kernel<<<row_grid(rows), kThreads>>>(x, y, rows, cols, inv_t, 1);
  return finish();
}
__attribute__((visibility("default"))) int lkc_log_softmax(const float* x, float* y, int64_t rows, int64_t cols,
                                                           float inv_t) {
  if (rows == 0) return 0;
  rows_kernel<<<row_grid(rows), kThreads>>>(x, y, rows, cols, inv_t, 2);
  return finish();
}
__attribute__((visibility("default"))) int lkc_softmax_cross_entropy(const float* x, const int32_t* labels, float* grad,
                                                                     float* lse, double* loss, int64_t rows,
                                                                     const LkcXentParams* p) {
  if (rows == 0) return 0;
  xent_kernel<<<row_grid(rows), kThreads>>>(x, labels, grad, lse, loss, *p, rows);
  return finish();
}
__attribute__((visibility("default"))) int lkc_philox_uint32(uint32_t* out, int64_t n, const uint32_t key[2],
                                                             const uint32_t ctr[4]) {
  if (n == 0) return 0;
  philox_kernel<<<grid_1d((n + 3) / 4), kThreads>>>(out, nullptr, nullptr, n, key[0], key[1], ctr[0], ctr[1], ctr[2],
                                                    ctr[3], 0.0f, 1.0f);
  return finish();
}
__attribute__((visibility("default"))) int lkc_philox_uniform(float* out, int64_t n, const uint32_t key[2],
                                                              const uint32_t ctr[4]) {
  if (n == 0) return 0;
  philox_kernel<<<grid_1d((n + 3) / 4), kThreads>>>(nullptr, out, nullptr, n, key[0], key[1], ctr[0], ctr[1], ctr[2],
                                                    ctr[3], 0.0f, 1.0f);
  return finish();
}
__attribute__((visibility("default"))) int lkc_gumbel(float* out, int64_t n, const uint32_t key[2], const uint32_t ctr[4],
                                                      float loc, float scale) {
  if (n == 0) return 0;
  philox_kernel<<<grid_1d((n + 3) / 4), kThreads>>>(nullptr, nullptr, out, n, key[0], key[1], ctr[0], ctr[1], ctr[2],
                                                    ctr[3], loc, scale);
  return finish();
}
__attribute__((visibility("default"))) int lkc_map_words_gumbel(const uint32_t* words, float* out, int64_t n) {
  if (n == 0) return 0;
  map_gumbel_kernel<<<grid_1d(n), kThreads>>>(words, out, n);
  return finish();
}
__attribute__((visibility("default"))) int lkc_sample_categorical(const float* x, int32_t* out, int64_t rows,
                                                                  int64_t cols, float inv_t, const LkcStreams* s) {
  if (rows == 0) return 0;
  categorical_kernel<<<unsigned(rows), kThreads>>>(x, out, cols, inv_t, *s);
  return finish();
}
__attribute__((visibility("default"))) int lkc_gumbel_top_k(const float* x, int32_t* idx, float* val, int64_t rows,
                                                            int64_t cols, int64_t k, const LkcStreams* s) {
  if (rows == 0 || k == 0) return 0;
  uint64_t* keys = nullptr;
  float* pert = nullptr;
  cudaError_t e = cudaMalloc(&keys, size_t(rows * cols) * 8);
  if (e == cudaSuccess) e = cudaMalloc(&pert, size_t(rows * cols) * 4);
  int r = int(e);
  if (e == cudaSuccess) {
    gumbel_keys_kernel<<<unsigned(rows), kThreads>>>(x, cols, *s, keys, pert);
    r = select_rows(keys, rows, cols, k, pert, idx, val);
  } else {
    cudaGetLastError();
  }
  cudaFree(keys);
  cudaFree(pert);
  return r;
}
__attribute__((visibility("default"))) int lkc_topk(const float* x, int64_t rows, int64_t cols, int64_t k, int largest,
                                                    float* values, int32_t* indices) {
  if (rows == 0 || k == 0) return 0;
  uint64_t* keys = nullptr;
  cudaError_t e = cudaMalloc(&keys, size_t(rows * cols) * 8);
  int r = int(e);
  if (e == cudaSuccess) {
    topk_keys_kernel<<<grid_1d(rows * cols), kThreads>>>(x, keys, rows * cols, largest != 0);
    r = select_rows(keys, rows, cols, k, x, indices, values);
  } else {
    cudaGetLastError();
  }
  cudaFree(keys);
  return r;
}

}  // extern "C"
