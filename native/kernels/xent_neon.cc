// Xent family, neon tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "xent.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_neon.h"

namespace {
#include "xent_impl.inc"
}  // namespace

void lk_xent_kernels_neon(XentKernels* t) { fill_xent_kernels(t); }
