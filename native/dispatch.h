// The one place that knows which ISA tier runs. Filled once at addon load.
#pragma once
#define LK_FAMILY_HEADERS
#include "families.def"
#undef LK_FAMILY_HEADERS

// Every tier of every architecture has a name; only LK_TIERS (kernels/family.h) are built.
enum class Isa { scalar = 0, avx2 = 1, avx512 = 2, neon = 3 };

struct Dispatch {
  Isa isa;
  Isa cpu_best;  // what the CPU and OS support, before the LOGITKIT_ISA cap
#define LK_FAMILY(name, Struct, TABLE) Struct name;
#include "families.def"
#undef LK_FAMILY
};

// Detects the CPU (CPUID + XGETBV on x86-64; NEON is baseline on AArch64), applies the LOGITKIT_ISA cap, fills the table.
// Returns false with `error` set when a family's table has a field that its tier left unset
// (named as "<family>.<field>"); sets `warning` when LOGITKIT_ISA names no tier.
bool lk_dispatch_init(const char* cap, const char** error, const char** warning);
const Dispatch& lk_dispatch();
const char* lk_isa_name(Isa isa);
