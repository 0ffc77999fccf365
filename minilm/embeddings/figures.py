"""Embedding pictures: a rotatable 3D scatter with token labels and a cosine heatmap beside it.

    scatter, heatmap, notes = embedding_figures(vector_sets(EmbeddingSettings()).sets, dims=(0, 1, 2), lang="tr")

Plain Plotly figures in the learner's language (titles, axes, legend, hover words, and the decimal
comma through `layout.separators`). Plotly reads <b>, <a>, <br> and entities in any text it draws, so
every string here is escaped first and a typed `<b>` shows as those three characters; the 3D point
labels are the exception (see `label_literal`). Tags in that text are the code's own (the hover
templates', the <br> between the lines of a title given as lines), only ever between escaped strings.
Not here: choosing vectors (`minilm.embeddings.vectors`).
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.embeddings.projection import Projection, cosine_matrix, project_dims, project_pca
from minilm.lang import Note, Problem, plotly_separators, say
from minilm.text import plotly_label_literal, plotly_literal
from minilm.tokens.figures import visible

COLOURS = ("#dc2626", "#2563eb", "#16a34a", "#9333ea")
SYMBOLS = ("circle-open", "diamond", "square", "cross")  # A stays visible where B's points coincide
MAX_POINTS = 256  # tokens per sentence drawn; more is unreadable as labels
MAX_LEGEND = 60  # characters of a sentence in the legend
MAX_TITLE_LINE = 70  # characters of a 3D title's line: ~7.5 px each at Plotly's title size, the tab's ~550 px plot less its margins
HEIGHT = 600


@dataclass(frozen=True)
class PointSet:
    """One sentence's tokens, their ids, vector norms and 3D points, with its legend entry."""

    name: str
    tokens: tuple[str, ...]
    ids: tuple[int, ...]
    norms: tuple[float, ...]
    projection: Projection


def scatter3d(sets: list[PointSet], *, lines: bool = False, title: str | tuple[str, ...] = "", axes=("x", "y", "z"),
              lang: str = "en"):
    """One trace per sentence, labelled points; `lines` joins consecutive tokens in order; a `title` given
    as lines is drawn on as many lines."""
    import plotly.graph_objects as go

    fig = go.Figure()
    hover = "%{customdata[2]}<br>id %{customdata[0]}<br>" + plotly_literal(say("emb_hover_norm", lang)) + " %{customdata[1]:.3f}<extra>%{fullData.name}</extra>"
    for k, s in enumerate(sets):
        xs, ys, zs = zip(*s.projection.points) if s.projection.points else ((), (), ())
        colour = COLOURS[k % len(COLOURS)]
        fig.add_trace(go.Scatter3d(
            x=xs, y=ys, z=zs, mode="markers+text" + ("+lines" if lines else ""), name=plotly_literal(s.name),
            text=[plotly_label_literal(visible(t)) for t in s.tokens], hovertemplate=hover,
            marker=dict(size=7 if k == 0 else 4, color=colour, symbol=SYMBOLS[k % len(SYMBOLS)]),
            line=dict(width=2, color=colour), customdata=[[i, n, plotly_literal(visible(t))] for i, n, t in zip(s.ids, s.norms, s.tokens)],
        ))
    titles = {name: dict(title=dict(text=plotly_literal(text)), showticklabels=True) for name, text in zip(("xaxis", "yaxis", "zaxis"), axes)}
    title_lines = (title,) if isinstance(title, str) else tuple(title)
    fig.update_layout(
        title=dict(text="<br>".join(plotly_literal(middle_cut(line, MAX_TITLE_LINE)) for line in title_lines),
                   x=0.02, xanchor="left", y=1, yref="container", yanchor="top", pad=dict(t=36)),
        height=HEIGHT, separators=plotly_separators(lang),
        # The title starts below gradio's label (drawn over the plot's top left corner), the legend sits under it
        # (~22 px a title line), and the scene keeps clear of every edge with the camera pulled back: at plotly's
        # default eye (1.25) the nearest axis labels and titles fall off the canvas.
        margin=dict(l=20, r=20, t=68 + 22 * len(title_lines), b=20), legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"),
        scene=dict(**titles, domain=dict(x=[0.02, 0.98], y=[0.02, 0.98]), aspectmode="cube",
                   camera=dict(eye=dict(x=1.55, y=1.55, z=1.0))),
    )
    return fig


def cosine_heatmap(sets, matrix, *, title: str = "", subtitle: str = "", lang: str = "en"):
    """Token-by-token cosine in the full space, every sentence's tokens in turn: what three axes may hide."""
    import plotly.graph_objects as go

    labels = [plotly_literal(f"{s.name[:1] if len(sets) > 1 else ''}{i} {visible(t)}") for s in sets for i, t in enumerate(s.tokens)]
    fig = go.Figure(go.Heatmap(
        z=matrix, x=labels, y=labels, zmin=-1, zmax=1, colorscale="RdBu", reversescale=True,
        hovertemplate="%{y} · %{x}<br>" + plotly_literal(say("emb_hover_cosine", lang)) + " %{z:.3f}<extra></extra>"))
    fig.update_layout(title=dict(text=plotly_literal(title), subtitle=dict(text=plotly_literal(subtitle)), x=0.02, xanchor="left"),
                      height=HEIGHT, separators=plotly_separators(lang), margin=dict(l=10, r=10, t=70, b=10), yaxis=dict(autorange="reversed"), xaxis=dict(tickangle=-60))
    edge = -0.5
    for s in sets[:-1]:  # a line between one sentence's tokens and the next's
        edge += len(s.tokens)
        for line in (dict(x0=edge, x1=edge, y0=-0.5, y1=len(labels) - 0.5), dict(y0=edge, y1=edge, x0=-0.5, x1=len(labels) - 0.5)):
            fig.add_shape(type="line", line=dict(color="black", width=2), **line)
    return fig


def axis_titles(projection: Projection, *, names=None, lang: str = "en") -> tuple[str, str, str]:
    """What each axis is, in `lang`: a named feature, "dim 20", or "PC1 (18%)"."""
    if projection.explained is not None:
        return tuple(say("emb_pca_axis", lang, i=i + 1, share=e) for i, e in enumerate(projection.explained))
    if projection.dims is None:
        return projection.axes
    return tuple(names[d] if names and d < len(names) else say("emb_dim_axis", lang, d=d) for d in projection.dims)


def embedding_figures(sets, *, dims=None, pca: bool = False, lines: bool = False, axis_names=None,
                      title: str | tuple[str, ...] = "", lang: str = "en") -> tuple[object, object, tuple[Note, ...]]:
    """(3D scatter, cosine heatmap of every set's tokens, notes on what was cut or explained); the scatter's
    `title` is one line or, as `VectorSets.title_lines`, several."""
    import torch

    every = torch.cat([s.vectors for s in sets])
    if len(every) == 0:
        raise Problem("nothing_to_plot")
    if pca:
        # One PCA for all sentences, so their points share axes and can be compared.
        whole = project_pca(every)
        projected, offset = [], 0
        for s in sets:
            projected.append(Projection(whole.points[offset : offset + len(s.ids)], whole.axes, whole.explained))
            offset += len(s.ids)
    else:
        projected = [project_dims(s.vectors, dims) for s in sets]
    point_sets = [PointSet(legend_name(s, lang), s.tokens, s.ids, tuple(float(n) for n in s.vectors.norm(dim=1)), p)
                  for s, p in zip(sets, projected)]
    heatmap = cosine_heatmap(sets, cosine_matrix(every), title=say("emb_heatmap_one", lang, dim=every.shape[1]),
                             subtitle=say("emb_heatmap_two", lang) if len(sets) > 1 else "", lang=lang)
    notes = [Note("emb_points_cut", {"name": s.name, "n": s.cut, "max": MAX_POINTS}) for s in sets if s.cut]
    if pca:
        notes.append(Note("emb_pca_explained", {"share": sum(projected[0].explained)}))
    axes = axis_titles(projected[0], names=axis_names, lang=lang)
    return scatter3d(point_sets, lines=lines, title=title, axes=axes, lang=lang), heatmap, tuple(notes)


def legend_name(s, lang: str = "en") -> str:
    """ "A: the capital of france" (a long sentence cut in the middle), or the set's own name."""
    text = getattr(s, "text", "")
    if not text:
        return s.name
    return say("emb_legend_sentence", lang, name=s.name, text=middle_cut(" ".join(text.split()), MAX_LEGEND))


def middle_cut(text: str, limit: int) -> str:
    """`text`, or when longer than `limit` characters its start and end around " … " (at most `limit`).

    >>> middle_cut("the capital of france", 12)
    'the c … ance'
    """
    if len(text) <= limit:
        return text
    return text[: limit // 2 - 1].rstrip() + " … " + text[-(limit // 2 - 2) :].lstrip()
