"""The Embeddings tab's handlers, called as gradio calls them (fields by keyword, the table as a pandas
DataFrame): every vector source draws its points, bad settings are messages."""

import pandas as pd
import pytest

from minilm import get_tokenizer
from minilm.embeddings.settings import HAND_MADE
from minilm.ui import embeddings as tab

DEFAULTS = dict(vectors="random", text="the capital of france", text_b="the capital of germany", tokenizer="bpe",
                table_tokenizer="bpe", embedding_dim=4, seed=0, dims="0, 1, 2", pca=False, positions=False, lines=False,
                hand=pd.DataFrame([[w, *v] for w, v in HAND_MADE], columns=["word", "a", "b", "c", "d"]))


def view(**settings):
    return tab.embeddings_view(**{**DEFAULTS, **settings})


def test_hand_made_table_arrives_as_a_dataframe_and_draws_every_word():
    """Seed 6.1: gradio hands the edited table over as a DataFrame (iterating one yields its column names)."""
    note, scatter, heatmap, _ = view(vectors="hand")
    assert not note.startswith("⚠️"), note
    assert list(scatter.data[0].text) == [w for w, _ in HAND_MADE]
    assert scatter.data[0].y[1] == pytest.approx(dict(HAND_MADE)["capital"][1])
    edited = DEFAULTS["hand"].copy()
    edited.loc[0, "b"] = 0.9
    assert view(vectors="hand", hand=edited)[1].data[0].y[0] == pytest.approx(0.9)


def test_random_vectors_draw_a_point_per_token_of_each_sentence():
    note, scatter, _, choices = view()
    tok = get_tokenizer("bpe")
    counts = [len(tok.encode(t, add_special_tokens=False)) for t in (DEFAULTS["text"], DEFAULTS["text_b"])]
    assert [len(trace.x) for trace in scatter.data] == counts
    assert len(choices["choices"]) == sum(counts)


@pytest.mark.parametrize("settings, message", [
    (dict(vectors="gemma", positions=True), "rotary"),
    (dict(dims="0, 1, 9"), "dimension 9 does not exist"),
    (dict(embedding_dim=65), "embedding_dim is capped at 64"),
    (dict(seed=99999999999999999999), "seed is capped at"),
    (dict(vectors="hand", hand=pd.DataFrame([["w", "x", 1, 2, 3]])), "must be numbers"),
], ids=["gemma-positions", "missing-dim", "dim-too-big", "huge-seed", "words-as-features"])
def test_bad_settings_are_messages(settings, message):
    note, scatter, _, _ = view(**settings)
    assert note.startswith("⚠️") and message in note and scatter is None
    assert view()[1] is not None  # the next request works


def test_neighbours_of_a_random_vector_come_from_its_table():
    rows = tab.neighbours_view(token="0:1", **DEFAULTS)[0]
    assert len(rows) == 10 and all(-1 <= cosine <= 1 for _, _, cosine in rows)
    assert [c for *_, c in rows] == sorted((c for *_, c in rows), reverse=True)
