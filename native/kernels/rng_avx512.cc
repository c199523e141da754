// Philox streams, avx512 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "rng.h"

#include <cstring>

#include "../simd/vec_avx512.h"

namespace {
#include "rng_impl.inc"
}  // namespace

void lk_rng_kernels_avx512(RngKernels* t) { fill_rng_kernels(t); }
