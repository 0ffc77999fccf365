"""The Tokens tab in a real browser: Debian's Chromium driven by Playwright against the launched app.

Why: the API tests prove the ids; only a browser proves what a visitor sees. The chips live in
`gr.HTML`, whose default template inserts raw HTML, so escaping is the only thing standing between
a typed `<img onerror>` and script running on the page; and the chips must show the same tokens
and ids the tokenizers give in-process, after a change event has gone through the queue.
"""

import json
import os

import pytest

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from helpers import block_off_host
from minilm import get_tokenizer
from minilm.tokens.compare import compare_boundaries
from minilm.tokens.figures import visible

pytestmark = [pytest.mark.slow, pytest.mark.browser]
SCREENSHOT = "/tmp/minilm_tokens.png"
WAIT_MS = 20_000

# Every chip as [visible token, id]; `wait_chips` polls this until it equals what is expected.
READ_CHIPS = """sel => [...document.querySelectorAll(sel + ' .mlm-chip')].map(c =>
    [c.querySelector('.mlm-t').textContent, c.querySelector('.mlm-id').textContent])"""
CHIPS_EQUAL = f"([sel, want]) => JSON.stringify(({READ_CHIPS})(sel)) === JSON.stringify(want)"




class Tab:
    """One page on the app, with every dialog it opens recorded (and dismissed)."""

    def __init__(self, browser, url):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.dialogs = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        # No network but the app: anything else (fonts, CDNs, telemetry) is refused.
        block_off_host(self.context, url)
        self.page.goto(url)
        self.page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)  # first render done

    def set_text(self, text, *, typed=False):
        box = self.page.locator("#tokens-text textarea")
        if typed:  # key by key, as a visitor would: one change event per key, the last one wins
            box.fill("")
            box.press_sequentially(text, delay=15)
        else:
            box.fill(text)

    def chips(self, sel):
        return self.page.evaluate(READ_CHIPS, sel)

    def wait_chips(self, sel, want):
        """Wait until `sel`'s chips equal `want`, then assert it (so a timeout shows the diff)."""
        try:
            self.page.wait_for_function(CHIPS_EQUAL, arg=[sel, want], timeout=WAIT_MS)
        except PlaywrightTimeout:
            pass
        assert self.chips(sel) == want, f"{sel} chips differ from the in-process tokenization"


@pytest.fixture
def tab(browser, app_url):
    opened = Tab(browser, app_url)
    yield opened
    opened.context.close()


def expected(tokenizer, text):
    """The chips the app should show for `text`: tokens made visible (∅ for an empty one), ids."""
    tok = tokenizer.analyze(text)
    return [[visible(t) or "∅", str(i)] for t, i in zip(tok.tokens, tok.ids)]


def test_typed_prompt_shows_in_process_tokens(tab, gemma):
    """Typing key by key fires a change per key; the chips must settle on the full text's tokens
    for both columns, exactly as the tokenizers give them in-process."""
    text = "the capital of france is paris"
    tab.set_text(text, typed=True)
    tab.wait_chips("#tokens-local", expected(get_tokenizer("bpe"), text))
    tab.wait_chips("#tokens-gemma", expected(gemma.tokenizer, text))
    gemma_ids = [int(i) for _, i in tab.chips("#tokens-gemma")]
    assert gemma_ids == [2, 1437, 5279, 529, 61034, 563, 48117]


def test_invisible_and_special_characters_are_shown(tab, gemma):
    """Newlines, tabs, ZWJ and RTL marks must appear as visible symbols, and a typed <bos> as a
    dark special chip, with a note saying what happened."""
    text = "naïve café\n\tüber 👩\u200d👩\u200d👧 \u200f<bos>"
    tab.set_text(text)
    tab.wait_chips("#tokens-local", expected(get_tokenizer("bpe"), text))
    want = expected(gemma.tokenizer, text)
    tab.wait_chips("#tokens-gemma", want)
    shown = [t for t, _ in want]
    assert "⟨U+200D⟩" in shown and any("↵" in t for t in shown)
    page = tab.page
    specials = page.locator("#tokens-gemma .mlm-chip.mlm-special .mlm-t").all_text_contents()
    assert specials == ["<bos>", "<bos>"]  # the added one and the typed one
    page.wait_for_function(
        "() => document.querySelector('#tokens-status').textContent.includes('spells a special token')",
        timeout=WAIT_MS,
    )


PAYLOADS = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "${window.__pwned=2}",
    "</span><script>window.__pwned=3</script>",
]


def test_injection_stays_text(tab, gemma):
    """Each payload must render as literal chips: no dialog, no `window.__pwned`, no <img> or
    <script> element created from the text, and the payload readable in the boundary map."""
    page = tab.page
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    for payload in PAYLOADS:
        tab.set_text(payload)
        tab.wait_chips("#tokens-local", expected(get_tokenizer("bpe"), payload))
        tab.wait_chips("#tokens-gemma", expected(gemma.tokenizer, payload))
        page.wait_for_function(
            "want => document.querySelector('#tokens-boundaries .mlm-map')?.textContent === want",
            arg=visible(payload), timeout=WAIT_MS,
        )
        page.wait_for_timeout(500)  # time for a (failed) image load to fire onerror
        assert tab.dialogs == [], f"a dialog opened for {payload!r}"
        assert page.evaluate("() => typeof window.__pwned") == "undefined", f"script ran for {payload!r}"
        for sel in ("#tokens-local", "#tokens-gemma", "#tokens-boundaries"):
            assert page.locator(f"{sel} img, {sel} script").count() == 0, f"{sel} holds markup from {payload!r}"
        gemma_text = "".join(page.locator("#tokens-gemma .mlm-t").all_text_contents())
        assert gemma_text.replace("▁", " ").endswith(payload), gemma_text
    # Control: the same detectors do fire on markup that really is injected, so the checks above can fail.
    page.evaluate("() => document.body.insertAdjacentHTML('beforeend', "
                  "'<img src=x onerror=\"window.__pwned=99;alert(99)\">')")
    page.wait_for_function("() => window.__pwned === 99", timeout=WAIT_MS)
    page.wait_for_timeout(200)
    assert tab.dialogs == ["99"]


def test_img_payload_chip_is_literal(tab, gemma):
    """The most common payload, checked chip by chip: "<" and "onerror" appear as text."""
    payload = PAYLOADS[0]
    tab.set_text(payload)
    tab.wait_chips("#tokens-gemma", expected(gemma.tokenizer, payload))
    texts = tab.page.locator("#tokens-gemma .mlm-t").all_text_contents()
    assert "<" in texts and any("onerror" in t for t in texts), texts
    assert tab.dialogs == [] and tab.page.evaluate("() => typeof window.__pwned") == "undefined"


CUT_COUNTS = """() => JSON.stringify(Object.fromEntries(['both', 'a', 'b'].map(k =>
    [k, document.querySelectorAll('#tokens-boundaries .mlm-map .mlm-cut-' + k).length])))"""


@pytest.mark.parametrize("choice, label", [("bpe", "BPE · assets/tokenizer.json"),
                                           ("word", "Word level · assets/tokenizer_word.json")])
def test_boundary_map_matches_compare(tab, gemma, choice, label):
    """The boundary map must draw one bar per cut, coloured as `compare_boundaries` classifies
    it, over the text itself; switching the local tokenizer must redraw it."""
    text = "the capital of france is paris, naïvely"
    page = tab.page
    tab.set_text(text)  # one event at a time: text first, then the radio
    tab.wait_chips("#tokens-local", expected(get_tokenizer("bpe"), text))
    page.get_by_label(label).check()
    local = get_tokenizer(choice)
    tab.wait_chips("#tokens-local", expected(local, text))
    diff = compare_boundaries(local.analyze(text), gemma.tokenizer.analyze(text))
    want = {"both": len(diff.shared), "a": len(diff.only_a), "b": len(diff.only_b)}
    try:
        page.wait_for_function(f"want => ({CUT_COUNTS})() === want",
                               arg=json.dumps(want, separators=(",", ":")), timeout=WAIT_MS)
    except PlaywrightTimeout:
        pass
    assert json.loads(page.evaluate(CUT_COUNTS)) == want
    assert page.locator("#tokens-boundaries .mlm-map .mlm-cut").count() == sum(want.values()) > 0
    assert page.locator("#tokens-boundaries .mlm-map").text_content() == visible(text)
    if choice == "word":
        assert want["a"] + want["b"] > 0  # the text was chosen so that the two tokenizers disagree
        page.screenshot(path=SCREENSHOT, full_page=True)
        assert os.path.getsize(SCREENSHOT) > 10_000


# WCAG contrast of each chip's token text against the chip's own background, as the browser computes them.
CHIP_CONTRAST = """sel => [...document.querySelectorAll(sel + ' .mlm-chip')].map(chip => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [lum(rgb(getComputedStyle(chip.querySelector('.mlm-t')).color)), lum(rgb(getComputedStyle(chip).backgroundColor))];
  return [chip.querySelector('.mlm-t').textContent, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
})"""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_chip_is_readable(browser, app_url, gemma, theme):
    """`<bos>` was dark grey on dark grey, and in the dark theme ordinary chips were white on pastel:
    every chip's text must reach WCAG AA contrast (4.5:1) against its own background."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, color_scheme=theme)
    block_off_host(context, app_url)
    try:
        page = context.new_page()
        page.goto(app_url + ("?__theme=dark" if theme == "dark" else ""))
        page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)
        page.locator("#tokens-text textarea").fill("the zzzq <bos> 🦊")
        page.wait_for_function("() => document.querySelectorAll('#tokens-local .mlm-chip').length >= 8", timeout=WAIT_MS)
        page.locator("#tokens-local").screenshot(path=f"/tmp/minilm_chips_{theme}.png")
        ratios = page.evaluate(CHIP_CONTRAST, "#tokens-local") + page.evaluate(CHIP_CONTRAST, "#tokens-gemma")
        assert ratios and [t for t, r in ratios if r < 4.5] == [], ratios
        assert any(t == "<bos>" for t, _ in ratios)
    finally:
        context.close()


# Gradio drops < > * ` $ ! { } and the like from uploaded names (gradio_client's strip_invalid_filename_characters);
# brackets, parentheses, underscores and # reach the handler, and are Markdown.
@pytest.mark.parametrize("stem", ["__bold__", "[x](y)", "_em_ ~~s~~", "# h"], ids=["bold", "link", "em-strike", "heading"])
def test_uploaded_file_name_is_text_on_the_page(tab, tmp_path, stem):
    """The status after an upload names the file as the visitor named it, with no bold, link or heading made of it."""
    from minilm.assets import ASSETS

    path = tmp_path / f"{stem}.json"
    path.write_bytes((ASSETS / "tokenizer_word.json").read_bytes())
    page = tab.page
    page.get_by_text("Your own tokenizer", exact=True).click()  # the accordion holding the upload
    page.locator("#tokens-upload input[type=file]").set_input_files(str(path))
    page.wait_for_function("() => document.querySelector('#tokens-own-status').textContent.includes('Loaded')",
                           timeout=WAIT_MS)
    status = page.locator("#tokens-own-status")
    assert f"Loaded {stem}.json" in status.text_content()
    assert status.locator("strong, em, a, img, code, del, s, h1").count() == 0
    assert tab.dialogs == []
