"""minilm's Gradio app: `build_demo()` lays out the tabs; `python app.py` launches it.

Importing this module builds nothing and loads no model; Gemma starts loading in the background
on launch (or on the first page view), so the page is usable at once.
"""

import threading

import gradio as gr

from minilm.ui import prose
from minilm.ui.embeddings import build_embeddings_tab
from minilm.ui.tokens import build_tokens_tab
from minilm.ui.train import build_train_tab
from minilm.ui.windows import build_windows_tab

MAX_FILE_SIZE = "60mb"  # the largest upload is a tokenizer.json (Gemma's is 33 MB)


def build_demo() -> gr.Blocks:
    with gr.Blocks(title=prose.TITLE) as demo:
        gr.Markdown(prose.INTRO)
        with gr.Tabs():
            with gr.Tab("Tokens", id="tokens"):
                prompt, wire_tokens = build_tokens_tab()
            with gr.Tab("Windows", id="windows"):
                wire_windows = build_windows_tab(prompt)
            with gr.Tab("Embeddings", id="embeddings"):
                wire_embeddings = build_embeddings_tab()
            with gr.Tab("Train", id="train"):
                build_train_tab(prompt)
        gr.Markdown(prose.GEMMA_LICENCE, elem_id="licence")
        wire_tokens(demo)
        wire_windows(demo)
        wire_embeddings(demo)
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
    """Launch with the limits a public Space needs (see ../shared/notes/security.md)."""
    from minilm.ui.shared import GEMMA, NEIGHBOURS

    GEMMA.start()
    NEIGHBOURS.start()  # waits for Gemma, then builds the neighbour index (~1 s, 320 MB)
    threading.Thread(target=_warm_up, daemon=True).start()
    demo.queue(default_concurrency_limit=4, max_size=64, api_open=False)
    return demo.launch(max_file_size=MAX_FILE_SIZE, enable_monitoring=False, show_error=False, **options)


if __name__ == "__main__":
    launch(build_demo())
