"""Shareable links: what is on screen as URL query parameters, and back.

    >>> parse_state({"tab": "windows", "context_length": "8", "stride": "nan"})
    ({'tab': 'windows', 'context_length': 8}, ['stride: not a whole number from 1 to 256'])
    >>> parse_state({"stride": "nan", "lang": "tr"}, lang="tr")
    ({'lang': 'tr'}, ['stride: 1 ile 256 arasında bir tam sayı değil'])
    >>> parse_state({"select": "5"}), parse_state({"select": "-1"})[1]
    (({'select': 5}, []), ['select: not a whole number from 0 to 100000'])

Unknown or bad values are dropped with a note, never applied: a link is user input.
Not here: reading the URL or copying it (the page does that).
"""

from __future__ import annotations

from urllib.parse import urlencode

from minilm.embeddings.settings import MAX_EMBEDDING_DIM, VECTORS
from minilm.lang import LANGUAGES, Problem
from minilm.lm.settings import MAX_STEPS
from minilm.tokens.registry import tokenizer_names

TABS = ("tokens", "windows", "embeddings", "train")
MAX_SLIDER = 256  # what the sliders a link sets can show
MAX_SELECT = 100_000  # a token position: more than a 20,000-character text can have, even byte by byte
MAX_LINK_TEXT = 2_000  # characters of text a link carries; URLs much longer than ~8 kB get cut by servers


def _choice(*options):
    def check(value: str):
        if value not in options:
            raise Problem("link_not_choice", options=", ".join(options))
        return value

    return check


def _whole(low: int, high: int):
    def check(value: str):
        if not value.isdecimal() or not low <= int(value) <= high:
            raise Problem("link_not_whole", low=low, high=high)
        return int(value)

    return check


def _text(value: str):
    if not value.strip():
        raise Problem("link_empty")
    return value[:MAX_LINK_TEXT]


def _dims(value: str):
    parts = value.replace(",", " ").split()
    if len(parts) != 3 or not all(p.isdecimal() for p in parts):
        raise Problem("link_not_dims")
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
    "steps": _whole(1, MAX_STEPS),  # the Train tab's: a notebook from a link trains as long
    "select": _whole(0, MAX_SELECT),  # the selected token: a position of the Tokens tab's local stream (issue 14)
    "view": _choice("compact", "full"),
    "lang": _choice(*LANGUAGES),
}
RENAMED = {"source": "vectors", "dim": "embedding_dim"}  # links made before the names were settled


def parse_state(params: dict, *, lang: str = "en") -> tuple[dict, list[str]]:
    """Validated values for the known query parameters, and a note (in `lang`) for each one refused."""
    state, notes = {}, []
    for key, value in params.items():
        key = RENAMED.get(key, key)
        if key not in FIELDS:
            continue
        try:
            state[key] = FIELDS[key](str(value))
        except Problem as err:
            notes.append(f"{key}: {err.words(lang)}")
    return state, notes


def state_url(base: str, state: dict) -> str:
    """The link for `state` (values as the page shows them), keeping only known, set fields.

    >>> state_url("http://localhost:7860/", {"tab": "windows", "stride": 4, "x": 1})
    'http://localhost:7860/?tab=windows&stride=4'
    """
    known = {k: (v[:MAX_LINK_TEXT] if isinstance(v, str) else v) for k, v in state.items() if k in FIELDS and v not in (None, "")}
    return f"{base.split('?')[0]}?{urlencode(known)}"
