// Softmax family, neon tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "softmax.h"

#include <cmath>

#include "../simd/vec_neon.h"

namespace {
#include "softmax_impl.inc"
}  // namespace

void lk_softmax_kernels_neon(SoftmaxKernels* t) { fill_softmax_kernels(t); }
