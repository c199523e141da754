// Sampling family kernel signatures (stub: filled in by its issue).
#pragma once
#include <cstdint>

struct SamplingKernels {
  int reserved_;  // placeholder until the family's kernels land
};

void lk_sampling_kernels_scalar(SamplingKernels* t);
void lk_sampling_kernels_avx2(SamplingKernels* t);
void lk_sampling_kernels_avx512(SamplingKernels* t);
