"""TinyLM's forward pass against the lesson it teaches: causal (a position never sees later tokens),
position-aware (the same token at two places is two different inputs), and equal to the textbook
decoder written out by hand here.

Why: the Train tab's whole point is next-token prediction. A model that peeks at later tokens
(`is_causal=False`) still trains, its loss falls even faster, and nothing on the page looks wrong;
a model without position embeddings trains too. Only tests like these notice.

The weights are redrawn from N(0, 0.5) first: at the model's own init (std 0.02) attention is nearly
uniform and every effect is a few 1e-4, close to float noise; a trained model is far from that.
"""

import math

import pytest
import torch
from torch.nn import functional as F

from minilm.lm.model import TinyLM, causal_attention
from minilm.lm.settings import ModelConfig

VOCAB, CONTEXT, DIM, HEADS = 40, 10, 16, 4


def model_with(n_blocks: int, *, seed: int = 0) -> TinyLM:
    """A TinyLM whose every weight (LayerNorm and biases too) is drawn from N(0, 0.5), seeded."""
    model = TinyLM(ModelConfig(VOCAB, CONTEXT, n_blocks, DIM, HEADS), seed=seed).eval()
    generator = torch.Generator().manual_seed(100 + seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * 0.5)
    return model


def ids(seed: int) -> torch.Tensor:
    return torch.randint(0, VOCAB, (2, CONTEXT), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("n_blocks", [0, 1, 2], ids=["0-blocks", "1-block", "2-blocks"])
@pytest.mark.parametrize("t", [0, 3, 8], ids=["t0", "t3", "t8"])
def test_later_tokens_never_change_earlier_logits(n_blocks, t):
    """Change every token after position t: logits at 0..t stay the same; change the token at t:
    logits at t move (so the comparison can fail), and with blocks, so do later positions'."""
    model = model_with(n_blocks)
    x = ids(1)
    later = x.clone()
    later[:, t + 1 :] = (later[:, t + 1 :] + 1 + torch.arange(CONTEXT - t - 1)) % VOCAB
    with torch.no_grad():
        base, changed = model(x), model(later)
    torch.testing.assert_close(changed[:, : t + 1], base[:, : t + 1])
    if t + 1 < CONTEXT:
        assert (changed[:, t + 1 :] - base[:, t + 1 :]).abs().max() > 0.1

    at_t = x.clone()
    at_t[:, t] = (at_t[:, t] + 7) % VOCAB
    with torch.no_grad():
        moved = model(at_t)
    assert (moved[:, t] - base[:, t]).abs().max() > 0.1
    torch.testing.assert_close(moved[:, :t], base[:, :t])
    if n_blocks and t + 1 < CONTEXT:  # attention carries the change forward
        assert (moved[:, t + 1 :] - base[:, t + 1 :]).abs().amax(dim=-1).min() > 1e-3


def test_the_same_token_at_two_positions_is_two_inputs():
    """Zero blocks: logits at position p are head(layer_norm(token row + position row p)), computed here
    from the weights with torch's own functions. The same token at positions 0 and 5 gives two answers."""
    model = model_with(0)
    x = torch.tensor([[3, 9, 9, 1, 3, 3, 9, 0]])
    w = model.state_dict()
    h = w["tokens.weight"][x[0]] + w["positions.weight"][: x.shape[1]]
    expected = F.layer_norm(h, (DIM,), w["norm.weight"], w["norm.bias"]) @ w["head.weight"].T
    with torch.no_grad():
        got = model(x)[0]
    torch.testing.assert_close(got, expected)
    assert (got[0] - got[5]).abs().max() > 0.1 and (got[1] - got[2]).abs().max() > 0.1


def reference_forward(model: TinyLM, x: torch.Tensor) -> torch.Tensor:
    """GPT-2's decoder written out: pre-norm blocks, causal softmax attention with an explicit lower-
    triangular mask, a GELU MLP, a final norm and the LM head, read straight from the state dict."""
    w, (b, t) = model.state_dict(), x.shape
    head_dim = DIM // HEADS
    h = w["tokens.weight"][x] + w["positions.weight"][:t]
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(len(model.blocks)):
        p = lambda name: w[f"blocks.{i}.{name}"]  # noqa: E731
        a = F.layer_norm(h, (DIM,), p("norm1.weight"), p("norm1.bias")) @ p("qkv.weight").T + p("qkv.bias")
        q, k, v = (a[..., j * DIM : (j + 1) * DIM].reshape(b, t, HEADS, head_dim).transpose(1, 2) for j in range(3))
        scores = (q @ k.transpose(-1, -2) / math.sqrt(head_dim)).masked_fill(~mask, float("-inf"))
        attended = (scores.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, t, DIM)
        h = h + attended @ p("proj.weight").T + p("proj.bias")
        m = F.layer_norm(h, (DIM,), p("norm2.weight"), p("norm2.bias")) @ p("mlp.0.weight").T + p("mlp.0.bias")
        m = 0.5 * m * (1 + torch.erf(m / math.sqrt(2)))  # exact GELU, nn.GELU's default
        h = h + m @ p("mlp.2.weight").T + p("mlp.2.bias")
    return F.layer_norm(h, (DIM,), w["norm.weight"], w["norm.bias"]) @ w["head.weight"].T


@pytest.mark.parametrize("n_blocks", [0, 1, 2], ids=["0-blocks", "1-block", "2-blocks"])
def test_forward_equals_the_decoder_written_out(n_blocks):
    model = model_with(n_blocks, seed=n_blocks)
    x = ids(2)
    with torch.no_grad():
        torch.testing.assert_close(model(x), reference_forward(model, x), atol=1e-4, rtol=1e-4)
        torch.testing.assert_close(model(x[:, :4]), reference_forward(model, x[:, :4]), atol=1e-4, rtol=1e-4)


def test_dropout_only_while_training():
    """Dropout (a ModelConfig option the page leaves at 0) drops activations in `train()` mode only: two
    training passes differ, while eval passes equal the same model built without dropout."""
    config = ModelConfig(VOCAB, CONTEXT, 1, DIM, HEADS, dropout=0.5)
    model, plain = TinyLM(config, seed=3), TinyLM(ModelConfig(VOCAB, CONTEXT, 1, DIM, HEADS), seed=3).eval()
    x = ids(4)
    model.train()
    torch.manual_seed(0)
    first = model(x)
    torch.manual_seed(1)
    assert not torch.allclose(first, model(x))
    model.eval()
    torch.testing.assert_close(model(x), model(x))
    torch.testing.assert_close(model(x), plain(x))


def test_the_default_seed_is_zero():
    """`TinyLM(config)` is the seed-0 model: a link or the API that leaves the seed out rebuilds the same one."""
    config = ModelConfig(VOCAB, CONTEXT, 1, DIM, HEADS)
    default, zero, one = TinyLM(config), TinyLM(config, seed=0), TinyLM(config, seed=1)
    for a, b, c in zip(default.parameters(), zero.parameters(), one.parameters()):
        torch.testing.assert_close(a, b)
    assert not all(torch.equal(a, c) for a, c in zip(default.parameters(), one.parameters()))


@pytest.mark.parametrize("n_blocks", [0, 1, 2])
def test_parameter_count_by_hand(n_blocks):
    """Token and position tables, per block two LayerNorms, qkv, the output projection and a 4x MLP (all with
    biases), a final LayerNorm and a bias-free head: counted here from the architecture, not from torch."""
    v, c, d = VOCAB, CONTEXT, DIM
    block = 2 * (2 * d) + (d * 3 * d + 3 * d) + (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d)
    expected = v * d + c * d + n_blocks * block + 2 * d + d * v
    assert TinyLM(ModelConfig(v, c, n_blocks, d, HEADS)).n_parameters() == expected


@pytest.mark.parametrize("t", [1, 2, 9])
def test_the_attention_compiled_steps_use_is_sdpas_causal_attention(t):
    """Under torch.compile a block attends with `causal_attention` (inductor fuses its mask and softmax);
    a later position leaking in, or a missing scale, would train a different model than the eager steps."""
    generator = torch.Generator().manual_seed(t)
    q, k, v = (torch.randn(2, HEADS, t, DIM // HEADS, generator=generator) for _ in range(3))
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.testing.assert_close(causal_attention(q, k, v), expected)
    v_later = v.clone()
    v_later[:, :, -1] += 1.0  # the last position's value: only the last row may see it
    changed = (causal_attention(q, k, v_later) - causal_attention(q, k, v)).abs().amax(dim=(0, 1, 3))
    assert changed[-1] > 0.01 and (t == 1 or changed[:-1].max() == 0)

