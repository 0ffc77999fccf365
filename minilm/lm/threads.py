"""How many torch threads a training run uses: both cores while they are free, one when another process takes one.

On 2 cores a step at 2 threads is ~1.35x faster than at 1 on a quiet machine, but ~5x slower when
another process is busy (OpenMP threads spin and wait on the busy core). So `ThreadChooser` times the
steps themselves: it starts at 1 thread, probes 2 for a few steps, keeps the faster, and probes the
other count again after `gap` steps, doubling the gap each time a probe loses (up to `max_gap`), so a
loaded machine pays little for probing. A probe step `hopeless` x slower than the kept count's median
loses at once; 2 threads slowing down by `slower` (load arrived) probe 1 at once. A probe of 2 threads
is skipped (and counts as lost) when /proc/stat says the other core was busy during the last `window`
steps: its first step alone can cost 10-30 steps' time under load. Results do not depend on the choice
(`minilm.lm.model.LayerNorm`, and MKL's strict mode: `threads_agree`). Not here: inter-op threads, more than 2 threads.

    >>> usable_threads() in (1, 2), ThreadChooser(max_threads=1).threads
    (True, 1)
"""

from __future__ import annotations

import os
import statistics
import time
from functools import lru_cache

import torch


def usable_threads() -> int:
    """1 or 2: the cores this process may run on, at most 2 (more would only add spinning threads here)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


@lru_cache(maxsize=1)
def threads_agree() -> bool:
    """Whether a matrix product gives the same bits at 1 and 2 threads here: the LM head's input gradient at the
    Train tab's default size, a sum over 1,024 terms. True with MKL's strict CNR mode (`import minilm` asks for it
    before torch's first product); False where the BLAS splits such sums between threads (MKL without it on some
    CPUs, or asked too late), and then `ThreadChooser` keeps one thread, so runs stay reproducible."""
    generator = torch.Generator().manual_seed(0)
    a, b = torch.randn(384, 1024, generator=generator), torch.randn(1024, 64, generator=generator)
    before = torch.get_num_threads()
    try:
        products = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            products.append(a @ b)
    finally:
        torch.set_num_threads(before)
    return torch.equal(*products)


class IdleCores:
    """`IdleCores()()`: how many cores stood idle, on average, since the last call (None: unknown or too short).

    From /proc/stat; None when it is unreadable or counts other CPUs than this process may use (a
    container on a bigger host), since idle cores elsewhere are no use to us.
    """

    def __init__(self, path: str = "/proc/stat"):
        self.path = path
        self.last = self._read()

    def _read(self) -> tuple[int, int, int] | None:
        try:
            with open(self.path) as f:
                lines = f.read().splitlines()
            fields = [int(v) for v in lines[0].split()[1:9]]  # user nice system idle iowait irq softirq steal
            n_cpus = sum(line.startswith("cpu") and line[3:4].isdigit() for line in lines)
            if n_cpus != len(os.sched_getaffinity(0)):
                return None
        except (OSError, ValueError, IndexError, AttributeError):
            return None
        return fields[3] + fields[4], sum(fields), n_cpus

    def __call__(self) -> float | None:
        now, before = self._read(), self.last
        self.last = now
        if now is None or before is None or now[1] - before[1] < 10:  # jiffies of all CPUs: too short to tell
            return None
        return (now[0] - before[0]) / (now[1] - before[1]) * now[2]


class ThreadChooser:
    """Call `start_step()` before each training step and `end_step()` after it (evaluations between: not timed).

    `start_step` sets this thread's torch thread count to `threads` and returns it; `end_step` times
    the step and decides the next count. The caller restores its own count when done. `clock` and
    `idle_cores` (a callable like `IdleCores()`; None: no hint) are there for tests.
    """

    def __init__(self, *, max_threads: int | None = None, window: int = 8, gap: int = 100, max_gap: int = 3200,
                 slower: float = 1.5, hopeless: float = 2.0, clock=time.perf_counter, idle_cores="proc"):
        if max_threads is None:  # 2 threads on 2 cores, unless they would change the losses' last digits
            max_threads = usable_threads() if threads_agree() else 1
        self.max_threads = max_threads
        self.window, self.base_gap, self.max_gap, self.clock = window, gap, max_gap, clock
        self.slower, self.hopeless = slower, hopeless
        self.idle_cores = IdleCores() if idle_cores == "proc" else idle_cores
        self.best = self.threads = 1  # the count kept, the count of the next step
        self.gap, self.until_probe = gap, 0  # probe as soon as the first window at 1 thread is timed
        self.reference: float | None = None  # the kept count's median step time when it was last compared
        self.times: list[float] = []  # step times at `threads` since the last switch
        self.skip = True  # the first step after a switch: thread start-up, cold caches
        self.started: float | None = None

    def start_step(self) -> int:
        if torch.get_num_threads() != self.threads:
            torch.set_num_threads(self.threads)
        self.started = self.clock()
        return self.threads

    def end_step(self) -> None:
        seconds, self.started = self.clock() - self.started, None
        if self.skip:
            self.skip = False
            if self.threads == self.best and self.idle_cores is not None:
                self.idle_cores()  # the hint for the first probe covers this count's first window, not the setup
        elif self.threads != self.best:
            self._probe_step(seconds)
        else:
            self._kept_step(seconds)

    def _kept_step(self, seconds: float) -> None:
        self.times = (self.times + [seconds])[-self.window :]
        self.until_probe -= 1
        if self.max_threads == 1:
            return
        if self.until_probe == self.window and self.idle_cores is not None:
            self.idle_cores()  # the hint covers the last window before the probe
        if len(self.times) < self.window:
            return
        median = statistics.median(self.times)
        slowed = self.best > 1 and self.reference is not None and median > self.slower * self.reference
        if self.until_probe <= 0 or slowed:
            self.reference = median
            if self.best == 1 and self._other_core_busy():
                self._lost()
            else:
                self._switch(self.max_threads + 1 - self.best)  # the other of 1 and max_threads

    def _other_core_busy(self) -> bool:
        free = self.idle_cores() if self.idle_cores is not None else None
        return free is not None and free < 0.5  # beside our one thread, less than half a core stood idle

    def _probe_step(self, seconds: float) -> None:
        self.times.append(seconds)
        if seconds > self.hopeless * self.reference:
            self._lost()
        elif len(self.times) >= self.window:
            median = statistics.median(self.times)
            if median < self.reference:
                self.best, self.reference = self.threads, median
                self.until_probe = self.gap = self.base_gap
            else:
                self._lost()

    def _lost(self) -> None:
        self.until_probe, self.gap = self.gap, min(2 * self.gap, self.max_gap)
        self._switch(self.best)

    def _switch(self, threads: int) -> None:
        self.skip = self.skip or threads != self.threads
        self.threads, self.times = threads, []


class HeldThreads:
    """A chooser that keeps one thread count: `train(..., chooser=HeldThreads(1))` runs as the app did before."""

    def __init__(self, threads: int):
        self.threads = threads

    def start_step(self) -> int:
        torch.set_num_threads(self.threads)
        return self.threads

    def end_step(self) -> None:
        pass
