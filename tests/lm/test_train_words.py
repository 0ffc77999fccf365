"""What the Train tab says of a run, in English and Turkish: the chart, the status, the notes, the tables.

Why: the audience reads Turkish, and a learner doing A4 (one or two steps) or training on a tiny file
needs words, not just curves. Expected numbers are written by Babel here (29.656, 0,250 in Turkish),
expected words come from the guide's terms, and expected tokens from the tokenizer files themselves.
"""

import math
from types import SimpleNamespace

import pytest
from babel.numbers import format_decimal

from minilm.lm import figures
from minilm.lm.settings import TrainConfig, TrainSettings, split_windows
from minilm.lm.train import train, training_runs


def event(step, train_loss, val_loss, *, done=False, stopped="", steps_per_s=12.5, tokens_per_s=4800.0):
    return SimpleNamespace(step=step, train_loss=train_loss, val_loss=val_loss, val_fresh=True, done=done,
                           stopped=stopped, steps_per_s=steps_per_s, tokens_per_s=tokens_per_s, model=None)


HISTORY = {"next_token": {"step": [0, 10, 20], "train": [None, 6.5, 5.25], "val": [6.93, None, 5.5]}}


def test_chart_speaks_turkish_with_turkish_numbers():
    """Axis titles, legend and the ln(vocab) line in Turkish, with a decimal comma (Babel: 6,93) and a
    thousands dot (1.024); Plotly's own tick labels use the same separators."""
    fig = figures.loss_figure(HISTORY, 1024, "tr")
    assert fig.layout.xaxis.title.text == "adım"
    assert "loss" in fig.layout.yaxis.title.text and "entropi" in fig.layout.yaxis.title.text
    ln = format_decimal(math.log(1024), format="0.00", locale="tr")
    assert ln == "6,93"
    names = [t.name for t in fig.data]
    assert names[:2] == ["bir sonraki token (y = x’in 1 sağa kaymış hali): eğitim",
                         "bir sonraki token (y = x’in 1 sağa kaymış hali): doğrulama"]
    assert len(names) == 3 and names[2].startswith(f"ln 1.024 = {ln}")
    assert list(fig.data[2].y) == [math.log(1024)] * 2 and fig.data[2].line.dash == "dot"
    assert not fig.layout.annotations  # nothing written on the plot, where the curves cross the line
    assert fig.layout.separators == ",."
    assert figures.loss_figure(HISTORY, 1024, "en").data[2].name.startswith("ln 1,024 = 6.93")


def test_legend_sits_above_the_plot_not_on_the_step_axis():
    """The legend is anchored by its bottom at or above the top of the plotting area (y >= 1 in paper
    coordinates), so it cannot cover the step axis title at the bottom; the top margin makes room."""
    fig = figures.loss_figure({**HISTORY, "mistake": HISTORY["next_token"]}, 1024, "en")
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y >= 1
    assert fig.layout.margin.t >= 60


def test_short_run_chart_has_a_marker_per_step():
    """A4: two steps are two points on the training curve, each with a marker; step 0 is on the
    validation curve only (the untrained model has no training batch yet)."""
    fig = figures.loss_figure({"next_token": {"step": [0, 1, 2], "train": [None, 6.94, 6.93],
                                              "val": [6.93, 6.92, 6.89]}}, 1024, "en")
    train, val, baseline = fig.data  # the last: ln(vocab), the dotted line
    assert baseline.name.startswith("ln 1,024") and list(baseline.x) == [0, 2]
    assert list(train.x) == [1, 2] and "markers" in train.mode
    assert list(val.x) == [0, 1, 2] and "markers" in val.mode


def test_status_line_in_turkish_localises_every_number():
    line = figures.status_line("next_token", event(530, 0.25, 4.125, tokens_per_s=29656.0),
                               TrainConfig(steps=600), "tr")
    for part in ("adım 530/600", "eğitim loss’u 0,250", "doğrulama loss’u 4,125", "saniyede 12,5 adım",
                 "saniyede 29.656 token"):
        assert part in line, (part, line)
    english = figures.status_line("next_token", event(530, 0.25, 4.125, tokens_per_s=29656.0), TrainConfig(steps=600))
    assert "29,656 tokens/s" in english and "train loss 0.250" in english


@pytest.mark.parametrize("lang, words", [("en", "Stopped at step 530 of 3,000"),
                                         ("tr", "Durduruldu: 3.000 adımın 530. adımında")], ids=["en", "tr"])
def test_a_stopped_run_says_where_it_stopped(lang, words):
    line = figures.status_line("next_token", event(530, 3.5, 4.5, done=True, stopped="stopped"),
                               TrainConfig(steps=3000), lang)
    assert words in line


def test_diverged_message_writes_the_learning_rate_in_turkish():
    line = figures.status_line("next_token", event(3, float("nan"), 6.9, done=True, stopped="diverged"),
                               TrainConfig(lr=0.5), "tr")
    assert "0,5 öğrenme oranı" in line


def test_a4_two_steps_list_every_loss_and_say_it_went_down(bpe_ids):
    """Guide A4: a random single-layer model (0 blocks), two steps of CrossEntropyLoss. Every step is
    reported and validated, step 0 is the untrained model (about ln 1024), and the note lists each
    step's losses and says the validation loss went down, with Turkish decimal commas."""
    settings = TrainSettings(n_blocks=0, steps=2)
    events = [e for _, _, e in training_runs(settings)]
    assert [e.step for e in events] == [0, 1, 2] and all(e.val_fresh for e in events)
    assert events[0].val_loss == pytest.approx(math.log(1024), abs=0.05)
    assert events[2].val_loss < events[1].val_loss < events[0].val_loss
    points = {"step": [e.step for e in events], "train": [e.train_loss for e in events],
              "val": [e.val_loss for e in events]}
    _, split = settings.split()
    notes = "\n".join(figures.run_notes("next_token", points, events[-1], split, settings.config(), "tr"))
    assert "| adım | eğitim loss’u | doğrulama loss’u |" in notes
    for e in events:
        assert format_decimal(e.val_loss, format="0.000", locale="tr") in notes
    assert "düştü" in notes


def test_overfitting_on_a_tiny_text_is_named(bpe_ids):
    """An 87-token text: a handful of windows, training loss near 0, validation far above (the issue's
    case). The note names overfitting and memorising, in both languages; the corpus run does not."""
    from minilm import get_tokenizer
    from minilm.assets import corpus_text

    text = get_tokenizer("bpe").decode(bpe_ids[1:88])
    settings = TrainSettings(source="text", text=text, steps=300, lr=1e-2)
    _, split = settings.split()
    assert split.n_train < 10
    last = [e for _, _, e in training_runs(settings)][-1]
    assert last.train_loss < 0.1 and last.val_loss > last.train_loss + 5
    points = {"step": [last.step], "train": [last.train_loss], "val": [last.val_loss]}
    en = figures.run_notes("next_token", points, last, split, settings.config(), "en")
    tr = figures.run_notes("next_token", points, last, split, settings.config(), "tr")
    assert "Overfitting" in en[0] and "by heart" in en[0] and "Aşırı öğrenme" in tr[0] and "ezberledi" in tr[0]
    assert "ezber" in figures.windows_used(split, "text", "bpe", "tr")  # said before training too

    corpus = TrainSettings(source="text", text=corpus_text()[:19_000], steps=150)
    _, corpus_split = corpus.split()
    end = [e for _, _, e in training_runs(corpus)][-1]
    assert figures.run_notes("next_token", {"step": [], "train": [], "val": []}, end, corpus_split,
                             corpus.config(), "en") == []


@pytest.mark.parametrize("seed", [3.5, 99999999999999999999, float(2**31), -1, None], ids=["fraction", "huge", "2^31", "negative", "empty"])
def test_seed_must_be_a_whole_number_in_range(seed):
    """What gradio's number box sends (3.5 with precision=None, a huge number, nothing): one clear message."""
    with pytest.raises(ValueError) as caught:
        TrainSettings(seed=seed)
    assert str(caught.value).startswith("seed must be a whole number from 0 to 2,147,483,647")
    assert caught.value.words("tr").startswith("seed 0 ile 2.147.483.647 arasında bir tam sayı olmalı")
    assert TrainSettings(seed=2**31 - 1).seed == 2**31 - 1 and TrainSettings(seed=7.0).seed == 7


def test_windows_line_names_the_source_in_turkish():
    split = split_windows(29656, context_length=12, stride=12)
    line = figures.windows_used(split, "corpus", "bpe", "tr")
    assert "Yerel BPE" in line and "2.471" in line and "corpus," not in line


def test_next_token_tables_show_whitespace_and_mark_special_tokens(gemma):
    """Gemma ids 107, 108, 109 are newline runs (blank cells before), 255999 is <start_of_image> (not a
    word), 200 is the HTML tag <b> (text, not marked); headers and probabilities in Turkish."""
    tok = gemma.tokenizer
    assert [tok.convert_ids_to_tokens(i) for i in (107, 108, 109)] == ["\n", "\n\n", "\n\n\n"]
    rows, special = figures.next_token_rows([(107, 0.5), (108, 0.25), (109, 0.125), (255999, 0.0625), (200, 0.01)],
                                            tok, "tr")
    assert [r[0] for r in rows] == ["↵", "↵↵", "↵↵↵", "◆ <start_of_image>", "<b>"]
    assert [r[2] for r in rows] == ["0,5000", "0,2500", "0,1250", "0,0625", "0,0100"]
    assert special == ["<start_of_image>"]
    assert figures.next_token_headers("tr") == ["bir sonraki token", "token id’si", "olasılık"]
    assert figures.next_token_headers("en")[0] == "next token"


def test_before_after_plot_in_turkish():
    """Before/after: legend names, title, PCA axes and note in Turkish, shares as Turkish percents (%54)."""
    from minilm import get_tokenizer

    model = list(train(get_tokenizer("bpe").encode("the capital of france is paris. " * 40), 1024,
                       TrainConfig(steps=3, n_blocks=0)))[-1].model
    fig, note = figures.before_after_figure(model, get_tokenizer("bpe"), "the capital of france is paris", "tr")
    assert [t.name for t in fig.data] == ["önce", "sonra"]
    assert fig.layout.title.text == "eğitimden önce ve sonra token gömmeleri"
    axes = [fig.layout.scene[a].title.text for a in ("xaxis", "yaxis", "zaxis")]
    assert all("%" in a and a[a.index("%") + 1].isdigit() for a in axes), axes  # %54, as Turkish writes it
    assert "yayılımın %" in note and "PCA" in note and fig.layout.separators == ",."


@pytest.fixture(scope="module")
def bpe_ids():
    from minilm import get_tokenizer
    from minilm.assets import corpus_text

    return get_tokenizer("bpe").encode(corpus_text()[:5_000])
