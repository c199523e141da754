// What every kernel family header uses: the field and tier-declaration macros that turn a
// family's X-macro table (LK_<FAMILY>_KERNELS) into its dispatch struct and the per-tier fill
// functions. See the README's "Contributing a kernel or a family".
#pragma once

#define LK_KERNEL_FIELD(type, name) type name;

// The fill function each tier translation unit defines (native/kernels/<family>_<tier>.cc).
// The tier list is LK_TIERS in native/families.def.
#define LK_DECLARE_TIERS(family, Struct)          \
  void lk_##family##_kernels_scalar(Struct* t);   \
  void lk_##family##_kernels_avx2(Struct* t);     \
  void lk_##family##_kernels_avx512(Struct* t);
