// ThreadSanitizer driver for the native thread pool (native/pool.cc) and kernels run through it:
// several threads (as the async queue's workers are) call lk_parallel_for at once while another
// changes the thread count (setThreads under load); every chunk's result is checked, and a softmax
// over rows split by the pool must equal the single-threaded result bit for bit.
// Built and run by scripts/tsan.sh.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "dispatch.h"
#include "pool.h"

static int fail(const char* what) {
  std::fprintf(stderr, "tsan_pool: FAILED: %s\n", what);
  std::exit(1);
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 200;
  const char *err = nullptr, *warn = nullptr;
  if (!lk_dispatch_init(std::getenv("LOGITKIT_ISA"), &err, &warn)) fail(err);
  const auto& sm = lk_dispatch().softmax;
  const int64_t rows = 64, cols = 1031;
  std::vector<float> x(static_cast<size_t>(rows * cols));
  for (size_t i = 0; i < x.size(); ++i) x[i] = float((i * 2654435761u) % 1000) / 100.0f - 5.0f;
  std::vector<float> want(x.size());
  sm.softmax(x.data(), want.data(), rows, cols, 1.0f);

  std::atomic<bool> stop{false};
  std::atomic<long> calls{0};
  // setThreads under load.
  std::thread resizer([&] {
    int n = 1;
    while (!stop.load()) {
      lk_pool_set_threads(1 + (n++ % 4));
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      std::vector<float> y(x.size());
      for (int r = 0; r < rounds; ++r) {
        // A sum over [0, n) in chunks: every index exactly once.
        const int64_t n = 1000 + 37 * w + r;
        std::vector<std::atomic<int>> seen(static_cast<size_t>(n));
        for (auto& s : seen) s.store(0);
        lk_parallel_for(n, 1 + r % 7, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) seen[size_t(i)].fetch_add(1, std::memory_order_relaxed);
        });
        for (auto& s : seen) if (s.load() != 1) fail("an index was not visited exactly once");
        // Kernel rows split by the pool: identical to one thread.
        std::memset(y.data(), 0, y.size() * sizeof(float));
        lk_parallel_for(rows, 1, [&](int64_t r0, int64_t r1) {
          sm.softmax(x.data() + r0 * cols, y.data() + r0 * cols, r1 - r0, cols, 1.0f);
        });
        if (std::memcmp(y.data(), want.data(), y.size() * sizeof(float)) != 0) fail("softmax through the pool differs");
        calls.fetch_add(2);
      }
    });
  }
  for (auto& t : workers) t.join();
  stop.store(true);
  resizer.join();
  lk_pool_set_threads(1);
  std::printf("tsan_pool: %ld parallel_for calls from 4 threads with setThreads changing under load: OK (tier %s)\n",
              calls.load(), lk_isa_name(lk_dispatch().isa));
  return 0;
}
