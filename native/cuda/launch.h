// The CUDA library's C interface (logitkit_cuda.so): plain pointers, no N-API, no CUDA headers,
// so the main addon can dlopen() it and never links a CUDA library itself (README, "CUDA").
// Every pointer named d_* is device memory; key / ctr / params are host memory. Every call
// returns a cudaError_t value (0 = success) and has finished (or failed) when it returns.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LKC_ABI 1

typedef struct LkcInfo {
  int32_t devices;        // cudaGetDeviceCount (0 when the call failed)
  int32_t error;          // its cudaError_t (0 when it succeeded)
  int32_t driver;         // cudaDriverGetVersion, e.g. 13000 (0 when unknown)
  int32_t runtime;        // cudaRuntimeGetVersion
  int32_t major, minor;   // compute capability of device 0
  int32_t sms;            // multiprocessors of device 0
  double memory_bytes;    // global memory of device 0
  double bandwidth_gbs;   // theoretical peak: 2 · memory clock · bus width (0 when unknown)
  char name[256];
} LkcInfo;

// Softmax cross-entropy options, as native/kernels/xent.h XentParams (d_weights on the device).
typedef struct LkcXentParams {
  int64_t cols;
  int32_t ignore_index;
  float smoothing;
  const float* d_weights;
  double weight_sum;
  float zloss;
  double grad_scale;
} LkcXentParams;

// Row streams, as native/kernels/sampling.h LkRowStreams (d_per_row: 6 words per row, device).
typedef struct LkcStreams {
  uint32_t key[2];
  uint32_t ctr[4];
  uint64_t first;
  const uint32_t* d_per_row;
} LkcStreams;

int lkc_abi(void);
int lkc_probe(LkcInfo* info);
const char* lkc_error_name(int err);
const char* lkc_error_string(int err);
int lkc_malloc(void** d_ptr, size_t bytes);
int lkc_free(void* d_ptr);
int lkc_upload(void* d_dst, const void* src, size_t bytes);
int lkc_download(void* dst, const void* d_src, size_t bytes);

int lkc_log_sum_exp(const float* d_x, float* d_lse, int64_t rows, int64_t cols, float inv_t);
int lkc_softmax(const float* d_x, float* d_y, int64_t rows, int64_t cols, float inv_t);
int lkc_log_softmax(const float* d_x, float* d_y, int64_t rows, int64_t cols, float inv_t);
// d_grad may be null (forward only) or alias d_x; d_loss: one double per row (the caller sums them
// in row order, as on the CPU).
int lkc_softmax_cross_entropy(const float* d_x, const int32_t* d_labels, float* d_grad, float* d_lse, double* d_loss,
                              int64_t rows, const LkcXentParams* p);
int lkc_philox_uint32(uint32_t* d_out, int64_t n, const uint32_t key[2], const uint32_t ctr[4]);
int lkc_philox_uniform(float* d_out, int64_t n, const uint32_t key[2], const uint32_t ctr[4]);
int lkc_gumbel(float* d_out, int64_t n, const uint32_t key[2], const uint32_t ctr[4], float loc, float scale);
// Test hook: the device's full-word Gumbel of each word.
int lkc_map_words_gumbel(const uint32_t* d_words, float* d_out, int64_t n);
int lkc_sample_categorical(const float* d_x, int32_t* d_out, int64_t rows, int64_t cols, float inv_t,
                           const LkcStreams* s);
int lkc_gumbel_top_k(const float* d_x, int32_t* d_idx, float* d_val, int64_t rows, int64_t cols, int64_t k,
                     const LkcStreams* s);
// Always sorted, best first (ties: lower index; NaN above +Infinity; largest = 0 mirrors the
// order of numbers but NaN still ranks last).
int lkc_topk(const float* d_x, int64_t rows, int64_t cols, int64_t k, int largest, float* d_values,
             int32_t* d_indices);

#ifdef __cplusplus
}
#endif
