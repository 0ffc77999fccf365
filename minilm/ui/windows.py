"""The Windows tab: context_length and stride turn a token stream into (x, y) pairs.

Counts come from `minilm.windows` formulas on the whole stream; the tables and the stream picture
are capped and say so. Not here: the loader itself (`minilm.windows.create_data_loader`).
"""

import csv
import json
import tempfile
from functools import lru_cache
from pathlib import Path

import gradio as gr

from minilm import windows_view
from minilm.assets import LOCAL_TOKENIZERS, corpus_text, local_tokenizer
from minilm.text import clean_text, read_text_file
from minilm.token_ids import write_token_ids
from minilm.ui import prose
from minilm.ui.i18n import T, language, say
from minilm.ui.links import TabParts
from minilm.ui.shared import GEMMA
from minilm.windows import WindowDataset, check_window_args, whole_number, window_stats

SOURCES = [(T("prompt_source"), "prompt"), (T("corpus_source"), "corpus"), (T("my_txt"), "file")]
TOKENIZERS = [(T("local_bpe"), "bpe"), (T("local_word"), "word"), (T("gemma3"), "gemma")]
MAX_CONTEXT = 1024
MAX_DOWNLOAD_WINDOWS = 200_000  # a 12-token window is ~100 bytes of JSONL: ~20 MB at most


def _tokenizer(kind: str):
    if kind in LOCAL_TOKENIZERS:
        return local_tokenizer(kind)
    if kind == "gemma":
        if GEMMA.start().value is None:
            raise ValueError(GEMMA.error or f"Gemma 3 is still loading ({GEMMA.stage}); try again in a few seconds.")
        return GEMMA.value.tokenizer
    raise ValueError(f"tokenizer must be one of bpe, word, gemma; got {kind!r}")


@lru_cache(maxsize=8)
def _corpus_ids(kind: str) -> tuple[int, ...]:
    return tuple(_tokenizer(kind).encode_long(corpus_text()))


def token_stream(source: str, text: str, path, kind: str) -> list[int]:
    """The ids the windows are cut from."""
    if source == "corpus":
        return list(_corpus_ids(kind))
    if source == "file":
        if not path:
            raise ValueError("Upload a .txt file, or choose another source.")
        return _tokenizer(kind).encode_long(read_text_file(path))
    if source == "prompt":
        return _tokenizer(kind).encode(clean_text(text)[0])
    raise ValueError(f"unknown source {source!r}")


def windows_view_fn(source, text, path, kind, context_length, stride, batch_size, keep_tail, mistake, request: gr.Request = None):
    """(summary, pairs table, stream figure, stride figure) for the current settings."""
    try:
        ids, stats, x, y = _cut(source, text, path, kind, context_length, stride, keep_tail, windows_view.MAX_PAIRS)
        batch_size = whole_number("batch_size", batch_size)
    except ValueError as err:
        return f"⚠️ {err}", "", None, None
    tok = _tokenizer(kind)
    pairs = windows_view.pairs_html(x.tolist(), y.tolist(), tok.backend.id_to_token, mistake=mistake, total=stats.n_windows)
    tokens = [tok.backend.id_to_token(i) for i in ids[: windows_view.MAX_STREAM_TOKENS]]  # what the picture can show
    lang = language(request)
    summary = prose.windows_summary(stats, batch_size, lang) + (say("windows_mistake", lang) if mistake else "")
    stride_fig = windows_view.stride_figure(len(ids), stats.context_length, stats.stride)
    return summary, pairs, windows_view.stream_figure(stats, tokens), stride_fig


def _cut(source, text, path, kind, context_length, stride, keep_tail, first: int):
    """(ids, stats, x, y): the stream, its counts, and the first `first` windows (views, not copies)."""
    ids = token_stream(source, text, path, kind)
    context_length, stride = _settings(len(ids), context_length, stride, keep_tail)
    stats = window_stats(len(ids), context_length, stride, keep_tail=keep_tail)
    data = WindowDataset(ids, context_length, stride, keep_tail=keep_tail)
    x, y = data.__getitems__(range(0, min(len(data), first)))
    return ids, stats, x, y


def _settings(n_tokens: int, context_length, stride, keep_tail: bool) -> tuple[int, int]:
    context_length, stride = check_window_args(n_tokens, context_length, stride, keep_tail=keep_tail)
    if context_length > MAX_CONTEXT:
        raise ValueError(f"context_length is capped at {MAX_CONTEXT} here, got {context_length}")
    return context_length, stride


def download_pairs(source, text, path, kind, context_length, stride, keep_tail, fmt):
    """The pairs as JSONL or CSV (at most MAX_DOWNLOAD_WINDOWS windows) and token_ids.txt."""
    try:
        ids, stats, x, y = _cut(source, text, path, kind, context_length, stride, keep_tail, MAX_DOWNLOAD_WINDOWS)
    except ValueError as err:
        return None, None, f"⚠️ {err}"
    n = len(x)
    folder = Path(tempfile.mkdtemp(prefix="minilm-"))
    pairs_path = folder / f"pairs.{fmt}"
    with open(pairs_path, "w", newline="", encoding="utf-8") as f:
        if fmt == "csv":
            writer = csv.writer(f)
            writer.writerow(["window", "x", "y"])
            for k, (xs, ys) in enumerate(zip(x.tolist(), y.tolist())):
                writer.writerow([k, " ".join(map(str, xs)), " ".join(map(str, ys))])
        else:
            for k, (xs, ys) in enumerate(zip(x.tolist(), y.tolist())):
                f.write(json.dumps({"window": k, "x": xs, "y": ys}) + "\n")
    cut = f" (the first {n:,} of {stats.n_windows:,})" if stats.n_windows > n else ""
    ids_path = write_token_ids(ids, folder / "token_ids.txt")
    return str(pairs_path), str(ids_path), f"{n:,} pairs{cut} and {len(ids):,} token ids."


def windows(
    text: str, tokenizer: str = "bpe", context_length: int = 12, stride: int = 12, batch_size: int = 1,
    keep_tail: bool = False,
) -> dict:
    """Cut the tokens of `text` into (x, y) windows as create_data_loader does.

    Returns counts (tokens, windows, batches, skipped, overlap), tensor shapes and the first windows' ids.
    """
    try:
        if not isinstance(keep_tail, bool):
            raise ValueError(f"keep_tail must be true or false, got {keep_tail!r}")
        _, stats, x, y = _cut("prompt", text, None, tokenizer, context_length, stride, keep_tail, windows_view.MAX_PAIRS)
        batch_size = whole_number("batch_size", batch_size)
    except ValueError as err:
        raise gr.Error(str(err), print_exception=False) from None
    return {
        "n_tokens": stats.n_tokens, "n_windows": stats.n_windows, "n_batches": stats.n_batches(batch_size),
        "n_skipped": stats.n_skipped, "overlap": stats.overlap, "n_padded": stats.n_padded,
        "x_shape": [min(batch_size, stats.n_windows), stats.context_length], "x": x.tolist(), "y": y.tolist(),
    }


def build_windows_tab(prompt: gr.Textbox):
    gr.Markdown(T("windows_what"), elem_classes="mlm-prose")
    with gr.Row():
        with gr.Column(scale=2):
            source = gr.Radio(SOURCES, value="corpus", label=T("tokens_from"))
            path = gr.File(label=T("your_txt"), file_types=[".txt"], type="filepath", visible=False)
            kind = gr.Radio(TOKENIZERS, value="bpe", label=T("tokenizer"))
        with gr.Column(scale=3):
            context_length = gr.Slider(1, 256, value=12, step=1, label="context_length", elem_id="windows-context")
            stride = gr.Slider(1, 256, value=12, step=1, label="stride", elem_id="windows-stride")
            batch_size = gr.Slider(1, 64, value=1, step=1, label="batch_size")
            with gr.Row():
                keep_tail = gr.Checkbox(False, label=T("keep_tail"))
                mistake = gr.Checkbox(False, label=T("show_mistake"))
    summary = gr.Markdown(elem_id="windows-summary")
    with gr.Row():
        stream = gr.Plot(label=T("stream_plot"))
        strides = gr.Plot(label=T("stride_plot"))
    pairs = gr.HTML(elem_id="windows-pairs")
    with gr.Accordion(T("download_pairs"), open=False):
        with gr.Row():
            fmt = gr.Radio(["jsonl", "csv"], value="jsonl", label=T("format"))
            download = gr.Button(T("make_files"))
        with gr.Row():
            pairs_file = gr.File(label=T("pairs"), interactive=False)
            ids_file = gr.File(label="token_ids.txt", interactive=False)
        download_status = gr.Markdown()
    gr.Markdown(T("windows_mistakes"), elem_classes="mlm-prose")

    inputs = [source, prompt, path, kind, context_length, stride, batch_size, keep_tail, mistake]
    outputs = [summary, pairs, stream, strides]
    triggers = [source.change, prompt.change, path.change, kind.change, context_length.change, stride.change,
                batch_size.change, keep_tail.change, mistake.change]
    source.change(lambda s: gr.update(visible=s == "file"), source, path, api_visibility="private", api_name="show_file")
    gr.on(triggers, windows_view_fn, inputs, outputs, api_name="windows_view", api_visibility="undocumented")
    download.click(download_pairs, [source, prompt, path, kind, context_length, stride, keep_tail, fmt],
                   [pairs_file, ids_file, download_status], api_name="download_pairs")
    gr.api(windows, api_name="windows")
    refresh = lambda load: load.then(windows_view_fn, inputs, outputs, api_name="windows_view_load", api_visibility="private")  # noqa: E731
    return TabParts(refresh, {"context_length": context_length, "stride": stride, "windows_tokenizer": kind})
