"""Shared fixtures: the bundled Gemma (converted once per machine), the app on a free port, Chromium."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # tests talk to 127.0.0.1 only

from helpers import CHROMIUM, CHROMIUM_ARGS, launch_app  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """As the app does (app._warm_up): on 2 vCPUs two intra-op threads made training 8x slower."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def gemma():
    """The bundled Gemma 3 tokenizer; the first run on a machine converts the GGUF (~20 s)."""
    from minilm.tokens.gemma import load_bundled

    return load_bundled()


@pytest.fixture(scope="session")
def gemma_model(gemma):
    """The seed's whole Gemma 3 270M: float32 `Gemma3ForCausalLM` from the bundled GGUF (~35 s, ~3 GB).

    A reference for what minilm computes; the Train tab reads the cached checkpoint (`load_gemma_model`).
    """
    import torch
    from transformers import Gemma3ForCausalLM

    path = gemma.path
    return Gemma3ForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name, dtype=torch.float32).eval()


@pytest.fixture(scope="session")
def app_url(gemma):
    """The real app, launched as `python app.py` would, on a free loopback port; Gemma ready."""
    with launch_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright; missing Chromium fails (a skipped check is no pass)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found (looked for 'chromium' on PATH and {CHROMIUM}); "
                    "install Debian's package: apt-get install -y chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def loading_gemma(monkeypatch):
    """A Gemma that stays "converting the GGUF tokenizer" for the whole test."""
    import threading

    import minilm.tokens.registry as registry
    from minilm.background import BackgroundLoader

    release = threading.Event()

    def slow(progress):
        progress("converting the GGUF tokenizer")
        release.wait(30)
        raise OSError("test over")

    loader = BackgroundLoader(slow, what="Gemma 3")
    monkeypatch.setattr(registry, "GEMMA", loader)
    yield loader
    release.set()
