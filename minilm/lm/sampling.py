"""Train the tiny LM to its last step, then continue a prompt with it: the Train tab's Start and Sample in one call.

For callers that keep no session between requests (the API, an MCP assistant): the page keeps its
trained model in the visitor's session instead. Not here: the loop and the sampler (`minilm.lm.train`,
`minilm.lm.model`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from minilm.lm.settings import TrainSettings
from minilm.text import clean_text
from minilm.tokens.registry import get_tokenizer

MAX_NEW_TOKENS = 60  # as many as the page's Sample button adds


@dataclass(frozen=True)
class Sampled:
    """A continuation: `ids` are the prompt's ids followed by the new ones; `text` decodes them all."""

    text: str
    ids: list[int]
    n_prompt: int
    train_loss: float | None  # of the run's last step
    val_loss: float | None


def train_and_sample(settings: TrainSettings, prompt: str, *, temperature: float = 0.8, top_k: int | None = 40,
                     wait: bool = True) -> Sampled:
    """Train on `settings` (the next-token run only) and continue `prompt`, seeded by `settings.seed`.

    >>> out = train_and_sample(TrainSettings(steps=10, n_blocks=0, embedding_dim=16), "the capital of")  # doctest: +SKIP
    >>> len(out.ids) - out.n_prompt  # doctest: +SKIP
    60
    """
    from minilm.lm.model import sample
    from minilm.lm.train import training_runs

    tokenizer = get_tokenizer(settings.tokenizer, wait=wait)
    ids = tokenizer.encode(clean_text(prompt)[0])  # a bad prompt fails before the run, not after it
    runs = training_runs(replace(settings, mistake=False), wait=wait)
    last = None
    for _, _, last in runs:
        pass
    out = sample(last.model, ids, max_new_tokens=MAX_NEW_TOKENS, temperature=temperature, top_k=top_k, seed=settings.seed)
    return Sampled(tokenizer.decode(out), out, len(ids), last.train_loss, last.val_loss)
