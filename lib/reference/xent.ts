// Xent family in float64: the conformance reference (stub until its issue lands).
import type { XentKernels } from '../xent.js';

export const xentKernels: XentKernels = {};
