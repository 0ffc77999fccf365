"""Hostile tokenizer.json uploads: each ends within seconds with a clear error, and the next works.

The limits are the README's ("Limits and hostile input") and docs/security.md's ("Tokenizer inputs"),
written here as numbers: 50 MB per file, 4 GiB of address space for the worker, 20 s to load and
5 s per call. None is read from `minilm.tokens.sandbox`, so raising one there fails here.
"""

import base64
import json
import os
import select
import time
from pathlib import Path

import pytest

import minilm.tokens.sandbox as sandbox
from minilm.assets import ASSETS
from minilm import get_tokenizer
from minilm.tokens.sandbox import load_untrusted_tokenizer
from minilm.tokens.tokenizer import Tokenizer

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
    assert time.monotonic() - start < 10  # well under the 5 s call limit plus a worker restart
    assert load_untrusted_tokenizer(GOOD).encode("paris") == get_tokenizer("bpe").encode("paris")


def test_overrunning_call_is_killed_and_worker_restarts(monkeypatch):
    handle = load_untrusted_tokenizer(GOOD, name="slow.json")
    monkeypatch.setattr(sandbox, "CALL_TIMEOUT_S", 0.0)  # nothing answers in zero seconds
    with pytest.raises(ValueError, match="took longer than"):
        handle.encode("paris " * 5000)
    monkeypatch.undo()
    # the worker was killed; the handle still works because the JSON is sent again
    assert handle.encode("paris") == get_tokenizer("bpe").encode("paris")


MIB = 1024 * 1024


def _padded(size: int) -> bytes:
    """The shipped tokenizer.json padded with trailing spaces to `size` bytes: still a valid tokenizer."""
    return GOOD + b" " * (size - len(GOOD))


def test_size_cap_is_50_mb():
    """A 51 MB tokenizer.json is refused before it is parsed, whatever it holds; a small one loads."""
    start = time.monotonic()
    with pytest.raises(ValueError, match="big.json is 51 MB; the limit is 50 MB"):
        load_untrusted_tokenizer(_padded(51 * MIB), name="big.json")
    assert time.monotonic() - start < 2
    assert len(load_untrusted_tokenizer(_padded(len(GOOD) + 10), name="small.json")) == 1024


def _sandbox_workers() -> list[int]:
    """This process's children running `python -m minilm.tokens.sandbox`, as /proc shows them."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            stat, cmdline = (entry / "stat").read_text(), (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name in (...) may hold spaces
        if ppid == os.getpid() and b"minilm.tokens.sandbox" in cmdline:
            pids.append(int(entry.name))
    return pids


def test_worker_address_space_is_capped_at_4_gib():
    """The worker's RLIMIT_AS, as the kernel enforces it: 4 GiB soft and hard, so a tokenizer that
    allocates without end fails in the worker (MemoryError, a message) instead of swapping the Space."""
    load_untrusted_tokenizer(GOOD).encode("paris")  # the worker is up
    (pid,) = _sandbox_workers()
    assert pid != os.getpid()
    line = next(l for l in Path(f"/proc/{pid}/limits").read_text().splitlines() if l.startswith("Max address space"))
    soft, hard, unit = line.split()[-3:]
    assert (soft, hard, unit) == ("4294967296", "4294967296", "bytes")  # 4 GiB


def test_load_is_given_20_s_and_each_call_5_s(monkeypatch):
    """How long the parent waits for the worker's answer: 20 s for a load, 5 s for a call (the load's
    probe analysis is a call). A real 20 s wait is too slow to test; the 5 s one is tested for real below."""
    waits = []

    def timed_select(readers, writers, errors, timeout=None, _select=select.select):
        waits.append(timeout)
        return _select(readers, writers, errors, timeout)

    monkeypatch.setattr(select, "select", timed_select)
    handle = load_untrusted_tokenizer(_padded(len(GOOD) + 1), name="timed.json")
    assert waits[-2:] == [20, 5]  # load, then the probe
    handle.encode("paris")
    assert waits[-1] == 5


def test_redos_call_is_stopped_after_5_s_and_the_next_call_works():
    """`(a+)+b` backtracks 2^n steps on a run of n 'a's; at 24 Oniguruma's retry limit turns that into
    a quick panic, so the slow case is many runs of 23 (~0.1-0.3 s each, ~10-30 s in all). It is
    stopped at 5 s with a message naming the file and the limit; the handle then works again."""
    data = _with(pre_tokenizer=_split("(a+)+b"))
    handle = load_untrusted_tokenizer(data, name="redos.json")
    workers = _sandbox_workers()
    start = time.monotonic()
    with pytest.raises(ValueError, match=r"redos\.json took longer than 5 s to encode and was stopped"):
        handle.encode(("a" * 23 + " ") * 100)
    elapsed = time.monotonic() - start
    # Stopped, not waited out: the worker that ran it is gone (checked without a clock, so a loaded
    # machine cannot fail it); 60 s only catches a hang (measured: 5.0 s).
    assert workers and not set(workers) & set(_sandbox_workers())
    assert 4.5 < elapsed < 60, elapsed
    start = time.monotonic()
    assert handle.encode("a b paris") == Tokenizer.from_str(data.decode()).encode("a b paris")
    assert time.monotonic() - start < 5  # a new worker, the JSON sent again


def test_cli_runs_a_tokenizer_path_in_the_worker(tmp_path, capsys):
    """`python -m minilm tokenize --tokenizer some/tokenizer.json` is the sandbox's route too: a
    tokenizer that panics in Rust on a long run of 'a' (`(a+)+$`) ends as an error line and status 2,
    not as a PanicException (a BaseException) out of this process."""
    from minilm.cli import main

    evil = tmp_path / "panics.json"
    evil.write_bytes(_with(pre_tokenizer=_split("(a+)+$")))
    src = tmp_path / "long.txt"
    src.write_text("a" * 5_000 + "!\n", encoding="utf-8")
    out = tmp_path / "token_ids.txt"
    assert main(["tokenize", str(src), "-o", str(out), "--tokenizer", str(evil)]) == 2
    assert "error: panics.json: PanicException" in capsys.readouterr().err
    assert not out.exists()
    src.write_text("the capital of france is paris\n", encoding="utf-8")
    assert main(["tokenize", str(src), "-o", str(out), "--tokenizer", str(evil)]) == 0
    in_process = Tokenizer.from_str(evil.read_text())  # safe on this text: the reference ids
    assert out.read_text().split() == [str(i) for i in in_process.encode("the capital of france is paris\n")]
