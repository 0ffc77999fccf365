"""Shareable links: what is on screen as URL query parameters, and back.

    >>> parse_state({"tab": "windows", "context_length": "8", "stride": "nan"})
    ({'tab': 'windows', 'context_length': 8}, ['stride: not a whole number from 1 to 256'])

Unknown or bad values are dropped with a note, never applied: a link is user input.
Not here: reading the URL or copying it (the page does that).
"""

from __future__ import annotations

from urllib.parse import urlencode

from minilm.embeddings.settings import MAX_EMBEDDING_DIM, VECTORS
from minilm.tokens.registry import tokenizer_names

TABS = ("tokens", "windows", "embeddings", "train")
MAX_SLIDER = 256  # what the sliders a link sets can show
MAX_LINK_TEXT = 2_000  # characters of text a link carries; URLs much longer than ~8 kB get cut by servers


def _choice(*options):
    def check(value: str):
        if value not in options:
            raise ValueError(f"one of {', '.join(options)}")
        return value

    return check


def _whole(low: int, high: int):
    def check(value: str):
        if not value.isdigit() or not low <= int(value) <= high:
            raise ValueError(f"not a whole number from {low} to {high}")
        return int(value)

    return check


def _text(value: str):
    if not value.strip():
        raise ValueError("empty")
    return value[:MAX_LINK_TEXT]


def _dims(value: str):
    parts = value.replace(",", " ").split()
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError("three whole numbers like 20,21,22")
    return ", ".join(parts)


def _tokenizer(*, local_only: bool):
    def check(value: str):  # read at check time: tokenizers registered after import count
        return _choice(*tokenizer_names(local_only=local_only))(value)

    return check


FIELDS = {
    "tab": _choice(*TABS),
    "text": _text,
    "tokenizer": _tokenizer(local_only=True),
    "context_length": _whole(1, MAX_SLIDER),
    "stride": _whole(1, MAX_SLIDER),
    "windows_tokenizer": _tokenizer(local_only=False),
    "vectors": _choice(*VECTORS),
    "dims": _dims,
    "embedding_dim": _whole(2, MAX_EMBEDDING_DIM),
    "view": _choice("compact", "full"),
}
RENAMED = {"source": "vectors", "dim": "embedding_dim"}  # links made before the names were settled


def parse_state(params: dict) -> tuple[dict, list[str]]:
    """Validated values for the known query parameters, and a note for each one refused."""
    state, notes = {}, []
    for key, value in params.items():
        key = RENAMED.get(key, key)
        if key not in FIELDS:
            continue
        try:
            state[key] = FIELDS[key](str(value))
        except ValueError as err:
            notes.append(f"{key}: {err}")
    return state, notes


def state_url(base: str, state: dict) -> str:
    """The link for `state` (values as the page shows them), keeping only known, set fields.

    >>> state_url("http://localhost:7860/", {"tab": "windows", "stride": 4, "x": 1})
    'http://localhost:7860/?tab=windows&stride=4'
    """
    known = {k: (v[:MAX_LINK_TEXT] if isinstance(v, str) else v) for k, v in state.items() if k in FIELDS and v not in (None, "")}
    return f"{base.split('?')[0]}?{urlencode(known)}"
