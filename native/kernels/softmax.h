// Softmax family: per-row log-sum-exp / softmax / log-softmax with temperature, the softmax
// backward, and the stable elementwise sigmoid family. Plain pointers, no N-API.
//
// Tiers: scalar, avx2, avx512 (native/kernels/softmax_<isa>.cc, bodies in softmax_impl.inc).
// Contract (tested against the float64 TypeScript reference):
// - rows are independent; a row is read once for its statistics (online max + rescaled sum over
//   2048-float blocks) and once more for the output;
// - `-Inf` entries have probability 0; a row that is entirely `-Inf` gives lse = -Inf, a zero
//   softmax row and an all `-Inf` log-softmax row; any NaN in a row makes the whole row NaN;
// - sums are accumulated in float over at most 64 vectors, then in double;
// - `y` may alias `x` exactly (in-place); partial overlap is refused by the TS layer.
#pragma once
#include <cstdint>

// Row kernels: x, y are rows×cols; inv_t = 1/temperature.
using lk_rows_fn = void (*)(const float* x, float* y, int64_t rows, int64_t cols, float inv_t);
// logsumexp writes one float per row.
using lk_lse_fn = void (*)(const float* x, float* lse, int64_t rows, int64_t cols, float inv_t);
// dx = y ⊙ (dy − ⟨dy, y⟩) per row.
using lk_softmax_bwd_fn = void (*)(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols);
// Elementwise over n floats.
using lk_elementwise_fn = void (*)(const float* x, float* y, int64_t n);

struct SoftmaxKernels {
  lk_lse_fn logsumexp;
  lk_rows_fn softmax;
  lk_rows_fn logsoftmax;
  lk_softmax_bwd_fn softmax_backward;
  lk_elementwise_fn sigmoid;
  lk_elementwise_fn logsigmoid;
  lk_elementwise_fn softplus;
  lk_elementwise_fn logit;
  // The tier's raw vexp / vlog / vlog1p, exported for the accuracy tests only.
  lk_elementwise_fn exp;
  lk_elementwise_fn log;
  lk_elementwise_fn log1p;
};

void lk_softmax_kernels_scalar(SoftmaxKernels* t);
void lk_softmax_kernels_avx2(SoftmaxKernels* t);
void lk_softmax_kernels_avx512(SoftmaxKernels* t);
