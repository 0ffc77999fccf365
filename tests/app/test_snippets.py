""""Show the code" on every tab: the code a tab shows runs as shown, from the repository root in a fresh
`python`, offline, and prints the numbers the app's own handlers and API give for the same settings.

The code is taken from the tab's handler as gradio calls it (sliders as floats, the hand-made table as a
DataFrame); the expected numbers come from the tab's other handlers and public API (`windows`, `embed`,
`train`, `tokenize`, the pairs download), never from the snippet modules.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from minilm.embeddings.settings import HAND_MADE

ROOT = Path(__file__).resolve().parents[2]


def run_code(code: str) -> list[str]:
    """Run `code` as a learner would paste it into a fresh `python` at the repository root; its printed lines.

    Plotly's `show()` prints its figure as JSON here instead of opening a browser (those lines start with "{")."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PLOTLY_RENDERER": "json"}
    done = subprocess.run([sys.executable, "-"], input=code, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{code}\n---\n{done.stderr}"
    return [line for line in done.stdout.splitlines() if not line.startswith("{")]


def printed(lines: list[str], *words: str):
    """The value printed after `words` ("A points [[...]]" -> [[...]]), read as a Python literal."""
    prefix = " ".join(words) + " "
    [line] = [line for line in lines if line.startswith(prefix)]
    return ast.literal_eval(line[len(prefix):])


# ---- Windows ------------------------------------------------------------------------------------------

WINDOWS = dict(source="corpus", text="", path=None, tokenizer="bpe", context_length=12.0, stride=12.0, batch_size=1.0,
               keep_tail=False)


@pytest.mark.parametrize("settings", [dict(context_length=8.0, stride=4.0, batch_size=4.0), dict(tokenizer="word", stride=20.0)],
                         ids=["bpe-overlap", "word-gaps"])
def test_windows_code_prints_the_counts_and_pairs_of_the_pairs_download(settings):
    """The corpus cut as the tab cuts it: the download's pairs.jsonl and token_ids.txt are the reference."""
    from minilm.ui.windows import download_pairs, windows_code_view

    fields = {**WINDOWS, **settings}
    lines = run_code(windows_code_view(**fields))
    pairs_path, ids_path, _ = download_pairs(fmt="jsonl", **fields)
    pairs = [json.loads(line) for line in Path(pairs_path).read_text().splitlines()]
    n_ids = len(Path(ids_path).read_text().split())
    counts = lines[0].split()
    assert counts[:4] == ["tokens", str(n_ids), "windows", str(len(pairs))], lines[0]
    assert counts[5] == str(-(-len(pairs) // int(fields["batch_size"])))  # batches
    assert lines[1:] == [f"window {p['window']}: x={p['x']} y={p['y']}" for p in pairs[:3]]


def test_windows_code_of_the_tokens_tabs_text_prints_what_the_windows_api_returns():
    from minilm.ui.windows import windows, windows_code_view

    text = "the capital of france is paris. the capital of germany is berlin. ankara, türkiye’nin başkenti"
    lines = run_code(windows_code_view(**{**WINDOWS, "source": "text", "text": text, "context_length": 6.0, "stride": 3.0}))
    api = windows(text=text, context_length=6, stride=3)
    assert lines[0].split() == ["tokens", str(api["n_tokens"]), "windows", str(api["n_windows"]), "batches",
                                str(api["n_batches"]), "skipped", str(api["n_skipped"]), "overlap", str(api["overlap"])]
    assert lines[1:] == [f"window {k}: x={x} y={y}" for k, (x, y) in enumerate(zip(api["x"][:3], api["y"][:3]))]


# ---- Embeddings ---------------------------------------------------------------------------------------

EMBEDDINGS = dict(vectors="random", text="the capital of france", text_b="the capital of germany", tokenizer="bpe",
                  table_tokenizer="bpe", embedding_dim=4, seed=0, dims="0, 1, 2", pca=False, positions=False, lines=False,
                  hand=pd.DataFrame([[w, *v] for w, v in HAND_MADE], columns=["word", "a", "b", "c", "d"]))


def check_embeddings(settings: dict) -> list[str]:
    """The printed points are the tab's scatter points, set by set, to the last bit."""
    from minilm.ui.embeddings import embeddings_code_view, embeddings_view

    fields = {**EMBEDDINGS, **settings}
    lines = run_code(embeddings_code_view(**fields))
    note, scatter, *_ = embeddings_view(**fields)
    assert not note.startswith("⚠️"), note
    names = [line.split(" points ")[0] for line in lines if " points " in line]
    assert len(names) == len(scatter.data)
    for name, trace in zip(names, scatter.data):
        assert printed(lines, name, "points") == [list(p) for p in zip(trace.x, trace.y, trace.z)], name
        assert printed(lines, name, "tokens") == [t for t in trace.text] or name == "hand-made table"
    return lines


def test_random_embedding_code_prints_the_embed_apis_vectors_and_the_tabs_points():
    from minilm.ui.embeddings import embed, embeddings_code_view

    lines = check_embeddings(dict(embedding_dim=8, seed=3, dims="5, 6, 7"))
    api = embed(text="the capital of france", vectors="random", dims="0, 1, 2")  # the API: a 4-d table, seed 0
    assert api["tokens"] == printed(lines, "A", "tokens")
    assert printed(lines, "A", "shape")[0] == len(api["ids"])
    same = run_code(embeddings_code_view(**EMBEDDINGS))
    assert printed(same, "A", "shape") == [len(api["ids"]), 4]
    assert printed(same, "A", "first") == api["vectors"][0]
    assert "same as nn.Embedding: True" in lines and "same as nn.Embedding: True" in same


def test_hand_made_code_prints_the_edited_table():
    """The learner's edits travel into the code: the edited value is the one plotted."""
    edited = EMBEDDINGS["hand"].copy()
    edited.loc[1, "b"] = 0.25
    lines = check_embeddings(dict(vectors="hand", hand=edited))
    assert printed(lines, "hand-made table", "points")[1] == [0.699999988079071, 0.25, 0.30000001192092896]


@pytest.mark.slow
def test_gemma_embedding_code_prints_the_embed_apis_vectors(ready_registry_gemma):
    from minilm.ui.embeddings import embed

    lines = check_embeddings(dict(vectors="gemma", dims="20, 21, 22"))
    api = embed(text="the capital of france", vectors="gemma", dims="20, 21, 22")
    assert printed(lines, "A", "shape") == [len(api["ids"]), len(api["vectors"][0])]
    assert printed(lines, "A", "first") == api["vectors"][0][:8]
    assert printed(lines, "A", "points") == api["points"]


# ---- Train --------------------------------------------------------------------------------------------

TRAIN = dict(source="corpus", text="", path=None, tokenizer="bpe", context_length=8.0, stride=8.0, batch_size=8.0,
             n_blocks=1.0, embedding_dim=16.0, steps=12.0, lr=0.003, seed=5, mistake=False)


@pytest.mark.parametrize("settings", [{}, dict(tokenizer="word", n_blocks=0.0, steps=3.0, mistake=True)],
                         ids=["bpe-12-steps", "word-a4-with-mistake"])
def test_train_code_prints_the_losses_the_train_api_streams(settings):
    """Every reported step's losses, the same seed, the same numbers as the API's run."""
    from minilm.ui.train import train_code_view
    from minilm.ui.train_api import train

    fields = {**TRAIN, **settings}
    lines = run_code(train_code_view(**fields))
    api_fields = {k: v for k, v in fields.items() if k != "path"}
    expected = [f"{e['run']} step {e['step']} train_loss {e['train_loss']} val_loss {e['val_loss']}" for e in train(**api_fields)]
    assert lines == expected
    assert len(lines) >= 3


# ---- Tokens -------------------------------------------------------------------------------------------

@pytest.fixture
def ready_registry_gemma(gemma):
    """The registry's Gemma (the bundled GGUF, converted once per machine), loaded in this process too."""
    from minilm.tokens.registry import GEMMA

    GEMMA.start()
    GEMMA.wait(timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("tokenizer, add_special_tokens", [("bpe", True), ("word", False)])
def test_tokens_code_prints_the_tokenize_apis_ids(ready_registry_gemma, tokenizer, add_special_tokens):
    from minilm.ui.tokens import tokenize, tokenize_view

    text = "the capital of france is paris. ankara, türkiye’nin başkenti 🙂"
    code = tokenize_view({}, text=text, tokenizer=tokenizer, add_special_tokens=add_special_tokens, split_special=False)[3]
    lines = run_code(code)
    api = tokenize(text=text, tokenizer=tokenizer, add_special_tokens=add_special_tokens)
    assert printed(lines, "local ids") == api["local"]["ids"]
    assert printed(lines, "gemma ids") == api["gemma"]["ids"]
