"""The Windows tab's inputs as one value, checked once, and what they select: a stream and its windows.

    >>> s = WindowSettings(source="text", text="the capital of france is paris", context_length=4, stride=2)
    >>> cut = s.cut()
    >>> cut.stats.n_windows, cut.x[0].tolist(), cut.y[0].tolist()
    (2, [2, 719, 442, 405], [719, 442, 405, 397])

The Train tab trains on the windows of the same settings (`minilm.lm.train`). Not here: the loader
itself (`minilm.windows.loader`) or pictures (`minilm.windows.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from minilm.assets import corpus_text
from minilm.lang import Problem
from minilm.text import clean_text, read_text_file
from minilm.tokens.registry import check_tokenizer, get_tokenizer
from minilm.values import choice, flag, settle, whole_number
from minilm.windows.loader import WindowDataset, WindowStats, check_window_args, window_stats

SOURCES = ("text", "corpus", "file")  # the Tokens tab's text, assets/text.txt, an uploaded .txt
MAX_CONTEXT = 1024  # the tab's slider stops at 256; API callers may go further
MAX_BATCH = 1024


@dataclass(frozen=True)
class WindowSettings:
    """Which token stream, cut how: the seed's `create_data_loader(token_ids, context_length, stride, batch_size)`."""

    source: str = "corpus"
    text: str = ""  # read when source is "text"
    path: str | None = None  # a UTF-8 .txt, read when source is "file"
    tokenizer: str = "bpe"
    context_length: int = 12
    stride: int = 12
    batch_size: int = 1
    keep_tail: bool = False

    def __post_init__(self):
        choice("source", self.source, SOURCES)
        check_tokenizer(self.tokenizer)
        settle(
            self,
            context_length=whole_number("context_length", self.context_length, maximum=MAX_CONTEXT),
            stride=whole_number("stride", self.stride),  # past the stream's end is a lesson: one window
            batch_size=whole_number("batch_size", self.batch_size, maximum=MAX_BATCH),
            keep_tail=flag("keep_tail", self.keep_tail),
        )

    def ids(self, *, wait: bool = True) -> list[int]:
        """The token stream the windows are cut from (`wait=False`: Gemma still loading is an error)."""
        tokenizer = get_tokenizer(self.tokenizer, wait=wait)
        if self.source == "corpus":
            return list(_corpus_ids(self.tokenizer))
        if self.source == "file":
            if not self.path:
                raise Problem("no_file")
            return tokenizer.encode_long(read_text_file(self.path))
        return tokenizer.encode(clean_text(self.text)[0])

    def same_windows(self, other: WindowSettings) -> bool:
        """Whether `other` cuts the very windows these do: the same stream (what its source reads), context_length,
        stride and tail; batch_size only groups them.

        >>> corpus = WindowSettings(batch_size=32, text="not read: the source is the corpus")
        >>> corpus.same_windows(WindowSettings()), corpus.same_windows(WindowSettings(stride=8))
        (True, False)
        """
        read = {"text": ("text",), "file": ("path",), "corpus": ()}[self.source]
        keys = ("source", "tokenizer", "context_length", "stride", "keep_tail", *read)
        return all(getattr(self, k) == getattr(other, k) for k in keys)

    def cut(self, *, first: int = 8, ids: list[int] | None = None, wait: bool = True) -> "Cut":
        """The stream, its counts and its first `first` windows (views of one tensor, not copies)."""
        ids = self.ids(wait=wait) if ids is None else ids
        check_window_args(len(ids), self.context_length, self.stride, keep_tail=self.keep_tail)
        stats = window_stats(len(ids), self.context_length, self.stride, keep_tail=self.keep_tail)
        data = WindowDataset(ids, self.context_length, self.stride, keep_tail=self.keep_tail)
        x, y = data.__getitems__(range(0, min(len(data), first)))
        return Cut(ids, stats, x, y)


@dataclass(frozen=True)
class Cut:
    ids: list[int]
    stats: WindowStats
    x: object  # (min(first, n_windows), context_length) ids
    y: object  # the same shape: x shifted one token right


@lru_cache(maxsize=8)
def _corpus_ids(tokenizer: str) -> tuple[int, ...]:
    return tuple(get_tokenizer(tokenizer).encode_long(corpus_text()))
