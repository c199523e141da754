// The pure-TypeScript implementation of the kernel interface (lib/kernels.ts).
import type { Kernels } from '../kernels/index.js';
import { calibrationKernels } from './calibration.js';
import { later } from './later.js';
import { decodingKernels } from './decoding.js';
import { philoxBlock, philoxStream, wordToUniform } from './philox.js';
import { beamKernels } from './beam.js';
import { samplingKernels } from './sampling.js';
import * as sm from './softmax.js';
import { topkKernels } from './topk.js';
import { xentKernels } from './xent.js';
import { nceKernels } from './nce.js';

/** out[i] = f(word i) for the stream that starts at block (c0..c3), one block at a time. */
function philoxMap(
  out: Float32Array, k0: number, k1: number, c0: number, c1: number, c2: number, c3: number,
  f: (w: number) => number,
): Float32Array {
  const block = new Uint32Array(4);
  const ctr = new Uint32Array([c0, c1, c2, c3]);
  for (let i = 0; i < out.length; i += 4) {
    philoxBlock(k0, k1, ctr[0], ctr[1], ctr[2], ctr[3], block, 0);
    for (let j = 0; j < 4 && i + j < out.length; j++) out[i + j] = f(block[j]);
    // 128-bit increment. Not `++ctr[k] === 0`: that expression is the unwrapped 2³², so the
    // carry out of a word that wraps to 0 was lost.
    for (let k = 0; k < 4; k++) {
      ctr[k]++;
      if (ctr[k] !== 0) break;
    }
  }
  return out;
}

export const referenceKernels: Kernels = {
  ...xentKernels,
  ...calibrationKernels,
  ...topkKernels,
  ...samplingKernels,
  ...beamKernels,
  ...nceKernels,
  ...decodingKernels,
  logSumExp: sm.logSumExp,
  softmax: sm.softmax,
  logSoftmax: sm.logSoftmax,
  softmaxAsync: later('softmax', sm.softmax, { 3: 'out' }),
  logSoftmaxAsync: later('logSoftmax', sm.logSoftmax, { 3: 'out' }),
  logSumExpAsync: later('logSumExp', sm.logSumExp, { 3: 'out' }),
  softmaxBackward: sm.softmaxBackward,
  softmaxBackwardAsync: later('softmaxBackward', sm.softmaxBackward, { 3: 'out' }),
  sigmoid: sm.sigmoid,
  logSigmoid: sm.logSigmoid,
  softplus: sm.softplus,
  logit: sm.logit,
  philoxUint32: philoxStream,
  philoxUniform: (out, k0, k1, c0, c1, c2, c3) => philoxMap(out, k0, k1, c0, c1, c2, c3, wordToUniform),
};
