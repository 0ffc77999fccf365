"""One selected token, followed across tokenizers: a position in the token stream of the current text.

    >>> from minilm.tokens.tokenizer import Tokenization
    >>> a = Tokenization("ab cd", (7, 8), ("ab", " cd"), ((0, 2), (2, 5)), ("text", "text"), "ab cd")
    >>> b = Tokenization("ab cd", (1, 2, 3), ("a", "b ", "cd"), ((0, 1), (1, 3), (3, 5)), ("text",) * 3, "ab cd")
    >>> covering(a, 1, b)  # " cd" is characters 2..5: "b " (1..3) and "cd" (3..5) cover them
    (1, 2)

The selection names its tokenizer because positions mean nothing across tokenizers; characters do:
another tokenizer's tokens "cover" the selected one when their character spans overlap. Special
tokens (`<bos>`) cover no characters, so they match only a special token at the same place.
Not here: windows, vectors or models that contain it (each chapter's own `selection` module).
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.tokens.tokenizer import Tokenization


@dataclass(frozen=True)
class Selection:
    """Token `position` of the current text as `tokenizer` cuts it: a registry name, or for the page
    "local" (the Tokens tab's local column, whichever tokenizer it shows: a link's `select=`) and
    "windows" (the Windows tab's stream of the same text).

    >>> Selection("bpe", 3).position
    3
    """

    tokenizer: str
    position: int


def covering(a: Tokenization, position: int, b: Tokenization) -> tuple[int, ...]:
    """Positions of `b` whose characters overlap token `position` of `a` (both cut the same text)."""
    if a.text != b.text or not 0 <= position < len(a.ids):
        return ()
    start, end = a.offsets[position]
    if start == end:  # a special token: only the one at the same place in `b`
        return tuple(j for j, (o, kind) in enumerate(zip(b.offsets, b.kinds)) if o == (start, end) and kind == "special")[:1]
    return tuple(j for j, (s, e) in enumerate(b.offsets) if s < end and start < e and s < e)


def first_covering(a: Tokenization, position: int, b: Tokenization) -> int | None:
    """The first of `covering(a, position, b)`, the one a single position of `b` stands for; None if none.

    >>> from minilm.tokens.tokenizer import Tokenization
    >>> t = Tokenization("hi", (5,), ("hi",), ((0, 2),), ("text",), "hi")
    >>> first_covering(t, 0, t), first_covering(t, 4, t)
    (0, None)
    """
    found = covering(a, position, b)
    return found[0] if found else None
