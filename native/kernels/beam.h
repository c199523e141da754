// Beam family: the per-step row work of stochastic beam search (Kool, van Hoof and Welling,
// "Stochastic Beams and Where to Find Them", ICML 2019) and of plain beam search. The search
// itself (model calls, finished sequences, the threshold) is TypeScript (lib/beam.ts).
//
// Tiers: scalar, avx2, avx512 (native/kernels/beam_<isa>.cc, bodies in beam_impl.inc).
// Contract (tested against the float64 TypeScript reference, lib/reference/beam.ts, which
// returns the same candidates for the same words):
// - row b of a step holds the next-token log-probabilities x[b, ·] of live prefix b; a child's
//   log-probability is φ = (parent_logp[b] − lse_b) + x[b, j], lse_b = log Σ_j exp x[b, j]
//   when `normalize`, else 0, in float64;
// - with noise (parent_g != null) the draw of token j of row b at step s is word j%4 of block
//   (j/4, b, s, 0) of the Philox key `key`; G = φ + Gumbel(word) in float64 (the full-word map
//   of lib/reference/philox.ts wordToGumbel), Z_b = max_j G, and the child's perturbed value is
//   the truncated-Gumbel shift
//   of G below T = parent_g[b]:  −log(e^−T − e^−Z + e^−G), evaluated as
//   T − max(v, 0) − log1p(e^−|v|), v = T − G + log1mexp(G − Z)  (Kool et al., appendix B),
//   so the maximal child gets exactly T; without noise the value is φ;
// - the kernel returns the `cap` best children over all rows, best first: larger value first,
//   ties to the lower flat index b·vocab + j; children with φ = −Infinity never enter. With
//   noise, a row's candidates are its `cap` best by G (same tie rule) and only those are
//   shifted: the same selection in exact arithmetic (the shift is increasing), and it fixes
//   which child is kept where rounding makes two shifted values equal (far above T);
// - a row whose entries are all −Infinity has no children; a NaN or +Infinity entry stops the
//   step: the return value is −1 − its flat index (the first in row-major order).
#pragma once
#include <cstdint>

#include "family.h"

// Returns the number of children written to out_* (≤ cap), or −1 − flat index of a bad entry.
using lk_beam_step_fn = int64_t (*)(const float* x, int64_t rows, int64_t vocab, const double* parent_logp,
                                    const double* parent_g, int normalize, const uint32_t key[2], uint32_t step,
                                    int64_t cap, int32_t* out_parent, int32_t* out_token, double* out_logp,
                                    double* out_value);

#define LK_BEAM_KERNELS(X) X(lk_beam_step_fn, beam_step)
struct BeamKernels {
  LK_BEAM_KERNELS(LK_KERNEL_FIELD)
};
LK_DECLARE_TIERS(beam, BeamKernels)
