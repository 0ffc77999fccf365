"""Shareable links: what is on screen as URL query parameters, and back.

    >>> parse_state({"tab": "windows", "context_length": "8", "stride": "nan"})
    ({'tab': 'windows', 'context_length': 8}, ['stride: not a whole number from 1 to 256'])

Unknown or bad values are dropped with a note, never applied: a link is user input.
Not here: reading the URL or copying it (the page does that).
"""

from __future__ import annotations

from urllib.parse import urlencode

TABS = ("tokens", "windows", "embeddings", "train")
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


FIELDS = {
    "tab": _choice(*TABS),
    "text": _text,
    "tokenizer": _choice("bpe", "word"),
    "context_length": _whole(1, 256),
    "stride": _whole(1, 256),
    "windows_tokenizer": _choice("bpe", "word", "gemma"),
    "source": _choice("hand", "random", "gemma"),
    "dims": _dims,
    "dim": _whole(2, 64),
    "view": _choice("compact", "full"),
}


def parse_state(params: dict) -> tuple[dict, list[str]]:
    """Validated values for the known query parameters, and a note for each one refused."""
    state, notes = {}, []
    for key, value in params.items():
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
