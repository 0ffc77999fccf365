"""Every tab in Turkish, after using it: no English word on the page outside code and token text.

Why: a Turkish learner reads everything the page shows: labels, plot titles, axes and legends, table
headers, status lines, notes and errors. Half of it used to stay English because it was written by
the server, by a figure, or by the core. The English words looked for are the app's own (every word
of minilm/lang/en.py that no Turkish text uses), so a text that misses translation is found
wherever it turns up. Left out, as a person would: code, token chips and token columns, what the
visitor typed, the model's samples, and the names in ALLOWED.
"""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from helpers import block_off_host
from minilm import get_tokenizer
from minilm.assets import corpus_text
from minilm.lang import EN, TR, number

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WAIT_MS = 30_000
ALLOWED = {"gradio", "google", "english"}  # names, not prose
# A word; identifiers (embed_tokens, context_length, Windows-1254) are read whole and left out as code.
WORD = re.compile(r"[A-Za-zÇĞİÖŞÜçğıöşüÂâÎîÛû](?:[\wÇĞİÖŞÜçğıöşüÂâÎîÛû]|-(?=\w))*")

# The page's visible text, in document order, without code, tokens and what the visitor typed; then
# what Plotly draws as text: titles, axis titles, legend entries, annotations, colour bar titles.
COLLECT = """() => {
  const skip = 'code, pre, textarea, input, .cm-editor, .mlm-chip, .mlm-pair td, .mlm-t, .js-plotly-plot, '
             + '.gallery, .examples, svg, #mlm-lang, #tokens-boundaries .mlm-map, '
             + '[data-testid^="cell-"][data-testid$="-0"]';  // a table's first column: its tokens or words
  const out = [];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { out.push(node.textContent); return; }
    if (node.nodeType !== Node.ELEMENT_NODE || node.matches(skip)) return;
    const style = getComputedStyle(node);
    if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return;
    if (node.tagName === 'TD') {  // a table's token column holds token text
      const i = [...node.parentNode.children].indexOf(node);
      const head = node.closest('table')?.querySelectorAll('thead th')[i];
      if (head && /^\\s*token\\s*$/i.test(head.innerText)) return;
    }
    for (const child of node.childNodes) walk(child);
  };
  walk(document.querySelector('gradio-app') || document.body);
  const title = (a) => (a && a.title && (a.title.text ?? a.title)) || '';
  for (const el of document.querySelectorAll('.js-plotly-plot')) {
    const L = el.layout || {}, s = L.scene || {};
    out.push(title(L), ...[L.xaxis, L.yaxis, s.xaxis, s.yaxis, s.zaxis].map(title));
    for (const a of L.annotations || []) out.push(a.text || '');
    for (const d of el.data || []) {
      if (d.showlegend !== false) out.push(d.name || '');
      if (d.colorbar) out.push(title(d.colorbar));
    }
  }
  return out.join('\\n');
}"""


def words_of(texts):
    # Code spans, fields, tags and quoted examples in italics (*the capital of france is*) are not prose.
    plain = (re.sub(r"`[^`]*`|\{[^}]*\}|<[^>]*>|(?<!\*)\*[^*\n]+\*(?!\*)", " ", t) for t in texts)
    return {w.lower() for t in plain for w in prose_words(t)}


def prose_words(text):
    text = re.sub(r"▁\S*", " ", text)  # a token as the tokenizer writes it (▁the) is token text
    return [w for w in WORD.findall(text) if not re.search(r"[_\d]", w)]


# The app's English: words its English texts use and its Turkish texts do not (token, stride, batch,
# loss, embedding... are the guide's own Turkish terms and so are not looked for).
ENGLISH = {w for w in words_of(EN.values()) - words_of(TR.values()) if len(w) > 2} - ALLOWED
USER_TEXT = ["the capital of united states and the capital of france", "the capital of united states and the capital of germany",
             "the capital of france is paris", "the capital of france is", "the capital of"]


def english_on(page) -> dict[str, str]:
    """Each English word on the page, with the line it is in."""
    text = page.evaluate(COLLECT)
    for typed in USER_TEXT:
        text = text.replace(typed, " ")
    return {w: line.strip()[:200] for line in text.splitlines() for w in prose_words(line) if w.lower() in ENGLISH}


def assert_turkish(page, where):
    found = english_on(page)
    assert not found, f"{where}: English on the Turkish page: {found}"


def settle(page, ms=1500):
    page.wait_for_timeout(ms)
    page.wait_for_function("() => !document.querySelector('.progress-text, .eta-bar')", timeout=WAIT_MS)


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="tr-TR",
                                  extra_http_headers={"Accept-Language": "tr-TR,tr;q=0.9"})
    opened = context.new_page()
    block_off_host(context, app_url)
    opened.goto(app_url)
    opened.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)
    yield opened
    context.close()


def test_the_vocabulary_looked_for_is_real():
    """The check can fail: the words it looks for include the app's everyday English."""
    assert {"window", "windows", "batches", "characters", "training", "step", "nearest", "stopped", "sentence"} <= ENGLISH
    assert "token" not in ENGLISH and "stride" not in ENGLISH  # kept in Turkish, as the guide does


def test_every_tab_in_turkish_after_using_it(page):
    tab = lambda key: page.get_by_role("tab", name=TR[key], exact=True).click()  # noqa: E731

    # Tokens: the word-level tokenizer on an unknown word, a typed special token, a text file.
    page.locator("#tokens-local-choice").get_by_text(TR["tokenizer_word"]).click()
    page.locator("#tokens-text textarea").fill("<bos>the capital of zanzibar")
    page.wait_for_selector("#tokens-local .mlm-unknown", timeout=WAIT_MS)
    page.get_by_text(TR["whole_file"]).click()
    page.get_by_role("button", name=TR["make_ids"]).click()
    settle(page)
    assert_turkish(page, "Tokens")
    assert number(len(get_tokenizer("word")), "tr") in page.locator("#tokens-local").inner_text()  # 1.317 words

    # Windows: a stride larger than context_length, the y = x mistake, a text too short.
    tab("tab_windows")
    page.wait_for_selector("#windows-pairs table.mlm-pair", timeout=WAIT_MS)
    box = page.locator("#windows-stride input[type=number]")
    box.fill("20")
    box.press("Enter")
    page.get_by_text(TR["show_mistake"]).click()
    page.wait_for_selector("#windows-pairs tr.mlm-bad", timeout=WAIT_MS)
    settle(page)
    assert_turkish(page, "Windows")
    n_tokens = len(get_tokenizer("bpe").encode_long(corpus_text()))
    assert number(n_tokens, "tr") in page.locator("#windows-summary").inner_text()  # 29.656, not 29,656
    page.get_by_text(TR["prompt_source"]).click()
    try:
        page.wait_for_function("() => document.querySelector('#windows-summary').innerText.includes('⚠️')", timeout=WAIT_MS)
    except PlaywrightTimeout:
        pass
    assert_turkish(page, "Windows, a text too short")
    page.locator("#windows-source").get_by_text(TR["corpus_source"]).click()  # the Train tab follows this source

    # Embeddings: each source, PCA, a bad slice of dimensions.
    tab("tab_embeddings")
    page.wait_for_selector("#emb-scatter .js-plotly-plot", timeout=WAIT_MS)
    for source in ("hand_made", "random_embedding", "gemma_embed"):
        page.locator("#emb-source").get_by_text(TR[source]).click()
        settle(page, 2500)
        assert_turkish(page, f"Embeddings, {source}")
    page.get_by_text(TR["pca"]).click()
    settle(page, 2500)
    assert_turkish(page, "Embeddings, PCA")

    # Train: a short run, a sample, the next token from both models.
    tab("tab_train")
    box = page.locator("#train-steps input[type=number]")
    box.fill("20")
    box.press("Enter")
    page.locator("#train-start").click()
    page.wait_for_function("() => /20\\/20/.test(document.querySelector('#train-status').innerText)", timeout=120_000)
    page.get_by_role("button", name=TR["sample"]).click()
    page.get_by_role("button", name=TR["before_after"]).click()
    page.get_by_role("button", name=TR["next_token"]).click()
    page.wait_for_function("() => document.querySelectorAll('#next-gemma [role=row][data-index]').length >= 3", timeout=240_000)
    settle(page, 2500)
    assert_turkish(page, "Train")
    page.screenshot(path="/tmp/minilm_turkish_train.png", full_page=True)
