"""The Embeddings tab without the tab: the vectors its settings select, and a token's neighbours.

    sets = vector_sets(EmbeddingSettings(vectors="gemma"))
    scatter, heatmap, note = embedding_figures(sets.sets, dims=(20, 21, 22))

Three sources, as in the seed: the hand-made table (6.1), an untrained `nn.Embedding` seeded so a
link reproduces it (6.2), and Gemma 3's `embed_tokens` (7). Not here: reading tables
(`minilm.embeddings.tables`) or drawing (`minilm.embeddings.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from minilm.embeddings import tables
from minilm.embeddings.figures import MAX_POINTS
from minilm.embeddings.neighbours import nearest_rows
from minilm.embeddings.settings import HAND_FEATURES, EmbeddingSettings
from minilm.lang import say
from minilm.text import clean_text
from minilm.tokens.registry import gemma, get_tokenizer

MAX_POSITIONS = 512  # rows of the position table added to nn.Embedding vectors


@dataclass(frozen=True)
class SentenceVectors:
    """One sentence's tokens, ids and vectors (a float tensor (len(ids), dim))."""

    name: str
    tokens: tuple[str, ...]
    ids: tuple[int, ...]
    vectors: object
    cut: int = 0  # tokens dropped beyond MAX_POINTS


@dataclass(frozen=True)
class VectorSets:
    """What one setting of the tab shows: a set per sentence, the table's name, axis names if any."""

    sets: tuple[SentenceVectors, ...]
    title: str
    axis_names: tuple[str, ...] | None = None


def sentence_vectors(text: str, *, name: str, tokenizer, embed: Callable, positions=None) -> SentenceVectors:
    """Tokenize `text` (no <bos>), embed its ids, and add `positions(n)` vectors if given."""
    text, _ = clean_text(text)
    ids = tokenizer.encode(text, add_special_tokens=False)
    cut = max(0, len(ids) - MAX_POINTS)
    ids = ids[:MAX_POINTS]
    vectors = embed(ids).float()
    if positions is not None:
        vectors = vectors + positions(len(ids))
    return SentenceVectors(name, tuple(tokenizer.id_to_token(i) for i in ids), tuple(ids), vectors, cut)


def table_vectors(rows, *, name: str = "hand-made") -> SentenceVectors:
    """Seed 6.1: the hand-made table itself, one point per word (ids are row numbers)."""
    import torch

    words = tuple(word for word, _ in rows)
    vectors = torch.tensor([features for _, features in rows], dtype=torch.float32)
    return SentenceVectors(name, words, tuple(range(len(words))), vectors)


def vector_sets(settings: EmbeddingSettings, *, wait: bool = True, lang: str = "en") -> VectorSets:
    """The vectors `settings` select: the hand-made table, or sentences A and B embedded."""
    if settings.vectors == "hand":
        return VectorSets((table_vectors(settings.hand),), say("hand_title", lang), _hand_axes(settings, lang))
    texts = [("A", settings.text)] + ([("B", settings.text_b)] if settings.text_b.strip() else [])
    if settings.vectors == "gemma":
        loaded = gemma(wait=wait)
        embed = lambda ids: tables.gemma_embed_tokens(loaded, ids)  # noqa: E731
        sets = tuple(sentence_vectors(t, name=n, tokenizer=loaded.tokenizer, embed=embed) for n, t in texts)
        return VectorSets(sets, tables.gemma_table_name(loaded))
    table, title = _random_table(settings, wait=wait, lang=lang)
    tokenizer = get_tokenizer(settings.tokenizer, wait=wait)
    embed = lambda ids: tables.embed_with(table, ids, tokenizer_name=settings.tokenizer, table_name=title)  # noqa: E731
    sets = tuple(sentence_vectors(t, name=n, tokenizer=tokenizer, embed=embed, positions=_positions(settings))
                 for n, t in texts)
    return VectorSets(sets, title)


def neighbours(settings: EmbeddingSettings, chosen: SentenceVectors, i: int, *, k: int = 10, index=None,
               wait: bool = True) -> list[tuple[str, int, float]]:
    """The k tokens nearest to token `i` of `chosen`, by cosine in its table's full space: [(token, id, cosine)].

    Gemma's come from `index` (a `NeighbourIndex` over its whole vocabulary); the others from the table itself.
    """
    vector, own = chosen.vectors[i], chosen.ids[i]
    if settings.vectors == "hand":  # the table is the sentence: its rows are the whole vocabulary
        return [(chosen.tokens[j], j, c) for j, c in nearest_rows(chosen.vectors, vector, k, exclude=own)]
    if settings.vectors == "gemma":
        if index is None:
            from minilm.embeddings.neighbours import NeighbourIndex

            index = NeighbourIndex(tables.gemma_table(gemma(wait=wait)))
        tokenizer = gemma(wait=wait).tokenizer
        return [(tokenizer.id_to_token(j), j, round(c, 4)) for j, c in index.nearest(vector, k, exclude=own)]
    table, _ = _random_table(settings, wait=wait)
    tokenizer = get_tokenizer(settings.table_tokenizer, wait=wait)
    return [(tokenizer.id_to_token(j), j, c) for j, c in nearest_rows(table.weight.detach(), vector, k, exclude=own)]


def _hand_axes(settings: EmbeddingSettings, lang: str) -> tuple[str, ...]:
    n = len(settings.hand[0][1])
    named = tuple(say(f"feature_{f}", lang) for f in HAND_FEATURES)
    return named[:n] + tuple(f"dim {d}" for d in range(len(named), n))


def _random_table(settings: EmbeddingSettings, *, wait: bool = True, lang: str = "en"):
    vocab = len(get_tokenizer(settings.table_tokenizer, wait=wait))
    title = say("random_title", lang, vocab=vocab, dim=settings.embedding_dim, tokenizer=settings.table_tokenizer,
                seed=settings.seed)
    return _seeded(vocab, settings.embedding_dim, settings.seed), title


def _positions(settings: EmbeddingSettings):
    if not settings.positions:
        return None
    table = _seeded(MAX_POSITIONS, settings.embedding_dim, settings.seed + 1)
    return lambda n: table.weight[:n].detach()


@lru_cache(maxsize=4)
def _seeded(num_embeddings: int, embedding_dim: int, seed: int):
    return tables.random_embedding(num_embeddings, embedding_dim, seed=seed)
