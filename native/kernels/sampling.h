// Sampling family: Gumbel noise and the Gumbel tricks, fused with their Philox stream so the
// noise lives in registers and is never stored (README, "Randomness").
//
// Tiers: scalar, avx2, avx512 (native/kernels/sampling_<isa>.cc, bodies in sampling_impl.inc).
// Contract (tested against the float64 TypeScript reference, lib/reference/sampling.ts):
// - draw i of a stream is word i%4 of block ctr + i/4 (rng.h); every kernel here consumes one
//   word per element, in row-major order, so any tier, chain interleave or thread split
//   reproduces the same draws;
// - the noise of a word is the full-word Gumbel of the README (gumbel_fast of the tier, a few ulp
//   from the float64 map);
// - a perturbed value x·inv_t + g that is -Inf (a masked logit) is never selected; NaN ranks
//   above every number (as torch.argmax / torch.topk), so the first NaN of a row is selected;
//   ties go to the lower index.
#pragma once
#include <cstdint>

#include "family.h"

// Where the draws of each row start. Either one shared stream (`per_row == nullptr`): row r of
// the call takes draws first + r·cols .. first + r·cols + cols − 1 of the stream (key, ctr);
// or one stream per row: `per_row` holds 6 words per row (k0, k1, c0, c1, c2, c3) and row r
// takes draws 0 .. cols − 1 of its own stream.
struct LkRowStreams {
  uint32_t key[2];
  uint32_t ctr[4];
  uint64_t first;
  const uint32_t* per_row;
};

// out[r] = argmax_j (x[r,j]·inv_t + g[r,j]), or −1 when the row has no candidate (all -Inf).
using lk_categorical_fn = void (*)(const float* x, int32_t* out, int64_t rows, int64_t cols, float inv_t,
                                   const LkRowStreams* s);
// idx/val (rows×k) = the k largest x + g per row, best first; slots beyond the row's finite
// support get index −1 and value -Inf.
using lk_gumbel_topk_fn = void (*)(const float* x, int32_t* idx, float* val, int64_t rows, int64_t cols, int64_t k,
                                   const LkRowStreams* s);
// z = h·((x − m) + g) (rows×cols, may alias x; m the row's largest finite logit, h = 1/2 when
// inv_tau < 1, else 1: the caller's softmax takes inv_tau/h as its temperature) and argmax[r] =
// the argmax of x + g, as for categorical at inv_t = 1.
using lk_perturb_fn = void (*)(const float* x, float* z, int32_t* argmax, int64_t rows, int64_t cols, float inv_tau,
                               const LkRowStreams* s);
// Gumbel(loc[i]) conditioned on ≤ T (t_arr[i], or t when t_arr is null), as T − softplus(T − g)
// evaluated without cancellation: g − log1p(e^(g−T)) when g ≤ T, else T − log1p(e^(T−g)).
// Draws [0, n) of the stream (key, ctr).
using lk_trunc_gumbel_fn = void (*)(const float* loc, const float* t_arr, float t, float* out, int64_t n,
                                    const uint32_t key[2], const uint32_t ctr[4]);
// out[i] = loc + scale·G(word i): the reference's wordToGumbel numbers (lib/reference/philox.ts, to a few ulp), with interleaved
// Philox chains and the lean transform of sampling_impl.inc.
using lk_gumbel_fill_fn = void (*)(float* out, int64_t n, const uint32_t key[2], const uint32_t ctr[4], float loc,
                                   float scale);

// The tiers' gumbel_bound(w) ≥ G(w) for every word: G ≤ −ln q ≤ ln 2·(127·2²³ − bits(q))·2⁻²³
// above the middle word (q = 1 − u; E ≥ q, Mitchell's log2 bound), G ≤ −ln ln 2 below it. The
// margin covers the float rounding of the bound and of the exact transform.
constexpr float lk_gumbel_bound_margin = 1e-3f;
constexpr float lk_gumbel_bound_lower = 0.36651292f + lk_gumbel_bound_margin;

// Reparameterised samplers, one word per draw: out[i] = a_i + b_i·X(word i) with X standard
// normal / Laplace / Cauchy; Exp(1)/b_i; exp(a_i + b_i·Z) (log-normal); ±1 (Rademacher).
// a_i = a_arr[i] (or a when a_arr is null), b_i likewise.
enum LkSampleKind {
  LK_SAMPLE_NORMAL = 0,
  LK_SAMPLE_EXPONENTIAL = 1,
  LK_SAMPLE_LAPLACE = 2,
  LK_SAMPLE_CAUCHY = 3,
  LK_SAMPLE_LOGNORMAL = 4,
  LK_SAMPLE_RADEMACHER = 5,
};
using lk_sample_fn = void (*)(int kind, float* out, int64_t n, const float* a_arr, float a, const float* b_arr, float b,
                              const uint32_t key[2], const uint32_t ctr[4]);

// Test hook: out[i] = the tier's transform of words[i] (a sampler kind above, LK_WORDS_GUMBEL
// for the full-word Gumbel, LK_WORDS_BOUND for gumbel_bound).
constexpr int LK_WORDS_GUMBEL = 6;
constexpr int LK_WORDS_BOUND = 7;
using lk_map_words_fn = void (*)(int kind, const uint32_t* words, float* out, int64_t n);

// The family's dispatch table, one X(type, field) per kernel. Field names follow the naming
// rule in native/simd/README.md; native/families.def turns this list into the struct and the
// load-time check that every field was filled.
#define LK_SAMPLING_KERNELS(X) \
  X(lk_categorical_fn, sample_categorical) \
  X(lk_gumbel_topk_fn, gumbel_top_k)       \
  X(lk_perturb_fn, gumbel_softmax)         \
  X(lk_trunc_gumbel_fn, truncated_gumbel)  \
  X(lk_gumbel_fill_fn, gumbel)             \
  X(lk_sample_fn, sample)                  \
  X(lk_map_words_fn, sample_map_words)
struct SamplingKernels {
  LK_SAMPLING_KERNELS(LK_KERNEL_FIELD)
};
LK_DECLARE_TIERS(sampling, SamplingKernels)
