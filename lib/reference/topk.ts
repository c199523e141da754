// Top-k and argmax in plain TypeScript: the conformance reference. A bounded binary heap per
// row (the worst kept element at the root), elements offered in index order, one comparison
// function that is the whole ranking rule.
import type { TopkKernels } from '../kernels/topk.js';
import { later } from './later.js';

/**
 * Does (a at index ia) rank above (b at ib)? Values descending when `largest`, ascending
 * otherwise; NaN is the largest value either way (first when largest, last when smallest);
 * -0 and +0 are equal (IEEE comparison); equal values: the lower index ranks above.
 */
export function ranksAbove(a: number, ia: number, b: number, ib: number, largest: boolean): boolean {
  const an = a !== a, bn = b !== b;
  if (an || bn) return an && bn ? ia < ib : largest ? an : bn;
  if (a !== b) return largest ? a > b : a < b;
  return ia < ib;
}

// Min-heap of indices into `row` by rank: heap[0] is the worst kept element.
function siftDown(heap: Int32Array, n: number, i: number, row: Float32Array, at: number, largest: boolean): void {
  const e = heap[i];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && ranksAbove(row[at + heap[c]], heap[c], row[at + heap[c + 1]], heap[c + 1], largest)) c++;
    if (!ranksAbove(row[at + e], e, row[at + heap[c]], heap[c], largest)) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = e;
}

function siftUp(heap: Int32Array, i: number, row: Float32Array, at: number, largest: boolean): void {
  const e = heap[i];
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!ranksAbove(row[at + heap[p]], heap[p], row[at + e], e, largest)) break;
    heap[i] = heap[p];
    i = p;
  }
  heap[i] = e;
}

export function topk(
  x: Float32Array, cols: number, k: number, largest: boolean, sorted: boolean,
  values: Float32Array, indices: Int32Array,
): Float32Array {
  if (k === 0) return values;
  const heap = new Int32Array(k);
  for (let r = 0, at = 0; at < x.length; r++, at += cols) {
    let n = 0;
    for (let j = 0; j < cols; j++) {
      if (n < k) {
        heap[n] = j;
        siftUp(heap, n++, x, at, largest);
      } else if (ranksAbove(x[at + j], j, x[at + heap[0]], heap[0], largest)) {
        heap[0] = j;
        siftDown(heap, n, 0, x, at, largest);
      }
    }
    const o = r * k;
    if (sorted) {
      // Pop the worst into the last free slot: best first.
      for (let m = n; m > 0; m--) {
        const top = heap[0];
        heap[0] = heap[m - 1];
        siftDown(heap, m - 1, 0, x, at, largest);
        indices[o + m - 1] = top;
      }
    } else {
      for (let j = 0; j < n; j++) indices[o + j] = heap[j];
    }
    for (let j = 0; j < k; j++) values[o + j] = x[at + indices[o + j]];
  }
  return values;
}

export function argmax(x: Float32Array, cols: number, out: Int32Array): Int32Array {
  for (let r = 0, at = 0; at < x.length; r++, at += cols) {
    let best = 0;
    for (let j = 1; j < cols; j++) if (ranksAbove(x[at + j], j, x[at + best], best, true)) best = j;
    out[r] = best;
  }
  return out;
}

export const topkKernels: TopkKernels = {
  topk,
  topkAsync: later('topk', topk, { 5: 'values', 6: 'indices' }),
  argmax,
  argmaxAsync: later('argmax', argmax, { 2: 'out' }),
};
