"""Stop flags for training runs: Stop asks, the loop stops itself after its current step.

The loop (`minilm.lm.train.train(..., stop=flag)`) reads its flag after every step and ends with the
model trained so far, which a cancelled event would lose. One flag per run, armed at the click (before
the run waits in a queue) and taken by the run when it starts, in the same order: a caller's Stop sets
the flags of all its runs armed so far, and a Start after it arms a fresh one. Free of torch, so the
page can hold it from the start. Not here: the loop.

    >>> flags = StopFlags()
    >>> flags.arm("me"); flags.stop("me"); flags.arm("me")   # Start, Stop, Start again quickly
    >>> first, second = flags.take("me"), flags.take("me")
    >>> first.is_set(), second.is_set()
    (True, False)
"""

from __future__ import annotations

import threading
from collections import deque


class StopFlags:
    """`arm` when a run is asked for, `take` when it starts (its flag), `stop` from the Stop button,
    `end(caller, flag)` when the run is over; `forget` drops a caller that left."""

    def __init__(self):
        self._lock = threading.Lock()
        self._armed: dict[str, deque] = {}  # caller -> flags of runs asked for and not yet started
        self._running: dict[str, list] = {}  # caller -> flags of runs started and not yet ended

    def arm(self, caller: str) -> None:
        with self._lock:
            self._armed.setdefault(caller, deque()).append(threading.Event())

    def take(self, caller: str) -> threading.Event:
        """The flag of the caller's oldest armed run (a fresh one for a run nobody armed, e.g. the API)."""
        with self._lock:
            armed = self._armed.get(caller)
            flag = armed.popleft() if armed else threading.Event()
            if armed is not None and not armed:
                del self._armed[caller]
            self._running.setdefault(caller, []).append(flag)
            return flag

    def stop(self, caller: str) -> None:
        with self._lock:
            for flag in [*self._armed.get(caller, ()), *self._running.get(caller, ())]:
                flag.set()

    def end(self, caller: str, flag: threading.Event) -> None:
        with self._lock:
            running = self._running.get(caller, [])
            if flag in running:
                running.remove(flag)
            if not running:
                self._running.pop(caller, None)

    def forget(self, caller: str) -> None:
        with self._lock:
            self._armed.pop(caller, None)

    def __len__(self) -> int:
        return len(set(self._armed) | set(self._running))
