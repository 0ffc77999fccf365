"""Text that comes from people: repair what a tokenizer cannot take, refuse what it should not.

Everything a user can type or upload passes through here first, in the core, so the limits hold
for API callers as well as for the browser. Refusals are `Problem`s and repairs are `Note`s: a key
and values the page words in the learner's language (`minilm.lang`). Not here: tokenization itself.
"""

from __future__ import annotations

import codecs
import html
import os

from minilm.lang import Note, Problem

MAX_CHARS = 20_000  # what one interactive request may tokenize: ~7k chips per tokenizer at most
MAX_FILE_BYTES = 20 * 1024 * 1024  # a text file to turn into token_ids.txt
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def clean_text(text: object, *, max_chars: int = MAX_CHARS) -> tuple[str, list[Note]]:
    """Return `text` ready for a tokenizer and notes on what was repaired.

    Raises a `Problem` (a ValueError) for what cannot be repaired: not a string, empty, only
    whitespace, too long.

    >>> text, notes = clean_text("a\\ud800b")
    >>> text, [str(n) for n in notes]
    ('a\\ufffdb', ['replaced 1 lone surrogate (not valid Unicode) with U+FFFD'])
    """
    if not isinstance(text, str):
        raise Problem("text_not_str", kind=type(text).__name__)
    if not text:
        raise Problem("text_empty")
    if not text.strip():
        raise Problem("text_whitespace")
    if len(text) > max_chars:
        raise Problem("text_too_long", n=len(text), limit=max_chars)
    notes = []
    # tokenizers raises TypeError on lone surrogates (they cannot be UTF-8 encoded).
    repaired = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if repaired != text:
        count = sum(a != b for a, b in zip(text, repaired))
        notes.append(Note("surrogates_replaced", {"n": count}, count=count))
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
        raise Problem("file_binary", name=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Problem("file_not_utf8", name=name, byte=f"{data[err.start]:02X}", pos=err.start) from None


def read_text_file(path: str | os.PathLike, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a user's text file within `max_bytes`, decoded as `decode_upload` does."""
    name = os.path.basename(path)
    size = os.path.getsize(path)
    if size > max_bytes:
        raise Problem("file_too_big", name=name, size=size, limit=max_bytes, mib=max_bytes / 2**20)
    with open(path, "rb") as f:
        text = decode_upload(f.read(), name=name)
    if not text.strip():
        raise Problem("file_empty", name=name)
    return text


# `$` too: gradio's Markdown hands a message whose source holds `$$` to KaTeX, which typeset `$$x$$` typed in a box.
_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|~=:$"


def markdown_literal(text: str) -> str:
    """`text` as Markdown that shows exactly these characters: no link, emphasis, heading or HTML.

    >>> markdown_literal("<b>[link](x)</b> *a*")
    '&lt;b&gt;\\\\[link\\\\]\\\\(x\\\\)&lt;/b&gt; \\\\*a\\\\*'
    """
    out = []
    for ch in str(text):
        if ch in "<>&":
            out.append({"<": "&lt;", ">": "&gt;", "&": "&amp;"}[ch])
        elif ch in _MARKDOWN_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def plotly_literal(text) -> str:
    """`text` as Plotly's SVG text (titles, legends, ticks, hovers) shows it literally: Plotly reads
    <b>, <a>, <br> and entities there, so no tag or entity of the text's own may survive."""
    return html.escape(str(text), quote=False)


def plotly_label_literal(text) -> str:
    """`text` as a 3D point label shows it literally. Those labels are drawn in WebGL (vectorize-text),
    which shows entities as typed (`&lt;`) but reads <b>, <i>, <sup>, <sub> pairs and <br>: an invisible
    WORD JOINER after each "<" breaks every tag."""
    return str(text).replace("<", "<\u2060")
