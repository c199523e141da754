// Philox4x32-10 (Salmon et al. 2011, Random123) in plain TypeScript: the conformance
// reference for the native Philox lanes. 32×32→64-bit products are built from 16-bit halves,
// because Math.imul gives only the low word.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

function mulhi(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const lh = al * bh, hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** Writes the 4 words of block (c0..c3) under key (k0, k1) into out[at..at+3]. */
export function philoxBlock(
  k0: number, k1: number, c0: number, c1: number, c2: number, c3: number, out: Uint32Array, at: number,
): void {
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[at] = c0;
  out[at + 1] = c1;
  out[at + 2] = c2;
  out[at + 3] = c3;
}

/** Draws [0, out.length) of the stream starting at block (c0..c3). */
export function philoxStream(
  out: Uint32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
): Uint32Array {
  const block = new Uint32Array(4);
  for (let i = 0; i < out.length; i += 4) {
    philoxBlock(k0, k1, c0, c1, c2, c3, block, 0);
    for (let j = 0; j < 4 && i + j < out.length; j++) out[i + j] = block[j];
    // 128-bit increment
    c0 = (c0 + 1) >>> 0;
    if (c0 === 0) {
      c1 = (c1 + 1) >>> 0;
      if (c1 === 0) {
        c2 = (c2 + 1) >>> 0;
        if (c2 === 0) c3 = (c3 + 1) >>> 0;
      }
    }
  }
  return out;
}

/** ((w >>> 9) + ½)·2⁻²³: exact in float32, strictly inside (0, 1). */
export function wordToUniform(w: number): number {
  return ((w >>> 9) + 0.5) * 2 ** -23;
}

/**
 * The full-word Gumbel (README, "Randomness"), in float64: E = −log u for w < 2³¹ (u = (w + ½)·2⁻³²),
 * else E = −log1p(−(2³² − w − ½)·2⁻³²); G = −log E. Finite for every word (−3.13 … 22.87).
 */
export function wordToGumbel(w: number): number {
  const e = w < 0x80000000 ? -Math.log((w + 0.5) * 2 ** -32) : -Math.log1p(-(2 ** 32 - w - 0.5) * 2 ** -32);
  return -Math.log(e);
}
