"""The app's two languages: words by key, the language a visitor asked for, and errors that carry a key.

    >>> say("tab_windows", "tr")
    'Pencereler'
    >>> str(Problem("unknown_tokenizer", name="x", names="bpe, word"))
    "unknown tokenizer 'x': choose one of bpe, word"
    >>> say("count_windows", "tr", n=2471), say("count_windows", "en", n=2471)
    ('2.471 pencere', '2,471 windows')

The core raises `Problem`s (a `ValueError` with a key and values), so the page can word the same
error in the visitor's language. Numbers follow the language through the texts' own format specs
(`{n:,}` groups thousands, `{x:.3f}` fixes decimals: 29,656 and 0.250 in English, 29.656 and 0,250 in
Turkish), formatted by Babel. Not here: the words themselves (`en.py`, `tr.py`).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from babel import Locale
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

from minilm.lang.en import EMBEDDINGS_A, EMBEDDINGS_B, EN, EXAMPLES, TITLE
from minilm.lang.tr import TR

LANGUAGES = {"en": EN, "tr": TR}
__all__ = ["EMBEDDINGS_A", "EMBEDDINGS_B", "EN", "EXAMPLES", "LANGUAGES", "Note", "Problem", "TITLE", "TR", "language_of", "number", "plotly_separators", "plural_key", "say",
           "say_count", "say_lines", "words"]


def say(key: str, lang: str = "en", **values) -> str:
    """The text for `key` in `lang` (English when that language lacks it), its fields filled."""
    text = LANGUAGES.get(lang, EN).get(key) or EN[key]
    return _Numbers(lang).format(text, **values) if values else text


def say_lines(key: str, lang: str = "en", **values) -> tuple[str, ...]:
    """`say(key)` for a text written on lines (a plot's title), each line filled on its own: a line break is
    always the text's own, never one inside a value; `" ".join()` gives the text on one line.

    >>> say_lines("emb_gemma_table", "tr", name="Gemma 3", rows=262144, dim=640)
    ('Gemma 3:', 'embed_tokens tablosu, 262.144 x 640')
    """
    return tuple(_Numbers(lang).format(line, **values) for line in say(key, lang).split("\n"))


def say_count(key: str, lang: str, count: int, **values) -> str:
    """`say(key)` for a `count`, from `key + "_one"` where the language's plural rule says "one".

    >>> say_count("count_batches", "en", 1, n=1), say_count("count_batches", "tr", 5, n=5)
    ('1 batch', '5 batch')
    """
    return say(plural_key(key, count, lang), lang, **values)


def plural_key(key: str, count: int, lang: str = "en") -> str:
    """`key + "_one"` when Babel's (CLDR's) rule for `lang` puts `count` in the "one" category."""
    one = f"{key}_one"
    form = Locale.parse(lang if lang in LANGUAGES else "en").plural_form(count)
    return one if form == "one" and one in EN else key


def number(value: float, lang: str = "en", spec: str = ",") -> str:
    """A number as `lang` writes it: `number(29656, "tr")` is '29.656', `number(0.25, "tr", ".3f")` is '0,250'."""
    return _Numbers(lang).format_field(value, spec)


def plotly_separators(lang: str) -> str:
    """Plotly's `separators` (decimal mark, then thousands) for `lang`: ".," in English, ",." in Turkish."""
    locale = lang if lang in LANGUAGES else "en"
    return get_decimal_symbol(locale) + get_group_symbol(locale)


_SPEC = re.compile(r"(?P<group>,)?(?:\.(?P<digits>\d+))?(?P<kind>[f%])?")


class _Numbers(string.Formatter):
    """str.format, with the number specs `,` `.Nf` `,.Nf` `%` written in the language's own way."""

    def __init__(self, lang: str):
        self.locale = lang if lang in LANGUAGES else "en"

    def format_field(self, value, spec: str) -> str:
        match = _SPEC.fullmatch(spec)
        if not spec or match is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            return super().format_field(value, spec)
        if match["kind"] == "%":
            return format_percent(value, locale=self.locale)
        digits = int(match["digits"] or 0)
        pattern = ("#,##0" if match["group"] else "0") + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)


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


@dataclass(frozen=True)
class Note:
    """Something said beside a result, not refused: a key and values, worded in any language like a `Problem`.

    >>> Note("emb_points_cut", {"name": "A", "n": 1200, "max": 256}).words("tr")
    'A: 256 token’dan sonraki 1.200 token çizilmedi'
    """

    key: str
    values: dict = field(default_factory=dict)
    count: int | None = None  # picks the singular text for a count of one

    def words(self, lang: str = "en") -> str:
        key = self.key if self.count is None else plural_key(self.key, self.count, lang)
        return say(key, lang, **self.values)

    def __str__(self) -> str:
        return self.words("en")
