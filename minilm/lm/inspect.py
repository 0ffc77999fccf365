"""Looking inside a trained TinyLM at one position: which earlier tokens each head attended to.

    weights = attention_weights(model, ids)  # (n_blocks, n_heads, t, t), each row sums to 1
    fig = attention_figure(weights, position=3, tokens=["<bos>", "the", "▁capital", "▁of"])

The model's forward uses `F.scaled_dot_product_attention`, which returns no weights; this runs the
same blocks again by hand, softmax(q kᵀ / √d + causal mask), so training keeps its fast path.
Not here: the model (`minilm.lm.model`) or the words around the figure (`minilm.lang`).
"""

from __future__ import annotations

import math

from minilm.lang import plotly_separators, say
from minilm.text import plotly_literal
from minilm.tokens.figures import visible


def _heads(block, h):
    """(q, k, v), each (batch, heads, time, head_dim), as `Block.forward` makes them."""
    b, t, w = h.shape
    q, k, v = block.qkv(block.norm1(h)).split(w, dim=2)
    return tuple(z.view(b, t, block.n_heads, w // block.n_heads).transpose(1, 2) for z in (q, k, v))


def block_attention(block, h):
    """One block's attention weights (batch, heads, t, t) and its output, computed by hand."""
    import torch

    q, k, v = _heads(block, h)
    t = h.shape[1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    causal = torch.ones(t, t, dtype=torch.bool).tril()  # a position sees itself and the ones before it
    weights = torch.softmax(scores.masked_fill(~causal, float("-inf")), dim=-1)
    b, _, _, _ = q.shape
    attended = (weights @ v).transpose(1, 2).reshape(b, t, h.shape[2])
    h = h + block.proj(attended)
    return weights, h + block.mlp(block.norm2(h))


def attention_weights(model, ids):
    """softmax(q kᵀ/√d + causal mask) of every head of every block for `ids` (the last context_length):
    a tensor (n_blocks, n_heads, t, t); row i is what position i attended to (zero after i)."""
    import torch

    with torch.no_grad():
        model.eval()
        x = torch.tensor([list(ids)[-model.config.context_length :]])
        t = x.shape[1]
        h = model.tokens(x) + model.positions(torch.arange(t))
        rows = []
        for block in model.blocks:
            weights, h = block_attention(block, h)
            rows.append(weights[0])
        if not rows:  # zero blocks (exercise A4): nothing attends
            return torch.zeros(0, model.config.n_heads, t, t)
        return torch.stack(rows)


def attention_figure(weights, *, position: int, tokens, first: int = 0, lang: str = "en"):
    """One heatmap row per (block, head): how much `position` attended to each earlier token.

    `tokens` are the ones the model read; `first` is the text position of the first of them (labels count from it).
    """
    import plotly.graph_objects as go

    n_blocks, n_heads = weights.shape[0], weights.shape[1]
    labels = [plotly_literal(f"{first + i} {visible(t)}") for i, t in enumerate(tokens[: position + 1])]
    rows = [say("attention_row", lang, block=b + 1, head=h + 1) for b in range(n_blocks) for h in range(n_heads)]
    z = [[float(w) for w in weights[b, h, position, : position + 1]] for b in range(n_blocks) for h in range(n_heads)]
    fig = go.Figure(go.Heatmap(z=z, x=labels, y=rows, zmin=0, zmax=1, colorscale="Blues",
                               hovertemplate="%{y} → %{x}: %{z:.3f}<extra></extra>", name="attention"))
    fig.update_layout(title=plotly_literal(say("attention_title", lang, token=visible(tokens[position]), i=first + position)),
                      height=120 + 24 * max(1, len(rows)), margin=dict(l=90, r=20, t=50, b=60), separators=plotly_separators(lang),
                      yaxis=dict(autorange="reversed"), xaxis=dict(tickangle=-45))
    return fig
