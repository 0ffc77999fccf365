"""The Embeddings tab in a real browser: Debian's Chromium driven by Playwright against the launched app.

Why: gradio hands the edited table over as a pandas DataFrame and redraws on its own events, and both
Plotly and Markdown read markup; only the page shows whether a learner's edit moves a point, whether
what they type stays text, and whether the words are the guide's Turkish ones. Every check reads what
a person sees: Plotly's data and layout on the page, the legend's and ticks' text, table cells, the note.
"""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from helpers import block_off_host
from minilm import get_tokenizer
from minilm.lang import EMBEDDINGS_A, EMBEDDINGS_B

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WAIT_MS = 30_000
PLOT = "document.querySelector('#emb-scatter .js-plotly-plot')"
HEAT = "document.querySelector('#emb-heatmap .js-plotly-plot')"
NOTE = "(document.querySelector('#emb-note [data-testid=markdown]')?.innerText || '')"
LEGEND = f"[...({PLOT}?.querySelectorAll('.legendtext') ?? [])].map(t => t.textContent)"  # ?.: a plot mid-redraw
AXES = f"['xaxis', 'yaxis', 'zaxis'].map(a => {PLOT}._fullLayout.scene[a].title.text)"
SCREENSHOT = "/tmp/minilm_embeddings_{}.png"


class Tab:
    """One page on the app's Embeddings tab, in the browser language `locale`."""

    def __init__(self, browser, url, *, locale="en-US", query="", width=1400):
        self.context = browser.new_context(viewport={"width": width, "height": 1000}, locale=locale)
        self.page = self.context.new_page()
        self.dialogs = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        # No network but the app: anything else (fonts, CDNs, an <img src=x>) is refused.
        block_off_host(self.context, url)
        self.page.goto(f"{url}?tab=embeddings{query}")
        self.wait(f"{PLOT}?.data?.length >= 1", timeout=90_000)

    def js(self, expression, arg=None):
        return self.page.evaluate(f"(arg) => {expression}", arg)

    def wait(self, expression, arg=None, timeout=WAIT_MS):
        self.page.wait_for_function(f"(arg) => {expression}", arg=arg, timeout=timeout)

    def wait_note(self, *parts):
        """Wait until the note holds every part, then assert it (so a timeout shows the note)."""
        try:
            self.wait(f"arg.every(p => {NOTE}.includes(p))", list(parts))
        except PlaywrightTimeout:
            pass
        note = self.js(NOTE)
        assert all(p in note for p in parts), note

    def type_into(self, elem_id, text, *, enter=False):
        """Select the box's text and type over it, key by key (then Enter only if asked)."""
        box = self.page.locator(f"#{elem_id} textarea, #{elem_id} input").first
        box.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)
        if enter:
            self.page.keyboard.press("Enter")

    def edit_cell(self, row, col, text):
        self.page.locator(f"#emb-hand [data-testid=cell-{row}-{col}]").dblclick()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")

    def choose(self, elem_id, value):
        self.page.locator(f"#{elem_id} input[value={value}]").check()

    def disabled(self, elem_id):
        return self.js(f"[...document.querySelectorAll('#{elem_id} input, #{elem_id} textarea')].map(i => i.disabled)")

    def info(self, elem_id):
        return self.js(f"document.querySelector('#{elem_id} .info-text')?.innerText || ''")


@pytest.fixture
def opened(browser, app_url):
    tabs = []

    def open_tab(**options):
        tabs.append(Tab(browser, app_url, **options))
        return tabs[-1]

    yield open_tab
    for tab in tabs:
        tab.context.close()


def test_hand_made_cell_edit_moves_its_point_with_the_guides_headers(opened):
    """Seed 6.1 in Turkish: the table's headers are the guide's Sertlik, Parlaklık, Kırmızılık, the axes too,
    and editing capital's Parlaklık (the y axis) moves that point alone."""
    tab = opened(locale="tr-TR", query="&vectors=hand")
    tab.wait(f"{PLOT}?.data?.[0]?.text?.includes('capital')")  # ?.: gradio may swap the plot's div while it redraws
    headers = tab.js("[...document.querySelectorAll('#emb-hand th')].map(t => t.innerText.trim())")
    assert headers[:4] == ["kelime", "Sertlik", "Parlaklık", "Kırmızılık"]
    assert tab.js(AXES) == ["Sertlik", "Parlaklık", "Kırmızılık"]
    before = tab.js(f"{PLOT}.data[0]")
    assert len(before["x"]) == 7 and before["y"][1] == pytest.approx(0.8)
    tab.edit_cell(1, 2, "0.05")
    tab.wait(f"Math.abs(({PLOT}?.data?.[0]?.y?.[1] ?? NaN) - 0.05) < 1e-6")
    after = tab.js(f"{PLOT}.data[0]")
    assert after["x"] == before["x"] and after["y"][0] == before["y"][0] and len(after["y"]) == 7


def test_typed_markup_stays_text(opened):
    """Issue 11: `<img src=x onerror=alert(1)>` in the dims box put an <img> into the page. Typed tags and
    Markdown links must appear as the characters typed: in the table, the heatmap's ticks, the note and
    the legend (Plotly draws <b>/<i> as bold/italic SVG and <a> as a link unless they arrive escaped)."""
    tab = opened()
    tab.choose("emb-source", "hand")
    tab.wait(f"{PLOT}?.data?.[0]?.text?.includes('capital')")  # ?.: gradio may swap the plot's div while it redraws
    tab.edit_cell(0, 0, "<i>it</i>")
    ticks = f"[...({HEAT}?.querySelectorAll('.ytick text') ?? [])].map(t => t.textContent)"
    try:  # the edited word's tick: "0 <i>it</i>" when literal, "0 it" when Plotly read the tags
        tab.wait(f"{ticks}.some(t => /^0\\W.*it/.test(t))")
    except PlaywrightTimeout:
        pass
    assert [t for t in tab.js(ticks) if t.startswith("0")] == ["0 <i>it</i>"]
    assert "<i>it</i>" in tab.js("document.querySelector('#emb-hand [data-testid=cell-0-0]').innerText")
    tab.choose("emb-source", "random")
    img = "<img src=x onerror=alert(1)>"
    tab.type_into("emb-dims", img, enter=True)
    tab.wait_note(img)
    tab.type_into("emb-dims", "0, 1, 2", enter=True)
    tab.type_into("emb-a", "the <b>bold</b> capital", enter=True)
    tab.type_into("emb-b", "see [link](http://example.com) now", enter=True)
    tab.wait(f"{LEGEND}.some(t => t.includes('<b>bold</b>')) && {LEGEND}.some(t => t.includes('[link](http://example.com)'))")
    made = tab.js("""({img: document.querySelectorAll('img[src="x"]').length,
        b: [...document.querySelectorAll('b, strong')].filter(e => e.textContent === 'bold').length,
        i: [...document.querySelectorAll('i, em')].filter(e => e.textContent === 'it').length,
        a: document.querySelectorAll('a[href*="example.com"]').length,
        styled: [...document.querySelectorAll('#emb-scatter tspan, #emb-heatmap tspan')]
            .filter(t => /bold|italic/.test(t.getAttribute('style') || '')).length})""")
    assert made == {"img": 0, "b": 0, "i": 0, "a": 0, "styled": 0} and tab.dialogs == []


def test_gemma_plot_keeps_its_axes_inside_the_frame(opened):
    """Issue 11: the Gemma 3D plot was clipped left and bottom with two axis titles missing."""
    tab = opened(query="&vectors=gemma&dims=20,21,22")
    tab.wait(f"{NOTE}.includes('262,144 x 640') && {PLOT}.data.length === 2", timeout=90_000)
    assert tab.js(AXES) == ["dim 20", "dim 21", "dim 22"]
    layout = tab.js(f"({{margin: {PLOT}._fullLayout.margin, domain: {PLOT}._fullLayout.scene.domain}})")
    assert layout["margin"]["l"] > 0 and layout["margin"]["b"] > 0
    assert 0 < layout["domain"]["x"][0] and layout["domain"]["x"][1] < 1 and 0 < layout["domain"]["y"][0]
    plot, frame = (tab.page.locator(s).bounding_box() for s in ("#emb-scatter .js-plotly-plot", "#emb-scatter"))
    assert plot["x"] >= frame["x"] and plot["y"] + plot["height"] <= frame["y"] + frame["height"] + 1
    assert tab.js(LEGEND) == [f"A: {EMBEDDINGS_A}", f"B: {EMBEDDINGS_B}"]
    tab.page.locator("#emb-scatter").screenshot(path=SCREENSHOT.format("gemma_3d"))


def test_sentences_redraw_as_you_type(opened):
    """Issue 11: the sentences updated only on Enter, with no hint. Typing alone now redraws B's points."""
    tab = opened()
    typed = "the capital of united states and the capital of italy"
    tab.type_into("emb-b", typed)
    bpe = get_tokenizer("bpe")
    tokens = [bpe.id_to_token(i) for i in bpe.encode(typed, add_special_tokens=False)]
    tab.wait(f"JSON.stringify({PLOT}.data[1].text) === JSON.stringify(arg)", tokens)
    tab.wait_note("A1.", f"B's {len(tokens)} tokens")
    assert "as you type" in tab.info("emb-b")


def test_controls_a_source_does_not_read_are_disabled_with_the_reason(opened):
    tab = opened()
    assert not any(tab.disabled("emb-tokenizer") + tab.disabled("emb-rows") + tab.disabled("emb-positions"))
    tab.choose("emb-source", "gemma")
    tab.wait("arg.every(id => [...document.querySelectorAll(`#${id} input`)].every(i => i.disabled))",
             ["emb-tokenizer", "emb-rows", "emb-dim", "emb-seed", "emb-positions"], timeout=90_000)
    assert "Gemma's own tokenizer" in tab.info("emb-tokenizer") and "RoPE" in tab.info("emb-positions")
    assert not any(tab.disabled("emb-a") + tab.disabled("emb-dims"))
    tab.page.locator("#emb-pca input").check()
    tab.wait("document.querySelector('#emb-dims textarea, #emb-dims input').disabled")
    assert "PCA picks its own three axes" in tab.info("emb-dims")


def test_a1_mismatch_and_a3_in_turkish(opened, gemma):
    """The guide's A1, tokenizer mismatch (both ways) and A3, as a Turkish learner meets them."""
    tab = opened(locale="tr-TR")
    bpe = get_tokenizer("bpe")
    a_ids = set(bpe.encode(EMBEDDINGS_A, add_special_tokens=False))
    moved = [bpe.id_to_token(i) for i in bpe.encode(EMBEDDINGS_B, add_special_tokens=False) if i not in a_ids]
    tab.wait_note("nn.Embedding(1.024, 4)", "A1.", ", ".join(moved), "yer değiştirdi", "attention")
    assert tab.js(LEGEND) == [f"A cümlesi: {EMBEDDINGS_A}", f"B cümlesi: {EMBEDDINGS_B}"]
    heat = tab.js(f"({{title: {HEAT}.layout.title.text + ' ' + {HEAT}.layout.title.subtitle.text, n: {HEAT}.data[0].z.length}})")
    n = len(bpe.encode(EMBEDDINGS_A, add_special_tokens=False)) + len(bpe.encode(EMBEDDINGS_B, add_special_tokens=False))
    assert heat["n"] == n and heat["title"].startswith("kosinüs benzerliği") and "B’ninkiler" in heat["title"]
    # Local BPE ids into a table for Gemma's vocabulary: they fit, as Gemma's own tokens
    tab.choose("emb-rows", "gemma")
    tab.wait_note("Tokenizer uyumsuzluğu", f"▁capital (442) → {gemma.tokenizer.id_to_token(442)}")
    # Gemma ids into the local BPE's table: refused, with the reason
    tab.choose("emb-rows", "bpe")
    tab.choose("emb-tokenizer", "gemma")
    tab.wait_note("tokenizer uyumsuzluğu hatası")
    tab.choose("emb-tokenizer", "bpe")
    # A3: embedding_dim=8 with the guide's dims [10, 11, 12]
    box = tab.page.locator("#emb-dim input[type=number]")
    box.fill("8")
    box.press("Enter")
    tab.type_into("emb-dims", "10, 11, 12")
    tab.wait_note("0–7", "en az 13")
    fix = tab.page.locator("#emb-a3-fix")
    assert fix.inner_text() == "A3: embedding_dim’i 13 yap"
    fix.click()
    tab.wait(f"{PLOT}?._fullLayout?.scene?.xaxis?.title?.text === 'boyut 10'")
    assert box.input_value() == "13" and tab.js(AXES) == ["boyut 10", "boyut 11", "boyut 12"]
    tab.page.screenshot(path=SCREENSHOT.format("tr"), full_page=True)


# The 3D plot's title as drawn: each SVG line's text, and its room: inside the canvas, below the plot's label
# (gradio draws it over the plot's top left corner), above the legend's first entry (one set: no legend).
TITLE_DRAWN = f"""(() => {{ const gd = {PLOT}, title = gd?.querySelector('.gtitle'), svg = gd?.querySelector('.main-svg');
  const legend = gd?.querySelector('.legendtext'), label = document.querySelector('#emb-scatter [data-testid=block-label]');
  if (!title || !svg || !label) return null;
  const lines = [...title.querySelectorAll('tspan.line')].map(t => t.textContent);
  const box = title.getBoundingClientRect(), frame = svg.getBoundingClientRect();
  return {{lines: lines.length ? lines : [title.textContent], left: box.left - frame.left, right: frame.right - box.right,
          below_label: box.top - label.getBoundingClientRect().bottom,
          above_legend: legend ? legend.getBoundingClientRect().top - box.bottom : frame.height}};
}})()"""
TITLES = {  # each source's title lines, in the order the test chooses them: whole, on lines that fit
    "en-US": {"bpe": ["nn.Embedding(1,024, 4), seed 0, untrained,", "for the Local BPE · assets/tokenizer.json tokenizer"],
              "word": ["nn.Embedding(1,317, 4), seed 0, untrained,", "for the Local word level · assets/tokenizer_word.json tokenizer"],
              "gemma": ["Gemma 3 270M (bundled GGUF):", "embed_tokens, 262,144 x 640"],
              "hand": ["hand-made vectors (seed 6.1)"]},
    "tr-TR": {"bpe": ["Yerel BPE · assets/tokenizer.json tokenizer’ı için", "nn.Embedding(1.024, 4), seed 0, eğitilmemiş"],
              "word": ["Yerel kelime düzeyi · assets/tokenizer_word.json tokenizer’ı için", "nn.Embedding(1.317, 4), seed 0, eğitilmemiş"],
              "gemma": ["Gemma 3 270M (uygulamayla gelen GGUF):", "embed_tokens tablosu, 262.144 x 640"],
              "hand": ["elle kurulmuş vektörler (rehber 6.1)"]},
}


@pytest.mark.parametrize("width", [1400, 1280])
@pytest.mark.parametrize("locale", ["en-US", "tr-TR"], ids=["en", "tr"])
def test_the_3d_title_is_whole_inside_the_plot(opened, locale, width):
    """Review: at the tab's ~550 px plot the Turkish title ended "… tokenizer’ı için nn.Embedding(1.024, 4", the
    rest drawn past the canvas. Each table's title (nn.Embedding for the longest shipped tokenizer name too), at
    the tests' window and at 1280 px: every line inside the canvas, in the words written here, which together
    are the title the note above says on one line."""
    tab = opened(locale=locale, width=width)
    for shown, lines in TITLES[locale].items():
        if shown == "word":
            tab.choose("emb-rows", "word")
        elif shown != "bpe":
            tab.choose("emb-source", shown)
        mark = lines[-1]
        tab.wait(f"({TITLE_DRAWN}?.lines || []).join(' ').includes(arg) && {NOTE}.includes(arg)", mark, timeout=90_000)
        tab.wait("!document.querySelector('#emb-scatter .pending')")  # not faded by a redraw still running: the screenshot
        tab.page.locator("#emb-scatter").screenshot(path=SCREENSHOT.format(f"title_{shown}_{locale[:2]}_{width}"))
        drawn = tab.js(TITLE_DRAWN)
        assert min(drawn["left"], drawn["right"], drawn["below_label"], drawn["above_legend"]) >= 0, (shown, drawn)
        assert drawn["lines"] == lines
        tab.wait_note(" ".join(lines))
