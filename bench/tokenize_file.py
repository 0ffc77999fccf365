"""Tokenizing a ~20 MB text file into token_ids.txt, against raw `tokenizers` `encode_batch`.

Target: `minilm.tokens.files.tokenize_file(path, tokenizer, out)` (read + `encode_long` + write)
reaches at least 75% of the throughput of `backend.encode_batch(text.splitlines(keepends=True))`
on the same text with the same tokenizer, for the local BPE and for Gemma. Throughput is the
file's size in MB (10^6 bytes) over the median time. Correctness: `encode_long(text) ==
encode(text)` on the whole text, and token_ids.txt reads back to the same ids.

    python bench/tokenize_file.py [--runs 5] [--only bpe|gemma] [--sweep]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _util import ROOT, RssSampler, header, median, peak_rss_mb, verdict  # noqa: E402  (bench/ is sys.path[0] when run as a script)

TARGET_RATIO = 0.75


def build_file(folder: Path) -> Path:
    """assets/text.txt repeated to just under the 20 MiB that `read_text_file` accepts."""
    from minilm.text import MAX_FILE_BYTES

    data = (ROOT / "assets" / "text.txt").read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    path = folder / "big.txt"
    path.write_bytes(data * (MAX_FILE_BYTES // len(data)))
    return path


def clock(fn, cpu: list | None = None):
    """Wall seconds of `fn()` and its result; appends the process CPU seconds (all threads) to `cpu`."""
    gc.collect()
    start, start_cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall = time.perf_counter() - start
    if cpu is not None:
        cpu.append(time.process_time() - start_cpu)
    return wall, result


def chunk_sweep(tok, text: str, size_mb: float) -> None:
    """Diagnostic: encode_long's cost per chunk size (`chunk_chars`, when the core accepts it)."""
    import inspect

    if "chunk_chars" not in inspect.signature(tok.encode_long).parameters:
        print("sweep: encode_long takes no chunk_chars here; skipped")
        return
    ref_cpu = []
    clock(lambda: tok.backend.encode_batch(text.splitlines(keepends=True)), ref_cpu)
    print(f"sweep (CPU seconds, lower is less work): encode_batch(lines) {ref_cpu[0]:.2f}", end="")
    for size in (1 << 12, 1 << 14, 1 << 16, 1 << 18):
        cpu = []
        wall, _ = clock(lambda: tok.encode_long(text, chunk_chars=size), cpu)
        print(f" | chunk_chars={size:,}: {cpu[0]:.2f} ({size_mb / wall:.1f} MB/s)", end="")
    print()


def bench_one(label: str, tok, path: Path, text: str, runs: int, folder: Path, sweep: bool) -> bool:
    from minilm.text import read_text_file
    from minilm.tokens.files import read_token_ids, tokenize_file, write_token_ids

    size_mb = path.stat().st_size / 1e6
    out = folder / f"token_ids_{label}.txt"
    print(f"\n-- {tok.name} ({len(tok):,} tokens; can_cut_after_newline={tok.can_cut_after_newline}) --")

    lines = text.splitlines(keepends=True)
    backend = tok.backend
    first_ours, _ = clock(lambda: tokenize_file(path, tok, out))  # pays the cached vocabulary check once
    ours, refs, ours_cpu, refs_cpu = [], [], [], []
    ours_rss = RssSampler(interval=0.05)
    ref_rss = RssSampler(interval=0.05)
    for _ in range(runs):  # interleaved, so load from other processes hits both alike
        with ours_rss:
            t, ids = clock(lambda: tokenize_file(path, tok, out), ours_cpu)
        ours.append(t)
        del ids
        with ref_rss:
            t, encs = clock(lambda: backend.encode_batch(text.splitlines(keepends=True)), refs_cpu)
        refs.append(t)
        del encs

    o, r = median(ours), median(refs)
    print(f"ours: tokenize_file (read+encode_long+write)   {size_mb / o:6.2f} MB/s  median {o:6.3f} s "
          f"({', '.join(f'{t:.2f}' for t in ours)}; first call {first_ours:.2f} s)  "
          f"CPU {median(ours_cpu):.2f} s  RSS +{ours_rss.growth_mb:.0f} MB")
    print(f"reference: encode_batch(splitlines)          {size_mb / r:6.2f} MB/s  median {r:6.3f} s "
          f"({', '.join(f'{t:.2f}' for t in refs)}; {len(lines):,} lines)  "
          f"CPU {median(refs_cpu):.2f} s  RSS +{ref_rss.growth_mb:.0f} MB")
    ratio = r / o
    print(f"ratio ours/reference throughput: {ratio:.2f} on medians "
          f"({min(refs) / min(ours):.2f} on best runs, {median(refs_cpu) / median(ours_cpu):.2f} on CPU seconds)")

    # Where tokenize_file's time goes, one pass each (wall / CPU seconds).
    cpu = []
    t_read, read = clock(lambda: read_text_file(path), cpu)
    t_enc, ids = clock(lambda: tok.encode_long(read), cpu)
    t_write, _ = clock(lambda: write_token_ids(ids, out), cpu)
    print(f"breakdown: read_text_file {t_read:.2f}/{cpu[0]:.2f} s, encode_long {t_enc:.2f}/{cpu[1]:.2f} s "
          f"({size_mb / t_enc:.2f} MB/s), write_token_ids {t_write:.2f}/{cpu[2]:.2f} s "
          f"({len(ids):,} ids, {out.stat().st_size / 1e6:.1f} MB written)")
    if sweep:
        chunk_sweep(tok, text, size_mb)

    # Correctness on the whole 20 MB text.
    t_single, whole = clock(lambda: tok.encode(text))
    same = ids == whole
    back = read_token_ids(out) == ids
    print(f"encode_long(text) == encode(text): {same} ({len(ids):,} vs {len(whole):,} ids; "
          f"single-threaded encode took {t_single:.2f} s = {size_mb / t_single:.2f} MB/s)")
    print(f"token_ids.txt reads back to the same ids: {back}")
    del whole, ids, read

    ok = ratio >= TARGET_RATIO and same and back
    print(verdict(ok, f"{label}: {ratio:.0%} of encode_batch throughput (target >= {TARGET_RATIO:.0%}), "
                      f"encode_long {'==' if same else '!='} encode"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sweep", action="store_true", help="also time encode_long at several chunk sizes")
    parser.add_argument("--only", choices=("bpe", "gemma"))
    args = parser.parse_args()
    header("Tokenize a ~20 MB file into token_ids.txt")

    from minilm import get_tokenizer
    from minilm.tokens.gemma import load_bundled

    tokenizers = {}
    if args.only in (None, "bpe"):
        tokenizers["bpe"] = get_tokenizer("bpe")
    if args.only in (None, "gemma"):
        tokenizers["gemma"] = load_bundled().tokenizer

    results = {}
    with tempfile.TemporaryDirectory(prefix="minilm-bench-") as tmp:
        folder = Path(tmp)
        path = build_file(folder)
        text = path.read_text(encoding="utf-8")
        print(f"file: assets/text.txt x{path.stat().st_size // (ROOT / 'assets' / 'text.txt').stat().st_size} "
              f"= {path.stat().st_size / 1e6:.2f} MB ({len(text):,} characters)")
        for label, tok in tokenizers.items():
            results[label] = bench_one(label, tok, path, text, args.runs, folder, args.sweep)

    print(f"\npeak RSS of this process: {peak_rss_mb():.0f} MB")
    ok = all(results.values())
    print(verdict(ok, ", ".join(f"{k} {'ok' if v else 'missed'}" for k, v in results.items())))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
