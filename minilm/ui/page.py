"""The page around the tabs: its two languages, links that restore a view, copy-link, compact mode.

One language choice drives the page: `lang=` in a link, else the visitor's last pick (kept in the
browser), else the browser's language. The switch at the top (or gradio's own Settings, which the
page follows) changes it in place. `T("key")` goes where a label or a Markdown text would: the
browser shows it in the chosen language. Text the server computes is worded with
`minilm.lang.say(key, language(request))`, which reads the language this page view chose. Each tab
hands over `TabParts`: the components a link may set, and how to refresh its view.
Not here: the words (`minilm.lang`) or validating link values (`minilm.share`).
"""

import json
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qsl

import gradio as gr

from minilm.lang import EN, LANGUAGES, TR, language_of, say, words
from minilm.lang.tr import GRADIO as GRADIO_TR
from minilm.notebook import notebook_from_state, write_notebook
from minilm.share import TABS, parse_state
from minilm.text import markdown_literal
from minilm.tokens.registry import tokenizer_entry, tokenizer_names
from minilm.ui.plot import PLOT_LOCALE_JS

# The browser formats what it is given as ICU messages, so only plain texts go there; texts with
# {fields} are filled on the server.
# gradio 6.31 announces a finished event to screen readers as the raw key "common.complete" (its own
# translations lack it); the browser's i18n reads the dot as nesting, so this fills that key.
GRADIO_WORDS = {"en": {"common.complete": "Done"}, "tr": {"common.complete": "Tamamlandı"}}
I18N = gr.I18n(**{lang: {**{k: v for k, v in table.items() if "{" not in v}, **GRADIO_WORDS[lang]}
                  for lang, table in (("en", EN), ("tr", {**EN, **TR}))})


def T(key: str):  # noqa: N802 - reads like the gettext `_` it stands for
    if key not in EN or "{" in EN[key]:
        raise KeyError(f"no plain English text for {key!r}")
    return I18N(key)


# The language each page view chose (by session), so every handler words its answer in it. Bounded:
# a view that never says goodbye (a closed laptop) must not keep its entry forever.
_CHOSEN: OrderedDict[str, str] = OrderedDict()
_CHOSEN_LOCK = threading.Lock()  # handlers run in threads side by side
MAX_VIEWS = 10_000


def language(request: gr.Request | None) -> str:
    """The language this page view chose; for other callers, "tr" when Accept-Language asks for Turkish first."""
    if request is None:
        return "en"
    chosen = _CHOSEN.get(getattr(request, "session_hash", None) or "")
    return chosen or language_of(request.headers.get("accept-language", ""))


def choose_language(lang: str, request: gr.Request | None) -> str:
    """Remember `lang` for this page view; anything but a known language reads as English."""
    lang = lang if lang in LANGUAGES else "en"
    session = getattr(request, "session_hash", None)
    if session:
        with _CHOSEN_LOCK:
            _CHOSEN[session] = lang
            _CHOSEN.move_to_end(session)
            while len(_CHOSEN) > MAX_VIEWS:
                _CHOSEN.popitem(last=False)
    return lang


def forget_language(request: gr.Request) -> None:
    with _CHOSEN_LOCK:
        _CHOSEN.pop(getattr(request, "session_hash", None) or "", None)


def problem(err: Exception, lang: str) -> str:
    """An error as the page shows it (Markdown), in the visitor's language: its text stays literal."""
    return "⚠️ " + markdown_literal(words(err, lang))


def say_md(key: str, lang: str, **values) -> str:
    """`say()` for a Markdown output: the values (file names, notes, anything a visitor typed) stay literal."""
    return say(key, lang, **{k: markdown_literal(v) if isinstance(v, str) else v for k, v in values.items()})


def api_error(err: Exception) -> gr.Error:
    """An error for API callers (English), without a traceback in the log."""
    return gr.Error(str(err), print_exception=False)


def tokenizer_choices(*, local_only: bool = False) -> list[tuple]:
    """(label, name) for every registered tokenizer, read when a tab is built."""
    entries = [tokenizer_entry(name) for name in tokenizer_names(local_only=local_only)]
    return [(T(e.label) if e.translated else e.label, e.name) for e in entries]


COMPACT_CSS = """
body.mlm-compact .mlm-prose, body.mlm-compact #intro, body.mlm-compact .tab-wrapper,
body.mlm-compact footer { display: none !important; }
#mlm-lang { flex-grow: 0; min-width: 180px; }
"""
# gradio keeps its locale in the svelte-i18n store of its core module; importing that module again
# gives the same instance, and its changeLocale is what gradio's Settings panel calls.
SET_LOCALE_JS = r"""async (lang) => {
  (PLOT_LOCALE)(lang);
  const url = performance.getEntriesByType('resource').map((e) => e.name).find((n) => /\/assets\/core-[^/?]*\.js/.test(n));
  if (!url) return;
  try { await (await import(url)).changeLocale(lang); } catch (e) { console.warn('minilm: the page could not switch its language', e); }
}""".replace("PLOT_LOCALE", PLOT_LOCALE_JS)
# The link's query string: the page's own or, inside a <gradio-app> web component on someone else's
# page, the element's src.
LINK_QUERY_JS = r"""() => {
  const embedded = document.querySelector('gradio-app[src*="?"]');
  if (embedded && !new URLSearchParams(window.location.search).has('tab')) return new URL(embedded.getAttribute('src'), window.location.href).search;
  return window.location.search;
}"""
# Runs in the page on load and returns [the link's query string, the language to show].
QUERY_JS = f"""async () => {{
  const setLocale = {SET_LOCALE_JS};
  const query = ({LINK_QUERY_JS})();
  const params = new URLSearchParams(query);
  if (params.get('view') === 'compact') document.body.classList.add('mlm-compact');
  let kept = null;
  try {{ kept = window.localStorage.getItem('minilm-lang'); }} catch (e) {{}}
  const wanted = params.get('lang') || kept || document.documentElement.lang || navigator.language || 'en';
  const lang = wanted.toLowerCase().startsWith('tr') ? 'tr' : 'en';
  await setLocale(lang);
  return [query, lang];
}}"""
# The switch: keep the pick in this browser and relabel the page before the server rewords its parts.
SWITCH_JS = f"""async (lang, query) => {{
  try {{ window.localStorage.setItem('minilm-lang', lang); }} catch (e) {{}}
  await ({SET_LOCALE_JS})(lang);
  return [lang, ({LINK_QUERY_JS})()];
}}"""
# gradio's own Settings panel changes the locale (and <html lang>) without telling the server: follow
# it by clicking the matching choice of the switch, which then does the rest.
FOLLOW_SETTINGS_JS = """() => {
  if (window.__minilmFollowsSettings) return;
  window.__minilmFollowsSettings = true;
  new MutationObserver(() => {
    const lang = (document.documentElement.lang || '').toLowerCase().startsWith('tr') ? 'tr' : 'en';
    const choice = document.querySelector(`#mlm-lang input[value="${lang}"]`);
    if (choice && !choice.checked) choice.click();
  }).observe(document.documentElement, {attributes: true, attributeFilter: ['lang']});
}"""

# gradio's own hover titles and screen-reader labels that its Turkish locale leaves English ("Copy table data",
# "Fullscreen", "range slider for stride": `minilm.lang.tr.GRADIO`), put in Turkish while the page is Turkish and
# back when it is not. Only inside the app (<gradio-app>): a page that embeds it keeps its own words.
GRADIO_WORDS_JS = """() => {
  if (window.__minilmGradioWords) return;
  window.__minilmGradioWords = true;
  const words = WORDS, ATTRS = ['title', 'aria-label', 'alt'];
  const patterns = Object.entries(words).filter(([key]) => key.includes('{}')).map(([key, value]) => [key.split('{}'), value]);
  const english = new WeakMap();  // element -> {attribute: the English text gradio wrote}
  const turkish = () => (document.documentElement.lang || '').toLowerCase().startsWith('tr');
  const translate = (text) => {
    if (Object.hasOwn(words, text)) return words[text];
    for (const [[head, tail], value] of patterns) {
      if (text.length > head.length + tail.length && text.startsWith(head) && text.endsWith(tail))
        return value.replace('{}', text.slice(head.length, text.length - tail.length));
    }
    return null;
  };
  const fix = (el) => {
    for (const attr of ATTRS) {
      const now = el.getAttribute(attr);
      if (now === null) continue;
      const kept = english.get(el) || {};
      if (kept[attr] === undefined || (now !== kept[attr] && now !== translate(kept[attr]))) {
        kept[attr] = now;  // new text from gradio (e.g. "Copied to clipboard" after a click)
        english.set(el, kept);
      }
      const want = turkish() ? (translate(kept[attr]) ?? kept[attr]) : kept[attr];
      if (want !== now) el.setAttribute(attr, want);
    }
  };
  const root = document.querySelector('gradio-app') || document.body;
  const walk = (node) => {
    if (node.nodeType !== 1) return;
    fix(node);
    node.querySelectorAll('[title],[aria-label],[alt]').forEach(fix);
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') fix(record.target);
      else record.addedNodes.forEach(walk);
    }
  }).observe(root, {subtree: true, childList: true, attributes: true, attributeFilter: ATTRS});
  new MutationObserver(() => walk(root)).observe(document.documentElement, {attributes: true, attributeFilter: ['lang']});
  walk(root);
}""".replace("WORDS", json.dumps(GRADIO_TR, ensure_ascii=False))


@dataclass
class TabParts:
    refresh: Callable  # refresh(event) redraws the tab after `event`, through `views` (a second view event would race them)
    fields: dict = field(default_factory=dict)  # link key -> component
    traced: object = None  # a gr.State: what the tab drew, for the selection to mark again (issue 14)
    views: list = field(default_factory=list)  # the events that redraw the tab (a load's redraw among them)
    shows: dict = field(default_factory=dict)  # name -> component a selection redraws
    starts: list = field(default_factory=list)  # buttons that train a model (the marks then draw its text)


@dataclass
class Header:
    lang: gr.Radio  # the page's language: "en" or "tr"
    note: gr.Markdown  # what a link asked for that the page could not do


def page_header() -> Header:
    """The introduction, the language switch, and the place where a link's problems are shown."""
    with gr.Row(equal_height=False):
        gr.Markdown(T("intro"), elem_id="intro")
        lang = gr.Radio([("English", "en"), ("Türkçe", "tr")], label=T("language"), elem_id="mlm-lang", scale=0)
    note = gr.Markdown(elem_id="link-note")
    return Header(lang, note)


def _link_note(notes: list[str], lang: str) -> str:
    return say_md("link_ignored", lang, notes="; ".join(notes)) if notes else ""


def tabs_js(tab_names, *, select: bool) -> str:
    """JavaScript that returns updates for [tabs, *tab titles]: the link's tab (if `select`), and the titles in `lang`.

    It runs in the browser, never on the server: gradio 6.31 revisits every component a server event
    ever wrote to on each status message of every later event (and all of a container's children), so
    a server update of the tabs once made every later event on the page ~200 ms slower (bench/page_latency.py).
    gradio does not redraw the titles of tabs that are not showing when its locale changes: they are set here.
    """
    titles = {lang: [say(f"tab_{name}", lang) for name in tab_names] for lang in LANGUAGES}
    return f"""(lang) => {{
  const names = {json.dumps(list(tab_names))}, titles = {json.dumps(titles, ensure_ascii=False)};
  const tab = {"new URLSearchParams((" + LINK_QUERY_JS + ")()).get('tab')" if select else "null"};
  const tabs = names.includes(tab) ? {{__type__: 'update', selected: tab}} : {{__type__: 'update'}};
  return [tabs, ...(titles[lang] || titles.en).map((label) => ({{__type__: 'update', label}}))];
}}"""


def apply_link(query: str, lang: str, keys: list[str], request: gr.Request | None = None):
    """Updates for [*fields by key, note, language] from the link's query string ("?tab=windows&...")
    and the language the page chose (the tab itself is selected in the browser: `tabs_js`)."""
    lang = choose_language(lang, request)
    state, notes = parse_state(dict(parse_qsl(str(query or "").lstrip("?"))), lang=lang)
    updates = [gr.update(value=state[k]) if k in state else gr.update() for k in keys]
    return [*updates, _link_note(notes, lang), lang]


def switch_language(lang: str, query: str, request: gr.Request | None = None) -> str:
    """The link's note, reworded once the visitor picks another language."""
    lang = choose_language(lang, request)
    _, notes = parse_state(dict(parse_qsl(str(query or "").lstrip("?"))), lang=lang)
    return _link_note(notes, lang)


def copy_link_js(keys: list[str]) -> str:
    """JavaScript that builds the link from the current values (and the language) and copies it."""
    return f"""(tab, lang, ...values) => {{
  const keys = {json.dumps(keys)};
  const params = new URLSearchParams({{tab: tab || 'tokens'}});
  keys.forEach((key, i) => {{ if (values[i] !== null && values[i] !== '') params.set(key, values[i]); }});
  if (lang) params.set('lang', lang);
  const compact = new URLSearchParams(window.location.search).get('view');
  if (compact) params.set('view', compact);
  const url = window.location.origin + window.location.pathname + '?' + params.toString();
  if (navigator.clipboard) navigator.clipboard.writeText(url).catch(() => {{}});
  return url;
}}"""


def _link_value(value):
    """A value as a link carries it: a slider's 12.0 is "12", as the page's copied link writes it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def notebook_file(tab: str, lang: str, keys: list[str], values: list) -> tuple[str | None, str]:
    """(the .ipynb of the current view, a note): the notebook of the link this view would copy. Values no
    link can carry (a visitor's own tokenizer) are left out and named, as a link's are."""
    lang = lang if lang in LANGUAGES else "en"
    values = {"tab": tab or "tokens", **{k: _link_value(v) for k, v in zip(keys, values) if v not in (None, "")}, "lang": lang}
    state, notes = parse_state({k: str(v) for k, v in values.items()}, lang=lang)
    try:
        nb = notebook_from_state(state)
    except ValueError as err:
        return None, problem(err, lang)
    folder = Path(tempfile.mkdtemp(prefix="minilm-"))
    return str(write_notebook(nb, folder / say("nb_file_name", lang))), _link_note(notes, lang)


def wire_links(demo: gr.Blocks, header: Header, tabs: gr.Tabs, tab_items: dict, parts: list[TabParts], *,
               then: list[Callable] = ()) -> None:
    """The load event that applies a link and the language, each tab's refresh after it (and `then`'s),
    the same refreshes after a language switch, and the copy-link bar."""
    fields = {k: c for p in parts for k, c in p.fields.items()}
    keys, names = list(fields), list(tab_items)
    current = gr.Textbox("tokens", visible=False)
    for name, tab in tab_items.items():
        tab.select(None, None, current, js=f"() => '{name}'", api_visibility="private", api_name=f"tab_{name}")
    with gr.Row(elem_classes="mlm-prose"):
        copy = gr.Button(T("copy_link"), size="sm", scale=0, elem_id="copy-link")
        link = gr.Textbox(show_label=False, interactive=False, container=False, elem_id="link", scale=4)
    copy.click(None, [current, header.lang, *fields.values()], link, js=copy_link_js(keys), api_visibility="private",
               api_name="copy_link")
    with gr.Row(elem_classes="mlm-prose"):
        download = gr.Button(T("download_notebook"), size="sm", scale=0, elem_id="download-notebook")
        # Shown once there is a notebook: an empty gr.File draws a tall drop zone a learner could take for an upload.
        notebook = gr.File(label=T("notebook_file_label"), interactive=False, height=60, elem_id="notebook-file", scale=4,
                           visible=False)
    notebook_note = gr.Markdown(elem_id="notebook-note")

    def on_download(tab: str, lang: str, *values):
        path, note = notebook_file(tab, lang, keys, list(values))
        return gr.update(value=path, visible=path is not None), note

    download.click(on_download, [current, header.lang, *fields.values()], [notebook, notebook_note], api_visibility="private",
                   api_name="download_notebook")
    query = gr.Textbox(visible=False)

    def on_load(q: str, lang: str, request: gr.Request):
        return apply_link(q, lang, keys, request)

    load = demo.load(on_load, [query, header.lang], [*fields.values(), header.note, header.lang], js=QUERY_JS,
                     api_visibility="private", api_name="apply_link")
    load.then(None, None, current, js=_current_tab_js(), api_visibility="private", api_name="current_tab")
    load.then(None, js=FOLLOW_SETTINGS_JS, api_visibility="private", api_name="follow_settings")
    load.then(None, js=GRADIO_WORDS_JS, api_visibility="private", api_name="gradio_words")
    switched = header.lang.input(switch_language, [header.lang, query], header.note, js=SWITCH_JS,
                                 api_visibility="private", api_name="switch_language")
    for when, event in (("load", load), ("switch", switched)):
        event.then(None, header.lang, [tabs, *tab_items.values()], js=tabs_js(names, select=when == "load"),
                   api_visibility="private", api_name=f"tabs_shown_{when}")
    for event in (load, switched):
        for part in parts:
            part.refresh(event)
        for refresh in then:
            refresh(event)
    demo.unload(forget_language)


def _current_tab_js() -> str:
    return f"""() => {{
  const tab = new URLSearchParams(({LINK_QUERY_JS})()).get('tab');
  return {json.dumps(list(TABS))}.includes(tab) ? tab : 'tokens';
}}"""
