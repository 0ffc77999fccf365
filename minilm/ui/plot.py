"""`Plot`: a Plotly figure drawn into one lasting <div> and updated there with `Plotly.react`.

gradio 6.31's `gr.Plot` draws each new figure from scratch twice (once into a <div> it then drops),
resizes it, and gives a 3D scene a new WebGL context every time: most of the second it took the
Embeddings tab to redraw after a keystroke (bench/page_latency.py). `Plotly.react` on the same <div>
redraws only what changed and keeps the scene. The figure travels as its JSON text (gradio copies
every output's value on each status message; a string is copied at no cost) and reaches Plotly as
data, never as markup: the template has no `${value}`. The handlers return `go.Figure`s, as for
`gr.Plot`. Plotly itself is gradio's own copy (the module of its Plotly chunk), so the page loads it
once whichever plot comes first.
"""

from __future__ import annotations

import json
from pathlib import Path

import gradio as gr
import plotly.io as pio
from gradio.components.plot import PlotData

from minilm.lang.tr import PLOTLY as PLOTLY_TR

# gradio's Plotly chunk: its file name changes with gradio's version (tests/app/test_plot.py checks it is there).
PLOTLY_CHUNK = next((p.name for p in (Path(gr.__file__).parent / "templates" / "frontend" / "assets").glob("PlotlyPlot-*.js")), "")

# Plotly's own words (its toolbar, its hints) in the page's language: `(lang) => ...`, run whenever the page sets its
# language. Plotly has no load event and gr.Plot (the Train tab) may load it first, from gradio's chunk, so while
# it is absent the page waits for the chunk to set `window.Plotly` and applies the language then.
PLOT_LOCALE_JS = """(lang) => {
  window.__minilmPlotLocale = lang === 'tr' ? 'tr' : 'en-US';
  const apply = (P) => {
    P.register({moduleType: 'locale', name: 'tr', dictionary: WORDS});
    P.setPlotConfig({locale: window.__minilmPlotLocale});
  };
  if (window.Plotly) { apply(window.Plotly); return; }
  if (Object.getOwnPropertyDescriptor(window, 'Plotly')) return;  // already waiting for it
  Object.defineProperty(window, 'Plotly', {configurable: true, enumerable: true, get: () => undefined, set: (P) => {
    Object.defineProperty(window, 'Plotly', {value: P, writable: true, configurable: true, enumerable: true});
    apply(P);
  }});
}""".replace("WORDS", json.dumps(PLOTLY_TR, ensure_ascii=False))

# `element`, `props` and `watch` are gradio's (gr.HTML's js_on_load). The chunk's URL is found next to
# gradio's core module, so it also works inside a <gradio-app> on someone else's page.
DRAW_JS = """
const host = element.querySelector('.mlm-plot');
const plotly = () => {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__minilmPlotly) {
    const core = performance.getEntriesByType('resource').map((e) => e.name).find((n) => /\\/assets\\/core-[^/?]*\\.js/.test(n));
    window.__minilmPlotly = core && CHUNK ? import(core.replace(/core-[^/?]*\\.js.*$/, CHUNK)).then(() => window.Plotly)
                                          : Promise.reject(new Error('gradio\\'s Plotly chunk was not found'));
  }
  return window.__minilmPlotly;
};
let shown = null;
const draw = async () => {
  const text = props.value || null;
  if (text === shown) return;
  shown = text;
  const Plotly = await plotly().catch((e) => { console.warn('minilm: no Plotly to draw with', e); return null; });
  if (!Plotly || shown !== text) return;  // a newer figure came while Plotly loaded: it draws instead
  if (!text) { Plotly.purge(host); return; }
  const figure = JSON.parse(text);
  const layout = {...(figure.layout || {}), autosize: true};
  const locale = window.__minilmPlotLocale || 'en-US';  // PLOT_LOCALE_JS's choice, also when Plotly came after it
  await Plotly.react(host, figure.data || [], layout, {responsive: true, displaylogo: false, locale, ...(figure.config || {})});
};
watch('value', draw);
draw();
""".replace("CHUNK", json.dumps(PLOTLY_CHUNK))


class Plot(gr.HTML):
    """`Plot(label, elem_id=...)`: an output for a `plotly.graph_objects.Figure` (or None), redrawn in place."""

    def __init__(self, label=None, *, elem_id: str | None = None, **kwargs):
        super().__init__(None, label=label, show_label=label is not None, html_template='<div class="mlm-plot"></div>',
                         js_on_load=DRAW_JS, container=True, padding=True, elem_id=elem_id, **kwargs)

    def postprocess(self, value) -> str | None:
        if value is None:
            return None
        if isinstance(value, PlotData) and value.type == "plotly":  # the marks' figures (`minilm.ui.marks.plot`)
            return value.plot
        if hasattr(value, "to_json"):  # a go.Figure
            return value.to_json()
        if isinstance(value, dict):  # a figure as a dict (to_dict())
            return pio.to_json(value, validate=False)
        raise TypeError(f"Plot shows a plotly Figure or None, not {type(value).__name__}")
