"""The selected token in the Embeddings pictures: its points, its heatmap row, its twin in sentence B.

    >>> matching_points([(5, 7, 5), (7, 5)], 5)
    ((0, 0), (0, 2), (1, 1))

Marks are added to figures already drawn (a trace named "selected", a box around heatmap rows), so
moving the selection neither tokenizes nor embeds again. Not here: which token is selected
(`minilm.tokens.selection`), the figures themselves (`minilm.embeddings.figures`).
"""

from __future__ import annotations

SELECTED = "selected"  # the trace name tests and the page look for
SHIFT = "selected A→B"


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


def _copy(fig):
    import plotly.graph_objects as go

    return go.Figure(fig)


def mark_scatter(fig, points, *, shift=None):
    """A copy of the 3D scatter with a "selected" trace ringing `points` ((trace, position) pairs);
    `shift` ((trace, i), (trace, j)) adds the line from A's point to B's: the vector between them."""
    import plotly.graph_objects as go

    fig = _copy(fig)
    xyz = [[fig.data[k][axis][i] for k, i in points] for axis in ("x", "y", "z")]
    fig.add_trace(go.Scatter3d(x=xyz[0], y=xyz[1], z=xyz[2], mode="markers", name=SELECTED, showlegend=False,
                               hoverinfo="skip", marker=dict(size=14, color="rgba(0,0,0,0)", line=dict(width=4, color="#f59e0b"),
                                                             symbol="circle-open")))
    if shift:
        line = [[fig.data[k][axis][i] for k, i in shift] for axis in ("x", "y", "z")]
        fig.add_trace(go.Scatter3d(x=line[0], y=line[1], z=line[2], mode="lines", name=SHIFT, showlegend=False,
                                   hoverinfo="skip", line=dict(width=6, color="#f59e0b", dash="dash")))
    return fig


def mark_heatmap(fig, rows):
    """A copy of the cosine heatmap with a box around each of `rows` (indices over all sets' tokens)."""
    fig = _copy(fig)
    n = len(fig.data[0].y)
    for row in rows:
        fig.add_shape(type="rect", x0=-0.5, x1=n - 0.5, y0=row - 0.5, y1=row + 0.5, name=SELECTED,
                      line=dict(color="#f59e0b", width=3))
    return fig
