// What every kernel family header uses: the field and tier-declaration macros that turn a
// family's X-macro table (LK_<FAMILY>_KERNELS) into its dispatch struct and the per-tier fill
// functions. See the README's "Contributing a kernel or a family".
#pragma once

#define LK_KERNEL_FIELD(type, name) type name;

// The tiers this architecture builds, lowest first: LK_TIERS(X, a, b) expands X(tier, a, b)
// for each. x86-64 builds scalar, avx2 and avx512 (chosen at run time by CPUID); AArch64
// builds scalar and neon (Advanced SIMD is baseline there); any other architecture builds the
// scalar tier alone. native/sources.cjs (binding.gyp) and CMakeLists.txt hold the same
// per-architecture lists.
#if defined(__x86_64__) || defined(_M_X64)
#define LK_ARCH_X86 1
#define LK_TIERS(X, a, b) X(scalar, a, b) X(avx2, a, b) X(avx512, a, b)
#elif defined(__aarch64__) || defined(_M_ARM64)
#define LK_ARCH_ARM64 1
#define LK_TIERS(X, a, b) X(scalar, a, b) X(neon, a, b)
#else
#define LK_TIERS(X, a, b) X(scalar, a, b)
#endif

// The fill function each tier translation unit defines (native/kernels/<family>_<tier>.cc).
#define LK_DECLARE_TIER(tier, family, Struct) void lk_##family##_kernels_##tier(Struct* t);
#define LK_DECLARE_TIERS(family, Struct) LK_TIERS(LK_DECLARE_TIER, family, Struct)
