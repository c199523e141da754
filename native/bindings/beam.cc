// N-API glue for the beam family: one step of (stochastic) beam search over the rows of the
// live prefixes. Runs on the calling thread: the search awaits the model between steps, and
// one step over k rows is a few milliseconds at most (the Philox words dominate).
#include "common.h"
#include "stream.h"

namespace lk {
namespace {

using F64 = ArrayArg<double, napi_float64_array>;
F64 f64(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typed_array<F64, napi_float64_array>(info, i, name, "Float64Array");
}

// (x, vocab, parentLogp, parentG | null, normalize, key0, key1, step, cap,
//  outParent, outToken, outLogp, outValue) → count, or −1 − flat index of a NaN / +Infinity
Napi::Value BeamStep(const Napi::CallbackInfo& info) {
  F32 x = f32(info, 0, "x");
  int64_t vocab = count(info, 1, "vocab");
  F64 plp = f64(info, 2, "parentLogp");
  int64_t rows = rows_of(info, x.length, vocab, "x");
  require(info, vocab <= 2147483647, "vocab must be below 2^31");
  require(info, int64_t(plp.length) == rows, "parentLogp.length must equal the number of rows");
  const double* pg = nullptr;
  if (!info[3].IsNull()) {
    F64 g = f64(info, 3, "parentG");
    require(info, int64_t(g.length) == rows, "parentG.length must equal the number of rows");
    pg = g.data;
  }
  require(info, info[4].IsBoolean(), "normalize must be a boolean");
  bool normalize = info[4].As<Napi::Boolean>().Value();
  uint32_t key[2];
  for (int i = 0; i < 2; ++i) {
    double d = number(info, 5 + size_t(i), i ? "key1" : "key0");
    require(info, d >= 0 && d <= 4294967295.0 && d == double(uint32_t(d)), "key words must be uint32");
    key[i] = uint32_t(d);
  }
  double st = number(info, 7, "step");
  require(info, st >= 0 && st <= 4294967295.0 && st == double(uint32_t(st)), "step must be a uint32");
  require(info, rows <= 4294967296.0, "rows must fit 32 bits");
  int64_t cap = count(info, 8, "cap");
  I32 op = i32(info, 9, "outParent");
  I32 ot = i32(info, 10, "outToken");
  F64 ol = f64(info, 11, "outLogp");
  F64 ov = f64(info, 12, "outValue");
  require(info, int64_t(op.length) >= cap && int64_t(ot.length) >= cap && int64_t(ol.length) >= cap &&
                    int64_t(ov.length) >= cap,
          "the outputs must hold cap entries");
  int64_t n = lk_dispatch().beam.beam_step(x.data, rows, vocab, plp.data, pg, normalize ? 1 : 0, key, uint32_t(st), cap,
                                           op.data, ot.data, ol.data, ov.data);
  return Napi::Number::New(info.Env(), double(n));
}

}  // namespace

void register_beam(Napi::Env env, Napi::Object exports) {
  exports.Set("beamStep", Napi::Function::New(env, BeamStep, "beamStep"));
}

}  // namespace lk
