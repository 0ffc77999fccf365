"""The Windows tab: figures checked on their data, handlers answering bad settings with messages."""

import html
import json
import re

import pytest
from markdown_it import MarkdownIt

from minilm.windows import figures as windows_view
from minilm.assets import corpus_text
from minilm import get_tokenizer
from minilm.ui import windows as tab
from minilm.windows.loader import count_windows, window_stats


def test_stream_figure_draws_each_window_and_colours_skips():
    stats = window_stats(40, 4, 6)
    fig = windows_view.stream_figure(stats, [f"t{i}" for i in range(40)])
    bars = [v for v in fig.data[0].y if v is not None]
    assert len(bars) == 2 * stats.n_windows  # two points per window bar, all windows fit
    colours = fig.data[1].marker.color
    assert [c == "#dc2626" for c in colours] == [not stats.in_input(i) for i in range(40)]
    assert "6 windows over 40 tokens" in fig.layout.title.text


def test_stream_figure_overlap_colour():
    stats = window_stats(20, 6, 4)
    colours = windows_view.stream_figure(stats, ["t"] * 20).data[1].marker.color
    assert colours[4] == "#1e3a8a" and colours[0] == "#60a5fa"  # 4 is in windows 0 and 1


def test_stride_figure_is_the_formula():
    fig = windows_view.stride_figure(500, 12, 30)
    assert list(fig.data[0].x) == list(range(1, 31))
    assert list(fig.data[0].y) == [count_windows(500, 12, s) for s in range(1, 31)]
    assert list(fig.data[1].y) == [count_windows(500, 12, 30)]


def test_pairs_table_aligns_x_over_y_and_shows_the_mistake():
    bpe = get_tokenizer("bpe")
    ids = bpe.encode("the capital of france is paris")
    html = windows_view.pairs_html([ids[:-1]], [ids[1:]], bpe.id_to_token, mistake=True, total=5)
    rows = html.split("<tr")[1:]
    assert len(rows) == 3 and "y = x" in rows[2]
    assert rows[0].count("<td") == rows[1].count("<td") == len(ids) - 1
    assert "showing 1 of 5 windows" in html


def seen(markdown: str) -> str:
    """The text a visitor reads in a Markdown output (CommonMark): escapes resolved, tags gone."""
    return html.unescape(re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").render(markdown))).strip()


DEFAULTS = dict(source="corpus", text="", path=None, tokenizer="bpe", context_length=12, stride=12, batch_size=1,
                keep_tail=False)


def view(**settings):
    """The handler as gradio calls it: every field by keyword, the values components send."""
    return tab.windows_view(show_mistake=False, **{**DEFAULTS, **settings})


def test_view_on_the_corpus_defaults():
    summary, pairs, stream, strides = view()
    n = len(get_tokenizer("bpe").encode_long(corpus_text()))
    assert f"{n:,} tokens → {count_windows(n, 12, 12):,} windows" in summary
    assert pairs.count("window ") == windows_view.MAX_PAIRS and stream is not None and strides is not None


@pytest.mark.parametrize(
    "context_length, stride, message",
    [(0, 12, "at least 1"), (12, -1, "at least 1"), (1.5, 12, "whole number"), (float("nan"), 12, "whole number"),
     (2000, 12, "capped at 1024")],
    ids=["zero", "negative-stride", "fraction", "nan", "too-long"],
)
def test_bad_settings_are_messages_and_next_works(context_length, stride, message):
    summary, pairs, stream, _ = view(context_length=context_length, stride=stride)
    assert summary.startswith("⚠️") and message in seen(summary) and stream is None
    assert "windows" in view()[0]


def test_short_text_says_how_many_tokens_are_needed_and_tail_helps():
    summary = view(source="text", text="the capital")[0]
    assert "has 3 tokens; context_length 12 needs at least 13" in seen(summary)
    summary = view(source="text", text="the capital", keep_tail=True)[0]
    assert "→ 1 window → 1 batch" in seen(summary) and "1 tail window padded" in seen(summary)


def test_millions_of_windows_are_counted_not_drawn(tmp_path):
    src = tmp_path / "big.txt"
    src.write_text(corpus_text() * 40, encoding="utf-8")
    summary, pairs, stream, _ = view(source="file", path=str(src), stride=1, batch_size=64)
    n_windows = int(summary.split("→ ")[1].split(" windows")[0].replace(",", ""))
    assert n_windows > 1_000_000
    assert f"showing {windows_view.MAX_PAIRS} of {n_windows:,} windows" in pairs
    assert len(stream.data[1].x) <= windows_view.MAX_STREAM_TOKENS


def test_download_pairs(tmp_path):
    settings = {**DEFAULTS, "source": "text", "text": "the capital of france is paris", "context_length": 3, "stride": 2}
    pairs_path, ids_path, message = tab.download_pairs(fmt="jsonl", **settings)
    ids = get_tokenizer("bpe").encode("the capital of france is paris")
    lines = [json.loads(line) for line in open(pairs_path)]
    assert lines[0] == {"window": 0, "x": ids[0:3], "y": ids[1:4]} and len(lines) == count_windows(len(ids), 3, 2)
    assert open(ids_path).read().split() == [str(i) for i in ids]
    csv_path, _, _ = tab.download_pairs(fmt="csv", **settings)
    assert open(csv_path).read().splitlines()[1] == f"0,{' '.join(map(str, ids[0:3]))},{' '.join(map(str, ids[1:4]))}"
