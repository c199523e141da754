// N-API glue for the NCE family: unwrap, re-check every length and index (a direct call with
// bad arguments throws, it never reads or writes out of bounds), split over the pool, reduce
// per-row / per-pair losses in order (identical results for any thread count).
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "job.h"
#include "stream.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lk {
namespace {

// (scores, logNoise|null, logk, out) → out
Napi::Value NceLogits(const Napi::CallbackInfo& info) {
  F32 s = f32(info, 0, "scores");
  F32 lq = f32_or_null(info, 1, "logNoise");
  float logk = float(number(info, 2, "logk"));
  F32 out = f32(info, 3, "out");
  require(info, lq.data == nullptr || lq.length == s.length, "logNoise.length must equal scores.length");
  require(info, out.length == s.length, "out.length must equal scores.length");
  auto fn = lk_dispatch().nce.nce_logits;
  const int64_t n = int64_t(s.length);
  lk_parallel_for((n + 4095) / 4096, 16, [&](int64_t b0, int64_t b1) {
    int64_t e = b1 * 4096 < n ? b1 * 4096 : n;
    fn(s.data + b0 * 4096, lq.data ? lq.data + b0 * 4096 : nullptr, logk, out.data + b0 * 4096, e - b0 * 4096);
  });
  return info[3];
}

// (scores, logNoise|null, logk, cols, gradScale, grad|null, rowLoss|null, total) → total; total[0]
// is the sum of the row losses. grad may be scores itself (in place): job.h then shares one
// private copy between the input and the output.
struct NceLossJob {
  static constexpr const char* kName = "nceLoss";
  static constexpr int kResult = 7;
  F32 s, lq, grad, row_loss;
  F64 total;
  float logk, scale;
  int64_t cols, rows;
  explicit NceLossJob(const Napi::CallbackInfo& info)
      : s(f32(info, 0, "scores")), lq(f32_or_null(info, 1, "logNoise")), grad(f32_or_null(info, 5, "grad")),
        row_loss(f32_or_null(info, 6, "rowLoss")), total(f64(info, 7, "total")),
        logk(float(number(info, 2, "logk"))), scale(float(number(info, 4, "gradScale"))),
        cols(count(info, 3, "cols")), rows(0) {
    rows = rows_of(info, s.length, cols, "scores");
    require(info, lq.data == nullptr || lq.length == s.length, "logNoise.length must equal scores.length");
    require(info, grad.data == nullptr || grad.length == s.length, "grad.length must equal scores.length");
    require(info, row_loss.data == nullptr || int64_t(row_loss.length) == rows, "rowLoss.length must equal rows");
    require(info, total.length >= 1, "total must have room for one number");
  }
  template <class V> void buffers(V& v) {
    v.in(s);
    v.in(lq);
    v.out(grad);
    v.out(row_loss);
    v.out(total);
  }
  void run() {
    std::vector<double> loss(static_cast<size_t>(rows));
    auto fn = lk_dispatch().nce.nce_loss;
    // Each element costs about 0.7 ns (an exp, two divides, a polynomial). While the pool's
    // workers poll between calls (native/pool.cc: a loop of calls, the default), a hand-off
    // costs about a microsecond and two threads won from about 16k elements (2-vCPU AMD EPYC
    // Zen 4: 1024 × 21 16.3 → 11.1 µs, 4096 × 21 61.0 → 35.5 µs). A call after the workers went
    // to sleep (idle > 200 µs, or LOGITKIT_SPIN_US=0) pays a futex wake (≈ 20 µs) instead, which
    // made 1024 × 21 37 µs against 18 on one thread; the cut-over follows the common case. Below
    // it the call stays on the calling thread; above it, chunks of 8k elements balance the threads.
    const int64_t elems = rows * cols, per = (8192 + cols - 1) / (cols > 0 ? cols : 1);
    lk_parallel_for(rows, elems < (int64_t(1) << 14) ? (rows > 0 ? rows : 1) : per, [&](int64_t r0, int64_t r1) {
      fn(s.data + r0 * cols, lq.data ? lq.data + r0 * cols : nullptr, logk, r1 - r0, cols, scale,
         grad.data ? grad.data + r0 * cols : nullptr, loss.data() + r0);
    });
    // The rows' losses in a fixed order that depends on the row index only (so the same for any
    // thread count): four interleaved sums, then (s0 + s1) + (s2 + s3). One running sum was a
    // chain of dependent adds: ≈ 2.5 µs of a ≈ 62 µs call for B = 4096 (CHANGELOG).
    double s4[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
    for (; i + 4 <= loss.size(); i += 4)
      for (int j = 0; j < 4; ++j) s4[j] += loss[i + size_t(j)];
    for (int j = 0; i < loss.size(); ++i, ++j) s4[j] += loss[i];
    const double sum = (s4[0] + s4[1]) + (s4[2] + s4[3]);
    if (row_loss.data) {
      for (int64_t r = 0; r < rows; ++r) row_loss.data[r] = float(loss[size_t(r)]);
    }
    total.data[0] = sum;
  }
};

// Embedding tables are read and written at random rows: with 4 KB pages nearly every row of a
// large table is a TLB miss (a page walk before the cache miss). Transparent huge pages are
// asked for on the 2 MB-aligned interior of a table of 4 MB or more, as for the library's fresh
// outputs (README, "Performance"): pages not yet touched (a zero-filled table's) then fault in
// 2 MB at a time, populated ones become eligible for the kernel's background collapse. Advice
// only: the contents are never touched; where THP is off nothing changes.
void advise_huge(float* p, size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;
  const uintptr_t b = reinterpret_cast<uintptr_t>(p), bytes = n * sizeof(float);
  if (p == nullptr || bytes < (uintptr_t(4) << 20)) return;
  const uintptr_t begin = (b + kHuge - 1) & ~(kHuge - 1), end = (b + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p;
  (void)n;
#endif
}

// The alias table: 2V words (threshold, alias) with every alias < V.
int64_t alias_table(const Napi::CallbackInfo& info, U32 t) {
  require(info, t.length >= 2 && t.length % 2 == 0, "table.length must be a positive even number");
  const int64_t V = int64_t(t.length / 2);
  require(info, V <= 2147483647, "the table must have at most 2^31 - 1 columns");
  // A branch-free maximum first (the check runs on every skip-gram step: 100k entries), the
  // position of a bad entry only when there is one.
  uint32_t mx = 0;
  for (int64_t j = 0; j < V; ++j) mx = t.data[2 * j + 1] > mx ? t.data[2 * j + 1] : mx;
  if (int64_t(mx) >= V) {
    for (int64_t j = 0; j < V; ++j) {
      if (int64_t(t.data[2 * j + 1]) >= V) require(info, false, "table[" + std::to_string(2 * j + 1) + "] is not an index < V");
    }
  }
  return V;
}

// (table, out, key0, key1, ctr0..ctr3) → out
struct AliasSampleJob {
  static constexpr const char* kName = "aliasSample";
  static constexpr int kResult = 1;
  U32 t;
  I32 out;
  Stream s;
  int64_t V;
  explicit AliasSampleJob(const Napi::CallbackInfo& info)
      : t(u32(info, 0, "table")), out(i32(info, 1, "out")), s(stream_args(info, 2)), V(alias_table(info, t)) {}
  template <class V_> void buffers(V_& v) {
    v.in(t);
    v.out(out);
  }
  void run() {
    auto fn = lk_dispatch().nce.alias_sample;
    split_stream(int64_t(out.length), s, [&](int64_t b, int64_t n, const uint32_t* ctr) {
      fn(t.data, V, out.data + b, n, s.key, ctr);
    });
  }
};

// (input, output, dim, centre, context, k, table, logNoise|null, logk, lr, hogwild,
//  key0, key1, ctr0..ctr3, noise, total) → total; total[0] is the sum of the pair losses.
// The two tables are updated in place, so each is declared both an input and an output (two
// ArrayArgs of the same argument, see buffers()): the
// async path copies the caller's rows into the private block (an output alone would start
// zeroed or stale and overwrite the whole table at completion), updates the copy, and writes the
// whole table back at completion, or nothing if either table was detached meanwhile. Concurrent
// async steps on the same (non-shared) tables therefore each work on their own snapshot and the
// last to complete wins; tables that are views of a SharedArrayBuffer are updated in place.
struct SkipGramStepJob {
  static constexpr const char* kName = "skipGramStep";
  static constexpr int kResult = 18;
  F32 in, out;
  int64_t dim, k, V = 0, B = 0;
  U32 table;
  F32 lq;
  float logk, lr;
  bool hogwild;
  Stream st;
  I32 noise;
  F64 total;
  // Indices are copied once checked: nothing (a concurrent JS write, a write to shared memory)
  // can change them between the check and the writes they steer.
  std::vector<int32_t> idx;
  F32 in0, out0;  // the tables read (see buffers())

  explicit SkipGramStepJob(const Napi::CallbackInfo& info)
      : in(f32(info, 0, "input")), out(f32(info, 1, "output")), dim(count(info, 2, "dim")), k(count(info, 5, "k")),
        table(u32(info, 6, "table")), lq(f32_or_null(info, 7, "logNoise")), logk(float(number(info, 8, "logk"))),
        lr(float(number(info, 9, "lr"))), hogwild(boolean(info, 10, "hogwild")), st(stream_args(info, 11)),
        noise(i32(info, 17, "noise")), total(f64(info, 18, "total")) {
    I32 centre = i32(info, 3, "centre");
    I32 context = i32(info, 4, "context");
    require(info, dim > 0, "dim must be positive");
    require(info, in.length % size_t(dim) == 0, "input.length must be a multiple of dim");
    require(info, out.length == in.length, "output.length must equal input.length");
    V = int64_t(in.length) / dim;
    require(info, alias_table(info, table) == V, "the sampler's vocabulary must equal the tables' rows");
    require(info, lq.data == nullptr || int64_t(lq.length) == V, "logNoise.length must equal the vocabulary");
    require(info, centre.length == context.length, "context.length must equal centre.length");
    B = int64_t(centre.length);
    require(info, int64_t(noise.length) == B * k, "noise.length must equal pairs × k");
    require(info, total.length >= 1, "total must have room for one number");
    {
      auto* a = static_cast<const uint8_t*>(static_cast<const void*>(in.data));
      auto* b = static_cast<const uint8_t*>(static_cast<const void*>(out.data));
      const size_t bytes = in.length * sizeof(float);
      require(info, bytes == 0 || a + bytes <= b || b + bytes <= a, "input and output must not overlap");
    }
    idx.resize(size_t(2 * B));
    for (int64_t p = 0; p < B; ++p) {
      int32_t c = centre.data[p], w = context.data[p];
      if (c < 0 || c >= V) require(info, false, "centre[" + std::to_string(p) + "] = " + std::to_string(c) + " is out of range [0, " + std::to_string(V) + ")");
      if (w < 0 || w >= V) require(info, false, "context[" + std::to_string(p) + "] = " + std::to_string(w) + " is out of range [0, " + std::to_string(V) + ")");
      idx[size_t(p)] = c;
      idx[size_t(B + p)] = w;
    }
    in0 = in;
    out0 = out;
  }
  template <class V_> void buffers(V_& v) {
    // In place: the tables' current rows are inputs (in0, out0) and the same arrays are outputs
    // (in, out). They must be distinct ArrayArgs: Privatize redirects each one it is given to the
    // private copy, and matches an output to an input's copy by the caller's pointer, so the
    // output must still hold that pointer when it is declared. Both then share one copy.
    v.in(in0);
    v.in(out0);
    v.out(in);
    v.out(out);
    v.in(table);
    v.in(lq);
    v.out(noise);
    v.out(total);
  }
  void run() {
    auto& kt = lk_dispatch().nce;
    advise_huge(in.data, in.length);
    advise_huge(out.data, out.length);
    // The noise words: draw i of the reserved stream is noise word i (pair i / k).
    split_stream(B * k, st, [&](int64_t b, int64_t n, const uint32_t* ctr) {
      kt.alias_sample(table.data, V, noise.data + b, n, st.key, ctr);
    });
    std::vector<double> loss(static_cast<size_t>(B));
    // in0/out0 and in/out point at the same memory (the caller's, or one private copy each).
    SkipGramArgs a{in.data, out.data, dim, idx.data(), idx.data() + B, noise.data, k, lq.data, logk, lr,
                   nullptr, nullptr};
    const int64_t work = (1 + k) * dim;  // floats touched per pair
    const int64_t grain = (65536 + work - 1) / work;
    if (hogwild) {
      lk_parallel_for(B, grain, [&](int64_t p0, int64_t p1) { kt.skip_gram_step(&a, p0, p1, loss.data()); });
    } else {
      // Uninitialised (no 2 MB memset per call at B = 4096, dim = 128): skip_gram_grad writes
      // every coefficient and every din element of every pair before skip_gram_apply reads them.
      std::unique_ptr<float[]> coef(new float[size_t(B * (1 + k))]), din(new float[size_t(B * dim)]);
      a.coef = coef.get();
      a.din = din.get();
      lk_parallel_for(B, grain, [&](int64_t p0, int64_t p1) { kt.skip_gram_grad(&a, p0, p1, loss.data()); });
      // Split by rows (skip_gram_apply_kernel): the output phase's parts all end before the
      // input phase starts, since the output phase reads the input rows.
      const int64_t parts = B * work >= 65536 ? lk_pool_threads() : 1;
      for (bool inputs : {false, true}) {
        lk_parallel_for(parts, 1, [&](int64_t q0, int64_t q1) { kt.skip_gram_apply(&a, B, inputs, parts, q0, q1); });
      }
    }
    double sum = 0.0;
    for (double v : loss) sum += v;
    total.data[0] = sum;
  }
};

}  // namespace

void register_nce(Napi::Env env, Napi::Object exports) {
  exports.Set("nceLogits", Napi::Function::New(env, NceLogits, "nceLogits"));
  export_both<NceLossJob>(env, exports, "nceLoss");
  export_both<AliasSampleJob>(env, exports, "aliasSample");
  export_both<SkipGramStepJob>(env, exports, "skipGramStep");
}

}  // namespace lk
