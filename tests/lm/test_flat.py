"""One tensor per parameter group during training (`minilm.lm.flat`): the model computes as before, the
gradients and the clipping are torch's own (`clip_grad_norm_`, `AdamW`), and the model a run hands out owns its
tensors again, so it saves and loads like any other."""

import threading

import pytest
import torch
from torch.nn import functional as F

from minilm import get_tokenizer
from minilm.assets import corpus_text
from minilm.lm.flat import FlatParameters, clip_scale, separate_parameters
from minilm.lm.model import TinyLM
from minilm.lm.settings import ModelConfig, TrainConfig
from minilm.lm.train import train

CONFIG = ModelConfig(vocab_size=50, context_length=8, n_blocks=2, embedding_dim=16, n_heads=4)


def batch(seed=1):
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(0, 50, (2, 4, 8), generator=generator)


def loss_of(model, x, y):
    return F.cross_entropy(model(x).reshape(-1, 50), y.reshape(-1))


def test_parameters_become_views_of_one_tensor_and_compute_the_same():
    x, y = batch()
    model = TinyLM(CONFIG, seed=0)
    before = loss_of(model, x, y).item()
    params = [p for p in model.parameters() if p.ndim >= 2]
    group = FlatParameters(params)
    assert group.flat.numel() == sum(p.numel() for p in params)
    assert all(p.untyped_storage().data_ptr() == group.flat.untyped_storage().data_ptr() for p in params)
    assert loss_of(model, x, y).item() == before
    with torch.no_grad():
        group.flat.zero_()  # an update of the one tensor is an update of every parameter
    assert all(not p.any() for p in params)


def test_gathered_gradients_are_the_parameters_own_end_to_end():
    x, y = batch()
    model = TinyLM(CONFIG, seed=0)
    group = FlatParameters(model.parameters())
    loss_of(model, x, y).backward()
    assert torch.equal(group.gather_grads(), torch.cat([p.grad.reshape(-1) for p in model.parameters()]))
    assert group.flat.grad is not None


@pytest.mark.parametrize("max_norm", [1e-3, 1.0, 1e6])  # clipped hard, clipped a little or not at all, at seed 1
def test_clipping_through_adamw_grad_scale_is_clip_grad_norm(max_norm):
    """The same steps as torch's own clip_grad_norm_ then AdamW, up to the rounding of a division against a product.

    atol: the key projection's bias has a gradient of zero up to rounding (softmax ignores a constant added to
    every key), and Adam divides that rounding by its own size; 6e-6 apart after 3 steps here."""
    x, y = batch()
    theirs, ours = TinyLM(CONFIG, seed=0), TinyLM(CONFIG, seed=0)
    options = dict(lr=0.01, betas=(0.9, 0.95), weight_decay=0.1, fused=True)
    reference = torch.optim.AdamW(theirs.parameters(), **options)
    group = FlatParameters(ours.parameters())
    optimizer = torch.optim.AdamW([group.flat], **options)
    for _ in range(3):
        reference.zero_grad()
        loss_of(theirs, x, y).backward()
        norm = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm)
        reference.step()
        ours.zero_grad(set_to_none=True)
        loss_of(ours, x, y).backward()
        scale = clip_scale([group.gather_grads()], max_norm)
        assert scale.item() == pytest.approx(max(1.0, (norm.item() + 1e-6) / max_norm), rel=1e-6)
        optimizer.grad_scale = scale
        optimizer.step()
    assert (scale > 1).item() == (max_norm < 1e6)
    for (name, a), b in zip(theirs.named_parameters(), ours.parameters()):
        torch.testing.assert_close(b, a, rtol=0, atol=1e-5, msg=name)


def test_separated_parameters_own_their_tensors_and_keep_their_values():
    model = TinyLM(CONFIG, seed=0)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    FlatParameters(model.parameters())
    separate_parameters(model)
    pointers = {p.untyped_storage().data_ptr() for p in model.parameters()}
    assert len(pointers) == len(list(model.parameters()))
    assert all(torch.equal(v, state[k]) for k, v in model.state_dict().items())


@pytest.mark.parametrize("stop_after", [0, 3, None])  # stopped before any step, mid-run, run to the end
def test_the_model_a_run_hands_out_owns_its_tensors(tmp_path, stop_after):
    """Each weight in its own storage (torch.save of one weight writes that weight, not its whole group), and the
    model saves and loads with safetensors."""
    from safetensors.torch import load_file, save_file

    ids = get_tokenizer("bpe").encode(corpus_text()[:5_000])
    stop = threading.Event()
    if stop_after == 0:
        stop.set()
    for event in train(ids, 1024, TrainConfig(n_blocks=1, embedding_dim=16, steps=6, report_every=1), stop=stop):
        if stop_after is not None and event.step == stop_after:
            stop.set()
    assert event.step == {0: 0, 3: 4, None: 6}[stop_after]  # a stop ends the run after the step under way
    model = event.model
    assert [name for name, p in model.named_parameters() if p.untyped_storage().nbytes() != p.numel() * 4] == []
    save_file(model.state_dict(), tmp_path / "model.safetensors")
    loaded = load_file(tmp_path / "model.safetensors")
    assert all(torch.equal(loaded[k], v) for k, v in model.state_dict().items())
