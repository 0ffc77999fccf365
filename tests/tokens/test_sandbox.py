"""Hostile tokenizer.json uploads: each ends within seconds with a clear error, and the next works."""

import base64
import json
import time

import pytest

import minilm.tokens.sandbox as sandbox
from minilm.assets import ASSETS
from minilm import get_tokenizer
from minilm.tokens.sandbox import load_untrusted_tokenizer

GOOD = (ASSETS / "tokenizer.json").read_bytes()


def _with(**sections) -> bytes:
    config = json.loads(GOOD)
    config.update(sections)
    return json.dumps(config).encode()


def _split(regex: str) -> dict:
    return {"type": "Split", "pattern": {"Regex": regex}, "behavior": "Isolated", "invert": False}


def test_good_upload_matches_in_process():
    handle = load_untrusted_tokenizer(GOOD, name="tokenizer.json")
    text = "the capital of france is paris 🦊"
    assert handle.encode(text) == get_tokenizer("bpe").encode(text)
    assert handle.analyze(text) == get_tokenizer("bpe").analyze(text)
    assert len(handle) == 1024


@pytest.mark.parametrize(
    "data, message",
    [
        (b'{"model": ', "not valid JSON"),
        (b"{}", "not a tokenizer.json"),
        (b"[1, 2]", "not a tokenizer.json"),
        ("{\"caf\xe9\": 1}".encode("latin-1"), "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),  # nesting deep enough to overflow a parser
        (_with(model={"type": "BPE", "vocab": {"a": 0}, "merges": [], "unk_token": "<nope>"}), "tokenizer.json"),
        (_with(normalizer={"type": "Precompiled", "precompiled_charsmap": base64.b64encode(b"junk" * 10).decode()}),
         "tokenizer.json"),  # a corrupt normalizer panics in Rust on load
    ],
    ids=["truncated", "empty-object", "list", "latin-1", "deep-nesting", "missing-unk", "corrupt-normalizer"],
)
def test_broken_uploads_fail_clearly(data, message):
    start = time.monotonic()
    with pytest.raises(ValueError, match=message):
        handle = load_untrusted_tokenizer(data, name="tokenizer.json")
        handle.encode("some text to encode, with a word it lacks: zzz")
    assert time.monotonic() - start < 30
    assert load_untrusted_tokenizer(GOOD).encode("paris") == get_tokenizer("bpe").encode("paris")


@pytest.mark.parametrize("regex", ["(a+)+$", "(a+)+b", "(a|aa)+c"], ids=["panic", "redos", "redos-alt"])
def test_catastrophic_regex_is_contained(regex):
    """Panics are BaseExceptions in the parent; here they come back as ValueError from the worker."""
    handle = load_untrusted_tokenizer(_with(pre_tokenizer=_split(regex)), name="evil.json")
    start = time.monotonic()
    with pytest.raises(ValueError, match="evil.json"):
        handle.encode("a" * 20_000 + "!")
    assert time.monotonic() - start < sandbox.CALL_TIMEOUT_S + 5
    assert load_untrusted_tokenizer(GOOD).encode("paris") == get_tokenizer("bpe").encode("paris")


def test_overrunning_call_is_killed_and_worker_restarts(monkeypatch):
    handle = load_untrusted_tokenizer(GOOD, name="slow.json")
    monkeypatch.setattr(sandbox, "CALL_TIMEOUT_S", 0.0)  # nothing answers in zero seconds
    with pytest.raises(ValueError, match="took longer than"):
        handle.encode("paris " * 5000)
    monkeypatch.undo()
    # the worker was killed; the handle still works because the JSON is sent again
    assert handle.encode("paris") == get_tokenizer("bpe").encode("paris")


def test_size_cap():
    with pytest.raises(ValueError, match="limit"):
        load_untrusted_tokenizer(b" " * (sandbox.MAX_TOKENIZER_BYTES + 1))
