// NCE family: noise-contrastive estimation and negative sampling (Gutmann & Hyvärinen 2010;
// Mnih & Teh 2012; Mikolov et al. 2013), the Walker/Vose alias sampler that draws the noise
// words, and a fused skip-gram SGD step over two embedding tables. Plain pointers, no N-API.
//
// Tiers: scalar, avx2, avx512 (native/kernels/nce_<isa>.cc, bodies in nce_impl.inc).
// Contract (tested against the float64 TypeScript reference, lib/reference/nce.ts):
// - a row of the loss is 1 + k scores: column 0 the data word, columns 1..k the noise words;
//   Δ = s − c with c = log k + log q (or 0 for negative sampling), computed in float;
//   ℓ = softplus(−Δ₀) + Σⱼ softplus(Δⱼ) in the softplus form, finite for every finite score;
// - per-row losses are returned in double; reductions across rows are the caller's, in row
//   order, so results do not depend on the thread count;
// - alias draws use ONE Philox word each: with p = word·V (64-bit), column j = p >> 32 and the
//   coin u = p mod 2³²; the draw is j when u < threshold[j], else alias[j].
#pragma once
#include <cstdint>

#include "family.h"

// out[i] = s[i] − logk − lq[i] (or s[i] − logk when lq is null), i in [0, n).
using lk_nce_logits_fn = void (*)(const float* s, const float* lq, float logk, float* out, int64_t n);

// Rows [0, rows) of cols = 1 + k scores. Writes row_loss[r] (double) and, when grad is not
// null, grad = grad_scale·∂ℓ/∂s (may alias s).
using lk_nce_loss_fn = void (*)(const float* s, const float* lq, float logk, int64_t rows, int64_t cols,
                                float grad_scale, float* grad, double* row_loss);

// Draws [0, n) of the stream at block ctr through the alias table (V pairs threshold, alias,
// interleaved as 2V uint32): out[i] is the draw of word i.
using lk_alias_sample_fn = void (*)(const uint32_t* table, int64_t V, int32_t* out, int64_t n, const uint32_t key[2],
                                    const uint32_t ctr[4]);

// The skip-gram step's arguments. Pair p is (centre[p], context[p]) with noise words
// noise[p·k .. p·k + k − 1]; rows of `in` are indexed by centre words, rows of `out` by context
// and noise words. lq (V floats, log q) is null for negative sampling.
struct SkipGramArgs {
  float* in;
  float* out;
  int64_t dim;
  const int32_t* centre;
  const int32_t* context;
  const int32_t* noise;
  int64_t k;
  const float* lq;
  float logk;
  float lr;
  float* coef;  // pairs × (1 + k): lr·∂ℓ/∂s (deterministic mode)
  float* din;   // pairs × dim: the update of in[centre[p]] (deterministic mode)
};

// Hogwild / sequential SGD over pairs [p0, p1): each pair reads the current rows and updates
// them at once (word2vec.c's order: the output rows, then the input row). Writes loss[p].
using lk_skip_gram_step_fn = void (*)(const SkipGramArgs* a, int64_t p0, int64_t p1, double* loss);
// Deterministic mode, phase 1 for pairs [p0, p1): scores and losses from the tables as they
// are (nothing written to them), coef and din filled.
using lk_skip_gram_grad_fn = void (*)(const SkipGramArgs* a, int64_t p0, int64_t p1, double* loss);
// Deterministic mode, phase 2, in pair order over all `pairs`, on the rows whose part
// (lk_row_part below, of `parts`) is in [q0, q1): inputs false, out[w] −= coef·in[centre] for
// every scored word w; inputs true, in[centre] += din. The caller runs every part of the
// output phase before any of the input phase (the output phase reads the input rows).
using lk_skip_gram_apply_fn = void (*)(const SkipGramArgs* a, int64_t pairs, bool inputs, int64_t parts, int64_t q0,
                                       int64_t q1);

// The part of row r in a split into `parts`: a multiplicative hash, so that the most frequent
// words (the lowest ids of a count-sorted vocabulary) spread over the parts.
static inline int64_t lk_row_part(int32_t r, int64_t parts) {
  return int64_t((uint64_t(uint32_t(r) * 0x9E3779B9u) * uint64_t(parts)) >> 32);
}

#define LK_NCE_KERNELS(X)                      \
  X(lk_nce_logits_fn, nce_logits)              \
  X(lk_nce_loss_fn, nce_loss)                  \
  X(lk_alias_sample_fn, alias_sample)          \
  X(lk_skip_gram_step_fn, skip_gram_step)      \
  X(lk_skip_gram_grad_fn, skip_gram_grad)      \
  X(lk_skip_gram_apply_fn, skip_gram_apply)
struct NceKernels {
  LK_NCE_KERNELS(LK_KERNEL_FIELD)
};
LK_DECLARE_TIERS(nce, NceKernels)
