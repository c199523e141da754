// Decoding family, neon tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "decoding.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../simd/vec_neon.h"
#include "rng.h"

namespace {
#include "decoding_impl.inc"
}  // namespace

void lk_decoding_kernels_neon(DecodingKernels* t) { fill_decoding_kernels(t); }
