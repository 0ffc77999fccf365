"""minilm's Gradio app: `build_demo()` lays out the tabs; `python app.py` launches it.

Importing this module builds nothing and loads no model; Gemma starts loading in the background
on launch (or on the first page view), so the page is usable at once.
"""

import gradio as gr

from minilm.ui import prose
from minilm.ui.tokens import build_tokens_tab

MAX_FILE_SIZE = "60mb"  # the largest upload is a tokenizer.json (Gemma's is 33 MB)


def build_demo() -> gr.Blocks:
    with gr.Blocks(title=prose.TITLE) as demo:
        gr.Markdown(prose.INTRO)
        with gr.Tabs():
            with gr.Tab("Tokens", id="tokens"):
                wire_tokens_load = build_tokens_tab()
        gr.Markdown(prose.GEMMA_LICENCE, elem_id="licence")
        wire_tokens_load(demo)
    return demo


def launch(demo: gr.Blocks, **options):
    """Launch with the limits a public Space needs (see ../shared/notes/security.md)."""
    from minilm.ui.shared import GEMMA

    GEMMA.start()
    demo.queue(default_concurrency_limit=4, max_size=64, api_open=False)
    return demo.launch(max_file_size=MAX_FILE_SIZE, enable_monitoring=False, show_error=False, **options)


if __name__ == "__main__":
    launch(build_demo())
