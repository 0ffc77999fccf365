"""The Python behind the Train tab ("show the code"): the same run, seeded, printing its losses.

    >>> from minilm.lm.settings import TrainSettings
    >>> print(train_code(TrainSettings(steps=2, n_blocks=0)).splitlines()[3])
    settings = TrainSettings(source="corpus", tokenizer="bpe", context_length=12, stride=12, batch_size=32, n_blocks=0, embedding_dim=64, steps=2, lr=0.003, seed=0)

It runs as printed from the repository root with minilm installed and prints what the tab's chart
draws: the step, training and validation loss of every reported step (step 0 is the untrained
model). Comments stay English. Not here: running it (the tab calls the same functions directly).
"""

from __future__ import annotations

from pathlib import Path

from minilm.text import clean_text
from minilm.tokens.snippets import literal

_q = literal  # a visitor's text as a Python string literal


def settings_line(settings) -> str:
    """`settings = TrainSettings(...)` with every value the run reads."""
    s = settings
    if s.source == "text":
        where = [f"text={_q(clean_text(s.text)[0])}"]
    elif s.source == "file":
        where = [f"path={_q(Path(s.path).name if s.path else 'your_text.txt')}"]  # the learner's own copy
    else:
        where = []
    args = [f"source={_q(s.source)}", *where, f"tokenizer={_q(s.tokenizer)}", f"context_length={s.context_length}",
            f"stride={s.stride}", f"batch_size={s.batch_size}", f"n_blocks={s.n_blocks}", f"embedding_dim={s.embedding_dim}",
            f"steps={s.steps}", f"lr={s.lr!r}", f"seed={s.seed}"]
    args += ["mistake=True"] if s.mistake else []
    return f"settings = TrainSettings({', '.join(args)})"


def train_code(settings) -> str:
    """Code for a `TrainSettings`: `training_runs` with the tab's values, each reported step printed."""
    # No torch.set_num_threads(1) as the app sets: train() picks 1 or 2 threads for its steps itself, and the
    # losses are bitwise the same at either (minilm.lm.model.LayerNorm); it compiles the default shape's step as the
    # app does (minilm.lm.compiled), so this prints the tab's numbers on any machine with the app's C++ compiler.
    lines = [
        "from minilm.lm.settings import TrainSettings",
        "from minilm.lm.train import training_runs",
        "",
        settings_line(settings),
        "for run, config, event in training_runs(settings):  # step 0 is the untrained model",
        '    print(run, "step", event.step, "train_loss", event.train_loss, "val_loss", event.val_loss)',
        "model = event.model  # the trained TinyLM",
    ]
    return "\n".join(lines)
