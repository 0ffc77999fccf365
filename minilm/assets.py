"""The files minilm ships in `assets/`: the corpus and the two local tokenizers trained on it.

Loaders are cached: each tokenizer is read once per process and shared read-only.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from minilm.tokenizer import Tokenizer

ASSETS = Path(__file__).resolve().parent.parent / "assets"
CORPUS = ASSETS / "text.txt"
LOCAL_TOKENIZERS = {
    "bpe": ("tokenizer.json", "Local BPE (assets/tokenizer.json)"),
    "word": ("tokenizer_word.json", "Local word level (assets/tokenizer_word.json)"),
}


@lru_cache(maxsize=None)
def local_tokenizer(kind: str = "bpe") -> Tokenizer:
    """The shipped BPE ("bpe") or word-level ("word") tokenizer."""
    if kind not in LOCAL_TOKENIZERS:
        raise ValueError(f"unknown local tokenizer {kind!r}; choose one of {sorted(LOCAL_TOKENIZERS)}")
    filename, label = LOCAL_TOKENIZERS[kind]
    return Tokenizer(str(ASSETS / filename), name=label)


@lru_cache(maxsize=1)
def corpus_text() -> str:
    return CORPUS.read_text(encoding="utf-8")
