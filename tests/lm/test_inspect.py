"""The attention inspector against the model's own fast path: weights @ v must be what SDPA returns.

Why: `attention_weights` recomputes what `F.scaled_dot_product_attention` hides. If its scaling, its
mask or its heads drift from the model's, the heatmap row the Train tab shows would be a picture of
some other model; the only honest reference is the model's own forward, which it must reproduce.
"""

import math

import pytest
import torch
from torch.nn import functional as F

from minilm.lm.inspect import attention_figure, attention_weights, block_attention
from minilm.lm.model import TinyLM
from minilm.lm.settings import ModelConfig

VOCAB, CONTEXT, DIM, HEADS = 40, 10, 16, 4


def model_with(n_blocks: int) -> TinyLM:
    """Weights from N(0, 0.5): at the model's init attention is nearly uniform and any bug hides in noise."""
    model = TinyLM(ModelConfig(VOCAB, CONTEXT, n_blocks, DIM, HEADS), seed=0).eval()
    generator = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * 0.5)
    return model


IDS = [3, 17, 5, 5, 29, 1, 0, 38]


@pytest.mark.parametrize("n_blocks", [1, 2, 3])
def test_weights_times_v_is_what_sdpa_returns(n_blocks):
    """Block by block: (weights @ v) equals SDPA's output on the same q, k, v, and each block's output
    equals `Block.forward`; the logits through the hand path equal the model's."""
    model = model_with(n_blocks)
    x = torch.tensor([IDS])
    with torch.no_grad():
        h = model.tokens(x) + model.positions(torch.arange(len(IDS)))
        for block in model.blocks:
            b, t, w = h.shape
            q, k, v = (z.view(b, t, HEADS, w // HEADS).transpose(1, 2) for z in block.qkv(block.norm1(h)).split(w, dim=2))
            weights, out = block_attention(block, h)
            torch.testing.assert_close(weights @ v, F.scaled_dot_product_attention(q, k, v, is_causal=True))
            torch.testing.assert_close(out, block(h))
            h = out
        torch.testing.assert_close(model.head(model.norm(h)), model(x))
    assert attention_weights(model, IDS).shape == (n_blocks, HEADS, len(IDS), len(IDS))


def test_rows_are_causal_distributions_written_out():
    """Row i sums to 1, is zero after i; position 0 attends only to itself; and head 0 of block 0
    equals softmax(q kᵀ / √d) over positions 0..i written out here with the model's own weights."""
    model = model_with(1)
    weights = attention_weights(model, IDS)[0]  # (heads, t, t)
    torch.testing.assert_close(weights.sum(-1), torch.ones(HEADS, len(IDS)))
    assert float(weights.triu(1).abs().max()) == 0.0
    torch.testing.assert_close(weights[:, 0, 0], torch.ones(HEADS))
    block, d = model.blocks[0], DIM // HEADS
    with torch.no_grad():
        h = model.tokens(torch.tensor(IDS)) + model.positions(torch.arange(len(IDS)))
        q, k, _ = block.qkv(block.norm1(h)).split(DIM, dim=1)
        i = 5
        scores = [float(q[i, :d] @ k[j, :d]) / math.sqrt(d) for j in range(i + 1)]
        top = max(scores)
        expected = [math.exp(s - top) / sum(math.exp(u - top) for u in scores) for s in scores]
    assert weights[0, i, : i + 1].tolist() == pytest.approx(expected, abs=1e-5)
    assert weights[0, i].tolist() != pytest.approx(weights[1, i].tolist(), abs=1e-3)  # heads differ


def test_zero_blocks_have_no_rows_and_the_figure_has_one_row_per_head():
    assert attention_weights(model_with(0), IDS).shape == (0, HEADS, len(IDS), len(IDS))
    weights = attention_weights(model_with(2), IDS)
    fig = attention_figure(weights, position=3, tokens=[f"t{i}" for i in IDS], lang="tr")
    assert len(fig.data[0].y) == 2 * HEADS and len(fig.data[0].x) == 4  # positions 0..3
    assert fig.data[0].y[5] == "blok 2 · kafa 2"
    assert fig.data[0].z[5] == pytest.approx(weights[1, 1, 3, :4].tolist())
