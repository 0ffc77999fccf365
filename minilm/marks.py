"""Marks added to a Plotly figure already drawn: extra traces and shapes, nothing else recomputed.

    >>> with_marks({"data": [{"type": "scatter", "x": [1]}], "layout": {}}, traces=[{"type": "scatter", "name": "selected"}])
    {'data': [{'type': 'scatter', 'x': [1]}, {'type': 'scatter', 'name': 'selected'}], 'layout': {}}

A figure comes as a `plotly.graph_objects.Figure` (a notebook) or as its `to_dict()` (what the page
keeps, because copying a dict costs microseconds where a Figure validates every point again); the
answer is of the same kind and the original is left as it was.
"""

from __future__ import annotations


def with_marks(fig, *, traces=(), shapes=()):
    """A copy of `fig` with `traces` (dicts) appended to its data and `shapes` (dicts) to its layout's shapes."""
    if isinstance(fig, dict):
        layout = dict(fig.get("layout", {}))
        if shapes:
            layout["shapes"] = [*layout.get("shapes", ()), *shapes]
        return {**fig, "data": [*fig["data"], *traces], "layout": layout}
    import plotly.graph_objects as go

    copy = go.Figure(fig)
    for trace in traces:
        copy.add_trace(trace)
    for shape in shapes:
        copy.add_shape(**shape)
    return copy


def data_of(fig) -> list:
    """The traces of a Figure or of its dict, each readable as trace["x"]."""
    return fig["data"] if isinstance(fig, dict) else list(fig.data)
