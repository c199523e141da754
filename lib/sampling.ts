// Public Gumbel machinery and samplers built on Rng streams (issue 4 grows this file).
import type { Kernels } from './kernels.js';
import { rngFrom, type Rng } from './rng.js';
import { finite, integer, options, outF32, positive } from './validate.js';

/** Raw kernels of this family, implemented by the addon and by lib/reference/sampling.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SamplingKernels {}

export interface GumbelOptions {
  loc?: number;
  scale?: number;
  rng?: Rng;
  seed?: number | bigint;
  /** Output buffer of length n. */
  out?: Float32Array;
}

export function createSamplingApi(k: Kernels) {
  /**
   * n draws of Gumbel(loc, scale) = loc + scale·G, G = −log(−log u), from the full-word
   * transform of API.md: one word per draw, tails −3.13 … 22.87, never ±Infinity or NaN.
   * @example gumbel(4, { seed: 42 })
   */
  function gumbel(n: number, opts?: GumbelOptions): Float32Array {
    integer(n, 'gumbel: n', 0);
    const o = options<GumbelOptions>(opts, 'gumbel: options');
    const loc = o.loc === undefined ? 0 : finite(o.loc, 'gumbel: options.loc');
    const scale = o.scale === undefined ? 1 : positive(o.scale, 'gumbel: options.scale');
    const out = outF32(o.out, n, 'gumbel: options.out');
    const rng = rngFrom(o, 'gumbel');
    const s = rng.reserve(n);
    return k.philoxGumbel(out, s.k0, s.k1, s.c0, s.c1, s.c2, s.c3, loc, scale);
  }

  return { gumbel };
}
