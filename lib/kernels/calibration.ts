// The calibration family's kernel contract: what native/bindings/calibration.cc and
// lib/reference/calibration.ts both implement. Arguments are already validated by
// lib/calibration.ts; outputs are always supplied.
import type { Reduction } from './xent.js';

/** Raw kernels of this family, implemented by the addon and by lib/reference/calibration.ts. */
export interface CalibrationKernels {
  /** out[r] = −Σ p log p, p = softmax(x_r·invTemperature); 0 for an all −Infinity row. */
  entropy(x: Float32Array, cols: number, invTemperature: number, out: Float32Array): Float32Array;
  /**
   * Per selected row (mask[r] ≠ 0, or every row when mask is null) beta·(lse − mean(x) − log C),
   * 0 elsewhere; grad (when not null) = g·(p − 1/C) with g = beta (divided by the selected-row
   * count for 'mean'), 0 on unselected rows — or added to grad, unselected rows untouched, with
   * accumulate. rowLoss (when not null) gets the row losses; total[0] the reduced loss (the
   * sum for 'sum' and 'none').
   */
  klUniform(
    x: Float32Array, cols: number, mask: Uint8Array | null, beta: number, reduction: Reduction, accumulate: boolean,
    grad: Float32Array | null, rowLoss: Float32Array | null, total: Float64Array,
  ): Float64Array;
  /**
   * Temperature-scaling statistics at beta = 1/T over rows whose label ≠ ignoreIndex:
   * out = [Σ NLL, Σ dNLL/dβ, Σ d²NLL/dβ², Σ (max − x_y), rows counted], with
   * NLL = lse(β·x) − β·x_y, dNLL/dβ = E_p[x] − x_y, d²NLL/dβ² = Var_p[x] (p = softmax(β·x)).
   */
  temperatureNll(x: Float32Array, labels: Int32Array, cols: number, beta: number, ignoreIndex: number, out: Float64Array): Float64Array;
  /**
   * conf[r] = max softmax(x_r·invTemperature), pred[r] = first index of the row max;
   * an all −Infinity row: 0 and 0; a row holding a NaN: NaN and −1.
   */
  confidence(x: Float32Array, cols: number, invTemperature: number, conf: Float32Array, pred: Int32Array): Float32Array;
  /**
   * KL(N(mu, e^logVar) ‖ N(mu2, e^logVar2)) summed over rows of `dim` elements (mu2 / logVar2
   * null: the standard normal); gradients (each may be null) of the reduced loss ('mean' divides
   * by the number of rows); rowLoss per row; total[0] the reduced loss.
   */
  gaussianKL(
    mu: Float32Array, logVar: Float32Array, mu2: Float32Array | null, logVar2: Float32Array | null, dim: number,
    reduction: Reduction, gradMu: Float32Array | null, gradLogVar: Float32Array | null,
    gradMu2: Float32Array | null, gradLogVar2: Float32Array | null, rowLoss: Float32Array | null, total: Float64Array,
  ): Float64Array;
}
