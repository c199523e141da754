// Sampling family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_avx2.h"
#include "rng.h"

namespace {

#include "sampling_impl.inc"

}  // namespace

void lk_sampling_kernels_avx2(SamplingKernels* t) { fill_sampling_kernels(t); }
