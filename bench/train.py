"""The Train tab's default run, `minilm.lm.train.train`, against the plain eager loop at the same size.

Target: `train(ids, 1024, TrainConfig())` on `get_tokenizer("bpe").encode_long(corpus_text())`
finishes in under 60 s (wall, from the call to the last event, model construction included) and
ends with a validation loss well below ln(1024) = 6.93 (here: under 5.0). Reported: steps/s,
tokens/s (x tokens per second), final train loss (one batch) and validation loss.

Reference, same run: "the plain eager loop", the same model size and hyperparameters written the
plain way: the seed's `make_windows` + `TinyDataset` + `DataLoader(shuffle=True)`, attention by
hand (q @ k.T / sqrt(d), causal mask with masked_fill, softmax, @ v) instead of
`F.scaled_dot_product_attention`, torch's default intra-op thread count, and `loss.item()` every
step. Same split, initialisation, AdamW groups and betas, warmup + cosine schedule, clipping,
evaluation every 50 steps on the same held-out windows, and the same number of steps. Its steps/s
is compared with ours (issue 13's target: 1.5x). Every route runs in a fresh process; ours starts
with one torch thread, as the app sets it in `app._warm_up`, and `train()` then runs its steps at 1 or 2
threads as `minilm.lm.threads.ThreadChooser` measures (the losses are the same at either). Variants
(skip them with `--no-variants`): the plain loop with one torch thread, ours held at 1 thread (the
app before the chooser) and ours held at 2, which split the gap between the thread count and the rest.
`--load N` runs N busy loops (`python -c "while True: pass"`) beside every route, for the "under
load" row.

`--runs-default-malloc N` adds an A/B of `minilm.lm.memory`: N runs of ours with glibc's default malloc
thresholds, each beside a run of ours as it is.

    python bench/train.py [--runs-ours 3] [--runs-ref 3] [--steps 600] [--no-variants] [--load N] [--runs-default-malloc N]
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _util import header, median, run_child, verdict  # noqa: E402  (bench/ is sys.path[0] when run as a script)

TARGET_S = 60.0
TARGET_VAL = 5.0
TARGET_RATIO = 1.5  # issue 13, on a quiet machine
VOCAB = 1024

# As the app: one torch thread for the process (app._warm_up); train() picks its steps' threads.
OURS = """
import torch
torch.set_num_threads(1)
from minilm.assets import corpus_text
from minilm import get_tokenizer
from minilm.lm.settings import TrainConfig
from minilm.lm.threads import HeldThreads as Held  # a chooser that keeps one thread count (the variants)
from minilm.lm.train import train
{memory}
ids = get_tokenizer("bpe").encode_long(corpus_text())
config = TrainConfig(steps={steps})
compile_s = None
if {compiled}:  # as the app's startup: the default shape's step compiled before a visitor trains
    from minilm.lm.compiled import warm
    _c0 = _bench_time.perf_counter()
    assert warm(config.model_config({vocab})).result() is not None, "torch.compile failed"
    compile_s = _bench_time.perf_counter() - _c0
else:  # every step eager, as with MINILM_COMPILE=0
    import os
    os.environ["MINILM_COMPILE"] = "0"
t0, c0, f0 = _bench_time.perf_counter(), _bench_time.process_time(), _bench_resource.getrusage(_bench_resource.RUSAGE_SELF).ru_minflt
threads = []
for event in train(ids, {vocab}, config, chooser={chooser}):
    threads.append(event.threads)  # of the last step before each event (every 10 steps)
seconds, cpu = _bench_time.perf_counter() - t0, _bench_time.process_time() - c0
faults = _bench_resource.getrusage(_bench_resource.RUSAGE_SELF).ru_minflt - f0
from bench._proc import hwm_mb
_bench_report(hwm_mb=hwm_mb(), seconds=seconds, loop_cpu_s=cpu, faults=faults, steps=event.step, steps_per_s=event.steps_per_s,
              tokens_per_s=event.tokens_per_s, train_loss=event.train_loss, val_loss=event.val_loss,
              stopped=event.stopped, n_ids=len(ids), threads=threads[1:],
              n_parameters=event.model.n_parameters(), compile_s=compile_s)
"""

# The plain way. Hyperparameters are TrainConfig()'s defaults, written out.
REFERENCE = """
import math
import torch
from torch import nn
from torch.nn import functional as F
{threads}
from minilm.assets import corpus_text
from minilm import get_tokenizer

vocab_size, context_length, n_blocks, width, n_heads = {vocab}, 12, 2, 64, 4
stride, batch_size, steps, lr, warmup = 12, 32, {steps}, 3e-3, max(1, {steps} // 10)
weight_decay, clip, eval_every, seed = 0.1, 1.0, 50, 0

from bench.seed_route import TinyDataset, make_windows  # the seed's windows, verbatim

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))
        self.register_buffer("mask", torch.tril(torch.ones(context_length, context_length)))

    def forward(self, x):
        b, t, w = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(w, dim=2)
        q, k, v = (z.view(b, t, n_heads, w // n_heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(w // n_heads)
        att = att.masked_fill(self.mask[:t, :t] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        out = (att @ v).transpose(1, 2).reshape(b, t, w)
        x = x + self.proj(out)
        return x + self.mlp(self.norm2(x))

class PlainLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(vocab_size, width)
        self.positions = nn.Embedding(context_length, width)
        self.blocks = nn.ModuleList(Block() for _ in range(n_blocks))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab_size, bias=False)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, x):
        h = self.tokens(x) + self.positions(torch.arange(x.shape[1]))
        for block in self.blocks:
            h = block(h)
        return self.head(self.norm(h))

def lr_at(step):
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))

ids = get_tokenizer("bpe").encode_long(corpus_text())
windows = make_windows(ids, context_length, stride)  # the Windows tab's; the last tenth held out
n_val = max(1, int(len(windows) * 0.1))
gap = -(-(context_length + 1) // stride) - 1  # windows sharing tokens with the held-out ones
train_windows, val_windows = windows[: len(windows) - n_val - gap], windows[len(windows) - n_val :]

torch.manual_seed(seed)
model = PlainLM()
decay = [p for p in model.parameters() if p.ndim >= 2]
rest = [p for p in model.parameters() if p.ndim < 2]
optimizer = torch.optim.AdamW([{{"params": decay, "weight_decay": weight_decay}},
                               {{"params": rest, "weight_decay": 0.0}}], lr=lr, betas=(0.9, 0.95))

def evaluate():
    model.eval()
    losses = []
    with torch.no_grad():
        loader = torch.utils.data.DataLoader(TinyDataset(val_windows), batch_size=batch_size)
        for i, (x, y) in enumerate(loader):
            if i == 20:
                break
            losses.append(F.cross_entropy(model(x).reshape(-1, vocab_size), y.reshape(-1)).item())
    return sum(losses) / len(losses)

t0, c0, f0 = _bench_time.perf_counter(), _bench_time.process_time(), _bench_resource.getrusage(_bench_resource.RUSAGE_SELF).ru_minflt
train_loader = torch.utils.data.DataLoader(TinyDataset(train_windows), batch_size=batch_size, shuffle=True)
step, val_loss = 0, None
while step < steps:
    for x, y in train_loader:
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step)
        model.train()
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, vocab_size), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        train_loss = loss.item()
        step += 1
        if step % eval_every == 0 or step == steps:
            val_loss = evaluate()
        if step == steps:
            break
seconds, cpu = _bench_time.perf_counter() - t0, _bench_time.process_time() - c0
faults = _bench_resource.getrusage(_bench_resource.RUSAGE_SELF).ru_minflt - f0
from bench._proc import hwm_mb
_bench_report(hwm_mb=hwm_mb(), seconds=seconds, loop_cpu_s=cpu, faults=faults, steps=step, steps_per_s=step / seconds,
              tokens_per_s=step * batch_size * context_length / seconds, train_loss=train_loss, val_loss=val_loss,
              threads=torch.get_num_threads(), n_parameters=sum(p.numel() for p in model.parameters()))
"""


@contextmanager
def busy_loops(n: int):
    """`n` processes spinning on the CPU while the block runs: the "under load" row on demand."""
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-ours", type=int, default=3)
    parser.add_argument("--runs-ref", type=int, default=3)
    parser.add_argument("--steps", type=int, default=600, help="TrainConfig().steps is 600")
    parser.add_argument("--no-variants", dest="variants", action="store_false",
                        help="skip the plain loop at one torch thread and ours held at 1 and at 2 threads")
    parser.add_argument("--runs-default-malloc", type=int, default=0, metavar="N",
                        help="also run ours N times with glibc's default malloc thresholds (minilm.lm.memory off), "
                             "each beside one more run of ours")
    parser.add_argument("--load", type=int, default=0, metavar="N",
                        help="run N busy-loop processes beside every route (default 0: a quiet machine)")
    args = parser.parse_args()
    loaded = f", {args.load} busy loop(s) beside every route" if args.load else ""
    header(f"Train tab default run ({args.steps} steps) vs the plain eager loop, fresh process each{loaded}")

    ours_code = OURS.format(steps=args.steps, vocab=VOCAB, chooser="None", memory="", compiled=True)
    eager_code = OURS.format(steps=args.steps, vocab=VOCAB, chooser="None", memory="", compiled=False)
    held_code = {n: OURS.format(steps=args.steps, vocab=VOCAB, chooser=f"Held({n})", memory="", compiled=True) for n in (1, 2)}
    # glibc's default malloc thresholds: what minilm.lm.memory changes, measured beside it
    default_malloc_code = OURS.format(steps=args.steps, vocab=VOCAB, chooser="None", compiled=True,
                                      memory="import minilm.lm.train; minilm.lm.train.keep_freed_memory = lambda: False")
    ref_code = REFERENCE.format(steps=args.steps, vocab=VOCAB, threads="")
    one_code = REFERENCE.format(steps=args.steps, vocab=VOCAB, threads="torch.set_num_threads(1)")
    ours, eagers, refs, ones, held, default_malloc, beside = [], [], [], [], {1: [], 2: []}, [], []
    with busy_loops(args.load):
        for i in range(max(args.runs_ours, args.runs_ref)):  # interleaved, so load from other processes hits all alike
            if i < args.runs_ours:
                ours.append(run_child(ours_code))
                eagers.append(run_child(eager_code))
            if i < args.runs_ref:
                refs.append(run_child(ref_code))
        if args.variants:
            ones.append(run_child(one_code))
            for n in (1, 2):
                held[n].append(run_child(held_code[n]))
        for _ in range(args.runs_default_malloc):  # an A/B: each beside a run of ours of its own
            default_malloc.append(run_child(default_malloc_code))
            beside.append(run_child(ours_code))

    o0 = ours[0]
    print(f"corpus: assets/text.txt, {o0['n_ids']:,} local BPE ids; model {o0['n_parameters']:,} parameters "
          f"(ours) / {refs[0]['n_parameters']:,} (plain); batch 32 x context 12, stride 12 (the Windows tab's defaults)")

    def threads(run):
        """Ours: the thread count of the step before each event, counted; the plain loop: its one count."""
        counts = run["threads"]
        if isinstance(counts, int):  # the plain loop: one count for the run
            return f"{counts} thread(s)"
        return ", ".join(f"{n} thread(s) at {k} of {len(counts)} events" for n, k in sorted(Counter(counts).items()))

    def show(label, runs):
        mid = sorted(runs, key=lambda r: r["steps_per_s"])[len(runs) // 2]
        sps = median(r["steps_per_s"] for r in runs)
        each = ", ".join(f"{r['steps_per_s']:.1f}" for r in runs)
        print(f"{label:<44} {sps:6.1f} steps/s (median of {len(runs)}: {each}), "
              f"{median(r['tokens_per_s'] for r in runs):8,.0f} tokens/s, "
              f"{median(r['seconds'] for r in runs):6.1f} s for {mid['steps']} steps, loop CPU "
              f"{median(r['loop_cpu_s'] for r in runs):6.1f} s, {median(r['faults'] for r in runs) / mid['steps']:5.0f} page faults "
              f"a step, {threads(mid)}; final train loss "
              f"{mid['train_loss']:.3f}, val loss {mid['val_loss']:.3f}; peak RSS {max(r['hwm_mb'] for r in runs):.0f} MB")
        return sps, mid

    o_sps, o_mid = show("ours: minilm.lm.train.train (threads chosen)", ours)
    compile_times = ", ".join(f"{r['compile_s']:.1f}" for r in ours)
    print(f"  compiling the default shape's step first (minilm.lm.compiled.warm, as the app's startup): "
          f"{compile_times} s; not in the run's time")
    e_sps, _ = show("variant: ours, steps not compiled", eagers)
    r_sps, _ = show("reference: plain eager loop, default threads", refs)
    print(f"ratio ours/ours not compiled: {o_sps / e_sps:.2f}x the steps/s")
    if ones:
        show("variant: plain eager loop, 1 thread", ones)
        for n in (1, 2):
            h_sps, _ = show(f"variant: ours held at {n} thread(s)", held[n])
            print(f"ratio ours held at {n} thread(s)/reference: {h_sps / r_sps:.2f}x the steps/s")
    if default_malloc:
        d_sps, _ = show("A/B: ours with glibc's default malloc", default_malloc)
        b_sps, _ = show("A/B: ours, the runs beside those", beside)
        print(f"ratio ours/ours with glibc's default malloc: {b_sps / d_sps:.2f}x the steps/s "
              f"({median(r['loop_cpu_s'] for r in default_malloc) / median(r['loop_cpu_s'] for r in beside):.2f}x less loop CPU)")
    print(f"ratio ours/reference: {o_sps / r_sps:.2f}x the steps/s "
          f"({median(r['loop_cpu_s'] for r in refs) / median(r['loop_cpu_s'] for r in ours):.2f}x less loop CPU)")
    seconds = median(r["seconds"] for r in ours)
    val = median(r["val_loss"] for r in ours)
    finished = all(not r["stopped"] and r["steps"] == args.steps for r in ours)
    print(f"ours: {seconds:.1f} s (median) from train() to its last event; validation loss {val:.3f} against "
          f"ln({VOCAB}) = {math.log(VOCAB):.2f} for a uniform guess")
    ok = seconds < TARGET_S and val < TARGET_VAL and finished
    print(verdict(ok, f"default run {seconds:.1f} s (target < {TARGET_S:.0f} s), validation loss {val:.3f} "
                      f"(target < {TARGET_VAL:.1f}, ln(1024) = 6.93), {o_sps:.1f} steps/s = {o_sps / r_sps:.2f}x the "
                      "plain eager loop"))
    ref_val = median(r["val_loss"] for r in refs)
    fast = o_sps / r_sps >= TARGET_RATIO and abs(val - ref_val) <= 0.05
    print(verdict(fast, f"issue 13: {o_sps / r_sps:.2f}x the plain eager loop's steps/s at its default threads (target "
                        f">= {TARGET_RATIO}x on a quiet machine{f'; measured with {args.load} busy loop(s)' if args.load else ''}), "
                        f"validation loss {val:.3f} against its {ref_val:.3f} (target within 0.05)"))
    return 0 if ok and fast else 1


if __name__ == "__main__":
    sys.exit(main())
