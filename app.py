"""minilm's Gradio app: `build_demo()` lays out the tabs; `python app.py` launches it.

Importing this module builds nothing and loads no model; Gemma starts loading in the background
on launch (or on the first page view), so the page is usable at once. Tokenizers registered with
`minilm.register_tokenizer` before `build_demo()` are offered in every tab.
"""

import threading

import gradio as gr

from minilm.lang import TITLE
from minilm.ui.embeddings import build_embeddings_tab
from minilm.ui.page import COMPACT_CSS, I18N, T, page_header, wire_links
from minilm.ui.selection import wire_selection
from minilm.ui.tokens import build_tokens_tab
from minilm.ui.train import build_train_tab, forget_stops
from minilm.ui.windows import build_windows_tab

MAX_FILE_SIZE = "60mb"  # the largest upload is a tokenizer.json (Gemma's is 33 MB)


def build_demo() -> gr.Blocks:
    with gr.Blocks(title=TITLE) as demo:
        header = page_header()
        with gr.Tabs() as tabs:
            with gr.Tab(T("tab_tokens"), id="tokens") as tokens_tab:
                prompt, tokens = build_tokens_tab()
            with gr.Tab(T("tab_windows"), id="windows") as windows_tab:
                window_fields, windows = build_windows_tab(prompt)
            with gr.Tab(T("tab_embeddings"), id="embeddings") as embeddings_tab:
                embeddings = build_embeddings_tab()
            with gr.Tab(T("tab_train"), id="train") as train_tab:
                train = build_train_tab(prompt, window_fields, train_tab)
        tab_items = {"tokens": tokens_tab, "windows": windows_tab, "embeddings": embeddings_tab, "train": train_tab}
        wire_links(demo, header, tabs, tab_items, [tokens, windows, embeddings, train])
        wire_selection(demo, tokens, windows, embeddings, train, tokens.fields["select"])
        gr.Markdown(T("licence"), elem_id="licence")
        demo.unload(forget_stops)
    return demo


def _warm_up() -> None:
    """Import torch and plotly now (seconds) rather than in a visitor's first request.

    One intra-op thread per request: on 2 vCPUs, handlers run side by side, and torch's default
    of one thread per core made a training run 8x slower as soon as anything else was busy.
    """
    import plotly.graph_objects  # noqa: F401
    import torch

    torch.set_num_threads(1)


def launch(demo: gr.Blocks, **options):
    """Launch with the limits a public Space needs (see docs/security.md)."""
    from minilm.ui.loaders import GEMMA, NEIGHBOURS, TRAINING_STEP, report_on_console

    report_on_console()  # "minilm: Gemma 3: converting the GGUF tokenizer…", "minilm: Gemma 3 ready in 1.2 s"
    GEMMA.start()
    NEIGHBOURS.start()  # waits for Gemma, then reads the neighbour index (0.2 s; built once, ~20 s, 43 MB)
    TRAINING_STEP.start()  # waits for the index, then compiles the default training step (~9 s; ~22 s on a first start)
    threading.Thread(target=_warm_up, daemon=True).start()
    demo.queue(default_concurrency_limit=4, max_size=64, api_open=False)
    # No run history: it would keep every keystroke's request (a visitor's text) in the browser, and its
    # page and footer link exist in English only.
    options = {"max_file_size": MAX_FILE_SIZE, "enable_monitoring": False, "show_error": False, "css": COMPACT_CSS, "i18n": I18N,
               "run_history": False, **options}
    return demo.launch(**options)


if __name__ == "__main__":
    launch(build_demo())
