"""Where two tokenizers cut the same text differently, as character offsets.

Not here: aligning ids (two vocabularies share no id space; the seed's tokenizer-mismatch mistake).
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.lang import Problem
from minilm.tokens.tokenizer import Tokenization


@dataclass(frozen=True)
class BoundaryDiff:
    """Cut positions (character offsets inside the text) shared by both or made by one only."""

    text: str
    shared: frozenset[int]
    only_a: frozenset[int]
    only_b: frozenset[int]

    @property
    def agreement(self) -> float:
        """Share of all cut positions that both tokenizers make (1.0 when they cut alike)."""
        total = len(self.shared) + len(self.only_a) + len(self.only_b)
        return len(self.shared) / total if total else 1.0

    def segments(self) -> list[tuple[str, str]]:
        """The text as (piece, cut after it) pairs; the cut is "both", "a", "b" or "" at the end.

        >>> BoundaryDiff("abc", frozenset({1}), frozenset({2}), frozenset()).segments()
        [('a', 'both'), ('b', 'a'), ('c', '')]
        """
        cuts = sorted(self.shared | self.only_a | self.only_b)
        pieces, start = [], 0
        for cut in cuts:
            kind = "both" if cut in self.shared else "a" if cut in self.only_a else "b"
            pieces.append((self.text[start:cut], kind))
            start = cut
        pieces.append((self.text[start:], ""))
        return pieces


def compare_boundaries(a: Tokenization, b: Tokenization) -> BoundaryDiff:
    """Compare where `a` and `b` end their tokens; both must tokenize the same text."""
    if a.text != b.text:
        raise Problem("not_same_text")
    return BoundaryDiff(
        text=a.text,
        shared=a.boundaries & b.boundaries,
        only_a=a.boundaries - b.boundaries,
        only_b=b.boundaries - a.boundaries,
    )
