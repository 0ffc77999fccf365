"""HTML for chips and boundary maps: everything escaped, whitespace visible, output capped."""

import html
import re

import pytest

from minilm.tokens import figures as render
from minilm import get_tokenizer
from minilm.tokens.compare import BoundaryDiff, compare_boundaries

INJECTIONS = ['<img src=x onerror="alert(1)">', "${alert(1)}", "</span><script>alert(1)</script>", "{{value}}"]


@pytest.mark.parametrize("text", INJECTIONS, ids=["img-onerror", "template-literal", "script", "handlebars"])
def test_user_text_never_becomes_markup(text):
    bpe = get_tokenizer("bpe")
    tok = bpe.analyze(text)
    page = render.tokenization_html(tok) + render.boundaries_html(
        compare_boundaries(tok, get_tokenizer("word").analyze(text)), a_name=text, b_name="b"
    )
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    tags = re.findall(r"<(/?\w+)", body)
    assert set(tags) <= {"div", "/div", "span", "/span", "b", "/b", "br"}, tags  # only our own markup
    assert "${" not in body and "{{" not in body  # template syntax only as entities
    shown = html.unescape(re.sub(r"<[^>]+>", "", body))
    assert render.visible(text) in shown  # what was typed is on the page, as text


def test_specials_and_bytes_stay_visible():
    tok = get_tokenizer("bpe").analyze("🦊")
    html = render.chips_html(tok)
    assert "&lt;bos&gt;" in html and "&lt;0xF0&gt;" in html
    assert html.count('class="mlm-chip ') == len(tok.ids) == 5
    assert 'title="id 244 · byte · 1 byte: f0"' in html


@pytest.mark.parametrize(
    "piece, shown",
    [("a b\n\t", "a␣b↵⇥"), ("\u200d", "⟨U+200D⟩"), ("\u200f", "⟨U+200F⟩"), ("\x00", "⟨U+0000⟩"), ("\u0301", "◌\u0301")],
    ids=["whitespace", "zwj", "rtl-mark", "nul", "combining"],
)
def test_visible(piece, shown):
    assert render.visible(piece) == shown


def test_chips_are_capped_and_say_so():
    tok = get_tokenizer("bpe").analyze("ab " * 2000)
    html = render.chips_html(tok, max_chips=100)
    assert html.count('class="mlm-chip ') == 100
    assert f"first 100 of {len(tok.ids):,} tokens" in html


def test_boundary_map_marks_each_cut():
    diff = BoundaryDiff("abcd", shared=frozenset({1}), only_a=frozenset({2}), only_b=frozenset({3}))
    html = render.boundaries_html(diff, a_name="local", b_name="Gemma")
    body = html.split('<div class="mlm-map">')[1]
    assert re.findall(r"mlm-cut-(\w+)", body) == ["both", "a", "b"]
    assert "33% of cuts shared" in html
