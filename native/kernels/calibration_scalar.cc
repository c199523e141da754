// Calibration family, scalar tier. Compiled with this tier's flags only (see CMakeLists.txt).
#include "calibration.h"

#include <cmath>

#include "../simd/vec_scalar.h"

namespace {
#include "calibration_impl.inc"
}  // namespace

void lk_calibration_kernels_scalar(CalibrationKernels* t) { fill_calibration_kernels(t); }
