#include "pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#endif

namespace {

// Handing a job to a worker asleep on a condition variable costs a futex wake, and on a
// virtual machine the wake of an idle vCPU: measured 10–25 µs per call on a 2-vCPU KVM guest
// (AMD EPYC Zen 4), so argmax of 128 × 1000 took 28.6 µs on 2 threads against 15.0 µs on one,
// and 2 threads lost on most calls under ~100 µs. So both sides poll briefly before sleeping:
// a worker polls for the next job for 200 µs after each one (a loop of calls finds it awake),
// and the calling thread polls as long for the workers' completion before it waits on the
// condition variable. Polling is bounded in time, so an idle pool sleeps within a fraction of a
// millisecond, and nothing else changes: the same ranges run (results never depend on the
// split; README, "Backends and environment variables"). LOGITKIT_SPIN_US=<µs> (an integer in
// [0, 100000], read when the addon loads) or lk_pool_set_spin_us sets the window; 0 turns
// polling off (the condition variables alone). The caller's window is no longer than the
// workers': a 2 ms one gained nothing measurable and, when the pool shares the cores with other
// busy threads (a trainer preparing its next batch on the JS thread), burns their time.
// The window in microseconds: g_spin_us when set (lk_pool_set_spin_us), else the default read
// from LOGITKIT_SPIN_US once, on the thread that first sizes the pool (the addon's load, on the
// JS thread): pool threads never call getenv, which may race with the JS thread's setenv.
std::atomic<int64_t> g_spin_default{200};
std::atomic<int64_t> g_spin_us{-1};  // −1: the default
std::atomic<bool> g_spin_env{false};  // LOGITKIT_SPIN_US was valid
std::once_flag g_spin_env_once;
void read_spin_env() {
  std::call_once(g_spin_env_once, [] {
    const char* e = std::getenv("LOGITKIT_SPIN_US");
    if (!e || !*e) return;
    char* end = nullptr;
    const long n = std::strtol(e, &end, 10);
    if (*end == '\0' && n >= 0 && n <= 100000) {  // anything else: 200
      g_spin_default.store(n);
      g_spin_env.store(true);
    }
  });
}
std::chrono::microseconds spin_window() {
  const int64_t us = g_spin_us.load(std::memory_order_relaxed);
  return std::chrono::microseconds(us >= 0 ? us : g_spin_default.load(std::memory_order_relaxed));
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// Polls done() until it holds or `limit` has passed (the clock read every 64 polls).
template <class Done>
bool spin_until(Done done, std::chrono::microseconds limit) {
  if (limit.count() == 0) return done();
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      cpu_relax();
    }
    if (std::chrono::steady_clock::now() >= end) return done();
  }
}

struct Job {
  const std::function<void(int64_t, int64_t)>* fn = nullptr;
  int64_t n = 0, chunk = 1;
  std::atomic<int64_t> next{0};
  std::atomic<int> active{0};
};

class Pool {
 public:
  ~Pool() { resize(1); }

  void resize(int n) {
    std::lock_guard<std::mutex> busy(busy_);
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
      generation_.store(generation_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    stop_ = false;
    // A worker starts from the generation current at its creation, so a job (or stop) posted
    // before the thread first takes the lock is still seen (else run()/resize() wait forever).
    const uint64_t g = generation_.load();
    for (int i = 1; i < n; ++i) workers_.emplace_back([this, g] { loop(g); });
    threads_.store(n);
  }

  int threads() const { return threads_.load(); }

  void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    int t = threads_.load();
    if (!busy.owns_lock() || t <= 1 || n <= grain) {
      if (n > 0) fn(0, n);
      return;
    }
    // A few chunks per thread balance uneven rows without making chunks tiny.
    int64_t chunk = (n + 4 * t - 1) / (4 * t);
    if (chunk < grain) chunk = grain;
    job_.fn = &fn;
    job_.n = n;
    job_.chunk = chunk;
    job_.next.store(0);
    job_.active.store(int(workers_.size()));
    {
      // The release store publishes the job to workers that poll generation_ without the lock.
      std::lock_guard<std::mutex> lk(mu_);
      generation_.store(generation_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    cv_.notify_all();
    work();
    if (spin_until([this] { return job_.active.load(std::memory_order_acquire) == 0; }, spin_window())) return;
    std::unique_lock<std::mutex> lk(mu_);
    done_cv_.wait(lk, [this] { return job_.active.load() == 0; });
  }

 private:
  void work() {
    for (;;) {
      int64_t b = job_.next.fetch_add(job_.chunk);
      if (b >= job_.n) return;
      int64_t e = b + job_.chunk < job_.n ? b + job_.chunk : job_.n;
      (*job_.fn)(b, e);
    }
  }

  void loop(uint64_t seen) {
    for (;;) {
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; }, spin_window());
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
        seen = generation_.load(std::memory_order_relaxed);
        if (stop_) return;
      }
      work();
      if (job_.active.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lk(mu_);
        done_cv_.notify_all();
      }
    }
  }

  std::mutex busy_, mu_;
  std::condition_variable cv_, done_cv_;
  std::vector<std::thread> workers_;
  Job job_;
  std::atomic<uint64_t> generation_{0};  // written under mu_, polled without it by spinning workers
  bool stop_ = false;
  // Atomic: run() and lk_pool_threads() read it without busy_ while setThreads writes it
  // (a data race ThreadSanitizer reports; scripts/tsan.sh).
  std::atomic<int> threads_{1};
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers must not be joined during exit
  return *p;
}

}  // namespace

void lk_pool_set_spin_us(int64_t us) {
  read_spin_env();
  g_spin_us.store(us < 0 ? -1 : us > 100000 ? 100000 : us);
}
void lk_pool_set_threads(int n) {
  read_spin_env();  // before any worker starts polling
  pool().resize(n < 1 ? 1 : n);
}
bool lk_pool_spin_from_env() {
  read_spin_env();
  return g_spin_env.load();
}
int lk_pool_threads() { return pool().threads(); }
void lk_parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  pool().run(n, grain, fn);
}
