// Philox4x32-10 streams (API.md "Random numbers"). The state is a 2-word key and a 128-bit
// block counter owned by JS; a kernel fills draws [0, n) of the stream that starts at block
// `ctr`, so draw i uses block ctr + i/4, word i%4, on every tier and for any split.
#pragma once
#include <cstdint>

// out[i] = word i.
using lk_philox_u32_fn = void (*)(uint32_t* out, int64_t n, const uint32_t key[2], const uint32_t ctr[4]);
// out[i] = ((w >> 9) + ½)·2⁻²³, exact, strictly inside (0, 1).
using lk_philox_f32_fn = void (*)(float* out, int64_t n, const uint32_t key[2], const uint32_t ctr[4]);

struct RngKernels {
  lk_philox_u32_fn uint32;
  lk_philox_f32_fn uniform;
};

void lk_rng_kernels_scalar(RngKernels* t);
void lk_rng_kernels_avx2(RngKernels* t);
void lk_rng_kernels_avx512(RngKernels* t);

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
