"""The Python behind the Windows tab ("show the code"): its stream, its loader, the numbers it shows.

    >>> from minilm.windows.settings import WindowSettings
    >>> print(windows_code(WindowSettings(context_length=8, stride=4)).splitlines()[-7])
    loader = create_data_loader(token_ids, context_length=8, stride=4, batch_size=1, shuffle=False)

The code runs as printed from the repository root with minilm installed, and prints the tab's counts
and its first (x, y) pairs. Comments in it stay English, like the names they explain. Not here:
running it (the tab calls the same functions directly).
"""

from __future__ import annotations

import json
from pathlib import Path

from minilm.text import clean_text

FIRST_PAIRS = 3  # windows printed: enough to see y is x shifted one token right


def stream_lines(*, source: str, text: str, path: str | None, tokenizer: str) -> list[str]:
    """Lines that leave the tab's token stream in `token_ids` (after `from minilm import get_tokenizer`)."""
    lines = [f"tokenizer = get_tokenizer({json.dumps(tokenizer)})"]
    if source == "corpus":
        return ["from minilm.assets import corpus_text", *lines,
                "token_ids = tokenizer.encode(corpus_text())  # assets/text.txt, <bos> first"]
    if source == "file":
        name = Path(path).name if path else "your_text.txt"
        return ["from minilm.text import read_text_file", *lines,
                f"token_ids = tokenizer.encode_long(read_text_file({json.dumps(name, ensure_ascii=False)}))  # your text file, in this folder"]
    cleaned, _ = clean_text(text)  # what the tab tokenizes: lone surrogates (not valid Unicode) replaced
    return [*lines, f"text = {cleaned!r}", "token_ids = tokenizer.encode(text)  # <bos> first"]


def windows_code(settings, *, first: int = FIRST_PAIRS, token_ids_file: str | None = None) -> str:
    """Code for a `WindowSettings`: the stream, `create_data_loader`, counts and the first pairs.

    With `token_ids_file` the stream is read from that file (the seed's `token_ids.txt`, written before)."""
    s = settings
    if token_ids_file:
        stream = ["from minilm.tokens.files import read_token_ids",
                  f"token_ids = read_token_ids({json.dumps(token_ids_file)})  # written by the cell above"]
    else:
        stream = stream_lines(source=s.source, text=s.text, path=s.path, tokenizer=s.tokenizer)
    tail = ", keep_tail=True" if s.keep_tail else ""
    window_args = f"context_length={s.context_length}, stride={s.stride}"
    lines = [
        "from minilm import create_data_loader, get_tokenizer, window_stats" if not token_ids_file
        else "from minilm import create_data_loader, window_stats",
        *stream,
        "",
        f"loader = create_data_loader(token_ids, {window_args}, batch_size={s.batch_size}, shuffle=False{tail})",
        f"stats = window_stats(len(token_ids), {window_args}{tail})",
        'print("tokens", stats.n_tokens, "windows", stats.n_windows, "batches", len(loader),',
        '      "skipped", stats.n_skipped, "overlap", stats.overlap)',
        f"for k in range(min({first}, len(loader.dataset))):",
        "    x, y = loader.dataset[k]  # each [context_length]: y is x shifted one token right",
        '    print(f"window {k}: x={x.tolist()} y={y.tolist()}")',
    ]
    return "\n".join(lines)
