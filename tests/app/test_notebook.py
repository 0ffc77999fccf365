"""The notebook a learner takes home: run by nbclient in a fresh kernel, offline, it prints what the app shows
for the same link; the CLI and the page's button give the same notebook for the same view.

Expected numbers come from the app's own handlers and API for the settings each link names (written out
here by hand, as the page would hold them), never from `minilm.notebook`.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from minilm.lang import EMBEDDINGS_A, EMBEDDINGS_B

ROOT = Path(__file__).resolve().parents[2]
KEYS = ["text", "tokenizer", "context_length", "stride", "windows_tokenizer", "vectors", "dims", "embedding_dim", "steps"]
PAGE = dict(text="the capital of france is paris", tokenizer="bpe", context_length=12, stride=12, windows_tokenizer="bpe",
            vectors="random", dims="0, 1, 2", embedding_dim=4, steps=600)  # the page's values before a link changes them

# One link per chapter (its tab), one in Turkish; each with a short training run.
LINKS = {
    "tokens-tr": ("?tab=tokens&text=ankara+t%C3%BCrkiye%E2%80%99nin+ba%C5%9Fkenti+%F0%9F%99%82&tokenizer=word&lang=tr&steps=3",
                  dict(tab="tokens", lang="tr", text="ankara türkiye’nin başkenti 🙂", tokenizer="word", steps=3)),
    "windows": ("http://127.0.0.1:7860/?tab=windows&context_length=8&stride=4&windows_tokenizer=word&steps=4",
                dict(tab="windows", lang="en", context_length=8, stride=4, windows_tokenizer="word", steps=4)),
    "embeddings": ("tab=embeddings&vectors=gemma&dims=5,6,7&embedding_dim=8&steps=2",
                   dict(tab="embeddings", lang="en", vectors="gemma", dims="5, 6, 7", embedding_dim=8, steps=2)),
    "train-tr": ("?tab=train&context_length=16&stride=8&windows_tokenizer=gemma&steps=12&lang=tr",
                 dict(tab="train", lang="tr", context_length=16, stride=8, windows_tokenizer="gemma", steps=12)),
}


def executed(link: str, folder: Path, monkeypatch):
    """The link's notebook run top to bottom by nbclient in a fresh `python3` kernel (this venv's ipykernel),
    offline, in an empty folder: this checkout's minilm on its path, as `pip install -e .` puts it."""
    import nbclient

    from minilm.notebook import notebook_from_link

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = notebook_from_link(link)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def printed(nb, cell_id: str) -> list[str]:
    [cell] = [c for c in nb.cells if c.get("id") == cell_id]
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout").splitlines()


def value(lines: list[str], *words: str):
    prefix = " ".join(words) + " "
    [line] = [line for line in lines if line.startswith(prefix)]
    return ast.literal_eval(line[len(prefix):])


@pytest.fixture(scope="module")
def registry_gemma(gemma):
    """The registry's Gemma loaded in this process, as the launched app has it (the API answers with it)."""
    from minilm.tokens.registry import GEMMA

    GEMMA.start()
    GEMMA.wait(timeout=600)


def check_tokens(nb, page: dict) -> None:
    from minilm.ui.tokens import tokenize

    api = tokenize(text=page["text"], tokenizer=page["tokenizer"])
    lines = printed(nb, "tokens-code")
    assert value(lines, "local ids") == api["local"]["ids"]
    assert value(lines, "gemma ids") == api["gemma"]["ids"]
    first = tokenize(text="the capital of france is paris", tokenizer=page["tokenizer"])["local"]["ids"]
    assert printed(nb, "next-token-code")[-1].startswith(f"context {first[:-1]} -> next {first[-1]} ")


def check_windows(nb, page: dict, folder: Path) -> None:
    """token_ids.txt and the pairs: the Windows tab's download of the corpus with the same settings."""
    import json

    from minilm.ui.windows import download_pairs

    pairs_path, ids_path, _ = download_pairs(fmt="jsonl", source="corpus", text="", path=None, tokenizer=page["windows_tokenizer"],
                                             context_length=float(page["context_length"]), stride=float(page["stride"]),
                                             batch_size=1.0, keep_tail=False)
    assert (folder / "token_ids.txt").read_bytes() == Path(ids_path).read_bytes()
    pairs = [json.loads(line) for line in Path(pairs_path).read_text().splitlines()]
    lines = printed(nb, "windows-code")
    assert lines[0].split()[:4] == ["tokens", str(len(Path(ids_path).read_text().split())), "windows", str(len(pairs))]
    assert lines[1:] == [f"window {p['window']}: x={p['x']} y={p['y']}" for p in pairs[:3]]


def check_embeddings(nb, page: dict) -> None:
    """Each kind of vectors as the tab draws it once chosen: the link's dims for the chosen kind, else the tab's default."""
    import pandas as pd

    from minilm.embeddings.settings import HAND_MADE
    from minilm.ui.embeddings import embeddings_view

    defaults = {"hand": "0, 1, 2", "random": "0, 1, 2", "gemma": "20, 21, 22"}
    hand = pd.DataFrame([[w, *v] for w, v in HAND_MADE], columns=["word", "a", "b", "c", "d"])
    for kind, dims in defaults.items():
        dims = page["dims"] if kind == page["vectors"] else dims
        note, scatter, *_ = embeddings_view(vectors=kind, text=EMBEDDINGS_A, text_b=EMBEDDINGS_B, tokenizer="bpe",
                                            table_tokenizer="bpe", embedding_dim=float(page["embedding_dim"]), seed=0, dims=dims,
                                            pca=False, positions=False, lines=False, hand=hand)
        assert not note.startswith("⚠️"), note
        lines = [line for line in printed(nb, f"{kind}-code") if " points " in line]
        assert [ast.literal_eval(line.split(" points ")[1]) for line in lines] == [
            [list(p) for p in zip(t.x, t.y, t.z)] for t in scatter.data], kind


def check_train(nb, page: dict) -> None:
    """The Train tab's run: the Windows tab's settings, its local tokenizer (Gemma's is not followed), the link's steps."""
    from minilm.ui.train_api import train

    tokenizer = page["windows_tokenizer"] if page["windows_tokenizer"] != "gemma" else "bpe"
    events = train(source="corpus", tokenizer=tokenizer, context_length=page["context_length"], stride=page["stride"],
                   steps=page["steps"])
    assert printed(nb, "train-code") == [f"{e['run']} step {e['step']} train_loss {e['train_loss']} val_loss {e['val_loss']}"
                                         for e in events]


@pytest.mark.slow  # Gemma (its tokenizer and table in the kernel); about 15 s a link once it is cached
@pytest.mark.parametrize("name", list(LINKS))
def test_the_links_notebook_runs_offline_and_prints_what_the_app_shows(name, registry_gemma, tmp_path, monkeypatch):
    link, named = LINKS[name]
    page = {**PAGE, **named}
    nb = executed(link, tmp_path, monkeypatch)
    words = {"en": "## 4. Context windows: (x, y) pairs", "tr": "## 4. Eğitim verisi pencereleri: (x, y) çiftleri"}[page["lang"]]
    assert any(c.cell_type == "markdown" and c.source.startswith(words) for c in nb.cells)
    check_tokens(nb, page)
    check_windows(nb, page, tmp_path)
    check_embeddings(nb, page)
    check_train(nb, page)


def test_the_page_and_the_cli_give_the_same_notebook(tmp_path):
    """The page's button (sliders as floats, as gradio sends them) and the CLI on the link that view copies."""
    import nbformat

    from minilm.ui.page import notebook_file

    values = {**PAGE, "text": "é <b>x</b> & y", "context_length": 8.0, "stride": 4.0, "embedding_dim": 8.0, "steps": 5.0,
              "vectors": "hand"}
    path, note = notebook_file("windows", "tr", KEYS, [values[k] for k in KEYS])
    assert note == "" and Path(path).name == "minilm_ders.ipynb"
    link = ("http://127.0.0.1:7860/?tab=windows&text=%C3%A9+%3Cb%3Ex%3C%2Fb%3E+%26+y&tokenizer=bpe&context_length=8&stride=4"
            "&windows_tokenizer=bpe&vectors=hand&dims=0%2C+1%2C+2&embedding_dim=8&steps=5&lang=tr&view=compact")
    out = tmp_path / "lesson.ipynb"
    done = subprocess.run([sys.executable, "-m", "minilm", "notebook", link, "-o", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    page, cli = nbformat.read(path, as_version=4), nbformat.read(str(out), as_version=4)
    nbformat.validate(cli)
    assert [(c.cell_type, c.id, c.source) for c in page.cells] == [(c.cell_type, c.id, c.source) for c in cli.cells]
    assert page.metadata == cli.metadata and Path(path).read_bytes() == out.read_bytes()
    assert "steps=5" in cli.cells[-2].source and "context_length=8, stride=4" in cli.cells[-2].source


def test_markdown_speaks_the_links_language_and_never_carries_what_a_visitor_typed():
    from minilm.notebook import notebook_from_link

    typed = "<img src=x onerror=alert(1)> **bold** [a](javascript:x)"
    for lang, words in (("en", "## 1. The next token"), ("tr", "## 1. Bir sonraki token")):
        nb = notebook_from_link(f"?tab=tokens&lang={lang}&text={typed.replace('&', '%26')}")
        markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
        assert len(markdown) == 10 and any(m.startswith(words) for m in markdown)
        assert not any("img" in m or "bold" in m or "javascript" in m for m in markdown)
        assert f"text = {typed!r}" in next(c.source for c in nb.cells if c.get("id") == "tokens-code")
    english, turkish = (notebook_from_link(f"?lang={lang}") for lang in ("en", "tr"))
    pairs = [(e.source, t.source) for e, t in zip(english.cells, turkish.cells) if e.cell_type == "markdown"]
    assert len(pairs) == 10 and all(e != t for e, t in pairs)  # every Markdown cell is worded again, none left English
    assert [e.source for e in english.cells if e.cell_type == "code"] == [t.source for t in turkish.cells if t.cell_type == "code"]


@pytest.mark.parametrize("link, message", [("?stride=0", "stride: not a whole number from 1 to 256"),
                                            ("tab=nope", "tab: not one of tokens, windows, embeddings, train"),
                                            ("?vectors=random&dims=10,11,12&embedding_dim=4", "so [10, 11, 12] cannot be plotted")])
def test_a_bad_link_is_one_line_and_status_2(link, message, tmp_path):
    out = tmp_path / "lesson.ipynb"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "minilm", "notebook", link, "-o", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 2 and done.stdout == "" and not out.exists()
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1 and message in done.stderr, done.stderr


def test_the_pages_notebook_leaves_out_a_visitors_own_tokenizer_and_says_so():
    """No link can name an uploaded tokenizer: the notebook uses the page's default and the note names the value."""
    import nbformat

    from minilm.ui.page import notebook_file

    values = {**PAGE, "tokenizer": "upload", "stride": 6.0}
    path, note = notebook_file("tokens", "en", KEYS, [values[k] for k in KEYS])
    assert "tokenizer" in note and "bpe, word" in note
    cells = {c.id: c.source for c in nbformat.read(path, as_version=4).cells}
    assert 'local = get_tokenizer("bpe")' in cells["tokens-code"] and "stride=6" in cells["windows-code"]
