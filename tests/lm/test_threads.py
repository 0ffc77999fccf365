"""Training's thread count: the losses do not depend on it (LayerNorm's sums), and `ThreadChooser` picks the
faster of 1 and 2 threads from its step times (a fake clock here: no timing in tests), backs off after lost
probes, follows load as it comes and goes, and `train` gives the caller its thread count back."""

import itertools
import subprocess
import sys

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from minilm import get_tokenizer
from minilm.assets import corpus_text
from minilm.lm import threads as threads_module
from minilm.lm.model import LayerNorm, TinyLM
from minilm.lm.settings import MAX_BATCH, MAX_CONTEXT, MAX_EMBEDDING_DIM, TrainConfig
from minilm.lm.threads import HeldThreads, ThreadChooser, usable_threads
from minilm.lm.train import train

from lm_helpers import Alternating, losses

SMALL = {"n_blocks": 2, "embedding_dim": 32, "context_length": 16, "stride": 8, "batch_size": 16, "eval_every": 7,
         "report_every": 3}
QUIET = {1: 0.010, 2: 0.007}  # seconds a step: 2 threads faster
LOADED = {1: 0.010, 2: 0.050}  # another process on the second core: 2 threads spin and wait


@pytest.fixture(scope="module")
def ids():
    return get_tokenizer("bpe").encode(corpus_text()[:20_000])


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def drive(chooser, clock, costs, steps):
    """Run `steps` fake steps, the n-th costing costs(n)[threads] seconds; the thread count of each step."""
    used = []
    for n in range(steps):
        threads = chooser.start_step()
        assert torch.get_num_threads() == threads
        clock.now += costs(n)[threads]
        chooser.end_step()
        used.append(threads)
    return used


def chooser_and_clock(**options):
    """A chooser on 2 cores timed by a fake clock, without /proc/stat's hint unless `idle_cores` is given."""
    clock = FakeClock()
    return ThreadChooser(max_threads=2, clock=clock, **{"idle_cores": None, **options}), clock


def probes(used):
    """The steps at which a run of 2-thread steps starts while 1 thread is kept."""
    return [n for n in range(1, len(used)) if used[n] == 2 and used[n - 1] == 1]


def test_layer_norm_matches_nn_layer_norm():
    """Same forward and gradients as nn.LayerNorm up to float rounding, with weights that are not 1 and 0."""
    generator = torch.Generator().manual_seed(0)
    ours, theirs = LayerNorm(48), nn.LayerNorm(48)
    with torch.no_grad():
        for p, q in ((ours.weight, theirs.weight), (ours.bias, theirs.bias)):
            p.copy_(torch.randn(48, generator=generator))
            q.copy_(p)
    x = torch.randn(5, 7, 48, generator=generator) * 3 + 1
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    torch.testing.assert_close(ours(x1), theirs(x2))
    grad = torch.randn(5, 7, 48, generator=generator)
    ours(x1).backward(grad)
    theirs(x2).backward(grad)
    torch.testing.assert_close(x1.grad, x2.grad)
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad)
    torch.testing.assert_close(ours.bias.grad, theirs.bias.grad)
    assert [name for name, _ in ours.named_parameters()] == ["weight", "bias"]  # state dicts keep their keys


@pytest.mark.parametrize("sizes", [
    {"batch_size": 32, "context_length": 12, "embedding_dim": 64, "n_blocks": 2},
    {"batch_size": MAX_BATCH, "context_length": MAX_CONTEXT, "embedding_dim": MAX_EMBEDDING_DIM, "n_blocks": 1},
], ids=["defaults", "largest"])
def test_one_step_is_bitwise_the_same_at_1_and_2_threads(sizes):
    """Loss, gradients and their clipping norm bitwise equal: nn.LayerNorm's weight and bias gradients were not
    (its backward sums rows in per-thread chunks). The largest sizes the Train tab allows sum over 16,384 rows;
    one block (not MAX_BLOCKS) because more blocks repeat the same sums and take seconds each."""
    config = TrainConfig(stride=sizes["context_length"], **sizes)
    model = TinyLM(config.model_config(1024), seed=0)
    generator = torch.Generator().manual_seed(1)
    x, y = torch.randint(0, 1024, (2, config.batch_size, config.context_length), generator=generator)
    results = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        model.zero_grad()
        loss = F.cross_entropy(model(x).reshape(-1, 1024), y.reshape(-1))
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0, foreach=True)
        results.append((loss.item(), norm.item(), {name: p.grad.clone() for name, p in model.named_parameters()}))
    (loss1, norm1, grads1), (loss2, norm2, grads2) = results
    assert (loss1, norm1) == (loss2, norm2)
    assert [name for name in grads1 if not torch.equal(grads1[name], grads2[name])] == []


Fixed = HeldThreads  # a chooser that always picks `threads`


def test_runs_are_bitwise_the_same_whatever_the_thread_counts(ids):
    """A run switching threads every step gives the same events and weights as one at 1 thread and one at 2."""
    runs = {name: list(train(ids, 1024, TrainConfig(steps=24, **SMALL), chooser=chooser))
            for name, chooser in [("one", Fixed(1)), ("two", Fixed(2)), ("alternating", Alternating(1))]}
    assert losses(runs["one"]) == losses(runs["two"]) == losses(runs["alternating"])
    assert [e.threads for e in runs["two"]][1:] == [2] * (len(runs["two"]) - 1)
    weights = {name: run[-1].model.state_dict() for name, run in runs.items()}
    for name in ("two", "alternating"):
        assert all(torch.equal(weights["one"][key], weights[name][key]) for key in weights["one"]), name


def test_the_real_chooser_gives_the_same_run_as_one_thread(ids):
    """Whatever the machine's load makes it pick, `train`'s default chooser changes no loss."""
    config = TrainConfig(steps=30, **SMALL)
    assert losses(train(ids, 1024, config, chooser=ThreadChooser(window=2, gap=3))) == \
        losses(train(ids, 1024, config, chooser=Fixed(1)))


def test_picks_two_threads_on_a_quiet_machine():
    chooser, clock = chooser_and_clock()
    used = drive(chooser, clock, lambda n: QUIET, 60)
    assert used[:9] == [1] * 9  # a step skipped (start-up), 8 timed at 1 thread, then the probe
    assert used[9:] == [2] * 51 and chooser.best == 2


def test_keeps_one_thread_under_load_and_backs_off():
    """A probe at 2 threads loses at its first timed step; the gaps between probes double from 100 to 3200 steps."""
    chooser, clock = chooser_and_clock()
    used = drive(chooser, clock, lambda n: LOADED, 10_000)
    starts = probes(used)
    assert chooser.best == 1 and used.count(2) == 2 * len(starts)  # each probe: the skipped step and one more
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps == [g + 3 for g in (100, 200, 400, 800, 1600, 3200, 3200)]  # + the probe's 2 steps and the skipped one


def test_follows_load_as_it_comes_and_goes():
    """Load arrives at step 200: back to 1 thread within a window; it leaves at 400: 2 threads at the next probe."""
    chooser, clock = chooser_and_clock()
    used = drive(chooser, clock, lambda n: LOADED if 200 <= n < 400 else QUIET, 700)
    assert used[190:200] == [2] * 10
    assert 1 in used[200:209] and used[215:400].count(2) <= 2  # one probe, lost at its first timed step
    back = used.index(2, 400)  # the next probe, 200 steps after the one lost under load
    assert back < 400 + 200 and used[back:back + 100].count(1) <= 9  # at most one probe of 1 thread in 100 steps


def test_a_slower_probe_loses_and_a_single_slow_step_does_not_end_a_faster_one():
    chooser, clock = chooser_and_clock()
    spike = {1: 0.010, 2: 0.015}  # one step at 1.5x, below `hopeless`
    used = drive(chooser, clock, lambda n: spike if n == 12 else QUIET, 40)
    assert used[-1] == 2 and chooser.best == 2
    chooser, clock = chooser_and_clock()
    used = drive(chooser, clock, lambda n: {1: 0.010, 2: 0.011}, 40)  # 2 threads a little slower: loses after 8
    assert used[9:18] == [2] * 9 and used[18:] == [1] * 22 and chooser.best == 1


def test_one_usable_core_means_one_thread(monkeypatch):
    monkeypatch.setattr(threads_module.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert usable_threads() == 1
    clock = FakeClock()
    chooser = ThreadChooser(clock=clock, idle_cores=None)
    assert drive(chooser, clock, lambda n: QUIET, 300) == [1] * 300
    monkeypatch.setattr(threads_module.os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    assert usable_threads() == 2  # more threads would only spin


# A fresh process: MKL reads MKL_CBWR at its first product. The sum over 1,024 terms is the LM head's input gradient.
PRODUCTS = """
import os
{first}
import torch
import minilm
from minilm.lm.threads import ThreadChooser, threads_agree
g = torch.Generator().manual_seed(1)
a, b = torch.randn(384, 1024, generator=g), torch.randn(1024, 64, generator=g)
products = []
for n in (1, 2):
    torch.set_num_threads(n)
    products.append(a @ b)
print(os.environ.get("MKL_CBWR"), torch.equal(*products), threads_agree(), ThreadChooser(idle_cores=None).max_threads)
"""


def products(first=""):
    done = subprocess.run([sys.executable, "-c", PRODUCTS.format(first=first)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.skipif(usable_threads() < 2, reason="one core: nothing to compare")
def test_import_minilm_makes_products_the_same_at_1_and_2_threads():
    """MKL splits long sums between threads on some CPUs (an AVX-512 Xeon with AMX: every training step's
    gradients differed at 2 threads); `import minilm` asks MKL for its strict mode before torch's first product.
    A value the caller set is kept; with MKL's ordinary mode (on that Xeon: the products differ) the chooser keeps
    1 thread exactly when 2 would change the sums."""
    assert products() == ["AUTO,STRICT", "True", "True", "2"]
    assert products(first="os.environ['MKL_CBWR'] = 'AVX2,STRICT'") == ["AVX2,STRICT", "True", "True", "2"]
    ordinary = products(first="os.environ['MKL_CBWR'] = 'AUTO'")
    assert ordinary[0] == "AUTO" and ordinary[1] == ordinary[2]
    assert ordinary[3] == ("2" if ordinary[1] == "True" else "1")


def test_one_thread_where_two_threads_would_change_the_sums(monkeypatch):
    monkeypatch.setattr(threads_module, "usable_threads", lambda: 2)
    monkeypatch.setattr(threads_module, "threads_agree", lambda: False)
    clock = FakeClock()
    chooser = ThreadChooser(clock=clock, idle_cores=None)
    assert drive(chooser, clock, lambda n: QUIET, 300) == [1] * 300  # two threads never probed, though faster


def test_no_probe_of_two_threads_while_proc_stat_says_the_other_core_is_busy():
    """Busy (0.2 idle cores beside ours): every probe is skipped, gaps still double; once free it probes and wins."""
    idle = {"cores": 0.2}
    calls = []

    def idle_cores():
        calls.append(idle["cores"])
        return idle["cores"]

    chooser, clock = chooser_and_clock(idle_cores=idle_cores)
    used = drive(chooser, clock, lambda n: QUIET, 800)
    assert used == [1] * 800 and chooser.gap == 1600  # probes due after 8, 100, 200 and 400 steps: skipped
    idle["cores"] = 0.9
    used = drive(chooser, clock, lambda n: QUIET, 900)  # the next probe, 800 steps on
    assert chooser.best == 2 and used[-100:].count(2) >= 91  # at most a probe of 1 thread (9 steps)
    assert None not in calls


def test_idle_cores_from_proc_stat(tmp_path, monkeypatch):
    """Idle (+ iowait) jiffies over all jiffies, times the CPUs: 1.5 of 2 cores idle; None for other machines' counts."""
    stat = tmp_path / "stat"
    line = "cpu  {} 0 0 {} 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\nintr 1\n"
    monkeypatch.setattr(threads_module.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    stat.write_text(line.format(100, 100))
    idle = threads_module.IdleCores(str(stat))
    stat.write_text(line.format(125, 175))  # 25 busy and 75 idle jiffies since
    assert idle() == pytest.approx(1.5)
    monkeypatch.setattr(threads_module.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert idle() is None  # /proc/stat counts 2 CPUs, we may use 1
    assert threads_module.IdleCores(str(tmp_path / "missing"))() is None
    monkeypatch.setattr(threads_module.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    idle = threads_module.IdleCores(str(stat))
    stat.write_text(line.format(130, 179))  # 9 jiffies since
    assert idle() is None


class Raising(Fixed):
    def end_step(self):
        raise RuntimeError("boom")


@pytest.mark.parametrize("how", ["ends", "closed", "raises"])
def test_train_gives_the_callers_thread_count_back(ids, how):
    """Set to 2 for the steps; the caller's 1 whenever `train` yields, and after it ends, is closed or raises."""
    torch.set_num_threads(1)
    config = TrainConfig(steps=12, **SMALL)
    events = train(ids, 1024, config, chooser=Raising(2) if how == "raises" else Fixed(2))
    if how == "raises":
        with pytest.raises(RuntimeError, match="boom"):
            list(events)
    else:
        for event in events:
            assert torch.get_num_threads() == 1
            if how == "closed" and event.step == 6:
                assert event.threads == 2
                events.close()
                break
    assert torch.get_num_threads() == 1
