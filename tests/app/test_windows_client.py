"""The Windows tab's public API, end to end: `gradio_client` against the launched app.

Why: `/windows` and `/download_pairs` are what a notebook or script calls instead of the page, so
they skip the sliders' min, max and step. Whatever `minilm.windows.loader` refuses must come back as a
clear `gr.Error` (show_error=False hides anything else), the queue must stay usable after it, and
every window must equal what `create_data_loader` gives in-process: an off-by-one in the shift
would train a model that looks fine and learns nothing.
"""

import csv
import json
import re
from pathlib import Path

import pytest

from helpers import post_to_queue
from gradio_client import Client
from gradio_client.exceptions import AppError

from minilm.assets import corpus_text
from minilm import get_tokenizer
from minilm.windows.loader import IGNORE_INDEX, create_data_loader

pytestmark = pytest.mark.slow
TEXT = corpus_text()[:800]  # real, non-repeating prose: ~310 BPE tokens, so windows do not repeat either
SHORT = "hi there"
MAX_PAIRS = 8  # windows the API returns in x and y (minilm.windows.figures.MAX_PAIRS, kept literal on purpose)


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def windows(client, text=TEXT, tokenizer="bpe", context_length=12, stride=12, batch_size=1, keep_tail=False):
    return client.predict(text=text, tokenizer=tokenizer, context_length=context_length, stride=stride,
                          batch_size=batch_size, keep_tail=keep_tail, api_name="/windows")


def in_process(text, context_length, stride, batch_size=1, keep_tail=False):
    """The same request computed here: ids, every (x, y) window, the batch count and first x shape."""
    ids = get_tokenizer("bpe").encode(text)
    loader = create_data_loader(ids, context_length, stride, batch_size, keep_tail=keep_tail)
    batches = list(loader)
    xs = [row for x, _ in batches for row in x.tolist()]
    ys = [row for _, y in batches for row in y.tolist()]
    return ids, xs, ys, len(loader), list(batches[0][0].shape)


def assert_still_works(client):
    """After a refused request, the very next one must be answered normally and correctly."""
    ids, xs, ys, _, _ = in_process(TEXT, 4, 4)
    got = windows(client, context_length=4, stride=4)
    assert got["x"] == xs[:MAX_PAIRS] and got["y"] == ys[:MAX_PAIRS]
    assert got["x"][0] == ids[:4] and got["y"][0] == ids[1:5]  # the shift, spelled out


@pytest.mark.parametrize(
    "context_length, stride, batch_size, keep_tail",
    [(12, 12, 1, False), (6, 2, 4, False), (3, 7, 2, False), (5, 3, 3, True), (1, 1, 64, False)],
    ids=["stride=context", "stride<context", "stride>context", "keep-tail", "one-token"],
)
def test_windows_equal_create_data_loader(client, context_length, stride, batch_size, keep_tail):
    """Counts, shapes and the first windows must be exactly the loader's, for overlapping windows,
    windows with gaps between them, and a padded tail; and each y must be its x shifted by one."""
    ids, xs, ys, n_batches, x_shape = in_process(TEXT, context_length, stride, batch_size, keep_tail)
    got = windows(client, context_length=context_length, stride=stride, batch_size=batch_size, keep_tail=keep_tail)
    assert got["n_tokens"] == len(ids)
    assert got["n_windows"] == len(xs) > MAX_PAIRS  # TEXT is long enough that the API must cut
    assert got["n_batches"] == n_batches and got["x_shape"] == x_shape
    assert got["x"] == xs[:MAX_PAIRS] and got["y"] == ys[:MAX_PAIRS]
    for k, (x, y) in enumerate(zip(got["x"], got["y"])):
        start = k * stride
        assert x == ids[start:start + context_length]
        assert y[:len(ids) - start - 1] == ids[start + 1:start + context_length + 1]
    assert got["overlap"] == max(0, context_length - stride)


def test_short_text_with_kept_tail_is_padded(client):
    """A text shorter than one window is refused unless the tail is kept; then the one window's
    inputs are padded with 0 and its missing targets are -100, which CrossEntropyLoss skips."""
    ids, xs, ys, n_batches, x_shape = in_process(SHORT, 12, 12, keep_tail=True)
    got = windows(client, text=SHORT, context_length=12, stride=12, keep_tail=True)
    assert got["x"] == xs and got["y"] == ys and len(xs) == 1
    assert got["n_windows"] == 1 and got["n_padded"] == 1 and n_batches == got["n_batches"] == 1
    assert got["x_shape"] == x_shape == [1, 12]
    n = len(ids)
    assert got["x"][0] == ids + [0] * (12 - n)
    assert got["y"][0] == ids[1:] + [IGNORE_INDEX] * (13 - n) and got["y"][0][-1] == -100


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"context_length": 0}, "context_length must be at least 1, got 0"),
        ({"context_length": -3}, "context_length must be at least 1, got -3"),
        ({"context_length": 1.5}, "context_length must be a whole number, got 1.5"),
        ({"stride": 0}, "stride must be at least 1, got 0"),
        ({"batch_size": 0}, "batch_size must be at least 1, got 0"),
        ({"context_length": 2000, "text": corpus_text()[:19_000]}, "context_length is capped at 1024 here, got 2000"),
        ({"tokenizer": "nope"}, "unknown tokenizer 'nope': choose one of bpe, word, gemma"),
    ],
    ids=["context-0", "context-negative", "context-1.5", "stride-0", "batch-0", "context-over-cap", "tokenizer-nope"],
)
def test_bad_settings_give_clear_error_and_next_request_works(client, settings, message):
    """The sliders stop none of these from an API caller; each must be named in the message."""
    with pytest.raises(AppError, match=re.escape(message)):
        windows(client, **settings)
    assert_still_works(client)


def test_too_short_text_says_how_many_tokens_are_needed(client):
    """The commonest failure: the message must give the count, what is needed and why."""
    n = len(get_tokenizer("bpe").encode(SHORT))
    assert n < 13
    with pytest.raises(AppError, match=rf"the text has {n} tokens; context_length 12 needs at least 13 \(x and"):
        windows(client, text=SHORT, context_length=12)
    assert_still_works(client)


def test_nan_context_length_gives_clear_error(client, app_url):
    """NaN fails every comparison, so a naive `< 1` check lets it through. gradio_client cannot
    send it (httpx encodes JSON with allow_nan=False and raises ValueError on the client side), but
    Python's json, which the server uses, parses the bare `NaN` token: post the queue request by hand."""
    with pytest.raises(ValueError, match="not JSON compliant"):  # the reason for the hand-made request
        windows(client, context_length=float("nan"))
    message = post_to_queue(app_url, client, "windows", [TEXT, "bpe", float("nan"), 4, 1, False])
    assert message["msg"] == "process_completed" and message["success"] is False, message
    assert message["output"]["error"] == "context_length must be a whole number, got nan"
    assert_still_works(client)


def download(client, text, context_length, stride, fmt, keep_tail=False):
    return client.predict(source="text", text=text, path=None, tokenizer="bpe", context_length=context_length,
                          stride=stride, keep_tail=keep_tail, fmt=fmt, api_name="/download_pairs")


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_download_pairs_equal_in_process_windows(client, fmt):
    """The files are what a learner trains from: every window (not just the first eight) and the
    token_ids.txt they were cut from must equal the in-process loader's, in both formats."""
    text = "the capital of france is paris and the capital of italy is rome"
    ids, xs, ys, _, _ = in_process(text, 4, 2)
    pairs_path, ids_path, status = download(client, text, 4, 2, fmt)
    assert Path(pairs_path).name == f"pairs.{fmt}" and Path(ids_path).name == "token_ids.txt"
    content = Path(pairs_path).read_text(encoding="utf-8")
    if fmt == "jsonl":
        rows = [json.loads(line) for line in content.splitlines()]
        assert rows == [{"window": k, "x": x, "y": y} for k, (x, y) in enumerate(zip(xs, ys))]
    else:
        rows = list(csv.reader(content.splitlines()))
        assert rows[0] == ["window", "x", "y"]
        assert [[int(k), [int(i) for i in x.split()], [int(i) for i in y.split()]] for k, x, y in rows[1:]] == [
            [k, x, y] for k, (x, y) in enumerate(zip(xs, ys))]
    for k, (x, y) in enumerate(zip(xs, ys)):  # independent of the loader: windows of ids, y shifted by one
        assert x == ids[2 * k:2 * k + 4] and y == ids[2 * k + 1:2 * k + 5]
    assert Path(ids_path).read_text(encoding="ascii") == " ".join(map(str, ids)) + "\n"
    assert status == f"{len(xs)} pairs (of {len(xs)} windows) and {len(ids)} token ids."


def test_download_of_a_too_short_text_is_a_message(client):
    """No half-made files: a refused setting gives no file and says why; the next download works."""
    pairs_path, ids_path, status = download(client, SHORT, 12, 12, "jsonl")
    assert pairs_path is None and ids_path is None and "needs at least 13" in status and status.startswith("⚠️")
    pairs_path, _, status = download(client, SHORT, 12, 12, "jsonl", keep_tail=True)
    _, xs, ys, _, _ = in_process(SHORT, 12, 12, keep_tail=True)
    rows = [json.loads(line) for line in Path(pairs_path).read_text(encoding="utf-8").splitlines()]
    assert rows == [{"window": 0, "x": xs[0], "y": ys[0]}]


def test_view_api_documents_windows(client):
    """Callers find /windows on the API page with its parameters; the UI-only events stay hidden."""
    api = client.view_api(print_info=False, return_format="dict")
    endpoint = api["named_endpoints"]["/windows"]
    assert endpoint["description"].startswith("Cut the tokens of `text` into (x, y) windows")
    assert [p["parameter_name"] for p in endpoint["parameters"]] == [
        "text", "tokenizer", "context_length", "stride", "batch_size", "keep_tail"]
    assert "/download_pairs" in api["named_endpoints"]
    hidden = {"/windows_view", "/windows_view_load", "/show_file"}
    assert hidden.isdisjoint(api["named_endpoints"]), sorted(api["named_endpoints"])
