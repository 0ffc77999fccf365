"""The Embeddings tab without the tab: the vectors its settings select, and a token's neighbours.

    sets = vector_sets(EmbeddingSettings(vectors="gemma"))
    scatter, heatmap, notes = embedding_figures(sets.sets, dims=(20, 21, 22))

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
from minilm.lang import Note, say, say_lines
from minilm.text import clean_text
from minilm.tokens.figures import visible
from minilm.tokens.registry import gemma, get_tokenizer, tokenizer_entry

MAX_POSITIONS = 512  # rows of the position table added to nn.Embedding vectors

MAX_LISTED = 8  # tokens named in one note; more only make it longer


def listing(items) -> str:
    """Up to MAX_LISTED items joined by commas, "…" when there are more."""
    items = list(items)
    return ", ".join(items[:MAX_LISTED]) + (", …" if len(items) > MAX_LISTED else "")


@dataclass(frozen=True)
class SentenceVectors:
    """One sentence's tokens, ids and vectors (a float tensor (len(ids), dim))."""

    name: str
    tokens: tuple[str, ...]
    ids: tuple[int, ...]
    vectors: object
    cut: int = 0  # tokens dropped beyond MAX_POINTS
    text: str = ""  # the sentence, for the legend; empty for the hand-made table


@dataclass(frozen=True)
class VectorSets:
    """What one setting of the tab shows: a set per sentence, the table's name, axis names, notes."""

    sets: tuple[SentenceVectors, ...]
    title_lines: tuple[str, ...]  # the table's name as the 3D plot's title breaks it, so it fits the plot
    axis_names: tuple[str, ...] | None = None
    notes: tuple[Note, ...] = ()

    @property
    def title(self) -> str:
        """The table's name on one line (the note above the plot, the API, the CLI)."""
        return " ".join(self.title_lines)


def sentence_vectors(text: str, *, name: str, tokenizer, embed: Callable, positions=None) -> SentenceVectors:
    """Tokenize `text` (no <bos>), embed its ids, and add `positions(n)` vectors if given."""
    text, _ = clean_text(text)
    ids = tokenizer.encode(text, add_special_tokens=False)
    cut = max(0, len(ids) - MAX_POINTS)
    ids = ids[:MAX_POINTS]
    vectors = embed(ids).float()
    if positions is not None:
        vectors = vectors + positions(len(ids))
    return SentenceVectors(name, tuple(tokenizer.id_to_token(i) for i in ids), tuple(ids), vectors, cut, text)


def table_vectors(rows, *, name: str = "hand-made") -> SentenceVectors:
    """Seed 6.1: the hand-made table itself, one point per word (ids are row numbers)."""
    import torch

    words = tuple(word for word, _ in rows)
    vectors = torch.tensor([features for _, features in rows], dtype=torch.float32)
    return SentenceVectors(name, words, tuple(range(len(words))), vectors)


def vector_sets(settings: EmbeddingSettings, *, wait: bool = True, lang: str = "en") -> VectorSets:
    """The vectors `settings` select: the hand-made table, or sentences A and B embedded, with notes on them."""
    if settings.vectors == "hand":
        hand = table_vectors(settings.hand, name=say("emb_hand_legend", lang))
        return VectorSets((hand,), (say("hand_title", lang),), feature_names(len(settings.hand[0][1]), lang))
    texts = [("A", settings.text)] + ([("B", settings.text_b)] if settings.text_b.strip() else [])
    if settings.vectors == "gemma":
        loaded = gemma(wait=wait)
        embed = lambda ids: tables.gemma_embed_tokens(loaded, ids)  # noqa: E731
        sets = tuple(sentence_vectors(t, name=n, tokenizer=loaded.tokenizer, embed=embed) for n, t in texts)
        return VectorSets(sets, tables.gemma_table_title(loaded, lang), notes=_a1_notes(sets, positions=False))
    table, title = _random_table(settings, wait=wait, lang=lang)
    tokenizer = get_tokenizer(settings.tokenizer, wait=wait)
    embed = lambda ids: tables.embed_with(table, ids, tokenizer_name=_label(settings.tokenizer, lang), table_name=" ".join(title))  # noqa: E731
    sets = tuple(sentence_vectors(t, name=n, tokenizer=tokenizer, embed=embed, positions=_positions(settings))
                 for n, t in texts)
    notes = _mismatch_notes(settings, sets[0], wait=wait, lang=lang) + _a1_notes(sets, positions=settings.positions)
    return VectorSets(sets, title, notes=notes)


def moved_tokens(a: SentenceVectors, b: SentenceVectors) -> list[int]:
    """Positions of B's tokens whose vector is none of A's: the points that A1 sees move."""
    return [j for j, v in enumerate(b.vectors) if not bool((a.vectors == v).all(dim=1).any())]


def _a1_notes(sets, *, positions: bool) -> tuple[Note, ...]:
    """A1: which of B's points differ from A's, and why only those (a table lookup per id)."""
    if len(sets) != 2:
        return ()
    a, b = sets
    moved = moved_tokens(a, b)
    if not moved:
        return (Note("emb_a1_none_moved", {"n": len(b.ids)}),)
    key = "emb_a1_moved_positions" if positions else "emb_a1_moved"
    return (Note(key, {"n": len(b.ids), "same": len(b.ids) - len(moved), "moved": len(moved),
                       "tokens": listing(visible(b.tokens[j]) for j in moved)}),)


def _label(name: str, lang: str) -> str:
    """A tokenizer as the page names it ("Local BPE · assets/tokenizer.json", or its Turkish)."""
    return tokenizer_entry(name).label_in(lang)


def _mismatch_notes(settings: EmbeddingSettings, first: SentenceVectors, *, wait: bool = True, lang: str = "en") -> tuple[Note, ...]:
    """The seed's tokenizer mismatch when the ids fit the table: they draw, but as the table's tokenizer's tokens."""
    if settings.tokenizer == settings.table_tokenizer:
        return ()
    other = get_tokenizer(settings.table_tokenizer, wait=wait)
    pairs = listing(f"{visible(t)} ({i}) → {visible(other.id_to_token(i) or '?')}" for t, i in zip(first.tokens, first.ids))
    return (Note("emb_mismatch_rows", {"tokenizer": _label(settings.tokenizer, lang), "table": _label(settings.table_tokenizer, lang),
                                       "pairs": pairs}),)


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


def token_vectors(settings: EmbeddingSettings, token_id: int, *, wait: bool = True) -> SentenceVectors | None:
    """One vocabulary token as a one-token `SentenceVectors` (its table row, without positions), so its
    neighbours can be listed when no sentence holds it; None for the hand-made table (no vocabulary beyond it)."""
    if settings.vectors == "hand":
        return None
    if settings.vectors == "gemma":
        loaded = gemma(wait=wait)
        tokenizer, vectors = loaded.tokenizer, tables.gemma_embed_tokens(loaded, [token_id]).float()
    else:
        table, _ = _random_table(settings, wait=wait)
        if not 0 <= token_id < table.num_embeddings:
            return None
        tokenizer, vectors = get_tokenizer(settings.tokenizer, wait=wait), table.weight[token_id : token_id + 1].detach()
    token = tokenizer.id_to_token(token_id) or ""
    return SentenceVectors("", (token,), (token_id,), vectors)


def feature_names(n: int, lang: str = "en") -> tuple[str, ...]:
    """The names of a hand-made table's first `n` features (Sertlik, Parlaklık, ... in Turkish), then "dim 4", ..."""
    named = tuple(say(f"feature_{f}", lang) for f in HAND_FEATURES)
    return named[:n] + tuple(say("emb_dim_axis", lang, d=d) for d in range(len(named), n))


def _random_table(settings: EmbeddingSettings, *, wait: bool = True, lang: str = "en"):
    """(the seeded nn.Embedding, its name as title lines) for `settings`."""
    vocab = len(get_tokenizer(settings.table_tokenizer, wait=wait))
    title = say_lines("random_title", lang, vocab=vocab, dim=settings.embedding_dim, tokenizer=_label(settings.table_tokenizer, lang),
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
