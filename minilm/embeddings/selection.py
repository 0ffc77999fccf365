"""The selected token in the Embeddings pictures: its points, its heatmap row, its twin in sentence B.

    >>> matching_points([(5, 7, 5), (7, 5)], 5)
    ((0, 0), (0, 2), (1, 1))

Marks are added to figures already drawn (a trace named "selected", a box around heatmap rows), so
moving the selection neither tokenizes nor embeds again. A token picked here that the text lacks (a
`VocabPick`) is marked in this tab alone. Not here: which token is selected (`minilm.tokens.selection`),
the figures themselves (`minilm.embeddings.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.marks import data_of, with_marks

SELECTED = "selected"  # the trace name tests and the page look for
SHIFT = "selected A→B"


@dataclass(frozen=True)
class VocabPick:
    """A token picked in the Embeddings tab (a 3D point, a neighbour row) that the Tokens tab's text lacks:
    id `token_id` of `tokenizer`'s vocabulary. The other tabs keep their selection; this one marks it until
    a token of the text is picked, in whatever language the page is in by then.

    >>> VocabPick("bpe", 957).token_id
    957
    """

    tokenizer: str
    token_id: int


def matching_points(sets_ids, token_id: int) -> tuple[tuple[int, int], ...]:
    """(set, position) of every point whose id is `token_id`, set by set."""
    return tuple((k, i) for k, ids in enumerate(sets_ids) for i, id_ in enumerate(ids) if id_ == token_id)


def twin_in_b(ids_a, ids_b, i: int) -> int | None:
    """Exercise A1: the same token in sentence B, at the same place if it is there, else its first use.

    >>> twin_in_b((1, 2, 3), (1, 9, 3, 2), 1), twin_in_b((1, 2), (1, 2), 1), twin_in_b((1, 2), (4,), 0)
    (3, 1, None)
    """
    if i < len(ids_b) and ids_b[i] == ids_a[i]:
        return i
    return next((j for j, id_ in enumerate(ids_b) if id_ == ids_a[i]), None)


def points_with_id(fig, token_id: int) -> tuple[tuple[int, int], ...]:
    """(trace, point) of every point of a scatter drawn by `minilm.embeddings.figures` whose id (its
    customdata's first value) is `token_id`: how a figure alone says where a token is.

    >>> points_with_id({"data": [{"customdata": [[5, 1.0, "a"], [7, 1.0, "b"]]}, {"customdata": [[7, 2.0, "b"]]}]}, 7)
    ((0, 1), (1, 0))
    """
    return tuple((k, i) for k, trace in enumerate(data_of(fig)) for i, point in enumerate(trace["customdata"] or ())
                 if point[0] == token_id)


def mark_scatter(fig, points, *, shift=None):
    """A copy of the 3D scatter (a Figure or its dict) with a "selected" trace ringing `points` ((trace, position)
    pairs); `shift` ((trace, i), (trace, j)) adds the line from A's point to B's: the vector between them."""
    data = data_of(fig)
    xyz = {axis: [data[k][axis][i] for k, i in points] for axis in ("x", "y", "z")}
    traces = [{"type": "scatter3d", **xyz, "mode": "markers", "name": SELECTED, "showlegend": False, "hoverinfo": "skip",
               "marker": {"size": 14, "color": "rgba(0,0,0,0)", "symbol": "circle-open", "line": {"width": 4, "color": "#f59e0b"}}}]
    if shift:
        line = {axis: [data[k][axis][i] for k, i in shift] for axis in ("x", "y", "z")}
        traces.append({"type": "scatter3d", **line, "mode": "lines", "name": SHIFT, "showlegend": False, "hoverinfo": "skip",
                       "line": {"width": 6, "color": "#f59e0b", "dash": "dash"}})
    return with_marks(fig, traces=traces)


def mark_heatmap(fig, rows):
    """A copy of the cosine heatmap (a Figure or its dict) with a box around each of `rows` (indices over all sets' tokens)."""
    n = len(data_of(fig)[0]["y"])
    shapes = [{"type": "rect", "x0": -0.5, "x1": n - 0.5, "y0": row - 0.5, "y1": row + 0.5, "name": SELECTED,
               "line": {"color": "#f59e0b", "width": 3}} for row in rows]
    return with_marks(fig, shapes=shapes)
