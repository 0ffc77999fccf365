"""The Embeddings pictures as a learner reads them: in their language (the guide's words, Babel's numbers),
both sentences in the legend and the heatmap, every axis titled and inside the canvas, typed text literal."""

import html
import re

import pytest
import torch
from babel.numbers import format_percent

from minilm import get_tokenizer
from minilm.embeddings import tables as emb
from minilm.embeddings.figures import embedding_figures
from minilm.embeddings.settings import HAND_MADE, EmbeddingSettings
from minilm.embeddings.vectors import sentence_vectors, table_vectors, vector_sets

A, B = "the capital of france", "the capital of germany"


def two_sentences(a=A, b=B, dim=4):
    tok = get_tokenizer("bpe")
    table = emb.random_embedding(len(tok), dim, seed=0)
    embed = lambda ids: emb.embed_with(table, ids, tokenizer_name="bpe", table_name="t")  # noqa: E731
    return [sentence_vectors(a, name="A", tokenizer=tok, embed=embed), sentence_vectors(b, name="B", tokenizer=tok, embed=embed)]


def axis_titles(fig):
    return [getattr(fig.layout.scene, axis).title.text for axis in ("xaxis", "yaxis", "zaxis")]


def test_turkish_figures_use_the_guides_words_and_a_decimal_comma():
    """docs/turkish.md: boyut (dimension), kosinüs benzerliği; Turkish writes 0,25 (Plotly's separators ",.")."""
    scatter, heatmap, _ = embedding_figures(two_sentences(), dims="0, 1, 2", title=("başlık", "ikinci satır"), lang="tr")
    assert axis_titles(scatter) == ["boyut 0", "boyut 1", "boyut 2"]
    assert [t.name for t in scatter.data] == [f"A cümlesi: {A}", f"B cümlesi: {B}"]
    assert scatter.layout.title.text == "başlık<br>ikinci satır" and "kosinüs benzerliği" in heatmap.layout.title.text
    assert scatter.layout.separators == heatmap.layout.separators == ",."
    english, _, _ = embedding_figures(two_sentences(), dims="0, 1, 2")
    assert axis_titles(english) == ["dim 0", "dim 1", "dim 2"] and english.layout.separators == ".,"


def test_pca_share_is_worded_with_babels_percent():
    """The explained share, computed here with numpy's SVD, as Babel writes it in Turkish (%NN)."""
    import numpy as np

    sets = two_sentences()
    every = torch.cat([s.vectors for s in sets]).numpy()
    s = np.linalg.svd(every - every.mean(0), compute_uv=False) ** 2
    share = float(s[:3].sum() / s.sum())
    scatter, _, notes = embedding_figures(sets, pca=True, lang="tr")
    assert format_percent(share, locale="tr") in " ".join(n.words("tr") for n in notes)
    assert format_percent(float(s[0] / s.sum()), locale="tr") in axis_titles(scatter)[0]


@pytest.mark.parametrize("case", ["dims", "pca", "hand"])
def test_scatter_keeps_every_axis_title_and_a_margin(case):
    """Issue 11: the Gemma plot was clipped left and bottom, two axis titles missing. Plotly's default camera
    eye is (1.25, 1.25, 1.25) with zero margins here before: the scene now keeps off the edges."""
    if case == "hand":
        scatter, _, _ = embedding_figures([table_vectors(HAND_MADE)], dims=(0, 1, 2), axis_names=("a", "b", "c", "d"))
    else:
        scatter, _, _ = embedding_figures(two_sentences(), dims="0, 1, 2", pca=case == "pca")
    assert all(axis_titles(scatter)), axis_titles(scatter)
    assert scatter.layout.margin.l > 0 and scatter.layout.margin.b > 0
    domain = scatter.layout.scene.domain
    assert domain.x[0] > 0 and domain.x[1] < 1 and domain.y[0] > 0
    eye = scatter.layout.scene.camera.eye
    assert (eye.x**2 + eye.y**2 + eye.z**2) ** 0.5 > (3 * 1.25**2) ** 0.5


def test_heatmap_covers_both_sentences():
    """A1 compares two sentences: the heatmap holds A's tokens then B's, each labelled with its sentence."""
    a, b = two_sentences()
    _, heatmap, _ = embedding_figures([a, b], dims="0, 1, 2")
    n = len(a.ids) + len(b.ids)
    assert len(heatmap.data[0].z) == n and len(heatmap.data[0].z[0]) == n
    labels = list(heatmap.data[0].x)
    assert labels[0].startswith("A0") and labels[len(a.ids)].startswith("B0")
    assert heatmap.data[0].z[0][len(a.ids)] == pytest.approx(1.0)  # "the" in A and in B: one id, one vector


def test_typed_markup_is_shown_literally_by_plotly():
    """Plotly renders <b>, <a>, <br> in text, names and titles; typed tags must arrive as entities
    (html.escape is the reference), which Plotly's SVG text shows as the characters typed. The 3D
    point labels are drawn by WebGL, which reads no entities: there a word joiner after each `<`
    breaks every tag while the label still reads as typed."""
    word = "<b>bold</b>"
    hand = table_vectors(((word, (1.0, 0.0, 0.0)), ("[link](http://x)", (0.0, 1.0, 0.0))))
    scatter, heatmap, _ = embedding_figures([hand], dims=(0, 1, 2), title="<i>t</i>")
    label = list(scatter.data[0].text)[0]
    assert label.replace("\u2060", "") == word and not re.search(r"<[a-z/]", label)
    a, b = two_sentences("<img src=x onerror=alert(1)>", "x <a href='y'>z</a>")
    scatter, heatmap, _ = embedding_figures([a, b], dims=(0, 1, 2))
    svg_text = [t.name for t in scatter.data] + list(heatmap.data[0].x)
    assert not [s for s in svg_text if "<" in s or ">" in s]
    assert not [s for t in scatter.data for s in t.text if re.search(r"<[A-Za-z/!]", s)]
    assert html.escape("<img src=x onerror=alert(1)>", quote=False) in scatter.data[0].name


@pytest.mark.parametrize("lang, lines", [
    ("en", ("nn.Embedding(1,024, 4), seed 0, untrained,", "for the {label} tokenizer")),
    ("tr", ("{label} tokenizer’ı için", "nn.Embedding(1.024, 4), seed 0, eğitilmemiş")),
], ids=["en", "tr"])
def test_the_random_tables_title_comes_in_two_lines_each_literal(monkeypatch, lang, lines):
    """Review: the tab's ~550 px plot cut the one-line title ("… tokenizer’ı için nn.Embedding(1.024, 4"); it is now
    two lines joined by our own <br>, Babel's numbers (1.024 in Turkish), and the note's one line is the two
    joined. The tokenizer's label is not ours (a registered tokenizer's is the operator's, here with markup):
    escaped within its line, it neither breaks the title nor styles it."""
    from minilm.tokens import registry

    label = "<b>my</b><br>tok &amp; co"
    monkeypatch.setitem(registry._ENTRIES, "mine", registry.TokenizerEntry("mine", label, registry.ASSETS / "tokenizer.json"))
    shown = vector_sets(EmbeddingSettings(vectors="random", table_tokenizer="mine"), lang=lang)
    expected = tuple(line.format(label=label) for line in lines)
    assert shown.title_lines == expected and shown.title == " ".join(expected)
    scatter, _, _ = embedding_figures(list(shown.sets), dims=(0, 1, 2), title=shown.title_lines, lang=lang)
    assert scatter.layout.title.text == "<br>".join(html.escape(line, quote=False) for line in expected)
    assert scatter.layout.title.text.count("<br>") == 1 and "<b>" not in scatter.layout.title.text


def test_a_title_line_too_long_for_the_plot_is_cut_in_the_middle():
    """A registered tokenizer's label may be any length: its line keeps its start and end within MAX_TITLE_LINE
    characters (the note above the plot has it whole); lines that fit are left as they are."""
    from minilm.embeddings.figures import MAX_TITLE_LINE

    long = "for the " + "very " * 30 + "long tokenizer"
    scatter, _, _ = embedding_figures(two_sentences(), dims=(0, 1, 2), title=("nn.Embedding(1,024, 4)", long))
    first, second = scatter.layout.title.text.split("<br>")
    assert first == "nn.Embedding(1,024, 4)" and len(second) <= MAX_TITLE_LINE
    assert second.startswith("for the very") and second.endswith("long tokenizer") and " … " in second
