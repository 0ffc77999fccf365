"""Markup and template injection, one test per escape site, each payload arriving where it really can.

docs/security.md ("HTML and script injection", and the checklist's `<img onerror>`, `${alert(1)}`,
`</span><script>`): what a visitor types, names or sends to a number box must reach the page as
literal text. Each test calls the handler as gradio calls it, then reads the output as a browser
would: HTML through `html.parser`, Markdown through markdown-it (CommonMark, HTML allowed, as gradio's
renderer allows it before sanitising), and asserts that no element or attribute of the payload exists
and that the visitor reads the payload's own characters. `$` is checked apart from braces: gradio's
Markdown runs KaTeX over a message whose source holds its LaTeX delimiters (`$$` by default), and
`{{...}}` / `${...}` are what template engines read.
"""

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from gradio_client.utils import strip_invalid_filename_characters
from markdown_it import MarkdownIt

import minilm.ui.tokens as tokens_tab
from minilm.assets import ASSETS
from minilm.embeddings.settings import HAND_MADE
from minilm.ui import embeddings as embeddings_tab

# What a visitor can type (a text box, an API caller's string for a number box): any character.
TYPED = [
    "<img src=x onerror=alert(1)>",
    "</div></span><script>alert(1)</script>",
    "${alert(1)}",
    "$x$ and $$x$$",  # dollars without braces: LaTeX delimiters
    "{{alert(1)}} {x}",  # braces without a dollar: template syntax
    'a & b "c" &lt;d&gt; &#36;',  # ampersands, a quote, and entities that must stay as typed
]
TYPED_IDS = ["img-onerror", "script", "dollar-brace", "dollars", "braces", "amp-quote-entities"]

# What a file name can carry after gradio's upload route (strip_invalid_filename_characters drops
# < > : " / \ | ? * ` $ ! { }): entities that would become markup if unescaped, Markdown syntax, '.
NAMES = [
    "&lt;img src=x onerror=alert(1)&gt;.json",
    "&#36;&#123;alert(1)&#125; &amp;.json",
    "[x](y) __b__ _e_ ~~s~~ #1.json",
    "Tom's & Jerry's (v2).json",
]
NAME_IDS = ["entity-img", "entity-dollar-brace", "markdown", "quote-amp"]

# The Embeddings tab's fields as gradio sends them (the hand-made table arrives as a DataFrame).
EMBEDDINGS = dict(vectors="random", text="the capital of france", text_b="", tokenizer="bpe", table_tokenizer="bpe",
                  embedding_dim=4, seed=0, dims="0, 1, 2", pca=False, positions=False, lines=False,
                  hand=pd.DataFrame([[w, *v] for w, v in HAND_MADE], columns=["word", "a", "b", "c", "d"]))

# Elements and attributes the code writes itself; anything else on the page came from a payload.
OWN_HTML = {"style", "div", "span", "b", "br"}
OWN_ATTRIBUTES = {"class", "style", "title", "data-mlm-pick"}
PICK = re.compile(r"(tokens|gemma|windows|train|vocab) \d+")  # the click bridge's only values: a fixed word, a number


class Browser(HTMLParser):
    """Reads HTML as a browser builds its DOM: the elements with their attributes, and the text shown
    (character references resolved, the code's own <style> left out)."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.picks: list[str] = []
        self.shown: list[str] = []
        self._in_style = False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(name for name, _ in attrs)))
        self.picks += [value for name, value in attrs if name == "data-mlm-pick"]
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, tuple(name for name, _ in attrs)))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.shown.append(data)

    @property
    def text(self) -> str:
        return "".join(self.shown)


def assert_html_literal(markup: str, literal: str, *, tags=OWN_HTML, attributes=OWN_ATTRIBUTES):
    """No element or attribute beyond the code's own, `literal` shown as typed, and no `$`, `{` or `}`
    left for a template engine (`html_template`, a JS template literal) to read as code."""
    page = Browser(markup)
    assert {tag for tag, _ in page.elements} <= tags, page.elements
    assert {a for _, names in page.elements for a in names} <= attributes, page.elements
    assert all(PICK.fullmatch(p or "") for p in page.picks), page.picks
    assert literal in page.text, (literal, page.text)
    outside_css = re.sub(r"<style>.*?</style>", "", markup, flags=re.S)
    assert not set("${}") & set(outside_css), outside_css


def assert_markdown_literal(markdown: str, literal: str):
    """The Markdown renders to one paragraph of text (no link, emphasis, heading, code or tag), the
    visitor reads `literal` as typed, and no `$$` is left in the source for gradio's KaTeX."""
    page = Browser(MarkdownIt("commonmark").render(markdown))
    assert {tag for tag, _ in page.elements} <= {"p"} and all(not names for _, names in page.elements), page.elements
    assert literal in page.text, (literal, page.text)
    assert "$$" not in markdown, markdown


def view(text="paris", tokenizer="bpe", own=None):
    """The Tokens tab's view as gradio calls it: the session's own tokenizers, then the fields by keyword."""
    return tokens_tab.tokenize_view(own or {}, text=text, tokenizer=tokenizer, add_special_tokens=True,
                                    split_special=False)


def uploaded(tmp_path, name: str) -> str:
    """A tokenizer.json stored under `name` as gradio's upload route stores it (the name must survive)."""
    assert strip_invalid_filename_characters(name) == name, "gradio would not deliver this name"
    path = tmp_path / name
    path.write_bytes((ASSETS / "tokenizer_word.json").read_bytes())
    return str(path)


# ---------------------------------------------------------------- the chips' stats line (gr.HTML)

@pytest.mark.parametrize("payload", TYPED, ids=TYPED_IDS)
def test_stats_line_shows_a_typed_payload_as_text(loading_gemma, payload):
    """A typed `<bos>` becomes the special token, so the round trip fails and the stats line quotes
    what decode gives back: the visitor's own text, markup included (figures.stats_html)."""
    local = view("<bos>" + payload)[0]
    stats = re.search(r'<div class="mlm-stats">.*?</div>', local, flags=re.S).group(0)
    assert "decode gives back" in stats
    assert_html_literal(stats, payload)
    assert_html_literal(local, payload)


# ---------------------------------------------------------------- the card title (gr.HTML)

@pytest.mark.parametrize("name", NAMES, ids=NAME_IDS)
def test_card_title_shows_an_uploaded_file_name_as_text(loading_gemma, tmp_path, name):
    """The local card's title names an uploaded tokenizer by its file name (figures.tokenization_html)."""
    own, choice, _ = tokens_tab.upload_tokenizer(uploaded(tmp_path, name), {})
    assert choice["value"] == "upload"
    local = view("the capital of paris", "upload", own)[0]
    head = re.search(r'<div class="mlm-head">.*?</div>', local, flags=re.S).group(0)
    assert_html_literal(head, f"{name} · ")
    assert Browser(head).text.startswith(name)


# ---------------------------------------------------------------- messages where chips would be (gr.HTML)

@pytest.mark.parametrize("payload", TYPED, ids=TYPED_IDS)
def test_error_in_the_chips_column_shows_the_payload_as_text(loading_gemma, payload):
    """An API caller's tokenizer name comes back in the unknown-tokenizer message, drawn where the
    chips would be (figures.message_html) and in the status (Markdown)."""
    local, _, _, _, status, _ = view("paris", tokenizer=payload)
    assert_html_literal(local, repr(payload))
    assert_markdown_literal(status, repr(payload))
    assert "mlm-chip" in view("paris")[0]  # the next request works


# ---------------------------------------------------------------- Markdown messages with user values

@pytest.mark.parametrize("payload", TYPED, ids=TYPED_IDS)
def test_dims_box_payload_in_the_message_is_text(payload):
    """The dims box is a Textbox: what is typed there is quoted back by the problem (page.problem)."""
    note = embeddings_tab.embeddings_view(**{**EMBEDDINGS, "dims": payload})[0]
    assert note.startswith("⚠️")
    assert_markdown_literal(note, repr(payload))


@pytest.mark.parametrize("payload", TYPED, ids=TYPED_IDS)
def test_seed_box_payload_in_the_message_is_text(payload):
    """gr.Number passes an API caller's value through untouched (no precision, no bounds), so the seed
    can arrive as any string; the problem quotes it back."""
    import gradio as gr

    seed = gr.Number(0, label="seed").preprocess(payload)
    assert seed == payload
    note = embeddings_tab.embeddings_view(**{**EMBEDDINGS, "seed": seed})[0]
    assert note.startswith("⚠️")
    assert_markdown_literal(note, repr(payload))


@pytest.mark.parametrize("name", NAMES, ids=NAME_IDS)
def test_file_names_in_upload_messages_are_text(loading_gemma, tmp_path, name):
    """Loaded, refused (not JSON) and token_ids made: each status names the file (page.say_md, page.problem)."""
    own, _, loaded = tokens_tab.upload_tokenizer(uploaded(tmp_path, name), {})
    assert_markdown_literal(loaded, f"Loaded {name}")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / name).write_text("{", encoding="utf-8")
    _, _, refused = tokens_tab.upload_tokenizer(str(broken / name), own)
    assert_markdown_literal(refused, f"{name} is not valid JSON")
    text_file = tmp_path / name.replace(".json", ".txt")
    text_file.write_text("the capital of france is paris\n", encoding="utf-8")
    _, made = tokens_tab.token_ids_file(str(text_file), "bpe", True, {})
    assert_markdown_literal(made, f"from {text_file.name} (")


def test_page_markdown_reads_only_double_dollars_as_latex():
    """`$x$` stays text only because no gr.Markdown on the page sets `latex_delimiters` with a single
    `$` (gradio's default is `$$...$$`, which the messages escape)."""
    import gradio as gr

    import app

    delimiters = {str(b.latex_delimiters) for b in app.build_demo().blocks.values() if isinstance(b, gr.Markdown)}
    assert delimiters == {str([{"left": "$$", "right": "$$", "display": True}])}

