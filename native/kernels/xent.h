// Xent family kernel signatures (stub: filled in by its issue).
#pragma once
#include <cstdint>

struct XentKernels {
  int reserved_;  // placeholder until the family's kernels land
};

void lk_xent_kernels_scalar(XentKernels* t);
void lk_xent_kernels_avx2(XentKernels* t);
void lk_xent_kernels_avx512(XentKernels* t);
