// Beam family, neon tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "beam.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "../simd/vec_neon.h"
#include "rng.h"
#include "sampling.h"

namespace {

#include "beam_impl.inc"

}  // namespace

void lk_beam_kernels_neon(BeamKernels* t) { fill_beam_kernels(t); }
