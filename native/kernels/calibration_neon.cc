// Calibration family, neon tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "calibration.h"

#include <cmath>

#include "../simd/vec_neon.h"

namespace {
#include "calibration_impl.inc"
}  // namespace

void lk_calibration_kernels_neon(CalibrationKernels* t) { fill_calibration_kernels(t); }
