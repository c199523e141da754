// Sampling family, scalar tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "sampling.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_scalar.h"
#include "rng.h"

namespace {

#include "sampling_impl.inc"

}  // namespace

void lk_sampling_kernels_scalar(SamplingKernels* t) { fill_sampling_kernels(t); }
