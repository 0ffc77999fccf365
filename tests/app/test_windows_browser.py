"""The Windows tab in a real browser: Debian's Chromium driven by Playwright against the launched app.

Why: the API tests prove the numbers; only a browser proves the page a learner reads. The sliders
send their values through the queue, the summary and the pairs table are redrawn by one event, and
the table is the lesson itself: x above y, y shifted by one. A table that shows a stale setting, or
a y that is not the shift of x, teaches the very mistake the tab exists to prevent.
"""

import os

import pytest

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from helpers import block_off_host
from minilm.assets import corpus_text
from minilm import get_tokenizer
from minilm.tokens.figures import visible
from minilm.windows.loader import count_windows, create_data_loader

pytestmark = [pytest.mark.slow, pytest.mark.browser]
SCREENSHOT = "/tmp/minilm_windows.png"
WAIT_MS = 20_000
SHOWN = 8  # windows drawn as tables (minilm.windows.figures.MAX_PAIRS)

# Every table as {row label: [[token text, id], ...]}; the id is the .mlm-id span, the text the rest.
READ_PAIRS = """() => [...document.querySelectorAll('#windows-pairs table.mlm-pair')].map(t =>
    Object.fromEntries([...t.querySelectorAll('tr')].map(tr => [tr.querySelector('th').textContent,
        [...tr.querySelectorAll('td')].map(td => { const id = td.querySelector('.mlm-id').textContent;
            return [td.textContent.slice(0, td.textContent.length - id.length), id]; })])))"""
SUMMARY = "() => document.querySelector('#windows-summary').innerText"




class Tab:
    """One page on the app, on the Windows tab once `open_windows` has run."""

    def __init__(self, browser, url):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        # No network but the app: anything else (fonts, CDNs, telemetry) is refused.
        block_off_host(self.context, url)
        self.page.goto(url)
        self.page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)  # first render done

    def open_windows(self):
        self.page.get_by_role("tab", name="Windows").click()
        self.page.wait_for_selector("#windows-pairs table.mlm-pair", timeout=WAIT_MS)

    def set_slider(self, elem_id, value):
        box = self.page.locator(f"#{elem_id} input[type=number]")
        box.fill(str(value))
        box.press("Enter")

    def summary(self):
        return self.page.evaluate(SUMMARY)

    def wait_summary(self, part):
        """Wait until the summary contains `part`, then assert it (so a timeout shows the text)."""
        try:
            self.page.wait_for_function(f"part => ({SUMMARY})().includes(part)", arg=part, timeout=WAIT_MS)
        except PlaywrightTimeout:
            pass
        assert part in self.summary()

    def pairs(self):
        return self.page.evaluate(READ_PAIRS)


@pytest.fixture
def tab(browser, app_url):
    opened = Tab(browser, app_url)
    yield opened
    opened.context.close()


def corpus_windows(context_length, stride):
    """What the page should draw: the corpus ids (encode_long, as the app) and the first windows."""
    ids = get_tokenizer("bpe").encode_long(corpus_text())
    rows = []
    for x, y in create_data_loader(ids, context_length, stride):
        rows.append((x[0].tolist(), y[0].tolist()))
        if len(rows) == SHOWN:
            break
    return ids, rows


def assert_shifted(tables, ids, stride):
    """Independent of the loader: table k is ids[k*stride:] cut to length, y the same one token on."""
    for k, table in enumerate(tables):
        x, y = [int(i) for _, i in table["x"]], [int(i) for _, i in table["y"]]
        assert x == ids[k * stride:k * stride + len(x)] and y == ids[k * stride + 1:k * stride + 1 + len(x)]


def cells(ids):
    tok = get_tokenizer("bpe")
    return [[visible(tok.backend.id_to_token(i)), str(i)] for i in ids]


@pytest.mark.parametrize("context_length, stride", [(6, 4), (5, 9)], ids=["overlap", "gap"])
def test_sliders_redraw_summary_and_pairs(tab, context_length, stride):
    """Set stride, then context_length, by their number boxes: the summary must reach the count the
    formula gives and the tables must be the loader's first windows, token by token, id by id."""
    tab.open_windows()
    ids, rows = corpus_windows(context_length, stride)
    n = count_windows(len(ids), context_length, stride)
    assert n == len(list(create_data_loader(ids, context_length, stride)))  # formula == loader
    default = tab.summary()
    tab.set_slider("windows-stride", stride)
    tab.page.wait_for_function(f"before => ({SUMMARY})() !== before", arg=default, timeout=WAIT_MS)
    tab.set_slider("windows-context", context_length)
    tab.wait_summary(f"{len(ids):,} tokens → {n:,} windows → {n:,} batches")
    tab.wait_summary(f"[1, {context_length}] tensors")
    assert tab.pairs() == [{"x": cells(x), "y": cells(y)} for x, y in rows]
    assert_shifted(tab.pairs(), ids, stride)
    assert f"showing {SHOWN} of {n:,} windows" in tab.page.locator("#windows-pairs").inner_text()


def test_mistake_row_copies_x(tab):
    """The common mistake, y = x, must be drawn as a third row equal to x (and different from the
    real y), so the learner can see the target is the token already being read."""
    tab.open_windows()
    ids, rows = corpus_windows(12, 12)
    assert [list(t) for t in tab.pairs()] == [["x", "y"]] * SHOWN
    tab.page.get_by_label("show the common mistake (y = x)").check()
    try:
        tab.page.wait_for_function(f"() => ({READ_PAIRS})().every(t => 'y = x ✗' in t)", timeout=WAIT_MS)
    except PlaywrightTimeout:
        pass
    tables = tab.pairs()
    assert [list(t) for t in tables] == [["x", "y", "y = x ✗"]] * SHOWN
    for table, (x, y) in zip(tables, rows):
        assert table["y = x ✗"] == table["x"] == cells(x) and table["y"] == cells(y) != table["x"]
    assert tab.page.locator("#windows-pairs tr.mlm-bad").count() == SHOWN
    tab.wait_summary("The mistake, shown in red")
    tab.page.screenshot(path=SCREENSHOT, full_page=True)
    assert os.path.getsize(SCREENSHOT) > 10_000


def test_short_tokens_text_says_what_is_needed_then_corpus_works(tab):
    """Windows cut from the Tokens tab's text: a short text must give the 'needs at least' message
    (and no stale table under it); going back to the corpus must draw the corpus windows again."""
    text = "hi there"
    short_ids = [str(i) for i in get_tokenizer("bpe").encode(text)]
    n_short = len(short_ids)
    tab.page.locator("#tokens-text textarea").fill(text)
    tab.page.wait_for_function(  # the Tokens tab has caught up with the new text
        "want => [...document.querySelectorAll('#tokens-local .mlm-chip .mlm-id')]"
        ".map(e => e.textContent).join() === want",
        arg=",".join(short_ids), timeout=WAIT_MS)
    tab.open_windows()
    tab.page.get_by_label("the text in the Tokens tab").check()
    tab.wait_summary(f"the text has {n_short} tokens; context_length 12 needs at least 13")
    assert tab.summary().startswith("⚠️")
    assert tab.page.locator("#windows-pairs table.mlm-pair").count() == 0
    tab.page.get_by_label("assets/text.txt").check()
    ids, rows = corpus_windows(12, 12)
    tab.wait_summary(f"{len(ids):,} tokens → {count_windows(len(ids), 12, 12):,} windows")
    assert tab.pairs() == [{"x": cells(x), "y": cells(y)} for x, y in rows]
    assert_shifted(tab.pairs(), ids, 12)
