// The one place that knows which ISA tier runs. Filled once at addon load.
#pragma once
#include "kernels/rng.h"
#include "kernels/softmax.h"
#include "kernels/sampling.h"
#include "kernels/topk.h"
#include "kernels/xent.h"

enum class Isa { scalar = 0, avx2 = 1, avx512 = 2 };

struct Dispatch {
  Isa isa;
  Isa cpu_best;  // what the CPU and OS support, before the LOGITKIT_ISA cap
  SoftmaxKernels softmax;
  RngKernels rng;
  XentKernels xent;
  TopkKernels topk;
  SamplingKernels sampling;
};

// Detects the CPU (CPUID + XGETBV), applies the LOGITKIT_ISA cap, fills the table.
// Returns false with `error` set when LOGITKIT_ISA names an unknown tier.
bool lk_dispatch_init(const char* cap, const char** error);
const Dispatch& lk_dispatch();
const char* lk_isa_name(Isa isa);
