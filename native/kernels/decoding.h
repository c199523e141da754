// Decoding family: one fused pass from a language model's logits to the next token per row
// (penalties → bias/bans → temperature → top-k → top-p → min-p → sample). Plain pointers, no
// N-API.
//
// Tiers: scalar, avx2, avx512 (native/kernels/decoding_<isa>.cc, bodies in decoding_impl.inc;
// candidate selection is heap.inc's TopkSelect).
// Contract (tested against the float64 TypeScript reference, lib/reference/decoding.ts): every
// quantity that decides the token is computed in float64 with the reference's operations in
// the reference's order (and its exp / log polynomials, without FMA contraction), so the
// token is the reference's token on every tier; float32 is used only for filters whose
// margins make them conservative.
#pragma once
#include <cstdint>

#include "family.h"
#include "sampling.h"  // LkRowStreams

struct LkDecodeParams {
  double temperature;  // 0 = greedy
  double top_p;        // 1 = off
  double min_p;        // 0 = off
  double rep;          // repetition penalty (1 = off)
  double presence, frequency;
  int64_t top_k;  // 0 = off
  int64_t top_n;  // alternatives per row in top_idx / top_lp
  const int32_t* hist;      // previous tokens of row r: hist[hist_off[r] .. hist_off[r+1])
  const int32_t* hist_off;  // rows + 1 offsets, or null
  const int32_t* bias_idx;  // sorted, unique (per row when bias_off is given)
  const double* bias_val;
  int64_t n_bias;
  const int32_t* bias_off;  // rows + 1 offsets: row r's bias is entries [bias_off[r], bias_off[r+1]); null = shared
  const int32_t* banned;    // sorted, unique (per row when banned_off is given)
  int64_t n_banned;
  const int32_t* banned_off;  // rows + 1 offsets into banned, or null (shared)
  int32_t* tokens;     // rows
  float* log_probs;    // rows, or null
  int32_t* top_idx;    // rows × top_n, or null
  float* top_lp;       // rows × top_n, or null
};

// Rows [r0, r1) of a call over x (rows × cols); s describes the streams of the whole call
// (row r's draws as in sampleCategorical). All token ids are in [0, cols).
using lk_sample_next_fn = void (*)(const float* x, int64_t cols, int64_t r0, int64_t r1, const LkDecodeParams* p,
                                   const LkRowStreams* s);
// Test hook: out[i] = detExp(in[i]) (kind 0), detLog (1), detGumbel of the word in[i] (2).
using lk_decode_math_fn = void (*)(int kind, const double* in, double* out, int64_t n);

#define LK_DECODING_KERNELS(X)          \
  X(lk_sample_next_fn, sample_next)     \
  X(lk_decode_math_fn, decode_math)
struct DecodingKernels {
  LK_DECODING_KERNELS(LK_KERNEL_FIELD)
};
LK_DECLARE_TIERS(decoding, DecodingKernels)
