// N-API glue for the Sampling family.
#include "common.h"

namespace lk {

void register_sampling(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace lk
