"""The Embeddings tab's inputs as one value, checked once.

    >>> EmbeddingSettings(vectors="gemma", dims="20, 21, 22").dims
    (20, 21, 22)

Not here: the vectors they select (`minilm.embeddings.vectors`).
"""

from __future__ import annotations

import math

from dataclasses import dataclass

from minilm.embeddings.projection import parse_dims
from minilm.lang import Problem
from minilm.lang.en import EMBEDDINGS_A, EMBEDDINGS_B
from minilm.tokens.registry import check_tokenizer
from minilm.values import choice, flag, settle, whole_number

VECTORS = ("hand", "random", "gemma")  # seed 6.1's table, an untrained nn.Embedding, Gemma's embed_tokens
DEFAULT_DIMS = {"hand": (0, 1, 2), "random": (0, 1, 2), "gemma": (20, 21, 22)}
MAX_EMBEDDING_DIM = 64
MAX_SEED = 2**31 - 1
# Seed 6.1: a few words against named features, by hand (values are the learner's to edit).
HAND_FEATURES = ("hardness", "brightness", "redness", "size")
HAND_MADE = (
    ("the", (0.1, 0.2, 0.0, 0.1)),
    ("capital", (0.7, 0.8, 0.3, 0.9)),
    ("of", (0.1, 0.1, 0.0, 0.1)),
    ("united", (0.5, 0.6, 0.4, 0.7)),
    ("states", (0.6, 0.5, 0.5, 0.8)),
    ("france", (0.4, 0.7, 0.6, 0.6)),
    ("germany", (0.6, 0.5, 0.5, 0.6)),
)


@dataclass(frozen=True)
class EmbeddingSettings:
    """Which vectors for which sentences, and which three axes show them."""

    vectors: str = "random"
    text: str = EMBEDDINGS_A  # sentence A
    text_b: str = EMBEDDINGS_B  # sentence B (exercise A1); empty for none
    tokenizer: str = "bpe"  # cuts the sentences (nn.Embedding and hand-made ignore it for Gemma)
    table_tokenizer: str = "bpe"  # whose vocabulary size gives nn.Embedding its rows
    embedding_dim: int = 4
    seed: int = 0
    dims: tuple[int, int, int] = (0, 1, 2)
    pca: bool = False
    positions: bool = False
    lines: bool = False
    hand: tuple = HAND_MADE  # ((word, (features...)), ...); a DataFrame or a list of rows is read too

    def __post_init__(self):
        choice("vectors", self.vectors, VECTORS)
        check_tokenizer(self.tokenizer)
        check_tokenizer(self.table_tokenizer)
        pca = flag("pca", self.pca)
        settle(
            self,
            embedding_dim=whole_number("embedding_dim", self.embedding_dim, minimum=2, maximum=MAX_EMBEDDING_DIM),
            seed=whole_number("seed", self.seed, minimum=0, maximum=MAX_SEED),
            dims=_dims(self.dims, self.vectors, pca=pca),
            pca=pca,
            positions=flag("positions", self.positions),
            lines=flag("lines", self.lines),
            hand=hand_rows(self.hand),
            text_b=self.text_b if isinstance(self.text_b, str) else "",
        )
        if self.positions and self.vectors == "gemma":
            raise Problem("gemma_no_positions")
        if self.vectors == "random" and not self.pca and max(self.dims) >= self.embedding_dim:
            raise a3_problem(self.dims, self.embedding_dim)


def a3_problem(dims: tuple[int, int, int], embedding_dim: int) -> Problem:
    """Exercise A3 asks for dims [10, 11, 12] of an 8-dimensional nn.Embedding: say what would work."""
    values = dict(dims=", ".join(map(str, dims)), dim=embedding_dim, last=embedding_dim - 1, needed=max(dims) + 1)
    if max(dims) + 1 > MAX_EMBEDDING_DIM:
        return Problem("emb_a3_dims_cap", **values, cap=MAX_EMBEDDING_DIM)
    return Problem("emb_a3_dims", **values)


def unused_fields(vectors: str, *, pca: bool = False) -> dict[str, str]:
    """The inputs a choice leaves unread, each with the key of the reason the page shows beside it.

    >>> sorted(unused_fields("gemma"))
    ['embedding_dim', 'positions', 'seed', 'table_tokenizer', 'tokenizer']
    """
    by_source = {
        "hand": dict.fromkeys(("text", "text_b", "tokenizer", "table_tokenizer", "embedding_dim", "seed", "positions"),
                              "emb_unused_hand"),
        "gemma": {"tokenizer": "emb_unused_gemma_tokenizer", "table_tokenizer": "emb_unused_gemma_table",
                  "embedding_dim": "emb_unused_gemma_table", "seed": "emb_unused_gemma_table", "positions": "emb_unused_gemma_positions"},
        "random": {},
    }
    unused = dict(by_source[vectors])
    if pca:
        unused["dims"] = "emb_unused_pca_dims"
    return unused


def _dims(value, vectors: str, *, pca: bool) -> tuple[int, int, int]:
    """The three dimensions; with PCA on they are not read, so a half-typed box must not stop the picture."""
    try:
        return parse_dims(value)
    except Problem:
        if pca:
            return DEFAULT_DIMS[vectors]
        raise


def hand_rows(value) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """The hand-made table as ((word, features), ...), from what gradio sends (a pandas DataFrame),
    a list of rows [word, f1, f2, ...] or a {word: features} dict; rows without a word are skipped.

    >>> hand_rows([["the", 0.1, "0.2", 0, 1], ["", None, None, None, None]])
    (('the', (0.1, 0.2, 0.0, 1.0)),)
    >>> hand_rows([["of", "0,05", 1]])  # a decimal comma, as Turkish writes it
    (('of', (0.05, 1.0)),)
    """
    if hasattr(value, "itertuples"):  # a DataFrame: iterating it directly yields its column names
        value = [list(row) for row in value.itertuples(index=False)]
    elif isinstance(value, dict):
        value = [[word, *features] for word, features in value.items()]
    rows = []
    for row in value or ():
        word, *features = row if not (len(row) == 2 and isinstance(row[1], (tuple, list))) else (row[0], *row[1])
        word = "" if word is None else str(word).strip()
        if not word:
            continue
        try:
            rows.append((word, tuple(_feature(v) for v in features)))
        except (TypeError, ValueError):
            raise Problem("hand_not_numbers", word=word) from None
    if not rows:
        raise Problem("hand_empty")
    if len({len(f) for _, f in rows}) != 1 or not rows[0][1]:
        raise Problem("hand_ragged")
    return tuple(rows)


def _feature(value) -> float:
    """One feature as a float; a typed "0,05" reads as 0.05 (the decimal comma of Turkish and others)."""
    number = float(value.strip().replace(",", ".") if isinstance(value, str) else value)
    if not math.isfinite(number):
        raise ValueError(number)
    return number
