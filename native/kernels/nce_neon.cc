// NCE family, neon tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "nce.h"
#include "rng.h"

#include <cmath>
#include <algorithm>
#include <cstring>
#include <vector>

#include "../simd/vec_neon.h"

namespace {
#include "nce_impl.inc"
}  // namespace

void lk_nce_kernels_neon(NceKernels* t) { fill_nce_kernels(t); }
