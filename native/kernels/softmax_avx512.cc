// Softmax family, avx512 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "softmax.h"

#include <cmath>

#include "../simd/vec_avx512.h"

namespace {
#include "softmax_impl.inc"
}  // namespace

void lk_softmax_kernels_avx512(SoftmaxKernels* t) { fill_softmax_kernels(t); }
