"""The page around the tabs: its two languages, links that restore a view, copy-link, compact mode.

`T("key")` goes where a label or a Markdown text would; the browser shows the string of its
language (Turkish for `tr`, English otherwise; Settings in the footer switches it). Text the server
computes is worded with `minilm.lang.say(key, language(request))`. Each tab hands over `TabParts`:
the components a link may set, and how to refresh its view once a link has set them.
Not here: the words (`minilm.lang`) or validating link values (`minilm.share`).
"""

import json
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import parse_qsl

import gradio as gr

from minilm.lang import EN, TR, language_of, say, words
from minilm.share import TABS, parse_state
from minilm.tokens.registry import tokenizer_entry, tokenizer_names

# The browser formats what it is given as ICU messages, so only plain texts go there; texts with
# {fields} are filled on the server.
I18N = gr.I18n(**{lang: {k: v for k, v in table.items() if "{" not in v}
                  for lang, table in (("en", EN), ("tr", {**EN, **TR}))})


def T(key: str):  # noqa: N802 - reads like the gettext `_` it stands for
    if key not in EN or "{" in EN[key]:
        raise KeyError(f"no plain English text for {key!r}")
    return I18N(key)


def language(request: gr.Request | None) -> str:
    """"tr" when the browser asks for Turkish first, else "en"."""
    return language_of(request.headers.get("accept-language", "") if request is not None else "")


def problem(err: Exception, lang: str) -> str:
    """An error as the page shows it, in the visitor's language."""
    return "⚠️ " + words(err, lang)


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
"""
# Runs in the page on load and returns the link's query string: the page's own, or, inside a
# <gradio-app> web component on someone else's page, the one in the element's src attribute.
QUERY_JS = """() => {
  let query = window.location.search;
  const embedded = document.querySelector('gradio-app[src*="?"]');
  if (embedded && !new URLSearchParams(query).has('tab')) query = new URL(embedded.getAttribute('src'), window.location.href).search;
  if (new URLSearchParams(query).get('view') === 'compact') document.body.classList.add('mlm-compact');
  return query;
}"""


@dataclass
class TabParts:
    refresh: Callable  # refresh(event) chains the tab's view after `event`
    fields: dict = field(default_factory=dict)  # link key -> component


def apply_link(query: str, keys: list[str]):
    """Updates for [tabs, *fields by key, note] from the link's query string ("?tab=windows&...")."""
    state, notes = parse_state(dict(parse_qsl(str(query or "").lstrip("?"))))
    tabs = gr.Tabs(selected=state["tab"]) if "tab" in state else gr.Tabs()
    updates = [gr.update(value=state[k]) if k in state else gr.update() for k in keys]
    note = say("link_ignored", "en", notes="; ".join(notes)) if notes else ""
    return [tabs, *updates, note]


def copy_link_js(keys: list[str]) -> str:
    """JavaScript that builds the link from the current values and copies it."""
    return f"""(tab, ...values) => {{
  const keys = {json.dumps(keys)};
  const params = new URLSearchParams({{tab: tab || 'tokens'}});
  keys.forEach((key, i) => {{ if (values[i] !== null && values[i] !== '') params.set(key, values[i]); }});
  const compact = new URLSearchParams(window.location.search).get('view');
  if (compact) params.set('view', compact);
  const url = window.location.origin + window.location.pathname + '?' + params.toString();
  if (navigator.clipboard) navigator.clipboard.writeText(url).catch(() => {{}});
  return url;
}}"""


def wire_links(demo: gr.Blocks, tabs: gr.Tabs, tab_items: dict, parts: list[TabParts], *, then: list[Callable] = ()) -> None:
    """The load event that applies a link, each tab's refresh after it (and `then`'s), and the copy-link bar."""
    fields = {k: c for p in parts for k, c in p.fields.items()}
    keys = list(fields)
    current = gr.Textbox("tokens", visible=False)
    for name, tab in tab_items.items():
        tab.select(None, None, current, js=f"() => '{name}'", api_visibility="private", api_name=f"tab_{name}")
    with gr.Row(elem_classes="mlm-prose"):
        copy = gr.Button(T("copy_link"), size="sm", scale=0, elem_id="copy-link")
        link = gr.Textbox(show_label=False, interactive=False, container=False, elem_id="link", scale=4)
    note = gr.Markdown(elem_id="link-note")
    copy.click(None, [current, *fields.values()], link, js=copy_link_js(keys), api_visibility="private", api_name="copy_link")
    query = gr.Textbox(visible=False)
    load = demo.load(lambda q: apply_link(q, keys), query, [tabs, *fields.values(), note], js=QUERY_JS,
                     api_visibility="private", api_name="apply_link")
    load.then(None, query, current, js=_current_tab_js(), api_visibility="private", api_name="current_tab")
    for part in parts:
        part.refresh(load)
    for refresh in then:
        refresh(load)


def _current_tab_js() -> str:
    return f"""(query) => {{
  const tab = new URLSearchParams(query || '').get('tab');
  return {json.dumps(list(TABS))}.includes(tab) ? tab : 'tokens';
}}"""
