"""The Windows tab: context_length and stride turn a token stream into (x, y) pairs.

Handlers read the tab's `WindowSettings`; counts come from formulas on the whole stream, and the
tables and the stream picture are capped and say so. Not here: the loader (`minilm.windows.loader`).
"""

import csv
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from minilm.lang import EMBEDDINGS_A, EXAMPLES, say
from minilm.tokens.files import write_token_ids
from minilm.text import clean_text
from minilm.tokens.registry import get_tokenizer
from minilm.tokens.tokenizer import Tokenization
from minilm.ui.page import T, TabParts, api_error, language, problem, say_md, tokenizer_choices
from minilm.ui.plot import Plot
from minilm.windows import figures
from minilm.windows.loader import WindowStats
from minilm.windows.settings import WindowSettings
from minilm.windows.snippets import windows_code

MAX_DOWNLOAD_WINDOWS = 200_000  # a 12-token window is ~100 bytes of JSONL: ~20 MB at most
API_TEXT = f"{EMBEDDINGS_A}. {EXAMPLES[0]}."  # the seed's sentences: enough tokens for context_length 12
SOURCES = (("prompt_source", "text"), ("corpus_source", "corpus"), ("my_txt", "file"))


def windows_view(show_mistake: bool = False, request: gr.Request = None, **values):
    """(summary, pairs table, stream figure, stride figure) for the current settings."""
    return windows_traced(show_mistake, request, **values)[:-1]


@dataclass(frozen=True)
class WindowsTraced:
    """What the Windows tab drew, for a selection to mark again without tokenizing: the stream (with
    offsets when it is the Tokens tab's text), its counts, the stream picture."""

    tokenizer: str
    tok: Tokenization | None  # None unless the source is the Tokens tab's text
    ids: tuple[int, ...]
    stats: WindowStats
    mistake: bool
    stream: dict  # the stream figure, as a dict (marks copy it in microseconds)


def windows_traced(show_mistake: bool = False, request: gr.Request = None, **values):
    """`windows_view`'s outputs, then a `WindowsTraced` (None after an error)."""
    lang = language(request)
    try:
        settings = WindowSettings(**values)
        tokenizer = get_tokenizer(settings.tokenizer, wait=False)
        # The Tokens tab's text is cut with offsets (one encode, as `ids()` would), so a selection can find its characters.
        tok = tokenizer.analyze(clean_text(settings.text)[0]) if settings.source == "text" else None
        cut = settings.cut(first=figures.MAX_PAIRS, wait=False, ids=list(tok.ids) if tok else None)
    except ValueError as err:
        return problem(err, lang), "", None, None, None
    pairs = figures.pairs_html(cut.x.tolist(), cut.y.tolist(), tokenizer.id_to_token, mistake=show_mistake,
                               total=cut.stats.n_windows, lang=lang, stride=settings.stride if tok else None)
    tokens = [tokenizer.id_to_token(i) for i in cut.ids[: figures.MAX_STREAM_TOKENS]]  # what the picture can show
    summary = figures.summary(cut.stats, settings.batch_size, lang) + (say("windows_mistake", lang) if show_mistake else "")
    stride_fig = figures.stride_figure(len(cut.ids), settings.context_length, settings.stride, lang=lang)
    stream = figures.stream_figure(cut.stats, tokens, lang=lang)
    traced = WindowsTraced(settings.tokenizer, tok, tuple(cut.ids), cut.stats, bool(show_mistake), stream.to_dict())
    return summary, pairs, stream, stride_fig, traced


def windows_code_view(**values) -> str:
    """The code that reproduces the tab for these settings; empty while they are wrong (the summary says why)."""
    try:
        return windows_code(WindowSettings(**values))
    except ValueError:
        return ""


def windows_shown(show_mistake: bool = False, request: gr.Request = None, **values):
    """`windows_traced`'s outputs and the code, in one event: every event costs the page a walk over all
    its outputs (bench/page_latency.py)."""
    return *windows_traced(show_mistake, request, **values), windows_code_view(**values)


def download_pairs(fmt: str = "jsonl", path: str | None = None, request: gr.Request = None, **values):
    """The pairs as JSONL or CSV (at most MAX_DOWNLOAD_WINDOWS windows) and token_ids.txt."""
    lang = language(request)
    try:
        cut = WindowSettings(path=path, **values).cut(first=MAX_DOWNLOAD_WINDOWS, wait=False)
    except ValueError as err:
        return None, None, problem(err, lang)
    folder = Path(tempfile.mkdtemp(prefix="minilm-"))
    pairs_path = folder / ("pairs.csv" if fmt == "csv" else "pairs.jsonl")
    with open(pairs_path, "w", newline="", encoding="utf-8") as f:
        rows = enumerate(zip(cut.x.tolist(), cut.y.tolist()))
        if fmt == "csv":
            writer = csv.writer(f)
            writer.writerow(["window", "x", "y"])
            writer.writerows([k, " ".join(map(str, xs)), " ".join(map(str, ys))] for k, (xs, ys) in rows)
        else:
            f.writelines(json.dumps({"window": k, "x": xs, "y": ys}) + "\n" for k, (xs, ys) in rows)
    ids_path = write_token_ids(cut.ids, folder / "token_ids.txt")
    n = len(cut.x)
    return str(pairs_path), str(ids_path), say_md("pairs_made", lang, n=n, total=cut.stats.n_windows,
                                                  ids=len(cut.ids))


def windows(text: str = API_TEXT, tokenizer: str = "bpe", context_length: int = 12, stride: int = 12, batch_size: int = 1,
            keep_tail: bool = False) -> dict:
    """Cut the tokens of `text` into (x, y) windows as create_data_loader does.

    Returns counts (tokens, windows, batches, skipped, overlap), tensor shapes and the first windows' ids.
    """
    try:
        settings = WindowSettings(source="text", text=text, tokenizer=tokenizer, context_length=context_length,
                                  stride=stride, batch_size=batch_size, keep_tail=keep_tail)
        cut = settings.cut(first=figures.MAX_PAIRS, wait=False)
    except ValueError as err:
        raise api_error(err) from None
    stats = cut.stats
    return {
        "n_tokens": stats.n_tokens, "n_windows": stats.n_windows, "n_batches": stats.n_batches(settings.batch_size),
        "n_skipped": stats.n_skipped, "overlap": stats.overlap, "n_padded": stats.n_padded,
        "x_shape": [min(settings.batch_size, stats.n_windows), stats.context_length], "x": cut.x.tolist(), "y": cut.y.tolist(),
    }


def build_windows_tab(prompt: gr.Textbox):
    """Lay out the tab; returns its settings' components (the Train tab follows them) and its `TabParts`."""
    gr.Markdown(T("windows_what"), elem_classes="mlm-prose")
    with gr.Row():
        with gr.Column(scale=2):
            source = gr.Radio([(T(label), value) for label, value in SOURCES], value="corpus", label=T("tokens_from"), elem_id="windows-source")
            path = gr.File(label=T("your_txt"), file_types=[".txt"], type="filepath", visible=False)
            tokenizer = gr.Radio(tokenizer_choices(), value="bpe", label=T("tokenizer"))
        with gr.Column(scale=3):
            context_length = gr.Slider(1, 256, value=12, step=1, label="context_length", elem_id="windows-context")
            stride = gr.Slider(1, 256, value=12, step=1, label="stride", elem_id="windows-stride")
            batch_size = gr.Slider(1, 64, value=1, step=1, label="batch_size")
            with gr.Row():
                keep_tail = gr.Checkbox(False, label=T("keep_tail"))
                mistake = gr.Checkbox(False, label=T("show_mistake"))
    summary = gr.Markdown(elem_id="windows-summary")
    with gr.Row():
        stream = Plot(label=T("stream_plot"), elem_id="windows-stream")
        strides = Plot(label=T("stride_plot"), elem_id="windows-strides")
    selected = gr.Markdown(elem_id="windows-selected")
    pairs = gr.HTML(elem_id="windows-pairs")
    with gr.Accordion(T("show_code"), open=False):
        code = gr.Code(language="python", interactive=False, elem_id="windows-code")
    with gr.Accordion(T("download_pairs"), open=False):
        with gr.Row():
            fmt = gr.Radio(["jsonl", "csv"], value="jsonl", label=T("format"))
            download = gr.Button(T("make_files"))
        with gr.Row():
            pairs_file = gr.File(label=T("pairs"), interactive=False)
            ids_file = gr.File(label="token_ids.txt", interactive=False)
        download_status = gr.Markdown()
    gr.Markdown(T("windows_mistakes"), elem_classes="mlm-prose")

    fields = {"source": source, "text": prompt, "path": path, "tokenizer": tokenizer, "context_length": context_length,
              "stride": stride, "batch_size": batch_size, "keep_tail": keep_tail}
    traced = gr.State(None)
    view = dict(fn=windows_shown, inputs_kwargs={**fields, "show_mistake": mistake}, outputs=[summary, pairs, stream, strides, traced, code])
    source.change(lambda s: gr.update(visible=s == "file"), source, path, api_visibility="private", api_name="show_file")
    # A load or a language switch redraws through the same deferred listener as the fields (`nudge`): as a second
    # event (the load's own view) it could finish after the fields' one and draw a link's context_length and stride
    # with the default tokenizer (read before the link's radio value landed): 2 loads in 16 in Chromium.
    nudge = gr.Number(visible=False)
    views = [gr.on([c.change for c in (*fields.values(), mistake, nudge)], **view, api_name="windows_view",
                   api_visibility="undocumented")]
    download.click(download_pairs, inputs_kwargs={**fields, "fmt": fmt}, outputs=[pairs_file, ids_file, download_status],
                   api_name="download_pairs")
    # The code comes with the view, not from a second listener of the same changes: gradio 6.31 reruns a
    # deferred ("always_last") listener by firing its trigger again, for every listener of it, so two of
    # them on one change kept deferring each other and the page never went idle.
    gr.api(windows, api_name="windows")

    def refresh(load):
        load.then(None, None, nudge, js="() => Date.now()", api_name="windows_view_load", api_visibility="private")

    parts = TabParts(refresh, {"context_length": context_length, "stride": stride, "windows_tokenizer": tokenizer},
                     traced=traced, views=views, shows={"pairs": pairs, "selected": selected, "stream": stream})
    return fields, parts
