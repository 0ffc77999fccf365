"""Tokenizers from strangers run in a child process, with a size cap, a memory cap and time limits.

A `tokenizer.json` is code-like input: a pre-tokenizer regex such as `(a+)+$` panics inside
tokenizers (a `BaseException` that `except Exception` misses), `(a+)+b` takes seconds per kilobyte,
and a corrupt normalizer panics on load. Rust code cannot be interrupted from Python, so every call
on an uploaded tokenizer goes to one worker process; a call that overruns its time limit kills the
worker, which is restarted on the next call. Not here: tokenizers minilm ships or trains itself,
which run in-process.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from minilm.lang import Problem
from minilm.tokens.tokenizer import Tokenization, Tokenizer

MAX_TOKENIZER_BYTES = 50 * 1024 * 1024  # Gemma's own tokenizer.json is 33 MB
LOAD_TIMEOUT_S = 20.0
CALL_TIMEOUT_S = 5.0
WORKER_MEMORY_BYTES = 4 * 1024**3
_PROBE = "Hello, world! 123 çğıöşü 👩‍👩‍👧\n\t"


class _Worker:
    """One child process that keeps a few tokenizers loaded, keyed by the sha256 of their JSON.

    It speaks length-prefixed pickles over its stdin and stdout; it is started with
    `python -m minilm.tokens.sandbox`, so nothing of the parent (gradio, torch) is imported into it.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    def call(self, handle: "UntrustedTokenizer", method: str, *args, timeout: float | None = None, **kwargs):
        timeout = CALL_TIMEOUT_S if timeout is None else timeout
        with self._lock:
            reply = self._ask((handle.sha256, method, args, kwargs), timeout, handle, method)
            if reply == ("missing",):  # a restarted worker has forgotten it: send the JSON again
                self._ask((handle.sha256, "load", (handle.json_text,), {}), LOAD_TIMEOUT_S, handle, "load")
                reply = self._ask((handle.sha256, method, args, kwargs), timeout, handle, method)
        status, value = reply
        if status == "error":
            raise Problem("sandbox_failed", name=handle.name, error=value)
        return value

    def _ask(self, message, timeout: float, handle, method: str):
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "minilm.tokens.sandbox"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=Path(__file__).resolve().parents[2],
                env={**os.environ, "RUST_BACKTRACE": "0", "TOKENIZERS_PARALLELISM": "false"},
            )
        try:
            _send(self._process.stdin, message)
            ready, _, _ = select.select([self._process.stdout], [], [], timeout)
            if not ready:
                self._kill()
                raise Problem("sandbox_timeout", name=handle.name, seconds=timeout, method=method)
            return _receive(self._process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            self._kill()
            raise Problem("sandbox_crashed", name=handle.name, method=method) from None

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(5)
        self._process = None


def _send(stream, message) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(body)) + body)
    stream.flush()


def _receive(stream):
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError
    (size,) = struct.unpack("<Q", header)
    return pickle.loads(stream.read(size))


_worker = _Worker()


@dataclass(frozen=True)
class UntrustedTokenizer:
    """A handle on an uploaded tokenizer: the same calls as `Tokenizer`, run in the worker."""

    json_text: str = field(repr=False)
    name: str
    sha256: str

    def analyze(self, text: str, **options) -> Tokenization:
        return _worker.call(self, "analyze", text, **options)

    def encode(self, text: str, **options) -> list[int]:
        return _worker.call(self, "encode", text, **options)

    def encode_long(self, text: str, *, progress=None, **options) -> list[int]:
        ids = _worker.call(self, "encode", text, timeout=60.0, **options)
        if progress:  # one call in the worker: nothing to report until it is done
            progress(len(text), len(text))
        return ids

    def tokenize(self, text: str, **options) -> list[str]:
        return _worker.call(self, "tokenize", text, **options)

    def decode(self, ids, **options) -> str:
        return _worker.call(self, "decode", list(ids), **options)

    def id_to_token(self, id_: int) -> str | None:
        return _worker.call(self, "id_to_token", int(id_))

    def __len__(self) -> int:
        return _worker.call(self, "__len__")


def load_untrusted_tokenizer(data: bytes, *, name: str = "uploaded tokenizer.json") -> UntrustedTokenizer:
    """Check an uploaded `tokenizer.json` and load it in the worker; a `Problem` says what is wrong."""
    if len(data) > MAX_TOKENIZER_BYTES:
        raise Problem("upload_too_big", name=name, mb=len(data) / 2**20, limit=MAX_TOKENIZER_BYTES // 2**20)
    try:
        text = data.decode("utf-8")
        config = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise Problem("upload_not_json", name=name, error=str(err)[:120]) from None
    if not isinstance(config, dict) or "model" not in config:
        raise Problem("upload_no_model", name=name)
    handle = UntrustedTokenizer(json_text=text, name=name, sha256=hashlib.sha256(data).hexdigest())
    _worker.call(handle, "load", text, timeout=LOAD_TIMEOUT_S)
    handle.analyze(_PROBE)  # a regex that panics on ordinary text fails here, not on first use
    return handle


def _serve(requests, replies) -> None:
    """The worker's loop: load tokenizers, answer calls, report every failure as a message."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))
    loaded: OrderedDict[str, Tokenizer] = OrderedDict()
    while True:
        try:
            sha, method, args, kwargs = _receive(requests)
        except EOFError:
            return
        try:
            if method == "load":
                loaded[sha] = Tokenizer.from_str(args[0])
                reply = ("ok", None)
            elif sha not in loaded:
                reply = ("missing",)
            else:
                loaded.move_to_end(sha)
                reply = ("ok", getattr(loaded[sha], method)(*args, **kwargs))
            while len(loaded) > 4:
                loaded.popitem(last=False)
        except BaseException as err:  # noqa: BLE001 - pyo3's PanicException is a BaseException
            reply = ("error", f"{type(err).__name__}: {str(err)[:300]}")
        _send(replies, reply)


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
