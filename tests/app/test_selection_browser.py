"""One token followed through the page (issue 14): select it anywhere, see it everywhere, in Chromium.

Why: the selection crosses four tabs, a hidden bridge from the page's own clicks (chips, window cells,
Plotly's plotly_click on a 3D point) to the server, and the share link. Only the real page shows whether
a click reaches the server, whether every tab marks the same token (the class `minilm-selected`, the
trace named `selected` read from the plot's own `gd.data`), and whether the words around it are
English or Turkish. Window counts are counted by hand from the seed's make_windows on the text below.
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from helpers import block_off_host
from minilm.lang import EN, TR

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WAIT_MS = 30_000
SCATTER = "document.querySelector('#emb-scatter .js-plotly-plot')"
STREAM = "document.querySelector('#windows-stream .js-plotly-plot')"
ATTENTION = "document.querySelector('#train-attention .js-plotly-plot')"
CELLS = "[...document.querySelectorAll('#windows-pairs td.minilm-selected')].map(c => c.firstChild.textContent)"
NEAR = "[...document.querySelectorAll('#emb-selected-neighbours tr')].map(r => [r.className, r.cells[0]?.innerText])"
TEXT = "the capital of france is paris and the capital of germany is berlin"
# minilm's BPE: 0 <bos>, 1 the, 2 ▁capital, 3 ▁of, 4 ▁f, 5 rance, 6 ▁is, 7 ▁paris, 8 ▁and, 9 ▁the, 10 ▁capital, 11 ▁of,
# 12 ▁ger, 13 m, 14 any, 15 ▁is, 16 ▁b, 17 er, 18 lin: 19 tokens. context_length 4, stride 2: make_windows starts at
# range(0, 15, 2): 8 windows; "▁f" (4) is read by the windows starting at 2 and 4 and predicted by those at 0 and 2.
LINK = f"text={TEXT.replace(' ', '+')}&tokenizer=bpe&context_length=4&stride=2"
WORDS = {
    "en-US": {"Windows": "Windows", "Embeddings": "Embeddings", "Train": "Train", "Tokens": "Tokens",
              "f": "Token 4 “▁f” is in the input (x) of 2 of 8 windows, and the target (y) of 2.",
              "head": "block 1 · head 1", "chip": "Selected: token 4 “▁f” (id 397)"},
    "tr-TR": {"Windows": "Pencereler", "Embeddings": "Gömmeler", "Train": "Eğitim", "Tokens": "Token’lar",
              "f": "Seçilen 4 numaralı token “▁f”, 8 pencerenin 2 tanesinde girdide (x), 2 tanesinde hedefte (y).",
              "head": "blok 1 · kafa 1", "chip": "Seçilen: "},
}
LOCALES = pytest.mark.parametrize("locale", ["en-US", "tr-TR"], ids=["en", "tr"])


class Page:
    """The app in one browser context, language `locale`, opened with `query`."""

    def __init__(self, browser, url, *, locale="en-US", query=""):
        lang = locale.split("-")[0]
        self.words = WORDS[locale]
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale,
                                           extra_http_headers={"Accept-Language": f"{locale},{lang};q=0.9"})
        self.page = self.context.new_page()
        block_off_host(self.context, url)
        self.page.goto(f"{url}?{query}&lang={lang}")
        self.wait("document.querySelectorAll('#tokens-local [data-mlm-pick]').length > 0", timeout=90_000)

    def js(self, expression, arg=None):
        return self.page.evaluate(f"(arg) => {expression}", arg)

    def wait(self, expression, arg=None, timeout=WAIT_MS):
        self.page.wait_for_function(f"(arg) => {expression}", arg=arg, timeout=timeout)

    def wait_for(self, expression, expected, timeout=WAIT_MS):
        """Wait until `expression` equals `expected`, then assert it (a timeout shows what the page has)."""
        try:
            self.wait(f"JSON.stringify({expression}) === JSON.stringify(arg)", expected, timeout=timeout)
        except PlaywrightTimeout:
            pass
        assert self.js(expression) == expected

    def text(self, elem_id):
        return self.js(f"document.querySelector('#{elem_id}')?.innerText || ''")

    def wait_text(self, elem_id, part, timeout=WAIT_MS):
        try:
            self.wait(f"(document.querySelector('#{elem_id}')?.innerText || '').includes(arg)", part, timeout=timeout)
        except PlaywrightTimeout:
            pass
        assert part in self.text(elem_id)

    def open_tab(self, key):
        self.page.get_by_role("tab", name=self.words[key], exact=True).click()

    def chips(self, column="tokens-local"):
        return f"[...document.querySelectorAll('#{column} .mlm-chip.minilm-selected .mlm-t')].map(c => c.textContent)"

    def selected_trace(self, plot):
        return f"({plot}?.data || []).filter(t => t.name === 'selected').map(t => [t.x, t.y])"


@pytest.fixture
def opened(browser, app_url):
    pages = []

    def open_page(**options):
        pages.append(Page(browser, app_url, **options))
        return pages[-1]

    yield open_page
    for page in pages:
        page.context.close()


def ring_of(page, k, i):
    """Where sentence k's point i is drawn in 3D, read from the plot itself."""
    return page.js(f"[[{SCATTER}.data[{k}].x[{i}]], [{SCATTER}.data[{k}].y[{i}]]]")


@LOCALES
def test_a_chip_moves_the_window_cells_and_the_3d_ring(opened, locale):
    page = opened(locale=locale, query=f"tab=windows&{LINK}")
    page.page.locator("#windows-source input[value=text]").check()
    page.wait("document.querySelectorAll('#windows-pairs td[data-mlm-pick]').length > 0")
    page.open_tab("Embeddings")
    page.wait(f"{SCATTER}?.data?.length >= 2", timeout=60_000)
    page.open_tab("Tokens")
    page.page.locator("#tokens-local [data-mlm-pick='tokens 4']").click()
    page.wait_for(page.chips(), ["▁f"])
    page.wait_text("tokens-selected", page.words["chip"])
    assert "".join(page.js(page.chips("tokens-gemma"))).replace("▁", "") == "france"  # Gemma's cut of the same characters
    page.open_tab("Windows")
    page.wait_for(CELLS, ["▁f"] * 4)  # x of the windows starting at 2 and 4, y of those at 0 and 2
    page.wait_text("windows-selected", page.words["f"])
    captions = page.js("[...document.querySelectorAll('#windows-pairs .mlm-note')].map(n => n.innerText)")
    assert [re.sub(r"\D", "", c) for c in captions[:3]] == ["0", "1", "2"]
    page.wait_for(page.selected_trace(STREAM), [[[4], [-1]]])
    page.open_tab("Embeddings")
    page.wait(f"{SCATTER}.data.some(t => t.name === 'selected')")
    assert page.js(page.selected_trace(SCATTER)) == [ring_of(page, 0, 12)]  # "▁f" of "france" in sentence A
    # then a window cell: the second "▁capital" (position 10) moves the chip and the windows
    page.open_tab("Windows")
    page.page.locator("#windows-pairs td[data-mlm-pick='windows 2']").first.click()
    page.wait_for(page.selected_trace(STREAM), [[[2], [-1]]])
    assert page.js(page.chips()) == ["▁capital"]


@LOCALES
def test_a_3d_click_marks_its_chip_and_lists_its_neighbours(opened, locale):
    """Plotly's plotly_click, emitted on the plot as a user's click does (curve 0, point 1: "▁capital" of A)."""
    page = opened(locale=locale, query=f"tab=embeddings&{LINK}")
    page.wait(f"{SCATTER}?.data?.length >= 2 && !!{SCATTER}.on", timeout=60_000)
    page.page.wait_for_timeout(600)  # the bridge binds to the plot within 300 ms
    page.js(f"""(() => {{ const gd = {SCATTER}; const t = gd.data[0];
        gd.emit('plotly_click', {{points: [{{curveNumber: 0, pointNumber: 1, data: t, x: t.x[1], y: t.y[1], z: t.z[1]}}],
                                  event: new MouseEvent('click')}}); }})()""")
    page.wait(f"{SCATTER}.data.some(t => t.name === 'selected')")
    rings = page.js(f"{SCATTER}.data.find(t => t.name === 'selected').x.length")
    assert rings == 4  # ▁capital twice in A, twice in B
    page.wait(f"{NEAR}.length === 12")
    near = page.js(NEAR)
    assert near[1] == ["minilm-selected", "▁capital"] and all(c == "" for c, _ in near[2:])
    page.open_tab("Tokens")
    page.wait_for(page.chips(), ["▁capital"])
    # a row of the neighbours list selects that token: it heads the list, marked
    page.open_tab("Embeddings")
    second = page.js(f"{NEAR}[2][1]")
    page.page.locator("#emb-selected-neighbours tr[data-mlm-pick]").nth(1).click()
    page.wait(f"JSON.stringify({NEAR}[1]) === JSON.stringify(arg)", ["minilm-selected", second])


@LOCALES
def test_a_link_with_select_restores_it(opened, locale):
    page = opened(locale=locale, query=f"tab=tokens&{LINK}&select=4")
    page.wait_for(page.chips(), ["▁f"])
    page.open_tab("Embeddings")
    page.wait(f"{SCATTER}?.data?.some(t => t.name === 'selected')", timeout=60_000)
    assert page.js(page.selected_trace(SCATTER)) == [ring_of(page, 0, 12)]
    page.wait(f"{NEAR}.length === 12")
    assert page.js(NEAR)[1] == ["minilm-selected", "▁f"]
    page.page.locator("#copy-link").click()
    page.wait("(document.querySelector('#link input, #link textarea')?.value || '').includes('select=4')")
    bad = opened(locale=locale, query=f"tab=tokens&{LINK}&select=x9")
    bad.wait_text("link-note", "select:")
    assert bad.js(bad.chips()) == []


@LOCALES
def test_after_training_a_position_shows_its_attention_row(opened, locale):
    page = opened(locale=locale, query=f"tab=train&{LINK}")
    box = page.page.locator("#train-steps input[type=number]")
    box.fill("3")
    box.press("Enter")
    box.press("Tab")
    page.page.wait_for_timeout(300)
    page.page.locator("#train-start").click()
    page.wait("document.querySelectorAll('#train-inspect-text [data-mlm-pick]').length > 0", timeout=120_000)
    page.page.locator("#train-inspect-text [data-mlm-pick='train 4']").click()
    page.wait(f"{ATTENTION}?.data?.[0]?.y?.length > 0", timeout=60_000)
    heat = page.js(f"({{x: {ATTENTION}.data[0].x, y: {ATTENTION}.data[0].y, z: {ATTENTION}.data[0].z}})")
    assert heat["x"] == ["1 the", "2 ▁capital", "3 ▁of", "4 ▁f"]  # context_length 4 (the link's, which Train follows)
    assert len(heat["y"]) == 8 and heat["y"][0] == page.words["head"]  # 2 blocks x 4 heads
    assert all(abs(sum(row) - 1) < 1e-4 for row in heat["z"])  # each head's row is a distribution
    assert page.js("[...document.querySelectorAll('#train-inspect-text .minilm-selected .mlm-t')].map(c => c.textContent)") == ["▁f"]
    # the embeddings before/after training (its sentence "the capital of france is paris" holds ▁f once): ringed in both
    page.page.locator("#train-before-after-button").click()
    before_after = "document.querySelector('#train-before-after .js-plotly-plot')"
    page.wait(f"({before_after}?.data || []).some(t => t.name === 'selected')", timeout=60_000)
    ring = page.js(f"{before_after}.data.find(t => t.name === 'selected').x")
    assert ring == page.js(f"[{before_after}.data[0].x[3], {before_after}.data[1].x[3]]")
    rows = "[...document.querySelectorAll('#train-inspect-next [role=row][data-index]')].map(r => r.innerText)"
    page.wait(f"{rows}.length >= 3")
    assert len(page.js(rows)) == 10  # the model's ten likeliest next tokens after "▁f"
    # a click on the after-training point of "▁capital" (curve 1, point 1) selects it: Train's text follows
    page.page.wait_for_timeout(600)  # the bridge binds to the new plot within 300 ms
    page.js(f"""(() => {{ const gd = {before_after}; const t = gd.data[1];
        gd.emit('plotly_click', {{points: [{{curveNumber: 1, pointNumber: 1, data: t, x: t.x[1], y: t.y[1], z: t.z[1]}}],
                                  event: new MouseEvent('click')}}); }})()""")
    page.wait_for("[...document.querySelectorAll('#train-inspect-text .minilm-selected .mlm-t')].map(c => c.textContent)",
                  ["▁capital"])


NEIGHBOUR_ROWS = "[...document.querySelectorAll('#emb-neighbours [data-testid^=\"cell-\"][data-testid$=\"-0\"]')].map(c => c.innerText.trim())"
SELECTED_HEADERS = "[...document.querySelectorAll('#emb-selected-neighbours th')].map(h => h.innerText)"


@pytest.mark.parametrize("locale, switched", [("tr-TR", "en"), ("en-US", "tr")], ids=["tr-to-en", "en-to-tr"])
def test_a_picked_neighbours_line_follows_a_language_switch(opened, locale, switched):
    """Review: a row picked in the neighbours table left its line ("Seçilen token “ill” bu cümlelerde yok.") in
    Turkish after the page switched to English. A token in neither sentence is picked (only the Embeddings tab
    shows it, the other tabs keep their selection): after the switch its line and its neighbours' headers are
    in the new language, for the same token."""
    words = {"en": EN, "tr": {**EN, **TR}}
    page = opened(locale=locale, query=f"tab=embeddings&{LINK}")
    page.wait(f"{SCATTER}?.data?.length >= 2 && {NEIGHBOUR_ROWS}.length > 0", timeout=60_000)
    drawn = set(page.js(f"{SCATTER}.data.flatMap(t => t.text)"))
    rows = page.js(NEIGHBOUR_ROWS)
    row, token = next((n, t) for n, t in enumerate(rows) if t not in drawn)  # a token the sentences lack
    page.page.locator(f"#emb-neighbours [data-testid=cell-{row}-0]").click()
    before = words[locale[:2]]
    page.wait_text("emb-selected", before["sel_emb_missing"].format(token=token))
    page.page.locator(f"#mlm-lang input[value={switched}]").check()
    after = words[switched]
    page.wait_text("emb-selected", after["sel_emb_missing"].format(token=token))
    page.wait_for(SELECTED_HEADERS, [after[k] for k in ("emb_col_token", "emb_col_id", "emb_col_cosine")])
    assert page.js(f"{NEAR}[1]") == ["minilm-selected", token]  # the picked token heads its neighbours, as before
