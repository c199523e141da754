// Calibration family, avx512 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "calibration.h"

#include <cmath>

#include "../simd/vec_avx512.h"

namespace {
#include "calibration_impl.inc"
}  // namespace

void lk_calibration_kernels_avx512(CalibrationKernels* t) { fill_calibration_kernels(t); }
