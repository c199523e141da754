#include "dispatch.h"

#include <cpuid.h>
#include <strings.h>

#include <cstring>
#include <string>

namespace {

Dispatch g_table;

uint64_t xgetbv0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

// AVX2 needs the OS to save YMM state (XCR0 bits 1-2), AVX-512 also opmask and ZMM (bits 5-7):
// a CPU that has the instructions under an OS that does not save the registers must not use them.
Isa detect() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return Isa::scalar;
  bool osxsave = c & bit_OSXSAVE, fma = c & bit_FMA, f16c = c & bit_F16C, avx = c & bit_AVX;
  if (!osxsave || !avx) return Isa::scalar;
  uint64_t xcr0 = xgetbv0();
  if ((xcr0 & 0x6) != 0x6) return Isa::scalar;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return Isa::scalar;
  bool avx2 = b & bit_AVX2, bmi1 = b & bit_BMI, bmi2 = b & bit_BMI2;
  if (!(avx2 && fma && f16c && bmi1 && bmi2)) return Isa::scalar;
  bool f = b & bit_AVX512F, dq = b & bit_AVX512DQ, cd = b & bit_AVX512CD, bw = b & bit_AVX512BW,
       vl = b & bit_AVX512VL;
  if (f && dq && cd && bw && vl && (xcr0 & 0xE6) == 0xE6) return Isa::avx512;
  return Isa::avx2;
}

}  // namespace

const char* lk_isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    default: return "scalar";
  }
}

bool lk_dispatch_init(const char* cap, const char** error, const char** warning) {
  Isa best = detect();
  Isa isa = best;
  if (cap && *cap) {
    // Any case ("AVX2" too). An unknown value keeps the CPU's best tier and is reported as a
    // warning (LOGITKIT_BAD_ENV), as an unknown LOGITKIT_BACKEND is: a typo never drops a
    // server to the TypeScript reference.
    Isa want = best;
    if (!strcasecmp(cap, "scalar")) want = Isa::scalar;
    else if (!strcasecmp(cap, "avx2")) want = Isa::avx2;
    else if (!strcasecmp(cap, "avx512")) want = Isa::avx512;
    else *warning = "LOGITKIT_ISA is not one of scalar, avx2, avx512 (any case); using the CPU's best tier";
    if (int(want) < int(isa)) isa = want;  // a cap never raises the tier above the CPU's
  }
  g_table.isa = isa;
  g_table.cpu_best = best;
  switch (isa) {
#define LK_FAMILY(name, Struct, TABLE) lk_##name##_kernels_avx512(&g_table.name);
    case Isa::avx512:
#include "families.def"
      break;
#undef LK_FAMILY
#define LK_FAMILY(name, Struct, TABLE) lk_##name##_kernels_avx2(&g_table.name);
    case Isa::avx2:
#include "families.def"
      break;
#undef LK_FAMILY
#define LK_FAMILY(name, Struct, TABLE) lk_##name##_kernels_scalar(&g_table.name);
    default:
#include "families.def"
#undef LK_FAMILY
  }
  // Every pointer of every family must be set: a missing one is a load-time error that names
  // it, never a null call later.
  static std::string missing;
#define LK_CHECK_FIELD(type, field) \
  if (!t.field) missing += std::string(missing.empty() ? "" : ", ") + family + "." #field;
#define LK_FAMILY(name, Struct, TABLE) \
  {                                    \
    const Struct& t = g_table.name;    \
    const char* family = #name;        \
    TABLE(LK_CHECK_FIELD)              \
  }
#include "families.def"
#undef LK_FAMILY
#undef LK_CHECK_FIELD
  if (!missing.empty()) {
    missing = std::string("kernel table incomplete for the ") + lk_isa_name(isa) + " tier: " + missing + " not set";
    *error = missing.c_str();
    return false;
  }
  return true;
}

const Dispatch& lk_dispatch() { return g_table; }
