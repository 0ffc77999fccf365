"""The Tokens tab's inputs as one value, checked once, and the two tokenizations it shows.

    >>> s = TokensSettings(text="the capital of france is paris", tokenizer="bpe")
    >>> s.analyze(get_tokenizer("bpe")).ids[:3]
    (2, 719, 442)

Not here: drawing them (`minilm.tokens.figures`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from minilm.lang.en import EXAMPLES
from minilm.lang import Note
from minilm.text import clean_text
from minilm.tokens.registry import check_tokenizer, get_tokenizer  # noqa: F401 - the doctest's get_tokenizer
from minilm.tokens.tokenizer import Tokenization
from minilm.values import flag, settle

OWN = ("upload", "trained")  # a visitor's own tokenizers, kept in their session by the app


@dataclass(frozen=True)
class TokensSettings:
    """A text and how to cut it; `tokenizer` names the local column (Gemma is the other)."""

    text: str = EXAMPLES[0]
    tokenizer: str = "bpe"
    add_special_tokens: bool = True
    split_special: bool = False  # read a typed "<bos>" as five characters
    notes: tuple[Note, ...] = field(default=(), init=False, compare=False)  # what clean_text repaired

    def __post_init__(self):
        text, notes = clean_text(self.text)
        check_tokenizer(self.tokenizer, local_only=True, also=OWN)
        settle(self, text=text, add_special_tokens=flag("add_special_tokens", self.add_special_tokens),
               split_special=flag("split_special", self.split_special), notes=tuple(notes))

    def analyze(self, tokenizer) -> Tokenization:
        return tokenizer.analyze(self.text, add_special_tokens=self.add_special_tokens, split_special=self.split_special)


def as_dict(tok: Tokenization) -> dict:
    """A tokenization as plain JSON: ids, tokens, character offsets, kinds, and the round trip."""
    return {
        "ids": list(tok.ids),
        "tokens": list(tok.tokens),
        "offsets": [list(o) for o in tok.offsets],
        "kinds": list(tok.kinds),
        "round_trip": tok.round_trip,
    }
