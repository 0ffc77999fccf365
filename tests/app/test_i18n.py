"""English and Turkish: the two dictionaries agree, numbers follow the language, one choice per page
view (browser default, the switch, gradio's Settings, `lang=`) drives the server's words too, and a
browser set to Turkish (or English) sees the whole static page and the computed summary in it.

Why: the audience reads Turkish. A key missing from `TR` silently shows English; a `{` or `}` is
read by the browser's i18n engine (svelte-i18n / ICU MessageFormat) as a placeholder and breaks the
text; and only a real browser proves that the page's locale changed, that tab titles gradio does not
redraw were relabelled, and that the text the server writes followed the page's choice.
"""

import os
import re
from types import SimpleNamespace

import pytest

import string

from helpers import block_off_host
from minilm.lang import EN, TR, say
from minilm.ui.page import language
from minilm.windows.figures import summary as windows_summary
from minilm.windows.loader import window_stats

# Values that are the same in both languages on purpose: nothing in them is English prose.
SAME_IN_BOTH = {
    "tokenizer_gemma",  # "Gemma 3": a model name
    "corpus_source",  # "assets/text.txt": a file name
    "gemma3",  # "Gemma 3": a model name
    "gemma_embed",  # "Gemma 3 embed_tokens": a model name and a code identifier
    "gemma_270m",  # "Gemma 3 270M": a model name
    "tokenizer",  # "Tokenizer": the Turkish guide uses the English term as is
    "count_batches_one",  # "{n:,} batch": the guide keeps "batch" (docs/turkish.md), Turkish has no plural after a number
}
# Not in the list although short: "tab_tokens" (Token’lar), "pairs" (çiftler), "loss" (kayıp (loss)):
# each is an English word on screen, so Turkish gets a Turkish word.

CODE_SPAN = re.compile(r"`[^`]+`")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_same_keys_same_fields_and_translated():
    """Texts with {fields} are filled on the server and must name the same fields in both languages;
    the plain ones go to the browser, whose i18n engine would read any brace as a placeholder."""
    assert set(TR) == set(EN), f"only EN: {sorted(set(EN) - set(TR))}; only TR: {sorted(set(TR) - set(EN))}"
    for key in EN:
        assert fields(TR[key]) == fields(EN[key]), key
    for lang, texts in (("en", EN), ("tr", TR)):
        for key, text in texts.items():
            assert "." not in key, f"{key!r}: the browser's i18n reads dots in keys as nesting"
            assert isinstance(text, str) and text.strip(), f"{lang}[{key!r}] is empty"
            if fields(EN[key]):
                continue  # filled on the server, never sent to the browser
            assert "{" not in text and "}" not in text, f"{lang}[{key!r}] has a brace (read as a placeholder)"
            # ICU MessageFormat: an ASCII apostrophe before { } < > or another ' starts a quoted run
            # (or is swallowed); Turkish suffixes use ’ (U+2019), as the guide does.
            assert not re.search(r"'[{}<>']", text), f"{lang}[{key!r}] has an apostrophe ICU would read as a quote"
    untranslated = sorted(k for k in EN if TR[k] == EN[k] and k not in SAME_IN_BOTH)
    assert untranslated == [], f"TR equals EN for {untranslated}"
    assert SAME_IN_BOTH <= set(EN)


def test_turkish_keeps_markdown_code_and_symbols():
    """Bold, code spans, line structure and the visible-whitespace symbols survive translation."""
    for key, en in EN.items():
        tr = TR[key]
        assert tr.count("**") == en.count("**"), key
        assert tr.count("\n") == en.count("\n"), key
        assert tr.startswith("\n") == en.startswith("\n"), key  # windows_mistake is appended to the summary
        for span in CODE_SPAN.findall(en):
            assert span in tr, f"{key}: {span} lost"
        for symbol in ("▁", "␣", "↵", "⇥", "<bos>", "<unk>", "<0xF0>", "-100", "ln(", "√hidden_size"):
            if symbol in en:
                assert symbol in tr, f"{key}: {symbol} lost"


def _request(accept_language):
    return SimpleNamespace(headers={"accept-language": accept_language})


@pytest.mark.parametrize("header, lang", [
    ("tr-TR,tr;q=0.9", "tr"),
    ("tr", "tr"),
    ("TR-tr", "tr"),
    ("en-US", "en"),
    ("en-US,en;q=0.9,tr;q=0.8", "en"),  # Turkish only as a second choice: English
    ("de-DE", "en"),
    ("", "en"),
])
def test_language_from_accept_language(header, lang):
    assert language(_request(header)) == lang


def test_language_without_request_or_header():
    assert language(None) == "en"
    assert language(SimpleNamespace(headers={})) == "en"


def test_the_page_views_choice_beats_the_browser_header():
    """The switch, a link's lang= or the browser default as the page read it: once a page view chose,
    every handler of that view answers in it, whatever Accept-Language says; other views keep theirs."""
    from minilm.ui import page

    turkish_view = SimpleNamespace(headers={"accept-language": "en-US"}, session_hash="view-a")
    english_view = SimpleNamespace(headers={"accept-language": "tr-TR"}, session_hash="view-b")
    assert language(turkish_view) == "en" and language(english_view) == "tr"  # header until a choice
    assert page.choose_language("tr", turkish_view) == "tr"
    assert page.choose_language("xx", english_view) == "en"  # anything unknown reads as English
    assert language(turkish_view) == "tr" and language(english_view) == "en"
    page.forget_language(turkish_view)
    assert language(turkish_view) == "en"
    page.forget_language(english_view)


def test_remembered_views_are_bounded(monkeypatch):
    from minilm.ui import page

    monkeypatch.setattr(page, "MAX_VIEWS", 3)
    monkeypatch.setattr(page, "_CHOSEN", page.OrderedDict())
    views = [SimpleNamespace(headers={}, session_hash=f"v{i}") for i in range(5)]
    for view in views:
        page.choose_language("tr", view)
    assert list(page._CHOSEN) == ["v2", "v3", "v4"]  # the oldest views are forgotten first


def test_numbers_follow_the_language():
    """Turkish groups thousands with a dot and writes decimals with a comma (docs/turkish.md); Babel
    knows it, and every text with a number spec in it follows."""
    from minilm.lang import number

    assert number(29656, "tr") == "29.656" and number(29656, "en") == "29,656"
    assert number(0.25, "tr", ".3f") == "0,250" and number(0.25, "en", ".3f") == "0.250"
    assert number(0.18, "tr", "%") == "%18" and number(0.18, "en", "%") == "18%"
    assert say("count_tokens", "tr", n=29656) == "29.656 token" and say("count_tokens", "en", n=29656) == "29,656 tokens"


def test_windows_summary_and_say_follow_the_language():
    """100 tokens, context_length 12, stride 5, by hand: windows start at 0, 5, ..., 85 (85 + 13 <= 100 < 90 + 13),
    18 of them; neighbours share 12 - 5 = 7 tokens; the last input ends at token 96, so 97..99 (3) are in
    no input; targets cover 1..97, so 0, 98 and 99 (3) are never one. Every expected text is written here."""
    stats = window_stats(100, 12, 5, keep_tail=False)
    en = windows_summary(stats, 1, "en")
    assert en == (
        "**100 tokens → 18 windows → 18 batches** of up to 1.\n\n"
        "`x` and `y` are `[1, 12]` tensors (batch, context_length).\n\n"
        "Consecutive windows share 7 tokens (stride 5 < context_length 12).\n\n"
        "3 tokens are in no input (gaps and the dropped tail). 3 tokens are never a target.")
    assert windows_summary(stats, 1, "tr") == (
        "**100 token → 18 pencere → 18 batch** (en çok 1 pencere).\n\n"
        "`x` ve `y`, `[1, 12]` boyutlu tensörlerdir (batch, context_length).\n\n"
        "Ardışık pencereler 7 token paylaşır (stride 5 < context_length 12).\n\n"
        "3 token hiçbir girdide yok (boşluklar ve atılan kuyruk). 3 token hiç hedef olmuyor.")
    assert windows_summary(stats, 1, "xx") == en  # any other language: English
    assert say("windows_mistake", "en").startswith(
        "\n\n**The mistake, shown in red:** with `y = x` the target at each position is the token the model is\n")
    assert say("windows_mistake", "tr").startswith(
        "\n\n**Kırmızıyla gösterilen hata:** `y = x` olduğunda her konumdaki hedef, modelin zaten okumakta olduğu token’dır.\n")
    assert "The right target is `x` shifted by one token." in say("windows_mistake", "en")
    assert "Doğru hedef, bir token kaydırılmış `x`’tir." in say("windows_mistake", "tr")


# --- In Chromium -------------------------------------------------------------------------------

WAIT_MS = 20_000
SUMMARY = "() => document.querySelector('#windows-summary').innerText"
BODY_TEXT = "() => document.body.innerText.replace(/\\s+/g, ' ')"
TABS = ["tab_tokens", "tab_windows", "tab_embeddings", "tab_train"]
# Labels of the Tokens tab, each shown as a label, button or accordion title.
TOKENS_LABELS = ["local_tokenizer", "add_bos", "split_special", "own_tokenizer", "show_code", "whole_file",
                 "tokenizer_word", "copy_link"]
WINDOWS_LABELS = ["tokens_from", "keep_tail", "show_mistake", "download_pairs", "prompt_source"]


def plain(markdown: str) -> str:
    """The text a browser shows for a Markdown paragraph: no **, *, backticks or heading marks."""
    text = re.sub(r"^#+ ", "", markdown.strip(), flags=re.M)
    return re.sub(r"\s+", " ", text.replace("**", "").replace("*", "").replace("`", "")).strip()




def open_page(browser, url, locale, accept_language):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale,
                                  extra_http_headers={"Accept-Language": accept_language})
    page = context.new_page()
    # No network but the app: anything else (fonts, CDNs, telemetry) is refused.
    block_off_host(context, url)
    page.goto(url)
    page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)  # first render done
    return context, page


def wait_text(page, script, part):
    """Wait until `script`'s text contains `part`, then assert it (so a timeout shows the text)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"part => ({script})().includes(part)", arg=part, timeout=WAIT_MS)
    except PlaywrightTimeout:
        pass
    text = page.evaluate(script)
    assert part in text, f"{part!r} not on the page; it shows: {text[:3000]}"


def check_page(page, texts, other, summary_word, other_word, screenshot):
    """The page shows `texts` (one language's values) and not `other`'s; the summary says `summary_word`."""
    for key in TABS:
        tab = page.get_by_role("tab", name=texts[key], exact=True)
        assert tab.count() == 1 and tab.is_visible(), f"tab {texts[key]!r} ({key}) not shown"
    wait_text(page, BODY_TEXT, plain(texts["intro"]))
    for key in ("tokens_what", "boundaries_help", "tokens_mistakes"):
        wait_text(page, BODY_TEXT, plain(texts[key]))
        assert plain(other[key]) not in page.evaluate(BODY_TEXT), f"{key} also shown in the other language"
    for key in TOKENS_LABELS:
        wait_text(page, BODY_TEXT, texts[key])

    page.get_by_role("tab", name=texts["tab_windows"], exact=True).click()
    page.wait_for_selector("#windows-pairs table.mlm-pair", timeout=WAIT_MS)
    wait_text(page, SUMMARY, summary_word)
    summary = page.evaluate(SUMMARY)
    assert other_word not in summary, summary
    for key in ("windows_what", "windows_mistakes"):
        wait_text(page, BODY_TEXT, plain(texts[key]))
    for key in WINDOWS_LABELS:
        wait_text(page, BODY_TEXT, texts[key])

    page.screenshot(path=screenshot, full_page=True)
    assert os.path.getsize(screenshot) > 10_000


@pytest.mark.slow
@pytest.mark.browser
def test_turkish_browser_sees_turkish(browser, app_url):
    context, page = open_page(browser, app_url, "tr-TR", "tr-TR,tr;q=0.9")
    try:
        assert page.evaluate("() => navigator.language") == "tr-TR"
        check_page(page, TR, EN, "pencere", "windows", "/tmp/minilm_tr.png")
        # The mistake paragraph is appended by the server, in the request's language.
        page.get_by_label(TR["show_mistake"]).check()
        wait_text(page, SUMMARY, plain(TR["windows_mistake"]))
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_english_browser_sees_english(browser, app_url):
    context, page = open_page(browser, app_url, "en-US", "en-US,en;q=0.9")
    try:
        check_page(page, EN, TR, "windows", "pencere", "/tmp/minilm_en.png")
        page.get_by_label(EN["show_mistake"]).check()
        wait_text(page, SUMMARY, plain(EN["windows_mistake"]))
    finally:
        context.close()


def _tab_titles(page, expected=None):
    """The tabs' titles; with `expected`, once they show it (the hidden ones are relabelled by the server a
    moment after the visible one, later still on a busy machine), or as they are after WAIT_MS."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if expected is not None:
        try:
            page.wait_for_function("t => JSON.stringify([...document.querySelectorAll('[role=tab]')].map(e => e.innerText.trim()))"
                                   " === JSON.stringify(t)", arg=expected, timeout=WAIT_MS)
        except PlaywrightTimeout:
            pass  # the assertion that follows shows what the tabs say
    return [t.inner_text().strip() for t in page.get_by_role("tab").all()]


def _local_title(page):
    return page.evaluate("() => document.querySelector('#tokens-local .mlm-head')?.innerText || ''")


@pytest.mark.slow
@pytest.mark.browser
def test_one_language_choice_drives_the_page(browser, app_url):
    """An English browser switches to Turkish on the page: every tab title (gradio does not redraw the
    hidden ones by itself), the static texts and the server's own text change at once; a reload keeps
    the choice; a link's lang= beats it; gradio's own Settings switch is followed too."""
    context, page = open_page(browser, app_url, "en-US", "en-US,en;q=0.9")
    try:
        assert _tab_titles(page) == [EN[k] for k in TABS]
        wait_text(page, "() => document.querySelector('#tokens-local').innerText", "1,024")
        page.locator("#mlm-lang").get_by_text("Türkçe").click()
        page.wait_for_function("t => document.querySelector('[role=tab]').innerText.trim() === t", arg=TR["tab_tokens"], timeout=WAIT_MS)
        assert _tab_titles(page, [TR[k] for k in TABS]) == [TR[k] for k in TABS]
        wait_text(page, BODY_TEXT, plain(TR["tokens_what"]))
        wait_text(page, "() => document.querySelector('#tokens-local').innerText", "1.024")  # the server's text, Turkish numbers
        assert "sözlüğünde" in _local_title(page)

        page.reload()
        page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)
        page.wait_for_function("t => document.querySelector('[role=tab]').innerText.trim() === t", arg=TR["tab_tokens"], timeout=WAIT_MS)
        assert _tab_titles(page, [TR[k] for k in TABS]) == [TR[k] for k in TABS]
        wait_text(page, "() => document.querySelector('#tokens-local').innerText", "1.024")

        page.goto(app_url + "?lang=en&tab=windows&stride=abc")
        page.wait_for_selector("#windows-pairs table.mlm-pair", timeout=WAIT_MS)
        page.wait_for_function("t => document.querySelector('[role=tab]').innerText.trim() === t", arg=EN["tab_tokens"], timeout=WAIT_MS)
        wait_text(page, SUMMARY, "windows")
        note = page.locator("#link-note")
        wait_text(page, "() => document.querySelector('#link-note').innerText", "not a whole number")
        # The link's problems are shown at the top of the page, above the tabs.
        assert note.bounding_box()["y"] < page.get_by_role("tab").first.bounding_box()["y"]

        page.locator("footer").get_by_text("Settings").click()
        box = page.get_by_label("Language").last
        box.click()
        box.fill("Türk")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        wait_text(page, SUMMARY, "pencere")  # the server followed gradio's switch
        assert page.locator("#mlm-lang input:checked").get_attribute("value") == "tr"
        assert _tab_titles(page, [TR[k] for k in TABS]) == [TR[k] for k in TABS]
    finally:
        context.close()


def test_plotly_words_are_plotlys_own_strings():
    """Each English key is a string gradio's Plotly bundle translates (a Plotly upgrade that renames one would
    silently leave it English), and each has a Turkish value of its own."""
    from pathlib import Path

    import gradio

    from minilm.lang.tr import PLOTLY

    bundle = next((Path(gradio.__file__).parent / "templates" / "frontend" / "assets").glob("PlotlyPlot-*.js")).read_text()
    assert [key for key in PLOTLY if f"`{key}`" not in bundle] == []
    assert [key for key, value in PLOTLY.items() if not value or value == key] == []


MODEBAR = "sel => [...document.querySelectorAll(sel + ' .modebar-btn')].map(b => b.getAttribute('data-title'))"


def _modebar(page, selector, expected_words):
    """The toolbar titles of the plots under `selector`, once the first one is one of `expected_words`."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"([sel, words]) => words.includes(({MODEBAR})(sel)[0])", arg=[selector, expected_words],
                               timeout=WAIT_MS)
    except PlaywrightTimeout:
        pass  # the assertions that follow show the titles
    return page.evaluate(MODEBAR, selector)


@pytest.mark.slow
@pytest.mark.browser
def test_plotly_toolbar_speaks_the_page_language(browser, app_url):
    """Plotly's toolbar (hover a plot: "Download plot as a PNG", "Zoom", "Reset camera to default", ...) was English on
    the Turkish page. It follows the page: English, then Turkish after the switch, on the Windows tab's plots
    (minilm's own Plot); and on a Turkish page opened on the Train tab, whose gr.Plot loads Plotly first."""
    from minilm.lang.tr import PLOTLY

    english, turkish = list(PLOTLY), list(PLOTLY.values())
    context, page = open_page(browser, app_url, "en-US", "en-US,en;q=0.9")
    try:
        page.get_by_role("tab", name=EN["tab_windows"], exact=True).click()
        titles = _modebar(page, "#windows-stream", english)
        assert "Download plot as a PNG" in titles and set(titles) <= set(english), titles
        page.locator("#mlm-lang").get_by_text("Türkçe").click()
        titles = _modebar(page, "#windows-stream", turkish)
        assert "Grafiği PNG olarak indir" in titles and set(titles) <= set(turkish), titles
    finally:
        context.close()

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="tr-TR",
                                  extra_http_headers={"Accept-Language": "tr-TR,tr;q=0.9"})
    page = context.new_page()
    block_off_host(context, app_url)
    try:
        page.goto(f"{app_url}?tab=train&steps=2&lang=tr")
        page.wait_for_selector("#train-start", timeout=WAIT_MS)
        assert page.evaluate("() => !window.Plotly")  # nothing has loaded Plotly yet: the chart will
        page.locator("#train-start").click()
        titles = [re.sub(r" \(v[\d.]+\)$", "", t) for t in _modebar(page, "#train-chart", turkish)]
        assert "Grafiği PNG olarak indir" in titles and set(titles) <= set(turkish), titles
    finally:
        context.close()


def test_gradio_words_are_gradios_own_strings():
    """Each English text is one gradio 6 writes into its components (an upgrade that rewords one would leave it
    English: this says which), and each has a Turkish text of its own that keeps the component's label."""
    from pathlib import Path

    import gradio

    from minilm.lang.tr import GRADIO

    bundle = "\n".join(p.read_text(errors="ignore") for p in
                       (Path(gradio.__file__).parent / "templates" / "frontend" / "assets").glob("*.js"))
    assert [key for key in GRADIO if not any(f"{quote}{key.split('{}')[0]}" in bundle for quote in "`\"'")] == []
    assert [key for key, value in GRADIO.items() if not value or value == key or key.count("{}") != value.count("{}")] == []


ATTRIBUTES = """() => [...document.querySelector('gradio-app').querySelectorAll('[title],[aria-label],[alt]')]
  .flatMap(el => ['title', 'aria-label', 'alt'].map(a => el.getAttribute(a)).filter(v => v !== null))"""


@pytest.mark.slow
@pytest.mark.browser
def test_gradio_titles_and_labels_follow_the_page_language(browser, app_url):
    """gradio's hover titles ("Copy table data", "Fullscreen" over the neighbour table) and its screen-reader labels
    ("range slider for stride", "Reset to default value") stayed English on the Turkish page. On every tab of a
    Turkish page none is left; switched to English, gradio's own texts are back."""
    from minilm.lang.tr import GRADIO

    exact = {key for key in GRADIO if "{}" not in key}
    prefixes = tuple(key.split("{}")[0] for key in GRADIO if "{}" in key)
    context, page = open_page(browser, app_url, "tr-TR", "tr-TR,tr;q=0.9")
    try:
        for key in TABS:
            page.get_by_role("tab", name=TR[key], exact=True).click()
            page.wait_for_timeout(1500)
            left = [v for v in page.evaluate(ATTRIBUTES) if v in exact or v.startswith(prefixes)]
            assert left == [], (key, left)
        shown = set(page.evaluate(ATTRIBUTES))
        assert {"Tablo verisini kopyala", "Tam ekran"} <= shown, shown  # the Train tab's next-token tables
        page.get_by_role("tab", name=TR["tab_windows"], exact=True).click()
        assert "stride için kaydırıcı" in page.evaluate(ATTRIBUTES)
        page.locator("#mlm-lang").get_by_text("English").click()
        wait_text(page, f"() => ({ATTRIBUTES})().join('|')", "range slider for stride")
        assert "Reset to default value" in page.evaluate(ATTRIBUTES)
    finally:
        context.close()
