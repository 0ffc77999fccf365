"""Windows: the seed's make_windows, exactly; counts by formula; the padded tail; views, not copies."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import make_windows
from minilm.windows.loader import (
    IGNORE_INDEX, WindowDataset, check_window_args, count_windows, create_data_loader, window_stats,
)


settings_ = st.tuples(st.integers(0, 300), st.integers(1, 40), st.integers(1, 50))


@settings(max_examples=300, deadline=None)
@given(settings_, st.integers(1, 9))
def test_loader_equals_reference_loop(args, batch_size):
    n, context_length, stride = args
    ids = list(range(1000, 1000 + n))
    expected = make_windows(ids, context_length, stride)
    assert count_windows(n, context_length, stride) == len(expected)
    if n < context_length + 1:
        with pytest.raises(ValueError, match=f"needs at least {context_length + 1}"):
            create_data_loader(ids, context_length, stride)
        return
    batches = list(create_data_loader(ids, context_length, stride, batch_size=batch_size))
    assert all(x.shape == y.shape == (len(x), context_length) for x, y in batches)
    got = [(x.tolist(), y.tolist()) for bx, by in batches for x, y in zip(bx, by)]
    assert got == expected
    assert len(batches) == math.ceil(len(expected) / batch_size)


@settings(max_examples=200, deadline=None)
@given(settings_)
def test_stats_match_a_plain_count(args):
    n, context_length, stride = args
    windows = make_windows(list(range(n)), context_length, stride)
    in_x = {i for x, _ in windows for i in x}
    in_y = {i for _, y in windows for i in y}
    stats = window_stats(n, context_length, stride)
    assert stats.n_windows == len(windows)
    assert stats.n_skipped == n - len(in_x)
    assert stats.n_never_target == n - len(in_y)
    assert [stats.in_input(i) for i in range(n)] == [i in in_x for i in range(n)]
    assert [stats.in_target(i) for i in range(n)] == [i in in_y for i in range(n)]
    if len(windows) > 1:
        assert stats.overlap == len(set(windows[0][0]) & set(windows[1][0]))


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 200), st.integers(1, 30), st.integers(1, 40))
def test_padded_tail(n, context_length, stride):
    """keep_tail continues while a window still has one real target; pads are ignored by the loss."""
    ids = list(range(1, n + 1))
    batches = list(create_data_loader(ids, context_length, stride, batch_size=4, keep_tail=True, pad_id=0))
    xs = torch.cat([x for x, _ in batches])
    ys = torch.cat([y for _, y in batches])
    assert len(xs) == count_windows(n, context_length, stride, keep_tail=True) == (n - 2) // stride + 1
    for k, (x, y) in enumerate(zip(xs.tolist(), ys.tolist())):
        start = k * stride
        real_x = ids[start:start + context_length]
        real_y = ids[start + 1:start + context_length + 1]
        assert x == real_x + [0] * (context_length - len(real_x))
        assert y == real_y + [IGNORE_INDEX] * (context_length - len(real_y))
        assert real_y  # every window predicts at least one real token


def test_padded_targets_are_ignored_by_cross_entropy():
    torch.manual_seed(0)
    x, y = next(iter(create_data_loader(list(range(1, 8)), 5, 5, keep_tail=True, batch_size=2)))
    assert (y[1] == IGNORE_INDEX).sum() == 4  # the tail window has one real target
    logits = torch.randn(2, 5, 10)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 10), y.reshape(-1))
    real = y.reshape(-1) != IGNORE_INDEX
    expected = torch.nn.functional.cross_entropy(logits.reshape(-1, 10)[real], y.reshape(-1)[real])
    torch.testing.assert_close(loss, expected)


def test_windows_are_views_of_one_tensor():
    ids = torch.arange(10_000)
    data = WindowDataset(ids, 256, 1)
    assert data.x_windows.untyped_storage().data_ptr() == ids.untyped_storage().data_ptr()
    x, y = next(iter(create_data_loader(ids, 256, 1, batch_size=64)))
    assert x.untyped_storage().data_ptr() == ids.untyped_storage().data_ptr()  # no copy in order
    assert torch.equal(y, x + 1)


def test_shuffle_is_seeded_and_complete():
    ids = list(range(200))
    first = [x[:, 0].tolist() for x, _ in create_data_loader(ids, 4, 2, batch_size=8, shuffle=True, seed=3)]
    again = [x[:, 0].tolist() for x, _ in create_data_loader(ids, 4, 2, batch_size=8, shuffle=True, seed=3)]
    starts = sorted(s for batch in first for s in batch)
    assert first == again and starts == list(range(0, 196, 2)) and first[0] != sorted(first[0])


@pytest.mark.parametrize(
    "context_length, stride, message",
    [(0, 1, "at least 1"), (-3, 1, "at least 1"), (1.5, 1, "whole number"), (float("nan"), 1, "whole number"),
     (4, "2", "whole number"), (True, 1, "whole number"), (4, 0, "stride must be at least 1")],
    ids=["zero", "negative", "fraction", "nan", "string", "bool", "zero-stride"],
)
def test_bad_settings(context_length, stride, message):
    with pytest.raises(ValueError, match=message):
        check_window_args(100, context_length, stride)


def test_whole_floats_are_accepted():
    """Sliders send 12.0 through the API: a whole float is a whole number."""
    assert check_window_args(100, 12.0, 3.0) == (12, 3)


def test_huge_counts_by_formula():
    stats = window_stats(10_000_000, 256, 1)
    assert stats.n_windows == 10_000_000 - 256 and stats.overlap == 255
    assert stats.n_skipped == 1 and stats.n_never_target == 1  # the last token is only a target, the first only an input


def test_importable_from_the_package():
    import minilm

    assert minilm.create_data_loader is create_data_loader


def test_padding_is_in_no_window():
    """With keep_tail, 10 tokens, context_length 4, stride 4: windows start at 0, 4 and 8, the last padded
    to 8..11. Counted by hand: every real token is in exactly one window's inputs; the two padding slots
    (10, 11) and positions outside the stream are in none, and only tokens 1..9 are ever a target."""
    stats = window_stats(10, 4, 4, keep_tail=True)
    assert (stats.n_windows, stats.n_padded) == (3, 1)
    assert [stats.n_inputs_with(i) for i in range(-1, 13)] == [0] + [1] * 10 + [0, 0, 0]
    assert [stats.in_target(i) for i in range(12)] == [False] + [True] * 9 + [False, False]


@pytest.mark.parametrize("n_windows, batch_size, batches", [(2471, 32, 78), (2470, 10, 247), (5, 8, 1), (1, 4, 1)])
def test_batches_counted_as_whole_numbers(n_windows, batch_size, batches):
    """ceil(n_windows / batch_size), an int: 2,471 windows in batches of 32 make 78 (the last has 7)."""
    ids = list(range(n_windows + 1))  # context_length 1, stride 1: one window per id but the last
    stats = window_stats(len(ids), 1, 1)
    assert stats.n_windows == n_windows
    got = stats.n_batches(batch_size)
    assert got == batches and type(got) is int
    assert len(create_data_loader(ids, 1, 1, batch_size=batch_size)) == batches


def test_drop_last_drops_the_short_batch():
    """23 windows in batches of 5: four full batches, and the short fifth one only without drop_last."""
    ids = list(range(24))
    kept, dropped = (create_data_loader(ids, 1, 1, batch_size=5, drop_last=d) for d in (False, True))
    assert (len(kept), len(dropped)) == (5, 4)
    assert [len(x) for x, _ in dropped] == [5, 5, 5, 5] and [len(x) for x, _ in kept] == [5, 5, 5, 5, 3]


def test_one_window_by_index_is_the_seeds():
    """`dataset[k]` (what a plain DataLoader or a learner in a notebook asks for) is the seed's k-th (x, y)."""
    ids = list(range(100, 140))
    dataset = create_data_loader(ids, 6, 3).dataset
    for k, (x, y) in enumerate(make_windows(ids, 6, 3)):
        got_x, got_y = dataset[k]
        assert got_x.tolist() == x and got_y.tolist() == y


def test_padding_defaults_are_zero_and_cross_entropys_ignore_index():
    """The seed pads inputs with 0 and targets with -100 (CrossEntropyLoss's default ignore_index), through
    the loader and the dataset alike; other values given to the loader reach the dataset."""
    ids = list(range(1, 8))  # 7 ids, windows of 4 every 4: the second is padded
    for x, y in (next(iter(create_data_loader(ids, 4, 4, batch_size=2, keep_tail=True))),
                 WindowDataset(ids, 4, 4, keep_tail=True)[[0, 1]]):
        assert x.tolist() == [[1, 2, 3, 4], [5, 6, 7, 0]]
        assert y.tolist() == [[2, 3, 4, 5], [6, 7, -100, -100]]
    x, y = next(iter(create_data_loader(ids, 4, 4, batch_size=2, keep_tail=True, pad_id=9, ignore_index=-1)))
    assert x[1].tolist() == [5, 6, 7, 9] and y[1].tolist() == [6, 7, -1, -1]


@pytest.mark.parametrize("ids", [list(range(30)), tuple(range(30)), torch.arange(30, dtype=torch.int32),
                                 __import__("numpy").arange(30, dtype="int16")],
                         ids=["list", "tuple", "int32-tensor", "int16-array"])
def test_windows_are_int64_whatever_the_ids_come_as(ids):
    """nn.Embedding and cross_entropy want int64 (torch.long) ids and targets, whatever the stream's type."""
    x, y = next(iter(create_data_loader(ids, 4, 4, batch_size=3, shuffle=True, seed=0)))
    assert x.dtype == y.dtype == torch.int64
    assert torch.equal(y[:, :-1], x[:, 1:])


def test_a_stream_that_is_not_flat_is_named_with_its_shape():
    from minilm.lang import Problem

    with pytest.raises(Problem) as err:
        WindowDataset(torch.zeros(2, 30, dtype=torch.long), 4, 4)
    assert err.value.key == "ids_not_flat" and err.value.values == {"shape": "(2, 30)"}


def test_a_bad_batch_size_is_named():
    from minilm.lang import Problem

    with pytest.raises(Problem) as err:
        create_data_loader(list(range(30)), 4, 4, batch_size=0)
    assert err.value.values["name"] == "batch_size"


@pytest.mark.parametrize("n, options, key, values", [
    (12, {}, "too_short", {"n": 12, "context_length": 12, "needed": 13}),  # the default drops the tail: 13 needed
    (1, {"keep_tail": True}, "too_short_padded_one", {"n": 1}),
    (0, {"keep_tail": True}, "too_short_padded", {"n": 0}),
], ids=["12-of-13", "one-token-padded", "no-token-padded"])
def test_a_stream_too_short_is_named_with_its_counts(n, options, key, values):
    from minilm.lang import Problem

    with pytest.raises(Problem) as err:
        check_window_args(n, 12, 12, **options)
    assert err.value.key == key and err.value.values == values


def test_a_bad_context_length_is_named():
    from minilm.lang import Problem

    with pytest.raises(Problem) as err:
        check_window_args(100, 0, 1)
    assert err.value.values["name"] == "context_length"
