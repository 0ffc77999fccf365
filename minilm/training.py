"""Train `TinyLM` on `create_data_loader` windows: AdamW, clipping, warmup then cosine, seeded.

`train(ids, config)` is a generator of `TrainEvent`s (every `report_every` steps and at the end),
so a notebook can print them and the app can stream them to a chart. A held-out tail of the
stream gives the validation loss, always measured on the true next-token task: with `shift=False`
(the seed's mistake, y = x) the training loss falls to zero while that one does not.
Not here: the model (`minilm.model`).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace
from typing import Iterator

import torch
from torch.nn import functional as F

from minilm.model import ModelConfig, TinyLM
from minilm.windows import create_data_loader

LIMITS = {"n_blocks": 4, "width": 256, "context_length": 128, "batch_size": 64, "steps": 3000}


@dataclass(frozen=True)
class TrainConfig:
    n_blocks: int = 2
    width: int = 64
    n_heads: int = 4
    context_length: int = 32
    stride: int = 8
    batch_size: int = 32
    steps: int = 600
    lr: float = 3e-3
    warmup: int = 40
    weight_decay: float = 0.1
    clip: float = 1.0
    val_fraction: float = 0.1
    eval_every: int = 50
    report_every: int = 10
    seed: int = 0
    shift: bool = True  # False: the seed's mistake, targets equal to inputs


def capped(config: TrainConfig) -> tuple[TrainConfig, list[str]]:
    """Clamp settings to what a 2-core machine trains in about a minute; say what was changed."""
    changes, notes = {}, []
    for name, limit in LIMITS.items():
        value = getattr(config, name)
        if value > limit:
            changes[name] = limit
            notes.append(f"{name} {value} is capped at {limit} on this machine")
    return replace(config, **changes), notes


@dataclass(frozen=True)
class TrainEvent:
    step: int
    train_loss: float
    val_loss: float | None  # next-token loss on held-out text, as of the last evaluation
    val_fresh: bool  # the evaluation happened at this step
    lr: float
    steps_per_s: float
    tokens_per_s: float
    done: bool = False
    stopped: str = ""  # why it ended early: "stopped", or an explanation of a NaN loss
    model: TinyLM | None = None  # on the last event only


def split(ids: list[int], config: TrainConfig) -> tuple[list[int], list[int]]:
    """Train on the head of the stream, validate on its tail; each must hold one window."""
    n_val = max(config.context_length + 1, int(len(ids) * config.val_fraction))
    needed = n_val + config.context_length + 1
    if len(ids) < needed:
        raise ValueError(
            f"the text has {len(ids)} tokens; context_length {config.context_length} needs at least {needed} "
            "(a window to train on and one held out). Use a longer text or a smaller context_length."
        )
    return ids[:-n_val], ids[-n_val:]


def lr_at(step: int, config: TrainConfig) -> float:
    """Linear warmup to `lr`, then cosine decay to a tenth of it."""
    if step < config.warmup:
        return config.lr * (step + 1) / config.warmup
    progress = (step - config.warmup) / max(1, config.steps - config.warmup)
    return config.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def train(ids: list[int], vocab_size: int, config: TrainConfig, *, stop: threading.Event | None = None) -> Iterator[TrainEvent]:
    train_ids, val_ids = split(ids, config)
    torch.manual_seed(config.seed)
    model = TinyLM(ModelConfig(vocab_size, config.context_length, config.n_blocks, config.width, config.n_heads))
    decay = [p for p in model.parameters() if p.ndim >= 2]
    rest = [p for p in model.parameters() if p.ndim < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": config.weight_decay},
                                   {"params": rest, "weight_decay": 0.0}], lr=config.lr, betas=(0.9, 0.95))
    batches = _forever(train_ids, config)
    start, val_loss, step, loss, fresh = time.perf_counter(), None, 0, float("nan"), False
    for step in range(1, config.steps + 1):
        x, y = next(batches)
        lr = lr_at(step - 1, config)
        for group in optimizer.param_groups:
            group["lr"] = lr
        model.train()
        logits = model(x)
        target = y if config.shift else x
        loss_t = F.cross_entropy(logits.reshape(-1, vocab_size), target.reshape(-1))
        loss = float(loss_t.detach())
        if not math.isfinite(loss):
            why = (f"the loss became {loss} at step {step}: the learning rate {config.lr:g} is too high for "
                   "this model (try 10x smaller). Training stopped; the model is from the step before.")
            yield _event(step, loss, val_loss, False, lr, start, config, done=True, stopped=why, model=model)
            return
        optimizer.zero_grad(set_to_none=True)
        loss_t.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip)
        optimizer.step()
        fresh = step % config.eval_every == 0 or step == config.steps
        if fresh:
            val_loss = evaluate(model, val_ids, config)
        if stop is not None and stop.is_set():
            yield _event(step, loss, val_loss, fresh, lr, start, config, done=True, stopped="stopped", model=model)
            return
        if step % config.report_every == 0 and step != config.steps:
            yield _event(step, loss, val_loss, fresh, lr, start, config)
    yield _event(step, loss, val_loss, True, lr, start, config, done=True, model=model)


def _event(step, loss, val_loss, fresh, lr, start, config, **final) -> TrainEvent:
    seconds = max(time.perf_counter() - start, 1e-9)
    tokens_per_s = step * config.batch_size * config.context_length / seconds
    return TrainEvent(step, loss, val_loss, fresh, lr, step / seconds, tokens_per_s, **final)


def _forever(ids: list[int], config: TrainConfig):
    """Shuffled batches of windows, epoch after epoch, seeded."""
    epoch = 0
    while True:
        loader = create_data_loader(ids, config.context_length, config.stride, batch_size=config.batch_size,
                                    shuffle=True, drop_last=len(ids) > config.batch_size * config.stride * 2,
                                    seed=config.seed + epoch)
        yield from loader
        epoch += 1


@torch.no_grad()
def evaluate(model: TinyLM, ids: list[int], config: TrainConfig, *, max_batches: int = 20) -> float:
    """Mean next-token cross-entropy over held-out windows (always the true, shifted targets)."""
    model.eval()
    losses = []
    loader = create_data_loader(ids, config.context_length, config.context_length, batch_size=config.batch_size)
    for i, (x, y) in enumerate(loader):
        if i == max_batches:
            break
        losses.append(float(F.cross_entropy(model(x).reshape(-1, model.config.vocab_size), y.reshape(-1))))
    return sum(losses) / len(losses)
