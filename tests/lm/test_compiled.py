"""The compiled training step (`minilm.lm.compiled`): the default shape's runs use it and follow the eager
runs up to float rounding, are bitwise the same from run to run and at any thread count, never compile in
the middle of a run; other shapes, `MINILM_COMPILE=0` and a failed compilation run eagerly, the last with
a clear message.

Compiled once here for the Train tab's default shape (~20 s on a machine's first run, a few seconds from
inductor's on-disk cache): the shape the app compiles at startup.
"""

from concurrent.futures import Future

import pytest
import torch

from minilm import get_tokenizer
from minilm.assets import corpus_text
from minilm.background import BackgroundLoader
from minilm.lang import Problem
from minilm.lm import compiled
from minilm.lm.settings import ModelConfig, TrainConfig, TrainSettings
from minilm.lm.threads import HeldThreads
from minilm.lm.train import train, training_batches

from lm_helpers import Alternating, losses

pytestmark = pytest.mark.slow
DEFAULT = TrainConfig().model_config(1024)  # the Train tab's default shape (bpe's 1,024 ids)
SHORT = {"steps": 40, "eval_every": 10, "report_every": 5}


@pytest.fixture(scope="module")
def ids():
    return get_tokenizer("bpe").encode(corpus_text()[:30_000])


@pytest.fixture(scope="module")
def step():
    """The compiled `block_loss` for the default shape; the registry is emptied again afterwards."""
    fn = compiled.warm(DEFAULT).result()
    assert fn is not None, "torch.compile failed: is a C++ compiler (g++) on PATH?"
    yield fn
    compiled.forget()


@pytest.fixture
def counted(step, monkeypatch):
    """The compiled step as `train` finds it, counting the (batch, time) of every call."""
    calls = []
    job = Future()
    job.set_result(lambda model, h, targets: (calls.append(tuple(h.shape[:2])), step(model, h, targets))[1])
    monkeypatch.setitem(compiled._JOBS, compiled.shape(DEFAULT), job)
    return calls


def eager(monkeypatch):
    monkeypatch.setenv("MINILM_COMPILE", "0")


def batch_shapes(ids, config):
    batches = training_batches(ids, config)
    return [tuple(next(batches)[0].shape) for _ in range(config.steps)]


def test_a_compiled_run_follows_the_eager_run(ids, counted, monkeypatch):
    config = TrainConfig(**SHORT)
    with_compiled = list(train(ids, 1024, config))
    assert counted == batch_shapes(ids, config)  # every step went through the compiled function
    eager(monkeypatch)
    without = list(train(ids, 1024, config))
    assert len(counted) == 40  # ... and none of the eager run's
    assert [(e.step, e.lr) for e in with_compiled] == [(e.step, e.lr) for e in without]
    for name in ("train_loss", "val_loss"):
        values = [[getattr(e, name) for e in run[1:]] for run in (with_compiled, without)]  # step 0: no train loss
        assert values[0] == pytest.approx(values[1], rel=1e-5), name
    assert without[-1].val_loss < without[0].val_loss - 0.5  # it learned: the comparison is not of two flat lines
    weights = [run[-1].model.state_dict() for run in (with_compiled, without)]
    for key in weights[0]:
        torch.testing.assert_close(weights[0][key], weights[1][key], rtol=1e-3, atol=1e-4)  # Adam: rare ids move most


def test_compiled_runs_are_bitwise_the_same_whatever_the_thread_counts(ids, counted):
    """The embeddings stay eager: inductor's atomic adds for their gradients made every run differ."""
    config = TrainConfig(**SHORT)
    counts = list(compiled.compiled_threads())
    choosers = [HeldThreads(n) for n in counts] + [HeldThreads(n) for n in counts] + ([Alternating(1)] if 2 in counts else [])
    runs = [list(train(ids, 1024, config, chooser=chooser)) for chooser in choosers]
    assert len(counted) == 40 * len(runs)
    assert all(losses(run) == losses(runs[0]) for run in runs)
    weights = [run[-1].model.state_dict() for run in runs]
    assert all(torch.equal(w[key], weights[0][key]) for w in weights for key in w)


@pytest.mark.parametrize("sizes", [
    {"context_length": 12, "stride": 5, "batch_size": 7},  # 57 training windows: each epoch ends in a batch of 1
    {"context_length": 31, "stride": 31, "batch_size": 64},  # 58: one batch smaller than batch_size
    {"context_length": 2, "stride": 1, "batch_size": 2},
])
def test_one_compilation_serves_every_context_length_and_batch_size(ids, counted, sizes):
    short = ids[: 64 * sizes["stride"] + sizes["context_length"] + 1]  # 65 windows
    config = TrainConfig(**SHORT, **sizes)
    with torch.compiler.set_stance("fail_on_recompile"):  # raises if a step had to compile
        events = list(train(short, 1024, config))
    assert events[-1].step == 40
    shapes = batch_shapes(short, config)
    assert counted == [s for s in shapes if min(s) >= 2]  # a batch of 1 or a 1-token window: eager
    assert (1, 12) in shapes if sizes["stride"] == 5 else True


def test_other_shapes_and_a_failed_compilation_run_eagerly(ids, monkeypatch, caplog):
    small = TrainConfig(n_blocks=1, embedding_dim=32, **SHORT).model_config(1024)
    assert compiled.step_function(small) is None and compiled.shape(small) not in compiled._JOBS  # never compiled
    assert compiled.warm(ModelConfig(1024, dropout=0.1)).result() is None  # random numbers: never compiled

    config = TrainConfig(**SHORT)
    eager(monkeypatch)
    reference = losses(train(ids, 1024, config))
    monkeypatch.delenv("MINILM_COMPILE")

    def no_compiler(*args, **kwargs):
        raise RuntimeError("InvalidCxxCompiler: no working C++ compiler found")

    monkeypatch.setattr(compiled, "_JOBS", {})  # nothing compiled yet: this run compiles first
    monkeypatch.setattr(compiled.torch, "compile", no_compiler)
    assert losses(train(ids, 1024, config)) == reference  # compiling failed: the steps ran eagerly
    assert "compiling failed: InvalidCxxCompiler" in caplog.text
    assert compiled.step_function(config.model_config(1024)) is None


def test_the_apps_loader_compiles_the_default_shape(step, monkeypatch):
    from minilm.ui import loaders

    monkeypatch.setattr(loaders, "NEIGHBOURS", BackgroundLoader(lambda progress: "index"))
    settings = TrainSettings()
    loader = BackgroundLoader(loaders._training_step, what="what_training_step")  # as loaders.TRAINING_STEP
    assert loader.wait(timeout=600) is step  # the one the fixture compiled: same shape
    assert compiled.step_function(settings.config().model_config(settings.vocab_size())) is step


def test_the_apps_loader_says_when_compiling_failed(monkeypatch):
    from minilm.ui import loaders

    monkeypatch.setattr(compiled, "_JOBS", {})
    monkeypatch.setattr(loaders, "NEIGHBOURS", BackgroundLoader(lambda progress: "index"))
    monkeypatch.setattr(compiled.torch, "compile", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no g++")))
    for disabled in (False, True):
        if disabled:
            eager(monkeypatch)
        loader = BackgroundLoader(loaders._training_step, what="what_training_step")
        with pytest.raises(Problem) as failed:
            loader.wait(timeout=60)
        assert "the compiled training step could not be loaded" in str(failed.value)
        assert "training steps run eagerly" in str(failed.value)
        assert ("MINILM_COMPILE=0" in str(failed.value)) is disabled
