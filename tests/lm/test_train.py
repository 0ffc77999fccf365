"""The tiny LM and its loop: loss goes down, the y = x mistake reaches zero, NaN stops, Stop stops and
keeps the model, short runs report every step (A4), the seed is checked; tiny quick runs pin the schedule, the epochs' seeds,
the held-out split, the AdamW step and every field of the events (the mutation-testing survivors)."""

import math
import threading

import pytest
import torch

from helpers import make_windows
from minilm.assets import corpus_text
from minilm import get_tokenizer
from minilm.lm.model import TinyLM, next_token_probs, sample, untrained
from minilm.lm.settings import ModelConfig, TrainConfig, TrainSettings, split_windows
from minilm.lm.train import lr_at, train, training_batches

SMALL = dict(n_blocks=1, embedding_dim=32, context_length=16, stride=8, batch_size=16, eval_every=20, report_every=10)


@pytest.fixture(scope="module")
def ids():
    return get_tokenizer("bpe").encode(corpus_text()[:20_000])


def run(ids, **options):
    """The events after step 0 (the untrained model's, which has no training loss)."""
    return list(train(ids, 1024, TrainConfig(**{**SMALL, **options})))[1:]


def test_loss_goes_down(ids):
    """Seeded, so the same run every time: averaged over 20-step stretches, training loss only falls."""
    events = run(ids, steps=100, report_every=1)
    losses = [e.train_loss for e in events]
    stretches = [sum(losses[i:i + 20]) / 20 for i in range(0, 100, 20)]
    assert all(a > b for a, b in zip(stretches, stretches[1:])), stretches
    assert losses[0] == pytest.approx(math.log(1024), abs=0.3)  # untrained: every token equally likely
    vals = [e.val_loss for e in events if e.val_fresh]
    assert vals[-1] < vals[0] < math.log(1024)


def test_runs_repeat(ids):
    a, b = run(ids, steps=20), run(ids, steps=20)
    assert [e.train_loss for e in a] == [e.train_loss for e in b]


def test_no_shift_reaches_near_zero_but_learns_nothing(ids):
    right = run(ids, steps=200, lr=1e-2)[-1]
    wrong = run(ids, steps=200, shift=False, lr=1e-2)[-1]
    assert wrong.train_loss < 0.05  # copying the visible token is trivial
    assert wrong.val_loss > right.val_loss  # and useless for the next token


def test_zero_blocks_is_the_single_layer_baseline(ids):
    model = run(ids, steps=30, n_blocks=0)[-1].model
    assert len(model.blocks) == 0
    x = torch.tensor([ids[:16]])
    # without attention a position's logits depend on its own token (and position) only
    changed = x.clone()
    changed[0, 0] = (changed[0, 0] + 1) % 1024
    assert torch.equal(model(x)[0, 1:], model(changed)[0, 1:])


def test_nan_loss_stops_with_an_explanation(ids, monkeypatch):
    """A loss that becomes NaN ends the run with the model of the step before and says why."""
    from minilm.lm import train as loop

    calls = []
    real = loop.F.cross_entropy

    def failing(*args, **kwargs):
        calls.append(torch.is_grad_enabled())  # a training step, not an evaluation
        loss = real(*args, **kwargs)
        return loss * float("nan") if sum(calls) == 3 and calls[-1] else loss

    monkeypatch.setattr(loop.F, "cross_entropy", failing)
    last = run(ids, steps=200, n_blocks=0)[-1]
    assert last.done and last.stopped == "diverged" and not math.isfinite(last.train_loss) and last.step == 3


def test_stop_event(ids):
    """Stopped before the first step: the untrained model's event, then the stop, nothing trained."""
    stop = threading.Event()
    stop.set()
    events = list(train(ids, 1024, TrainConfig(**SMALL, steps=500), stop=stop))
    assert [(e.step, e.stopped) for e in events] == [(0, ""), (0, "stopped")]


def test_stop_mid_run_keeps_the_model_trained_so_far(ids):
    """Stop asked at step 30 of 500: the step under way (31) ends the run; its event carries the model and
    a validation loss measured now (not 31 steps stale); the y = x run that would follow does not start."""
    from minilm.lm.train import evaluate, training_runs

    stop = threading.Event()
    settings = TrainSettings(source="text", text=corpus_text()[:20_000], n_blocks=1, embedding_dim=32,
                             context_length=16, stride=8, batch_size=16, steps=500, mistake=True)
    seen = []
    for run_name, config, event in training_runs(settings, stop=stop):
        seen.append((run_name, event))
        if event.step == 30:
            stop.set()
    run_name, last = seen[-1]
    assert run_name == "next_token" and last.stopped == "stopped" and last.done and last.step == 31
    assert last.model is not None and {r for r, _ in seen} == {"next_token"}
    ids_, split = settings.split()
    assert last.val_loss == pytest.approx(evaluate(last.model, split.val_ids(ids_), settings.config()))


def test_too_short_text_is_explained(ids):
    with pytest.raises(ValueError, match="training needs at least"):
        list(train(ids[:20], 1024, TrainConfig(context_length=16, stride=16)))


@pytest.mark.parametrize("options, message", [
    (dict(steps=10**6), "steps is capped at 3000"),
    (dict(embedding_dim=4096), "embedding_dim is capped at 256"),
    (dict(embedding_dim=30), "multiple of the number of attention heads, 4"),
    (dict(n_blocks=5), "n_blocks is capped at 4"),
    (dict(steps=1.5), "steps must be a whole number"),
    (dict(lr=float("nan")), "learning rate must be above 0"),
    (dict(context_length=0), "context_length must be at least 1"),
], ids=["steps", "width", "heads", "blocks", "fraction", "nan-lr", "zero-context"])
def test_settings_are_checked_once_with_the_page_message(options, message):
    """TrainConfig checks what the model would reject too, with the words the page shows."""
    with pytest.raises(ValueError, match=message):
        TrainConfig(**options)
    with pytest.raises(ValueError, match=message):
        TrainSettings(**options)


def test_train_settings_take_only_local_tokenizers():
    """Gemma's 262,144-row vocabulary would not train here; the message names the choices."""
    with pytest.raises(ValueError, match="unknown tokenizer 'gemma': choose one of bpe, word$"):
        TrainSettings(tokenizer="gemma")
    assert TrainSettings(steps=20.0).steps == 20 and isinstance(TrainSettings(steps=20.0).steps, int)


@pytest.mark.parametrize("context_length, stride", [(12, 12), (16, 8), (8, 20)], ids=["tiled", "overlap", "gaps"])
def test_training_uses_the_windows_tab_windows(ids, monkeypatch, context_length, stride):
    """One chain: the model's first batch is create_data_loader's for the Windows tab's settings, every
    window it trains on is one of the seed's make_windows, and an epoch covers exactly the training
    windows, none of which shares a token with the held-out ones."""
    from minilm import create_data_loader
    from minilm.windows.settings import WindowSettings

    settings = TrainSettings(source="text", text=corpus_text()[:6_000], context_length=context_length, stride=stride,
                             batch_size=16, steps=1)
    stream = WindowSettings(source="text", text=corpus_text()[:6_000], context_length=context_length, stride=stride).ids()
    config = settings.config()
    seen = []  # the batches the model trains on (validation passes run in eval mode)
    real_embed = TinyLM.embed  # every forward pass starts here, a training step's too
    monkeypatch.setattr(TinyLM, "embed", lambda self, x: (
        seen.append(x.clone()) if self.training else None, real_embed(self, x))[1])
    list(train(stream, 1024, config))
    split = split_windows(len(stream), context_length=context_length, stride=stride)
    loader = create_data_loader(split.train_ids(stream), context_length, stride, batch_size=16, shuffle=True, seed=config.seed)
    first_x, _ = next(iter(loader))
    assert torch.equal(seen[0], first_x)

    reference = make_windows(stream, context_length, stride)
    assert len(reference) == split.n_windows
    batches = training_batches(stream, config)
    rows = []
    while len(rows) < split.n_train:
        x, y = next(batches)
        rows += [(tuple(a), tuple(b)) for a, b in zip(x.tolist(), y.tolist())]
    assert sorted(rows) == sorted((tuple(x), tuple(y)) for x, y in reference[: split.n_train])
    last_train_token = (split.n_train - 1) * stride + context_length  # the last token a training window reads
    assert last_train_token < split.first_val * stride  # held-out windows start after it


def test_untrained_model_comes_from_its_own_generator():
    """The "before" model is rebuilt from the seed alone: torch's global RNG is neither read nor moved."""
    config = ModelConfig(vocab_size=50, context_length=8, n_blocks=1, embedding_dim=16, n_heads=4)
    state = torch.get_rng_state()
    a = TinyLM(config, seed=3)
    assert torch.equal(state, torch.get_rng_state())
    torch.manual_seed(123)
    b = untrained(a)
    assert all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values()))
    assert not torch.equal(TinyLM(config, seed=4).tokens.weight, a.tokens.weight)


def test_before_model_equals_the_weights_training_started_from(ids, monkeypatch):
    starts = []
    real_embed = TinyLM.embed
    monkeypatch.setattr(TinyLM, "embed", lambda self, x: (
        starts.append({k: v.clone() for k, v in self.state_dict().items()}) if not starts else None, real_embed(self, x))[1])
    model = run(ids, steps=5)[-1].model
    before = untrained(model).state_dict()
    assert all(torch.equal(before[k], starts[0][k]) for k in before)
    assert not torch.equal(before["tokens.weight"], model.state_dict()["tokens.weight"])


def test_schedule_warms_up_then_decays():
    config = TrainConfig(lr=1.0, warmup=10, steps=110)
    assert lr_at(0, config) == pytest.approx(0.1) and lr_at(9, config) == pytest.approx(1.0)
    assert lr_at(60, config) == pytest.approx(0.55) and lr_at(110, config) == pytest.approx(0.1)


def test_shapes_and_sampling():
    model = TinyLM(ModelConfig(vocab_size=50, context_length=8, n_blocks=2, embedding_dim=16, n_heads=4))
    assert model(torch.zeros(3, 8, dtype=torch.long)).shape == (3, 8, 50)
    with pytest.raises(ValueError, match="at most 8"):
        model(torch.zeros(1, 9, dtype=torch.long))
    greedy = sample(model, [1, 2, 3], max_new_tokens=20, temperature=0)
    assert len(greedy) == 23 and greedy[:3] == [1, 2, 3]
    assert sample(model, [1, 2, 3], max_new_tokens=20, top_k=1) == greedy  # top-1 sampling is greedy
    assert sample(model, [1], max_new_tokens=5, seed=4) == sample(model, [1], max_new_tokens=5, seed=4)
    probs = next_token_probs(model, [1, 2, 3], k=50)
    assert sum(p for _, p in probs) == pytest.approx(1.0, abs=1e-5)
    assert [i for i, _ in probs[:1]] == [greedy[3]]


def test_stop_flags_are_per_run_and_removed_when_runs_end():
    """Stop in one browser session stops only its runs; Stop then Start again before the running loop
    has looked must still stop the first run (one flag per run, not one per session) and not the
    second; flags go away with their runs, so sessions do not pile up in memory."""
    from minilm.lm.stop import StopFlags

    flags = StopFlags()
    flags.stop("a")  # nothing armed: nothing to stop, nothing kept
    flags.arm("a")
    flags.arm("b")
    a, b = flags.take("a"), flags.take("b")
    assert not a.is_set()
    flags.stop("a")
    flags.arm("a")  # Start again at once, while run a is still finishing its step
    assert a.is_set() and not b.is_set()
    again = flags.take("a")
    assert not again.is_set() and a.is_set()  # the quick restart neither clears the Stop nor inherits it
    flags.end("a", a), flags.end("a", again), flags.end("b", b)
    assert len(flags) == 0
    flags.arm("c")  # a run asked for whose page closed before it started
    flags.forget("c")
    assert len(flags) == 0


# --- quick, tiny runs that pin the loop's details (a stream of 100 ids, vocabulary 50, no or one block) ---

TINY = dict(n_blocks=0, embedding_dim=16, n_heads=4, context_length=4, stride=4, batch_size=4, seed=3)
STREAM = [(7 * i) % 50 for i in range(100)]  # 24 windows of 4 (+1) tokens


def tiny(**options):
    return TrainConfig(**{**TINY, **options})


@pytest.mark.parametrize("step, expected", [
    (0, 0.1), (9, 1.0), (10, 1.0), (60, 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * 0.5))), (110, 0.1), (160, 0.1),
], ids=["first", "warmup-end", "decay-start", "middle", "last", "past-the-end"])
def test_schedule_is_linear_warmup_then_cosine_to_a_tenth(step, expected):
    """lr * (step + 1) / warmup for the first `warmup` steps, then lr * (0.1 + 0.45 (1 + cos(pi * progress)))."""
    assert lr_at(step, TrainConfig(lr=1.0, warmup=10, steps=110)) == pytest.approx(expected)


@pytest.mark.parametrize("warmup, steps", [(1, 2), (2, 2)], ids=["one-decay-step", "no-decay-steps"])
def test_schedule_with_almost_no_decay_steps_ends_at_a_tenth(warmup, steps):
    assert lr_at(warmup, TrainConfig(lr=1.0, warmup=warmup, steps=steps)) == pytest.approx(1.0)
    assert lr_at(warmup + 1, TrainConfig(lr=1.0, warmup=warmup, steps=steps)) == pytest.approx(0.1)


def test_training_batches_reshuffle_each_epoch_with_the_next_seed():
    """Epoch e is create_data_loader's shuffle with seed + e, over the windows val_fraction leaves: with
    half held out, the first 11 windows (ids[:45]) train; 3 batches an epoch."""
    from minilm import create_data_loader

    batches = training_batches(STREAM, tiny(val_fraction=0.5))
    seen = [next(batches) for _ in range(9)]
    expected = [b for epoch in range(3)
                for b in create_data_loader(STREAM[:45], 4, 4, batch_size=4, shuffle=True, seed=3 + epoch)]
    assert len(expected) == 9
    assert all(torch.equal(x, ex) and torch.equal(y, ey) for (x, y), (ex, ey) in zip(seen, expected))
    assert sorted(tuple(row) for x, _ in seen[:3] for row in x.tolist()) == sorted(
        tuple(STREAM[s:s + 4]) for s in range(0, 44, 4))


def test_validation_reads_the_held_out_tail(monkeypatch):
    """With half the 24 windows held out, validation reads from window 12 on: ids[48:]."""
    from minilm.lm import train as loop

    read = []
    real = loop.evaluate
    monkeypatch.setattr(loop, "evaluate", lambda model, ids, config: (read.append(list(ids)), real(model, ids, config))[1])
    list(train(STREAM, 50, tiny(steps=1, val_fraction=0.5)))
    assert read and all(r == STREAM[48:] for r in read)


def test_steps_are_adamw_with_the_documented_settings():
    """The model after 3 steps is torch's AdamW (betas 0.9, 0.95; weight decay 0.1 on matrices, none on
    vectors) with the schedule's rates 0.5, 1, 1 x lr, gradients clipped to norm 1, on the seeded batches."""
    from minilm import create_data_loader

    config = tiny(n_blocks=1, steps=3, warmup=2, lr=0.01, weight_decay=0.1, clip=1.0)
    events = list(train(STREAM, 50, config))
    assert [e.lr for e in events] == pytest.approx([0.005, 0.005, 0.01, 0.01])  # step 0 shows the first step's

    model = TinyLM(ModelConfig(50, 4, 1, 16, 4), seed=3)
    matrices = [p for p in model.parameters() if p.ndim >= 2]
    vectors = [p for p in model.parameters() if p.ndim < 2]
    optimizer = torch.optim.AdamW([{"params": matrices, "weight_decay": 0.1}, {"params": vectors, "weight_decay": 0.0}],
                                  lr=0.01, betas=(0.9, 0.95))
    batches = create_data_loader(STREAM[:85], 4, 4, batch_size=4, shuffle=True, seed=3)  # 21 training windows
    norms = []
    for lr, (x, y) in zip([0.005, 0.01, 0.01], batches):
        for group in optimizer.param_groups:
            group["lr"] = lr
        model.train()
        loss = torch.nn.functional.cross_entropy(model(x).reshape(-1, 50), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)))
        optimizer.step()
    assert max(norms) > 1.0  # so the clipping mattered
    trained = events[-1].model.state_dict()
    # atol: the loop uses the fused AdamW kernel, whose rounding differs from the reference by up to ~7e-6
    assert all(torch.allclose(trained[k], v, atol=1.5e-5) for k, v in model.state_dict().items())


def test_event_speeds_come_from_the_clock(monkeypatch):
    """Half a second after the start (a fake clock): steps/s = 2 x step, tokens/s that x batch x context."""
    from types import SimpleNamespace
    from minilm.lm import train as loop

    times = iter([100.0])
    monkeypatch.setattr(loop, "time", SimpleNamespace(perf_counter=lambda: next(times, 100.5)))
    events = list(train(STREAM, 50, tiny(steps=2, report_every=1)))
    assert [(e.step, e.steps_per_s, e.tokens_per_s) for e in events] == [(0, 0.0, 0.0), (1, 2.0, 32.0), (2, 4.0, 64.0)]


def test_stopped_before_the_first_step_keeps_the_untrained_model():
    stop = threading.Event()
    stop.set()
    first, last = train(STREAM, 50, tiny(steps=5, warmup=2, lr=0.01), stop=stop)
    assert (last.step, last.done, last.stopped, last.val_fresh, last.train_loss) == (0, True, "stopped", True, None)
    assert last.val_loss == first.val_loss and isinstance(last.val_loss, float)
    assert first.lr == last.lr == pytest.approx(0.005)
    reference = TinyLM(ModelConfig(50, 4, 0, 16, 4), seed=3).state_dict()  # the config's seed, not 0
    assert all(torch.equal(v, reference[k]) for k, v in last.model.state_dict().items())


def test_stopped_mid_run_event_fields():
    stop = threading.Event()
    events = []
    for event in train(STREAM, 50, tiny(steps=10, warmup=4, lr=0.01, report_every=1, eval_every=5), stop=stop):
        events.append(event)
        if event.step == 2:
            stop.set()
    last = events[-1]
    assert (last.step, last.done, last.stopped, last.val_fresh) == (3, True, "stopped", True)
    assert isinstance(last.train_loss, float) and last.lr == pytest.approx(0.0075) and last.model is not None
    assert [e.val_fresh for e in events[1:-1]] == [False, False]


def test_diverged_event_fields(monkeypatch):
    """NaN at step 3: the event keeps step 2's validation loss (not fresh), the step's rate and the model."""
    from minilm.lm import train as loop

    calls = []
    real = loop.F.cross_entropy

    def failing(*args, **kwargs):
        calls.append(torch.is_grad_enabled())
        loss = real(*args, **kwargs)
        return loss * float("nan") if sum(calls) == 3 and calls[-1] else loss

    monkeypatch.setattr(loop.F, "cross_entropy", failing)
    events = list(train(STREAM, 50, tiny(steps=10, warmup=4, lr=0.01, report_every=1, eval_every=2)))
    before, last = events[-2], events[-1]
    assert (last.step, last.done, last.stopped, last.val_fresh) == (3, True, "diverged", False)
    assert before.val_fresh and last.val_loss == before.val_loss and isinstance(last.val_loss, float)
    assert last.lr == pytest.approx(0.0075) and last.model is not None


def test_the_mistake_run_trains_on_y_equals_x():
    from minilm.lm.train import training_runs

    settings = TrainSettings(source="text", text=corpus_text()[:3_000], n_blocks=0, embedding_dim=16,
                             context_length=8, stride=8, batch_size=4, steps=1, mistake=True)
    runs = {run: config.shift for run, config, _ in training_runs(settings)}
    assert runs == {"next_token": True, "mistake": False}


@pytest.mark.parametrize("budget, max_batches, n_ids", [
    (1 << 24, 20, 20_000),  # the default: one pass over the 20 batches
    (1 << 24, 20, 481),     # fewer windows than 20 batches, the last batch short (it still counts as one batch)
    (16 * 1024 * 5, 7, 20_000),  # a budget of 5 windows a pass: several passes, cut at 7 batches
], ids=["one-pass", "short-last-batch", "many-passes"])
def test_validation_loss_is_the_mean_of_the_loaders_batch_means(ids, monkeypatch, budget, max_batches, n_ids):
    """As a plain loop over the seed's windows says: the mean over the first `max_batches` batches of each
    batch's mean next-token loss, however many forward passes the evaluation takes."""
    from minilm.lm import train as loop

    monkeypatch.setattr(loop, "_EVAL_LOGITS", budget)
    config = TrainConfig(**{**SMALL, "batch_size": 3})
    model = TinyLM(config.model_config(1024), seed=5)
    held_out = ids[:n_ids]
    windows = make_windows(held_out, 16, 8)
    batches = [windows[i:i + 3] for i in range(0, len(windows), 3)][:max_batches]
    with torch.no_grad():
        expected = sum(
            float(torch.nn.functional.cross_entropy(model(torch.tensor([x for x, _ in b])).reshape(-1, 1024),
                                                    torch.tensor([y for _, y in b]).reshape(-1)))
            for b in batches) / len(batches)
    assert len(windows) % 3 != 0 or n_ids == 20_000  # 59 windows: the last batch holds 2
    assert loop.evaluate(model, held_out, config, max_batches=max_batches) == pytest.approx(expected, rel=1e-5)
