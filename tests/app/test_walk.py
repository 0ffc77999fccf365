"""The seed guide, walked by a learner through the real page, once in English and once in Turkish.

Why: the guide's readers follow it section by section, and last round a step (the hand-made vectors)
was broken on the page while every handler test passed. So this walk uses only what a person uses:
Chromium (Debian's, under Playwright), real clicks and typing, the payloads gradio really sends, and
labels read in the walk's language (a control that is not translated cannot be found). It asserts
what a learner must see, with expected values from outside the app: the tokenizers library on the
same tokenizer.json, the seed's own window loop (`bench/seed_route.py`), the seed's hand-made
words, Gemma's published next token (docs/gemma.md), and Babel for how each language writes numbers.
"""

import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from tokenizers import Tokenizer as HFTokenizer

from minilm.assets import ASSETS, corpus_text
from minilm.lang import EN, TR, number, say
from tests.helpers import block_off_host, make_windows

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WAIT_MS = 30_000
SEED_SENTENCE = "the capital of france is paris"  # seed section 1
SEED_WORDS = ["the", "capital", "of", "united", "states"]  # seed section 6.1, the hand-made vectors
SENTENCE_A = "the capital of united states and the capital of france"  # seed section 7
SENTENCE_B = "the capital of united states and the capital of germany"  # A1

# The Plotly figure inside a gr.Plot, as data: the traces' names, points and labels, the axis titles.
PLOT = """sel => { const el = document.querySelector(sel + ' .js-plotly-plot'); if (!el || !el.data) return null;
  const L = el.layout || {}, s = L.scene || {}, t = (a) => (a && a.title && (a.title.text ?? a.title)) || '';
  return {traces: el.data.map(d => ({name: d.name || '', type: d.type, x: d.x ? Array.from(d.x) : [],
            y: d.y ? Array.from(d.y) : [], z: d.z ? Array.from(d.z).map(r => Array.isArray(r) ? r.length : r) : [],
            text: d.text ? Array.from(d.text) : []})),
          title: t(L), axes: [t(s.xaxis || L.xaxis), t(s.yaxis || L.yaxis), t(s.zaxis)]}; }"""
# A gr.Dataframe as rows of cell texts (header row excluded).
TABLE = """sel => [...document.querySelectorAll(sel + ' [role=row][data-index]')].map(r =>
  [...r.querySelectorAll('[role=gridcell]')].map(c => c.innerText.trim()))"""
CHIP_IDS = """sel => [...document.querySelectorAll(sel + ' .mlm-chip .mlm-id')].map(e => Number(e.textContent))"""


class Learner:
    """One visitor with a browser in `lang` ("en" or "tr"), on a fresh page of the app."""

    def __init__(self, browser, url, lang):
        self.lang, self.words = lang, (TR if lang == "tr" else EN)
        locale = "tr-TR" if lang == "tr" else "en-US"
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale,
                                           extra_http_headers={"Accept-Language": f"{locale},{lang};q=0.9"})
        self.page = self.context.new_page()
        self.dialogs = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        block_off_host(self.context, url)
        self.page.goto(url)
        self.page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)

    def w(self, key):
        """A label as this learner reads it."""
        return self.words[key]

    def n(self, value, spec=","):
        """A number as this learner's language writes it (Babel)."""
        return number(value, self.lang, spec)

    def tab(self, key, ready):
        self.page.get_by_role("tab", name=self.w(key), exact=True).click()
        self.page.wait_for_selector(ready, timeout=WAIT_MS)

    def text(self, sel):
        return self.page.evaluate("sel => document.querySelector(sel)?.innerText ?? ''", sel)

    def wait_text(self, sel, part):
        """Wait until `sel` shows `part`, then assert it (so a timeout shows what it shows instead)."""
        try:
            self.page.wait_for_function("([sel, part]) => (document.querySelector(sel)?.innerText ?? '').includes(part)",
                                        arg=[sel, part], timeout=WAIT_MS)
        except PlaywrightTimeout:
            pass
        assert part in self.text(sel), f"{part!r} not in {sel}: {self.text(sel)[:1500]!r}"

    def wait_for(self, script, arg=None, timeout=WAIT_MS):
        self.page.wait_for_function(script, arg=arg, timeout=timeout)

    def plot(self, sel):
        return self.page.evaluate(PLOT, sel)

    def wait_plot(self, sel, check, what):
        """Poll the figure in `sel` until `check(figure)` holds; assert it with what it shows."""
        figure = None
        for _ in range(WAIT_MS // 250):
            figure = self.plot(sel)
            if figure and check(figure):
                return figure
            self.page.wait_for_timeout(250)
        raise AssertionError(f"{what}: {sel} shows {json.dumps(figure)[:1500]}")

    def table(self, sel):
        return self.page.evaluate(TABLE, sel)

    def set_number(self, elem_id, value):
        """Type into a slider's number box or a gr.Number, as a person does, and press Enter."""
        box = self.page.locator(f"#{elem_id} input[type=number]")
        box.fill(str(value))
        box.press("Enter")

    def type_into(self, sel, text):
        """Replace a box's text at once, as a paste does (key-by-key typing: tests/app/test_tokens_browser.py)."""
        self.page.locator(sel).fill(text)

    def close(self):
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"
        self.context.close()


@pytest.fixture(params=["en", "tr"])
def learner(request, browser, app_url):
    person = Learner(browser, app_url, request.param)
    yield person
    person.close()


def longest_words(template: str) -> str:
    """The longest stretch of a message's own words (between its {fields}), as the page shows it."""
    plain = re.sub(r"\{[^}]*\}", "\0", template.replace("**", "").replace("`", ""))
    return max(plain.split("\0"), key=len).strip()


def bpe():
    return HFTokenizer.from_file(str(ASSETS / "tokenizer.json"))


def corpus_ids():
    return bpe().encode(corpus_text()).ids  # with <bos>, as the app's token stream


# --- the sections -------------------------------------------------------------------------------

def tokens_sections(me, gemma):
    """§3 tokenization, with both tokenizers and their mistakes; §4 a whole text to token_ids.txt."""
    me.type_into("#tokens-text textarea", SEED_SENTENCE)
    want_local, want_gemma = bpe().encode(SEED_SENTENCE).ids, gemma.tokenizer.encode(SEED_SENTENCE)
    me.wait_for(f"([sel, want]) => JSON.stringify(({CHIP_IDS})(sel)) === JSON.stringify(want)", ["#tokens-gemma", want_gemma])
    assert me.page.evaluate(CHIP_IDS, "#tokens-local") == want_local
    assert want_gemma[:2] == [2, 1437]  # <bos> then "▁the", the ids Gemma 3 publishes
    me.wait_text("#tokens-local", me.n(1024))  # the vocabulary size, as the language writes it

    # Mistake: a word-level tokenizer loses what its vocabulary lacks.
    me.page.locator("#tokens-local-choice").get_by_text(me.w("tokenizer_word")).click()
    me.type_into("#tokens-text textarea", "the capital of zanzibar")
    me.wait_for("() => document.querySelectorAll('#tokens-local .mlm-unknown').length === 1")
    # Mistake: typing <bos> gives the special token; the page says so.
    me.page.locator("#tokens-local-choice").get_by_text(me.w("tokenizer_bpe")).click()
    me.type_into("#tokens-text textarea", "<bos>the capital")
    me.wait_text("#tokens-status", me.words["typed_special"][:30])

    # §4: the corpus, encoded whole, downloaded as token_ids.txt.
    me.page.get_by_text(me.w("whole_file")).click()
    me.page.get_by_role("button", name=me.w("make_ids")).click()
    ids = corpus_ids()
    me.wait_text("#tokens-ids-status", me.n(len(ids)))
    link = me.page.locator("#tokens-ids-file a").first
    with me.page.expect_download() as download:
        link.click()
    assert download.value.path().read_text().split() == [str(i) for i in ids]


def windows_sections(me):
    """§5 context windows; A2 counted against the seed's own loop; the two window mistakes."""
    me.tab("tab_windows", "#windows-pairs table.mlm-pair")
    ids = corpus_ids()
    for context_length, stride in ((12, 12), (12, 6), (8, 20)):
        me.set_number("windows-stride", stride)
        me.set_number("windows-context", context_length)
        seed = make_windows(ids, context_length, stride)  # the seed's section 12 loop
        me.wait_text("#windows-summary", f"{me.n(len(ids))} ")
        me.wait_text("#windows-summary", f"{me.n(len(seed))} ")
        # Both numbers are in: the first table is context_length wide (a count can match before that).
        me.wait_for("L => document.querySelector('#windows-pairs table.mlm-pair tr')?.querySelectorAll('.mlm-id').length === L",
                    context_length)
        first = me.page.locator("#windows-pairs table.mlm-pair").first
        x = [int(t) for t in first.locator("tr").nth(0).locator(".mlm-id").all_inner_texts()]
        y = [int(t) for t in first.locator("tr").nth(1).locator(".mlm-id").all_inner_texts()]
        assert (x, y) == (list(seed[0][0]), list(seed[0][1]))  # y is x shifted one token right
    # The bad stride (20 > 8): the page says how many tokens between windows no window sees.
    me.wait_text("#windows-summary", say("windows_gap", me.lang, s=20, L=8, g=20 - 8))
    # The first mistake: y = x, drawn as a red row equal to x.
    me.page.get_by_text(me.w("show_mistake")).click()
    me.wait_for("() => document.querySelectorAll('#windows-pairs tr.mlm-bad').length > 0")
    first = me.page.locator("#windows-pairs table.mlm-pair").first
    rows = first.locator("tr")
    assert rows.nth(2).locator(".mlm-id").all_inner_texts() == rows.nth(0).locator(".mlm-id").all_inner_texts()
    me.page.get_by_text(me.w("show_mistake")).click()
    me.set_number("windows-stride", 12)
    me.set_number("windows-context", 12)


def embeddings_sections(me, gemma):
    """§6 hand-made vectors and nn.Embedding, A3; §7 Gemma's embed_tokens, A1; the two embedding mistakes."""
    me.tab("tab_embeddings", "#emb-scatter .js-plotly-plot")
    # §6.1: the seed's words against hardness, brightness, redness (Sertlik, Parlaklık, Kırmızılık).
    me.page.locator("#emb-source").get_by_text(me.w("hand_made")).click()
    me.wait_plot("#emb-scatter", lambda f: set(SEED_WORDS) <= {t for tr in f["traces"] for t in tr["text"]},
                 "the seed's hand-made words")
    headers = me.text("#emb-hand")
    for feature in ("feature_hardness", "feature_brightness", "feature_redness"):
        assert me.words[feature] in headers
    # Edit a cell as a person does (capital's hardness): that point moves to the typed value.
    me.page.locator("#emb-hand [data-testid=cell-1-1]").dblclick()
    me.page.keyboard.press("Control+A")
    me.page.keyboard.type(me.n(0.05, ".2f"))
    me.page.keyboard.press("Enter")

    def capital_at(f):
        return any(t == "capital" and abs(x - 0.05) < 1e-6 for tr in f["traces"] for t, x in zip(tr["text"], tr["x"]))

    me.wait_plot("#emb-scatter", capital_at, "the edited hand-made vector")

    # §6.2: an untrained nn.Embedding: a point per token of each sentence.
    me.page.locator("#emb-source").get_by_text(me.w("random_embedding")).click()
    n_a = len(bpe().encode(SENTENCE_A, add_special_tokens=False).ids)
    n_b = len(bpe().encode(SENTENCE_B, add_special_tokens=False).ids)
    me.wait_plot("#emb-scatter", lambda f: sorted(len(t["x"]) for t in f["traces"] if t["type"] == "scatter3d") == sorted([n_a, n_b]),
                 "a point per token of each sentence")
    # A3: embedding_dim 8, another slice of three axes; then the guide's own [10, 11, 12], which an
    # 8-dimensional embedding does not have: the page says so and offers embedding_dim 13.
    me.set_number("emb-dim", 8)
    dims = me.page.locator("#emb-dims textarea, #emb-dims input").first
    dims.fill("5, 6, 7")
    me.wait_plot("#emb-scatter", lambda f: [a[-1:] for a in f["axes"]] == ["5", "6", "7"], "dims 5, 6, 7")
    dims.fill("10, 11, 12")
    me.wait_text("#emb-note", "13")
    me.page.locator("#emb-a3-fix").click()
    me.wait_plot("#emb-scatter", lambda f: [a[-2:] for a in f["axes"]] == ["10", "11", "12"], "dims 10, 11, 12 at embedding_dim 13")
    dims.fill("0, 1, 2")

    # §7: Gemma's real embed_tokens; A1 moves only the swapped token, and the page says why.
    me.page.locator("#emb-source").get_by_text(me.w("gemma_embed")).click()
    ids_a = gemma.tokenizer.encode(SENTENCE_A, add_special_tokens=False)
    ids_b = gemma.tokenizer.encode(SENTENCE_B, add_special_tokens=False)

    def both_sentences(f):
        return sorted(len(t["x"]) for t in f["traces"] if t["type"] == "scatter3d") == sorted([len(ids_a), len(ids_b)]) \
            and all(a for a in f["axes"])

    figure = me.wait_plot("#emb-scatter", both_sentences, "Gemma's vectors for both sentences, three named axes")
    a, b = [t for t in figure["traces"] if t["type"] == "scatter3d"]
    moved = [i for i, (p, q) in enumerate(zip(zip(a["x"], a["y"], a["z"]), zip(b["x"], b["y"], b["z"]))) if p != q]
    assert moved == [i for i, (p, q) in enumerate(zip(ids_a, ids_b)) if p != q] and len(moved) == 1
    me.wait_text("#emb-note", "A1")
    me.wait_text("#emb-note", "germany")

    # Mistake: mixing tokenizers, both ways. BPE ids into Gemma's rows: ids that exist but mean other tokens.
    me.page.locator("#emb-source").get_by_text(me.w("random_embedding")).click()
    me.page.locator("#emb-rows").get_by_text(me.w("tokenizer_gemma")).click()
    me.wait_text("#emb-note", me.words["emb_mismatch_rows"].split("**")[1][:20])
    # Gemma ids into the BPE table's 1,024 rows: ids that do not exist there, said so.
    me.page.locator("#emb-tokenizer").get_by_text(me.w("tokenizer_gemma")).click()
    me.page.locator("#emb-rows").get_by_text(me.w("tokenizer_bpe")).click()
    me.wait_text("#emb-note", longest_words(me.words["id_not_in_table"]))
    assert me.n(1024) in me.text("#emb-note")
    me.page.locator("#emb-tokenizer").get_by_text(me.w("tokenizer_bpe")).click()


def train_sections(me):
    """§9 and A4: a single-layer model trained two steps, loss going down; Stop keeps the model;
    §1: the next token from the tiny model and from Gemma."""
    me.tab("tab_train", "#train-start")
    # A long run, stopped: the status says so, and the model trained so far stays (the page had none).
    me.set_number("train-steps", 3000)
    me.page.locator("#train-start").click()
    me.wait_for("() => /3\\D?000/.test(document.querySelector('#train-status')?.innerText || '')")
    me.page.wait_for_timeout(1500)
    me.page.locator("#train-stop").click()
    me.wait_text("#train-status", me.words["train_stopped_at"].split("{")[0].strip())
    me.page.get_by_role("button", name=me.w("sample")).click()
    me.wait_for("() => (document.querySelector('#train-sample textarea')?.value || '').length > 0")
    assert me.words["train_first"] not in me.page.locator("#train-sample textarea").input_value()

    # A4: a single-layer model, two steps, the loss going down.
    me.page.locator("#train-a4").click()  # sets blocks 0 (single layer) and 2 steps, and runs it
    me.wait_for("() => document.querySelector('#train-steps input[type=number]').value === '2'")
    assert me.page.locator("#train-blocks input[type=number]").input_value() == "0"
    figure = me.wait_plot("#train-chart", lambda f: any(len([v for v in t["y"] if v is not None]) == 2 and t["x"][:2] == [1, 2]
                                                        for t in f["traces"]), "two steps of training loss")
    train = next(t for t in figure["traces"] if t["x"][:2] == [1, 2])
    assert train["y"][1] < train["y"][0], f"A4: the loss did not go down in two steps: {train['y']}"

    # §1: the next token. Gemma's first guess after the seed's sentence is "▁paris" (docs/gemma.md).
    me.page.get_by_role("button", name=me.w("next_token")).click()
    # The whole Gemma model is built on this first request (half a minute to a minute and a half here);
    # the column says it is loading and fills itself when it is ready.
    me.wait_for(f"() => ({TABLE})('#next-gemma').length >= 3", timeout=240_000)
    assert "paris" in me.table("#next-gemma")[0][0].lower()
    assert len(me.table("#next-tiny")) >= 3


def test_the_seed_walked_section_by_section(learner, gemma):
    """Sections 3–9 and A1–A4 in the guide's order, with its four common mistakes on the way."""
    tokens_sections(learner, gemma)
    windows_sections(learner)
    embeddings_sections(learner, gemma)
    train_sections(learner)
    learner.page.screenshot(path=f"/tmp/minilm_walk_{learner.lang}.png", full_page=True)
