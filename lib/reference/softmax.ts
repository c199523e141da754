// Softmax family in float64, rounded to float32 once at the end: the conformance reference.
// Formulas: m = max x, lse_τ = m/τ + log Σ exp((x − m)/τ),
// softmax = exp((x − m)/τ − log s), log-softmax = (x − m)/τ − log s.

interface RowStats {
  m: number; // max, -Infinity for an all-masked row, NaN if the row has a NaN
  logS: number; // log Σ exp((x − m)·invT)
}

function rowStats(x: Float32Array, at: number, cols: number, invT: number): RowStats {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) {
    const v = x[at + j];
    if (v > m) m = v;
    else if (v !== v) return { m: NaN, logS: NaN };
  }
  if (m === -Infinity) return { m, logS: -Infinity };
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp((x[at + j] - m) * invT);
  return { m, logS: Math.log(s) };
}

export function logSumExp(x: Float32Array, cols: number, invT: number, out: Float32Array): Float32Array {
  for (let r = 0, at = 0; at < x.length; r++, at += cols) {
    const { m, logS } = rowStats(x, at, cols, invT);
    out[r] = m === -Infinity ? -Infinity : m * invT + logS;
  }
  return out;
}

export function softmax(x: Float32Array, cols: number, invT: number, out: Float32Array): Float32Array {
  for (let at = 0; at < x.length; at += cols) {
    const { m, logS } = rowStats(x, at, cols, invT);
    for (let j = 0; j < cols; j++) out[at + j] = m === -Infinity ? 0 : Math.exp((x[at + j] - m) * invT - logS);
  }
  return out;
}

export function logSoftmax(x: Float32Array, cols: number, invT: number, out: Float32Array): Float32Array {
  for (let at = 0; at < x.length; at += cols) {
    const { m, logS } = rowStats(x, at, cols, invT);
    for (let j = 0; j < cols; j++) out[at + j] = m === -Infinity ? -Infinity : (x[at + j] - m) * invT - logS;
  }
  return out;
}

/** dx = y ⊙ (dy − ⟨dy, y⟩) per row. */
export function softmaxBackward(y: Float32Array, dy: Float32Array, cols: number, out: Float32Array): Float32Array {
  for (let at = 0; at < y.length; at += cols) {
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += y[at + j] * dy[at + j];
    for (let j = 0; j < cols; j++) out[at + j] = y[at + j] * (dy[at + j] - dot);
  }
  return out;
}

/** softplus(x) = max(x, 0) + log1p(e^−|x|): no overflow for any finite x. */
export const softplusF64 = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
/** log σ(x) = −softplus(−x) = min(x, 0) − log1p(e^−|x|). */
export const logSigmoidF64 = (v: number): number => Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v)));
/** σ(x), with e^−|x| so that neither branch overflows. */
export function sigmoidF64(v: number): number {
  const e = Math.exp(-Math.abs(v));
  return v >= 0 ? 1 / (1 + e) : e / (1 + e);
}
/** logit(p) = log p − log1p(−p). */
export const logitF64 = (p: number): number => Math.log(p) - Math.log1p(-p);

function map(f: (v: number) => number) {
  return (x: Float32Array, out: Float32Array): Float32Array => {
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
    return out;
  };
}
export const sigmoid = map(sigmoidF64);
export const logSigmoid = map(logSigmoidF64);
export const softplus = map(softplusF64);
export const logit = map(logitF64);
