// The pre-job.h async shape, kept only for bindings not yet ported to job.h (nce, decoding):
// the JS values in `keep` stay referenced until done, but NOT their memory — a buffer
// transferred while such a call runs can be freed under it. Port to job.h (sync<J>/async<J>,
// private copies) and delete this file.
#pragma once
#include <functional>
#include <vector>

#include "common.h"

namespace lk {

class Task : public Napi::AsyncWorker {
 public:
  Task(Napi::Env env, std::function<void()> work, Napi::Value result, std::initializer_list<Napi::Value> keep)
      : Napi::AsyncWorker(env, "logitkit"), work_(std::move(work)), deferred_(Napi::Promise::Deferred::New(env)) {
    result_ = Napi::Persistent(result);
    for (auto& v : keep) keep_.push_back(Napi::Persistent(v));
  }
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override { work_(); }
  void OnOK() override { deferred_.Resolve(result_.Value()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::function<void()> work_;
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Value> result_;
  std::vector<Napi::Reference<Napi::Value>> keep_;
};

inline Napi::Value queue(Napi::Env env, std::function<void()> work, Napi::Value result,
                         std::initializer_list<Napi::Value> keep) {
  auto* t = new Task(env, std::move(work), result, keep);
  Napi::Promise p = t->promise();
  t->Queue();
  return p;
}


}  // namespace lk
