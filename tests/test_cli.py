"""`python -m minilm`: the seed's step 4 from a terminal, with clear errors and exit codes."""

import subprocess
import sys

import pytest

from minilm.assets import ASSETS, corpus_text, local_tokenizer
from minilm.token_ids import read_token_ids

ROOT = ASSETS.parent


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "minilm", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_tokenize_writes_token_ids(tmp_path):
    out = tmp_path / "token_ids.txt"
    done = run("tokenize", ASSETS / "text.txt", "-o", out)
    assert done.returncode == 0, done.stderr
    assert read_token_ids(out) == local_tokenizer("bpe").encode(corpus_text())
    assert f"{len(read_token_ids(out)):,} token ids" in done.stdout


def test_tokenize_with_uploaded_style_tokenizer(tmp_path):
    """A tokenizer.json path goes through the sandbox, like an upload in the app."""
    src = tmp_path / "t.txt"
    src.write_text("the capital of france is paris\n", encoding="utf-8")
    done = run("tokenize", src, "-o", tmp_path / "ids.txt", "--tokenizer", ASSETS / "tokenizer_word.json", "--no-bos")
    assert done.returncode == 0, done.stderr
    assert read_token_ids(tmp_path / "ids.txt") == local_tokenizer("word").encode("the capital of france is paris", add_special_tokens=False)


@pytest.mark.parametrize(
    "content, message",
    [("çay".encode("latin-1"), "not UTF-8"), (b"", "empty")],
    ids=["latin-1", "empty"],
)
def test_bad_text_exits_2(tmp_path, content, message):
    src = tmp_path / "bad.txt"
    src.write_bytes(content)
    done = run("tokenize", src, "-o", tmp_path / "ids.txt")
    assert done.returncode == 2 and message in done.stderr
    assert not (tmp_path / "ids.txt").exists()


def test_missing_file_and_bad_tokenizer(tmp_path):
    assert run("tokenize", tmp_path / "nope.txt").returncode == 2
    bad = tmp_path / "tok.json"
    bad.write_text("{}")
    done = run("tokenize", ASSETS / "text.txt", "--tokenizer", bad, "-o", tmp_path / "x.txt")
    assert done.returncode == 2 and "not a tokenizer.json" in done.stderr


def test_help():
    done = run("tokenize", "--help")
    assert done.returncode == 0 and "token_ids.txt" in done.stdout
    assert run().returncode == 2  # a subcommand is required
