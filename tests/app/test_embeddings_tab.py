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


# --- Positions, PCA, every source, validation in both languages ---------------------------------

def local_ids(text: str) -> list[int]:
    """The local BPE's ids for `text`, from the `tokenizers` library reading assets/tokenizer.json."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file("assets/tokenizer.json").encode(text, add_special_tokens=False).ids


def seeds_embedding(num_embeddings: int, embedding_dim: int, seed: int):
    """The seed's untrained table, made as the seed makes it: torch.manual_seed, then nn.Embedding."""
    import torch

    torch.manual_seed(seed)
    return torch.nn.Embedding(num_embeddings, embedding_dim).weight.detach()


def points(trace):
    import numpy as np

    return np.array([trace.x, trace.y, trace.z], dtype=float).T  # (tokens, 3)


@pytest.mark.parametrize("positions", [False, True], ids=["tokens-only", "with-positions"])
def test_points_are_the_seeds_table_rows_plus_position_rows(positions):
    """embedding_dim 3 (the slider sends 3.0) shows whole vectors. Without positions a point is row id of
    nn.Embedding(1024, 3) made after torch.manual_seed(seed); with them, plus row p of nn.Embedding(512, 3)
    made after torch.manual_seed(seed + 1) (the position table's seed, vectors.py). So with positions the
    shared "the capital of" of A and B still coincide (same ids, same positions) and each point moved."""
    import numpy as np

    _, scatter, _, _, _ = view(embedding_dim=3.0, seed=5, positions=positions)
    tokens, where = seeds_embedding(1024, 3, 5), seeds_embedding(512, 3, 6)
    for trace, text in zip(scatter.data, (DEFAULTS["text"], DEFAULTS["text_b"])):
        ids = local_ids(text)
        expected = tokens[ids] + (where[: len(ids)] if positions else 0)
        np.testing.assert_allclose(points(trace), expected.numpy(), rtol=1e-6, atol=1e-6)
    if positions:
        plain = view(embedding_dim=3.0, seed=5)[1]
        assert np.abs(points(plain.data[0]) - points(scatter.data[0])).min(axis=1).min() > 1e-3
    a, b = (points(t) for t in scatter.data)
    np.testing.assert_array_equal(a[:3], b[:3])


def test_pca_axes_are_the_principal_components_of_both_sentences():
    """PCA on (the dims box half typed, as PCA ignores it): the 3D points are numpy's SVD projection of
    every token vector of A and B together, up to each axis's sign; axes named PC1..PC3 with shares."""
    import numpy as np

    note, scatter, _, _, _ = view(embedding_dim=8.0, seed=2, pca=True, dims="20, ")
    assert not note.startswith("⚠️"), note
    table = seeds_embedding(1024, 8, 2).numpy()
    every = np.concatenate([table[local_ids(t)] for t in (DEFAULTS["text"], DEFAULTS["text_b"])]).astype(np.float64)
    centred = every - every.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    expected = centred @ vt[:3].T
    got = np.concatenate([points(t) for t in scatter.data])
    for axis in range(3):
        sign = np.sign(expected[:, axis] @ got[:, axis])
        np.testing.assert_allclose(got[:, axis], sign * expected[:, axis], atol=1e-4)
    share = s**2 / (s**2).sum()
    titles = [scatter.layout.scene[a].title.text for a in ("xaxis", "yaxis", "zaxis")]
    assert titles == [f"PC{i + 1} ({round(100 * share[i])}%)" for i in range(3)], titles
    off = view(embedding_dim=8.0, seed=2, dims="5, 6, 7")[1]
    np.testing.assert_allclose(points(off.data[0]), table[local_ids(DEFAULTS["text"])][:, 5:8], rtol=1e-6)


def test_the_table_as_the_page_sends_it_after_edits():
    """The page's DataFrame after a learner added a blank row and typed a decimal comma: the blank row is
    skipped, "0,35" reads as 0.35, every word is drawn on the named features."""
    edited = pd.concat([DEFAULTS["hand"], pd.DataFrame([["", None, None, None, None]], columns=DEFAULTS["hand"].columns)],
                       ignore_index=True).astype(object)
    edited.iloc[2, 3] = "0,35"
    note, scatter, heatmap, _, _ = view(vectors="hand", hand=edited, pca=False)
    assert not note.startswith("⚠️"), note
    assert list(scatter.data[0].text) == ["the", "capital", "of", "united", "states", "france", "germany"]
    assert scatter.data[0].z[2] == pytest.approx(0.35) and scatter.layout.scene.xaxis.title.text == "hardness"
    assert len(heatmap.data[0].z) == 7


@pytest.mark.parametrize("settings, english, turkish", [
    (dict(dims="0, 1"), "choose exactly three dimensions, got 2", "tam olarak üç boyut seçin"),
    (dict(dims="a, b, c"), "dimensions must be three whole numbers", "boyutlar 20, 21, 22 gibi üç tam sayı olmalı"),
    (dict(embedding_dim=1.0), "embedding_dim must be at least 2, got 1.0", "embedding_dim en az 2 olmalı"),
    (dict(embedding_dim=65.0), "embedding_dim is capped at 64 here, got 65.0", "embedding_dim burada en çok 64 olabilir"),
    (dict(seed=3.5), "seed must be a whole number, got 3.5", "seed bir tam sayı olmalı"),
    (dict(seed=-1), "seed must be at least 0, got -1", "seed en az 0 olmalı"),
    (dict(text=""), "The text is empty", "Metin boş"),
    (dict(text="   ", text_b=""), "The text is only whitespace", "Metin yalnızca boşluktan oluşuyor"),
], ids=["two-dims", "words-as-dims", "dim-1", "dim-65", "seed-3.5", "seed-negative", "empty", "whitespace"])
def test_bad_settings_are_messages_in_both_languages(settings, english, turkish):
    for request, words in ((None, english), (TR, turkish)):
        note, scatter, heatmap, choices, _ = tab.embeddings_view(request=request, **{**DEFAULTS, **settings})
        assert note.startswith("⚠️") and words in note.replace("\\", ""), note
        assert scatter is None and heatmap is None and choices["choices"] == []


def test_gemma_while_loading_is_a_message_not_an_error(loading_gemma):
    """The first visitor after a start finds Gemma still converting: a note in their language, no exception."""
    for request, words in ((None, "Gemma 3 is still loading"), (TR, "Gemma 3 hâlâ yükleniyor")):
        note, scatter, _, _, _ = tab.embeddings_view(request=request, **{**DEFAULTS, "vectors": "gemma", "dims": "20, 21, 22"})
        assert note.startswith("⚠️") and words in note.replace("\\", "") and scatter is None


def test_gemma_vectors_draw_a_point_per_gemma_token(gemma, monkeypatch):
    """With Gemma loaded: one point per token of Gemma's own tokenizer (no <bos>), axes dims 20..22, the
    shared words of A and B on the same points (a lookup), and the A1 note naming what moved."""
    import numpy as np

    from minilm.embeddings import vectors

    monkeypatch.setattr(vectors, "gemma", lambda wait=True: gemma)
    note, scatter, _, choices, _ = view(vectors="gemma", dims="20, 21, 22")
    assert not note.startswith("⚠️"), note
    counts = [len(gemma.tokenizer.encode(t, add_special_tokens=False)) for t in (DEFAULTS["text"], DEFAULTS["text_b"])]
    assert [len(t.x) for t in scatter.data] == counts and len(choices["choices"]) == sum(counts)
    assert [scatter.layout.scene[a].title.text for a in ("xaxis", "yaxis", "zaxis")] == ["dim 20", "dim 21", "dim 22"]
    a, b = (points(t) for t in scatter.data)
    np.testing.assert_array_equal(a[:-1], b[:-1])  # "the capital of" are one lookup in both sentences
    assert not np.array_equal(a[-1], b[-1]) and "**A1.**" in note and "1 moved" in note
