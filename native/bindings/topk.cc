// N-API glue for the Topk family.
#include "common.h"

namespace lk {

void register_topk(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace lk
