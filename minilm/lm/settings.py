"""The language model's settings, checked once and free of torch: the model, the loop, the tab's inputs.

`ModelConfig` (nanoGPT's `GPTConfig`), `TrainConfig` (a run: the windows, the model, the optimiser),
`split_windows` (which windows train and which validate), `TrainSettings` (the Train tab's inputs:
the Windows tab's windows plus the model and loop).


    >>> s = TrainSettings(source="corpus", tokenizer="bpe", context_length=12, stride=12, steps=20)
    >>> s.windows().context_length, s.config().steps
    (12, 20)

Not here: the model and the loop (`minilm.lm.model`, `minilm.lm.train`).
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.lang import Problem
from minilm.tokens.registry import check_tokenizer, get_tokenizer
from minilm.values import flag, number, settle, whole_number
from minilm.windows.loader import count_windows
from minilm.windows.settings import WindowSettings


MAX_BLOCKS, MAX_EMBEDDING_DIM, MAX_CONTEXT, MAX_BATCH, MAX_STEPS = 4, 256, 256, 64, 3000  # a minute or so on 2 cores
MAX_SEED = 2**31 - 1  # exact in the page's number box (a JavaScript double) and in every RNG's seed
SHORT_RUN = 10  # steps: runs this short report and evaluate at every step (exercise A4: one or two steps)


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    context_length: int = 32
    n_blocks: int = 2
    embedding_dim: int = 64  # of tokens and positions: the width of every block
    n_heads: int = 4
    dropout: float = 0.0

    def __post_init__(self):
        if not 0 <= self.n_blocks <= 4:
            raise Problem("too_big", name="n_blocks", maximum=4, value=repr(self.n_blocks))
        if self.embedding_dim % self.n_heads:
            raise Problem("dim_not_divisible", embedding_dim=self.embedding_dim, n_heads=self.n_heads)


@dataclass(frozen=True)
class TrainConfig:
    """Everything one run needs besides the token ids, checked once (nanoGPT's `GPTConfig` plus the loop's).

    The windows are the Windows tab's: `context_length`, `stride` and `batch_size` cut the stream
    with `create_data_loader`, the last tenth of the windows held out for validation.
    """

    context_length: int = 12
    stride: int = 12
    batch_size: int = 32
    n_blocks: int = 2
    embedding_dim: int = 64  # of tokens and positions: the model's width
    n_heads: int = 4
    steps: int = 600
    lr: float = 3e-3
    warmup: int | None = None  # None: a tenth of the steps
    weight_decay: float = 0.1
    clip: float = 1.0
    val_fraction: float = 0.1
    eval_every: int | None = None  # None: every step in a short run, else every 50
    report_every: int | None = None  # None: every step in a short run, else every 10
    seed: int = 0
    shift: bool = True  # False: the seed's mistake, targets equal to inputs

    def __post_init__(self):
        steps = whole_number("steps", self.steps, maximum=MAX_STEPS)
        settle(
            self,
            context_length=whole_number("context_length", self.context_length, maximum=MAX_CONTEXT),
            stride=whole_number("stride", self.stride),
            batch_size=whole_number("batch_size", self.batch_size, maximum=MAX_BATCH),
            n_blocks=whole_number("n_blocks", self.n_blocks, minimum=0, maximum=MAX_BLOCKS),
            embedding_dim=whole_number("embedding_dim", self.embedding_dim, minimum=4, maximum=MAX_EMBEDDING_DIM),
            steps=steps,
            lr=_learning_rate(self.lr),
            warmup=max(1, steps // 10) if self.warmup is None else whole_number("warmup", self.warmup, minimum=0),
            eval_every=(1 if steps <= SHORT_RUN else 50) if self.eval_every is None else whole_number("eval_every", self.eval_every),
            report_every=(1 if steps <= SHORT_RUN else 10) if self.report_every is None
            else whole_number("report_every", self.report_every),
            seed=_seed(self.seed),
            shift=flag("shift", self.shift),
        )
        self.model_config(vocab_size=1)  # the model's own checks (embedding_dim divisible by n_heads)

    def model_config(self, vocab_size: int) -> ModelConfig:
        return ModelConfig(vocab_size, self.context_length, self.n_blocks, self.embedding_dim, self.n_heads)


def _seed(value) -> int:
    try:
        return whole_number("seed", value, minimum=0, maximum=MAX_SEED)
    except Problem:
        raise Problem("seed_range", maximum=MAX_SEED, value=repr(value)) from None


def _learning_rate(value) -> float:
    try:
        return number("learning rate", value, low=0.0, high=1.0)
    except Problem:
        raise Problem("lr_range", value=repr(value)) from None


@dataclass(frozen=True)
class WindowSplit:
    """Which of the stream's windows train and which validate: windows 0..n_train-1 and first_val..n_windows-1.

    Windows between the two would share tokens with validation windows (stride < context_length),
    so they are left out: nothing the model is scored on was trained on.

    >>> s = split_windows(100, context_length=4, stride=2)
    >>> s.n_windows, s.n_train, s.first_val
    (48, 42, 44)
    """

    n_windows: int
    n_train: int
    first_val: int
    context_length: int
    stride: int

    def train_ids(self, ids):
        """The prefix of `ids` whose windows are exactly windows 0..n_train-1."""
        return ids[: (self.n_train - 1) * self.stride + self.context_length + 1]

    def val_ids(self, ids):
        return ids[self.first_val * self.stride :]


def split_windows(n_tokens: int, *, context_length: int, stride: int, val_fraction: float = 0.1) -> WindowSplit:
    n_windows = count_windows(n_tokens, context_length, stride)
    n_val = max(1, int(n_windows * val_fraction))
    gap = -(-(context_length + 1) // stride) - 1  # windows (x and y: context_length + 1 tokens) reaching the first validation window
    n_train = n_windows - n_val - gap
    if n_train < 1:
        raise Problem("too_few_windows", n=n_windows, needed=gap + 2, tokens=n_tokens, context_length=context_length,
                      stride=stride)
    return WindowSplit(n_windows, n_train, n_windows - n_val, context_length, stride)


@dataclass(frozen=True)
class TrainSettings:
    """Which windows (source, tokenizer, context_length, stride: the Windows tab's) and how to train."""

    source: str = "corpus"
    text: str = ""
    path: str | None = None
    tokenizer: str = "bpe"
    context_length: int = 12
    stride: int = 12
    batch_size: int = 32
    n_blocks: int = 2
    embedding_dim: int = 64
    steps: int = 600
    lr: float = 3e-3
    seed: int = 0
    mistake: bool = False  # also run the seed's y = x mistake, on the same chart

    def __post_init__(self):
        check_tokenizer(self.tokenizer, local_only=True)  # Gemma's 262k rows: too big to train here
        flag("mistake", self.mistake)
        self.windows()
        config = self.config()
        settle(self, **{name: getattr(config, name) for name in (
            "context_length", "stride", "batch_size", "n_blocks", "embedding_dim", "steps", "lr", "seed")})

    def windows(self) -> WindowSettings:
        """The Windows tab's settings that select the same windows."""
        return WindowSettings(source=self.source, text=self.text, path=self.path, tokenizer=self.tokenizer,
                              context_length=self.context_length, stride=self.stride, batch_size=self.batch_size)

    def split(self, *, wait: bool = True) -> tuple[list[int], WindowSplit]:
        """The token stream and which of its windows train and which are held out."""
        ids = self.windows().ids(wait=wait)
        return ids, split_windows(len(ids), context_length=self.context_length, stride=self.stride)

    def vocab_size(self) -> int:
        """The size of the tokenizer's vocabulary: the model's output layer."""
        return len(get_tokenizer(self.tokenizer))

    def config(self, *, shift: bool = True) -> TrainConfig:
        return TrainConfig(context_length=self.context_length, stride=self.stride, batch_size=self.batch_size,
                           n_blocks=self.n_blocks, embedding_dim=self.embedding_dim, steps=self.steps, lr=self.lr,
                           seed=self.seed, shift=shift)


@dataclass(frozen=True)
class Trained:
    """A trained model and the tokenizer whose ids it reads (a name in the registry)."""

    model: object  # TinyLM
    tokenizer: str
