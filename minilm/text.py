"""Text that comes from people: repair what a tokenizer cannot take, refuse what it should not.

Everything a user can type or upload passes through here first, in the core, so the limits hold
for API callers as well as for the browser. Not here: tokenization itself.
"""

from __future__ import annotations

import codecs
import os

MAX_CHARS = 20_000  # what one interactive request may tokenize: ~7k chips per tokenizer at most
MAX_FILE_BYTES = 20 * 1024 * 1024  # a text file to turn into token_ids.txt
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def clean_text(text: object, *, max_chars: int = MAX_CHARS) -> tuple[str, list[str]]:
    """Return `text` ready for a tokenizer and notes on what was repaired.

    Raises ValueError for what cannot be repaired: not a string, empty, only whitespace, too long.

    >>> clean_text("a\\ud800b")
    ('a\\ufffdb', ['replaced 1 lone surrogate (not valid Unicode) with U+FFFD'])
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    if not text:
        raise ValueError("The text is empty: type something to tokenize.")
    if not text.strip():
        raise ValueError("The text is only whitespace: add a word so there is something to see.")
    if len(text) > max_chars:
        raise ValueError(
            f"The text has {len(text):,} characters; the limit here is {max_chars:,}. "
            "Use a text file for longer input."
        )
    notes = []
    # tokenizers raises TypeError on lone surrogates (they cannot be UTF-8 encoded).
    repaired = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if repaired != text:
        count = sum(a != b for a, b in zip(text, repaired))
        notes.append(f"replaced {count} lone surrogate{'s' * (count > 1)} (not valid Unicode) with U+FFFD")
    return repaired, notes


def decode_upload(data: bytes, *, name: str = "the file") -> str:
    """Decode an uploaded text: UTF-8 (with or without BOM) or UTF-16 with a BOM; nothing is guessed.

    >>> decode_upload("çay".encode("utf-16"))
    'çay'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        raise ValueError(f"{name} looks like a binary file, not text: upload a UTF-8 .txt file.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"{name} is not UTF-8 text (byte 0x{data[err.start]:02X} at position {err.start} is invalid; "
            "Latin-1 or Windows-1254 files do this). Save it as UTF-8 and upload it again."
        ) from None


def read_text_file(path: str | os.PathLike, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a user's text file within `max_bytes`, decoded as `decode_upload` does."""
    name = os.path.basename(path)
    size = os.path.getsize(path)
    if size > max_bytes:
        raise ValueError(f"{name} is {size:,} bytes; the limit is {max_bytes:,} bytes ({max_bytes / 2**20:.0f} MiB).")
    with open(path, "rb") as f:
        text = decode_upload(f.read(), name=name)
    if not text.strip():
        raise ValueError(f"{name} is empty (or only whitespace).")
    return text
