// Beam family in float64: the conformance reference of one search step (lib/kernels/beam.ts has
// the contract). Written plainly after Kool, van Hoof and Welling (2019), "Stochastic Beams and
// Where to Find Them", section 3 and appendix B: every child of a live prefix gets a Gumbel
// perturbation of its log-probability, and the children's perturbed values are shifted so that
// their maximum equals the parent's perturbed value (a sample of Gumbels conditioned on their
// maximum). The native kernel selects the same children with the same float64 values.
import type { BeamKernels } from '../kernels/beam.js';
import { philoxStream, wordToGumbel } from './philox.js';

/** log(1 − e^a) for a ≤ 0 without cancellation (Mächler 2012); −Infinity at a = 0. */
export function log1mexp(a: number): number {
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/**
 * The truncated-Gumbel shift of G ≤ Z below T: −log(e^−T − e^−Z + e^−G), evaluated as
 * T − max(v, 0) − log1p(e^−|v|) with v = T − G + log1mexp(G − Z) (Kool et al. 2019, B.3). The
 * maximal child (G = Z) gets v = −Infinity and exactly T.
 */
export function sbsShift(t: number, z: number, g: number): number {
  const v = t - g + log1mexp(g - z);
  return t - Math.max(v, 0) - Math.log1p(Math.exp(-Math.abs(v)));
}

/** Ranking of candidates: larger value first, ties to the lower flat index. */
function better(va: number, ia: number, vb: number, ib: number): boolean {
  return va > vb || (va === vb && ia < ib);
}

/** The `cap` best entries so far, best first (insertion into a short sorted list). */
class Best {
  readonly vals: Float64Array;
  readonly idx: Float64Array;
  readonly lps: Float64Array;
  n = 0;
  constructor(readonly cap: number) {
    this.vals = new Float64Array(cap);
    this.idx = new Float64Array(cap);
    this.lps = new Float64Array(cap);
  }
  offer(v: number, i: number, lp: number): void {
    const { vals, idx, lps, cap } = this;
    if (this.n === cap && (cap === 0 || !better(v, i, vals[cap - 1], idx[cap - 1]))) return;
    let p = this.n < cap ? this.n++ : cap - 1;
    while (p > 0 && better(v, i, vals[p - 1], idx[p - 1])) {
      vals[p] = vals[p - 1]; idx[p] = idx[p - 1]; lps[p] = lps[p - 1];
      p--;
    }
    vals[p] = v; idx[p] = i; lps[p] = lp;
  }
}

export const beamKernels: BeamKernels = {
  beamStep(x, vocab, parentLogp, parentG, normalize, k0, k1, step, cap, outParent, outToken, outLogp, outValue) {
    const rows = parentLogp.length;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v !== v || v === Infinity) return -1 - i;
    }
    const best = new Best(cap), row = new Best(cap);
    const offer = (v: number, i: number, lp: number): void => best.offer(v, i, lp);
    const words = new Uint32Array(vocab);
    const g = new Float64Array(vocab);
    for (let b = 0; b < rows; b++) {
      const at = b * vocab;
      // A child's log p = ((x − m) − log s) + parent, the row's own part first: parent − lse
      // first loses the parent for lse near 3e38 (CHANGELOG, Unreleased).
      const parent = parentLogp[b];
      let m = 0, logS = 0;
      if (normalize) {
        m = -Infinity;
        for (let j = 0; j < vocab; j++) m = Math.max(m, x[at + j]);
        if (m === -Infinity) continue; // no children
        let s = 0;
        for (let j = 0; j < vocab; j++) s += Math.exp(x[at + j] - m);
        logS = Math.log(s);
      }
      const logp = (j: number): number => ((x[at + j] - m) - logS) + parent;
      if (!parentG) {
        for (let j = 0; j < vocab; j++) {
          if (x[at + j] === -Infinity) continue;
          const phi = logp(j);
          offer(phi, at + j, phi);
        }
        continue;
      }
      // The words of row b at this step: block (j/4, b, step, 0) of the search's private key.
      philoxStream(words, k0, k1, 0, b, step, 0);
      let z = -Infinity;
      for (let j = 0; j < vocab; j++) {
        g[j] = x[at + j] === -Infinity ? -Infinity : logp(j) + wordToGumbel(words[j]);
        if (g[j] > z) z = g[j];
      }
      if (z === -Infinity) continue; // all −Infinity: no children
      // The row's `cap` best by G, then their shifted values against the others (the shift is
      // increasing, so this is the selection by shifted value; where rounding makes two
      // shifted values equal it fixes which one is kept, the same way as the native kernel).
      const t = parentG[b];
      row.n = 0;
      for (let j = 0; j < vocab; j++) {
        if (g[j] !== -Infinity) row.offer(g[j], at + j, logp(j));
      }
      for (let i = 0; i < row.n; i++) offer(sbsShift(t, z, row.vals[i]), row.idx[i], row.lps[i]);
    }
    for (let i = 0; i < best.n; i++) {
      outParent[i] = Math.floor(best.idx[i] / vocab);
      outToken[i] = best.idx[i] % vocab;
      outLogp[i] = best.lps[i];
      outValue[i] = best.vals[i];
    }
    return best.n;
  },
};
