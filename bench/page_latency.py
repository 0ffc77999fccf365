"""From an input changed on the page to the view redrawn, per tab, measured in Chromium.

Target (issue 13): median <= 300 ms on every tab on a quiet machine. The app runs in its own process
(`bench/load.py`'s child: the real queue settings, Gemma and the neighbour index ready); Debian's
Chromium, under Playwright, changes one input the way a person does (`fill`, or a slider's number box
and Enter) and the page itself times it: from the `input` event (a capturing listener) to the first
animation frame after every watched output has changed (a MutationObserver; for a plot, its Plotly
data). Each change alternates between two values, so every round really redraws.

    python bench/page_latency.py [--rounds 15] [--only tokens windows ...]

Where the time goes, same run: the handler alone (called in this process on the same values, median of the same
rounds) and the size of what the server sends back (the handler's outputs as gradio serialises them);
"rest" is the event's round trip (websocket/SSE, queue, JSON) plus the browser's redraw.
Reference: none in the issue, so the line also prints the handler time (the part the server cannot skip).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _util import ROOT, header, verdict  # noqa: E402  (bench/ is sys.path[0] when run as a script)
from load import start_app  # noqa: E402

TARGET_MS = 300.0

# Armed before each change: records the time of the next `input` event, then waits until every watched
# output differs from its snapshot, then two animation frames (the frame that shows it has been painted).
ARM = """([watch]) => {
  const sig = (sel) => { const el = document.querySelector(sel); if (!el) return '';
    const plot = el.matches('.js-plotly-plot') ? el : el.querySelector('.js-plotly-plot');
    if (plot && plot.data) return JSON.stringify(plot.data.map(d => [d.name, d.x && d.x.length, d.x && Array.from(d.x).slice(0, 4),
                                                                    d.z && d.z.length, d.text && Array.from(d.text).slice(0, 8)]));
    const copy = el.cloneNode(true);  // without gradio's status tracker, whose timer text changes at once
    copy.querySelectorAll('[data-testid=status-tracker]').forEach(n => n.remove());
    return copy.textContent; };
  const before = watch.map(sig);
  window.__lat = null;
  const start = (e) => {
    document.removeEventListener('input', start, true);
    const t0 = performance.now();
    window.__each = {};
    const poll = () => {
      watch.forEach((sel, i) => { if (!(sel in window.__each) && sig(sel) !== before[i] && sig(sel) !== '')
                                    window.__each[sel] = performance.now() - t0; });
      if (Object.keys(window.__each).length === watch.length) {
        requestAnimationFrame(() => requestAnimationFrame(() => { window.__lat = performance.now() - t0; }));
      } else { setTimeout(poll, 2); }
    };
    poll();
  };
  document.addEventListener('input', start, true);
}"""


@dataclass(frozen=True)
class Case:
    tab: str  # the tab's English title
    ready: str  # a selector that exists once the tab has drawn
    box: str  # the input changed: a textarea/input selector
    values: tuple[str, str]  # alternated
    enter: bool  # a slider's number box: press Enter, as a person does
    watch: tuple[str, ...]  # outputs that must all redraw
    what: str


CASES = {
    "tokens": Case("Tokens", "#tokens-gemma .mlm-chip", "#tokens-text textarea",
                   ("the capital of france is paris", "the capital of germany is berlin"), False,
                   ("#tokens-local", "#tokens-gemma"), "type a sentence: both tokenizers' chips"),
    "windows": Case("Windows", "#windows-summary", "#windows-context input[type=number]", ("8", "12"), True,
                    ("#windows-summary", "#windows-pairs", "#windows-stream", "#windows-strides"),
                    "context_length 8 <-> 12: summary, pairs and the two plots"),
    "embeddings": Case("Embeddings", "#emb-scatter .js-plotly-plot", "#emb-a textarea",
                       ("the capital of united states and the capital of france",
                        "the capital of united states and the capital of germany"), False,
                       ("#emb-scatter", "#emb-heatmap"), "edit sentence A: the 3D scatter and the heatmap"),
    "train": Case("Train", "#train-windows", "#train-context input[type=number]", ("8", "12"), True,
                  ("#train-windows",), "context_length 8 <-> 12: the windows the run will use"),
}


def measure_tab(page, case: Case, rounds: int) -> list[float]:
    page.get_by_role("tab", name=case.tab, exact=True).click()
    page.wait_for_selector(case.ready, timeout=60_000)
    page.wait_for_timeout(1000)  # the tab's first draw and any follow-up event settle
    times, each = [], []
    box = page.locator(case.box)
    first = 1 if box.input_value() == case.values[0] else 0  # an unchanged value fires no event
    for i in range(rounds + 1):  # the first round warms the path up and is dropped
        value = case.values[(first + i) % 2]
        page.evaluate(ARM, [list(case.watch)])
        box.fill(value)
        if case.enter:
            box.press("Enter")
        page.wait_for_function("() => window.__lat !== null", timeout=60_000)
        if i:
            times.append(page.evaluate("() => window.__lat"))
            each.append(page.evaluate("() => window.__each"))
        page.wait_for_timeout(300)  # the next change starts from a quiet page, as a person's next move does
    return times, {sel: statistics.median(e[sel] for e in each) for sel in case.watch}


def handler_ms(tab: str, values, rounds: int) -> tuple[float, int]:
    """The tab's handler alone, in this process, on the same values: median ms and the JSON bytes it returns."""
    import plotly.io

    from minilm.ui import embeddings, tokens, train, windows

    calls = {  # as the page calls them, the other settings at their defaults
        "tokens": lambda v: tokens.tokenize_view({}, text=v, tokenizer="bpe", add_special_tokens=True, split_special=False),
        "windows": lambda v: windows.windows_view(context_length=float(v)),
        "embeddings": lambda v: embeddings.embeddings_view(text=v),
        "train": lambda v: train.windows_note(source="corpus", tokenizer="bpe", context_length=float(v)),
    }
    call = calls[tab]
    call(values[0])
    spent, size = [], 0
    for i in range(rounds):
        t0 = time.perf_counter()
        out = call(values[i % 2])
        spent.append((time.perf_counter() - t0) * 1000)
        size = len(json.dumps(out, default=lambda o: json.loads(plotly.io.to_json(o)) if hasattr(o, "to_plotly_json")
                              else str(o)))
    return statistics.median(spent), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), default=sorted(CASES, key=list(CASES).index))
    args = parser.parse_args()
    header(f"Page latency: input changed -> view redrawn, Chromium, {args.rounds} rounds per tab")

    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM, CHROMIUM_ARGS, block_off_host

    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as log:
        child, url, ready_s = start_app(log)
    print(f"app ready in {ready_s:.1f} s at {url} (log: {log.name})")
    results, firsts = {}, {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
            block_off_host(context, url)
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("#tokens-gemma .mlm-chip", timeout=120_000)
            for tab in args.only:
                case = CASES[tab]
                results[tab], firsts[tab] = measure_tab(page, case, args.rounds)
            browser.close()
    finally:
        child.kill()
    ok = True
    for tab in args.only:
        times = sorted(results[tab])
        mid = statistics.median(times)
        spent, size = handler_ms(tab, CASES[tab].values, args.rounds)
        ok &= mid <= TARGET_MS
        print(f"{tab:<11} {CASES[tab].what}\n            median {mid:6.0f} ms (min {times[0]:.0f}, p90 "
              f"{times[int(0.9 * (len(times) - 1))]:.0f}, max {times[-1]:.0f}); handler alone {spent:6.1f} ms, "
              f"{size / 1024:,.0f} KiB of output; rest (round trip + redraw) ~{mid - spent:.0f} ms\n            "
              "each output changed after (median): " + ", ".join(f"{sel} {ms:.0f} ms" for sel, ms in firsts[tab].items()))
    print(verdict(ok, "median per tab " + ", ".join(f"{t} {statistics.median(results[t]):.0f} ms" for t in args.only)
                  + f" (target <= {TARGET_MS:.0f} ms each)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
