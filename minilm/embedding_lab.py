"""The Embeddings tab without the tab: sentences to vectors to a 3D view and a heatmap.

    sets = [sentence_vectors("the capital of france", tokenizer=tok, embed=lambda ids: table(ids))]
    scatter, heatmap, note = embedding_views(sets, dims=(0, 1, 2))

Not here: where vectors come from (`minilm.embeddings`) or how figures look (`minilm.embeddings_view`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from minilm.embeddings_view import MAX_POINTS, PointSet, cosine_heatmap, scatter3d
from minilm.projection import cosine_matrix, project_dims, project_pca

MAX_POSITIONS = 512  # rows of the position table added to nn.Embedding vectors


@dataclass(frozen=True)
class SentenceVectors:
    name: str
    tokens: tuple[str, ...]
    ids: tuple[int, ...]
    vectors: object  # a float tensor (len(ids), dim)
    cut: int = 0  # tokens dropped beyond MAX_POINTS


def sentence_vectors(text: str, *, name: str, tokenizer, embed: Callable, positions=None) -> SentenceVectors:
    """Tokenize `text` (no <bos>), embed its ids, and add `positions(n)` vectors if given."""
    from minilm.text import clean_text

    text, _ = clean_text(text)
    ids = tokenizer.encode(text, add_special_tokens=False)
    cut = max(0, len(ids) - MAX_POINTS)
    ids = ids[:MAX_POINTS]
    vectors = embed(ids).float()
    if positions is not None:
        vectors = vectors + positions(len(ids))
    tokens = tuple(tokenizer.backend.id_to_token(i) for i in ids)
    return SentenceVectors(name, tokens, tuple(ids), vectors, cut)


def table_vectors(table: dict[str, tuple[float, ...]], *, name: str = "hand-made") -> SentenceVectors:
    """Seed 6.1: the hand-made table itself, one point per word (ids are row numbers)."""
    import torch

    if not table:
        raise ValueError("the table is empty: add a word and its features")
    words = tuple(table)
    return SentenceVectors(name, words, tuple(range(len(words))), torch.tensor([table[w] for w in words], dtype=torch.float32))


def embedding_views(sets: list[SentenceVectors], *, dims=None, pca: bool = False, lines: bool = False,
                    axis_names=None, title: str = ""):
    """(3D scatter, cosine heatmap of the first set, a note on what was cut or explained)."""
    import torch

    every = torch.cat([s.vectors for s in sets])
    if len(every) == 0:
        raise ValueError("there are no tokens to plot")
    if pca:
        # One PCA for all sentences, so their points share axes and can be compared.
        whole = project_pca(every)
        points, axes, offset, projected = whole.points, whole.axes, 0, []
        for s in sets:
            projected.append(type(whole)(points[offset : offset + len(s.ids)], axes, whole.explained))
            offset += len(s.ids)
    else:
        projected = [project_dims(s.vectors, dims, names=axis_names) for s in sets]
    point_sets = [
        PointSet(s.name, s.tokens, s.ids, tuple(float(n) for n in s.vectors.norm(dim=1)), p)
        for s, p in zip(sets, projected)
    ]
    first = sets[0]
    heatmap = cosine_heatmap(list(first.tokens), cosine_matrix(first.vectors),
                             title=f"cosine similarity in all {first.vectors.shape[1]} dimensions ({first.name})")
    notes = [f"{s.name}: {s.cut} tokens beyond {MAX_POINTS} not drawn" for s in sets if s.cut]
    if pca:
        notes.append(f"the three PCA axes explain {sum(projected[0].explained):.0%} of the spread; the rest is hidden")
    return scatter3d(point_sets, lines=lines, title=title), heatmap, "; ".join(notes)
