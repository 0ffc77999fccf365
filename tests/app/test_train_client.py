"""The Train tab end to end: updates stream to an API client, the tab's handlers keep a stopped model,
and the next-token panel compares the tiny model with the real Gemma 3 and fills itself in when Gemma
is ready. (What a person sees in Chromium: `test_train_browser.py`.)"""

import math
import threading
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.slow
SMALL = dict(source="corpus", n_blocks=1, embedding_dim=32, context_length=16, stride=8, batch_size=16, steps=120)


def test_training_streams_updates_to_an_api_client(app_url):
    from gradio_client import Client

    job = Client(app_url, verbose=False).submit(**SMALL, api_name="/train")
    updates = list(job)  # every yield of the generator reaches the client
    assert len(updates) >= 5
    steps = [u["step"] for u in updates]
    assert steps == sorted(steps) and steps[0] == 0 and steps[-1] == SMALL["steps"] and updates[-1]["done"]
    assert updates[0]["train_loss"] is None and updates[0]["val_loss"] == pytest.approx(math.log(1024), abs=0.1)
    assert updates[-1]["val_loss"] < math.log(1024) and {u["run"] for u in updates} == {"next_token"}


@pytest.fixture
def turkish(monkeypatch):
    """The tab's handlers answer in Turkish, whatever decides the visitor's language."""
    import minilm.ui.train as tab

    monkeypatch.setattr(tab, "language", lambda request: "tr")
    return SimpleNamespace(headers={}, session_hash="learner-1")


def test_stop_keeps_the_model_trained_so_far(turkish):
    """Issue 11: stopped at step 530 of 600, Sample answered "Train a model first". Stop now ends the run
    after its step: the last update says where it stopped and carries that model, which samples."""
    from minilm.lang import TR
    from minilm.lm.settings import Trained
    from minilm.ui.train import arm_stop, request_stop, sample_text, train_view

    arm_stop(turkish)
    updates = []
    for update in train_view(turkish, **{**SMALL, "steps": 3000, "text": "", "path": None, "tokenizer": "bpe",
                                         "lr": 3e-3, "seed": 0, "mistake": True}):
        updates.append(update)
        if len(updates) == 4:  # steps 0, 10, 20, 30
            request_stop(turkish)
    status, _, trained = updates[-1]
    assert "Durduruldu: 3.000 adımın 31. adımında" in status and len(updates) == 5
    assert isinstance(trained, Trained) and trained.tokenizer == "bpe"
    sampled = sample_text(trained, "the capital of", 0.8, 40, turkish)
    assert sampled.startswith("the capital of") and sampled != TR["train_first"]


def test_next_token_fills_in_when_gemma_is_ready(turkish, monkeypatch, gemma, gemma_model):
    """The first click found Gemma loading and the column stayed empty. Now the answer says it is
    loading and starts a timer; when Gemma is ready the timer's call fills the column and stops.
    docs/gemma.md: after "the capital of france is", ▁paris (0.267) then <start_of_image> (0.105),
    a multimodal token, which is marked and explained."""
    import minilm.ui.train as tab
    from minilm.background import BackgroundLoader

    release = threading.Event()
    loader = BackgroundLoader(lambda progress: (release.wait(60), gemma_model)[1], what="Gemma 3")
    monkeypatch.setattr(tab, "GEMMA_MODEL", loader)
    monkeypatch.setattr(tab, "GEMMA", SimpleNamespace(value=gemma))

    tiny, gemma_table, note, timer = tab.next_tokens(None, "the capital of france is", turkish)
    assert gemma_table.empty and timer.active is True
    assert "Gemma 3 270M yükleniyor" in note and "kendiliğinden" in note
    release.set()
    loader.wait(timeout=60)
    tiny, gemma_table, note, timer = tab.next_tokens(None, "the capital of france is", turkish)
    assert timer.active is False
    assert list(gemma_table.columns) == ["bir sonraki token", "token id’si", "olasılık"]
    assert list(gemma_table.iloc[:2, 0]) == ["▁paris", "◆ <start_of_image>"]
    assert gemma_table.iloc[0, 2].startswith("0,26")  # 0.267, with a decimal comma
    assert "◆ özel token’ları gösterir (&lt;start\\_of\\_image&gt;)" in note  # Markdown shows it literally


def test_gemma_predicts_the_seeds_next_token(gemma, gemma_model):
    """Seed section 1: "the capital of france is" -> paris, from the real model."""
    from minilm.lm.gemma import gemma_next_tokens

    top = gemma_next_tokens(gemma_model, gemma, "the capital of france is", k=5)
    assert any("paris" in token.lower() for token, _, _ in top), top
    assert all(0 < p <= 1 for _, _, p in top) and top == sorted(top, key=lambda t: -t[2])
