// One shape for every binding's work, sync and async.
//
// A job is a struct that parses and re-checks its arguments in its constructor (it never
// trusts JS: every length, index and option is checked, and a bad one throws before any
// memory is touched), names its typed-array buffers in `buffers(v)` (inputs `v.in(a)`,
// outputs `v.out(a)`), does its work in `run()`, and says which argument the call returns
// (`kResult`, or -1 for undefined).
//
//   sync<J>:  the job lives on the stack, `run()` runs inline on the caller's buffers: no
//             std::function, no heap allocation, no copy.
//   async<J>: the job is queued on libuv's thread pool and works on PRIVATE COPIES of its
//             buffers, taken on the JS thread when the call is made (inputs copied, outputs
//             zero-filled when small, an output that is exactly an input shares that input's copy so
//             in-place calls stay in place). On completion, back on the JS thread, the outputs
//             are copied into the caller's arrays if every one of them is still attached with
//             its length unchanged; otherwise the promise rejects with a TypeError
//             ERR_LOGITKIT_DETACHED and nothing is written.
//
// Why copies: Node-API has no way to pin an ArrayBuffer's backing store. Holding a reference to
// the typed array keeps the JS object alive, not its memory: `structuredClone(buf, { transfer })`,
// `postMessage(…, [buf])` or `buf.transfer()` detach it, and the new owner may be collected (and
// the memory freed) while a thread-pool thread is still reading or writing it. The copies make
// that impossible for any input: the job never sees the caller's memory after the call returns.
// Views of a SharedArrayBuffer are the exception, used in place (zero-copy): a shared buffer
// cannot be detached or shrunk, and a reference to the view keeps its memory alive.
// The cost (a memcpy of the inputs at the call and of the outputs at completion, on the JS
// thread; recycled private blocks, see BlockCache) is measured by bench/async-safety.mjs and
// recorded in the CHANGELOG.
//
// Completion never throws: during a worker thread's teardown Node-API calls fail, and a C++
// exception escaping a libuv callback would abort the process, so every status is checked
// and a failed call only releases memory.
#pragma once
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>
#include <string>
#include <vector>

#include "common.h"

namespace lk {

template <class J>
Napi::Value sync(const Napi::CallbackInfo& info) {
  J job(info);
  job.run();
  return J::kResult < 0 ? info.Env().Undefined() : info[size_t(J::kResult)];
}

namespace detail {

// Private buffers are recycled. A fresh multi-megabyte block costs a page fault per 4 KiB page
// on first touch and an munmap when freed, several times the memcpy itself, and the same shapes
// recur call after call (a training or decoding loop). Blocks of 64 KiB and more are kept, by
// power-of-two size, up to 256 MiB in all; smaller ones come from malloc, which is fast there.
class BlockCache {
 public:
  static constexpr size_t kMin = size_t(1) << 16;
  static constexpr size_t kMaxHeld = size_t(256) << 20;

  static size_t capacity(size_t bytes) {
    if (bytes < kMin) return bytes > 0 ? bytes : 1;
    size_t c = kMin;
    while (c < bytes) c <<= 1;
    return c;
  }
  void* get(size_t cap) {
    if (cap >= kMin) {
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t i = 0; i < free_.size(); ++i) {
        if (free_[i].first == cap) {
          void* p = free_[i].second;
          free_[i] = free_.back();
          free_.pop_back();
          held_ -= cap;
          return p;
        }
      }
    }
    return std::malloc(cap);
  }
  void put(void* p, size_t cap) {
    if (p == nullptr) return;
    if (cap >= kMin) {
      std::lock_guard<std::mutex> lock(mu_);
      if (held_ + cap <= kMaxHeld) {
        free_.emplace_back(cap, p);
        held_ += cap;
        return;
      }
    }
    std::free(p);
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<size_t, void*>> free_;
  size_t held_ = 0;
};

inline BlockCache& block_cache() {
  static BlockCache* c = new BlockCache();  // never destroyed: jobs may finish during exit
  return *c;
}

// One private buffer of an async job.
struct Copy {
  const void* user = nullptr;  // the caller's memory at call time (identity only, never dereferenced later)
  size_t bytes = 0, cap = 0;
  uint8_t* mem = nullptr;
  bool filled = false;  // holds the caller's data (it is, or aliases, an input)
  int out_arg = -1;     // the argument to write back to, for an output
  const char* name = "";
  napi_typedarray_type type = napi_float32_array;

  Copy() = default;
  Copy(const Copy&) = delete;
  Copy& operator=(const Copy&) = delete;
  Copy(Copy&& o) noexcept { *this = std::move(o); }
  Copy& operator=(Copy&& o) noexcept {
    std::swap(user, o.user);
    std::swap(bytes, o.bytes);
    std::swap(cap, o.cap);
    std::swap(mem, o.mem);
    std::swap(filled, o.filled);
    std::swap(out_arg, o.out_arg);
    std::swap(name, o.name);
    std::swap(type, o.type);
    return *this;
  }
  ~Copy() { block_cache().put(mem, cap); }
};

template <typename T>
constexpr napi_typedarray_type type_of();
template <> constexpr napi_typedarray_type type_of<float>() { return napi_float32_array; }
template <> constexpr napi_typedarray_type type_of<double>() { return napi_float64_array; }
template <> constexpr napi_typedarray_type type_of<int32_t>() { return napi_int32_array; }
template <> constexpr napi_typedarray_type type_of<uint32_t>() { return napi_uint32_array; }

// Gives each buffer of a job its private copy and points the job at it.
class Privatize {
 public:
  Privatize(const Napi::CallbackInfo& info, std::vector<Copy>& copies, std::vector<napi_ref>& pins)
      : info_(info), copies_(copies), pins_(pins) {}

  template <typename T, napi_typedarray_type K>
  void in(ArrayArg<T, K>& a) { take(a, false); }
  template <typename T, napi_typedarray_type K>
  void out(ArrayArg<T, K>& a) { take(a, true); }

 private:
  // A view of a SharedArrayBuffer needs no copy: a shared buffer cannot be detached, transferred
  // or shrunk, and referencing the view keeps its memory alive, so the job works on it directly
  // (zero-copy; concurrent JS writes are then the caller's data race, never a memory error).
  bool is_shared(int arg) {
    napi_env env = info_.Env();
    napi_value v = info_[size_t(arg)], ab;
    napi_typedarray_type t;
    size_t len, off;
    void* data;
    bool is_ab = true;
    if (napi_get_typedarray_info(env, v, &t, &len, &data, &ab, &off) != napi_ok) return false;
    if (napi_is_arraybuffer(env, ab, &is_ab) != napi_ok || is_ab) return false;
    napi_ref ref;
    if (napi_create_reference(env, v, 1, &ref) != napi_ok) return false;
    pins_.push_back(ref);
    return true;
  }

  template <typename T, napi_typedarray_type K>
  void take(ArrayArg<T, K>& a, bool is_out) {
    if (a.data == nullptr) return;  // an absent optional array
    if (is_shared(a.arg)) return;
    const size_t bytes = a.length * sizeof(T);
    Copy* c = nullptr;
    for (Copy& e : copies_) {
      if (e.user == a.data && e.bytes == bytes) c = &e;
    }
    if (c == nullptr) {
      copies_.emplace_back();
      c = &copies_.back();
      c->user = a.data;
      c->bytes = bytes;
      c->cap = BlockCache::capacity(bytes);  // at least one byte: an empty array gets a valid pointer
      c->mem = static_cast<uint8_t*>(block_cache().get(c->cap));
      if (c->mem == nullptr) {
        throw_error(info_.Env(), false, "ERR_LOGITKIT_OUT_OF_RANGE",
                    std::string("native: cannot allocate ") + std::to_string(bytes) + " bytes for a private copy of " +
                        a.name);
      }
      // Kernels write every element of their outputs; small outputs (reductions such as total)
      // are zeroed anyway so that nothing stale can ever be copied back.
      if (is_out && bytes < BlockCache::kMin) std::memset(c->mem, 0, c->cap);
    }
    if (!is_out && !c->filled) {
      if (bytes > 0) std::memcpy(c->mem, a.data, bytes);
      c->filled = true;
    }
    if (is_out) {
      c->out_arg = a.arg;
      c->name = a.name;
      c->type = K;
    }
    a.data = reinterpret_cast<T*>(c->mem);
  }

  const Napi::CallbackInfo& info_;
  std::vector<Copy>& copies_;
  std::vector<napi_ref>& pins_;
};

// The typed array `v` if it is still attached, of type `type` and exactly `bytes` long.
inline uint8_t* attached(napi_env env, napi_value v, napi_typedarray_type type, size_t bytes) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return nullptr;
  napi_typedarray_type t;
  size_t len = 0, off = 0;
  void* data = nullptr;
  napi_value ab;
  if (napi_get_typedarray_info(env, v, &t, &len, &data, &ab, &off) != napi_ok || t != type) return nullptr;
  size_t elem = type == napi_float64_array ? 8 : 4;
  if (len * elem != bytes) return nullptr;
  static uint8_t empty;
  if (bytes == 0) return &empty;
  return static_cast<uint8_t*>(data);
}

}  // namespace detail

// An async job: the parsed job, its private buffers, the promise and the references it needs.
template <class J>
class AsyncCall {
 public:
  explicit AsyncCall(const Napi::CallbackInfo& info) : job_(info) {
    detail::Privatize p(info, copies_, pins_);
    try {
      job_.buffers(p);
    } catch (...) {
      for (napi_ref ref : pins_) napi_delete_reference(info.Env(), ref);
      throw;
    }
  }

  // Queues the job; returns its promise. `self` is released to libuv (freed in complete()).
  static Napi::Value start(const Napi::CallbackInfo& info) {
    std::unique_ptr<AsyncCall> self(new AsyncCall(info));  // validation and copies: may throw
    napi_env env = info.Env();
    AsyncCall* c = self.get();
    napi_value promise, name;
    check(info, napi_create_promise(env, &c->deferred_, &promise));
    // From here the deferred must be settled: failures below reject it rather than throw.
    auto fail = [&](const char* what) {
      napi_value msg, err;
      if (napi_create_string_utf8(env, what, NAPI_AUTO_LENGTH, &msg) == napi_ok &&
          napi_create_error(env, nullptr, msg, &err) == napi_ok) {
        napi_reject_deferred(env, c->deferred_, err);
      }
      c->release(env);
      return Napi::Value(env, promise);
    };
    if (J::kResult >= 0 && napi_create_reference(env, info[size_t(J::kResult)], 1, &c->result_) != napi_ok) {
      return fail("native: cannot reference the result");
    }
    for (detail::Copy& k : c->copies_) {
      if (k.out_arg < 0) continue;
      c->out_refs_.emplace_back();
      if (napi_create_reference(env, info[size_t(k.out_arg)], 1, &c->out_refs_.back()) != napi_ok) {
        c->out_refs_.back() = nullptr;
        return fail("native: cannot reference an output");
      }
    }
    if (napi_create_string_utf8(env, J::kName, NAPI_AUTO_LENGTH, &name) != napi_ok ||
        napi_create_async_work(env, nullptr, name, execute, complete, c, &c->work_) != napi_ok) {
      return fail("native: cannot create the async work");
    }
    if (napi_queue_async_work(env, c->work_) != napi_ok) return fail("native: cannot queue the async work");
    self.release();
    return Napi::Value(env, promise);
  }

 private:
  static void check(const Napi::CallbackInfo& info, napi_status s) {
    if (s != napi_ok) throw Napi::Error::New(info.Env());
  }

  static void execute(napi_env, void* data) { static_cast<AsyncCall*>(data)->job_.run(); }

  static void complete(napi_env env, napi_status status, void* data) {
    std::unique_ptr<AsyncCall> self(static_cast<AsyncCall*>(data));
    if (status == napi_ok) self->finish(env);
    self->release(env);
  }

  // On the JS thread: write the outputs back (all or nothing) and settle the promise.
  void finish(napi_env env) {
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    std::vector<uint8_t*> dst;
    const char* lost = nullptr;
    size_t r = 0;
    for (detail::Copy& k : copies_) {
      if (k.out_arg < 0) continue;
      napi_value v;
      uint8_t* d = nullptr;
      if (out_refs_[r] != nullptr && napi_get_reference_value(env, out_refs_[r], &v) == napi_ok && v != nullptr) {
        d = detail::attached(env, v, k.type, k.bytes);
      }
      ++r;
      if (d == nullptr) {
        lost = k.name;
        break;
      }
      dst.push_back(d);
    }
    if (lost != nullptr) {
      std::string msg = std::string(J::kName) + "Async: " + lost +
                        " was detached (transferred) or resized while the call ran; the result was dropped";
      napi_value m, code, err;
      if (napi_create_string_utf8(env, msg.c_str(), NAPI_AUTO_LENGTH, &m) == napi_ok &&
          napi_create_string_utf8(env, "ERR_LOGITKIT_DETACHED", NAPI_AUTO_LENGTH, &code) == napi_ok &&
          napi_create_type_error(env, code, m, &err) == napi_ok) {
        napi_reject_deferred(env, deferred_, err);
      }
    } else {
      size_t i = 0;
      for (detail::Copy& k : copies_) {
        if (k.out_arg < 0) continue;
        if (k.bytes > 0) std::memcpy(dst[i], k.mem, k.bytes);
        ++i;
      }
      napi_value result = nullptr;
      if (result_ == nullptr || napi_get_reference_value(env, result_, &result) != napi_ok || result == nullptr) {
        napi_get_undefined(env, &result);
      }
      napi_resolve_deferred(env, deferred_, result);
    }
    napi_close_handle_scope(env, scope);
  }

  void release(napi_env env) {
    if (result_) napi_delete_reference(env, result_);
    for (napi_ref ref : out_refs_) {
      if (ref) napi_delete_reference(env, ref);
    }
    for (napi_ref ref : pins_) napi_delete_reference(env, ref);
    pins_.clear();
    if (work_) napi_delete_async_work(env, work_);
    result_ = nullptr;
    out_refs_.clear();
    work_ = nullptr;
  }

  J job_;
  std::vector<detail::Copy> copies_;
  napi_deferred deferred_ = nullptr;
  napi_ref result_ = nullptr;
  std::vector<napi_ref> out_refs_;
  std::vector<napi_ref> pins_;  // SharedArrayBuffer views the job uses in place
  napi_async_work work_ = nullptr;
};

template <class J>
Napi::Value async(const Napi::CallbackInfo& info) {
  return AsyncCall<J>::start(info);
}

// exports[name] = sync<J>, exports[name + "Async"] = async<J>.
template <class J>
void export_both(Napi::Env env, Napi::Object exports, const char* name) {
  std::string an = std::string(name) + "Async";
  exports.Set(name, Napi::Function::New(env, sync<J>, name));
  exports.Set(an, Napi::Function::New(env, async<J>, an));
}

}  // namespace lk
