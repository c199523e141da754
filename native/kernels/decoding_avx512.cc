// Decoding family, avx512 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "decoding.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../simd/vec_avx512.h"
#include "rng.h"

namespace {
#include "decoding_impl.inc"
}  // namespace

void lk_decoding_kernels_avx512(DecodingKernels* t) { fill_decoding_kernels(t); }
