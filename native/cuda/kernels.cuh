// CUDA kernels of logitkit (included by launch.cu only) (README, "CUDA"): the same contracts as the CPU families
// (native/kernels/softmax.h, xent.h, rng.h, sampling.h, topk.h) on device pointers. One thread
// block per row; rows are independent, so results do not depend on the launch shape.
//
// Randomness: draw i of a stream is word i%4 of Philox4x32-10 block ctr + i/4 (Salmon et al.
// 2011), exactly as on the CPU, so the words are bit-identical; the full-word Gumbel is the
// CPU's float32 formula (gumbel_words.inc) with CUDA's logf, a few ulp from the CPU's.
#pragma once
#include <cuda_runtime.h>
#include <math.h>
#include <stdint.h>

#include "launch.h"

namespace lkc {

constexpr int kThreads = 512;
constexpr int kWarps = kThreads / 32;

// --- Philox4x32-10 --------------------------------------------------------------------------
__device__ __forceinline__ void philox_block(uint32_t k0, uint32_t k1, uint32_t c[4]) {
#pragma unroll
  for (int r = 0; r < 10; ++r) {
    uint32_t hi0 = __umulhi(0xD2511F53u, c[0]), lo0 = 0xD2511F53u * c[0];
    uint32_t hi1 = __umulhi(0xCD9E8D57u, c[2]), lo1 = 0xCD9E8D57u * c[2];
    uint32_t n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;
    c[0] = n0;
    c[1] = lo1;
    c[2] = n2;
    c[3] = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
}

// The 4 words of block ctr + b (128-bit little-endian counter).
__device__ __forceinline__ void stream_block(const uint32_t key[2], const uint32_t ctr[4], uint64_t b, uint32_t w[4]) {
  uint64_t lo = uint64_t(ctr[0]) | (uint64_t(ctr[1]) << 32);
  uint64_t sum = lo + b;
  uint64_t hi = (uint64_t(ctr[2]) | (uint64_t(ctr[3]) << 32)) + (sum < lo ? 1 : 0);
  w[0] = uint32_t(sum);
  w[1] = uint32_t(sum >> 32);
  w[2] = uint32_t(hi);
  w[3] = uint32_t(hi >> 32);
  philox_block(key[0], key[1], w);
}

// The full-word Gumbel of gumbel_words.inc: q = distance of u = (w + ½)·2⁻³² to its nearer end
// (exact from an integer), E = −log u or −log1p(−q) as log(t) + c·(2 − t), G = −log E.
__device__ __forceinline__ float gumbel_word(uint32_t w) {
  bool up = (w & 0x80000000u) != 0;
  uint32_t m = up ? ~w : w;
  float q = __fadd_rn(__fmul_rn(float(int32_t(m)), 0x1p-32f), 0x1p-33f);
  float t = up ? __fsub_rn(1.0f, q) : q;
  float c = up ? __fsub_rn(__fsub_rn(1.0f, t), q) : 0.0f;
  float l = __fmaf_rn(c, __fsub_rn(2.0f, t), logf(t));
  return -logf(-l);
}

// Exactly the CPU's u32_to_uniform: the product is exact and the sum rounds once, never fused.
__device__ __forceinline__ float uniform_word(uint32_t w) { return __fadd_rn(__fmul_rn(float(w >> 9), 0x1p-23f), 0x1p-24f); }

// Where row r's draws come from: (key, ctr) and its first draw.
struct RowStream {
  uint32_t key[2];
  uint32_t ctr[4];
  uint64_t first;
};
__device__ __forceinline__ RowStream row_stream(const LkcStreams& s, int64_t r, int64_t cols) {
  RowStream o;
  if (s.d_per_row) {
    const uint32_t* p = s.d_per_row + 6 * r;
    o.key[0] = p[0];
    o.key[1] = p[1];
    for (int i = 0; i < 4; ++i) o.ctr[i] = p[2 + i];
    o.first = 0;
  } else {
    o.key[0] = s.key[0];
    o.key[1] = s.key[1];
    for (int i = 0; i < 4; ++i) o.ctr[i] = s.ctr[i];
    o.first = s.first + uint64_t(r) * uint64_t(cols);
  }
  return o;
}

// Calls f(j, word) for every element j of the row, each thread taking whole Philox blocks.
template <class F>
__device__ __forceinline__ void for_row_words(const RowStream& rs, int64_t cols, F f) {
  uint64_t d0 = rs.first, d1 = rs.first + uint64_t(cols);
  uint64_t b0 = d0 >> 2, b1 = (d1 + 3) >> 2;
  for (uint64_t b = b0 + threadIdx.x; b < b1; b += blockDim.x) {
    uint32_t w[4];
    stream_block(rs.key, rs.ctr, b, w);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      uint64_t d = 4 * b + i;
      if (d >= d0 && d < d1) f(int64_t(d - d0), w[i]);
    }
  }
}

__global__ void philox_kernel(uint32_t* out_u, float* out_f, float* out_g, int64_t n, uint32_t k0, uint32_t k1,
                              uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, float loc, float scale) {
  const uint32_t key[2] = {k0, k1};
  const uint32_t ctr[4] = {c0, c1, c2, c3};
  for (int64_t b = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; 4 * b < n; b += int64_t(gridDim.x) * blockDim.x) {
    uint32_t w[4];
    stream_block(key, ctr, uint64_t(b), w);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      int64_t d = 4 * b + i;
      if (d >= n) break;
      if (out_u) out_u[d] = w[i];
      if (out_f) out_f[d] = uniform_word(w[i]);
      if (out_g) out_g[d] = __fmaf_rn(gumbel_word(w[i]), scale, loc);
    }
  }
}

__global__ void map_gumbel_kernel(const uint32_t* words, float* out, int64_t n) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = gumbel_word(words[i]);
}

// --- row statistics: online max and rescaled Σexp ---------------------------------------------
// exp((x − m)·inv_t) without overflow of x − m: as (x/2 − m/2)·2·inv_t when inv_t < 1 (rows.inc).
__device__ __forceinline__ float scaled_diff(float x, float m, float inv_t) {
  return inv_t < 1.0f ? (0.5f * x - 0.5f * m) * (2.0f * inv_t) : (x - m) * inv_t;
}

struct Stats {
  float m;    // running max
  double s;   // Σ exp((x − m)·inv_t), flushed from sf every 64 terms
  float sf;
  int n;
  bool nan;
  double sx;  // Σ w·x (cross-entropy smoothing only)
};

__device__ __forceinline__ void stats_add(Stats& st, float x, float inv_t) {
  if (x != x) {
    st.nan = true;
    return;
  }
  if (x > st.m) {
    if (st.m != -INFINITY) {
      float f = expf(scaled_diff(st.m, x, inv_t));
      st.s *= f;
      st.sf *= f;
    }
    st.m = x;
  }
  if (x != -INFINITY) {
    st.sf += expf(scaled_diff(x, st.m, inv_t));
    if (++st.n == 64) {
      st.s += st.sf;
      st.sf = 0.0f;
      st.n = 0;
    }
  }
}

// Block-wide combination of every thread's Stats; all threads get the row's (m, s, nan, sx).
__device__ void stats_reduce(Stats& st, float inv_t) {
  __shared__ float sm[kThreads];
  __shared__ double ss[kThreads], sx[kThreads];
  __shared__ int sn[kThreads];
  st.s += st.sf;
  st.sf = 0.0f;
  st.n = 0;
  int t = threadIdx.x;
  sm[t] = st.m;
  ss[t] = st.s;
  sx[t] = st.sx;
  sn[t] = st.nan;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h >>= 1) {
    if (t < h) {
      float m1 = sm[t], m2 = sm[t + h];
      float m = fmaxf(m1, m2);
      double s = 0.0;
      if (m != -INFINITY) {
        if (ss[t] != 0.0) s += ss[t] * double(expf(scaled_diff(m1, m, inv_t)));
        if (ss[t + h] != 0.0) s += ss[t + h] * double(expf(scaled_diff(m2, m, inv_t)));
      }
      sm[t] = m;
      ss[t] = s;
      sx[t] += sx[t + h];
      sn[t] |= sn[t + h];
    }
    __syncthreads();
  }
  st.m = sm[0];
  st.s = ss[0];
  st.sx = sx[0];
  st.nan = sn[0] != 0;
  __syncthreads();
}

__device__ __forceinline__ Stats stats_init() { return Stats{-INFINITY, 0.0, 0.0f, 0, false, 0.0}; }

// mode 0: lse; 1: softmax; 2: log-softmax.
__device__ void rows_row(int64_t r, const float* x, float* y, int64_t cols, float inv_t, int mode) {
  const float* xr = x + r * cols;
  Stats st = stats_init();
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) stats_add(st, xr[j], inv_t);
  stats_reduce(st, inv_t);
  float m = st.nan ? NAN : st.m;
  double logs = log(st.s);
  if (mode == 0) {
    if (threadIdx.x == 0) y[r] = st.nan ? NAN : (m == -INFINITY ? -INFINITY : float(double(m) * inv_t + logs));
    return;
  }
  float* yr = y + r * cols;
  float lf = float(logs);
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
    float v = xr[j];
    float z;
    if (m != m || v != v) z = NAN;
    else if (m == -INFINITY || v == -INFINITY) z = mode == 1 ? 0.0f : -INFINITY;
    else {
      float a = scaled_diff(v, m, inv_t) - lf;
      z = mode == 1 ? expf(a) : a;
    }
    yr[j] = z;
  }
}

// Rows are taken grid-stride: a grid smaller than rows keeps fewer rows in flight, so that the
// second read of a row can come from L2 (launch.cu: LOGITKIT_CUDA_ROW_BLOCKS).
__global__ void rows_kernel(const float* x, float* y, int64_t rows, int64_t cols, float inv_t, int mode) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    rows_row(r, x, y, cols, inv_t, mode);
    __syncthreads();
  }
}

// --- fused softmax cross-entropy (lib/reference/xent.ts) ---------------------------------------
__device__ void xent_row(int64_t r, const float* x, const int32_t* labels, float* grad, float* lse, double* loss,
                         const LkcXentParams& p) {
  const int64_t C = p.cols;
  const float* xr = x + r * C;
  const double eps = p.smoothing;
  const int32_t y = labels[r];
  const bool ignored = y == p.ignore_index;
  Stats st = stats_init();
  for (int64_t j = threadIdx.x; j < C; j += blockDim.x) {
    float v = xr[j];
    stats_add(st, v, 1.0f);
    if (eps > 0 && !ignored) {
      float w = p.d_weights ? p.d_weights[j] : 1.0f;
      if (w != 0.0f) st.sx += double(w) * double(v);
    }
  }
  stats_reduce(st, 1.0f);
  const bool masked = !st.nan && st.m == -INFINITY;
  const double m = st.nan ? NAN : st.m;
  const double L = log(st.s);
  const double l = masked ? -INFINITY : m + L;
  if (threadIdx.x == 0) lse[r] = float(l);
  float* gr = grad ? grad + r * C : nullptr;
  if (ignored) {
    if (threadIdx.x == 0) loss[r] = 0.0;
    if (gr)
      for (int64_t j = threadIdx.x; j < C; j += blockDim.x) gr[j] = 0.0f;
    return;
  }
  const double wy = p.d_weights ? p.d_weights[y] : 1.0;
  const double cy = (1 - eps) * wy, lambda = p.zloss;
  if (threadIdx.x == 0) {
    double ls = 0;
    if (cy != 0) ls += cy * (masked ? INFINITY : (m - double(xr[y])) + L);
    if (eps > 0 && p.weight_sum != 0) ls += (eps / C) * (masked ? INFINITY : (p.weight_sum * m - st.sx) + p.weight_sum * L);
    if (lambda != 0 && wy != 0) ls += lambda * wy * l * l;
    loss[r] = ls;
  }
  if (!gr) return;
  __syncthreads();  // every thread has read xr[y] / its stats before an in-place gradient overwrites x
  const float A = float(cy + (eps / C) * p.weight_sum + (lambda != 0 ? 2 * lambda * wy * l : 0));
  const float es = float(eps / C), fcy = float(cy), scale = float(p.grad_scale);
  const float mf = float(m), Lf = float(L);
  for (int64_t j = threadIdx.x; j < C; j += blockDim.x) {
    float v = xr[j];
    float pA = masked ? 0.0f : expf((v - mf) - Lf) * A;
    float wj = p.d_weights ? p.d_weights[j] : 1.0f;
    gr[j] = scale * (pA - es * wj - (j == y ? fcy : 0.0f));
  }
}

__global__ void xent_kernel(const float* x, const int32_t* labels, float* grad, float* lse, double* loss,
                            LkcXentParams p, int64_t rows) {
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    xent_row(r, x, labels, grad, lse, loss, p);
    __syncthreads();
  }
}

// --- categorical sampling: argmax of x·inv_t + G ----------------------------------------------
struct Best {
  double v;
  int64_t i;
  bool nan;
};
__device__ __forceinline__ bool beats(const Best& a, const Best& b) {
  if (a.i < 0) return false;
  if (b.i < 0) return true;
  if (a.nan != b.nan) return a.nan;
  if (a.nan) return a.i < b.i;
  return a.v > b.v || (a.v == b.v && a.i < b.i);
}
__device__ Best best_reduce(Best b) {
  __shared__ double sv[kThreads];
  __shared__ int64_t si[kThreads];
  __shared__ bool sn[kThreads];
  int t = threadIdx.x;
  sv[t] = b.v;
  si[t] = b.i;
  sn[t] = b.nan;
  __syncthreads();
  for (int h = blockDim.x / 2; h > 0; h >>= 1) {
    if (t < h) {
      Best o{sv[t + h], si[t + h], sn[t + h]}, me{sv[t], si[t], sn[t]};
      if (beats(o, me)) {
        sv[t] = o.v;
        si[t] = o.i;
        sn[t] = o.nan;
      }
    }
    __syncthreads();
  }
  Best r{sv[0], si[0], sn[0]};
  __syncthreads();
  return r;
}

__global__ void categorical_kernel(const float* x, int32_t* out, int64_t cols, float inv_t, LkcStreams s) {
  const float* xr = x + int64_t(blockIdx.x) * cols;
  RowStream rs = row_stream(s, blockIdx.x, cols);
  Best b{-INFINITY, -1, false};
  for_row_words(rs, cols, [&](int64_t j, uint32_t w) {
    float v = xr[j];
    Best c{double(v) * double(inv_t) + double(gumbel_word(w)), j, v != v};
    if (!c.nan && c.v == -INFINITY) return;  // a masked logit is never selected
    if (beats(c, b)) b = c;
  });
  b = best_reduce(b);
  if (threadIdx.x == 0) out[blockIdx.x] = int32_t(b.i);
}

// --- selection: the k largest 64-bit keys per row (0 = not a candidate), ties by lower index ---
__device__ __forceinline__ uint64_t double_key(double v) {
  if (v != v) return ~0ull;
  uint64_t b = __double_as_longlong(v + 0.0);
  return (b >> 63) ? ~b : (b | (1ull << 63));
}
__device__ __forceinline__ uint64_t float_key(float v, bool largest) {
  if (v != v) return largest ? ~0ull : 1ull;  // NaN: the largest value either way (chosen last when smallest)
  uint32_t b = __float_as_uint(v + 0.0f);
  uint32_t u = (b >> 31) ? ~b : (b | 0x80000000u);
  if (!largest) u = ~u;
  return (uint64_t(u) << 32) | 1ull;
}

// Exclusive prefix count of `flag` over the block in thread order; *total gets the block's count.
__device__ int block_prefix(bool flag, int* total) {
  __shared__ int warp_tot[kWarps + 1];
  unsigned bal = __ballot_sync(0xffffffffu, flag);
  int lane = threadIdx.x & 31, wid = threadIdx.x >> 5;
  int before = __popc(bal & ((1u << lane) - 1u));
  if (lane == 0) warp_tot[wid] = __popc(bal);
  __syncthreads();
  if (threadIdx.x == 0) {
    int acc = 0;
    for (int i = 0; i < int(blockDim.x >> 5); ++i) {
      int c = warp_tot[i];
      warp_tot[i] = acc;
      acc += c;
    }
    warp_tot[kWarps] = acc;
  }
  __syncthreads();
  int r = warp_tot[wid] + before;
  *total = warp_tot[kWarps];
  __syncthreads();
  return r;
}

// keys: rows × cols; writes cand_key / cand_idx (rows × k) sorted best first and *count per row
// (min(k, candidates)); remaining slots untouched.
__global__ void select_kernel(const uint64_t* keys, int64_t cols, int64_t k, uint64_t* cand_key, int32_t* cand_idx,
                              int32_t* counts) {
  const uint64_t* kr = keys + int64_t(blockIdx.x) * cols;
  uint64_t* ck = cand_key + int64_t(blockIdx.x) * k;
  int32_t* ci = cand_idx + int64_t(blockIdx.x) * k;
  __shared__ unsigned long long hist[256];
  __shared__ unsigned long long valid;
  __shared__ uint64_t prefix;
  __shared__ long long need;
  if (threadIdx.x == 0) valid = 0;
  __syncthreads();
  unsigned long long mine = 0;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) mine += kr[j] != 0;
  atomicAdd(&valid, mine);
  __syncthreads();
  const int64_t kk = valid < (unsigned long long)k ? int64_t(valid) : k;
  if (threadIdx.x == 0) {
    counts[blockIdx.x] = int32_t(kk);
    prefix = 0;
    need = kk;
  }
  __syncthreads();
  if (kk == 0) return;
  // Radix select, 8 bits at a time from the top: the kk-th largest key T.
  for (int shift = 56; shift >= 0; shift -= 8) {
    for (int i = threadIdx.x; i < 256; i += blockDim.x) hist[i] = 0;
    __syncthreads();
    const uint64_t hi_mask = shift == 56 ? 0 : (~0ull << (shift + 8));
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
      uint64_t key = kr[j];
      if (key != 0 && (key & hi_mask) == prefix) atomicAdd(&hist[(key >> shift) & 255], 1ull);
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      long long rem = need;
      int d = 255;
      for (; d > 0; --d) {
        if ((long long)hist[d] >= rem) break;
        rem -= (long long)hist[d];
      }
      prefix |= uint64_t(d) << shift;
      need = rem;
    }
    __syncthreads();
  }
  const uint64_t T = prefix;
  const long long ties = need;  // how many keys equal to T are taken (the lowest indices)
  // Collect in index order: every key > T, and the first `ties` keys == T.
  long long n_gt = 0, n_eq = 0;
  for (int64_t j0 = 0; j0 < cols; j0 += blockDim.x) {
    int64_t j = j0 + threadIdx.x;
    uint64_t key = j < cols ? kr[j] : 0;
    int tot_gt, tot_eq;
    int pg = block_prefix(key > T, &tot_gt);
    int pe = block_prefix(key == T && key != 0, &tot_eq);
    if (key > T) {
      ck[n_gt + pg] = key;
      ci[n_gt + pg] = int32_t(j);
    } else if (key == T && key != 0 && n_eq + pe < ties) {
      int64_t at = (kk - ties) + n_eq + pe;
      ck[at] = key;
      ci[at] = int32_t(j);
    }
    n_gt += tot_gt;
    n_eq += tot_eq;
  }
}

// Rank sort of the kk candidates (best first): position = how many candidates beat it.
__global__ void rank_kernel(const uint64_t* cand_key, const int32_t* cand_idx, const int32_t* counts, int64_t k,
                            int32_t* idx_out) {
  const uint64_t* ck = cand_key + int64_t(blockIdx.x) * k;
  const int32_t* ci = cand_idx + int64_t(blockIdx.x) * k;
  int32_t* io = idx_out + int64_t(blockIdx.x) * k;
  const int64_t kk = counts[blockIdx.x];
  for (int64_t i = threadIdx.x; i < kk; i += blockDim.x) {
    uint64_t a = ck[i];
    int32_t ai = ci[i];
    int64_t pos = 0;
    for (int64_t j = 0; j < kk; ++j) pos += ck[j] > a || (ck[j] == a && ci[j] < ai);
    io[pos] = ai;
  }
  for (int64_t i = kk + threadIdx.x; i < k; i += blockDim.x) io[i] = -1;
}

__global__ void topk_keys_kernel(const float* x, uint64_t* keys, int64_t n, bool largest) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    keys[i] = float_key(x[i], largest);
}

__global__ void gumbel_keys_kernel(const float* x, int64_t cols, LkcStreams s, uint64_t* keys, float* pert) {
  const int64_t r = blockIdx.x;
  const float* xr = x + r * cols;
  RowStream rs = row_stream(s, r, cols);
  for_row_words(rs, cols, [&](int64_t j, uint32_t w) {
    float v = xr[j];
    float g = gumbel_word(w);
    // ranked as the exact pair sum (heap.inc sum_beats ranks (x, G) exactly); masked logits never enter
    keys[r * cols + j] = v == -INFINITY ? 0ull : double_key(double(v) + double(g));
    pert[r * cols + j] = __fadd_rn(v, g);
  });
}

// values[r, i] = src[r, idx[r, i]] (row length cols), or -Inf for idx −1.
__global__ void gather_kernel(const float* src, int64_t cols, const int32_t* idx, float* values, int64_t k) {
  const int64_t r = blockIdx.x;
  for (int64_t i = threadIdx.x; i < k; i += blockDim.x) {
    int32_t j = idx[r * k + i];
    values[r * k + i] = j < 0 ? -INFINITY : src[r * cols + j];
  }
}

}  // namespace lkc
