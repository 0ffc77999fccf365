"""The Embeddings tab's handlers, called as gradio calls them (fields by keyword, the table as a pandas
DataFrame): every vector source draws its points, bad settings are messages."""

from types import SimpleNamespace

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
    note, scatter, heatmap, _, _ = view(vectors="hand")
    assert not note.startswith("⚠️"), note
    assert list(scatter.data[0].text) == [w for w, _ in HAND_MADE]
    assert scatter.data[0].y[1] == pytest.approx(dict(HAND_MADE)["capital"][1])
    edited = DEFAULTS["hand"].copy()
    edited.loc[0, "b"] = 0.9
    assert view(vectors="hand", hand=edited)[1].data[0].y[0] == pytest.approx(0.9)


def test_random_vectors_draw_a_point_per_token_of_each_sentence():
    note, scatter, _, choices, _ = view()
    tok = get_tokenizer("bpe")
    counts = [len(tok.encode(t, add_special_tokens=False)) for t in (DEFAULTS["text"], DEFAULTS["text_b"])]
    assert [len(trace.x) for trace in scatter.data] == counts
    assert len(choices["choices"]) == sum(counts)


@pytest.mark.parametrize("settings, message", [
    (dict(vectors="gemma", positions=True), "rotary"),
    (dict(dims="0, 1, 9"), "numbered 0–3"),
    (dict(vectors="hand", dims="0, 1, 9"), "dimension 9 does not exist"),
    (dict(embedding_dim=65), "embedding_dim is capped at 64"),
    (dict(seed=99999999999999999999), "seed is capped at"),
    (dict(vectors="hand", hand=pd.DataFrame([["w", "x", 1, 2, 3]])), "must be numbers"),
], ids=["gemma-positions", "missing-dim", "missing-feature", "dim-too-big", "huge-seed", "words-as-features"])
def test_bad_settings_are_messages(settings, message):
    note, scatter, _, _, _ = view(**settings)
    assert note.startswith("⚠️") and message in note.replace("\\", "") and scatter is None  # the note is escaped Markdown
    assert view()[1] is not None  # the next request works


def test_neighbours_of_a_random_vector_come_from_its_table():
    rows = tab.neighbours_view(token="0:1", **DEFAULTS)[0].values.tolist()
    cosines = [float(c) for *_, c in rows]
    assert len(rows) == 10 and all(-1 <= c <= 1 for c in cosines)
    assert cosines == sorted(cosines, reverse=True)


TR = SimpleNamespace(headers={"accept-language": "tr-TR,tr;q=0.9"}, session_hash=None)


def test_hand_table_headers_are_the_guides_words():
    """Seed 6: "Sertlik/Parlaklık/Kırmızılık"; the learner's edits survive the relabelling."""
    edited = DEFAULTS["hand"].copy()
    edited.loc[1, "b"] = 0.05
    *_, table = tab.controls_view("hand", False, edited, request=TR)
    assert table["visible"] is True
    assert list(table["value"].columns)[:4] == ["kelime", "Sertlik", "Parlaklık", "Kırmızılık"]
    assert table["value"].iloc[1, 2] == pytest.approx(0.05)
    assert tab.controls_view("random", False, edited)[-1]["visible"] is False


def test_controls_the_source_does_not_read_are_disabled_with_the_reason():
    updates = dict(zip(tab.CONTROLLED, tab.controls_view("gemma", False, None, request=TR)))
    for name in ("tokenizer", "table_tokenizer", "embedding_dim", "seed", "positions"):
        assert updates[name]["interactive"] is False and updates[name]["info"].startswith("kullanılmıyor"), name
    assert updates["positions"]["value"] is False  # Gemma has no position table: unticked, not an error
    assert updates["text"]["interactive"] is True and updates["dims"]["interactive"] is True
    pca = dict(zip(tab.CONTROLLED, tab.controls_view("random", True, None)))
    assert pca["dims"]["interactive"] is False and "PCA" in pca["dims"]["info"]
    assert all(pca[name]["interactive"] for name in tab.CONTROLLED if name != "dims")


def test_the_view_speaks_turkish():
    """Titles, axes, legend, notes and neighbour headers in Turkish, with the guide's words and a decimal comma."""
    note, scatter, heatmap, choices, _ = tab.embeddings_view(request=TR, **DEFAULTS)
    assert "eğitilmemiş" in note and "**A1.**" in note and "yer değiştirdi" in note
    assert scatter.layout.scene.xaxis.title.text == "boyut 0" and scatter.data[0].name.startswith("A cümlesi: ")
    assert "kosinüs benzerliği" in heatmap.layout.title.text and scatter.layout.separators == ",."
    table, _ = tab.neighbours_view(token="0:1", request=TR, **DEFAULTS)
    assert list(table.columns) == ["komşu token", "token id’si", "kosinüs benzerliği"]
    assert all("," in c and "." not in c for c in table.iloc[:, 2])  # 0,744 not 0.744
    hand = tab.embeddings_view(request=TR, **{**DEFAULTS, "vectors": "hand"})[1]
    assert [hand.layout.scene[a].title.text for a in ("xaxis", "yaxis", "zaxis")] == ["Sertlik", "Parlaklık", "Kırmızılık"]


@pytest.mark.parametrize("typed", ["<img src=x onerror=alert(1)>", "<b>bold</b>", "[link](http://example.com)"])
def test_typed_markup_stays_text(typed):
    """Issue 11: what a learner typed must never become markup: the note is Markdown, so it arrives escaped."""
    note = view(dims=typed)[0]
    assert note.startswith("⚠️") and "<" not in note and "](" not in note
    note = view(text_b=f"the capital of {typed}")[0]
    assert "<" not in note and "](" not in note and "**A1.**" in note


def test_a3_offers_the_embedding_dim_the_guides_dims_need():
    """Guide A3: nn.Embedding(…, embedding_dim=8) with dims [10, 11, 12]; dims 10..12 need 13 dimensions."""
    note, scatter, _, _, fix = view(embedding_dim=8, dims="10, 11, 12")
    assert scatter is None and "0–7" in note and "13" in note
    assert fix["visible"] is True and fix["value"] == "A3: set embedding_dim to 13"
    assert tab.a3_fix("10, 11, 12") == 13
    note, scatter, _, _, fix = view(embedding_dim=13, dims="10, 11, 12")
    assert scatter.layout.scene.xaxis.title.text == "dim 10" and fix["visible"] is False


def test_whitespace_neighbours_are_visible():
    """A newline token (local BPE id 260) as a neighbour was a blank cell; the tab shows it as ↵ (the
    Tokens tab's mark), so every cell of the table has something to read."""
    table, _ = tab.neighbours_view(token="0:0", **{**DEFAULTS, "embedding_dim": 13})
    assert 260 in list(table.iloc[:, 1]) and "↵" in list(table.iloc[:, 0])
    assert all(str(t).strip() for t in table.iloc[:, 0])
