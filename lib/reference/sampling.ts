// Sampling family in float64: the conformance reference (stub until its issue lands).
import type { SamplingKernels } from '../sampling.js';

export const samplingKernels: SamplingKernels = {};
