// Topk family kernel signatures (stub: filled in by its issue).
#pragma once
#include <cstdint>

struct TopkKernels {
  int reserved_;  // placeholder until the family's kernels land
};

void lk_topk_kernels_scalar(TopkKernels* t);
void lk_topk_kernels_avx2(TopkKernels* t);
void lk_topk_kernels_avx512(TopkKernels* t);
