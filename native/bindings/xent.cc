// N-API glue for the Xent family.
#include "common.h"

namespace lk {

void register_xent(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace lk
