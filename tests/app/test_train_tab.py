"""The Train tab's handlers, called as gradio calls them: fields by keyword, sliders as floats, the seed
box as a number, checkboxes as bools, no request (English) or a Turkish one.

Why: the client and browser tests of this tab are slow; these run in the quick loop and still go
through every handler the page wires: the window line before a run, a short run streaming status,
chart and model, a bad setting, then Sample, Before/after and Next token with and without a model.
Expected counts come from the seed's `make_windows` on ids from the `tokenizers` library, expected
probabilities from torch's softmax, expected words are written here.
"""

import math
import threading
from types import SimpleNamespace

import pytest
import torch

from helpers import make_windows
from minilm.ui import train as tab

FIELDS = dict(source="corpus", text="the capital of", path=None, tokenizer="bpe", context_length=8.0, stride=8.0,
              batch_size=8.0, n_blocks=1.0, embedding_dim=16.0, steps=3.0, lr=0.003, seed=0, mistake=False)
TR = SimpleNamespace(headers={"accept-language": "tr-TR,tr;q=0.9"}, session_hash=None)


def bpe():
    from tokenizers import Tokenizer

    return Tokenizer.from_file("assets/tokenizer.json")


def corpus_stream() -> list[int]:
    """The Windows tab's stream for the corpus: <bos>, then the text's tokens (the file's own post-processor)."""
    with open("assets/text.txt", encoding="utf-8") as f:
        return bpe().encode(f.read()).ids


@pytest.fixture(scope="module")
def updates():
    """Every update of a 3-step run (step 0, the untrained model, then each step: A4's short-run reporting)."""
    return list(tab.train_view(None, **FIELDS))


@pytest.fixture(scope="module")
def trained(updates):
    return updates[-1][2]


def test_a_short_run_streams_status_chart_and_model(updates):
    """Steps 0..3, one update each; the last carries the model, the ones before leave the session's alone."""
    from minilm.lm.settings import Trained

    assert len(updates) == 4
    statuses = [status for status, _, _ in updates]
    assert "before the first step" in statuses[0]
    for step in (1, 2, 3):
        assert f"step {step}/3" in statuses[step], statuses[step]
    assert all(not isinstance(model, Trained) for _, _, model in updates[:-1])
    model = updates[-1][2]
    assert isinstance(model, Trained) and model.tokenizer == "bpe" and len(model.model.blocks) == 1


def test_the_loss_curve_holds_every_step_and_is_finite(updates):
    """Training points at steps 1..3, validation at 0..3 (a short run validates every step); all finite,
    and the untrained model's loss is about ln(1024) = 6.93: every token equally likely."""
    _, figure, _ = updates[-1]
    train, val, _ = figure.data  # and ln(vocab), the dotted line
    assert list(train.x) == [1, 2, 3] and list(val.x) == [0, 1, 2, 3]
    assert all(math.isfinite(y) for y in (*train.y, *val.y))
    assert val.y[0] == pytest.approx(6.93, abs=0.05) and all(5 < y < 8 for y in train.y)


def test_the_y_equals_x_run_follows_on_the_same_chart():
    """With the mistake box ticked: a second run, two more curves, and the lesson's paragraph at the end."""
    updates = list(tab.train_view(None, **{**FIELDS, "steps": 2.0, "mistake": True}))
    status, figure, _ = updates[-1]
    assert len(figure.data) == 5 and "The y = x run" in status  # 2 runs x (train, validation) + ln(vocab)
    assert all(math.isfinite(y) for trace in figure.data for y in trace.y if y is not None)


@pytest.mark.parametrize("settings, english, turkish", [
    (dict(seed=3.5), "seed must be a whole number from 0 to 2,147,483,647", "seed 0 ile 2.147.483.647 arasında bir tam sayı olmalı"),
    (dict(lr=0.0), "the learning rate must be above 0 and at most 1", "öğrenme oranı 0’dan büyük ve en çok 1 olmalı"),
    (dict(steps=0.0), "steps must be at least 1", "steps en az 1 olmalı"),
    (dict(embedding_dim=30.0), "multiple of the number of attention heads, 4",
     "embedding_dim 30, attention head sayısının (4) katı olmalı"),
    (dict(source="text", text="hi there"), "training needs at least 3", "eğitim için en az 3 gerekir"),
], ids=["seed-3.5", "lr-0", "steps-0", "width-30", "text-too-short"])
def test_a_bad_setting_is_one_message(settings, english, turkish):
    """Before any training: one update, a message in the visitor's language, chart and model untouched."""
    for request, words in ((None, english), (TR, turkish)):
        updates = list(tab.train_view(request, **{**FIELDS, **settings}))
        assert len(updates) == 1
        status, chart, model = updates[0]
        assert status.startswith("⚠️") and words in status.replace("\\", ""), status
        assert chart == {"__type__": "update"} and model == {"__type__": "update"}


@pytest.mark.parametrize("request_, words", [(None, "Compiling the training step with torch.compile first"),
                                              (TR, "Önce eğitim adımı torch.compile ile derleniyor")], ids=["en", "tr"])
def test_a_default_run_waiting_for_its_compiled_step_says_so_first(monkeypatch, request_, words):
    """A visitor who trains the default shape while the app is still compiling it reads why nothing moves yet;
    if compiling then fails, the run goes on with eager steps."""
    from concurrent.futures import Future

    from minilm.lm import compiled
    from minilm.lm.settings import Trained

    job = Future()  # compiling, not done
    monkeypatch.setitem(compiled._JOBS, compiled.shape(compiled.default_model_config()), job)
    monkeypatch.delenv("MINILM_COMPILE", raising=False)
    run = tab.train_view(request_, **{**FIELDS, "n_blocks": 2.0, "embedding_dim": 64.0, "steps": 2.0})
    status, chart, model = next(run)
    assert status.startswith(words) and chart == {"__type__": "update"} and model == {"__type__": "update"}
    job.set_result(None)  # compiling failed
    updates = list(run)
    assert len(updates) == 3 and isinstance(updates[-1][2], Trained)  # steps 0, 1, 2: trained all the same
    assert not any(words in u[0] for u in updates)
    other = list(tab.train_view(request_, **{**FIELDS, "steps": 2.0}))  # another shape never waits: no such line
    assert len(other) == 3 and not any(words in u[0] for u in other)


@pytest.mark.parametrize("context_length, stride", [(8, 8), (12, 12), (16, 5)], ids=["8-8", "12-12", "overlap"])
def test_the_window_line_counts_the_seeds_windows(context_length, stride):
    """The line before a run: the seed's make_windows over the corpus stream gives the count, and the
    last window's number; Turkish writes 2.471 where English writes 2,471."""
    n = len(make_windows(corpus_stream(), context_length, stride))
    fields = {**FIELDS, "context_length": float(context_length), "stride": float(stride)}
    english = tab.windows_note(None, **fields).replace("\\", "")
    turkish = tab.windows_note(TR, **fields).replace("\\", "")
    assert f"of the {n:,} windows" in english and f"–{n - 1:,} are held out" in english, english
    assert f"{n:,} pencereden".replace(",", ".") in turkish and "context_length" in turkish, turkish


def test_the_window_line_says_what_is_wrong():
    assert tab.windows_note(None, **{**FIELDS, "source": "text", "text": "hi"}).startswith("⚠️")
    assert tab.windows_note(TR, **{**FIELDS, "stride": 0.0}).startswith("⚠️")


@pytest.mark.parametrize("request_, words", [(None, "Train a model first."), (TR, "Önce bir model eğitin.")], ids=["en", "tr"])
def test_without_a_model_sample_and_before_after_say_train_first(request_, words):
    assert tab.sample_text(None, "the capital of", 0.8, 40.0, request_) == words
    assert tab.embeddings_before_after(None, "the capital of france", request_) == (None, words)


def greedy_reference(model, prompt: str, n: int) -> str:
    """Greedy decoding written out: append the argmax of the last position's logits, n times."""
    ids = bpe().encode(prompt).ids
    with torch.no_grad():
        for _ in range(n):
            ids.append(int(model(torch.tensor([ids[-model.config.context_length :]]))[0, -1].argmax()))
    return bpe().decode(ids)


def test_sample_continues_the_prompt(trained):
    """Temperature 0 (the slider's left end) is greedy: 60 argmax steps, decoded by the tokenizer file;
    a sampled continuation starts with the prompt and adds to it."""
    assert tab.sample_text(trained, "the capital of", 0.0, 40.0) == greedy_reference(trained.model, "the capital of", 60)
    sampled = tab.sample_text(trained, "the capital of", 0.8, 40.0)
    assert sampled.startswith("the capital of") and len(sampled) > len("the capital of")
    assert tab.sample_text(trained, "the capital of", 0.8, 3.5).startswith("⚠️")  # top_k must be whole


def test_before_after_shows_each_token_twice(trained):
    """One PCA of the sentence's token rows before training (same seed) and after: two traces, the
    tokenizer's own tokens in each, PCA axes."""
    sentence = "the capital of france is paris"
    figure, note = tab.embeddings_before_after(trained, sentence)
    expected = bpe().encode(sentence, add_special_tokens=False).tokens
    assert [t.name for t in figure.data] == ["before", "after"]
    assert [list(t.text) for t in figure.data] == [expected, expected]
    assert figure.layout.scene.xaxis.title.text.startswith("PC1") and "PCA" in note
    turkish, _ = tab.embeddings_before_after(trained, sentence, TR)
    assert [t.name for t in turkish.data] == ["önce", "sonra"]


@pytest.fixture
def gemma_model_loading(monkeypatch):
    """Gemma 3 270M stays loading for the whole test: the tiny model's column alone."""
    from minilm.background import BackgroundLoader

    release = threading.Event()
    loader = BackgroundLoader(lambda progress: (release.wait(30), None)[1], what="Gemma 3 270M")
    monkeypatch.setattr(tab, "GEMMA_MODEL", loader)
    yield loader
    release.set()


def test_next_token_from_the_tiny_model(trained, gemma_model_loading):
    """The ten likeliest next tokens are torch's softmax over the model's last logits for the prompt's
    ids (with <bos>, as the tokenizer file adds it), best first, with four decimals; Gemma's column
    waits with a note and a running timer. Without a model the note says to train one."""
    prompt = "the capital of france is"
    ids = bpe().encode(prompt).ids
    with torch.no_grad():
        probs = torch.softmax(trained.model(torch.tensor([ids]))[0, -1], dim=-1)
    top = torch.topk(probs, 10)
    tiny, gemma, note, timer = tab.next_tokens(trained, prompt)
    assert list(tiny.iloc[:, 1]) == top.indices.tolist()
    assert list(tiny.iloc[:, 2]) == [f"{p:.4f}" for p in top.values.tolist()]
    assert gemma.empty and timer.active is True and "Gemma 3 270M" in note
    tiny, _, note, _ = tab.next_tokens(None, prompt, TR)
    assert tiny.empty and "Sol sütun için bir model eğitin." in note


@pytest.mark.parametrize("request_, tabs, own", [(None, "the Windows tab shows", "this tab’s own"),
                                                 (TR, "için gösterdiği", "bu sekmenin kendi ayarları")], ids=["en", "tr"])
def test_the_window_line_names_the_windows_tab_only_for_its_windows(request_, tabs, own):
    """Review: the note said "the Windows tab's windows for context_length 8, stride 8" after this tab's own sliders had
    moved away from the Windows tab's values. The page sends both tabs' values (`settings_view`, as wired): the same
    windows are called the Windows tab's; another setting there (context_length, stride, its tail kept, another source
    or tokenizer) makes the note say these settings are this tab's own, counting the same windows (the seed's
    make_windows); without the Windows tab's values (no page) it claims neither."""
    n = len(make_windows(corpus_stream(), 8, 8))
    count = f"{n:,}" if request_ is None else f"{n:,}".replace(",", ".")
    windows_tab = {"windows_source": "corpus", "windows_path": None, "windows_tokenizer": "bpe", "windows_context_length": 8.0,
                   "windows_stride": 8.0, "windows_keep_tail": False}
    same, code = tab.settings_view(request_, **FIELDS, **windows_tab)
    assert tabs in same and own not in same and count in same and "stride=8" in code
    assert set(tab.COMPARED) == {name[len("windows_"):] for name in windows_tab}  # what the page sends
    for name, value in (("context_length", 12.0), ("stride", 4.0), ("source", "text"), ("tokenizer", "word")):
        other, _ = tab.settings_view(request_, **FIELDS, **{**windows_tab, f"windows_{name}": value})
        assert tabs not in other and own in other and count in other, (name, other)
    assert "padded" not in same and "doldurulmuş" not in same
    alone = tab.windows_note(request_, **FIELDS)
    assert tabs not in alone and own not in alone and count in alone


@pytest.mark.parametrize("request_, stride, padded", [
    (None, 8.0, "also shows one padded window after them"), (TR, 8.0, "doldurulmuş bir pencere daha gösterir"),
    (None, 2.0, "also shows {p} padded windows after them"), (TR, 2.0, "doldurulmuş {p} pencere daha gösterir")],
    ids=["en-one", "tr-one", "en-many", "tr-many"])
def test_the_window_line_counts_the_windows_tab_padded_tail(request_, stride, padded):
    """Walk: with "keep the tail" on, the Windows tab showed 2,472 windows while the Train note said it showed 2,471
    (training never keeps the tail). They are still the Windows tab's windows, and the note now says how many padded
    ones that tab adds after them, and their total: the starts the seed's loop refuses (s + context_length + 1 > n)
    that still leave a target (s <= n - 2)."""
    n = len(corpus_stream())
    trained = len(make_windows(corpus_stream(), 8, int(stride)))
    p = sum(1 for s in range(0, n - 1, int(stride)) if s + 8 + 1 > n)
    assert p >= 1
    say = (lambda v: f"{v:,}") if request_ is None else (lambda v: f"{v:,}".replace(",", "."))
    windows_tab = {"windows_source": "corpus", "windows_path": None, "windows_tokenizer": "bpe", "windows_context_length": 8.0,
                   "windows_stride": stride, "windows_keep_tail": True}
    note, _ = tab.settings_view(request_, **{**FIELDS, "stride": stride}, **windows_tab)
    note = note.replace("\\", "")
    total = f"({say(trained + p)} in all)" if request_ is None else f"(toplam {say(trained + p)})"
    assert padded.format(p=say(p)) in note and total in note
    assert ("the Windows tab shows" if request_ is None else "için gösterdiği") in note
