"""Where one token of the stream goes: the windows that read it as input and those that predict it.

    >>> hits = window_hits(6, n_tokens=13, context_length=4, stride=2)
    >>> hits.inputs, hits.targets, hits.n_windows
    ((2, 3), (1, 2), 5)

With the seed's `make_windows` (x = ids[i:i+context_length], y = ids[i+1:i+context_length+1], for i in
range(0, len(ids) - context_length, stride)), window k reads positions k*stride .. k*stride+context_length-1
and predicts k*stride+1 .. k*stride+context_length. Counted by formula: nothing is cut to find them.
Not here: drawing them (`minilm.windows.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.windows.loader import count_windows


@dataclass(frozen=True)
class WindowHits:
    """Token `position`: the windows (by number) where it is in x, and where it is in y."""

    position: int
    inputs: tuple[int, ...]
    targets: tuple[int, ...]
    n_windows: int

    @property
    def shown(self) -> tuple[int, ...]:
        """Every window it is in, x or y, in order."""
        return tuple(sorted(set(self.inputs) | set(self.targets)))


def _starting(low: int, high: int, stride: int, n_windows: int) -> tuple[int, ...]:
    """Windows k whose start k*stride lies in [low, high] (and that exist)."""
    first = max(0, -(-low // stride))
    last = min(n_windows - 1, high // stride) if high >= 0 else -1
    return tuple(range(first, last + 1))


def window_hits(position: int, *, n_tokens: int, context_length: int, stride: int, keep_tail: bool = False) -> WindowHits:
    """The windows whose x holds `position` (start in [p-L+1, p]) and whose y does (start in [p-L, p-1]).

    >>> window_hits(0, n_tokens=13, context_length=12, stride=12)  # the first token is never a target
    WindowHits(position=0, inputs=(0,), targets=(), n_windows=1)
    """
    n = count_windows(n_tokens, context_length, stride, keep_tail=keep_tail)
    if not 0 <= position < n_tokens:
        return WindowHits(position, (), (), n)
    inputs = _starting(position - context_length + 1, position, stride, n)
    targets = _starting(position - context_length, position - 1, stride, n)
    return WindowHits(position, inputs, targets, n)


def window_ids(ids, k: int, *, context_length: int, stride: int, pad_id: int = 0, ignore_index: int = -100):
    """Window k's (x, y) as lists, read from the stream (a padded tail as the loader pads it).

    >>> window_ids(list(range(10)), 1, context_length=4, stride=3)
    ([3, 4, 5, 6], [4, 5, 6, 7])
    """
    start = k * stride
    x = list(ids[start : start + context_length])
    y = list(ids[start + 1 : start + context_length + 1])
    return x + [pad_id] * (context_length - len(x)), y + [ignore_index] * (context_length - len(y))
