"""Issue 12: `python app.py` says on the console how far Gemma got, when it is ready, and why it failed."""

import io
import threading

import pytest

from minilm.background import BackgroundLoader, console_progress


def _loader(load, what="Gemma 3"):
    loader = BackgroundLoader(load, what=what)
    loader.on_stage = console_progress(loader)
    return loader


def test_stages_and_ready_are_printed(capsys):
    def load(progress):
        progress("stage_convert")  # a key of minilm.lang, printed in English words
        return "gemma"

    assert _loader(load).wait(10) == "gemma"
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "minilm: Gemma 3: converting the GGUF tokenizer with transformers (first start only, ~20 s)…"
    assert lines[1].startswith("minilm: Gemma 3 ready in ") and lines[1].endswith(" s") and len(lines) == 2


def test_ready_gives_the_seconds_it_took(capsys):
    def load(progress):
        threading.Event().wait(0.3)
        return 1

    _loader(load).wait(10)
    seconds = float(capsys.readouterr().err.split(" ready in ")[1].split(" s")[0])
    assert 0.3 <= seconds < 5


def test_failure_is_printed_once_with_its_cause(capsys):
    def broken(progress):
        raise OSError("disk full")

    loader = _loader(broken, what="what_neighbour_index")
    with pytest.raises(ValueError):
        loader.wait(10)
    assert capsys.readouterr().err == "minilm: the neighbour index could not be loaded: disk full\n"


def test_a_failed_loader_tries_again_after_saying_so():
    attempts = []

    def flaky(progress):
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("disk full")
        return "gemma"

    loader = BackgroundLoader(flaky).start()
    with pytest.raises(ValueError, match="disk full"):
        loader.wait(10)
    assert loader.wait(10) == "gemma" and loader.stage == "ready" and loader.error is None and len(attempts) == 2


def test_app_reports_gemma_and_the_index(monkeypatch):
    """What `app.launch` calls: both loaders print to the console (stderr by default)."""
    from minilm.ui import loaders

    for loader in (loaders.GEMMA, loaders.NEIGHBOURS):
        monkeypatch.setattr(loader, "on_stage", None)
        monkeypatch.setattr(loader, "stage", "loading")  # as `_set_stage` leaves it; an earlier test may have loaded it
    out = io.StringIO()
    loaders.report_on_console(stream=out)
    loaders.GEMMA.on_stage("loading the cached tokenizer.json")
    loaders.NEIGHBOURS.on_stage("normalising")
    assert out.getvalue().splitlines() == ["minilm: Gemma 3: loading the cached tokenizer.json…",
                                           "minilm: the neighbour index: normalising…"]
