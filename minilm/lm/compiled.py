"""A training step's blocks, LM head and loss compiled by `torch.compile` (inductor), where a C++ compiler is present.

`step_function(model_config)` is what `minilm.lm.train` runs a step with: for the Train tab's default
shape (`default_model_config()`: the bundled BPE's ids, 2 blocks, width 64) the compiled `block_loss`,
compiling it first if need be (`warm`; ~10 s with inductor's disk cache warm, ~20 s without); for any
other shape, with `MINILM_COMPILE=0`, or when compiling failed (no C++ compiler, a platform inductor
does not support), None: the same function runs eagerly. The rule depends on the shape and the machine
only, never on timing, so a run, its share link and its notebook give the same numbers to the last digit;
the app compiles at startup (`minilm.ui.loaders.TRAINING_STEP`) so that a visitor rarely waits. Each
shape compiles once for each thread count a run may use (torch.compile guards on it); batch and time
are dynamic, so one compilation serves every context_length, stride and batch size.

The token and position embeddings stay eager: inductor sums their gradients with atomic adds, whose
order, and so the last bits of every later step, changed from run to run. Without them the compiled
steps are bitwise the same from run to run and at 1 and 2 threads, as the eager ones are; the two routes
differ from each other by float rounding only (tests/lm/test_compiled.py).

The Train tab's default run is 1.06-1.12x faster than with eager steps, 1.52-1.55x the plain eager loop
(`bench/train.py`, 2026-12-08; the blocks attend with `minilm.lm.model.causal_attention` under compile).
Compiling takes 8-10 s of both cores once inductor's on-disk cache holds the kernels, ~22 s the first
time on a machine, and ~170 MB of RAM (bench/README.md).
"""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from concurrent.futures import Future
from typing import Callable

import torch
from torch.nn import functional as F

from minilm.lm.model import TinyLM
from minilm.lm.settings import ModelConfig
from minilm.lm.threads import threads_agree, usable_threads

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_JOBS: dict[tuple, Future] = {}  # model shape -> the compiled `block_loss` (None: compiling failed)
_COMPILING = threading.Lock()  # one compilation at a time: they would only share the same 2 cores


def block_loss(model: TinyLM, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of `model`'s logits from its embeddings `h` on: the blocks, the last norm, the head."""
    for block in model.blocks:
        h = block(h)
    logits = model.head(model.norm(h))
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def shape(config: ModelConfig) -> tuple | None:
    """What a compiled `block_loss` is specific to (None: never compiled, dropout draws random numbers)."""
    if config.dropout:
        return None
    return config.vocab_size, config.n_blocks, config.embedding_dim, config.n_heads


def warm(config: ModelConfig) -> Future:
    """Start compiling `block_loss` for `config`'s shape in a background thread (once); the future's result is it, or None."""
    key = shape(config)
    with _LOCK:
        job = _JOBS.get(key)
        if job is None:
            job = _JOBS[key] = Future()
            if key is None:
                job.set_result(None)
            else:
                threading.Thread(target=_compile, args=(config, job), name="minilm-compile", daemon=True).start()
    return job


def step_function(config: ModelConfig) -> Callable | None:
    """The compiled `block_loss` for the default shape (waiting for `warm` if it is compiling), else None: run eagerly."""
    return warm(config).result() if _compiled(config) else None


def will_wait(config: ModelConfig) -> bool:
    """Whether `step_function(config)` would wait for a compilation now (the caller may say so first)."""
    job = _JOBS.get(shape(config))
    return _compiled(config) and (job is None or not job.done())


def _compiled(config: ModelConfig) -> bool:
    """Whether `config`'s steps run compiled: the default shape, unless `MINILM_COMPILE=0`."""
    return enabled() and shape(config) == shape(default_model_config())


def enabled() -> bool:
    """False when the environment sets `MINILM_COMPILE=0`: every step runs eagerly, nothing is compiled."""
    return os.environ.get("MINILM_COMPILE", "1") != "0"


@lru_cache(maxsize=1)
def default_model_config() -> ModelConfig:
    """The model of the Train tab's default run: the one shape compiled."""
    from minilm.lm.settings import TrainSettings

    settings = TrainSettings()
    return settings.config().model_config(settings.vocab_size())


def compiled_threads() -> range:
    """The thread counts `warm` compiles for: those `minilm.lm.threads.ThreadChooser` may pick."""
    return range(1, (usable_threads() if threads_agree() else 1) + 1)


def forget() -> None:
    """Drop every compiled function (tests): the next default-shape run compiles again."""
    with _LOCK:
        _JOBS.clear()


def _compile(config: ModelConfig, job: Future) -> None:
    previous = torch.get_num_threads()
    try:
        with _COMPILING:
            torch._dynamo.config.recompile_limit = max(torch._dynamo.config.recompile_limit, 64)  # 2 per shape
            torch._inductor.config.compile_threads = 1  # in this process: no pool of worker processes (~900 MB each)
            fn = torch.compile(block_loss, dynamic=True)
            model = TinyLM(config, seed=0)
            for threads in compiled_threads():
                torch.set_num_threads(threads)
                # sizes of 2 and more: 0 and 1 would be specialised, and runs keep such batches eager
                h = torch.zeros(3, 5, config.embedding_dim, requires_grad=True)
                fn(model, h, torch.zeros(3, 5, dtype=torch.long)).backward()
    except Exception as error:  # no C++ compiler, a platform inductor does not support: eager it is
        log.warning("minilm: training steps run eagerly, compiling failed: %s", error)
        job.set_result(None)
    else:
        job.set_result(fn)
    finally:
        torch.set_num_threads(previous)
