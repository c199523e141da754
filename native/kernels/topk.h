// Top-k and argmax per row. Plain pointers, no N-API.
//
// Tiers: scalar, avx2, avx512 (native/kernels/topk_<isa>.cc, bodies in topk_impl.inc; the
// selection itself is heap.inc's TopkSelect, shared with gumbelTopK).
// Contract (tested against the TypeScript reference, lib/reference/topk.ts):
// - the order is heap.inc's total order: NaN above +Infinity, -0 below +0, ties (equal
//   values) broken by the lower index; with largest = false the order of values is mirrored
//   but NaN still counts as the largest value (chosen last);
// - sorted: best first; unsorted: the same k elements in selection order (deterministic for a
//   tier, cols and k; not the same order across tiers);
// - values[j] = x[indices[j]] bit for bit (NaN payloads included);
// - 0 ≤ k ≤ cols ≤ 2^31 − 1; k = 0 writes nothing.
#pragma once
#include <cstdint>

#include "family.h"

// values, indices: rows×k.
using lk_topk_rows_fn = void (*)(const float* x, int64_t rows, int64_t cols, int64_t k, bool largest, bool sorted,
                                 float* values, int32_t* indices);
// Partial result for splitting one long row: the min(k, n) best of x[0..n), whose indices are
// base .. base+n−1, as heap.inc rank_comp integers (unordered) in out[0..min(k, n)). Returns
// the count.
using lk_topk_partial_fn = int64_t (*)(const float* x, int64_t n, int64_t base, int64_t k, bool largest, uint64_t* out);
// Final result of a split row from the concatenated partial results parts[0..n) (any order);
// `row` is the whole row (values are read back from it).
using lk_topk_merge_fn = void (*)(const float* row, const uint64_t* parts, int64_t n, int64_t k, bool largest,
                                  bool sorted, float* values, int32_t* indices);
// out[r] = index of the best element of row r (the first of the largest; NaN wins).
using lk_argmax_fn = void (*)(const float* x, int64_t rows, int64_t cols, int32_t* out);

// The family's dispatch table, one X(type, field) per kernel. Field names follow the naming
// rule in native/simd/README.md; native/families.def turns this list into the struct and the
// load-time check that every field was filled.
#define LK_TOPK_KERNELS(X) \
  X(lk_topk_rows_fn, topk)            \
  X(lk_topk_partial_fn, topk_partial) \
  X(lk_topk_merge_fn, topk_merge)     \
  X(lk_argmax_fn, argmax)
struct TopkKernels {
  LK_TOPK_KERNELS(LK_KERNEL_FIELD)
};
LK_DECLARE_TIERS(topk, TopkKernels)
