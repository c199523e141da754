// NCE family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "nce.h"
#include "rng.h"

#include <cmath>
#include <algorithm>
#include <cstring>
#include <vector>

#include "../simd/vec_avx2.h"

namespace {
#include "nce_impl.inc"
}  // namespace

void lk_nce_kernels_avx2(NceKernels* t) { fill_nce_kernels(t); }
