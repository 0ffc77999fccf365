"""Values that come from people (sliders, boxes, links, API calls), checked once in the core.

API callers can send 1.5, NaN, "12" or a string where a flag belongs; sliders enforce nothing on the
server. Every check raises a `Problem` whose key and values the page words in the learner's language.
Not here: text and files (`minilm.text`).

    >>> whole_number("stride", 4.0), choice("source", "corpus", ("text", "corpus"))
    (4, 'corpus')
"""

from __future__ import annotations

import math

from minilm.lang import Problem


def whole_number(name: str, value, *, minimum: int = 1, maximum: int | None = None) -> int:
    """`value` as an int if it is a whole number from `minimum` to `maximum`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Problem("not_whole", name=name, value=repr(value))
    if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
        raise Problem("not_whole", name=name, value=repr(value))
    if value < minimum:
        raise Problem("too_small", name=name, minimum=minimum, value=repr(value))
    if maximum is not None and value > maximum:
        raise Problem("too_big", name=name, maximum=maximum, value=repr(value))
    return int(value)


def number(name: str, value, *, low: float, high: float) -> float:
    """A finite float with low < value <= high."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not low < value <= high:
        raise Problem("not_in_range", name=name, low=low, high=high, value=repr(value))
    return float(value)


def choice(name: str, value, options) -> str:
    if value not in tuple(options):
        raise Problem("not_choice", name=name, options=", ".join(options), value=repr(value))
    return value


def flag(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise Problem("not_flag", name=name, value=repr(value))
    return value


def settle(settings, **values) -> None:
    """Set checked values on a frozen dataclass from its `__post_init__`."""
    for name, value in values.items():
        object.__setattr__(settings, name, value)
