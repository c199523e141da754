// libFuzzer harness for the Philox family (native/kernels/rng_impl.inc): any key, counter
// (including the 128-bit carry) and length. Invariants: uniforms in [0, 1), every tier
// bit-identical to the scalar tier, and a stream split at a block boundary (as the thread pool
// splits it, counter advanced with lk_ctr_add) equal to the unsplit stream.
#include "common.h"

static void (*kFill[3])(RngKernels*) = {lk_rng_kernels_scalar, lk_rng_kernels_avx2, lk_rng_kernels_avx512};

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  RngKernels k, s;
  fz::pick_tier(in, &k, kFill);
  lk_rng_kernels_scalar(&s);
  uint32_t key[2], ctr[4];
  for (auto& v : key) v = in.ConsumeIntegral<uint32_t>();
  for (auto& v : ctr) v = in.ConsumeBool() ? 0xffffffffu : in.ConsumeIntegral<uint32_t>();
  int64_t n = in.ConsumeBool() ? fz::length(in, 9000) : in.ConsumeIntegralInRange<int64_t>(0, 9000);
  bool uniform = in.ConsumeBool();
  int64_t cut = 4 * in.ConsumeIntegralInRange<int64_t>(0, n / 4);
  uint32_t c2[4];
  lk_ctr_add(ctr, uint64_t(cut / 4), c2);
  if (uniform) {
    std::vector<float> a = fz::canary(size_t(n), fz::canary_f()), b = a, c = a;
    k.philox_uniform(a.data(), n, key, ctr);
    s.philox_uniform(b.data(), n, key, ctr);
    if (cut > 0) k.philox_uniform(c.data(), cut, key, ctr);
    if (n > cut) k.philox_uniform(c.data() + cut, n - cut, key, c2);
    for (int64_t i = 0; i < n; ++i) {
      LK_CHECK(a[size_t(i)] >= 0.0f && a[size_t(i)] < 1.0f, "uniform[%ld] = %g", long(i), a[size_t(i)]);
      LK_CHECK(std::memcmp(&a[size_t(i)], &b[size_t(i)], 4) == 0, "uniform[%ld] %g differs from scalar %g", long(i), a[size_t(i)], b[size_t(i)]);
      LK_CHECK(std::memcmp(&a[size_t(i)], &c[size_t(i)], 4) == 0, "uniform[%ld] differs when split at %ld", long(i), long(cut));
    }
  } else {
    std::vector<uint32_t> a(size_t(n), 0xa5a5a5a5u), b = a, c = a;
    k.philox_uint32(a.data(), n, key, ctr);
    s.philox_uint32(b.data(), n, key, ctr);
    if (cut > 0) k.philox_uint32(c.data(), cut, key, ctr);
    if (n > cut) k.philox_uint32(c.data() + cut, n - cut, key, c2);
    for (int64_t i = 0; i < n; ++i) {
      LK_CHECK(a[size_t(i)] == b[size_t(i)], "uint32[%ld] differs from scalar", long(i));
      LK_CHECK(a[size_t(i)] == c[size_t(i)], "uint32[%ld] differs when split at %ld", long(i), long(cut));
    }
  }
  return 0;
}
