"""The abuse checklist (docs/security.md) against the launched app, for what the other
end-to-end tests do not already cover.

Why: a public Space is called by people who type anything, call the API directly, upload any file,
open more connections than the queue holds and close tabs half way. For each case the app must
answer with a clear message (or the right result), nothing may crash, and the very next request
must be answered normally: every test below ends by asserting that.

Covered elsewhere, not repeated here: empty / whitespace / over-cap text, lone surrogate, NaN,
injection in the Tokens text box (test_app_client, test_browser, test_windows_client), a Latin-1
upload for /token_ids, hostile tokenizer.json (test_sandbox), tokenizer uploads through the CLI.
"""

import codecs
import html
import http.client
import json
import re
import struct
import time
import urllib.parse
import uuid
import zlib
from collections import Counter
from pathlib import Path

import httpx
import pytest
from markdown_it import MarkdownIt

from helpers import block_off_host, post_to_queue
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from gradio_client.utils import QueueError

from minilm import get_tokenizer
from minilm.tokens.figures import visible
from minilm.text import clean_text

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
CAPITAL = "the capital of france is paris"
CAPITAL_GEMMA_IDS = [2, 1437, 5279, 529, 61034, 563, 48117]
WAIT_MS = 30_000
# The README's limits, written here (never read from the code, so raising one there fails here).
MAX_CHARS = 20_000  # characters per request
MAX_FILE_BYTES = 20 * 1024 * 1024  # a text file
MAX_UPLOAD_BYTES = 60 * 1024 * 1024  # any upload: launch(max_file_size="60mb"), which gradio reads as MiB


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def tokenize(client, text, tokenizer="bpe", add_special_tokens=True):
    return client.predict(text=text, tokenizer=tokenizer, add_special_tokens=add_special_tokens, api_name="/tokenize")


def windows(client, text=CAPITAL * 3, tokenizer="bpe", context_length=4, stride=4, batch_size=1, keep_tail=False):
    return client.predict(text=text, tokenizer=tokenizer, context_length=context_length, stride=stride,
                          batch_size=batch_size, keep_tail=keep_tail, api_name="/windows")


def token_ids(client, path=None, which="bpe", add_bos=True):
    return client.predict(handle_file(str(path)) if path else None, which, add_bos, api_name="/token_ids")


def visitor_reads(markdown: str) -> str:
    """The text a visitor reads in a gr.Markdown status (CommonMark rendered, tags gone, entities
    resolved): the app escapes file names and messages, so raw strings are full of backslashes."""
    return html.unescape(re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").render(markdown))).strip()


def assert_still_works(client):
    """After whatever came before, the next requests are answered normally and correctly."""
    assert tokenize(client, CAPITAL)["gemma"]["ids"] == CAPITAL_GEMMA_IDS
    ids = get_tokenizer("bpe").encode(CAPITAL * 3)
    got = windows(client)
    assert got["x"][0] == ids[:4] and got["y"][0] == ids[1:5]


def near_cap(unit: str, n: int = MAX_CHARS) -> str:
    """`unit` repeated and cut to exactly `n` characters (code points, as Python and the cap count)."""
    return (unit * (n // len(unit) + 1))[:n]


def same_as_in_process(result: dict, tokenizer, text: str):
    """One column of a /tokenize answer must be exactly the in-process analysis of `text`."""
    want = tokenizer.analyze(text)
    assert result["ids"] == list(want.ids)
    assert result["tokens"] == list(want.tokens)
    assert [tuple(o) for o in result["offsets"]] == [tuple(o) for o in want.offsets]
    assert result["kinds"] == list(want.kinds)
    assert result["round_trip"] is want.round_trip


# ---------------------------------------------------------------- text through /tokenize

CJK = "東京は日本の首都です。"
ZWJ_FAMILY = "👩\u200d👩\u200d👧"  # 5 code points, one glyph; astral, so 2 UTF-16 units each in JSON


@pytest.mark.parametrize(
    "text",
    [
        "a" * MAX_CHARS,
        near_cap(CJK),
        near_cap(ZWJ_FAMILY),
        near_cap("e\u0301"),  # e + COMBINING ACUTE: 10,000 decomposed é
        near_cap("Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0347l\u036e\u0312g\u0306\u0317o\u0314 "),  # "zalgo"
        "\ufeffthe capital of france is paris",  # a BOM typed (or pasted) at the start
        "the \ufeffcapital\ufeff",  # ... and in the middle, where it is a ZERO WIDTH NO-BREAK SPACE
        near_cap("\u200b"),  # ZERO WIDTH SPACE is not whitespace to str.strip: it is text
    ],
    ids=["a-x20000", "cjk-at-cap", "zwj-emoji-at-cap", "combining-acute", "zalgo", "bom-start", "bom-inside", "zwsp-at-cap"],
)
def test_long_or_odd_text_is_tokenized_like_in_process(client, gemma, text):
    """Up to the cap, any valid text is tokenized, and exactly as in-process: nothing is cut,
    normalised or re-encoded on the way through JSON and the queue (astral characters travel as
    surrogate pairs in JSON and must not come out as U+FFFD)."""
    assert len(text) <= MAX_CHARS
    result = tokenize(client, text)
    same_as_in_process(result["local"], get_tokenizer("bpe"), text)
    same_as_in_process(result["gemma"], gemma.tokenizer, text)
    assert "\ufffd" not in "".join(result["gemma"]["tokens"])
    assert_still_works(client)


@pytest.mark.parametrize("unit", ["a", CJK, ZWJ_FAMILY], ids=["ascii", "cjk", "zwj-emoji"])
def test_one_character_over_the_cap_is_refused_by_characters_not_bytes(client, unit):
    """The cap counts characters (code points): 20,001 CJK characters (60 KB of UTF-8) or emoji
    parts are refused with the same message as 20,001 ASCII letters, and the next request works."""
    text = near_cap(unit, MAX_CHARS + 1)
    with pytest.raises(AppError, match="The text has 20,001 characters; the limit here is 20,000"):
        tokenize(client, text)
    assert_still_works(client)


@pytest.mark.parametrize(
    "text",
    [" " * MAX_CHARS, "\n" * MAX_CHARS, "\u3000" * 500, " \t\r\n\u00a0\u2003" * 100],
    ids=["spaces-x20000", "newlines-x20000", "ideographic-spaces", "mixed-unicode-whitespace"],
)
def test_whitespace_only_gives_a_clear_message(client, text):
    """Whitespace only, however long (at the cap) or exotic, is refused with the same message."""
    with pytest.raises(AppError, match="The text is only whitespace"):
        tokenize(client, text)
    assert_still_works(client)


def test_typed_byte_token_stays_text(client, gemma):
    """`<0x0A>` typed as text is six characters, not the newline byte token: unlike a typed `<bos>`
    (a special token), byte tokens are only reached by byte fallback, so the round trip holds."""
    text = "line one<0x0A>line two"
    result = tokenize(client, text)
    for column, tok in (("local", get_tokenizer("bpe")), ("gemma", gemma.tokenizer)):
        newline_ids = set(tok.encode("\n", add_special_tokens=False))
        assert newline_ids.isdisjoint(result[column]["ids"]), column
        same_as_in_process(result[column], tok, text)
        assert result[column]["round_trip"] is True
    assert "<0x0A>" not in result["local"]["tokens"] and "<0x0A>" not in result["gemma"]["tokens"]
    assert_still_works(client)


# ---------------------------------------------------------------- /windows settings

TEXT = (CAPITAL + ", and the capital of italy is rome. ") * 20


@pytest.mark.parametrize("stride", [7, 1_000, 10**18], ids=["stride>context", "stride>tokens", "stride-huge"])
def test_stride_beyond_the_window_skips_tokens_and_counts_right(client, stride):
    """A stride larger than the window leaves gaps; larger than the text leaves one window. The
    count must follow the formula, the first window must be the first tokens, and no huge
    stride may cost memory or time."""
    ids = get_tokenizer("bpe").encode(TEXT)
    got = windows(client, text=TEXT, context_length=5, stride=stride)
    assert got["n_tokens"] == len(ids)
    assert got["n_windows"] == (len(ids) - 5 - 1) // stride + 1
    assert got["x"][0] == ids[:5] and got["y"][0] == ids[1:6]
    if stride < len(ids):
        assert got["x"][1] == ids[stride:stride + 5]
    assert_still_works(client)


@pytest.mark.parametrize(
    "context_length, keep_tail, message",
    [
        (1025, True, "context_length is capped at 1024 here, got 1025"),
        (10**9, True, "context_length is capped at 1024 here, got 1000000000"),
        (2**63, True, f"context_length is capped at 1024 here, got {2**63}"),
        (10**9, False, "context_length is capped at 1024 here, got 1000000000"),  # checked before tokenizing
        (1e300, True, "context_length is capped at 1024 here, got 1e+300"),
    ],
    ids=["cap+1", "1e9-padded", "2^63", "1e9-unpadded", "1e300-float"],
)
def test_huge_context_length_gives_a_clear_message(client, context_length, keep_tail, message):
    """Over the 1024 cap must be refused before anything is allocated, whatever the size: with the
    padded tail a short text would otherwise become one window of a billion cells."""
    started = time.monotonic()
    with pytest.raises(AppError, match=re.escape(message)):
        windows(client, text="hi there", context_length=context_length, stride=1, keep_tail=keep_tail)
    assert time.monotonic() - started < 10
    assert_still_works(client)


def test_context_length_at_the_cap_with_a_padded_tail_works(client):
    """The cap is inclusive: one padded window of 1024 for a short text, targets -100 after."""
    ids = get_tokenizer("bpe").encode("hi there")
    got = windows(client, text="hi there", context_length=1024, stride=1024, keep_tail=True)
    assert got["x_shape"] == [1, 1024] and got["n_windows"] == 1 and got["n_padded"] == 1
    assert got["x"][0] == ids + [0] * (1024 - len(ids))
    assert got["y"][0][-1] == -100
    assert_still_works(client)


@pytest.mark.parametrize("value, shown", [(float("inf"), "inf"), (float("-inf"), "-inf")], ids=["inf", "-inf"])
def test_infinite_context_length_gives_a_clear_message(client, app_url, value, shown):
    """Like NaN (test_windows_client), JSON's Infinity reaches the core only by a hand-made post;
    it must be named, not turned into an OverflowError (int(inf)) and a generic error."""
    message = post_to_queue(app_url, client, "windows", [TEXT, "bpe", value, 4, 1, False])
    assert message["msg"] == "process_completed" and message["success"] is False, message
    assert message["output"]["error"] == f"context_length must be a whole number, got {shown}"
    assert_still_works(client)


# ---------------------------------------------------------------- uploads to /token_ids

def _png_bytes() -> bytes:
    """A real 1x1 PNG: the header, IHDR (its length field holds NUL bytes), IDAT and IEND."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def assert_token_ids_still_work(client):
    out, status = token_ids(client)
    assert out is not None and "token ids from text.txt" in visitor_reads(status), status


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-8", codecs.BOM_UTF8)],
    ids=["utf-16-le-bom", "utf-16-be-bom", "utf-8-bom"],
)
def test_upload_with_a_bom_is_decoded(client, tmp_path, encoding, bom):
    """Windows Notepad's 'Unicode' is UTF-16 with a BOM: it must be read, and the BOM dropped, so
    the ids are those of the text itself (the first id is not a BOM's bytes)."""
    text = "the capital of france is paris\nçay, naïve, 東京 👩\u200d👩\u200d👧\n" * 40
    src = tmp_path / f"{encoding}.txt"
    src.write_bytes(bom + text.encode(encoding))
    out, status = token_ids(client, src)
    assert out is not None, status
    got = [int(i) for i in Path(out).read_text(encoding="ascii").split()]
    assert got == get_tokenizer("bpe").encode_long(text)
    assert f"from {src.name} ({len(text):,} characters)" in visitor_reads(status), status
    assert_token_ids_still_work(client)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "empty.txt is empty"),
        ("blank.txt", b" \n\t\r\n" * 100, "blank.txt is empty (or only whitespace)"),
        ("picture.txt", _png_bytes(), "picture.txt looks like a binary file, not text: upload a UTF-8 .txt file."),
        ("utf16-no-bom.txt", "the capital".encode("utf-16-le"), "looks like a binary file"),
    ],
    ids=["empty", "whitespace", "png-named-txt", "utf-16-without-bom"],
)
def test_bad_upload_gives_a_message_and_no_file(client, tmp_path, name, content, message):
    """What cannot be read gives no file and a status saying why; the next request works."""
    src = tmp_path / name
    src.write_bytes(content)
    out, status = token_ids(client, src)
    assert out is None
    shown = visitor_reads(status)
    assert shown.startswith("⚠️") and message in shown, status
    assert_token_ids_still_work(client)


def test_upload_over_the_text_limit_gives_a_message(client, tmp_path):
    """One byte over read_text_file's 20 MiB: refused by size before it is decoded or tokenized."""
    src = tmp_path / "big.txt"
    with open(src, "wb") as f:
        f.write(b"a" * (MAX_FILE_BYTES + 1))
    started = time.monotonic()
    out, status = token_ids(client, src)
    assert out is None
    assert visitor_reads(status).startswith(
        f"⚠️ big.txt is {MAX_FILE_BYTES + 1:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes"), status
    assert time.monotonic() - started < 60
    assert_token_ids_still_work(client)


def test_upload_over_the_server_limit_is_refused(client, app_url, tmp_path):
    """One byte over launch(max_file_size="60mb") (gradio reads it as 60 MiB): gradio_client
    refuses to send it (it reads the limit from the config), and a hand-made upload, as any other
    client could send, gets HTTP 413 from the server before any handler runs. Then the next works."""
    limit = MAX_UPLOAD_BYTES
    src = tmp_path / "huge.txt"
    with open(src, "wb") as f:
        f.truncate(limit + 1)  # sparse: costs no disk
    with pytest.raises(ValueError, match=f"exceeds the maximum file size of {limit} bytes"):
        token_ids(client, src)
    with open(src, "rb") as f:
        response = httpx.post(f"{app_url}gradio_api/upload", files={"files": ("huge.txt", f, "text/plain")}, timeout=120)
    assert response.status_code == 413, (response.status_code, response.text[:300])
    assert_token_ids_still_work(client)


# ---------------------------------------------------------------- REST routes that could skip the queue

@pytest.fixture
def seen(monkeypatch):
    """Every text the tokenize and windows handlers receive (clean_text is their first step)."""
    import minilm.tokens.settings as tokens_settings
    import minilm.windows.settings as windows_settings

    texts = []
    for module in (tokens_settings, windows_settings):
        def spy(text, *args, _original=module.clean_text, **kwargs):
            texts.append(text)
            return _original(text, *args, **kwargs)
        monkeypatch.setattr(module, "clean_text", spy)
    return texts


@pytest.mark.parametrize(
    "route",
    ["gradio_api/run/tokenize", "gradio_api/run/tokenize/", "gradio_api/api/tokenize", "gradio_api/api/tokenize/",
     "run/tokenize", "api/tokenize", "gradio_api/run/windows", "gradio_api/api/windows",
     "gradio_api/run/predict", "gradio_api/run/embed"],
)
def test_direct_post_does_not_run_the_function(client, app_url, seen, route):
    """queue(api_open=False): a direct POST must be refused (4xx) and the handler must not run;
    the same text sent through the queue does reach it (so the spy can see a run). The last two
    name the event by fn_index, which gradio prefers to the name in the path."""
    marker = f"direct post probe {uuid.uuid4().hex}"
    data = [marker, "bpe", 4, 4, 1, False] if "windows" in route else [marker, "bpe", True]
    body = {"data": data}
    if route.endswith(("predict", "embed")):
        body["fn_index"] = next(d["id"] for d in client.config["dependencies"] if d.get("api_name") == "tokenize")
    response = httpx.post(app_url + route, json=body, timeout=30)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert marker not in response.text
    time.sleep(0.2)
    assert marker not in seen, f"{route} ran the handler"
    assert tokenize(client, marker)["local"]["ids"]
    assert marker in seen  # control: a queued call is seen
    assert_still_works(client)


def test_no_handler_of_the_app_runs_outside_the_queue(client, app_url):
    """Every event with a Python handler refuses /run and /api, by name and by fn_index
    (`/gradio_api/run/predict` with {"fn_index": n} picks the event by number, whatever the name).

    gradio registers two kinds of events with queue=False, which api_open=False cannot close:
    JavaScript-only events (tab switches, copy link; no backend function: a direct post gets a 500
    and a traceback in the log, and runs nothing) and gr.Examples' loader `load_example` (gradio's
    own code: it returns one of the fixed examples). This pins that set, so a new queue=False event
    with app code in it fails here."""
    deps = client.config["dependencies"]
    unqueued = {d["api_name"]: d["backend_fn"] for d in deps if not d.get("queue", True)}
    assert {name for name, backend in unqueued.items() if backend} == {"load_example"}, unqueued
    queued = [d for d in deps if d.get("queue", True) and d["backend_fn"]]
    assert {"tokenize", "windows", "embed", "token_ids", "train"} <= {d["api_name"] for d in queued}
    statuses = {}
    with httpx.Client(timeout=30) as http:
        for d in queued:
            for prefix in ("run", "api"):
                statuses[f"{prefix}/{d['api_name']}"] = http.post(f"{app_url}gradio_api/{prefix}/{d['api_name']}",
                                                                 json={"data": []}).status_code
            statuses[f"fn_index={d['id']}"] = http.post(f"{app_url}gradio_api/run/predict",
                                                        json={"data": [], "fn_index": d["id"]}).status_code
        example = http.post(f"{app_url}gradio_api/run/load_example", json={"data": [0]})
    refused = {k: s for k, s in statuses.items() if not 400 <= s < 500}
    assert not refused, f"answered outside the queue: {refused}"
    from minilm.lang import EXAMPLES

    assert example.status_code == 200 and example.json()["data"][0]["value"] == EXAMPLES[0]
    assert_still_works(client)


@pytest.mark.parametrize("path", ["monitoring", "monitoring/summary", "monitoring/0123456789abcdef",
                                  "gradio_api/monitoring", "gradio_api/monitoring/summary"])
def test_monitoring_is_not_served(client, app_url, path):
    """launch(enable_monitoring=False): no analytics page, no summary of everyone's events."""
    response = httpx.get(app_url + path, timeout=30, follow_redirects=False)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert "avg_duration" not in response.text and "functions" not in response.text
    assert_still_works(client)


# ---------------------------------------------------------------- path traversal

SECRETS = {b"root:": "/etc/passwd", b"def build_demo": "app.py", b"def load_gemma": "minilm/tokens/gemma.py",
           b"PATH=/": "/proc/self/environ"}
PROBES = [
    "/file=/etc/passwd",
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=//etc/passwd",
    "/gradio_api/file=%2fetc%2fpasswd",
    "/gradio_api/file=file:///etc/passwd",
    "/gradio_api/file/etc/passwd",
    "/gradio_api/file=/proc/self/environ",
    "/gradio_api/file=../app.py",
    "/gradio_api/file=app.py",
    "/gradio_api/file=./app.py",
    f"/gradio_api/file={ROOT}/app.py",
    f"/gradio_api/file={urllib.parse.quote(str(ROOT / 'app.py'), safe='')}",
    "/gradio_api/file=%2e%2e/app.py",
    "/gradio_api/file=%2e%2e%2fapp.py",
    "/gradio_api/file=..%2fapp.py",
    "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/gradio_api/file=/tmp/gradio/../../etc/passwd",
    "/gradio_api/file=/tmp/gradio/%2e%2e/%2e%2e/etc/passwd",
    "/gradio_api/file=minilm/tokens/gemma.py",
    f"/gradio_api/file={ROOT}/minilm/tokens/gemma.py",
    "/app.py",
    "/minilm/tokens/gemma.py",
    "/../app.py",
    "/%2e%2e/app.py",
    "/assets/../app.py",
    "/assets/..%2f..%2fapp.py",
    "/static/../../app.py",
    "/gradio_api/static/../../app.py",
    "/theme.css/../app.py",
]


def raw_get(app_url: str, path: str) -> tuple[int, bytes]:
    """GET `path` exactly as written: http.client neither normalises `..` nor re-encodes `%2e`."""
    url = urllib.parse.urlsplit(app_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_path_traversal_probes_serve_no_file(client, app_url):
    """No probe may return the file it names: 4xx, or a 200 that is not the file (the page)."""
    results = {path: raw_get(app_url, path) for path in PROBES}
    leaked = {path: (status, [SECRETS[s] for s in SECRETS if s in body]) for path, (status, body) in results.items()
              if any(s in body for s in SECRETS)}
    assert not leaked, leaked
    errors = {path: status for path, (status, _) in results.items() if status >= 500}
    assert not errors, errors
    assert all(400 <= status < 500 or status == 200 for status, _ in results.values())
    assert_still_works(client)


def test_file_route_is_no_proxy_to_loopback(client, app_url):
    """/file=<url> fetches public URLs server-side; loopback and private addresses must be refused,
    or anyone could read services that listen only on the Space's own 127.0.0.1 (SSRF)."""
    for target in (f"{app_url}config", "http://127.0.0.1:22/", "http://localhost/", "http://169.254.169.254/latest/meta-data/"):
        status, body = raw_get(app_url, "/gradio_api/file=" + target)
        assert 400 <= status < 500, (target, status, body[:200])
        assert b"dependencies" not in body
    assert_still_works(client)


# ---------------------------------------------------------------- more clients than the queue holds

# A run that really queues: /train has its own concurrency_limit=1, so jobs wait one behind the other.
TINY_TRAIN = dict(source="corpus", n_blocks=0, embedding_dim=16, context_length=8, stride=8, batch_size=4, steps=10)
# The flood took 14.8 s here (2 CPUs, other work running); 180 s leaves 10x room, so only a hang fails it.
FLOOD_JOBS, FLOOD_CLIENTS, FLOOD_BUDGET_S = 150, 6, 180


def test_more_jobs_than_the_queue_holds(client, app_url):
    """150 jobs at once against queue(max_size=64): each ends with its result or with gradio's
    documented 'Queue is full! Please try again.' (HTTP 503), nothing else, within the time
    budget; the limit really applies (some are turned away), and the app answers afterwards."""
    flooders = [Client(app_url, verbose=False) for _ in range(FLOOD_CLIENTS)]
    try:
        started = time.monotonic()
        jobs = [flooders[k % FLOOD_CLIENTS].submit(**TINY_TRAIN, api_name="/train") for k in range(FLOOD_JOBS)]
        outcomes, others = Counter(), []
        for job in jobs:
            try:
                last = job.result(timeout=max(0.1, started + FLOOD_BUDGET_S - time.monotonic()))
                assert last["step"] == last["steps"] == 10 and last["done"], last
                outcomes["result"] += 1
            except QueueError as err:
                assert str(err) == "Queue is full! Please try again."
                outcomes["queue full"] += 1
            except TimeoutError:
                outcomes["timed out"] += 1
            except Exception as err:  # noqa: BLE001  (any other kind is the failure being looked for)
                others.append(repr(err)[:200])
        elapsed = time.monotonic() - started
        print(f"\n[flood] {FLOOD_JOBS} /train jobs from {FLOOD_CLIENTS} clients: {dict(outcomes)}, "
              f"other errors {len(others)}, {elapsed:.1f} s")
        assert others == []
        assert outcomes["timed out"] == 0, f"jobs still unfinished after {FLOOD_BUDGET_S} s"
        assert outcomes["queue full"] > 0, "the queue never filled: max_size was not tested"
        assert outcomes["result"] >= 1
    finally:
        for flooder in flooders:
            flooder.close()
    assert_still_works(client)


# ---------------------------------------------------------------- in Chromium

PAYLOADS = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "${window.__pwned=2}${alert(2)}",
    "</span></td></table><script>window.__pwned=3;alert(3)</script>",
    '<a href="javascript:window.__pwned=4">x</a><b>bold</b>',  # Plotly reads some HTML in labels
]
NOT_RUN = """() => typeof window.__pwned === 'undefined'
    && document.querySelectorAll('img[src="x"], [href^="javascript"], [*|href^="javascript"]').length === 0
    && ![...document.querySelectorAll('script')].some(s => s.textContent.includes('__pwned'))"""


class Page:
    """A fresh browser context on the app, every dialog recorded, no network but the app."""

    def __init__(self, browser, url, path=""):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1100})
        self.page = self.context.new_page()
        self.dialogs = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        block_off_host(self.context, url)
        self.page.goto(url + path)

    def assert_nothing_ran(self, what):
        self.page.wait_for_timeout(500)  # time for a (failed) image load to fire onerror
        assert self.dialogs == [], f"a dialog opened for {what!r}"
        assert self.page.evaluate(NOT_RUN), f"markup or script from {what!r} is live on the page"

    def prove_the_detectors_fire(self):
        """Control: markup that really is injected trips the same checks, so they can fail."""
        self.page.evaluate("() => document.body.insertAdjacentHTML('beforeend', "
                           "'<img src=x onerror=\"window.__pwned=99;alert(99)\">')")
        self.page.wait_for_function("() => window.__pwned === 99", timeout=WAIT_MS)
        self.page.wait_for_timeout(200)
        assert self.dialogs == ["99"] and not self.page.evaluate(NOT_RUN)

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(browser, app_url):
    pages = []

    def opener(path=""):
        pages.append(Page(browser, app_url, path))
        return pages[-1]

    yield opener
    for p in pages:
        p.close()


FIRST_X_IDS = """() => [...(document.querySelector('#windows-pairs table.mlm-pair')?.querySelectorAll('tr') || [])]
    .filter(tr => tr.querySelector('th')?.textContent === 'x')
    .flatMap(tr => [...tr.querySelectorAll('td .mlm-id')].map(e => e.textContent)).join()"""


@pytest.mark.browser
def test_injection_in_the_windows_tab_stays_text(open_page, client):
    """Windows cut from the Tokens tab's text: every payload is drawn as token cells (literal text)
    in the pairs table; no dialog, no script, no live element."""
    tab = open_page()
    page = tab.page
    page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)
    page.get_by_role("tab", name="Windows", exact=True).click()
    page.wait_for_selector("#windows-pairs table.mlm-pair", timeout=WAIT_MS)
    page.get_by_label("the text in the Tokens tab").check()
    tok = get_tokenizer("bpe")
    for payload in PAYLOADS:
        text = payload + " " + CAPITAL
        ids = tok.encode(text)
        page.get_by_role("tab", name="Tokens", exact=True).click()
        page.locator("#tokens-text textarea").fill(text)
        page.get_by_role("tab", name="Windows", exact=True).click()
        page.wait_for_function(f"want => ({FIRST_X_IDS})() === want", arg=",".join(map(str, ids[:12])), timeout=WAIT_MS)
        shown = page.locator("#windows-pairs table.mlm-pair").first.inner_text()
        assert visible(tok.backend.id_to_token(ids[1])) in shown
        tab.assert_nothing_ran(payload)
        assert page.locator("#windows-pairs img, #windows-pairs script, #windows-summary img").count() == 0
    tab.prove_the_detectors_fire()
    assert tokenize(client, CAPITAL)["local"]["ids"] == tok.encode(CAPITAL)


# What a visitor reads in Plotly's drawings, as Plotly draws them. 3D point labels are WebGL text
# (vectorize-text): entities show as typed ("&lt;" stays four characters), <br> and <b>/<i>/<sup>/<sub>
# pairs are read as markup, and an invisible WORD JOINER is not seen. Ticks, legend and hover are SVG:
# entities are resolved and any raw "<" may be read as a tag. "⟨markup⟩" stands for a label Plotly would
# not show as the token, so it can never equal the expected labels.
LABEL_3D = r"""s => /<(br|b|i|sup|sub)>/.test(s) ? '⟨markup⟩' : s.replaceAll('\u2060', '')"""
SVG_TEXT = r"""s => s.includes('<') ? '⟨markup⟩' : new DOMParser().parseFromString(s, 'text/html').documentElement.textContent"""
LABELS_3D = f"(plot, k) => JSON.stringify(Array.from(plot?.data?.[k]?.text || []).map({LABEL_3D}))"
HEATMAP_X = f"() => JSON.stringify(Array.from(document.querySelector('#emb-heatmap .js-plotly-plot')?.data?.[0]?.x || []).map({SVG_TEXT}))"
HEATMAP_TICKS = "() => [...document.querySelectorAll('#emb-heatmap .xtick text')].map(t => t.textContent)"
LEGEND = "() => [...document.querySelectorAll('#emb-scatter .legendtext')].map(t => t.textContent)"


def as_json(labels) -> str:
    return json.dumps(labels, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.browser
def test_injection_in_the_embeddings_sentences_stays_text(open_page, client):
    """Sentence A and B (the plots follow as one types) feed the 3D point labels, the legend and the
    heatmap ticks (both sentences' tokens, "A0 ...", "B0 ..."): each must show exactly the tokens or
    the sentence as typed, and nothing may run."""
    from minilm.lang import EMBEDDINGS_A, EMBEDDINGS_B

    tab = open_page("?tab=embeddings")
    page = tab.page
    page.wait_for_selector("#emb-heatmap .js-plotly-plot", timeout=WAIT_MS)
    tok = get_tokenizer("bpe")
    sentences = [EMBEDDINGS_A, EMBEDDINGS_B]
    for k, payload in enumerate(PAYLOADS):
        trace = k % 2  # A, B, A, B
        box = ("#emb-a textarea", "#emb-b textarea")[trace]
        sentences[trace] = payload + " " + CAPITAL
        labels = [[visible(tok.backend.id_to_token(j)) for j in tok.encode(t, add_special_tokens=False)] for t in sentences]
        page.locator(box).fill(sentences[trace])
        page.wait_for_function(f"([k, want]) => ({LABELS_3D})(document.querySelector('#emb-scatter .js-plotly-plot'), k) === want",
                               arg=[trace, as_json(labels[trace])], timeout=WAIT_MS)
        ticks = [f"{name}{i} {label}" for name, part in zip("AB", labels) for i, label in enumerate(part)]
        page.wait_for_function(f"want => ({HEATMAP_X})() === want", arg=as_json(ticks), timeout=WAIT_MS)
        # The SVG as drawn: Plotly may skip ticks when crowded, so those drawn are checked, the first always is.
        page.wait_for_function(f"want => (d => d.length > 0 && d[0] === want[0] && d.every(t => want.includes(t)))(({HEATMAP_TICKS})())",
                               arg=ticks, timeout=WAIT_MS)
        page.wait_for_function(f"([k, want]) => ({LEGEND})()[k]?.startsWith(want)",
                               arg=[trace, f"{'AB'[trace]}: {sentences[trace][:20]}"], timeout=WAIT_MS)
        tab.assert_nothing_ran(payload)
        assert not page.locator("#emb-note").inner_text().startswith("⚠️")
    assert tokenize(client, CAPITAL)["gemma"]["ids"] == CAPITAL_GEMMA_IDS


@pytest.mark.browser
def test_injection_in_the_train_tab_prompts_stays_text(open_page, client):
    """Train a 10-step model, then sample from a payload prompt and plot the payload's embeddings
    before and after training: the sample box shows the payload as text, the plot labels its
    tokens, and nothing runs."""
    tab = open_page("?tab=train")
    page = tab.page
    steps = page.locator("#train-steps input[type=number]")
    steps.fill("10")
    steps.press("Enter")
    page.locator("#train-start").click()
    page.wait_for_function("() => (document.querySelector('#train-status')?.innerText || '').includes('step 10/10')",
                           timeout=120_000)
    tok = get_tokenizer("bpe")
    for payload in PAYLOADS:
        prefix = tok.decode(tok.encode(clean_text(payload)[0]))
        page.get_by_label("continue this").fill(payload)
        page.get_by_role("button", name="Sample", exact=True).click()
        page.wait_for_function("want => document.querySelector('#train-sample textarea').value.startsWith(want)",
                               arg=prefix, timeout=WAIT_MS)
        page.get_by_label("embeddings of").fill(payload)
        page.get_by_role("button", name="Before and after training").click()
        labels = [visible(tok.backend.id_to_token(j)) for j in tok.encode(payload, add_special_tokens=False)]
        page.wait_for_function(f"want => [...document.querySelectorAll('.js-plotly-plot')].some(p => ({LABELS_3D})(p, 0) === want)",
                               arg=as_json(labels), timeout=WAIT_MS)
        tab.assert_nothing_ran(payload)
    assert tokenize(client, CAPITAL)["gemma"]["ids"] == CAPITAL_GEMMA_IDS


@pytest.mark.browser
def test_tab_closed_mid_training_leaves_the_app_working(browser, app_url, client):
    """Close the tab while a Train run (600 steps by default) streams its updates: gradio must drop
    the abandoned run (the train slot has concurrency_limit=1, so a run left going would make the
    next visitor wait for it), an API call must be answered, and a new tab must render chips."""
    first = Page(browser, app_url, "?tab=train")
    first.page.locator("#train-start").click()
    first.page.wait_for_function("() => /step \\d+\\/600/.test(document.querySelector('#train-status')?.innerText || '')",
                                 timeout=120_000)
    first.page.wait_for_timeout(1000)
    first.close()  # mid-run: the SSE stream is cut
    started = time.monotonic()
    last = client.submit(**TINY_TRAIN, api_name="/train").result(timeout=180)
    waited = time.monotonic() - started
    print(f"\n[closed tab] a 10-step /train after closing the tab mid-run finished in {waited:.1f} s")
    assert last["step"] == 10 and last["done"]
    assert waited < 20, f"the next run waited {waited:.0f} s: the abandoned run kept the train slot"
    assert_still_works(client)
    second = Page(browser, app_url)
    try:
        second.page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)
        assert second.page.locator("#tokens-local .mlm-chip").count() > 0
    finally:
        second.close()
