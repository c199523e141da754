// Sampling family, avx512 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_avx512.h"
#include "rng.h"

namespace {

#include "sampling_impl.inc"

}  // namespace

void lk_sampling_kernels_avx512(SamplingKernels* t) { fill_sampling_kernels(t); }
