"""Seed section 5: a token stream becomes `(x, y)` next-token pairs, `y` being `x` shifted by one.

Windows start at 0, stride, 2*stride, ... while a full target still fits, exactly as the seed's
`make_windows`; the incomplete tail is dropped unless `keep_tail=True`, which pads it (inputs with
`pad_id`, targets with `ignore_index`, which `CrossEntropyLoss` skips). All windows are one
`unfold` view of a single id tensor: memory grows with the number of tokens, not with
tokens x context_length. Not here: which stream and settings (`minilm.windows.settings`), drawing
them (`minilm.windows.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.lang import Problem, plural_key
from minilm.values import whole_number

IGNORE_INDEX = -100  # CrossEntropyLoss's default ignore_index


def check_window_args(n_tokens: int, context_length, stride, *, keep_tail: bool = False) -> tuple[int, int]:
    """Validate settings as a learner would be told; returns them as ints.

    >>> check_window_args(13, 12, 12)
    (12, 12)
    """
    context_length = whole_number("context_length", context_length)
    stride = whole_number("stride", stride)
    if keep_tail and n_tokens < 2:
        raise Problem(plural_key("too_short_padded", n_tokens), n=n_tokens)
    if not keep_tail and n_tokens < context_length + 1:
        raise Problem("too_short", n=n_tokens, context_length=context_length, needed=context_length + 1)
    return context_length, stride


def count_windows(n_tokens: int, context_length: int, stride: int, *, keep_tail: bool = False) -> int:
    """How many windows the seed's loop makes: starts s with s + context_length + 1 <= n.

    >>> count_windows(100, 12, 12), count_windows(100, 12, 12, keep_tail=True)
    (8, 9)
    """
    last = n_tokens - 2 if keep_tail else n_tokens - context_length - 1  # last start allowed
    return last // stride + 1 if last >= 0 else 0


@dataclass(frozen=True)
class WindowStats:
    """What a learner asks about a setting: how many windows, what is skipped, what overlaps.

    >>> s = window_stats(30, context_length=4, stride=6)
    >>> s.n_windows, s.overlap, s.n_skipped, [s.in_input(i) for i in range(3, 7)]
    (5, 0, 10, [True, False, False, True])
    """

    n_tokens: int
    context_length: int
    stride: int
    n_windows: int
    n_padded: int  # tail windows padded to full length (only with keep_tail)

    @property
    def overlap(self) -> int:
        """Tokens two consecutive inputs share (0 when stride >= context_length)."""
        return max(0, self.context_length - self.stride)

    @property
    def gap(self) -> int:
        """Tokens between consecutive inputs that no input sees (stride > context_length)."""
        return max(0, self.stride - self.context_length)

    @property
    def n_skipped(self) -> int:
        """Tokens in no input: the gaps between windows and the dropped tail."""
        if self.n_windows == 0:
            return self.n_tokens
        return (self.n_windows - 1) * self.gap + max(0, self.n_tokens - self._end)

    @property
    def n_never_target(self) -> int:
        """Tokens no window predicts: the first one always, then the gaps and the tail."""
        if self.n_windows == 0:
            return self.n_tokens
        return 1 + (self.n_windows - 1) * self.gap + max(0, self.n_tokens - self._end - 1)

    def n_batches(self, batch_size: int) -> int:
        """Batches a loader yields without drop_last: the last one may be short."""
        return -(-self.n_windows // batch_size)

    def n_inputs_with(self, i: int) -> int:
        """How many windows' inputs contain position i (0: skipped, 2 or more: overlap)."""
        if not 0 <= i < self.n_tokens or self.n_windows == 0:
            return 0
        last = min(i // self.stride, self.n_windows - 1)
        first = max(0, -(-(i - self.context_length + 1) // self.stride))
        return max(0, last - first + 1)

    def in_input(self, i: int) -> bool:
        return self.n_inputs_with(i) > 0

    def in_target(self, i: int) -> bool:
        return i < self.n_tokens and self.n_inputs_with(i - 1) > 0

    @property
    def _end(self) -> int:
        return (self.n_windows - 1) * self.stride + self.context_length


def window_stats(n_tokens: int, context_length: int, stride: int, *, keep_tail: bool = False) -> WindowStats:
    """Counts by formula, for any n: nothing is built."""
    n_all = count_windows(n_tokens, context_length, stride, keep_tail=keep_tail)
    return WindowStats(
        n_tokens=n_tokens,
        context_length=context_length,
        stride=stride,
        n_windows=n_all,
        n_padded=n_all - count_windows(n_tokens, context_length, stride),
    )


class WindowDataset:
    """All windows as one view: `windows[k] = ids[k*stride : k*stride + context_length + 1]`.

    Indexing with a `range` (what `create_data_loader` does without shuffle) returns views;
    a list or tensor of indices gathers just that batch.
    """

    def __init__(self, ids, context_length: int, stride: int, *, keep_tail=False, pad_id=0, ignore_index=IGNORE_INDEX):
        import torch

        if isinstance(ids, (list, tuple)):  # 4x faster than torch.as_tensor on a list of Python ints
            import numpy as np

            ids = torch.from_numpy(np.fromiter(ids, dtype=np.int64, count=len(ids)))
        ids = torch.as_tensor(ids, dtype=torch.long)
        if ids.ndim != 1:
            raise Problem("ids_not_flat", shape=str(tuple(ids.shape)))
        n_windows = count_windows(len(ids), context_length, stride, keep_tail=keep_tail)
        pad = max(0, (n_windows - 1) * stride + context_length + 1 - len(ids))

        def view(fill: int):  # (n_windows, context_length + 1), sharing memory with `ids`
            padded = torch.cat([ids, torch.full((pad,), fill, dtype=torch.long)]) if pad else ids
            return padded.unfold(0, context_length + 1, stride)[:n_windows]

        self.x_windows = view(pad_id)
        # Past the text, inputs read pad_id and targets ignore_index, which CrossEntropyLoss skips.
        self.y_windows = view(ignore_index) if pad else self.x_windows

    def __len__(self) -> int:
        return len(self.x_windows)

    def __getitem__(self, k):
        x, y = self.__getitems__([k])
        return x[0], y[0]

    def __getitems__(self, indices):
        if isinstance(indices, range) and indices.step == 1:
            rows = slice(indices.start, indices.stop)
        else:
            import torch

            rows = torch.as_tensor(indices, dtype=torch.long)
        return self.x_windows[rows, :-1], self.y_windows[rows, 1:]


class _Batches:
    """Batch sampler yielding `range`s in order (slices of the view), or shuffled index tensors."""

    def __init__(self, n: int, batch_size: int, shuffle: bool, drop_last: bool, generator):
        self.n, self.batch_size, self.shuffle, self.drop_last, self.generator = n, batch_size, shuffle, drop_last, generator

    def __len__(self) -> int:
        return self.n // self.batch_size if self.drop_last else -(-self.n // self.batch_size)

    def __iter__(self):
        import torch

        order = torch.randperm(self.n, generator=self.generator) if self.shuffle else None
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            stop = min(start + self.batch_size, self.n)
            yield order[start:stop] if order is not None else range(start, stop)


def _as_is(batch):
    return batch


def create_data_loader(
    token_ids,
    context_length: int,
    stride: int,
    batch_size: int = 1,
    shuffle: bool = False,
    *,
    keep_tail: bool = False,
    pad_id: int = 0,
    ignore_index: int = IGNORE_INDEX,
    drop_last: bool = False,
    seed: int | None = None,
):
    """The seed's `create_data_loader`: a DataLoader of `(x, y)` batches, both `[batch, context_length]`.

    >>> x, y = next(iter(create_data_loader(list(range(20)), context_length=4, stride=4)))
    >>> x.tolist(), y.tolist()
    ([[0, 1, 2, 3]], [[1, 2, 3, 4]])
    """
    import torch
    from torch.utils.data import DataLoader

    context_length, stride = check_window_args(len(token_ids), context_length, stride, keep_tail=keep_tail)
    batch_size = whole_number("batch_size", batch_size)
    dataset = WindowDataset(token_ids, context_length, stride, keep_tail=keep_tail, pad_id=pad_id, ignore_index=ignore_index)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    sampler = _Batches(len(dataset), batch_size, shuffle, drop_last, generator)
    return DataLoader(dataset, batch_sampler=sampler, collate_fn=_as_is)
