"""Seed step 4: a whole text file becomes `token_ids.txt`, one space-separated line of ids.

Not here: windows over those ids (see `minilm.windows.loader`).
"""

from __future__ import annotations

import os
from pathlib import Path

from minilm.text import read_text_file
from minilm.tokens.tokenizer import Tokenizer


def write_token_ids(ids: list[int], path: str | os.PathLike) -> Path:
    """Write ids as one line, "2 1437 5279 ...", which `read_token_ids` (or `str.split`) reads back."""
    path = Path(path)
    names = [str(i) for i in range(max(ids) + 1)] if ids else []  # 4x faster than str() per id
    path.write_text(" ".join(map(names.__getitem__, ids)) + "\n", encoding="ascii")
    return path


def read_token_ids(path: str | os.PathLike) -> list[int]:
    return [int(field) for field in Path(path).read_text(encoding="ascii").split()]


def tokenize_file(
    src: str | os.PathLike, tokenizer: Tokenizer, out: str | os.PathLike, *, add_special_tokens: bool = True,
    progress=None,
) -> list[int]:
    """Read a UTF-8 text file, encode it whole and write its `token_ids.txt` to `out`."""
    ids = tokenizer.encode_long(read_text_file(src), add_special_tokens=add_special_tokens, progress=progress)
    write_token_ids(ids, out)
    return ids
