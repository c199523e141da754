// Philox word → variate transforms in float64, shared by the reference kernels
// (lib/reference/sampling.ts) and the public gamma samplers (lib/sampling.ts), which run in
// TypeScript on every backend. The native tiers' float32 forms are in sampling_impl.inc.
const TWO32 = 2 ** 32;
const TWO31 = 2 ** 31;

/** The full-word Exp(1) (README, "Randomness"): E = −log u (w < 2³¹) or −log1p(−(2³² − w − ½)·2⁻³²). */
export function wordToExponential(w: number): number {
  return w < TWO31 ? -Math.log((w + 0.5) * 2 ** -32) : -Math.log1p(-(TWO32 - w - 0.5) * 2 ** -32);
}

/** q = (min(w, 2³² − 1 − w) + ½)·2⁻³², the distance of u = (w + ½)·2⁻³² to its nearer end (exact). */
function tail(w: number): number {
  return (Math.min(w, TWO32 - 1 - w) + 0.5) * 2 ** -32;
}

/**
 * Φ⁻¹(q) for q ∈ (0, ½] (so ≤ 0): Wichura's AS241 PPND16, relative error about 1e-16
 * (the rational approximations also used by Python's statistics.NormalDist).
 */
export function ndtriLower(q: number): number {
  const d = q - 0.5;
  if (Math.abs(d) <= 0.425) {
    const r = 0.180625 - d * d;
    const num = (((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r +
      4.5921953931549871457e4) * r + 1.3731693765509461125e4) * r + 1.9715909503065514427e3) * r +
      1.3314166789178437745e2) * r + 3.387132872796366608) * d;
    const den = ((((((5.226495278852854561e3 * r + 2.8729085735721942674e4) * r + 3.930789580009271061e4) * r +
      2.1213794301586595867e4) * r + 5.3941960214247511077e3) * r + 6.871870074920579083e2) * r +
      4.2313330701600911252e1) * r + 1;
    return num / den;
  }
  let r = Math.sqrt(-Math.log(q));
  let num: number, den: number;
  if (r <= 5) {
    r -= 1.6;
    num = ((((((7.7454501427834140764e-4 * r + 2.27238449892691845833e-2) * r + 2.4178072517745061177e-1) * r +
      1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
      4.6303378461565452959) * r + 1.42343711074968357734;
    den = ((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 1.51986665636164571966e-2) * r +
      1.4810397642748007459e-1) * r + 6.8976733498510000455e-1) * r + 1.6763848301838038494) * r +
      2.05319162663775882187) * r + 1;
  } else {
    r -= 5;
    num = ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.2426609473880784386e-3) * r +
      2.6532189526576123093e-2) * r + 2.9656057182850489123e-1) * r + 1.7848265399172913358) * r +
      5.4637849111641143699) * r + 6.6579046435011037772;
    den = ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
      7.868691311456132591e-4) * r + 1.4875361290850614852e-2) * r + 1.3692988092273580531e-1) * r +
      5.9983220655588793769e-1) * r + 1;
  }
  return -num / den;
}

/**
 * The full-word standard normal: Φ⁻¹(u), u = (w + ½)·2⁻³², evaluated as ±Φ⁻¹(q) on the nearer
 * tail q (exact), so words w and 2³² − 1 − w give exactly opposite values; |z| ≤ 6.36.
 */
export function wordToNormal(w: number): number {
  const z = ndtriLower(tail(w));
  return w >= TWO31 ? -z : z;
}

/**
 * Standard Laplace: the top bit is the sign, the magnitude −log(2q), taken as −log1p(−2(½ − q))
 * when 2q ≥ ½ so that samples near 0 keep their relative precision.
 */
export function wordToLaplace(w: number): number {
  const q = tail(w);
  const l = q >= 0.25 ? Math.log1p(-2 * (0.5 - q)) : Math.log(2 * q); // log(2q) ≤ 0
  return w >= TWO31 ? -l : l;
}

/**
 * Standard Cauchy tan(π(u − ½)) = ±cot(πq) = ±tan(π(½ − q)), from a = min(q, ½ − q) ≤ ¼ (exact),
 * so neither end loses precision.
 */
export function wordToCauchy(w: number): number {
  const q = tail(w);
  const t = Math.tan(Math.PI * Math.min(q, 0.5 - q));
  const c = q <= 0.25 ? 1 / t : t;
  return w >= TWO31 ? c : -c;
}

