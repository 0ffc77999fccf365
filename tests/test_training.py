"""The tiny LM and its loop: loss goes down, the y = x mistake reaches zero, NaN stops, Stop stops."""

import math
import threading

import pytest
import torch

from minilm.assets import corpus_text, local_tokenizer
from minilm.model import ModelConfig, TinyLM, next_token_probs, sample
from minilm.training import LIMITS, TrainConfig, capped, lr_at, split, train

SMALL = dict(n_blocks=1, width=32, context_length=16, stride=8, batch_size=16, eval_every=20, report_every=10)


@pytest.fixture(scope="module")
def ids():
    return local_tokenizer("bpe").encode(corpus_text()[:20_000])


def run(ids, **options):
    return list(train(ids, 1024, TrainConfig(**{**SMALL, **options})))


def test_loss_goes_down(ids):
    """Seeded, so the same run every time: averaged over 20-step stretches, training loss only falls."""
    events = run(ids, steps=100, report_every=1)
    losses = [e.train_loss for e in events]
    stretches = [sum(losses[i:i + 20]) / 20 for i in range(0, 100, 20)]
    assert all(a > b for a, b in zip(stretches, stretches[1:])), stretches
    assert losses[0] == pytest.approx(math.log(1024), abs=0.3)  # untrained: every token equally likely
    vals = [e.val_loss for e in events if e.val_loss is not None]
    assert vals[-1] < vals[0] < math.log(1024)


def test_runs_repeat(ids):
    a, b = run(ids, steps=20), run(ids, steps=20)
    assert [e.train_loss for e in a] == [e.train_loss for e in b]


def test_no_shift_reaches_near_zero_but_learns_nothing(ids):
    right = run(ids, steps=150, lr=1e-2)[-1]
    wrong = run(ids, steps=150, shift=False, lr=1e-2)[-1]
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


def test_nan_loss_stops_with_an_explanation(ids):
    last = run(ids, steps=200, lr=1e9, n_blocks=0)[-1]
    assert last.done and "too high" in last.stopped and not math.isfinite(last.train_loss)


def test_stop_event(ids):
    stop = threading.Event()
    stop.set()
    events = list(train(ids, 1024, TrainConfig(**SMALL, steps=500), stop=stop))
    assert len(events) == 1 and events[0].stopped == "stopped" and events[0].step == 1


def test_too_short_and_caps(ids):
    with pytest.raises(ValueError, match="needs at least"):
        split(ids[:20], TrainConfig(context_length=16))
    config, notes = capped(TrainConfig(steps=10**6, width=4096))
    assert config.steps == LIMITS["steps"] and config.width == LIMITS["width"] and len(notes) == 2


def test_schedule_warms_up_then_decays():
    config = TrainConfig(lr=1.0, warmup=10, steps=110)
    assert lr_at(0, config) == pytest.approx(0.1) and lr_at(9, config) == pytest.approx(1.0)
    assert lr_at(60, config) == pytest.approx(0.55) and lr_at(110, config) == pytest.approx(0.1)


def test_shapes_and_sampling():
    torch.manual_seed(0)
    model = TinyLM(ModelConfig(vocab_size=50, context_length=8, n_blocks=2, width=16, n_heads=4))
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
