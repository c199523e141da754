// Softmax family: per-row log-sum-exp / softmax / log-softmax with temperature, the softmax
// backward, and the stable elementwise sigmoid family. Plain pointers, no N-API.
//
// Tiers: scalar, avx2, avx512 (native/kernels/softmax_<isa>.cc, bodies in softmax_impl.inc).
// Contract (tested against the float64 TypeScript reference):
// - rows are independent; a row is read once for its statistics (online max + rescaled sum over
//   2048-float blocks: the streaming row engine, rows.inc) and once more for the output;
// - the argument (x − m)·inv_t never overflows where the result is finite (rows.inc: formed as
//   (x/2 − m/2)·2·inv_t when inv_t < 1); inv_t is in [2⁻¹²⁶, 2¹²⁶] (the TS layer checks τ);
// - `-Inf` entries have probability 0; a row that is entirely `-Inf` gives lse = -Inf, a zero
//   softmax row and an all `-Inf` log-softmax row; any NaN in a row makes the whole row NaN;
// - sums are accumulated in float over at most 64 vectors, then in double;
// - `y` may alias `x` exactly (in-place); partial overlap is refused by the TS layer.
#pragma once
#include <cstdint>

#include "family.h"

// Row kernels: x, y are rows×cols; inv_t = 1/temperature.
using lk_rows_fn = void (*)(const float* x, float* y, int64_t rows, int64_t cols, float inv_t);
// logsumexp writes one float per row.
using lk_lse_fn = void (*)(const float* x, float* lse, int64_t rows, int64_t cols, float inv_t);
// dx = y ⊙ (dy − ⟨dy, y⟩) per row.
using lk_softmax_bwd_fn = void (*)(const float* y, const float* dy, float* dx, int64_t rows, int64_t cols);
// Elementwise over n floats.
using lk_elementwise_fn = void (*)(const float* x, float* y, int64_t n);

// The family's dispatch table, one X(type, field) per kernel. Field names follow the naming
// rule in native/simd/README.md; native/families.def turns this list into the struct and the
// load-time check that every field was filled.
// exp, log, log1p: the tier's raw vexp / vlog / vlog1p, exported for the accuracy tests only.
#define LK_SOFTMAX_KERNELS(X) \
  X(lk_lse_fn, log_sum_exp)              \
  X(lk_rows_fn, softmax)                 \
  X(lk_rows_fn, log_softmax)             \
  X(lk_softmax_bwd_fn, softmax_backward) \
  X(lk_elementwise_fn, sigmoid)          \
  X(lk_elementwise_fn, log_sigmoid)      \
  X(lk_elementwise_fn, softplus)         \
  X(lk_elementwise_fn, logit)            \
  X(lk_elementwise_fn, exp)              \
  X(lk_elementwise_fn, log)              \
  X(lk_elementwise_fn, log1p)
struct SoftmaxKernels {
  LK_SOFTMAX_KERNELS(LK_KERNEL_FIELD)
};
LK_DECLARE_TIERS(softmax, SoftmaxKernels)
