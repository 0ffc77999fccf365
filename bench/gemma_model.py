"""Gemma 3 270M ready for next-token probabilities: the cached checkpoint vs the seed's float32 GGUF route.

Target: our route (`minilm.lm.gemma.load_gemma_model(gemma)` with its cache warm, then the first
`gemma_next_tokens` answer) takes at most 3 s and the whole process peaks at most 1.2 GB RSS. The
reference is the seed's route, `Gemma3ForCausalLM.from_pretrained(folder, gguf_file=..., dtype=float32)`
then the same answer, measured in the same run. Each route runs in a fresh Python process with the
tokenizer loaded first ("warm process, tokenizer cached", as in the app, where Gemma's tokenizer is
ready before its model starts); time = from the tokenizer ready to the first answer, imports of
torch and transformers included. Peak RSS is the child's VmHWM (tokenizer included). Both routes
must give the same top 10 (same tokens, p within 0.01) on the prompts below; the forward time per
prompt is shown for each. `--conversion` also times the one-time conversion (into a scratch folder).

    python bench/gemma_model.py [--runs-ours 5] [--runs-ref 1] [--conversion]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _util import header, median, run_child, verdict  # noqa: E402  (bench/ is sys.path[0] when run as a script)

TARGET_S, TARGET_RSS_MB = 3.0, 1.2e9 / 2**20  # 1.2 GB = 1,144 MiB
PROMPTS = [
    "the capital of france is",
    "Türkiye'nin başkenti",
    "def fibonacci(n):\n    if n < 2:\n        return",
    "I love pizza 🍕 and",
    "1, 2, 3, 4, 5,",
    "The history of the Roman Empire spans more than a thousand years. " * 8 + "Its capital was",
]

COMMON = f"""
from minilm.tokens.gemma import load_bundled
gemma = load_bundled()
_bench_tok = _bench_time.perf_counter()
_bench_tok_rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
import torch
_bench_torch = _bench_time.perf_counter() - _bench_tok  # the app has imported torch by then (its warm-up)
torch.set_num_threads(1)  # as the app does, in both routes
from minilm.lm.gemma import gemma_next_tokens
{{load}}
top = gemma_next_tokens(model, gemma, {PROMPTS[0]!r})
ready = _bench_time.perf_counter() - _bench_tok
tops, forward_s = [], []
for prompt in {PROMPTS!r}:
    start = _bench_time.perf_counter()
    tops.append([(i, p) for _, i, p in gemma_next_tokens(model, gemma, prompt)])
    forward_s.append(_bench_time.perf_counter() - start)
hwm = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
_bench_report(ready_s=ready, tokenizer_s=_bench_tok - _bench_t0, process_ready_s=ready + _bench_tok - _bench_t0,
              hwm_mb=hwm, tokenizer_rss_mb=_bench_tok_rss, torch_import_s=_bench_torch, tops=tops, forward_s=forward_s,
              n_ids=[len(gemma.tokenizer.encode(p)) for p in {PROMPTS!r}])
"""

OURS = COMMON.replace("{load}", """from minilm.lm.gemma import load_gemma_model
model = load_gemma_model(gemma)
assert model.notes == (), model.notes  # a warm cache: nothing rebuilt""")

REFERENCE = COMMON.replace("{load}", """from transformers import Gemma3ForCausalLM
model = Gemma3ForCausalLM.from_pretrained(str(gemma.path.parent), gguf_file=gemma.path.name, dtype=torch.float32).eval()""")


def show(label: str, runs: list[dict]) -> tuple[float, float]:
    ready = median(r["ready_s"] for r in runs)
    hwm = max(r["hwm_mb"] for r in runs)
    each = ", ".join(f"{r['ready_s']:.2f}" for r in runs)
    forward = ", ".join(f"{n} ids {s * 1000:.0f} ms" for n, s in zip(runs[0]["n_ids"], runs[-1]["forward_s"]))
    without_torch = median(r["ready_s"] - r["torch_import_s"] for r in runs)
    print(f"{label}\n    ready {ready:7.3f} s (median of {len(runs)}: {each}; {without_torch:.2f} s of it after torch's "
          f"import); whole process to the answer "
          f"{median(r['process_ready_s'] for r in runs):.2f} s; CPU {median(r['cpu_s'] for r in runs):.1f} s; "
          f"peak RSS {hwm:5.0f} MB (VmHWM; {runs[0]['tokenizer_rss_mb']:.0f} MB with only the tokenizer)\n"
          f"    forward per prompt: {forward}")
    return ready, hwm


def compare(ours: dict, ref: dict) -> tuple[bool, float]:
    """Same top-10 tokens on every prompt, and the largest probability difference."""
    same, worst = True, 0.0
    for prompt, a, b in zip(PROMPTS, ours["tops"], ref["tops"]):
        a, b = dict(a), dict(b)
        if set(a) != set(b):
            same = False
            print(f"  top 10 differ on {prompt[:40]!r}: only ours {set(a) - set(b)}, only the reference {set(b) - set(a)}")
        worst = max([worst] + [abs(a[i] - b[i]) for i in set(a) & set(b)])
    return same, worst


def time_conversion() -> None:
    """The first run's one-time conversion (the child process), into a scratch folder beside nothing else."""
    from minilm.lm.gemma_cache import convert
    from minilm.tokens.gemma import bundled_source, load_bundled

    gguf = load_bundled().path
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        convert(gguf, Path(scratch) / "weights", gguf_sha256=bundled_source().sha256)
        size = (Path(scratch) / "weights" / "model.safetensors").stat().st_size
    print(f"first run: conversion {time.perf_counter() - start:.1f} s (child process), checkpoint {size / 2**20:.0f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-ours", type=int, default=5)
    parser.add_argument("--runs-ref", type=int, default=1)
    parser.add_argument("--conversion", action="store_true", help="also time the one-time conversion (~40 s)")
    args = parser.parse_args()
    header("Gemma 3 270M whole model, warm process (fresh process per run, tokenizer loaded first)")

    if args.conversion:
        time_conversion()
    run_child(OURS)  # converts once if the cache is cold, and warms the OS page cache
    ours = [run_child(OURS) for _ in range(args.runs_ours)]
    refs = [run_child(REFERENCE) for _ in range(args.runs_ref)]

    o_ready, o_rss = show("ours: load_gemma_model(gemma) (cached checkpoint) + first answer", ours)
    r_ready, r_rss = show("reference: Gemma3ForCausalLM.from_pretrained(gguf, float32) + first answer", refs)
    print(f"ratio reference/ours: {r_ready / o_ready:.1f}x faster to ready, {r_rss / o_rss:.1f}x less peak RSS")
    same, worst = compare(ours[0], refs[0])
    print(f"same top 10 on {len(PROMPTS)} prompts: {same}; largest probability difference {worst:.2e}")
    ok = o_ready <= TARGET_S and o_rss <= TARGET_RSS_MB and same and worst <= 0.01
    print(verdict(ok, f"ready in {o_ready:.2f} s (target <= {TARGET_S:.0f} s), peak RSS {o_rss:.0f} MB "
                      f"(target <= {TARGET_RSS_MB:.0f} MB = 1.2 GB), top 10 {'identical' if same else 'DIFFER'}"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
