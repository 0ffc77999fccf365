"""`minilm.ui.plot.Plot`: what it sends and how the page draws it.

Why: the Windows and Embeddings figures are drawn by our own few lines of JavaScript instead of gradio's
`gr.Plot` (bench/page_latency.py: gr.Plot drew every figure twice from scratch). These check the
parts that could silently break a lesson's picture: the Plotly module the page imports must be in
the installed gradio, a figure must reach the page as Plotly data (never as markup), and a redraw
must update the same <div> (a new one each time is what made the 3D view slow, and what issue 14's
click bridge has to find again).
"""

import json
from pathlib import Path

import gradio as gr
import plotly.graph_objects as go
import pytest

from helpers import block_off_host
from minilm.lang import EN, TR
from minilm.ui.marks import plot as marks_plot
from minilm.ui.plot import PLOTLY_CHUNK, Plot

WAIT_MS = 20_000


def test_the_plotly_chunk_the_page_imports_is_in_the_installed_gradio():
    assert PLOTLY_CHUNK.startswith("PlotlyPlot-") and PLOTLY_CHUNK.endswith(".js")
    chunk = Path(gr.__file__).parent / "templates" / "frontend" / "assets" / PLOTLY_CHUNK
    assert "window.Plotly=" in chunk.read_text(encoding="utf-8")  # importing it is what sets window.Plotly


def test_a_figure_travels_as_its_plotly_json():
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], text=["<b>hi</b>", "a&b"], name="trace"))
    sent = Plot().postprocess(figure)
    assert isinstance(sent, str) and json.loads(sent)["data"][0]["x"] == [1, 2]
    assert json.loads(sent)["data"][0]["text"] == ["<b>hi</b>", "a&b"]  # data for Plotly, not HTML for the page
    assert json.loads(Plot().postprocess(figure.to_dict()))["data"][0]["y"] == [3, 4]
    assert json.loads(Plot().postprocess(marks_plot(figure.to_dict())))["data"][0]["name"] == "trace"  # the marks' figures
    assert Plot().postprocess(None) is None
    with pytest.raises(TypeError, match="Figure or None"):
        Plot().postprocess("<img src=x onerror=alert(1)>")


def test_the_value_never_enters_the_template():
    config = Plot(label="x", elem_id="p").get_config()
    assert config["html_template"] == '<div class="mlm-plot"></div>'
    assert "value" not in config["html_template"]


READ = """sel => { const gd = document.querySelector(sel + ' .js-plotly-plot');
  return gd && gd.data ? {n: document.querySelectorAll(sel + ' .js-plotly-plot').length, title: gd.layout.title.text || gd.layout.title,
                          kept: gd.__minilmMark === 1} : null; }"""
MARK = "sel => { document.querySelector(sel + ' .js-plotly-plot').__minilmMark = 1; }"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "tr"])
def test_a_redraw_updates_the_same_plot(browser, app_url, lang):
    """Windows' stream picture and Embeddings' 3D scatter: a new setting redraws them in the <div> drawn
    first (a mark set on it survives), with the new figure, once each, in either language."""
    words = {**EN, **TR} if lang == "tr" else EN
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    block_off_host(context, app_url)
    page = context.new_page()
    try:
        page.goto(app_url + f"?lang={lang}")
        page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=WAIT_MS)
        page.get_by_role("tab", name=words["tab_windows"], exact=True).click()
        page.wait_for_function(f"() => ({READ})('#windows-stream') !== null", timeout=WAIT_MS)
        before = page.evaluate(READ, "#windows-stream")
        page.evaluate(MARK, "#windows-stream")
        box = page.locator("#windows-stride input[type=number]")  # a new count of windows: a new title
        box.fill("5")
        box.press("Enter")
        page.wait_for_function(f"t => ({READ})('#windows-stream').title !== t", arg=before["title"], timeout=WAIT_MS)
        after = page.evaluate(READ, "#windows-stream")
        assert after["kept"] and after["n"] == 1 and after["title"] != before["title"]

        page.get_by_role("tab", name=words["tab_embeddings"], exact=True).click()
        page.wait_for_function(f"() => ({READ})('#emb-scatter') !== null", timeout=WAIT_MS)
        page.evaluate(MARK, "#emb-scatter")
        names = "() => document.querySelector('#emb-scatter .js-plotly-plot').data.map(t => (t.text || []).join(' '))"
        page.locator("#emb-a textarea").fill("paris is a city")
        page.wait_for_function(f"() => ({names})().some(t => t.includes('city'))", timeout=WAIT_MS)
        after = page.evaluate(READ, "#emb-scatter")
        assert after["kept"] and after["n"] == 1
    finally:
        context.close()
