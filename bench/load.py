"""Many API clients at once against the app, launched in its own process: latency, errors, memory.

Each of `--clients` gradio_client clients (one thread each; 50 by default, a class opening the
Space together) makes `--calls` calls per round, `--rounds` times, all starting together. The calls
mix /tokenize and /windows on 2,000 characters of assets/text.txt and /embed on 300 characters with
the seeded 4-d table; one call in 12 embeds 120 characters with Gemma's table (640-d vectors).
The app is `app.launch(app.build_demo())` in a child process, with the real queue settings
(`default_concurrency_limit=4, max_size=64`), Gemma and its neighbour index loaded before the first call.

Targets:
1. No error other than gradio's documented "Queue is full" (with fewer callers than the queue
   holds, none is expected).
2. Memory is flat: the app process's RSS after the last round minus after round 1 < 150 MB.
Printed, not targeted: p50 / p95 / max per endpoint, RSS after each round, peak RSS (sampled every
50 ms with psutil on the child's pid), and the CPU seconds of the app and of the clients per round.

Read latencies with the clients' CPU next to them: gradio_client costs ~0.1 s of CPU per call here,
its 50 threads share one GIL, and on 2 CPUs they take more than a core from the app. One call
alone, unloaded, takes ~80 ms on every endpoint. tests/test_load.py is the
short form (app and clients in the test process).

    python bench/load.py [--clients 50] [--rounds 3] [--calls 3] [--budget 600]
"""

from __future__ import annotations

import argparse
import os
import queue
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _util import ROOT, header, verdict  # noqa: E402  (bench/ is sys.path[0] when run as a script)

MAX_RSS_GROWTH_MB = 150.0
MIX = ["tokenize", "windows", "embed_random"] * 3 + ["tokenize", "windows", "embed_gemma"]

CHILD = f"""
import socket, sys
sys.path.insert(0, {str(ROOT)!r})
import app
from minilm.ui.loaders import GEMMA, NEIGHBOURS, TRAINING_STEP

demo = app.build_demo()
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
app.launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
GEMMA.wait(timeout=600)
NEIGHBOURS.wait(timeout=600)  # built in the background after Gemma (~320 MB): not part of round 1
TRAINING_STEP.wait(timeout=600)  # compiled after the index (~9 s of both cores): not part of round 1 either
print("READY " + demo.local_url, flush=True)
demo.block_thread()
"""


def start_app(log) -> tuple[subprocess.Popen, str, float]:
    """The app in a child process; returns it, its URL and the seconds until it was ready."""
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stdout], daemon=True).start()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if child.poll() is not None:
                break
            continue
        if line.startswith("READY "):
            return child, line.split()[1], time.perf_counter() - started
    child.kill()
    raise RuntimeError(f"the app did not start; its log is in {log.name}")


class ChildRss:
    """RSS of another process, sampled every `interval` s: the peak since `reset()` and overall."""

    def __init__(self, pid: int, interval: float = 0.05):
        import psutil

        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_mb = self.round_peak_mb = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now(self) -> float:
        return self.proc.memory_info().rss / 2**20

    def cpu_s(self) -> float:
        times = self.proc.cpu_times()
        return times.user + times.system

    def reset(self):
        self.round_peak_mb = self.now()

    def _run(self):
        while not self._stop.wait(self.interval):
            try:
                rss = self.now()
            except Exception:  # noqa: BLE001  (the child has exited)
                return
            self.peak_mb = max(self.peak_mb, rss)
            self.round_peak_mb = max(self.round_peak_mb, rss)

    def stop(self):
        self._stop.set()
        self._thread.join()


def call(client, kind: str, n: int, corpus: str) -> None:
    """One API call of `kind`, on a slice of the corpus chosen by `n`; checks the answer's shape."""
    start = (n * 997) % (len(corpus) - 2_000)
    text = corpus[start:start + 2_000]
    if kind == "tokenize":
        result = client.predict(text, "bpe", True, api_name="/tokenize")
        assert result["local"]["ids"] and result["gemma"] is not None
    elif kind == "windows":
        result = client.predict(text, "bpe", 12, 4, 8, False, api_name="/windows")
        assert result["n_windows"] > 0
    elif kind == "embed_random":
        result = client.predict(text[:300], "random", "0, 1, 2", api_name="/embed")
        assert len(result["vectors"][0]) == 4
    else:
        result = client.predict(text[:120], "gemma", "20, 21, 22", api_name="/embed")
        assert len(result["vectors"][0]) == 640


def run_round(clients, round_no: int, calls: int, corpus: str, deadline: float) -> list[tuple[str, float, str | None]]:
    from gradio_client.utils import QueueError

    gate = threading.Barrier(len(clients))
    records, lock = [], threading.Lock()

    def worker(k):
        gate.wait(timeout=120)
        for j in range(calls):
            if time.monotonic() > deadline:
                with lock:
                    records.append(("-", 0.0, "not run: time budget spent"))
                continue
            n = (round_no * len(clients) + k) * calls + j
            kind = MIX[n % len(MIX)]
            started = time.perf_counter()
            try:
                call(clients[k], kind, n, corpus)
                error = None
            except QueueError:
                error = "queue full"
            except Exception as err:  # noqa: BLE001  (reported by kind)
                error = f"{type(err).__name__}: {str(err)[:100]}"
            with lock:
                records.append((kind, time.perf_counter() - started, error))

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(worker, range(len(clients))))
    return records


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pct(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=3, help="calls per client per round")
    parser.add_argument("--budget", type=float, default=600, help="seconds for all rounds; calls after it are not made")
    args = parser.parse_args()
    if args.clients < 1 or args.rounds < 1 or args.calls < 1:
        parser.error("--clients, --rounds and --calls must be at least 1")
    header(f"Load: {args.clients} gradio_client clients x {args.calls} calls x {args.rounds} rounds, app in a child process")

    from gradio_client import Client

    corpus = (ROOT / "assets" / "text.txt").read_text(encoding="utf-8")
    log = tempfile.NamedTemporaryFile("w", prefix="minilm-load-app-", suffix=".log", delete=False)
    child, url, ready_s = start_app(log)
    rss = ChildRss(child.pid)
    print(f"app ready at {url} in {ready_s:.1f} s (Gemma and the neighbour index loaded), RSS {rss.now():.0f} MB; "
          f"app log: {log.name}")
    all_records, after = [], []
    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            clients = list(pool.map(lambda _: Client(url, verbose=False), range(args.clients)))
        rss_before = rss.now()
        print(f"{args.clients} clients connected; app RSS {rss_before:.0f} MB")
        deadline = time.monotonic() + args.budget
        print(f"{'round':>5} {'calls':>6} {'wall s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} "
              f"{'app CPU s':>9} {'client CPU s':>12} {'RSS after MB':>12} {'round peak MB':>13}")
        for r in range(args.rounds):
            rss.reset()
            cpu0, mine0, t0 = rss.cpu_s(), own_cpu_s(), time.perf_counter()
            records = run_round(clients, r, args.calls, corpus, deadline)
            wall, cpu, mine = time.perf_counter() - t0, rss.cpu_s() - cpu0, own_cpu_s() - mine0
            time.sleep(0.5)
            after.append(rss.now())
            ok = [s for _, s, e in records if e is None]
            print(f"{r + 1:>5} {len(records):>6} {wall:>7.1f} {pct(ok, 0.5) * 1000:>7.0f} {pct(ok, 0.95) * 1000:>7.0f} "
                  f"{sum(1 for *_, e in records if e):>6} {cpu:>9.1f} {mine:>12.1f} {after[-1]:>12.0f} {rss.round_peak_mb:>13.0f}")
            all_records += records
        for c in clients:
            c.close()
    finally:
        rss.stop()
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
        log.close()

    by_kind = defaultdict(list)
    for kind, seconds, error in all_records:
        if error is None:
            by_kind[kind].append(seconds)
    print("latency per endpoint (all rounds, answered calls):")
    for kind, values in sorted(by_kind.items()):
        print(f"  {kind:<13} n={len(values):<5} p50 {pct(values, 0.5) * 1000:7.0f} ms  p95 {pct(values, 0.95) * 1000:7.0f} ms"
              f"  max {max(values) * 1000:7.0f} ms")
    ok = [s for _, s, e in all_records if e is None]
    print(f"  {'all':<13} n={len(ok):<5} p50 {pct(ok, 0.5) * 1000:7.0f} ms  p95 {pct(ok, 0.95) * 1000:7.0f} ms")
    errors = Counter(e for *_, e in all_records if e)
    print(f"errors by kind: {dict(errors) if errors else 'none'}")
    growth = after[-1] - after[0]
    print(f"app RSS: {rss_before:.0f} MB before round 1; after each round {', '.join(f'{a:.0f}' for a in after)} MB; "
          f"peak {rss.peak_mb:.0f} MB; last round - round 1: {growth:+.0f} MB")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end: {load}")

    other = {e: n for e, n in errors.items() if e != "queue full"}
    checks = [
        (not other, f"errors other than a full queue: {sum(other.values())} ({dict(other) if other else 'none'})"),
        (growth < MAX_RSS_GROWTH_MB, f"app RSS growth from round 1 to round {args.rounds}: {growth:+.0f} MB "
                                     f"(target < {MAX_RSS_GROWTH_MB:.0f} MB)"),
    ]
    for ok_check, message in checks:
        print(verdict(ok_check, message))
    return 0 if all(ok_check for ok_check, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
