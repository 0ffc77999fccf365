"""Links that restore a view, a button that copies the link of what is on screen, a compact mode.

Each tab hands over `TabParts`: the components a link may set, and how to refresh its view once
a link has set them. Not here: validating link values (`minilm.links`).
"""

import json
from urllib.parse import parse_qsl
from dataclasses import dataclass, field
from typing import Callable

import gradio as gr

from minilm.links import TABS, parse_state
from minilm.ui.i18n import T

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
    note = ("Link values ignored: " + "; ".join(notes)) if notes else ""
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


def wire_links(demo: gr.Blocks, tabs: gr.Tabs, tab_items: dict, parts: list[TabParts]) -> None:
    """The load event that applies a link, each tab's refresh after it, and the copy-link bar."""
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


def _current_tab_js() -> str:
    return f"""(query) => {{
  const tab = new URLSearchParams(query || '').get('tab');
  return {json.dumps(list(TABS))}.includes(tab) ? tab : 'tokens';
}}"""
