// Calibration family, avx2 tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "calibration.h"

#include <cmath>

#include "../simd/vec_avx2.h"

namespace {
#include "calibration_impl.inc"
}  // namespace

void lk_calibration_kernels_avx2(CalibrationKernels* t) { fill_calibration_kernels(t); }
