"""The selected token across tokenizers: the other tokenizer's tokens that cover the same characters.

Why: a chip clicked in the local column must light up Gemma's pieces of the same word, and nothing
else. Offsets are the only bridge (ids share no space), so the expected spans are read off the texts
by hand here, and the two real tokenizers are checked on a sentence where they cut differently.
"""

import pytest

from minilm.tokens.registry import get_tokenizer
from minilm.tokens.selection import covering, first_covering
from minilm.tokens.tokenizer import Tokenization

TEXT = "the capital of france is paris"


def cut(spans, *, bos=True):
    """A Tokenization of TEXT from character spans (and <bos> first), as a tokenizer would report it."""
    offsets = ((0, 0),) * bos + tuple(spans)
    tokens = ("<bos>",) * bos + tuple(TEXT[s:e] for s, e in spans)
    kinds = ("special",) * bos + ("text",) * len(spans)
    return Tokenization(TEXT, tuple(range(len(offsets))), tokens, offsets, kinds, TEXT)


WORDS = cut([(0, 3), (4, 11), (12, 14), (15, 21), (22, 24), (25, 30)])  # the, capital, of, france, is, paris
PIECES = cut([(0, 3), (3, 11), (11, 14), (14, 16), (16, 21), (21, 24), (24, 30)])  # the, ▁capital, ▁of, ▁f, rance, ▁is, ▁paris


@pytest.mark.parametrize("position, expected", [
    (4, (4, 5)),   # "france" (15..21) = "▁f" (14..16) + "rance" (16..21)
    (2, (2,)),     # "capital" (4..11) is inside "▁capital" (3..11); "the" (0..3) ends where it begins
    (0, (0,)),     # <bos> covers no characters: only the other <bos>
], ids=["one-word-two-pieces", "touching-is-not-covering", "bos"])
def test_words_to_pieces(position, expected):
    assert covering(WORDS, position, PIECES) == expected


def test_pieces_to_words_and_out_of_range():
    assert covering(PIECES, 5, WORDS) == (4,)  # "rance" is part of "france"
    assert covering(PIECES, 8, WORDS) == () and first_covering(PIECES, -1, WORDS) is None
    assert covering(PIECES, 0, cut([(0, 3)], bos=False)) == ()  # no <bos> on the other side


def test_another_text_covers_nothing():
    other = Tokenization("xyz", (1,), ("xyz",), ((0, 3),), ("text",), "xyz")
    assert covering(WORDS, 1, other) == ()


def test_the_real_tokenizers():
    """minilm's BPE cuts "france" as ▁f + rance, the word tokenizer keeps it whole (tests/data of the assets)."""
    bpe, word = get_tokenizer("bpe").analyze(TEXT), get_tokenizer("word").analyze(TEXT)
    france = word.tokens.index("france")
    assert [bpe.tokens[j] for j in covering(word, france, bpe)] == ["▁f", "rance"]
    assert [word.tokens[j] for j in covering(bpe, bpe.tokens.index("rance"), word)] == ["france"]
