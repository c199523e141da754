// Top-k family, neon tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "topk.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "../simd/vec_neon.h"

namespace {
#include "topk_impl.inc"
}  // namespace

void lk_topk_kernels_neon(TopkKernels* t) { fill_topk_kernels(t); }
