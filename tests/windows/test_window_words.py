"""The Windows chapter in words: the summary, the pairs table and both plots, in English and Turkish.

Why: "1 batches" and "1 tokens are" are wrong English, and a Turkish learner following the guide
(pencere, batch, girdi, hedef) must read Turkish, with Turkish numbers (29.656), in every caption,
title and axis. Counts are worked out by hand in each docstring, not taken from the code.
"""

import re

from minilm import get_tokenizer
from minilm.windows import figures
from minilm.windows.loader import window_stats


def test_one_window_one_batch_in_english():
    """13 tokens, context_length 12, stride 12: one window (starts 0), one batch; token 12 is in no
    input, and token 0 is never a target."""
    text = figures.summary(window_stats(13, 12, 12), 1, "en")
    assert "**13 tokens → 1 window → 1 batch**" in text
    assert "1 token is in no input" in text and "1 token is never a target" in text
    assert "batches" not in text and "1 tokens" not in text


def test_many_windows_in_english():
    """100 tokens, 12/12: starts 0..84, 8 windows, 8 batches of 1; tokens 96..99 (4) in no input."""
    text = figures.summary(window_stats(100, 12, 12), 1, "en")
    assert "**100 tokens → 8 windows → 8 batches**" in text and "4 tokens are in no input" in text


def test_overlap_and_gap_of_one_in_english():
    assert "Consecutive windows share 1 token (stride 11" in figures.summary(window_stats(100, 12, 11), 1, "en")
    assert "1 token between windows is never seen" in figures.summary(window_stats(100, 12, 13), 1, "en")


def test_summary_in_turkish():
    """The corpus's size: 29,656 tokens at 12/12 give (29656 - 13) // 12 + 1 = 2,471 windows."""
    text = figures.summary(window_stats(29_656, 12, 12), 1, "tr")
    assert "**29.656 token → 2.471 pencere → 2.471 batch**" in text
    assert not re.search(r"\b(tokens|windows|batches)\b", text)


def test_pairs_table_in_turkish():
    bpe = get_tokenizer("bpe")
    ids = bpe.encode("the capital of france is paris")
    table = figures.pairs_html([ids[:-1]], [ids[1:]], bpe.id_to_token, total=2471, lang="tr")
    assert "pencere 0" in table and "2.471 pencereden 1 tanesi gösteriliyor" in table
    assert "window" not in re.sub(r"<style>.*?</style>", "", table, flags=re.S)


def test_stream_figure_in_turkish():
    stats = window_stats(29_656, 12, 12)
    fig = figures.stream_figure(stats, ["t"] * 100, lang="tr")
    assert fig.layout.title.text.startswith("29.656 token üzerinde 2.471 pencere (29.656 token’ın ilk ")
    assert fig.layout.xaxis.title.text == "token konumu" and fig.layout.yaxis.title.text == "pencere"
    assert fig.layout.yaxis.ticktext[0] == "token’lar"
    assert "atlandı" in fig.data[1].text[-1] or "bir kez" in fig.data[1].text[0]


def test_stream_figure_one_window_in_english():
    fig = figures.stream_figure(window_stats(13, 12, 12), ["t"] * 13)
    assert fig.layout.title.text == "1 window over 13 tokens"


def test_stride_figure_in_turkish():
    fig = figures.stride_figure(29_656, 12, 12, lang="tr")
    assert fig.layout.title.text == "stride’a göre pencere sayısı (context_length 12, 29.656 token)"
    assert fig.layout.yaxis.title.text == "pencere sayısı"


def test_plot_numbers_follow_the_language():
    """Plotly writes tick numbers itself: 30.000 in Turkish needs its separators (decimal, then
    thousands) and whole-number ticks instead of the SI "30k"."""
    for lang, separators in (("tr", ",."), ("en", ".,")):
        stride = figures.stride_figure(29_656, 12, 12, lang=lang)
        stream = figures.stream_figure(window_stats(29_656, 12, 12), ["t"] * 100, lang=lang)
        assert stride.layout.separators == separators and stream.layout.separators == separators
        assert stride.layout.yaxis.tickformat == ",d"
