"""One token's windows, against the seed's `make_windows` loop: where it is read (x) and where it is predicted (y).

Why: the Windows tab says "in x of 12 windows, the target of y" for a clicked token. Counted wrong by
one (a window that reads position p predicts p+1, not p), that sentence teaches the target shift
backwards; so the reference is the seed's loop run on distinct ids, and a few cases counted by hand.
"""

import pytest
from helpers import make_windows
from hypothesis import given, settings
from hypothesis import strategies as st

from minilm.windows.selection import window_hits, window_ids


@pytest.mark.parametrize("position, inputs, targets", [
    # 13 tokens, context_length 4, stride 2: starts 0, 2, 4, 6, 8 (range(0, 9, 2)); window k reads k*2..k*2+3
    (0, (0,), ()),          # the first token: read once, never predicted
    (1, (0,), (0,)),
    (6, (2, 3), (1, 2)),    # read by starts 4, 6; predicted by starts 2, 4 (y = ids[3:7], ids[5:9])
    (11, (4,), (4,)),       # start 8 reads 8..11, predicts 9..12
    (12, (), (4,)),         # the last token: only ever a target
], ids=["first", "second", "middle", "second-last", "last"])
def test_counted_by_hand(position, inputs, targets):
    hits = window_hits(position, n_tokens=13, context_length=4, stride=2)
    assert (hits.inputs, hits.targets, hits.n_windows) == (inputs, targets, 5)


def test_a_gap_and_a_dropped_tail():
    """context_length 3, stride 5, 14 tokens: starts 0, 5, 10 (range(0, 11, 5)); 3 and 4 are never read,
    4 is predicted by none (y of start 0 is 1..3), 5 is read by window 1 and predicted by none."""
    four = window_hits(4, n_tokens=14, context_length=3, stride=5)
    assert (four.inputs, four.targets, four.n_windows) == ((), (), 3)
    five = window_hits(5, n_tokens=14, context_length=3, stride=5)
    assert (five.inputs, five.targets) == ((1,), ())
    assert window_hits(14, n_tokens=14, context_length=3, stride=5).shown == ()  # past the stream


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 80), st.integers(1, 12), st.integers(1, 15), st.data())
def test_equals_the_seed_loop(n, context_length, stride, data):
    """Run make_windows on ids 1000.. and look the token up in every x and y."""
    ids = list(range(1000, 1000 + n))
    position = data.draw(st.integers(0, n - 1))
    windows = make_windows(ids, context_length, stride)
    hits = window_hits(position, n_tokens=n, context_length=context_length, stride=stride)
    assert hits.n_windows == len(windows)
    assert hits.inputs == tuple(k for k, (x, _) in enumerate(windows) if ids[position] in x)
    assert hits.targets == tuple(k for k, (_, y) in enumerate(windows) if ids[position] in y)
    for k in hits.shown:
        assert window_ids(ids, k, context_length=context_length, stride=stride) == windows[k]


def test_padded_tail_window_reads_like_the_loader():
    """keep_tail: the last window's x is padded with 0 and its y with -100 (the loader's pad_id and ignore_index)."""
    ids = list(range(10, 17))  # 7 tokens, context_length 4, stride 4: window 1 starts at 4, holds 14, 15, 16
    hits = window_hits(6, n_tokens=7, context_length=4, stride=4, keep_tail=True)
    assert (hits.inputs, hits.targets, hits.n_windows) == ((1,), (1,), 2)
    assert window_ids(ids, 1, context_length=4, stride=4) == ([14, 15, 16, 0], [15, 16, -100, -100])
