// Xent family: fused softmax cross-entropy (forward + backward) and binary cross-entropy with
// logits. Plain pointers, no N-API.
//
// Tiers: scalar, avx2, avx512 (native/kernels/xent_<isa>.cc, bodies in xent_impl.inc).
// Contract (tested against the float64 TypeScript reference, lib/reference/xent.ts):
// - softmax cross-entropy reads a row once for its statistics (per 2048-float block: the block
//   max, then exp(x − running max) stored into `grad` while Σexp, Σx and Σw·x accumulate; the
//   running sum is rescaled when the max moves), then once more to scale those stored terms
//   into the gradient; that second pass of row r runs block by block (last block first)
//   interleaved with the first pass of row r + 1, which prefetches the blocks it will write;
// - per-row losses are computed in double; reductions across rows are left to the caller, in
//   row order, so results do not depend on the thread count;
// - `grad` may alias `x` exactly (in-place backward); labels are trusted (the binding checks
//   them: each is in [0, cols) or equals ignore_index);
// - each log-probability is (m − x_c) + log Σexp (no cancellation for huge logits); Σexp is
//   accumulated in float over at most 64 vectors, then in double; Σx and Σw·x in double lanes;
// - the statistics pass is the streaming row engine (rows.inc) with this family's block step.
#pragma once
#include <cstdint>

#include "family.h"

struct XentParams {
  int64_t cols;
  int32_t ignore_index;
  float smoothing;       // ε ∈ [0, 1]
  const float* weights;  // class weights (cols floats), or nullptr for all ones
  double weight_sum;     // Σ_c w_c (cols when unweighted)
  float zloss;           // λ ≥ 0: adds λ·w_y·lse² per non-ignored row
  double grad_scale;     // the reduction's factor on every row gradient (1/D for mean, else 1)
};

// Rows × cols logits `x` with one label per row. Writes lse[r] (float), loss[r] (double: the
// row's loss, 0 for an ignored row) and, when grad is not null, the row gradients of
// grad_scale·Σ loss (rows × cols, may alias x; zero rows for ignored labels).
using lk_xent_fn = void (*)(const float* x, const int32_t* labels, float* grad, float* lse, double* loss,
                            int64_t rows, const XentParams* p);

// Binary cross-entropy with logits over elements [begin, end) of x / t, where begin is a
// multiple of kXentBceBlock. Element g uses the positive weight pw[g mod period] read from a
// tile of tile_len floats (tile_len is a multiple of period and the tile repeats pw), or 1
// when pw is null. Writes loss[g] and grad[g] = grad_scale·dℓ/dx when those are not null
// (grad may alias x), and partial[k] = Σ ℓ (double, element order) over block k of the range.
constexpr int64_t kXentBceBlock = 2048;
using lk_bce_fn = void (*)(const float* x, const float* t, const float* pw, int64_t period, int64_t tile_len,
                           int64_t begin, int64_t end, float* loss, float* grad, float grad_scale,
                           double* partial);

// The family's dispatch table, one X(type, field) per kernel. Field names follow the naming
// rule in native/simd/README.md; native/families.def turns this list into the struct and the
// load-time check that every field was filled.
#define LK_XENT_KERNELS(X) \
  X(lk_xent_fn, softmax_cross_entropy)           \
  X(lk_bce_fn, binary_cross_entropy_with_logits)
struct XentKernels {
  LK_XENT_KERNELS(LK_KERNEL_FIELD)
};
LK_DECLARE_TIERS(xent, XentKernels)
