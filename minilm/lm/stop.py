"""Stop flags for training runs, one per caller (a browser session): Stop asks, the loop stops itself.

The loop (`minilm.lm.train.train(..., stop=flag)`) reads its flag after every step and ends with the
model trained so far, which a cancelled event would lose. Free of torch, so the page can hold it from
the start. Not here: the loop.

    >>> flags = StopFlags()
    >>> flags.arm("me"); flag = flags.flag("me"); flags.stop("me"); flag.is_set()
    True
"""

from __future__ import annotations

import threading


class StopFlags:
    """`arm` when a run is asked for (before it waits in a queue), `flag` for the run to read, `stop`
    from the Stop button, `end` when the run is over: the caller's last run to end removes its flag."""

    def __init__(self):
        self._lock = threading.Lock()
        self._flags: dict[str, list] = {}  # caller -> [flag, runs armed and not ended]

    def arm(self, caller: str) -> None:
        with self._lock:
            entry = self._flags.setdefault(caller, [threading.Event(), 0])
            entry[0].clear()  # a Stop before this Start does not stop it
            entry[1] += 1

    def flag(self, caller: str) -> threading.Event:
        with self._lock:
            return self._flags.setdefault(caller, [threading.Event(), 1])[0]

    def stop(self, caller: str) -> None:
        with self._lock:
            if caller in self._flags:
                self._flags[caller][0].set()

    def end(self, caller: str) -> None:
        with self._lock:
            entry = self._flags.get(caller)
            if entry is not None:
                entry[1] -= 1
                if entry[1] <= 0:
                    del self._flags[caller]

    def __len__(self) -> int:
        return len(self._flags)
