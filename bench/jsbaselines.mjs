// Plain-JavaScript baselines: the straightforward loops a Node user would write without a
// library (Math.exp / Math.log on Float32Arrays, Math.random for noise). They are what the
// "plain JS" rows of the benchmark time; each is written in its sensible best form (no
// intermediate arrays where one is not needed, a heap for top-k) but without tricks.

/** logSoftmax per row: max, Σexp, then x − lse (three passes over the row). */
export function logSoftmax(x, cols, out = new Float32Array(x.length)) {
  for (let o = 0; o < x.length; o += cols) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) { const v = x[o + j]; if (v > m) m = v; }
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[o + j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < cols; j++) out[o + j] = x[o + j] - lse;
  }
  return out;
}

/** Mean softmax cross-entropy and its gradient (softmax − onehot) / rows. */
export function softmaxCrossEntropy(x, labels, grad = new Float32Array(x.length)) {
  const rows = labels.length;
  const cols = x.length / rows;
  const inv = 1 / rows;
  let loss = 0;
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) { const v = x[o + j]; if (v > m) m = v; }
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[o + j] - m);
    const lse = m + Math.log(s);
    const y = labels[r];
    loss += lse - x[o + y];
    for (let j = 0; j < cols; j++) grad[o + j] = Math.exp(x[o + j] - lse) * inv;
    grad[o + y] -= inv;
  }
  return { loss: loss * inv, grad };
}

/** Standard Gumbel noise −log(−log U), U = Math.random(). */
export function gumbel(n, out = new Float32Array(n)) {
  for (let i = 0; i < n; i++) out[i] = -Math.log(-Math.log(Math.random()));
  return out;
}

/** One categorical draw per row from logits by inverse CDF (max, Σexp into scratch, scan). */
export function sampleCategorical(x, cols, out = new Int32Array(x.length / cols)) {
  const scratch = new Float64Array(cols);
  for (let r = 0, o = 0; o < x.length; r++, o += cols) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) { const v = x[o + j]; if (v > m) m = v; }
    let s = 0;
    for (let j = 0; j < cols; j++) { const e = Math.exp(x[o + j] - m); scratch[j] = e; s += e; }
    let u = Math.random() * s;
    let j = 0;
    for (; j < cols - 1; j++) { u -= scratch[j]; if (u < 0) break; }
    out[r] = j;
  }
  return out;
}

/**
 * Top-k of each row with a size-k min-heap (root = the smallest kept value), then sorted
 * descending. Ties keep the lower index (a later equal value does not displace).
 */
export function topk(x, cols, k) {
  const rows = x.length / cols;
  const values = new Float32Array(rows * k);
  const indices = new Int32Array(rows * k);
  const hv = new Float32Array(k);
  const hi = new Int32Array(k);
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    topkRow(x, o, cols, k, hv, hi);
    // pop the min repeatedly into the tail: sorted descending
    for (let n = k; n > 0; n--) {
      values[r * k + n - 1] = hv[0];
      indices[r * k + n - 1] = hi[0];
      hv[0] = hv[n - 1]; hi[0] = hi[n - 1];
      siftDown(hv, hi, 0, n - 1);
    }
  }
  return { values, indices };
}

function topkRow(x, o, cols, k, hv, hi) {
  let n = 0;
  for (let j = 0; j < cols; j++) {
    const v = x[o + j];
    if (n < k) {
      // sift up
      let c = n++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!(v < hv[p] || (v === hv[p] && j > hi[p]))) break;
        hv[c] = hv[p]; hi[c] = hi[p]; c = p;
      }
      hv[c] = v; hi[c] = j;
    } else if (v > hv[0]) {
      hv[0] = v; hi[0] = j;
      siftDown(hv, hi, 0, k);
    }
  }
}

function siftDown(hv, hi, i, n) {
  const v = hv[i], id = hi[i];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && (hv[c + 1] < hv[c] || (hv[c + 1] === hv[c] && hi[c + 1] > hi[c]))) c++;
    if (hv[c] < v || (hv[c] === v && hi[c] > id)) { hv[i] = hv[c]; hi[i] = hi[c]; i = c; } else break;
  }
  hv[i] = v; hi[i] = id;
}

/** Gumbel-top-k: perturb each logit with −log(−log U) into a scratch row, then a heap top-k. */
export function gumbelTopK(x, cols, k) {
  const rows = x.length / cols;
  const scratch = new Float32Array(cols);
  const indices = new Int32Array(rows * k);
  const perturbed = new Float32Array(rows * k);
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    for (let j = 0; j < cols; j++) scratch[j] = x[o + j] - Math.log(-Math.log(Math.random()));
    const t = topk(scratch, cols, k);
    indices.set(t.indices, r * k);
    perturbed.set(t.values, r * k);
  }
  return { indices, perturbed };
}
