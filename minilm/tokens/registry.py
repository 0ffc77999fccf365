"""One registry of tokenizers by name: the shipped BPE and word level, Gemma 3, and any you add.

    >>> from minilm import get_tokenizer, tokenizer_names
    >>> tokenizer_names()
    ('bpe', 'word', 'gemma')
    >>> get_tokenizer("bpe").encode("the capital")
    [2, 719, 442]

`register_tokenizer(name, path, label=...)`, called before `build_demo()`, makes one more tokenizer a
choice in every tab, in the CLI's `--tokenizer` and in the links. A path that is not registered is a
stranger's file, so it runs in the sandbox (`minilm.tokens.sandbox`). Gemma loads once, in the
background in the app: `get_tokenizer("gemma", wait=False)` raises `Problem("still_loading")` until it
is ready. Not here: what a tokenizer does (`minilm.tokens.tokenizer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from minilm.assets import ASSETS
from minilm.background import BackgroundLoader
from minilm.lang import Problem, say
from minilm.tokens.gemma import Gemma, load_gemma
from minilm.tokens.tokenizer import Tokenizer

GEMMA_NAME = "gemma"
SHIPPED = ("bpe", "word", GEMMA_NAME)
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


@dataclass(frozen=True)
class TokenizerEntry:
    """A tokenizer a learner can pick: its name in code and links, how the page labels it, its file."""

    name: str
    label: str  # a key of minilm/lang for the shipped ones, shown as is for registered ones
    path: Path | None = None  # None for Gemma, which comes from `load_gemma`
    translated: bool = False  # `label` is a key of minilm/lang

    @property
    def local(self) -> bool:
        """Loaded in this process from a tokenizer.json: small enough to train the tiny LM on."""
        return self.path is not None

    def label_in(self, lang: str) -> str:
        """The label as the server words it (the page's own labels are translated in the browser)."""
        return say(self.label, lang) if self.translated else self.label


_ENTRIES: dict[str, TokenizerEntry] = {
    "bpe": TokenizerEntry("bpe", "tokenizer_bpe", ASSETS / "tokenizer.json", translated=True),
    "word": TokenizerEntry("word", "tokenizer_word", ASSETS / "tokenizer_word.json", translated=True),
    GEMMA_NAME: TokenizerEntry(GEMMA_NAME, "tokenizer_gemma", translated=True),
}
GEMMA = BackgroundLoader(load_gemma, what="Gemma 3")


def register_tokenizer(name: str, path, *, label: str | None = None) -> TokenizerEntry:
    """Offer the `tokenizer.json` at `path` as `name` everywhere tokenizers are chosen.

    The file is your own and runs in this process; it is read when first used.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise Problem("tokenizer_name_bad", name=name)
    if name in SHIPPED:
        raise Problem("tokenizer_name_shipped", name=name)
    path = Path(path).resolve()
    if not path.is_file():
        raise Problem("tokenizer_not_file", path=str(path))
    entry = TokenizerEntry(name, label or f"{name} ({path.name})", path)
    _ENTRIES[name] = entry
    _local.cache_clear()
    return entry


def tokenizer_names(*, local_only: bool = False) -> tuple[str, ...]:
    """The names to choose from, shipped ones first; `local_only` leaves out Gemma."""
    return tuple(name for name, entry in _ENTRIES.items() if entry.local or not local_only)


def tokenizer_entry(name: str) -> TokenizerEntry:
    return _ENTRIES[check_tokenizer(name)]


def check_tokenizer(name, *, local_only: bool = False, also: tuple[str, ...] = ()) -> str:
    """`name` if it is a tokenizer to choose from (or one of `also`), else the one "unknown tokenizer" problem."""
    names = (*tokenizer_names(local_only=local_only), *also)
    if name not in names:
        raise Problem("unknown_tokenizer", name=name, names=", ".join(names))
    return name


def get_tokenizer(name: str, *, wait: bool = True):
    """The tokenizer called `name`, or a sandboxed one read from the tokenizer.json at path `name`.

    `wait=False` (the app) raises `Problem("still_loading")` instead of waiting for Gemma.
    """
    if name not in _ENTRIES and isinstance(name, str) and name.endswith(".json") and Path(name).is_file():
        from minilm.tokens.sandbox import load_untrusted_tokenizer

        return load_untrusted_tokenizer(Path(name).read_bytes(), name=Path(name).name)
    entry = tokenizer_entry(name)  # the one "unknown tokenizer" problem
    return _local(name, entry.path) if entry.local else gemma(wait=wait).tokenizer


def gemma(*, wait: bool = True) -> Gemma:
    """The loaded Gemma 3 (tokenizer, name, where it came from), loading it once."""
    return GEMMA.wait() if wait else GEMMA.ready()


@lru_cache(maxsize=None)
def _local(name: str, path: Path) -> Tokenizer:
    """Each local tokenizer is read once per process and shared read-only."""
    return Tokenizer(str(path), name=name)
