"""Train `TinyLM` on `create_data_loader` windows: AdamW, clipping, warmup then cosine, seeded.

`train(ids, vocab_size, config)` is a generator of `TrainEvent`s (step 0, the untrained model's
validation loss; then every `report_every` steps and at the end), so a notebook can print them and
the app can stream them to a chart. A `stop` event ends the run after the current step, and the
last event carries the model trained so far. The windows are the
Windows tab's for the same context_length and stride; the last tenth of them give the validation loss, always measured on the true next-token task: with `shift=False`
(the seed's mistake, y = x) the training loss falls to zero while that one does not.
Steps run at 1 or 2 torch threads, as `minilm.lm.threads.ThreadChooser` measures; the losses are
bitwise the same at either. While a run lasts, the matrices and the other parameters are each one tensor
(`minilm.lm.flat`), so clipping and AdamW take a few kernels a step. The default shape's steps run the
blocks, head and loss compiled (`minilm.lm.compiled`), the others eagerly. Not here: the model (`minilm.lm.model`).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Iterator

import torch
from torch.nn import functional as F

from minilm.lm.compiled import block_loss, compiled_threads, step_function
from minilm.lm.flat import FlatParameters, clip_scale, separate_parameters
from minilm.lm.memory import keep_freed_memory, release_freed_memory
from minilm.lm.model import TinyLM
from minilm.lm.settings import TrainConfig, TrainSettings, split_windows
from minilm.lm.threads import ThreadChooser
from minilm.windows.loader import create_data_loader

@dataclass(frozen=True)
class TrainEvent:
    step: int  # 0: before the first step
    train_loss: float | None  # of this step's batch, before its update; None at step 0
    val_loss: float | None  # next-token loss on held-out text, as of the last evaluation
    val_fresh: bool  # the evaluation happened at this step
    lr: float
    steps_per_s: float
    tokens_per_s: float
    done: bool = False
    stopped: str = ""  # why it ended early: "stopped" (asked to), "diverged" (the loss became NaN or infinite)
    model: TinyLM | None = None  # on the last event only (also when stopped)
    threads: int = 1  # torch threads of the last step (`ThreadChooser`); the losses do not depend on it


def training_batches(ids, config: TrainConfig) -> Iterator:
    """The (x, y) batches the model sees: the training windows shuffled, epoch after epoch, seeded."""
    part = split_windows(len(ids), context_length=config.context_length, stride=config.stride,
                         val_fraction=config.val_fraction).train_ids(ids)
    epoch = 0
    while True:
        yield from create_data_loader(part, config.context_length, config.stride, batch_size=config.batch_size,
                                      shuffle=True, seed=config.seed + epoch)
        epoch += 1


def lr_at(step: int, config: TrainConfig) -> float:
    """Linear warmup to `lr`, then cosine decay to a tenth of it."""
    if step < config.warmup:
        return config.lr * (step + 1) / config.warmup
    progress = (step - config.warmup) / max(1, config.steps - config.warmup)
    return config.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def train(ids: list[int], vocab_size: int, config: TrainConfig, *, stop: threading.Event | None = None,
          chooser: ThreadChooser | None = None) -> Iterator[TrainEvent]:
    """Train a fresh `TinyLM` on the windows of `ids`; yields a `TrainEvent` at step 0 and every `report_every` steps.

    The model starts from `TinyLM(config, seed=config.seed)`, so `untrained(model)` rebuilds it. Steps run
    at the thread count `chooser` picks (by default a fresh `ThreadChooser`: 2 while both cores are free);
    the caller's count is back whenever the generator yields, ends, is closed or raises. Freed memory is
    kept for the next step while it runs and handed back when it ends (`minilm.lm.memory`).
    """
    keep_freed_memory()
    previous = torch.get_num_threads()
    try:
        for event in _train(ids, vocab_size, config, stop, chooser or ThreadChooser()):
            torch.set_num_threads(previous)  # the caller's code between events runs at its own count
            if event.model is not None:
                separate_parameters(event.model)  # the model handed out owns its tensors, as any TinyLM
            yield event
    finally:
        torch.set_num_threads(previous)
        release_freed_memory()


def _train(ids, vocab_size, config, stop, chooser):
    val_ids = split_windows(len(ids), context_length=config.context_length, stride=config.stride,
                            val_fraction=config.val_fraction).val_ids(ids)
    model = TinyLM(config.model_config(vocab_size), seed=config.seed)
    decay = FlatParameters(p for p in model.parameters() if p.ndim >= 2)  # matrices
    rest = FlatParameters(p for p in model.parameters() if p.ndim < 2)  # biases and norms: no weight decay
    optimizer = torch.optim.AdamW([{"params": [decay.flat], "weight_decay": config.weight_decay},
                                   {"params": [rest.flat], "weight_decay": 0.0}], lr=config.lr, betas=(0.9, 0.95),
                                  fused=True)  # one kernel over each group's one tensor
    loss_fn = step_function(model.config)  # compiled for the default shape (compiling first if need be), else None
    compiled_counts = compiled_threads() if loss_fn is not None else ()  # the thread counts it was compiled for
    batches = training_batches(ids, config)
    val_loss = evaluate(model, val_ids, config)  # the untrained model: about ln(vocab_size)
    start = time.perf_counter()
    yield _event(0, None, val_loss, True, lr_at(0, config), start, config)
    if stop is not None and stop.is_set():
        yield _event(0, None, val_loss, True, lr_at(0, config), start, config, done=True, stopped="stopped", model=model)
        return
    step, loss, threads = 0, float("nan"), 1
    for step in range(1, config.steps + 1):
        x, y = next(batches)
        threads = chooser.start_step()
        lr = lr_at(step - 1, config)
        for group in optimizer.param_groups:
            group["lr"] = lr
        model.train()
        target = y if config.shift else x
        compiled = threads in compiled_counts and min(x.shape) >= 2
        loss_t = (loss_fn if compiled else block_loss)(model, model.embed(x), target)
        loss = float(loss_t.detach())
        if not math.isfinite(loss):
            yield _event(step, loss, val_loss, False, lr, start, config, done=True, stopped="diverged", model=model,
                         threads=threads)
            return
        model.zero_grad(set_to_none=True)
        loss_t.backward()
        grads = [decay.gather_grads(), rest.gather_grads()]
        optimizer.grad_scale = clip_scale(grads, config.clip)
        optimizer.step()
        chooser.end_step()  # evaluations are not step times
        fresh = step % config.eval_every == 0 or step == config.steps
        if fresh:
            val_loss = evaluate(model, val_ids, config)
        if stop is not None and stop.is_set():
            if not fresh:  # the status then says where the model it keeps stands
                val_loss = evaluate(model, val_ids, config)
            yield _event(step, loss, val_loss, True, lr, start, config, done=True, stopped="stopped", model=model,
                         threads=threads)
            return
        if step % config.report_every == 0 and step != config.steps:
            yield _event(step, loss, val_loss, fresh, lr, start, config, threads=threads)
    yield _event(step, loss, val_loss, True, lr, start, config, done=True, model=model, threads=threads)


def _event(step, loss, val_loss, fresh, lr, start, config, **final) -> TrainEvent:
    seconds = max(time.perf_counter() - start, 1e-9)
    tokens_per_s = step * config.batch_size * config.context_length / seconds
    return TrainEvent(step, loss, val_loss, fresh, lr, step / seconds, tokens_per_s, **final)


_EVAL_LOGITS = 1 << 24  # logits one evaluation pass may hold: 64 MiB of float32


@torch.no_grad()
def evaluate(model: TinyLM, ids: list[int], config: TrainConfig, *, max_batches: int = 20) -> float:
    """Mean next-token cross-entropy over held-out windows (always the true, shifted targets).

    The mean of the first `max_batches` batches' means, as a loop over the loader would give, computed
    in as few forward passes as fit `_EVAL_LOGITS`: with the default sizes one pass instead of twenty.
    """
    model.eval()
    per_pass = max(1, _EVAL_LOGITS // (config.context_length * model.config.vocab_size * config.batch_size))
    loader = create_data_loader(ids, config.context_length, config.stride, batch_size=config.batch_size * per_pass)
    window_losses, n_windows = [], max_batches * config.batch_size
    for x, y in loader:
        logits = model(x[:n_windows])
        tokens = F.cross_entropy(logits.reshape(-1, model.config.vocab_size), y[:n_windows].reshape(-1), reduction="none")
        window_losses.append(tokens.view(len(logits), -1).mean(dim=1))  # (windows,): equal lengths, so batch means average them
        n_windows -= len(logits)
        if n_windows <= 0:
            break
    return float(torch.stack([b.mean() for b in torch.cat(window_losses).split(config.batch_size)]).mean())


def training_runs(settings: TrainSettings, *, wait: bool = True, stop=None) -> Iterator[tuple[str, TrainConfig, TrainEvent]]:
    """(run, config, event) for the right run ("next_token"), then the y = x run ("mistake") if asked.

    `stop` (a `threading.Event`) ends the current run after its step and skips the next. The stream is read and its windows counted now, so a bad setting raises here, not mid-iteration.
    """
    ids, _ = settings.split(wait=wait)
    n_vocab = settings.vocab_size()
    configs = [("next_token", settings.config())] + ([("mistake", settings.config(shift=False))] if settings.mistake else [])

    def runs():
        for run, config in configs:
            if stop is not None and stop.is_set():
                return  # a stopped run does not start the next one
            yield from ((run, config, event) for event in train(ids, n_vocab, config, stop=stop))

    return runs()
