"""Embedding pictures: a rotatable 3D scatter with token labels and a cosine heatmap beside it.

    scatter, heatmap, note = embedding_figures(vector_sets(EmbeddingSettings()).sets, dims=(0, 1, 2))

Plain Plotly figures, labelled with tokens; user text only ever appears as Plotly text, which
Plotly shows literally. Not here: choosing vectors (`minilm.embeddings.vectors`).
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.embeddings.projection import Projection, cosine_matrix, project_dims, project_pca
from minilm.lang import Problem
from minilm.tokens.figures import visible

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


def embedding_figures(sets, *, dims=None, pca: bool = False, lines: bool = False,
                    axis_names=None, title: str = ""):
    """(3D scatter, cosine heatmap of the first set, a note on what was cut or explained)."""
    import torch

    every = torch.cat([s.vectors for s in sets])
    if len(every) == 0:
        raise Problem("nothing_to_plot")
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
