// Decoding family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "decoding.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../simd/vec_avx2.h"
#include "rng.h"

namespace {
#include "decoding_impl.inc"
}  // namespace

void lk_decoding_kernels_avx2(DecodingKernels* t) { fill_decoding_kernels(t); }
