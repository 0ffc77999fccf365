"""`python -m minilm`: the seed's step 4 from a terminal, with clear errors and exit codes."""

import re
import subprocess
import sys

import pytest

from minilm.assets import ASSETS, corpus_text
from minilm import get_tokenizer
from minilm.tokens.files import read_token_ids

ROOT = ASSETS.parent


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "minilm", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_tokenize_writes_token_ids(tmp_path):
    out = tmp_path / "token_ids.txt"
    done = run("tokenize", ASSETS / "text.txt", "-o", out)
    assert done.returncode == 0, done.stderr
    assert read_token_ids(out) == get_tokenizer("bpe").encode(corpus_text())
    assert f"{len(read_token_ids(out)):,} token ids" in done.stdout


def test_tokenize_with_uploaded_style_tokenizer(tmp_path):
    """A tokenizer.json path goes through the sandbox, like an upload in the app."""
    src = tmp_path / "t.txt"
    src.write_text("the capital of france is paris\n", encoding="utf-8")
    done = run("tokenize", src, "-o", tmp_path / "ids.txt", "--tokenizer", ASSETS / "tokenizer_word.json", "--no-bos")
    assert done.returncode == 0, done.stderr
    assert read_token_ids(tmp_path / "ids.txt") == get_tokenizer("word").encode("the capital of france is paris", add_special_tokens=False)


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


def test_windows_subcommand(tmp_path):
    """Seed step 5 from a terminal: the pairs written equal the DataLoader's."""
    import json

    from minilm.windows.loader import create_data_loader

    ids_path = tmp_path / "token_ids.txt"
    assert run("tokenize", ASSETS / "text.txt", "-o", ids_path).returncode == 0
    done = run("windows", ids_path, "--context-length", "6", "--stride", "4", "--jsonl", tmp_path / "pairs.jsonl")
    assert done.returncode == 0, done.stderr
    pairs = [json.loads(line) for line in (tmp_path / "pairs.jsonl").read_text().splitlines()]
    expected = [(x.tolist(), y.tolist()) for bx, by in create_data_loader(read_token_ids(ids_path), 6, 4, batch_size=256)
                for x, y in zip(bx, by)]
    assert [(p["x"], p["y"]) for p in pairs] == expected
    printed = run("windows", ids_path, "--limit", "2")
    assert printed.stdout.count("window ") == 2 and "windows (context_length 12, stride 12)" in printed.stderr
    bad = run("windows", ids_path, "--stride", "0")
    assert bad.returncode == 2 and "stride must be at least 1" in bad.stderr


def test_embed_subcommand(tmp_path):
    import json

    done = run("embed", "the capital of france", "--source", "random", "--dim", "8", "-o", tmp_path / "v.json")
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "v.json").read_text())
    assert record["ids"] == get_tokenizer("bpe").encode("the capital of france", add_special_tokens=False)
    assert len(record["vectors"]) == len(record["ids"]) and len(record["vectors"][0]) == 8


def test_progress_on_long_inputs(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(corpus_text() * 70, encoding="utf-8")  # ~5 M characters: two ~4 MB groups
    done = run("tokenize", big, "-o", tmp_path / "ids.txt")
    assert done.returncode == 0, done.stderr
    shares = [float(share) for share in re.findall(r"([\d.]+)% of", done.stderr)]
    assert len(shares) >= 2 and shares == sorted(shares) and shares[-1] == 100.0
    assert read_token_ids(tmp_path / "ids.txt") == get_tokenizer("bpe").encode_long(corpus_text() * 70)
