"""The guide's lessons on the Embeddings tab: A1 (france → germany moves one point, and why), the
tokenizer mismatch both ways (section 10), A3 (embedding_dim=8 and other three-dimension slices), and
which inputs each source leaves unread."""

import pytest

from minilm import get_tokenizer
from minilm.embeddings import settings as embedding_settings
from minilm.embeddings import vectors as embedding_vectors
from minilm.embeddings.settings import EmbeddingSettings
from minilm.embeddings.vectors import vector_sets
from minilm.lang import EMBEDDINGS_A, EMBEDDINGS_B, Problem


def notes_of(settings, lang="en"):
    return {n.key: n.words(lang) for n in vector_sets(settings, lang=lang).notes}


@pytest.mark.parametrize("tokenizer", ["bpe", "word"])
def test_a1_names_the_tokens_that_moved_and_says_why(tokenizer):
    """Seed A1: B is A with france → germany. The tokens of B whose id A lacks (from the tokenizer itself)
    are the only points that move; the note says embed_tokens is a lookup and context acts in attention."""
    tok = get_tokenizer(tokenizer)
    a_ids = set(tok.encode(EMBEDDINGS_A, add_special_tokens=False))
    new = [tok.id_to_token(i) for i in tok.encode(EMBEDDINGS_B, add_special_tokens=False) if i not in a_ids]
    settings = EmbeddingSettings(tokenizer=tokenizer, table_tokenizer=tokenizer)
    b = vector_sets(settings).sets[1]
    assert [b.tokens[j] for j in embedding_vectors.moved_tokens(*vector_sets(settings).sets)] == new
    words = notes_of(settings)["emb_a1_moved"]
    assert words.startswith("**A1.**") and f"{len(new)} moved" in words and "lookup" in words and "attention" in words
    assert "yer değiştirdi" in notes_of(settings, "tr")["emb_a1_moved"]


def test_a1_with_positions_and_identical_sentences():
    with_positions = notes_of(EmbeddingSettings(positions=True))
    assert "emb_a1_moved_positions" in with_positions and "position" in with_positions["emb_a1_moved_positions"]
    same = notes_of(EmbeddingSettings(text_b=EMBEDDINGS_A))
    assert "emb_a1_none_moved" in same
    assert not notes_of(EmbeddingSettings(text_b=""))  # one sentence: nothing to compare


def test_mismatch_where_ids_fit_says_which_tokens_they_are_in_the_other_vocabulary():
    """Word-level ids fed to a table for the local BPE: the ids exist there, as other tokens
    (the BPE's own id_to_token is the reference)."""
    words, bpe = get_tokenizer("word"), get_tokenizer("bpe")
    ids = words.encode(EMBEDDINGS_A, add_special_tokens=False)
    note = notes_of(EmbeddingSettings(tokenizer="word", table_tokenizer="bpe"))["emb_mismatch_rows"]
    assert f"capital ({ids[1]}) → {bpe.id_to_token(ids[1])}" in note
    assert "Tokenizer mismatch" in note
    assert "uyumsuzluğu" in notes_of(EmbeddingSettings(tokenizer="word", table_tokenizer="bpe"), "tr")["emb_mismatch_rows"]
    assert "emb_mismatch_rows" not in notes_of(EmbeddingSettings())


@pytest.mark.slow
def test_mismatch_both_ways_with_gemma(gemma):
    """BPE ids into a table for Gemma's vocabulary draw, and the note shows Gemma's own token for each id
    (id 442 is '▁capital' for the local BPE); Gemma ids into the BPE's table are refused with the reason."""
    note = notes_of(EmbeddingSettings(tokenizer="bpe", table_tokenizer="gemma"))["emb_mismatch_rows"]
    assert f"▁capital (442) → {gemma.tokenizer.id_to_token(442)}" in note
    with pytest.raises(Problem, match="tokenizer-mismatch"):
        vector_sets(EmbeddingSettings(tokenizer="gemma", table_tokenizer="bpe"))


def test_a3_guides_dims_need_a_wider_embedding():
    """Guide A3 pairs embedding_dim=8 with dims [10, 11, 12]; an 8-dimensional vector has dims 0..7."""
    with pytest.raises(Problem) as caught:
        EmbeddingSettings(embedding_dim=8, dims="10, 11, 12")
    assert caught.value.key == "emb_a3_dims" and caught.value.values["needed"] == 13
    assert "0–7" in str(caught.value) and "at least 13" in str(caught.value)
    assert "en az 13" in caught.value.words("tr")
    with pytest.raises(Problem, match="more than the 64"):
        EmbeddingSettings(embedding_dim=8, dims="10, 11, 70")
    shown = vector_sets(EmbeddingSettings(embedding_dim=13, dims="10, 11, 12"))
    assert shown.sets[0].vectors.shape[1] == 13
    assert EmbeddingSettings(embedding_dim=8, dims="10, 11, 12", pca=True).pca  # PCA ignores dims


def test_pca_ignores_a_half_typed_dims_box():
    assert EmbeddingSettings(dims="20, ", pca=True).dims == (0, 1, 2)
    with pytest.raises(Problem):
        EmbeddingSettings(dims="20, ")


@pytest.mark.parametrize("vectors, pca, expected", [
    ("random", False, set()),
    ("random", True, {"dims"}),
    ("gemma", False, {"tokenizer", "table_tokenizer", "embedding_dim", "seed", "positions"}),
    ("hand", False, {"text", "text_b", "tokenizer", "table_tokenizer", "embedding_dim", "seed", "positions"}),
], ids=["random", "pca", "gemma", "hand"])
def test_unused_fields(vectors, pca, expected):
    """Which inputs a source never reads (from vector_sets: Gemma reads its own tokenizer and fixed table,
    the hand-made table is its own vocabulary), each with a reason worded in both languages."""
    unused = embedding_settings.unused_fields(vectors, pca=pca)
    assert set(unused) == expected
    from minilm.lang import EN, TR

    assert all(key in EN and key in TR for key in unused.values())
