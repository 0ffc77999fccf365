"""Embedding pictures: a rotatable 3D scatter with token labels and a cosine heatmap beside it.

Plain Plotly figures, labelled with tokens; user text only ever appears as Plotly text, which
Plotly shows literally. Not here: choosing vectors or projecting them.
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.projection import Projection
from minilm.render import visible

COLOURS = ("#dc2626", "#2563eb", "#16a34a", "#9333ea")
SYMBOLS = ("circle-open", "diamond", "square", "cross")  # A stays visible where B's points coincide
MAX_POINTS = 256  # tokens per sentence drawn; more is unreadable as labels


@dataclass(frozen=True)
class PointSet:
    """One sentence's tokens, their ids, vector norms and 3D points."""

    name: str
    tokens: tuple[str, ...]
    ids: tuple[int, ...]
    norms: tuple[float, ...]
    projection: Projection


def scatter3d(sets: list[PointSet], *, lines: bool = False, title: str = ""):
    """One trace per sentence, labelled points; `lines` joins consecutive tokens in order."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for k, s in enumerate(sets):
        xs, ys, zs = zip(*s.projection.points) if s.projection.points else ((), (), ())
        labels = [visible(t) for t in s.tokens]
        fig.add_trace(go.Scatter3d(
            x=xs, y=ys, z=zs, mode="markers+text" + ("+lines" if lines else ""), name=s.name, text=labels,
            marker=dict(size=7 if k == 0 else 4, color=COLOURS[k % len(COLOURS)], symbol=SYMBOLS[k % len(SYMBOLS)]), line=dict(width=2, color=COLOURS[k % len(COLOURS)]),
            customdata=[[i, n] for i, n in zip(s.ids, s.norms)],
            hovertemplate="%{text}<br>id %{customdata[0]}<br>norm %{customdata[1]:.3f}<extra>%{fullData.name}</extra>",
        ))
    axes = sets[0].projection.axes if sets else ("x", "y", "z")
    fig.update_layout(
        title=title, height=560, margin=dict(l=0, r=0, t=40, b=0), legend=dict(orientation="h"),
        scene=dict(xaxis_title=axes[0], yaxis_title=axes[1], zaxis_title=axes[2]),
    )
    return fig


def cosine_heatmap(tokens: list[str], matrix, *, title: str = "cosine similarity, all dimensions"):
    """Token-by-token cosine in the full space: what the three plotted axes may hide."""
    import plotly.graph_objects as go

    labels = [f"{i}:{visible(t)}" for i, t in enumerate(tokens)]
    fig = go.Figure(go.Heatmap(z=matrix, x=labels, y=labels, zmin=-1, zmax=1, colorscale="RdBu", reversescale=True,
                               hovertemplate="%{y} · %{x}<br>cosine %{z:.3f}<extra></extra>"))
    fig.update_layout(title=title, height=560, margin=dict(l=0, r=0, t=40, b=0), yaxis=dict(autorange="reversed"))
    return fig
