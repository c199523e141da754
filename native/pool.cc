#include "pool.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace {

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
      ++generation_;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    stop_ = false;
    // A worker starts from the generation current at its creation, so a job (or stop) posted
    // before the thread first takes the lock is still seen (else run()/resize() wait forever).
    for (int i = 1; i < n; ++i) workers_.emplace_back([this, g = generation_] { loop(g); });
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
      std::lock_guard<std::mutex> lk(mu_);
      ++generation_;
    }
    cv_.notify_all();
    work();
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
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return generation_ != seen; });
        seen = generation_;
        if (stop_) return;
      }
      work();
      if (job_.active.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lk(mu_);
        done_cv_.notify_all();
      }
    }
  }

  std::mutex busy_, mu_;
  std::condition_variable cv_, done_cv_;
  std::vector<std::thread> workers_;
  Job job_;
  uint64_t generation_ = 0;
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

void lk_pool_set_threads(int n) { pool().resize(n < 1 ? 1 : n); }
int lk_pool_threads() { return pool().threads(); }
void lk_parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  pool().run(n, grain, fn);
}
