#!/usr/bin/env python3
"""PyTorch CPU peer for logitkit's `npm run bench` (driven by bench/run.mjs).

Reads a JSON job list on stdin:
  {"tasks": [{"id": str, "py": str, "kind": str, "threads": int, ...params}],
   "samples": int, "warmup": int, "budget_ms": float}
Each task names its section's module ("py": bench/torch/<file>.py, an absolute path) and a
kind in that module's KINDS = {kind: make(task, torch) -> zero-arg callable to time}; the rest
of the task's fields are the section's own parameters, passed to make unchanged. Modules are
loaded once; a module that fails to load fails its tasks only.
and prints one JSON object on stdout:
  {"torch": version, "capability": "AVX2", "threads_max": int,
   "results": {id: {"median_ms": float, "samples": int} | {"error": str}}}

Timing: median of N calls after warm-up, time.perf_counter_ns around each call (the same
scheme as bench/timing.mjs). Every peer gets its best configuration: outputs are
preallocated where the op takes `out=`, and run.mjs starts this process with
ATEN_CPU_CAPABILITY (avx512 where the CPU has it) and GLIBC_TUNABLES set so that large
tensors are not dominated by page faults.
"""
import importlib.util
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


def load_kinds(path):
    """KINDS of one bench/torch/<file>.py: {kind: make(task, torch) -> zero-arg callable}."""
    spec = importlib.util.spec_from_file_location(
        "logitkit_bench_torch_" + os.path.splitext(os.path.basename(path))[0], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    kinds = getattr(mod, "KINDS", None)
    if not isinstance(kinds, dict):
        raise TypeError(f"{path} defines no KINDS dict")
    return kinds


def main():
    job = json.load(sys.stdin)
    # bench/torch/ (the sections' modules) must not shadow the torch package as a namespace
    # package when torch is not installed: take this script's folder off the import path
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        import torch
    except Exception as e:  # reported as "unavailable" by run.mjs
        print(json.dumps({"error": f"import torch failed: {type(e).__name__}: {e}"}))
        return
    threads_max = os.cpu_count() or 1
    try:
        threads_max = len(os.sched_getaffinity(0))
    except Exception:
        pass
    res = {}
    modules = {}
    for t in job["tasks"]:
        try:
            py = t["py"]
            if py not in modules:
                try:
                    modules[py] = load_kinds(py)
                except Exception as e:
                    modules[py] = e
            kinds = modules[py]
            if isinstance(kinds, Exception):
                raise RuntimeError(f"{os.path.basename(py)}: {type(kinds).__name__}: {kinds}")
            if t["kind"] not in kinds:
                raise ValueError(f"unknown kind {t['kind']} in {os.path.basename(py)}")
            torch.set_num_threads(int(t.get("threads", 1)) or threads_max)
            fn = kinds[t["kind"]](t, torch)
            res[t["id"]] = timeit(fn, job.get("samples", 9), job.get("warmup", 2), job.get("budget_ms", 2000))
            res[t["id"]]["threads"] = torch.get_num_threads()
        except Exception as e:
            res[t["id"]] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps({"torch": torch.__version__, "capability": capability(torch),
                      "threads_max": threads_max, "results": res}))


if __name__ == "__main__":
    main()
