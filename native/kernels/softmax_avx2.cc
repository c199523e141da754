// Softmax family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "softmax.h"

#include <cmath>

#include "../simd/vec_avx2.h"

namespace {
#include "softmax_impl.inc"
}  // namespace

void lk_softmax_kernels_avx2(SoftmaxKernels* t) { fill_softmax_kernels(t); }
