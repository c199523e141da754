// Topk family in float64: the conformance reference (stub until its issue lands).
import type { TopkKernels } from '../topk.js';

export const topkKernels: TopkKernels = {};
