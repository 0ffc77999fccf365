"""The selected token in the Embeddings pictures: a "selected" trace on its points, a box on its heatmap row.

Why: the page's tests and a learner both find the selection by that trace; it must sit exactly on
the token's drawn points (read back from the figure the tab drew), for every occurrence, and the
figure the tab drew must not change (the selection moves, the vectors stay).
"""

import pytest

from minilm.embeddings.figures import embedding_figures
from minilm.embeddings.selection import (
    SELECTED,
    SHIFT,
    mark_heatmap,
    mark_scatter,
    matching_points,
    twin_in_b,
)
from minilm.embeddings.settings import EmbeddingSettings
from minilm.embeddings.vectors import vector_sets

A = "the capital of united states and the capital of france"
B = "the capital of united states and the capital of germany"


@pytest.fixture(scope="module")
def drawn():
    sets = vector_sets(EmbeddingSettings(vectors="random", text=A, text_b=B)).sets
    scatter, heatmap, _ = embedding_figures(list(sets), dims=(0, 1, 2))
    return sets, scatter, heatmap


def test_every_occurrence_is_ringed_where_it_is_drawn(drawn):
    sets, scatter, _ = drawn
    capital = sets[0].ids[1]  # "▁capital" (the first token is "the": no <bos> in the Embeddings tab)
    points = matching_points([s.ids for s in sets], capital)
    # the, ▁capital, ▁of, ▁un, ited, ▁st, at, es, ▁and, ▁the, ▁capital, ...: twice in A, twice in B
    assert points == ((0, 1), (0, 10), (1, 1), (1, 10))
    marked = mark_scatter(scatter, points)
    selected = [t for t in marked.data if t.name == SELECTED]
    assert len(selected) == 1 and len(marked.data) == len(scatter.data) + 1
    assert list(selected[0].x) == [scatter.data[k].x[i] for k, i in points]
    assert list(selected[0].z) == [scatter.data[k].z[i] for k, i in points]
    assert all(t.name != SELECTED for t in scatter.data)  # the tab's own figure is left alone


def test_a1_shift_joins_a_and_b(drawn):
    sets, scatter, _ = drawn
    last = len(sets[0].ids) - 1  # "france" in A, "germany" in B: not the same token
    assert twin_in_b(sets[0].ids, sets[1].ids, last) is None
    assert twin_in_b(sets[0].ids, sets[1].ids, 3) == 3  # "▁un" at the same place
    marked = mark_scatter(scatter, [(0, 3), (1, 3)], shift=((0, 3), (1, 3)))
    line = next(t for t in marked.data if t.name == SHIFT)
    assert list(line.x) == [scatter.data[0].x[3], scatter.data[1].x[3]]


def test_heatmap_row_box(drawn):
    sets, _, heatmap = drawn
    row = len(sets[0].ids) + 2  # B's third token, in the heatmap's one list of every token
    marked = mark_heatmap(heatmap, [row])
    (box,) = marked.layout.shapes[len(heatmap.layout.shapes):]
    assert (box.y0, box.y1, box.x0, box.x1) == (row - 0.5, row + 0.5, -0.5, len(heatmap.data[0].x) - 0.5)
