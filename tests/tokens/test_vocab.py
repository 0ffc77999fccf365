"""Training the shipped tokenizers: reproducible assets, fixed byte ids, bounded vocab sizes."""

import json

import pytest

from minilm.assets import ASSETS, CORPUS
from minilm.tokens.vocab import BYTE_TOKENS, MAX_VOCAB_SIZE, MIN_VOCAB_SIZE, SPECIAL_TOKENS, build_assets, build_bpe


def test_assets_rebuild_identically(tmp_path):
    """`python -m minilm train-tokenizer` must reproduce the committed files byte for byte."""
    for path in build_assets(CORPUS, tmp_path):
        assert path.read_text() == (ASSETS / path.name).read_text(), path.name


def test_layout_of_ids():
    vocab = json.loads((ASSETS / "tokenizer.json").read_text())["model"]["vocab"]
    assert [vocab[t] for t in SPECIAL_TOKENS] == [0, 1, 2, 3]
    assert [vocab[t] for t in BYTE_TOKENS] == list(range(4, 260))
    assert len(vocab) == 1024


def test_more_vocab_fewer_tokens():
    """The vocab-size slider's lesson: more merges, fewer (longer) tokens for the same text."""
    lines = CORPUS.read_text().splitlines(keepends=True)
    text = "the capital of the united states is washington"
    small, large = (build_bpe(lines, vocab_size=v).encode(text).ids for v in (300, 3000))
    assert len(large) < len(small)


@pytest.mark.parametrize("size", [MIN_VOCAB_SIZE - 1, MAX_VOCAB_SIZE + 1])
def test_vocab_size_bounds(size):
    with pytest.raises(ValueError, match="vocab_size"):
        build_bpe(["a b c"], vocab_size=size)
