#!/usr/bin/env python3
"""PyTorch CPU peer for logitkit's `npm run bench` (driven by bench/run.mjs).

Reads a JSON job list on stdin:
  {"tasks": [{"id": str, "kind": str, "rows": int, "cols": int, "k": int, "n": int,
              "threads": int}], "samples": int, "warmup": int, "budget_ms": float}
and prints one JSON object on stdout:
  {"torch": version, "capability": "AVX2", "threads_max": int,
   "results": {id: {"median_ms": float, "samples": int} | {"error": str}}}

Timing: median of N calls after warm-up, time.perf_counter_ns around each call (the same
scheme as bench/timing.mjs). Every peer gets its best configuration: outputs are
preallocated where the op takes `out=`, and run.mjs starts this process with
ATEN_CPU_CAPABILITY (avx512 where the CPU has it) and GLIBC_TUNABLES set so that large
tensors are not dominated by page faults.
"""
import json
import os
import statistics
import sys
import time


def capability(torch):
    try:
        return torch.backends.cpu.get_cpu_capability()  # torch >= 2.0
    except Exception:
        pass
    try:
        for line in torch.__config__.show().splitlines():
            if "CPU capability usage" in line:
                return line.split(":", 1)[1].strip()
    except Exception:
        pass
    return "unknown"


def timeit(fn, samples, warmup, budget_ms):
    t0 = time.perf_counter_ns()
    fn()
    first_ms = (time.perf_counter_ns() - t0) / 1e6
    for _ in range(max(0, warmup - 1)):
        if first_ms * warmup > budget_ms:
            break
        fn()
    n = samples
    if first_ms > 0:
        n = max(3, min(samples, int(budget_ms / first_ms)))
    times = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / 1e6)
    return {"median_ms": statistics.median(times), "samples": len(times),
            "min_ms": min(times)}


def make_task(torch, F, t):
    kind = t["kind"]
    rows, cols = t.get("rows", 0), t.get("cols", 0)
    g = torch.Generator().manual_seed(1234)
    if kind == "logsoftmax":
        x = torch.randn(rows, cols, generator=g) * 4
        out = torch.empty_like(x)
        return lambda: torch.log_softmax(x, -1, out=out)
    if kind == "ce":
        x = (torch.randn(rows, cols, generator=g) * 4).requires_grad_()
        y = torch.randint(0, cols, (rows,), generator=g)
        return lambda: torch.autograd.grad(F.cross_entropy(x, y), x)
    if kind == "gumbel":
        out = torch.empty(t["n"])
        return lambda: out.uniform_().log_().neg_().log_().neg_()
    if kind == "multinomial":
        x = torch.randn(rows, cols, generator=g) * 4
        k = t.get("k", 1)
        # multinomial(softmax(x), k): for k = 1, or without replacement, torch 1.13+ takes
        # its fast path (argmax / topk of p / Exp(1) noise)
        return lambda: torch.multinomial(torch.softmax(x, -1), k, replacement=False)
    if kind == "topk":
        x = torch.randn(rows, cols, generator=g) * 4
        k = t["k"]
        v = torch.empty(rows, k)
        i = torch.empty(rows, k, dtype=torch.long)
        return lambda: torch.topk(x, k, -1, out=(v, i))
    raise ValueError(f"unknown kind {kind}")


def main():
    job = json.load(sys.stdin)
    try:
        import torch
        import torch.nn.functional as F
    except Exception as e:  # reported as "unavailable" by run.mjs
        print(json.dumps({"error": f"import torch failed: {type(e).__name__}: {e}"}))
        return
    threads_max = os.cpu_count() or 1
    try:
        threads_max = len(os.sched_getaffinity(0))
    except Exception:
        pass
    res = {}
    for t in job["tasks"]:
        try:
            torch.set_num_threads(int(t.get("threads", 1)) or threads_max)
            fn = make_task(torch, F, t)
            res[t["id"]] = timeit(fn, job.get("samples", 9), job.get("warmup", 2), job.get("budget_ms", 2000))
            res[t["id"]]["threads"] = torch.get_num_threads()
        except Exception as e:
            res[t["id"]] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps({"torch": torch.__version__, "capability": capability(torch),
                      "threads_max": threads_max, "results": res}))


if __name__ == "__main__":
    main()
