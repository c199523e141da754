#include "dispatch.h"

#include <cstring>
#include <string>

#if defined(__x86_64__) || defined(_M_X64)
#if defined(_MSC_VER)
#include <immintrin.h>
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

namespace {

Dispatch g_table;

#if defined(__x86_64__) || defined(_M_X64)
// CPUID leaf/subleaf → {eax, ebx, ecx, edx}; false when the leaf is beyond the CPU's maximum.
bool cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER)
  int q[4];
  __cpuid(q, int(leaf & 0x80000000u));
  if (unsigned(q[0]) < leaf) return false;
  __cpuidex(q, int(leaf), int(sub));
  for (int i = 0; i < 4; ++i) r[i] = unsigned(q[i]);
  return true;
#else
  if (__get_cpuid_max(leaf & 0x80000000u, nullptr) < leaf) return false;
  __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
  return true;
#endif
}

uint64_t xgetbv0() {
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
#endif
}

// AVX2 needs the OS to save YMM state (XCR0 bits 1-2), AVX-512 also opmask and ZMM (bits 5-7):
// a CPU that has the instructions under an OS that does not save the registers must not use them.
// Bit positions: Intel SDM vol. 2A, CPUID leaves 1 (ECX) and 7.0 (EBX).
Isa detect() {
  unsigned r[4];
  if (!cpuid(1, 0, r)) return Isa::scalar;
  const unsigned c = r[2];
  bool osxsave = c & (1u << 27), fma = c & (1u << 12), f16c = c & (1u << 29), avx = c & (1u << 28);
  if (!osxsave || !avx) return Isa::scalar;
  uint64_t xcr0 = xgetbv0();
  if ((xcr0 & 0x6) != 0x6) return Isa::scalar;
  if (!cpuid(7, 0, r)) return Isa::scalar;
  const unsigned b = r[1];
  bool avx2 = b & (1u << 5), bmi1 = b & (1u << 3), bmi2 = b & (1u << 8);
  if (!(avx2 && fma && f16c && bmi1 && bmi2)) return Isa::scalar;
  bool f = b & (1u << 16), dq = b & (1u << 17), cd = b & (1u << 28), bw = b & (1u << 30), vl = b & (1u << 31);
  if (f && dq && cd && bw && vl && (xcr0 & 0xE6) == 0xE6) return Isa::avx512;
  return Isa::avx2;
}
#elif defined(__aarch64__) || defined(_M_ARM64)
// Advanced SIMD (NEON) is part of the AArch64 base architecture: every CPU and OS has it.
Isa detect() { return Isa::neon; }
#else
Isa detect() { return Isa::scalar; }
#endif

// A cap is a width: scalar < the 128/256-bit tiers (neon, avx2) < avx512. A cap naming another
// architecture's tier therefore means the same width here (LOGITKIT_ISA=avx2 on ARM64 runs neon).
int rank(Isa isa) {
  switch (isa) {
    case Isa::avx512: return 2;
    case Isa::avx2:
    case Isa::neon: return 1;
    default: return 0;
  }
}

bool same_ci(const char* a, const char* b) {
  for (; *a && *b; ++a, ++b) {
    char x = *a, y = *b;
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (x != y) return false;  // b is lower case
  }
  return *a == *b;
}

}  // namespace

const char* lk_isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx512: return "avx512";
    case Isa::avx2: return "avx2";
    case Isa::neon: return "neon";
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
    int want = rank(best);
    if (same_ci(cap, "scalar")) want = rank(Isa::scalar);
    else if (same_ci(cap, "avx2")) want = rank(Isa::avx2);
    else if (same_ci(cap, "avx512")) want = rank(Isa::avx512);
    else if (same_ci(cap, "neon")) want = rank(Isa::neon);
    else *warning = "LOGITKIT_ISA is not one of scalar, avx2, avx512, neon (any case); using the CPU's best tier";
    // The highest tier built for this architecture within both the cap and the CPU (a cap
    // never raises the tier above the CPU's).
    const int top = want < rank(best) ? want : rank(best);
    isa = Isa::scalar;
#define LK_PICK(tier, a, b) \
    if (rank(Isa::tier) <= top && rank(Isa::tier) >= rank(isa)) isa = Isa::tier;
    LK_TIERS(LK_PICK, , )
#undef LK_PICK
  }
  g_table.isa = isa;
  g_table.cpu_best = best;
  // Each family's table from the chosen tier's fill function; the tiers are LK_TIERS.
#define LK_TIER_CASE(tier, name, Struct) \
  case Isa::tier: lk_##name##_kernels_##tier(&g_table.name); break;
#define LK_FAMILY(name, Struct, TABLE)                        \
  switch (isa) {                                              \
    LK_TIERS(LK_TIER_CASE, name, Struct)                      \
    default: break; /* a tier not built here is never chosen */ \
  }
#include "families.def"
#undef LK_FAMILY
#undef LK_TIER_CASE
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
