"""Shared fixtures: the bundled Gemma (converted once per machine), and the app on a free port."""

import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """As the app does (app._warm_up): on 2 vCPUs two intra-op threads made training 8x slower."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def gemma():
    """The bundled Gemma 3 tokenizer; the first run on a machine converts the GGUF (~20 s)."""
    from minilm.gemma import load_bundled

    return load_bundled()


@pytest.fixture(scope="session")
def app_url(gemma):
    """The real app, launched as `python app.py` would, on a free loopback port; Gemma ready."""
    import app
    from minilm.ui.shared import GEMMA

    demo = app.build_demo()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    GEMMA.wait(timeout=600)
    yield demo.local_url
    demo.close()
