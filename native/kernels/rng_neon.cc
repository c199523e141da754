// Philox streams, neon tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "rng.h"

#include <cstring>

#include "../simd/vec_neon.h"

namespace {
#include "rng_impl.inc"
}  // namespace

void lk_rng_kernels_neon(RngKernels* t) { fill_rng_kernels(t); }
