"""Helpers shared by the benchmark scripts in this folder (not a benchmark itself).

Children run with the same interpreter, from the repo root, and report a JSON line on stdout.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Put at the top of every child: the clock starts before any import but after the interpreter.
CHILD_PRELUDE = f"""
import time as _bench_time
_bench_t0 = _bench_time.perf_counter()
import json as _bench_json, resource as _bench_resource, sys as _bench_sys
_bench_sys.path.insert(0, {str(ROOT)!r})

def _bench_report(**fields):
    usage = _bench_resource.getrusage(_bench_resource.RUSAGE_SELF)
    fields["peak_rss_mb"] = usage.ru_maxrss / 1024
    fields["cpu_s"] = usage.ru_utime + usage.ru_stime  # whole process, interpreter start included
    print("BENCH_JSON " + _bench_json.dumps(fields), flush=True)
"""


def run_child(code: str, *, timeout: float = 900) -> dict:
    """Run `code` in a fresh interpreter; returns its BENCH_JSON report plus `wall_s` (whole process)."""
    source = CHILD_PRELUDE + textwrap.dedent(code)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", source], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"child failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON ")]
    if not lines:
        raise RuntimeError(f"child printed no report:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    report = json.loads(lines[-1][len("BENCH_JSON ") :])
    report["wall_s"] = wall
    return report


def median(values) -> float:
    return statistics.median(values)


def peak_rss_mb() -> float:
    """Peak RSS of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RssSampler:
    """Peak RSS of this process while the block runs, sampled every `interval` s by a thread.

    ru_maxrss only ever grows, so it cannot tell two phases of one process apart; this can.
    """

    def __init__(self, interval: float = 0.01):
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.start_mb = self.peak_mb = 0.0

    def _rss(self) -> float:
        return self._proc.memory_info().rss / 2**20

    def _run(self):
        while not self._stop.wait(self._interval):
            self.peak_mb = max(self.peak_mb, self._rss())

    def __enter__(self):
        self.start_mb = self.peak_mb = self._rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, self._rss())

    @property
    def growth_mb(self) -> float:
        return self.peak_mb - self.start_mb


def timed_ms(fn, runs: int, warmup: int = 3) -> list[float]:
    """Milliseconds of `runs` calls of `fn()`, after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def describe_ms(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {median(times):7.3f} ms  (min {ordered[0]:.3f}, p90 {p90:.3f})"


def verdict(ok: bool, message: str) -> str:
    return f"{'PASS' if ok else 'FAIL'}: {message}"


def header(title: str) -> None:
    import platform

    print(f"== {title} ==")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
        f"load average {load} (other processes make wall times noisy; CPU seconds are steadier)"
    )
