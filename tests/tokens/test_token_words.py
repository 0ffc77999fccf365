"""The Tokens chapter in words: token cards, the boundary legend, notes and errors, in English and Turkish.

Why: the audience reads Turkish, and the guide's numbers are written the Turkish way (29.656 token,
4,29); in English a count of one takes the singular ("1 character", not "1 characters"). Every
expected text below is written out by hand from the counts of the example, not taken from the code.
"""

import html
import re

import pytest

from minilm import get_tokenizer
from minilm.background import BackgroundLoader
from minilm.lang import Problem, words
from minilm.text import clean_text, decode_upload, read_text_file
from minilm.tokens import figures as render
from minilm.tokens.compare import BoundaryDiff
from minilm.tokens.sandbox import load_untrusted_tokenizer
from minilm.tokens.tokenizer import Tokenizer
from minilm.tokens.vocab import build_bpe

SEED = "the capital of france is paris"  # 30 characters, 7 BPE tokens after <bos>: 30 / 7 = 4.2857...


def shown(markup: str) -> str:
    """What a browser shows for our HTML: tags and styles gone, entities read, spaces collapsed."""
    body = re.sub(r"<style>.*?</style>", "", markup, flags=re.S)
    body = re.sub(r"<br>", "\n", body)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_token_card_in_turkish():
    card = shown(render.tokenization_html(get_tokenizer("bpe").analyze(SEED), lang="tr"))
    assert "8 token · 30 karakter · 30 UTF-8 bayt · token başına 4,29 karakter · 1 özel" in card
    assert "decode(encode(text)) == text" in card
    for english in ("tokens", "characters", "bytes", "special", "per token"):
        assert english not in card


def test_token_card_in_english_counts_one_in_the_singular():
    """"a" is <bos> and one token: 1 character, 1 byte."""
    card = shown(render.tokenization_html(get_tokenizer("bpe").analyze("a"), lang="en"))
    assert "2 tokens · 1 character · 1 UTF-8 byte · 1.00 characters per token · 1 special" in card


def test_token_card_english_is_the_default():
    card = shown(render.tokenization_html(get_tokenizer("bpe").analyze(SEED)))
    assert "8 tokens · 30 characters · 30 UTF-8 bytes · 4.29 characters per token · 1 special" in card


def test_lost_round_trip_in_turkish():
    """Word level drops the unknown word: <bos>, "the", <unk> decode to 'the'."""
    card = shown(render.tokenization_html(get_tokenizer("word").analyze("the zzz"), lang="tr"))
    assert "3 token · 7 karakter · 7 UTF-8 bayt · token başına 3,50 karakter · 1 bilinmeyen, 1 özel" in card
    assert "✗ decode şunu geri veriyor: 'the'" in card


def test_chip_hover_in_turkish():
    chips = render.chips_html(get_tokenizer("bpe").analyze("🦊"), lang="tr")
    assert 'title="id 244 · bayt · 1 bayt: f0"' in chips
    assert 'title="id 2 · özel · 0 bayt: (yok)"' in chips


def test_capped_chips_say_so_in_turkish():
    tok = get_tokenizer("bpe").analyze("ab " * 2000)
    n = len(tok.ids)
    assert n > 1000
    grouped = f"{n:,}".replace(",", ".")  # Turkish groups thousands with a dot
    assert f"{grouped} token’ın ilk 100 tanesi gösteriliyor" in shown(render.chips_html(tok, max_chips=100, lang="tr"))


def test_boundary_legend_in_turkish():
    """One shared cut of three: %33, with the percent sign first as Turkish writes it."""
    diff = BoundaryDiff("abcd", shared=frozenset({1}), only_a=frozenset({2}), only_b=frozenset({3}))
    legend = shown(render.boundaries_html(diff, a_name="yerel", b_name="Gemma", lang="tr"))
    assert "ikisi de burada keser (1)" in legend and "yalnızca yerel (1)" in legend and "yalnızca Gemma (1)" in legend
    assert "ortak kesimler: %33" in legend and "cut" not in legend and "only" not in legend


def test_long_boundary_map_says_where_it_stops_in_turkish():
    text = "ab " * 2500
    diff = BoundaryDiff(text, frozenset(), frozenset(), frozenset())
    assert "(ilk 6.000 karakter)" in shown(render.boundaries_html(diff, a_name="a", b_name="b", lang="tr"))


# --- Errors and notes from the core: a key and values, worded in each language -------------------

def _problem(call, *args, **kwargs) -> Problem:
    with pytest.raises(Problem) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    "text, english, turkish",
    [
        ("", "The text is empty", "Metin boş"),
        (" \n", "The text is only whitespace", "yalnızca boşluk"),
        ("a" * 20_001, "The text has 20,001 characters; the limit here is 20,000", "Metinde 20.001 karakter var; buradaki sınır 20.000"),
        (None, "text must be a string, got NoneType", "metin bir dize"),
    ],
    ids=["empty", "whitespace", "too-long", "not-a-string"],
)
def test_text_refusals_in_both_languages(text, english, turkish):
    err = _problem(clean_text, text)
    assert english in str(err) and english in words(err, "en")
    assert turkish in words(err, "tr")


def test_repair_note_in_both_languages():
    _, notes = clean_text("a\ud800b")
    assert [str(n) for n in notes] == ["replaced 1 lone surrogate (not valid Unicode) with U+FFFD"]
    assert notes[0].words("tr") == "1 tekil vekil karakter (geçerli Unicode değil) U+FFFD ile değiştirildi"
    _, notes = clean_text("a\ud800b\udc00")
    assert str(notes[0]) == "replaced 2 lone surrogates (not valid Unicode) with U+FFFD"


def test_file_refusals_in_turkish(tmp_path):
    big = tmp_path / "büyük.txt"
    big.write_bytes(b"a" * 2048)
    err = _problem(read_text_file, big, max_bytes=1024)
    assert "büyük.txt 2.048 bayt; sınır 1.024 bayt" in words(err, "tr")
    assert "büyük.txt is 2,048 bytes; the limit is 1,024 bytes" in str(err)
    empty = tmp_path / "boş.txt"
    empty.write_bytes(b" \n")
    assert "boş.txt boş" in words(_problem(read_text_file, empty), "tr")
    assert "UTF-8 metin değil" in words(_problem(decode_upload, "çay".encode("cp1254"), name="x.txt"), "tr")
    assert "ikili (binary)" in words(_problem(decode_upload, b"\x89PNG\x00\x00", name="x.png"), "tr")


@pytest.mark.parametrize(
    "data, turkish", [(b'{"model": ', "geçerli bir JSON değil"), (b"{}", "tokenizer.json değil")],
    ids=["truncated", "no-model"],
)
def test_upload_refusals_in_turkish(data, turkish):
    err = _problem(load_untrusted_tokenizer, data, name="benim.json")
    assert words(err, "tr").startswith("benim.json") and turkish in words(err, "tr")


def test_vocab_size_refusal_in_turkish():
    err = _problem(build_bpe, ["a b c"], vocab_size=10)
    assert "vocab_size 300 ile 32.000 arasında olmalı" in words(err, "tr")
    assert "vocab_size must be between 300 and 32,000, got 10" in str(err)


def test_constructor_refusal_in_turkish():
    assert "ya bir tokenizer.json yolu" in words(_problem(Tokenizer), "tr")


def test_loading_and_failing_in_turkish():
    """The loader's stage and failure reach a Turkish visitor in Turkish."""
    import threading

    release = threading.Event()

    def slow(progress):
        progress("stage_convert")
        release.wait(10)
        raise OSError("disk full")

    loader = BackgroundLoader(slow, what="Gemma 3").start()
    for _ in range(200):
        if loader.stage == "stage_convert":
            break
        threading.Event().wait(0.01)
    loading = _problem(loader.ready)
    assert "Gemma 3 hâlâ yükleniyor (GGUF tokenizer’ı transformers ile dönüştürülüyor" in words(loading, "tr")
    assert "Gemma 3 is still loading (converting the GGUF tokenizer with transformers" in str(loading)
    release.set()
    failed = _problem(loader.wait, 10)
    assert words(failed, "tr") == "Gemma 3 yüklenemedi: disk full"
    assert str(failed) == "Gemma 3 could not be loaded: disk full"
