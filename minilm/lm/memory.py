"""Freed memory kept for the next training step rather than handed back to the kernel and faulted in again.

glibc's malloc serves blocks of 128 KiB and more with fresh `mmap`s (the threshold then grows to the
largest block freed, up to 32 MiB) and trims the top of its heaps once more than twice that is free.
A training step frees, at its end, the same activations and gradients the next step asks for again
(the Train tab's default run: logits of 384 x 1024 floats, 1.5 MiB, and their gradient); whenever they
went back to the kernel, every page of them costs a page fault and a kernel zero-fill on first touch.
At 2 torch threads that happened every step: 120 to 557 page faults a step, and the default run took
17% more CPU time and ran 1.23x slower than with the thresholds fixed (bench/README.md; `bench/train.py`
prints the faults). `keep_freed_memory()` fixes both thresholds once with `mallopt`, the runtime
form of glibc's `MALLOC_MMAP_THRESHOLD_` / `MALLOC_TRIM_THRESHOLD_` environment settings. A preloaded
jemalloc or tcmalloc, which PyTorch's performance tuning guide suggests, would reuse memory as well,
but neither `python app.py` nor a Space can count on one. Elsewhere than glibc (macOS, Windows, musl's no-op `mallopt`) it changes nothing.
"""

from __future__ import annotations

import ctypes
import threading

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>
MMAP_THRESHOLD = 32 << 20  # glibc's own upper bound for it on 64-bit: an evaluation's logits (<= 32 MiB) stay on the heap
TRIM_THRESHOLD = 128 << 20  # free memory a heap keeps at its top before handing it back

_lock = threading.Lock()
_kept: bool | None = None


def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds once per process; True when glibc took both."""
    global _kept
    with _lock:
        if _kept is None:
            _kept = _mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) and _mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
        return _kept


def _mallopt(param: int, value: int) -> bool:
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError, TypeError):  # no mallopt (macOS), or CDLL(None) unsupported (Windows)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt(param, value) == 1
