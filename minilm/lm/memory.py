"""Freed memory kept for the next training step rather than handed back to the kernel and faulted in again.

glibc's malloc serves blocks of 128 KiB and more with fresh `mmap`s (the threshold then grows to the
largest block freed, up to 32 MiB) and trims the top of its heaps once more than twice that is free.
A training step frees, at its end, the same activations and gradients the next step asks for again
(the Train tab's default run: logits of 384 x 1024 floats, 1.5 MiB, and their gradient); whenever they
went back to the kernel, every page of them costs a page fault and a kernel zero-fill on first touch.
At 2 torch threads that happened in step after step: 4 to 557 page faults a step as timing went, and in
A/Bs of the default run 7-17% more CPU time and 1.09-1.23x fewer steps/s than with the thresholds fixed
(bench/README.md; `bench/train.py` prints the faults, `--runs-default-malloc` runs the A/B).

`keep_freed_memory()` fixes both thresholds once with `mallopt`, the runtime form of glibc's
`MALLOC_MMAP_THRESHOLD_` / `MALLOC_TRIM_THRESHOLD_` environment settings, at the values glibc's own
dynamic thresholds may reach; `release_freed_memory()` hands what the heaps keep free back at the end of
a run. A preloaded jemalloc or tcmalloc, which PyTorch's performance tuning guide suggests, would reuse
memory as well, but neither `python app.py` nor a Space can count on one. Elsewhere than glibc (macOS,
Windows, musl's no-op `mallopt`) both change nothing.
"""

from __future__ import annotations

import ctypes
import threading

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>
# glibc's own ceilings for its dynamic thresholds on 64-bit (its mmap threshold's upper bound, trim at twice
# it): what a process reaches anyway once it has freed a 32 MiB block, fixed from the start.
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 64 << 20

_lock = threading.Lock()
_kept: bool | None = None


def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds once per process; True when glibc took both.

    `train()` calls it, so the app sets them at its first run, from a worker thread. glibc's manual counts
    `mallopt` beside other threads unsafe ("const:mallopt": it stores the parameters under the main arena's
    lock, while other threads read them without it): word-sized stores whose only effect is which threshold
    a concurrent malloc sees, accepted here. Set in the main thread before the app serves, they cost the
    app 79 MB more peak RSS while Gemma loads (857 MB against 778, `bench/embeddings.py --only app`, one run
    each, with a first trim threshold of 128 MiB and a test run beside).
    """
    global _kept
    with _lock:
        if _kept is None:
            _kept = _libc_call("mallopt", M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and \
                _libc_call("mallopt", M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
        return _kept


def release_freed_memory() -> None:
    """Hand the memory the heaps keep free back to the kernel (`malloc_trim`): at the end of a run, the
    ~45 MB its steps and evaluations kept (the Train tab's default run) is not the app's to hold."""
    _libc_call("malloc_trim", 0)


def _libc_call(name: str, *args: int) -> int | None:
    """`name(*args)` from the process's own C library; None where it has no such function (macOS, Windows)."""
    try:
        function = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError, TypeError):  # TypeError: CDLL(None) on Windows
        return None
    function.argtypes, function.restype = (ctypes.c_int,) * len(args), ctypes.c_int
    return function(*args)
