"""The app's two languages: words by key, the language a visitor asked for, and errors that carry a key.

    >>> say("tab_windows", "tr")
    'Pencereler'
    >>> str(Problem("unknown_tokenizer", name="x", names="bpe, word"))
    "unknown tokenizer 'x': choose one of bpe, word"

The core raises `Problem`s (a `ValueError` with a key and values), so the page can word the same
error in the visitor's language. Not here: the words themselves (`en.py`, `tr.py`).
"""

from __future__ import annotations

from minilm.lang.en import EMBEDDINGS_A, EMBEDDINGS_B, EN, EXAMPLES, TITLE
from minilm.lang.tr import TR

LANGUAGES = {"en": EN, "tr": TR}
__all__ = ["EMBEDDINGS_A", "EMBEDDINGS_B", "EN", "EXAMPLES", "LANGUAGES", "Problem", "TITLE", "TR", "language_of", "say", "words"]


def say(key: str, lang: str = "en", **values) -> str:
    """The text for `key` in `lang` (English when that language lacks it), its fields filled."""
    text = LANGUAGES.get(lang, EN).get(key) or EN[key]
    return text.format(**values) if values else text


def language_of(accept_language: str) -> str:
    """"tr" when a browser's Accept-Language asks for Turkish first, else "en"."""
    return "tr" if accept_language.strip().lower().startswith("tr") else "en"


class Problem(ValueError):
    """A mistake a learner can act on, as a key and values; `str()` is the English text."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(say(key, "en", **values))

    def words(self, lang: str) -> str:
        return say(self.key, lang, **self.values)


def words(err: Exception, lang: str = "en") -> str:
    """An error's message in `lang`: keyed for a `Problem`, its English text otherwise."""
    return err.words(lang) if isinstance(err, Problem) else str(err)
