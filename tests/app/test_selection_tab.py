"""The selection's handlers (issue 14), called as gradio calls them: each tab's view first (what it drew
goes to its state), then a click's "word n" from the page's hidden box, in English and Turkish.

Why: the browser tests of the selection are slow; these run in the quick loop and still go through
what the page wires: which chip, cells, trace and table row a click marks, the counts sentence, the
3D point's mapping back to a chip, refused picks, the link's select=, the Train tab's look inside,
and the promise that moving a selection never tokenizes or embeds again. Window counts are counted
by hand from the seed's make_windows on the tokens listed below.
"""

import json
import re
from types import SimpleNamespace

import pytest

from minilm.tokens.selection import Selection
from minilm.ui import embeddings as emb_tab
from minilm.ui import selection as sel
from minilm.ui import tokens as tokens_tab
from minilm.ui import windows as windows_tab

TR = SimpleNamespace(headers={"accept-language": "tr-TR,tr;q=0.9"}, session_hash=None)
TEXT = "the capital of france is paris and the capital of germany is berlin"
# minilm's BPE: 0 <bos>, 1 the, 2 ▁capital, 3 ▁of, 4 ▁f, 5 rance, 6 ▁is, 7 ▁paris, 8 ▁and, 9 ▁the, 10 ▁capital,
# 11 ▁of, 12 ▁ger, 13 m, 14 any, 15 ▁is, 16 ▁b, 17 er, 18 lin: 19 tokens. context_length 4, stride 2:
# make_windows starts at range(0, 15, 2) = 0, 2, ..., 14: 8 windows; window k reads 2k..2k+3, predicts 2k+1..2k+4.
WINDOWS = dict(source="text", text=TEXT, path=None, tokenizer="bpe", context_length=4.0, stride=2.0, batch_size=1.0,
               keep_tail=False)
EMBEDDINGS = dict(vectors="random", text="the capital of united states and the capital of france",
                  text_b="the capital of united states and the capital of germany", tokenizer="bpe", table_tokenizer="bpe",
                  embedding_dim=4.0, seed=0, dims="0, 1, 2", pca=False, positions=False, lines=False, hand=None)
N_SHOWS = 15


@pytest.fixture(scope="module")
def traced():
    tokens = tokens_tab.tokenize_traced({}, None, text=TEXT, tokenizer="bpe", add_special_tokens=True, split_special=False)[-1]
    windows = windows_tab.windows_traced(False, None, **WINDOWS)[-1]
    embeddings = emb_tab.embeddings_traced(None, **{**EMBEDDINGS, "hand": emb_tab.hand_table(emb_tab.HAND_MADE, "en")})[-1]
    return tokens, windows, embeddings


NAMES = ["local", "gemma", "tokens_note", "pairs", "windows_note", "stream", "scatter", "heatmap", "emb_note",
         "neighbours", "train_text", "train_note", "train_next", "attention", "before_after"]


def pick(value, traced, selection=None, model=None, request=None, drawn=None, picked=None, *, with_picked=False):
    """(the selection, every tab's marks by name), and with `with_picked` the Embeddings tab's own pick last."""
    out = sel.select(value, selection, *traced, model, drawn, picked, request=request)
    assert len(out) == 2 + N_SHOWS
    return (out[0], dict(zip(NAMES, out[1:-1]))) + ((out[-1],) if with_picked else ())


def traces(value) -> list[dict]:
    """The traces of a gr.Plot value as the page receives them (JSON)."""
    return json.loads(value.plot)["data"]


def marked(html: str) -> list[str]:
    """The visible token of every element carrying minilm-selected (chips: .mlm-t; cells: the text before the id)."""
    return re.findall(r'minilm-selected[ "][^>]*>(?:<span class="mlm-t">)?([^<]*)', html)


@pytest.mark.parametrize("position, token, x, y, cells", [
    (4, "▁f", 2, 2, 4),        # read by starts 2, 4; predicted by starts 0, 2
    (10, "▁capital", 2, 2, 4),  # read by starts 8, 10; predicted by 6, 8 (the first ▁capital is a different position)
    (0, "&lt;bos&gt;", 1, 0, 1),  # <bos>: only ever an input
    (18, "lin", 0, 1, 1),      # the last token: only the target of the last window (start 14)
], ids=["f", "second-capital", "bos", "last"])
def test_a_chip_marks_its_windows_by_hand(traced, position, token, x, y, cells):
    selection, shown = pick(f"tokens {position}", traced)
    assert selection == Selection("bpe", position)
    assert marked(shown["local"]) == [token]
    assert f"is in the input (x) of {x} of 8 windows, and the target (y) of {y}." in shown["windows_note"]
    assert shown["pairs"].count('class="minilm-selected"') == cells
    assert all(f'data-mlm-pick="windows {position}"' in c for c in re.findall(r"<td class=\"minilm-selected\"[^>]*>", shown["pairs"]))
    stream = traces(shown["stream"])
    assert stream[-1]["name"] == "selected" and stream[-1]["x"] == [position] and len(stream) == 3


def test_turkish_counts_and_the_other_tokenizer(traced):
    """Turkish words; Gemma's chips covering "france" (its own cut of the same characters) are marked too."""
    _, shown = pick("tokens 5", traced, request=TR)  # "rance"
    assert "Seçilen 5 numaralı token “rance”, 8 pencerenin 2 tanesinde girdide (x), 2 tanesinde hedefte (y)." in shown["windows_note"]
    gemma = traced[0].gemma
    if gemma is not None:  # Gemma ready: its pieces of "france" are the ones marked
        assert "".join(marked(shown["gemma"])).replace("▁", "") == "france"
    assert "Seçilen:" in shown["tokens_note"]


def test_a_3d_point_selects_the_chip_of_its_token(traced):
    """Point 1 of sentence A is ▁capital: the first ▁capital of the text (position 2) is selected, the 3D plot
    rings all four ▁capital points, the neighbours table opens with the token itself, marked."""
    selection, shown = pick("emb 0 1", traced)
    assert selection == Selection("bpe", 2)
    assert marked(shown["local"]) == ["▁capital"]
    ring = next(t for t in traces(shown["scatter"]) if t["name"] == "selected")
    a = traced[2].scatter["data"][0]
    assert (ring["x"][0], ring["y"][0], ring["z"][0]) == (a["x"][1], a["y"][1], a["z"][1]) and len(ring["x"]) == 4
    rows = re.findall(r"<tr([^>]*)><td>([^<]*)</td><td>(\d+)</td>", shown["neighbours"])
    assert rows[0][0].startswith(' class="minilm-selected"') and rows[0][1:] == ("▁capital", "442")
    assert len(rows) == 11 and all("minilm-selected" not in r[0] for r in rows[1:])


def test_a_point_not_in_the_text_keeps_the_selection(traced):
    """"▁un" (of united) is not in the Tokens text: nothing else moves, the Embeddings tab says so."""
    before = Selection("bpe", 4)
    selection, shown = pick("emb 0 3", traced, selection=before)
    assert selection == before
    assert "is not in the Tokens tab’s text" in shown["emb_note"] and shown["tokens_note"] != ""
    assert marked(shown["local"]) == ["▁f"]


@pytest.mark.parametrize("value", ["tokens 99", "tokens 19", "emb 7 0", "emb 0 99", "windows 19", "<img src=x>", "tokens -1",
                                   "tokens 1 2", "", None, "vocab 1; alert(1)"])
def test_refused_picks_change_nothing(traced, value):
    before = Selection("bpe", 4)
    selection, shown = pick(value, traced, selection=before)
    assert selection == before and marked(shown["local"]) == ["▁f"]


def test_moving_the_selection_neither_tokenizes_nor_embeds(traced, monkeypatch):
    """Every tokenizer and every table refuses to work: a selection still moves, from what the tabs drew."""
    from minilm.embeddings import vectors
    from minilm.tokens.tokenizer import Tokenizer

    def refuse(*args, **kwargs):
        raise AssertionError("tokenized or embedded again")

    for name in ("encode", "analyze", "encode_long", "tokenize"):
        monkeypatch.setattr(Tokenizer, name, refuse)
    monkeypatch.setattr(vectors, "vector_sets", refuse)
    monkeypatch.setattr(vectors, "sentence_vectors", refuse)
    _, shown = pick("windows 16", traced)
    assert marked(shown["local"]) == ["▁b"] and "8 windows" in shown["windows_note"]
    assert "is not in these sentences" in shown["emb_note"]  # ▁b (of berlin) is in neither sentence
    _, shown = pick("windows 12", traced)
    assert marked(shown["local"]) == ["▁ger"] and any(t["name"] == "selected" for t in traces(shown["scatter"]))


def test_the_link_value_follows_local_selections_only(traced):
    assert sel.link_value(Selection("bpe", 4), traced[0]) == 4
    assert sel.link_value(Selection("gemma", 4), traced[0]) != 4  # a Gemma position is not the link's
    assert sel.from_link(7, None) == Selection(sel.LOCAL, 7)
    assert sel.from_link(7, Selection("bpe", 7)) != Selection(sel.LOCAL, 7)  # its own echo
    _, shown = pick("", traced, selection=sel.from_link(4, None))
    assert marked(shown["local"]) == ["▁f"]


def test_train_looks_inside_at_the_selected_position(traced):
    """A TinyLM reading 4 tokens: at "▁f" (position 4) it reads positions 1..4; the table is its softmax's
    top tokens after them, and each (block, head) row is that head's attention from position 4, which
    sums to 1 over the four tokens it can see."""
    import torch

    from minilm.lm.inspect import attention_weights
    from minilm.lm.model import TinyLM
    from minilm.lm.settings import ModelConfig, Trained

    model = TinyLM(ModelConfig(1024, context_length=4, n_blocks=2, embedding_dim=16, n_heads=4))
    generator = torch.Generator().manual_seed(3)
    with torch.no_grad():  # far from uniform attention, as after training
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * 0.5)
    trained = Trained(model, "bpe")
    _, shown = pick("train 4", traced, model=trained, request=TR)
    assert marked(shown["train_text"]) == ["▁f"] and 'data-mlm-pick="train 0"' in shown["train_text"]
    ids = list(traced[0].local.ids[1:5])
    with torch.no_grad():
        probs = torch.softmax(model(torch.tensor([ids]))[0, -1], dim=-1)
    assert shown["train_next"].iloc[:, 1].tolist() == torch.topk(probs, 10).indices.tolist()
    heat = shown["attention"].data[0]
    assert list(heat.x) == ["1 the", "2 ▁capital", "3 ▁of", "4 ▁f"] and len(heat.y) == 8 and heat.y[0] == "blok 1 · kafa 1"
    expected = attention_weights(model, ids)[:, :, -1, :].reshape(8, 4)
    assert [v for row in heat.z for v in row] == pytest.approx(expected.flatten().tolist())
    assert all(sum(row) == pytest.approx(1.0) for row in heat.z) and max(max(row) for row in heat.z) > 0.4
    _, other = pick("train 4", traced, model=Trained(model, "word"))
    assert other["train_text"] == "" and "choose it in the Tokens tab" in other["train_note"]


def test_a_neighbour_row_selects_its_token(traced):
    """The neighbours table's rows carry "vocab <id>": 442 is ▁capital, first at position 2 of the text; an id the
    text lacks keeps the selection and lists that token's own neighbours."""
    selection, shown = pick("vocab 442", traced)
    assert selection == Selection("bpe", 2) and marked(shown["local"]) == ["▁capital"]
    rows = re.findall(r'<tr class="minilm-selected" data-mlm-pick="vocab (\d+)"><td>([^<]*)</td>', shown["neighbours"])
    assert rows == [("442", "▁capital")]
    kept, shown = pick("vocab 957", traced, selection=Selection("bpe", 4))  # ▁un: in sentence A, not in the text
    assert kept == Selection("bpe", 4) and "is not in the Tokens tab’s text" in shown["emb_note"]
    assert re.findall(r'<tr class="minilm-selected" data-mlm-pick="vocab (\d+)">', shown["neighbours"]) == ["957"]


def test_the_link_value_is_checked_like_the_others():
    from minilm.share import parse_state

    assert parse_state({"select": "4"}) == ({"select": 4}, [])
    for bad in ("x9", "-1", "100001", "4.5"):
        state, notes = parse_state({"select": bad}, lang="tr")
        assert (state, notes) == ({}, ["select: 0 ile 100000 arasında bir tam sayı değil"])


def test_a_link_selection_restores_every_tab_and_its_echo_does_nothing(traced):
    out = sel.restore(4, None, *traced, None)
    assert out[0] == Selection(sel.LOCAL, 4) and marked(out[1]) == ["▁f"] and out[-1] is None  # no Embeddings pick of its own
    assert "2 of 8 windows" in out[5] and "Local BPE" in out[3]
    echo = sel.restore(4, Selection("bpe", 4), *traced, None)
    assert all(isinstance(v, dict) for v in echo) and len(echo) == 2 + N_SHOWS
    assert len(sel.SHOWN) == N_SHOWS


def test_train_before_after_rings_the_token_and_its_move(traced):
    """Train's embeddings before/after (one sentence, two traces): the selected ▁capital's points in both, and the
    line from before to after, read from the figure the tab drew."""
    from minilm.lm.model import TinyLM
    from minilm.lm.settings import ModelConfig, Trained
    from minilm.ui import train as train_tab

    trained = Trained(TinyLM(ModelConfig(1024, context_length=4, n_blocks=1, embedding_dim=16, n_heads=4), seed=1), "bpe")
    figure, _, drawn = train_tab.embeddings_before_after_traced(trained, "the capital of the capital")
    _, shown = pick("tokens 2", traced, model=trained, drawn=drawn)  # ▁capital: 2nd and 5th token of that sentence
    data = traces(shown["before_after"])
    ring = next(t for t in data if t["name"] == "selected")
    before, after = figure.data[0], figure.data[1]
    assert ring["x"] == [before.x[1], before.x[4], after.x[1], after.x[4]]
    line = next(t for t in data if t["name"] == "selected A→B")
    assert line["x"] == [before.x[1], after.x[1]] and line["z"] == [before.z[1], after.z[1]]


def test_a_point_of_trains_before_after_selects_its_token(traced):
    """Train's before/after plot: curve 1 (after), point 4 is the second ▁capital of its sentence; the text's first
    ▁capital (position 2) is selected. The ring (curve 2) and points past the sentence change nothing."""
    from minilm.lm.model import TinyLM
    from minilm.lm.settings import ModelConfig, Trained
    from minilm.ui import train as train_tab

    trained = Trained(TinyLM(ModelConfig(1024, context_length=4, n_blocks=1, embedding_dim=16, n_heads=4)), "bpe")
    _, _, drawn = train_tab.embeddings_before_after_traced(trained, "the capital of the capital")
    selection, shown = pick("ba 1 4", traced, model=trained, drawn=drawn)
    assert selection == Selection("bpe", 2) and marked(shown["local"]) == ["▁capital"]
    for value in ("ba 2 0", "ba 1 5", "ba 0 99"):
        assert pick(value, traced, selection=Selection("bpe", 4), model=trained, drawn=drawn)[0] == Selection("bpe", 4)


def test_a_token_past_the_stream_picture_is_said_so():
    """Ten copies of the text (181 tokens), context_length 4, stride 2: the picture draws the first 60 tokens
    (four windows' worth, at least 60); token 100 gets no ring there, and the note says why."""
    long = " ".join([TEXT] * 10)
    tokens = tokens_tab.tokenize_traced({}, None, text=long, tokenizer="bpe", add_special_tokens=True, split_special=False)[-1]
    windows = windows_tab.windows_traced(False, None, **{**WINDOWS, "text": long})[-1]
    _, shown = pick("tokens 100", (tokens, windows, None))
    assert "The stream picture shows the first 60 tokens; this one comes later." in shown["windows_note"]
    assert all(t["name"] != "selected" for t in traces(shown["stream"]))
    _, near = pick("tokens 59", (tokens, windows, None))
    assert "comes later" not in near["windows_note"] and traces(near["stream"])[-1]["x"] == [59]


def test_a_row_of_the_dropdowns_neighbours_table_picks_its_id(traced):
    """The Dataframe arrives as pandas; gradio's SelectData gives [row, column]: the pick is that row's id."""
    import pandas as pd

    table, _ = emb_tab.neighbours_view(token="0:1", **{**EMBEDDINGS, "hand": emb_tab.hand_table(emb_tab.HAND_MADE, "en")})
    assert isinstance(table, pd.DataFrame)
    value = sel.pick_row(table, SimpleNamespace(index=[2, 0]))
    assert value == f"vocab {int(table.iloc[2, 1])}"
    assert isinstance(sel.pick_row(table, SimpleNamespace(index=[99, 0])), dict)  # no such row: nothing
    selection, shown = pick(value, traced)
    assert re.findall(r'<tr class="minilm-selected" data-mlm-pick="vocab (\d+)">', shown["neighbours"]) == [value.split()[1]]


def test_a_token_in_no_sentence_still_lists_its_neighbours_and_clears_the_ring(traced):
    """"▁b" (of berlin) is in neither sentence: the rings of an earlier selection go, and its neighbours come from
    its own row of the table (cosine 1.000 first, then the nearest by brute force over every row, written out here)."""
    import torch

    from minilm.embeddings.vectors import _random_table

    _, shown = pick("tokens 16", traced)
    assert all(t["name"] != "selected" for t in traces(shown["scatter"]))
    rows = re.findall(r'data-mlm-pick="vocab (\d+)"><td>[^<]*</td><td>\d+</td><td>([^<]*)</td>', shown["neighbours"])
    table = _random_table(traced[2].settings)[0].weight.detach()
    b = traced[0].local.ids[16]
    cos = torch.nn.functional.normalize(table, dim=1) @ torch.nn.functional.normalize(table[b], dim=0)
    cos[b] = -2
    assert [int(j) for j, _ in rows] == [b, *torch.topk(cos, 10).indices.tolist()]
    assert rows[0][1] == "1.000"


def test_a_picked_token_the_text_lacks_is_marked_again_in_the_pages_language(traced):
    """Review: after a neighbour row was picked, a language switch left its line in Turkish. A token the text lacks
    (957, "▁un" of united: in sentence A only) is the Embeddings tab's own pick, kept beside the selection; the marks
    drawn again after every view (a switch redraws them all) word it in the page's language then, its neighbours'
    headers too. A token of the text picked later takes its place; a refused pick keeps it."""
    from minilm.embeddings.selection import VocabPick

    before = Selection("bpe", 4)
    selection, shown, picked = pick("vocab 957", traced, selection=before, request=TR, with_picked=True)
    assert selection == before and picked == VocabPick("bpe", 957)
    assert shown["emb_note"].startswith("“▁un” Token’lar sekmesindeki metinde yok") and "komşu token" in shown["neighbours"]
    again = dict(zip(NAMES, sel.marks_again(selection, *traced, None, None, picked)))  # no request: English
    assert again["emb_note"].startswith("“▁un” is not in the Tokens tab’s text") and "<th>token</th>" in again["neighbours"]
    assert re.findall(r'<tr class="minilm-selected" data-mlm-pick="vocab (\d+)">', again["neighbours"]) == ["957"]
    assert marked(again["local"]) == ["▁f"]  # the other tabs keep the selection
    assert pick("emb 9 9", traced, selection=before, picked=picked, with_picked=True)[2] == picked
    selection, shown, picked = pick("tokens 2", traced, selection=before, picked=picked, with_picked=True)
    assert selection == Selection("bpe", 2) and picked is None and "“▁capital”" in shown["emb_note"]


def test_a_pick_the_text_has_come_to_hold_is_not_called_missing_from_it(traced):
    """Review: the pick's line compared its id with the selection's, so once the Tokens text held the picked token
    the page still said it was not in the text. 957 ("▁un") picked, then a text with "united" in the Tokens tab."""
    tokens, windows, embeddings = traced
    _, _, picked = pick("vocab 957", traced, selection=Selection("bpe", 4), with_picked=True)
    united = tokens_tab.tokenize_traced({}, None, text="the united states", tokenizer="bpe", add_special_tokens=True,
                                        split_special=False)[-1]
    assert 957 in united.local.ids
    again = dict(zip(NAMES, sel.marks_again(Selection("bpe", 1), united, windows, embeddings, None, None, picked)))
    assert again["emb_note"].startswith("Selected “▁un”: 2 points of these sentences")


def test_a_pick_of_an_id_beyond_the_vocabulary_is_refused_not_kept(traced):
    """Review: "vocab N" was kept whatever N, then marked after every view. The BPE has 1,024 ids: 1024 is none."""
    before = Selection("bpe", 4)
    selection, shown, picked = pick("vocab 1024", traced, selection=before, with_picked=True)
    assert selection == before and picked is None
    assert pick("vocab 1023", traced, selection=before, with_picked=True)[2] is not None  # the last id is one
