"""The Train tab in a real browser (Debian's Chromium under Playwright), as a learner uses it.

Why: issue 11 was found on the page, not in handlers: Stop threw the model away and put a red
"Error" on the status, a seed of 3.5 silently ran as 4, the legend covered the step axis, A4 (one or
two steps) could not be set, and the Gemma column never filled in after "loading". Expected values
come from outside the app: the guide's A4, docs/gemma.md's next tokens, Babel's Turkish numbers.
"""

import math
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from babel.numbers import format_decimal

from helpers import block_off_host
from minilm.lang import EN, TR

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WAIT_MS = 60_000
STATUS = "() => document.querySelector('#train-status')?.innerText || ''"
# Plotly's figure in #train-chart: traces, axis titles, legend placement, and where the legend and the
# x axis title are drawn (their boxes must not overlap).
CHART = """() => { const el = document.querySelector('#train-chart .js-plotly-plot'); if (!el || !el.data) return null;
  const box = (sel) => { const b = el.querySelector(sel)?.getBoundingClientRect(); return b ? [b.left, b.top, b.right, b.bottom] : null; };
  return {traces: el.data.map(d => ({name: d.name, x: Array.from(d.x || []), y: Array.from(d.y || []), mode: d.mode})),
          xtitle: el.layout.xaxis.title.text, legend: el.layout.legend,
          annotations: (el.layout.annotations || []).map(a => a.text),
          legendBox: box('.legend'), xtitleBox: box('.xtitle')}; }"""
# A gr.Dataframe's rows as cell texts (gradio 6 draws them as role=row / role=gridcell divs).
ROWS = """sel => [...document.querySelectorAll(sel + ' [role=row][data-index]')].map(r =>
  [...r.querySelectorAll('[role=gridcell]')].map(c => c.innerText.trim()))"""
ERRORS = """() => ['#train-status', '#train-chart'].flatMap(sel => [...document.querySelectorAll(sel + ' .error')]
  .map(e => e.innerText)).concat(document.querySelector('#train-status')?.closest('.block')?.innerText.includes('Error') ? ['Error'] : [])"""


def open_train(browser, url, lang):
    locale = "tr-TR" if lang == "tr" else "en-US"
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale,
                                  extra_http_headers={"Accept-Language": f"{locale},{lang};q=0.9"})
    page = context.new_page()
    block_off_host(context, url)
    page.goto(f"{url}?tab=train")
    page.wait_for_selector("#train-start", timeout=WAIT_MS)
    page.wait_for_function("() => (document.querySelector('#train-windows')?.innerText || '').length > 0", timeout=WAIT_MS)
    return context, page


def type_number(page, elem_id, value):
    """Type a number and leave the box, as a person does before reaching for Start (gradio takes the
    value on Enter or blur; a click that lands first would still send the old one)."""
    box = page.locator(f"#{elem_id} input[type=number]")
    box.fill(str(value))
    box.press("Enter")
    box.press("Tab")
    page.wait_for_timeout(300)


def note_once_it_has(page, text):
    """The Train tab's window note, once it contains `text` (or as it is after WAIT_MS: the caller's assertion shows it)."""
    try:
        page.wait_for_function("t => (document.querySelector('#train-windows')?.innerText || '').includes(t)", arg=text,
                               timeout=WAIT_MS)
    except PlaywrightTimeout:
        pass
    return page.locator("#train-windows").inner_text()


def wait_status(page, pattern):
    """Wait until the status matches `pattern`, then assert it (so a timeout shows the status instead)."""
    try:
        page.wait_for_function(f"() => new RegExp({pattern!r}).test(({STATUS})())", timeout=WAIT_MS)
    except PlaywrightTimeout:
        pass
    status = page.evaluate(STATUS)
    assert re.search(pattern, status), f"status {status!r} does not match {pattern!r}"
    return status


def test_stop_keeps_the_model_and_next_token_fills_in_by_itself(browser, app_url):
    """Stop at some step of 3,000: the status says where, no Error badge, and Sample, Before and after
    and Next token all use that model. Next token's Gemma column fills in without a second click once
    Gemma has loaded, with <start_of_image> (docs/gemma.md: second after ▁paris) marked and explained."""
    context, page = open_train(browser, app_url, "en")
    type_number(page, "train-steps", 3000)
    page.locator("#train-start").click()
    wait_status(page, r"step [1-9]\d*/3,?000")  # running (the old page wrote 3000)
    page.locator("#train-stop").click()
    stopped = wait_status(page, r"Stopped at step \d+ of 3,000")
    step = int(re.search(r"Stopped at step (\d+) of", stopped)[1])
    assert 0 < step < 3000 and EN["train_stopped_at"].split("{")[0] in stopped
    page.wait_for_timeout(2000)
    assert page.evaluate(STATUS) == stopped  # nothing runs on
    assert page.evaluate(ERRORS) == []

    page.get_by_role("button", name=EN["sample"]).click()
    page.wait_for_function("() => (document.querySelector('#train-sample textarea')?.value || '').length > 0", timeout=WAIT_MS)
    sampled = page.locator("#train-sample textarea").input_value()
    assert sampled.startswith("the capital of") and sampled != EN["train_first"]

    page.get_by_role("button", name=EN["next_token"]).click()
    page.wait_for_function(f"() => ({ROWS})('#next-tiny').length >= 3", timeout=WAIT_MS)
    # No second click: the timer fills the Gemma column once the model has loaded (half a minute or more).
    page.wait_for_function(f"() => ({ROWS})('#next-gemma').length >= 3", timeout=240_000)
    rows = page.evaluate(ROWS, "#next-gemma")
    assert rows[0][0] == "▁paris" and rows[1][0] == "◆ <start_of_image>" and rows[1][1] == "255999"
    note = page.locator("#next-note").inner_text()
    assert "◆ marks special tokens (<start_of_image>)" in note and EN["train_for_left"] not in note
    context.close()


def test_a4_seed_chart_and_status_in_turkish(browser, app_url):
    """In Turkish: the next-token tables' headers from the start; a seed of 3.5 or 99999999999999999999 gets one clear message and the next run works;
    the A4 button sets up the guide's single-layer model for two steps, and every step's loss is listed
    with decimal commas, going down; the chart speaks Turkish and its legend keeps off the step axis."""
    context, page = open_train(browser, app_url, "tr")
    page.wait_for_function("() => document.querySelector('#next-gemma th')?.innerText.trim() === 'bir sonraki token'", timeout=WAIT_MS)
    headers = page.evaluate("() => [...document.querySelectorAll('#next-gemma th')].map(th => th.innerText.trim())")
    assert headers == ["bir sonraki token", "token id’si", "olasılık"]  # before any click
    expected = "seed 0 ile 2.147.483.647 arasında bir tam sayı olmalı"
    for seed in ("3.5", "99999999999999999999"):
        type_number(page, "train-seed", seed)
        page.locator("#train-start").click()
        wait_status(page, expected)
    assert page.evaluate(ERRORS) == []

    type_number(page, "train-seed", 1)
    page.get_by_role("button", name=TR["a4_button"]).click()
    page.wait_for_function("() => document.querySelector('#train-steps input[type=number]').value === '2' && "
                           "document.querySelector('#train-blocks input[type=number]').value === '0'", timeout=WAIT_MS)
    status = wait_status(page, "düştü|düşmedi")
    assert "adım 2/2" in status
    headers = page.evaluate("() => [...document.querySelectorAll('#train-status thead th')].map(th => th.innerText.trim())")
    assert headers == ["adım", "eğitim loss’u", "doğrulama loss’u"]
    rows = page.evaluate("() => [...document.querySelectorAll('#train-status tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim()))")
    assert [r[0] for r in rows] == ["0", "1", "2"] and rows[0][1] == "–"
    losses = [float(r[2].replace(",", ".")) for r in rows]  # validation: the same held-out windows each step
    assert all(re.fullmatch(r"\d,\d{3}", r[2]) for r in rows) and losses[2] < losses[1] < losses[0]
    assert abs(losses[0] - math.log(1024)) < 0.05 and "düştü" in status

    page.wait_for_function(f"() => (({CHART})()?.traces || []).some(t => t.name.endsWith(': eğitim') && t.x.length === 2)",
                           timeout=WAIT_MS)
    chart = page.evaluate(CHART)
    assert chart["xtitle"] == "adım"
    ln = format_decimal(math.log(1024), format="0.00", locale="tr")
    baseline = next(t for t in chart["traces"] if t["name"].startswith(f"ln 1.024 = {ln}"))  # a legend entry: nothing
    assert baseline["y"] == [pytest.approx(math.log(1024))] * 2 and chart["annotations"] == []  # written over the curves
    train = next(t for t in chart["traces"] if t["name"].endswith(": eğitim"))
    assert train["x"] == [1, 2] and "markers" in train["mode"]
    legend, title = chart["legendBox"], chart["xtitleBox"]
    assert legend[3] <= title[1] or legend[1] >= title[3], (legend, title)  # one above the other, not overlapping
    assert "Yerel BPE" in page.locator("#train-windows").inner_text()
    page.locator("#train-chart").screenshot(path="/tmp/minilm_train_chart_tr.png")
    context.close()


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_tab_follows_the_windows_tab_when_opened(browser, app_url, lang):
    """Windows set to context_length 8, stride 4 on the Windows tab: opening Train shows the same values
    and a note that counts their windows (the loader's formula on the corpus, Babel's numbers). The copy
    happens in the browser and the note is redrawn when the tab opens (bench/page_latency.py)."""
    from minilm import get_tokenizer
    from minilm.assets import corpus_text
    from minilm.windows.loader import count_windows

    words = {**EN, **TR} if lang == "tr" else EN
    context, page = open_train(browser, app_url, lang)
    try:
        page.get_by_role("tab", name=words["tab_windows"], exact=True).click()
        for elem_id, value in (("windows-stride", 4), ("windows-context", 8)):
            type_number(page, elem_id, value)
        n = count_windows(len(get_tokenizer("bpe").encode_long(corpus_text())), 8, 4)
        page.wait_for_function("() => (document.querySelector('#windows-summary')?.innerText || '').includes('[1, 8]')",
                               timeout=WAIT_MS)
        page.get_by_role("tab", name=words["tab_train"], exact=True).click()
        shown = format_decimal(n, locale="tr_TR" if lang == "tr" else "en_US")
        assert shown in note_once_it_has(page, shown)
        assert [page.locator(f"#{i} input[type=number]").input_value() for i in ("train-context", "train-stride")] == ["8", "4"]
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_with_the_tail_kept_the_note_counts_what_the_windows_tab_shows(browser, app_url, lang):
    """Walk: with "keep the tail" ticked, the Windows tab showed 2,472 windows while the Train note said that tab showed
    2,471. The Windows tab's total (the loader's formula with the tail kept, Babel's numbers) is now in the note too,
    with the one padded window training leaves out."""
    from minilm import get_tokenizer
    from minilm.assets import corpus_text
    from minilm.windows.loader import count_windows

    words = {**EN, **TR} if lang == "tr" else EN
    n_tokens = len(get_tokenizer("bpe").encode_long(corpus_text()))
    kept, trained = count_windows(n_tokens, 12, 12, keep_tail=True), count_windows(n_tokens, 12, 12)
    assert kept == trained + 1
    shown = format_decimal(kept, locale="tr_TR" if lang == "tr" else "en_US")
    padded = {"en": "also shows one padded window after them", "tr": "doldurulmuş bir pencere daha gösterir"}[lang]
    context, page = open_train(browser, app_url, lang)
    try:
        page.get_by_role("tab", name=words["tab_windows"], exact=True).click()
        page.get_by_label(words["keep_tail"]).check()
        page.wait_for_function("n => (document.querySelector('#windows-summary')?.innerText || '').includes(n)", arg=shown,
                               timeout=WAIT_MS)
        page.get_by_role("tab", name=words["tab_train"], exact=True).click()
        note = note_once_it_has(page, padded)
        assert padded in note and shown in note, note
        assert format_decimal(trained, locale="tr_TR" if lang == "tr" else "en_US") in note
    finally:
        context.close()


def test_a_link_into_the_tab_describes_its_own_windows(browser, app_url):
    """A link that opens Train with context_length 5 and stride 3 (a review found the note and the code
    still describing 12 and 12): the sliders, the note's count (the loader's formula, Turkish numbers)
    and the code all say 5 and 3."""
    from minilm import get_tokenizer
    from minilm.assets import corpus_text
    from minilm.windows.loader import count_windows

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="tr-TR")
    block_off_host(context, app_url)
    page = context.new_page()
    try:
        page.goto(f"{app_url}?lang=tr&tab=train&context_length=5&stride=3&steps=50")
        page.wait_for_selector("#train-start", timeout=WAIT_MS)
        n = format_decimal(count_windows(len(get_tokenizer("bpe").encode_long(corpus_text())), 5, 3), locale="tr_TR")
        try:
            page.wait_for_function("n => (document.querySelector('#train-windows')?.innerText || '').includes(n)", arg=n,
                                   timeout=WAIT_MS)
        except PlaywrightTimeout:
            pass
        assert n in page.locator("#train-windows").inner_text()
        assert [page.locator(f"#{i} input[type=number]").input_value() for i in ("train-context", "train-stride")] == ["5", "3"]
        page.get_by_text(TR["show_code"]).last.click()
        page.wait_for_function("() => (document.querySelector('#train-code .cm-content')?.innerText || '').includes('stride=3')",
                               timeout=WAIT_MS)
        assert "context_length=5, stride=3" in page.locator("#train-code .cm-content").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_note_names_the_windows_tab_only_while_it_shows_the_same_windows(browser, app_url, lang):
    """Review: with Train's own context_length and stride moved to 8 and 8 (the Windows tab still at 12 and 12), the
    note said "the Windows tab shows" for windows that tab does not show. Moved here, the note counts this tab's
    windows (the loader's formula on the corpus, Babel's numbers) and says the settings are its own; moved back to
    the Windows tab's 12 and 12, it names that tab again."""
    from minilm import get_tokenizer
    from minilm.assets import corpus_text
    from minilm.windows.loader import count_windows

    tabs, own = {"en": ("the Windows tab shows", "this tab’s own"), "tr": ("için gösterdiği", "bu sekmenin kendi ayarları")}[lang]
    n_tokens = len(get_tokenizer("bpe").encode_long(corpus_text()))
    context, page = open_train(browser, app_url, lang)

    def note_counting(context_length, stride):
        n = format_decimal(count_windows(n_tokens, context_length, stride), locale="tr_TR" if lang == "tr" else "en_US")
        note = note_once_it_has(page, n)
        assert n in note, note
        return note

    try:
        note = note_counting(12, 12)
        assert tabs in note and own not in note
        for elem_id, value in (("train-context", 8), ("train-stride", 8)):
            type_number(page, elem_id, value)
        note = note_counting(8, 8)
        assert tabs not in note and own in note, note
        for elem_id, value in (("train-context", 12), ("train-stride", 12)):
            type_number(page, elem_id, value)
        note = note_counting(12, 12)
        assert tabs in note and own not in note, note
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_note_follows_a_number_typed_key_by_key(browser, app_url, lang):
    """Review walk: "16" typed into context_length at a person's pace left the note and the code at "context_length 1"
    (the note's event ran in gradio's default "once" mode, which drops the inputs that come while one runs). The
    note must end counting the windows of what the box shows (the loader's formula, Babel's numbers), the code too."""
    from minilm import get_tokenizer
    from minilm.assets import corpus_text
    from minilm.windows.loader import count_windows

    n_tokens = len(get_tokenizer("bpe").encode_long(corpus_text()))
    context, page = open_train(browser, app_url, lang)
    try:
        page.get_by_text({"en": EN, "tr": TR}[lang]["show_code"]).last.click()  # the code, opened as a learner does
        page.wait_for_selector("#train-code .cm-content", timeout=WAIT_MS)
        for typed in ("16", "12"):
            box = page.locator("#train-context input[type=number]")
            box.click()
            box.press("Control+a")
            page.keyboard.type(typed, delay=40)
            n = format_decimal(count_windows(n_tokens, int(typed), 12), locale="tr_TR" if lang == "tr" else "en_US")
            try:  # the windows' count alone could be a number already in the note (2,470 in "windows 2,224–2,470")
                page.wait_for_function("([n, c]) => { const t = document.querySelector('#train-windows')?.innerText || '';"
                                       " return t.includes(n) && t.includes(c); }", arg=[n, f"context_length {typed},"],
                                       timeout=WAIT_MS)
            except PlaywrightTimeout:
                pass
            assert box.input_value() == typed
            note = page.locator("#train-windows").inner_text()
            assert f"context_length {typed}," in note and n in note, note
            assert f"context_length={typed}," in page.locator("#train-code .cm-content").inner_text()
    finally:
        context.close()
