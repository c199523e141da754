// Xent family, scalar tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "xent.h"

#include <cmath>
#include <cstring>

#include "../simd/vec_scalar.h"

namespace {
#include "xent_impl.inc"
}  // namespace

void lk_xent_kernels_scalar(XentKernels* t) { fill_xent_kernels(t); }
