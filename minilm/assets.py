"""The files minilm ships in `assets/` and the folder where it keeps what it converts.

Not here: the tokenizers made from these files (`minilm.tokens.registry`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
CORPUS = ASSETS / "text.txt"


@lru_cache(maxsize=1)
def corpus_text() -> str:
    """`assets/text.txt`: the original English and Turkish corpus the local tokenizers learned from."""
    return CORPUS.read_text(encoding="utf-8")


def cache_dir() -> Path:
    """Where converted files live: `$MINILM_CACHE`, else `~/.cache/minilm`."""
    return Path(os.environ.get("MINILM_CACHE") or Path.home() / ".cache" / "minilm")
