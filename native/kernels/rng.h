// Philox4x32-10 streams (Salmon et al. 2011; README, "Randomness"). The state is a 2-word key and a 128-bit
// block counter owned by JS; a kernel fills draws [0, n) of the stream that starts at block
// `ctr`, so draw i uses block ctr + i/4, word i%4, on every tier and for any split.
#pragma once
#include <cstdint>

#include "family.h"

// out[i] = word i.
using lk_philox_u32_fn = void (*)(uint32_t* out, int64_t n, const uint32_t key[2], const uint32_t ctr[4]);
// out[i] = ((w >> 9) + ½)·2⁻²³, exact, strictly inside (0, 1).
using lk_philox_f32_fn = void (*)(float* out, int64_t n, const uint32_t key[2], const uint32_t ctr[4]);

// The family's dispatch table, one X(type, field) per kernel. Field names follow the naming
// rule in native/simd/README.md; native/families.def turns this list into the struct and the
// load-time check that every field was filled.
#define LK_RNG_KERNELS(X) \
  X(lk_philox_u32_fn, philox_uint32)  \
  X(lk_philox_f32_fn, philox_uniform)
struct RngKernels {
  LK_RNG_KERNELS(LK_KERNEL_FIELD)
};
LK_DECLARE_TIERS(rng, RngKernels)

// ctr + blocks as 128-bit little-endian words. `static`: each tier gets its own copy, so the
// linker cannot hand the scalar tier a copy compiled for AVX-512.
static inline void lk_ctr_add(const uint32_t ctr[4], uint64_t blocks, uint32_t out[4]) {
  uint64_t lo = uint64_t(ctr[0]) | (uint64_t(ctr[1]) << 32);
  uint64_t sum = lo + blocks;
  uint64_t carry = sum < lo ? 1 : 0;
  uint64_t hi = (uint64_t(ctr[2]) | (uint64_t(ctr[3]) << 32)) + carry;
  out[0] = uint32_t(sum);
  out[1] = uint32_t(sum >> 32);
  out[2] = uint32_t(hi);
  out[3] = uint32_t(hi >> 32);
}
