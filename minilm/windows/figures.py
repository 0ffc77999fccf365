"""Pictures of windows: the counts in words, the (x, y) table, the stream, windows against stride.

Plain HTML strings (escaped like `minilm.tokens.figures`) and Plotly figures, usable in a notebook.
Everything is computed on all windows; only what is drawn is capped, and the caller is told.
"""

from __future__ import annotations

from minilm.lang import say
from minilm.tokens.figures import CSS, escape, visible
from minilm.windows.loader import WindowStats, count_windows

MAX_PAIRS = 8  # windows drawn as tables
MAX_STREAM_TOKENS = 1200  # token positions drawn in the stream picture, at most
_TABLE_CSS = """<style>
.mlm-pair{border-collapse:collapse;margin:2px 0 10px;font-size:13px}
.mlm-pair td,.mlm-pair th{border:1px solid #d1d5db;padding:2px 5px;text-align:center;white-space:pre}
.mlm-pair th{background:#f3f4f6;color:#111827;font-weight:600;text-align:left}
.mlm-pair .mlm-id{display:block;font-size:10px;color:#6b7280}
.mlm-pair .mlm-y td{background:#ecfdf5}.mlm-pair .mlm-bad td{background:#fee2e2}
.mlm-pad{color:#9ca3af}
</style>"""


def summary(stats: WindowStats, batch_size: int, lang: str = "en") -> str:
    """The numbers under the sliders, in words (Markdown), in English or Turkish."""
    values = dict(n=stats.n_tokens, w=stats.n_windows, b=stats.n_batches(batch_size), bs=batch_size,
                  rows=min(batch_size, stats.n_windows), L=stats.context_length, s=stats.stride, o=stats.overlap,
                  g=stats.gap, k=stats.n_skipped, t=stats.n_never_target, p=stats.n_padded)
    shown = ["head", "shape", *[key for key, on in (("overlap", stats.overlap), ("gap", stats.gap),
                                                    ("skipped", stats.n_skipped), ("padded", stats.n_padded)) if on]]
    return "\n\n".join(say(f"windows_{key}", lang, **values) for key in shown)


def pairs_html(x_rows, y_rows, id_to_token, *, first_index: int = 0, mistake: bool = False, total: int | None = None) -> str:
    """One small table per window: x above y, column by column, ids under tokens.

    With `mistake=True` a third row shows the common error, y equal to x.
    """
    tables = []
    for k, (x, y) in enumerate(zip(x_rows, y_rows)):
        rows = [("x", x, ""), ("y", y, "mlm-y")]
        if mistake:
            rows.append(("y = x ✗", x, "mlm-bad"))
        body = "".join(
            f'<tr class="{cls}"><th>{escape(label)}</th>{"".join(_cell(i, id_to_token) for i in row)}</tr>'
            for label, row, cls in rows
        )
        tables.append(f'<div class="mlm-note">window {first_index + k}</div><table class="mlm-pair">{body}</table>')
    shown = len(tables)
    more = f'<div class="mlm-note">showing {shown} of {total:,} windows</div>' if total and total > shown else ""
    return CSS + _TABLE_CSS + f'<div style="max-height:640px;overflow:auto">{"".join(tables)}</div>{more}'


def _cell(id_: int, id_to_token) -> str:
    if id_ < 0:  # ignore_index in a padded target
        return f'<td class="mlm-pad">·<span class="mlm-id">{id_}</span></td>'
    return f'<td>{escape(visible(id_to_token(id_)))}<span class="mlm-id">{id_}</span></td>'


def stream_figure(stats: WindowStats, tokens: list[str], *, max_tokens: int | None = None):
    """The token stream along x, one square per token; above it one bar per window's input.

    Tokens no input sees are red; tokens two inputs share are dark blue. By default about four
    windows' worth of tokens are drawn, so each square stays visible.
    """
    import plotly.graph_objects as go

    if max_tokens is None:
        max_tokens = min(MAX_STREAM_TOKENS, max(60, 4 * stats.stride + stats.context_length))
    n = min(stats.n_tokens, max_tokens)
    shown = [k for k in range(stats.n_windows) if k * stats.stride < n]
    xs, ys = [], []
    for k in shown:
        start = k * stats.stride
        xs += [start - 0.4, min(start + stats.context_length, n) - 0.6, None]
        ys += [k, k, None]
    status = [_status(stats, i) for i in range(n)]
    colours = {"skipped": "#dc2626", "overlap": "#1e3a8a", "once": "#60a5fa"}
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(width=10, color="#93c5fd"), name="window input (x)",
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=list(range(n)), y=[-1] * n, mode="markers", name="tokens",
        marker=dict(size=9, symbol="square", color=[colours[s] for s in status]),
        text=[f"{i}: {visible(tokens[i]) if i < len(tokens) else ''} ({s})" for i, s in enumerate(status)],
        hoverinfo="text",
    ))
    cut = f" (first {n:,} of {stats.n_tokens:,} tokens)" if stats.n_tokens > n else ""
    fig.update_layout(
        title=f"{stats.n_windows:,} windows over {stats.n_tokens:,} tokens{cut}",
        xaxis_title="token position", yaxis_title="window", height=260 + 4 * min(len(shown), 100),
        margin=dict(l=50, r=20, t=50, b=40), showlegend=False,
        yaxis=dict(autorange="reversed", tickmode="array", tickvals=[-1, *range(0, len(shown), max(1, len(shown) // 8))],
                   ticktext=["tokens", *map(str, range(0, len(shown), max(1, len(shown) // 8)))]),
    )
    return fig


def _status(stats: WindowStats, i: int) -> str:
    n = stats.n_inputs_with(i)
    return "skipped" if n == 0 else "once" if n == 1 else "overlap"


def stride_figure(n_tokens: int, context_length: int, stride: int):
    """Exercise A2: how the number of windows falls as the stride grows, at this context_length."""
    import plotly.graph_objects as go

    strides = list(range(1, max(2 * context_length, stride) + 1))
    counts = [count_windows(n_tokens, context_length, s) for s in strides]
    fig = go.Figure(go.Scatter(x=strides, y=counts, mode="lines+markers", marker=dict(size=4), name="windows"))
    fig.add_trace(go.Scatter(x=[stride], y=[count_windows(n_tokens, context_length, stride)], mode="markers",
                             marker=dict(size=12, color="#ea580c"), name="now"))
    fig.add_vline(x=context_length, line_dash="dot", annotation_text="stride = context_length")
    fig.update_layout(title=f"windows against stride (context_length {context_length}, {n_tokens:,} tokens)",
                      xaxis_title="stride", yaxis_title="windows", height=300, showlegend=False,
                      margin=dict(l=50, r=20, t=50, b=40))
    return fig
