"""A tiny decoder-only language model: the seed's "next steps" in about a hundred lines.

Token embedding + position embedding, 0 to 4 blocks of causal self-attention and MLP, an LM head.
Zero blocks is the seed's single-layer model (exercise A4): each position sees only its own token,
the baseline a real context has to beat. Not here: training (`minilm.lm.train`).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from minilm.lang import Problem
from minilm.lm.settings import ModelConfig


class LayerNorm(nn.Module):
    """`nn.LayerNorm` whose gradients do not depend on torch's thread count.

    nn.LayerNorm's backward sums the weight and bias gradients over rows in per-thread chunks, so
    1 and 2 threads differ in the last bits and so do whole runs; here autograd's `* weight + bias`
    sums them, in the same order at any thread count (checked up to the Train tab's largest sizes,
    tests/lm/test_threads.py). Same parameters (`weight`, `bias`); the forward equals nn.LayerNorm's
    up to float rounding.
    """

    def __init__(self, dim: int, *, eps: float = 1e-5):
        super().__init__()
        self.dim, self.eps = dim, eps
        self.weight = nn.Parameter(torch.ones(dim))
        self.bias = nn.Parameter(torch.zeros(dim))

    def forward(self, x):
        return F.layer_norm(x, (self.dim,), eps=self.eps) * self.weight + self.bias


class Block(nn.Module):
    """Pre-norm transformer block: x + attention(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.n_heads = config.n_heads
        self.norm1 = LayerNorm(config.embedding_dim)
        self.qkv = nn.Linear(config.embedding_dim, 3 * config.embedding_dim)
        self.proj = nn.Linear(config.embedding_dim, config.embedding_dim)
        self.norm2 = LayerNorm(config.embedding_dim)
        self.mlp = nn.Sequential(nn.Linear(config.embedding_dim, 4 * config.embedding_dim), nn.GELU(), nn.Linear(4 * config.embedding_dim, config.embedding_dim))
        self.dropout = config.dropout

    def forward(self, x):  # (batch, time, embedding_dim)
        b, t, w = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(w, dim=2)
        q, k, v = (z.view(b, t, self.n_heads, w // self.n_heads).transpose(1, 2) for z in (q, k, v))
        dropout = self.dropout if self.training else 0.0
        if torch.compiler.is_compiling() and not dropout:
            attended = causal_attention(q, k, v)
        else:
            attended = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=dropout)
        x = x + self.proj(attended.transpose(1, 2).reshape(b, t, w))
        return x + self.mlp(self.norm2(x))


def causal_attention(q, k, v):
    """softmax(q kᵀ / √d, each position masked to itself and those before) v, written out: what
    `F.scaled_dot_product_attention(q, k, v, is_causal=True)` computes. Under torch.compile
    (`minilm.lm.compiled`) inductor fuses the scale, mask and softmax into one kernel around two batched
    matmuls, and the Train tab's default run took ~4.5% less time than with SDPA's call (8 runs each way,
    2026-12-08); eagerly SDPA is the faster.
    """
    t = q.shape[-2]
    scores = (q @ k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
    mask = torch.ones(t, t, dtype=torch.bool, device=q.device).tril()
    return scores.masked_fill(~mask, float("-inf")).softmax(dim=-1) @ v


class TinyLM(nn.Module):
    """`TinyLM(config, seed=0)(x) -> logits`, x: (batch, time) ids, logits: (batch, time, vocab_size).

    Every weight is drawn from a generator seeded with `seed`, never from torch's global RNG, so the
    same seed rebuilds the same untrained model in any thread (`untrained`).
    """

    def __init__(self, config: ModelConfig, *, seed: int = 0):
        super().__init__()
        self.config, self.seed = config, seed
        with torch.random.fork_rng(devices=[]):  # the layers' own default init draws from the global RNG
            self.tokens = nn.Embedding(config.vocab_size, config.embedding_dim)
            self.positions = nn.Embedding(config.context_length, config.embedding_dim)
            self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_blocks))
            self.norm = LayerNorm(config.embedding_dim)
            self.head = nn.Linear(config.embedding_dim, config.vocab_size, bias=False)
        generator = torch.Generator().manual_seed(seed)  # every weight is drawn again from here
        for module in self.modules():
            _init(module, generator)

    def forward(self, x):
        h = self.embed(x)
        for block in self.blocks:
            h = block(h)
        return self.head(self.norm(h))

    def embed(self, x):
        """Token plus position embeddings: what the first block reads, (batch, time, embedding_dim)."""
        t = x.shape[1]
        if t > self.config.context_length:
            raise ValueError(f"the model reads at most {self.config.context_length} tokens, got {t}")
        return self.tokens(x) + self.positions(torch.arange(t, device=x.device))

    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def untrained(model: TinyLM) -> TinyLM:
    """The same model before training: its config, its seed, fresh weights."""
    return TinyLM(model.config, seed=model.seed)


def _init(module, generator):
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, std=0.02, generator=generator)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)


@torch.no_grad()
def next_token_probs(model: TinyLM, ids: list[int], *, k: int = 10) -> list[tuple[int, float]]:
    """The k likeliest next tokens after `ids` (the last context_length of them): [(id, p), ...]."""
    if not ids:
        raise Problem("no_tokens")
    model.eval()
    context = torch.tensor([ids[-model.config.context_length :]])
    probs = F.softmax(model(context)[0, -1].float(), dim=-1)
    top = torch.topk(probs, min(k, len(probs)))
    return [(int(i), float(p)) for p, i in zip(top.values, top.indices)]


@torch.no_grad()
def sample(model: TinyLM, ids: list[int], *, max_new_tokens: int = 40, temperature: float = 1.0,
           top_k: int | None = 40, seed: int = 0) -> list[int]:
    """Continue `ids` one token at a time; temperature 0 picks the likeliest token (greedy)."""
    if not ids:
        raise Problem("no_tokens")
    if temperature < 0 or temperature != temperature:
        raise Problem("temperature_range", value=repr(temperature))
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    out = list(ids)
    for _ in range(max_new_tokens):
        logits = model(torch.tensor([out[-model.config.context_length :]]))[0, -1].float()
        if temperature == 0:
            out.append(int(logits.argmax()))
            continue
        logits = logits / temperature
        if top_k:
            cutoff = torch.topk(logits, min(top_k, len(logits))).values[-1]
            logits = logits.masked_fill(logits < cutoff, float("-inf"))
        out.append(int(torch.multinomial(F.softmax(logits, dim=-1), 1, generator=generator)))
    return out
