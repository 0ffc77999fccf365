"""The checks every setting passes (minilm/values.py): what is accepted, and what a refusal carries.

A refusal is a `Problem` whose key and values the page words in the learner's language, so the key and
every value are part of the answer: a message naming the wrong field, or none, is a bug a learner sees.
Expected keys and values are written here, not read from the module.
"""

import math

import pytest

from minilm.lang import Problem
from minilm.values import choice, flag, number, settle, whole_number


def refusal(call) -> tuple[str, dict]:
    with pytest.raises(Problem) as caught:
        call()
    return caught.value.key, caught.value.values


@pytest.mark.parametrize(
    "value, kwargs, expected",
    [(4, {}, 4), (4.0, {}, 4), (1, {}, 1), (0, {"minimum": 0}, 0), (12, {"maximum": 12}, 12)],
    ids=["int", "whole-float", "minimum-1", "minimum-0", "at-maximum"],
)
def test_whole_numbers_accepted(value, kwargs, expected):
    got = whole_number("stride", value, **kwargs)
    assert got == expected and type(got) is int


@pytest.mark.parametrize(
    "value, kwargs, key, values",
    [
        (True, {}, "not_whole", {"name": "stride", "value": "True"}),
        ("12", {}, "not_whole", {"name": "stride", "value": "'12'"}),
        (3.5, {}, "not_whole", {"name": "stride", "value": "3.5"}),
        (math.nan, {}, "not_whole", {"name": "stride", "value": "nan"}),
        (0, {}, "too_small", {"name": "stride", "minimum": 1, "value": "0"}),
        (-3, {"minimum": 0}, "too_small", {"name": "stride", "minimum": 0, "value": "-3"}),
        (13, {"maximum": 12}, "too_big", {"name": "stride", "maximum": 12, "value": "13"}),
        (13.0, {"maximum": 12}, "too_big", {"name": "stride", "maximum": 12, "value": "13.0"}),
    ],
    ids=["bool", "string", "fraction", "nan", "below-1", "below-0", "above", "above-float"],
)
def test_whole_number_refusals(value, kwargs, key, values):
    assert refusal(lambda: whole_number("stride", value, **kwargs)) == (key, values)


@pytest.mark.parametrize("value, expected", [(0.003, 0.003), (1, 1.0), (10.0, 10.0)], ids=["small", "int", "at-high"])
def test_numbers_accepted(value, expected):
    got = number("lr", value, low=0.0, high=10.0)
    assert got == expected and type(got) is float


@pytest.mark.parametrize(
    "value, shown",
    [(0.0, "0.0"), (10.5, "10.5"), (math.inf, "inf"), (math.nan, "nan"), (True, "True"), ("0.1", "'0.1'"), (None, "None")],
    ids=["at-low-excluded", "above-high", "inf", "nan", "bool", "string", "none"],
)
def test_number_refusals(value, shown):
    """low < value <= high: the low end is excluded (a learning rate of 0 trains nothing)."""
    assert refusal(lambda: number("lr", value, low=0.0, high=10.0)) == (
        "not_in_range", {"name": "lr", "low": 0.0, "high": 10.0, "value": shown})


def test_choices():
    assert choice("source", "corpus", ("text", "corpus")) == "corpus"
    assert choice("source", "text", iter(["text", "corpus"])) == "text"  # any iterable of options
    assert refusal(lambda: choice("source", "file", ["text", "corpus"])) == (
        "not_choice", {"name": "source", "options": "text, corpus", "value": "'file'"})


@pytest.mark.parametrize("value", [True, False])
def test_flags_accepted(value):
    assert flag("mistake", value) is value


@pytest.mark.parametrize("value, shown", [(1, "1"), ("true", "'true'"), (None, "None")], ids=["one", "string", "none"])
def test_flag_refusals(value, shown):
    assert refusal(lambda: flag("mistake", value)) == ("not_flag", {"name": "mistake", "value": shown})


def test_settle_sets_fields_on_a_frozen_dataclass():
    from dataclasses import FrozenInstanceError, dataclass

    @dataclass(frozen=True)
    class Settings:
        stride: object = "4"
        seed: object = 0.0

        def __post_init__(self):
            settle(self, stride=whole_number("stride", float(self.stride)), seed=int(self.seed))

    settings = Settings()
    assert (settings.stride, settings.seed) == (4, 0) and type(settings.stride) is int
    with pytest.raises(FrozenInstanceError):
        settings.stride = 5
