"""Pictures of windows: the counts in words, the (x, y) table, the stream, windows against stride.

Plain HTML strings (escaped like `minilm.tokens.figures`) and Plotly figures, usable in a notebook.
Everything is computed on all windows; only what is drawn is capped, and the caller is told. Every
word comes from `minilm.lang` in the `lang` asked for, counts in the singular for one.
"""

from __future__ import annotations

from minilm.lang import plotly_separators, say, say_count
from minilm.marks import data_of, with_marks
from minilm.text import plotly_literal
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
.mlm-pair td.minilm-selected{outline:3px solid #f59e0b;outline-offset:-3px;font-weight:700}
.mlm-pair td[data-mlm-pick]{cursor:pointer}
</style>"""


def _count(key: str, n: int, lang: str) -> str:
    """"1 window", "2,471 windows", "2.471 pencere": a number and its noun."""
    return say_count(f"count_{key}", lang, n, n=n)


def summary(stats: WindowStats, batch_size: int, lang: str = "en") -> str:
    """The numbers under the sliders, in words (Markdown), in English or Turkish."""
    values = dict(bs=batch_size, rows=min(batch_size, stats.n_windows), L=stats.context_length, s=stats.stride,
                  o=stats.overlap, g=stats.gap, k=stats.n_skipped, t=stats.n_never_target, p=stats.n_padded)
    lines = [
        say("windows_counts", lang, tokens=_count("tokens", stats.n_tokens, lang),
            windows=_count("windows", stats.n_windows, lang), batches=_count("batches", stats.n_batches(batch_size), lang),
            bs=batch_size),
        say("windows_shape", lang, **values),
    ]
    # each sentence's verb agrees with its own count: "1 token is", "4 tokens are"
    for key, count in (("windows_overlap", stats.overlap), ("windows_gap", stats.gap)):
        if count:
            lines.append(say_count(key, lang, count, **values))
    if stats.n_skipped:
        lines.append(say_count("windows_no_input", lang, stats.n_skipped, **values) + " "
                     + say_count("windows_never_target", lang, stats.n_never_target, **values))
    if stats.n_padded:
        lines.append(say_count("windows_tail_padded", lang, stats.n_padded, **values))
    return "\n\n".join(lines)


def pairs_html(x_rows, y_rows, id_to_token, *, first_index: int = 0, mistake: bool = False, total: int | None = None,
               lang: str = "en", stride: int | None = None, windows=None, selected: int | None = None) -> str:
    """One small table per window: x above y, column by column, ids under tokens.

    With `mistake=True` a third row shows the common error, y equal to x. Given `stride`, every cell
    names its stream position for the page's click bridge (`data-mlm-pick="windows 17"`), and the
    cells holding position `selected` carry the class `minilm-selected`. `windows` numbers the rows
    (default: `first_index`, `first_index + 1`, ...).
    """
    numbers = list(windows) if windows is not None else [first_index + k for k in range(len(x_rows))]
    tables = []
    for k, x, y in zip(numbers, x_rows, y_rows):
        start = k * stride if stride else None
        rows = [("x", x, "", 0), ("y", y, "mlm-y", 1)]
        if mistake:
            rows.append(("y = x ✗", x, "mlm-bad", 0))
        body = "".join(
            f'<tr class="{cls}"><th>{escape(label)}</th>'
            f'{"".join(_cell(i, id_to_token, None if start is None else start + shift + c, selected) for c, i in enumerate(row))}</tr>'
            for label, row, cls, shift in rows
        )
        caption = escape(say("window_caption", lang, k=k))
        tables.append(f'<div class="mlm-note">{caption}</div><table class="mlm-pair">{body}</table>')
    shown = len(tables)
    more = (f'<div class="mlm-note">{escape(say("pairs_capped", lang, shown=shown, n=total))}</div>'
            if total and total > shown else "")
    return CSS + _TABLE_CSS + f'<div style="max-height:640px;overflow:auto">{"".join(tables)}</div>{more}'


def _cell(id_: int, id_to_token, position: int | None = None, selected: int | None = None) -> str:
    if id_ < 0:  # ignore_index in a padded target
        return f'<td class="mlm-pad">·<span class="mlm-id">{id_}</span></td>'
    mark = ' class="minilm-selected"' if position is not None and position == selected else ""
    target = f' data-mlm-pick="windows {int(position)}"' if position is not None else ""
    return f'<td{mark}{target}>{escape(visible(id_to_token(id_)))}<span class="mlm-id">{id_}</span></td>'


def mark_stream(fig, position: int):
    """A copy of the stream picture (a Figure or its dict) with a "selected" trace ringing token `position`, if drawn."""
    if position >= len(data_of(fig)[1]["x"]):
        return with_marks(fig)
    ring = {"type": "scatter", "x": [position], "y": [-1], "mode": "markers", "name": "selected", "hoverinfo": "skip",
            "marker": {"size": 18, "symbol": "square-open", "color": "#f59e0b", "line": {"width": 3}}}
    return with_marks(fig, traces=[ring])


def stream_figure(stats: WindowStats, tokens: list[str], *, max_tokens: int | None = None, lang: str = "en"):
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
    status_words = {s: say(f"status_{s}", lang) for s in colours}
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(width=10, color="#93c5fd"),
                             name=say("stream_window_input", lang), hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=list(range(n)), y=[-1] * n, mode="markers", name=say("stream_tokens", lang),
        marker=dict(size=9, symbol="square", color=[colours[s] for s in status]),
        text=[plotly_literal(f"{i}: {visible(tokens[i]) if i < len(tokens) else ''} ({status_words[s]})") for i, s in enumerate(status)],
        hoverinfo="text",
    ))
    title = say("stream_title", lang, windows=_count("windows", stats.n_windows, lang),
                tokens=_count("tokens", stats.n_tokens, lang))
    if stats.n_tokens > n:
        title += " " + say("stream_cut", lang, n=n, total=stats.n_tokens)
    ticks = range(0, len(shown), max(1, len(shown) // 8))
    fig.update_layout(
        title=title, xaxis_title=say("token_position", lang), yaxis_title=say("window_axis", lang),
        height=260 + 4 * min(len(shown), 100), margin=dict(l=50, r=20, t=50, b=40), showlegend=False,
        separators=plotly_separators(lang),
        yaxis=dict(autorange="reversed", tickmode="array", tickvals=[-1, *ticks],
                   ticktext=[say("stream_tokens", lang), *map(str, ticks)]),
    )
    return fig


def _status(stats: WindowStats, i: int) -> str:
    n = stats.n_inputs_with(i)
    return "skipped" if n == 0 else "once" if n == 1 else "overlap"


def stride_figure(n_tokens: int, context_length: int, stride: int, *, lang: str = "en"):
    """Exercise A2: how the number of windows falls as the stride grows, at this context_length."""
    import plotly.graph_objects as go

    strides = list(range(1, max(2 * context_length, stride) + 1))
    counts = [count_windows(n_tokens, context_length, s) for s in strides]
    windows = say("windows_axis", lang)
    fig = go.Figure(go.Scatter(x=strides, y=counts, mode="lines+markers", marker=dict(size=4), name=windows))
    fig.add_trace(go.Scatter(x=[stride], y=[count_windows(n_tokens, context_length, stride)], mode="markers",
                             marker=dict(size=12, color="#ea580c"), name=say("stride_now", lang)))
    # code names, the same in every language
    fig.add_vline(x=context_length, line_dash="dot", annotation_text="stride = context_length")
    title = say("stride_title", lang, L=context_length, tokens=_count("tokens", n_tokens, lang))
    fig.update_layout(title=title, xaxis_title="stride", yaxis=dict(title=windows, tickformat=",d"), height=300,
                      showlegend=False, margin=dict(l=50, r=20, t=50, b=40), separators=plotly_separators(lang))
    return fig
