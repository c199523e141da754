// Xent family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "xent.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_avx2.h"

namespace {
#include "xent_impl.inc"
}  // namespace

void lk_xent_kernels_avx2(XentKernels* t) { fill_xent_kernels(t); }
