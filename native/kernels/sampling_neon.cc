// Sampling family, neon tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_neon.h"
#include "rng.h"

namespace {

#include "sampling_impl.inc"

}  // namespace

void lk_sampling_kernels_neon(SamplingKernels* t) { fill_sampling_kernels(t); }
