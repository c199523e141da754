// Top-k family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "topk.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "../simd/vec_avx2.h"

namespace {
#include "topk_impl.inc"
}  // namespace

void lk_topk_kernels_avx2(TopkKernels* t) { fill_topk_kernels(t); }
