"""The Train tab's API (and MCP tools): train, sample, next_token, for callers that keep no session.

Each takes every setting it needs by name and answers in English (`gr.Error` for a mistake): the page's
Sample and Next token read the visitor's session model instead (`minilm.ui.train`). Not here: the loop,
the sampler and Gemma (`minilm.lm`).
"""

from dataclasses import asdict
from typing import Iterator

from minilm.lang import Problem
from minilm.lm.settings import TrainSettings
from minilm.text import clean_text
from minilm.ui.loaders import GEMMA, GEMMA_MODEL
from minilm.ui.page import api_error
from minilm.values import whole_number

GEMMA_MODEL_WAIT = 300  # seconds a call waits for Gemma's first load (~35 s alone, minutes on a busy 2-vCPU host)


def train(source: str = "corpus", text: str = "", tokenizer: str = "bpe", context_length: int = 12, stride: int = 12,
          batch_size: int = 32, n_blocks: int = 2, embedding_dim: int = 64, steps: int = 600, lr: float = 3e-3,
          seed: int = 0, mistake: bool = False) -> Iterator[dict]:
    """Train the tiny LM on the windows of `source` ("corpus" or "text"), streaming its progress.

    Yields {"run", "step", "steps", "train_loss", "val_loss", "done", "stopped"} at step 0 (the untrained
    model: train_loss None) and every 10 steps (every step in runs of up to 10 steps); run is
    "next_token", or "mistake" for the y = x run that follows when `mistake` is true.
    """
    from minilm.lm.train import training_runs

    try:
        settings = _api_settings(source=source, text=text, tokenizer=tokenizer, context_length=context_length, stride=stride,
                                 batch_size=batch_size, n_blocks=n_blocks, embedding_dim=embedding_dim, steps=steps, lr=lr,
                                 seed=seed, mistake=mistake)
        runs = training_runs(settings, wait=False)
    except ValueError as err:
        raise api_error(err) from None
    for run, config, event in runs:
        yield {"run": run, "step": event.step, "steps": config.steps, "train_loss": event.train_loss,
               "val_loss": event.val_loss, "done": event.done, "stopped": event.stopped}


def _api_settings(*, source: str, **values) -> TrainSettings:
    """An API call's settings: the corpus or the caller's text (files reach the model through the page only)."""
    if source not in ("corpus", "text"):
        raise Problem("not_choice", name="source", options="corpus, text", value=repr(source))
    return TrainSettings(source=source, **values)


def sample(prompt: str = "the capital of", temperature: float = 0.8, top_k: int = 40, source: str = "corpus",
           text: str = "", tokenizer: str = "bpe", context_length: int = 12, stride: int = 12, batch_size: int = 32,
           n_blocks: int = 2, embedding_dim: int = 64, steps: int = 600, lr: float = 3e-3, seed: int = 0) -> dict:
    """Train the tiny LM as `train` does (about 15 s at these defaults), then continue `prompt` by 60 tokens.

    Returns {"text", "ids" (the prompt's, then the new ones), "n_prompt", "train_loss", "val_loss"}.
    Sampling is seeded by `seed`; temperature 0 picks the likeliest token every time, top_k 0 keeps all.
    """
    from minilm.lm.sampling import train_and_sample

    try:
        settings = _api_settings(source=source, text=text, tokenizer=tokenizer, context_length=context_length, stride=stride,
                                 batch_size=batch_size, n_blocks=n_blocks, embedding_dim=embedding_dim, steps=steps, lr=lr,
                                 seed=seed)
        top_k = whole_number("top_k", top_k, minimum=0) or None
        return asdict(train_and_sample(settings, prompt, temperature=temperature, top_k=top_k, wait=False))
    except ValueError as err:
        raise api_error(err) from None


def next_token(text: str = "the capital of france is", k: int = 10) -> list[dict]:
    """Gemma 3's k likeliest next tokens after `text` (read with <bos>): [{"token", "id", "p"}, ...].

    The first call loads the whole Gemma 3 270M (a few seconds; about a minute on the very first start) and waits for it.
    """
    from minilm.lm.gemma import gemma_next_tokens

    try:
        text = clean_text(text)[0]
        k = whole_number("k", k, minimum=1, maximum=100)
        model = GEMMA_MODEL.wait(timeout=GEMMA_MODEL_WAIT)
    except ValueError as err:
        raise api_error(err) from None
    return [{"token": token, "id": i, "p": p} for token, i, p in gemma_next_tokens(model, GEMMA.value, text, k=k)]
