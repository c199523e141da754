// One persistent thread pool for the whole addon. Work is split into contiguous ranges of
// an index space (rows, or RNG blocks); a range's result never depends on the split, so any
// thread count gives identical output.
#pragma once
#include <cstdint>
#include <functional>

void lk_pool_set_threads(int n);  // n >= 1; the calling thread counts as one
int lk_pool_threads();
// How long idle pool threads (and a caller waiting for them) poll before they sleep, in µs
// (0 = never; at most 100000); a negative value restores the default, LOGITKIT_SPIN_US or 200.
void lk_pool_set_spin_us(int64_t us);
// Whether LOGITKIT_SPIN_US set the default window (read once, when the addon loads).
bool lk_pool_spin_from_env();
// Runs fn(begin, end) over [0, n) in chunks of at least `grain`. Runs inline when the pool has
// one thread, when n ≤ grain, or when another thread (an async worker) holds the pool.
void lk_parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);
