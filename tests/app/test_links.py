"""Shareable links and blog embedding: link values validated, views restored, iframe and web component.

The browser tests serve a static "blog post" from another local port (another origin) that embeds
the running app both ways, as the README's snippets do, and check the preset view works inside it.
"""

import functools
import http.server
import socket
import threading
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from helpers import block_off_host
from minilm.share import MAX_LINK_TEXT, parse_state, state_url



@pytest.mark.parametrize(
    "params, state, n_notes",
    [
        ({"tab": "windows", "stride": "4", "context_length": "8"}, {"tab": "windows", "stride": 4, "context_length": 8}, 0),
        ({"tab": "nope", "stride": "0", "context_length": "1.5", "dims": "1,2"}, {}, 4),
        ({"text": "<img src=x onerror=alert(1)>", "vectors": "gemma", "dims": "20 21 22"},
         {"text": "<img src=x onerror=alert(1)>", "vectors": "gemma", "dims": "20, 21, 22"}, 0),
        ({"source": "hand", "dim": "8"}, {"vectors": "hand", "embedding_dim": 8}, 0),
        ({"unknown": "x", "view": "compact"}, {"view": "compact"}, 0),
        ({"text": "   "}, {}, 1),
        # str.isdigit() takes superscripts that int() refuses: "²" crashed the link, "2²" reached the page
        ({"context_length": "²", "dims": "2², 3, 4", "stride": "٣"}, {"stride": 3}, 2),
    ],
    ids=["good", "all-bad", "text-kept-as-text", "old-names", "unknown-ignored", "blank-text", "superscripts"],
)
def test_parse_state(params, state, n_notes):
    got, notes = parse_state(params)
    assert got == state and len(notes) == n_notes


def test_long_text_is_cut_and_round_trips():
    url = state_url("http://h/?old=1", {"tab": "tokens", "text": "ç & ?=" * 1000})
    from urllib.parse import parse_qsl, urlsplit

    state, _ = parse_state(dict(parse_qsl(urlsplit(url).query)))
    assert url.startswith("http://h/?tab=tokens&text=") and len(state["text"]) == MAX_LINK_TEXT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def blog(app_url, tmp_path_factory):
    """A page on another origin embedding the app in an iframe and in a <gradio-app> element."""
    import gradio

    assets = Path(gradio.__file__).parent / "templates" / "frontend" / "assets"
    entry = next(p.name for p in assets.glob("index-*.js"))  # what the CDN's gradio.js loads
    folder = tmp_path_factory.mktemp("blog")
    (folder / "index.html").write_text(f"""<!doctype html><html><head><meta charset="utf-8">
<script type="module" src="{app_url}assets/{entry}"></script></head><body><h1>A blog post</h1>
<iframe id="frame" src="{app_url}?tab=windows&view=compact&stride=16" width="1000" height="700"></iframe>
<gradio-app src="{app_url}?tab=windows&view=compact&stride=6"></gradio-app></body></html>""")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


def _summary_windows(locator) -> str:
    return locator.inner_text(timeout=30_000).split("→")[1].strip()


@pytest.mark.slow
@pytest.mark.browser
def test_embedded_both_ways_on_another_origin(browser, blog, app_url):
    from minilm import get_tokenizer
    from minilm.assets import corpus_text
    from minilm.windows.loader import count_windows

    n = len(get_tokenizer("bpe").encode_long(corpus_text()))
    page = browser.new_page(viewport={"width": 1100, "height": 1800})
    block_off_host(page)
    page.goto(blog)
    frame = page.frame_locator("#frame")
    frame.locator("#windows-summary").filter(has_text="windows").wait_for(timeout=30_000)
    assert _summary_windows(frame.locator("#windows-summary")) == f"{count_windows(n, 12, 16):,} windows"
    element = page.locator("gradio-app")
    element.locator("#windows-summary").filter(has_text="windows").wait_for(timeout=30_000)
    page.wait_for_function("() => document.querySelector('gradio-app #windows-summary')?.innerText?.includes('"
                           f"{count_windows(n, 12, 6):,} windows')", timeout=30_000)
    # compact: the explanations and the tab bar are hidden inside both embeds
    assert not frame.locator(".tab-wrapper").first.is_visible()
    assert not element.locator(".mlm-prose").first.is_visible()
    page.screenshot(path="/tmp/minilm_embedded.png", full_page=True)
    page.close()


@pytest.mark.slow
@pytest.mark.browser
def test_link_restores_and_copy_link_reproduces(browser, app_url):
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    block_off_host(context, app_url)
    page = context.new_page()
    page.goto(f"{app_url}?tab=windows&context_length=8&stride=4&tokenizer=word&stride=4")
    page.wait_for_function("() => document.querySelector('#windows-summary')?.innerText?.includes('[1, 8]')", timeout=30_000)
    page.locator("#copy-link").click()
    page.wait_for_function("() => document.querySelector('#link textarea, #link input')?.value?.startsWith('http')", timeout=10_000)
    link = page.locator("#link textarea, #link input").first.input_value()
    assert "tab=windows" in link and "context_length=8" in link and "stride=4" in link and "tokenizer=word" in link
    again = context.new_page()
    again.goto(link)
    again.wait_for_function("() => document.querySelector('#windows-summary')?.innerText?.includes('[1, 8]')", timeout=30_000)
    assert again.locator("#windows-context input[type=number]").input_value() == "8"
    assert again.locator("#tokens-local-choice input[value=word]").is_checked()
    context.close()


# The tabs' own views: each one deferred ("always_last") listener of its fields' changes.
TAB_VIEWS = ("tokenize_view", "windows_view", "embeddings_view")


def test_a_load_or_language_switch_redraws_each_tab_through_its_deferred_view():
    """A load that ran a tab's view as its own `.then`, next to the fields' deferred listener, raced it: the
    two could finish out of order and leave the view drawn with values older than the link's (Windows: 2
    loads in 16; Embeddings: 5 in 104). After the load and after a language switch, nothing may run a tab's
    view function but that listener; a browser-side nudge (no server call) writes one of its triggers; and
    the selection's marks follow it, as they follow every other view."""
    import app

    demo = app.build_demo()
    deps = {d["id"]: d for d in demo.config["dependencies"]}
    by_name = {d["api_name"]: i for i, d in deps.items()}
    views = {by_name[name] for name in TAB_VIEWS}
    assert all(deps[i]["trigger_mode"] == "always_last" and any(e == "change" for _, e in deps[i]["targets"]) for i in views)
    view_fns = {demo.fns[i].fn for i in views}
    marked = {deps[i]["trigger_after"] for i in deps if deps[i]["api_name"].startswith("marks_gate_")}
    assert views <= marked

    def chained(start):
        found, todo = set(), [start]
        while todo:
            last = todo.pop()
            after = [i for i, d in deps.items() if d["trigger_after"] == last]
            found.update(after)
            todo += after
        return found

    for start in ("apply_link", "switch_language"):
        then = chained(by_name[start])
        racing = sorted(deps[i]["api_name"] for i in then if demo.fns[i].fn in view_fns)
        assert racing == [], f"{start} draws these views itself, beside their deferred listener"
        nudged = {o for i in then if not deps[i]["backend_fn"] for o in deps[i]["outputs"]}
        missed = sorted(deps[i]["api_name"] for i in views
                        if not any(t in nudged for t, e in deps[i]["targets"] if e == "change"))
        assert missed == [], f"{start} does not redraw these views"


# A link with a Tokens text and tokenizer and Embeddings values that are not the defaults.
LINK_TEXT = "the capital of france is paris"
LINKED = {"en": ("nn.Embedding(1,024, 8)", ["dim 5", "dim 6", "dim 7"]),
          "tr": ("nn.Embedding(1.024, 8)", ["boyut 5", "boyut 6", "boyut 7"])}
SHOWN_JS = """() => ({
  chips: [...document.querySelectorAll('#tokens-local .mlm-chip')].map(c => [c.querySelector('.mlm-t').textContent,
                                                                        c.querySelector('.mlm-id').textContent]),
  note: document.querySelector('#emb-note [data-testid=markdown]')?.innerText || '',
  axes: (() => { try { const s = document.querySelector('#emb-scatter .js-plotly-plot')._fullLayout.scene;
                       return ['xaxis', 'yaxis', 'zaxis'].map(a => s[a].title.text); } catch (e) { return null; } })()})"""


def _wait_shown(page, want, title):
    """Wait until the page shows `want`'s chips and axes under a note with `title`, and still does a second later
    (a stale view that finishes last lands within it); then assert it, so a failure shows what was drawn."""
    try:
        page.wait_for_function(f"([want, title]) => {{ const s = ({SHOWN_JS})(); return s.note.includes(title) && "
                               "JSON.stringify([s.chips, s.axes]) === JSON.stringify([want.chips, want.axes]); }",
                               arg=[want, title], timeout=30_000)
    except PlaywrightTimeout:
        pass
    page.wait_for_timeout(1_000)
    shown = page.evaluate(SHOWN_JS)
    assert {"chips": shown["chips"], "axes": shown["axes"]} == want and title in shown["note"], shown["note"]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "tr"])
def test_link_values_are_what_each_view_shows_after_the_load(browser, app_url, lang):
    """The Tokens and Embeddings views a link opens are drawn with the link's values and stay so once every
    event of the load has finished (a view that read embedding_dim 4 under the link's dims once finished last:
    A3's error instead of the plot); a few loads, as that happened about once in twenty. A switch to the other
    language redraws them in its words, with the same values."""
    from minilm import get_tokenizer
    from minilm.tokens.figures import visible

    analyzed = get_tokenizer("word").analyze(LINK_TEXT)
    chips = [[visible(t) or "∅", str(i)] for t, i in zip(analyzed.tokens, analyzed.ids)]
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    block_off_host(context, app_url)
    page = context.new_page()
    text = LINK_TEXT.replace(" ", "+")
    try:
        for _ in range(3):
            page.goto(f"{app_url}?tab=embeddings&tokenizer=word&text={text}&embedding_dim=8&dims=5,6,7&lang={lang}")
            title, axes = LINKED[lang]
            _wait_shown(page, {"chips": chips, "axes": axes}, title)
        other = "tr" if lang == "en" else "en"
        page.locator("#mlm-lang").get_by_text({"en": "English", "tr": "Türkçe"}[other]).click()
        title, axes = LINKED[other]
        _wait_shown(page, {"chips": chips, "axes": axes}, title)
    finally:
        context.close()
