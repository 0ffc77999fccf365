"""A tiny decoder-only language model: the seed's "next steps" in about a hundred lines.

Token embedding + position embedding, 0 to 4 blocks of causal self-attention and MLP, an LM head.
Zero blocks is the seed's single-layer model (exercise A4): each position sees only its own token,
the baseline a real context has to beat. Not here: training (`minilm.training`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    context_length: int = 32
    n_blocks: int = 2
    width: int = 64  # embedding_dim of tokens and positions
    n_heads: int = 4
    dropout: float = 0.0

    def __post_init__(self):
        if not 0 <= self.n_blocks <= 4:
            raise ValueError(f"n_blocks must be 0 to 4, got {self.n_blocks}")
        if self.width % self.n_heads:
            raise ValueError(f"width {self.width} must be a multiple of n_heads {self.n_heads}")


class Block(nn.Module):
    """Pre-norm transformer block: x + attention(norm(x)), then x + mlp(norm(x))."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.n_heads = config.n_heads
        self.norm1 = nn.LayerNorm(config.width)
        self.qkv = nn.Linear(config.width, 3 * config.width)
        self.proj = nn.Linear(config.width, config.width)
        self.norm2 = nn.LayerNorm(config.width)
        self.mlp = nn.Sequential(nn.Linear(config.width, 4 * config.width), nn.GELU(), nn.Linear(4 * config.width, config.width))
        self.dropout = config.dropout

    def forward(self, x):  # (batch, time, width)
        b, t, w = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(w, dim=2)
        q, k, v = (z.view(b, t, self.n_heads, w // self.n_heads).transpose(1, 2) for z in (q, k, v))
        attended = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0)
        x = x + self.proj(attended.transpose(1, 2).reshape(b, t, w))
        return x + self.mlp(self.norm2(x))


class TinyLM(nn.Module):
    """`TinyLM(config)(x) -> logits`, x: (batch, time) ids, logits: (batch, time, vocab_size)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.tokens = nn.Embedding(config.vocab_size, config.width)
        self.positions = nn.Embedding(config.context_length, config.width)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_blocks))
        self.norm = nn.LayerNorm(config.width)
        self.head = nn.Linear(config.width, config.vocab_size, bias=False)
        self.apply(_init)

    def forward(self, x):
        t = x.shape[1]
        if t > self.config.context_length:
            raise ValueError(f"the model reads at most {self.config.context_length} tokens, got {t}")
        h = self.tokens(x) + self.positions(torch.arange(t, device=x.device))
        for block in self.blocks:
            h = block(h)
        return self.head(self.norm(h))

    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def _init(module):
    if isinstance(module, (nn.Linear, nn.Embedding)):
        nn.init.normal_(module.weight, std=0.02)
    if isinstance(module, nn.Linear) and module.bias is not None:
        nn.init.zeros_(module.bias)


@torch.no_grad()
def next_token_probs(model: TinyLM, ids: list[int], *, k: int = 10) -> list[tuple[int, float]]:
    """The k likeliest next tokens after `ids` (the last context_length of them): [(id, p), ...]."""
    if not ids:
        raise ValueError("give at least one token of context")
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
        raise ValueError("give at least one token to continue")
    if temperature < 0 or temperature != temperature:
        raise ValueError(f"temperature must be 0 or more, got {temperature}")
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
