"""The Tokens tab handler on a 2,000-character text with both tokenizers, against raw `tokenizers` encodes.

Target: `minilm.ui.tokens.tokenize_view({}, text=text, tokenizer="bpe", add_special_tokens=True, split_special=False)` median under 30 ms (50 runs),
with Gemma loaded so both columns, the boundary comparison and the code are all built.
Reference: `Tokenizer.encode` of the same text by both raw `tokenizers` backends, same run.

    python bench/tokens_handler.py [--runs 50] [--chars 2000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _util import ROOT, describe_ms, header, median, peak_rss_mb, timed_ms, verdict  # noqa: E402  (bench/ is sys.path[0] when run as a script)

TARGET_MS = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--chars", type=int, default=2000)
    args = parser.parse_args()
    header(f"Tokens tab handler, {args.chars:,} characters, both tokenizers")

    from minilm import get_tokenizer
    from minilm.tokens import figures
    from minilm.tokens.compare import compare_boundaries
    from minilm.tokens.snippets import tokens_code
    from minilm.text import clean_text
    from minilm.ui.loaders import GEMMA
    from minilm.ui.tokens import tokenize_view

    gemma = GEMMA.start().wait()
    local = get_tokenizer("bpe")
    text = (ROOT / "assets" / "text.txt").read_text(encoding="utf-8")[: args.chars]
    print(f"text: assets/text.txt[:{args.chars}] ({len(text.encode('utf-8')):,} bytes), "
          f"{len(local.encode(text)):,} local BPE ids, {len(gemma.tokenizer.encode(text)):,} Gemma ids")

    out = tokenize_view({}, text=text, tokenizer="bpe", add_special_tokens=True, split_special=False)
    assert "loading" not in out[1].lower() and out[2], "Gemma's column or the boundaries are missing"
    assert not out[4], f"unexpected status: {out[4]!r}"

    ours = timed_ms(lambda: tokenize_view({}, text=text, tokenizer="bpe", add_special_tokens=True, split_special=False), args.runs)
    raw_local = timed_ms(lambda: local.backend.encode(text), args.runs)
    raw_gemma = timed_ms(lambda: gemma.tokenizer.backend.encode(text), args.runs)
    raw_both = timed_ms(lambda: (local.backend.encode(text), gemma.tokenizer.backend.encode(text)), args.runs)

    print(f"ours: tokenize_view({{}}, text=text, tokenizer='bpe', ...)   {describe_ms(ours)}")
    print(f"reference: raw encode, local BPE backend          {describe_ms(raw_local)}")
    print(f"reference: raw encode, Gemma backend              {describe_ms(raw_gemma)}")
    print(f"reference: raw encode, both backends              {describe_ms(raw_both)}")
    ratio = median(ours) / median(raw_both)
    print(f"ratio handler/raw (both): {ratio:.1f}x  (handler adds {median(ours) - median(raw_both):.2f} ms)")

    # Where the handler's time goes (each step alone, same inputs), to point at a bottleneck.
    lt = local.analyze(text)
    gt = gemma.tokenizer.analyze(text)
    steps = {
        "clean_text": lambda: clean_text(text),
        "local analyze": lambda: local.analyze(text),
        "Gemma analyze": lambda: gemma.tokenizer.analyze(text),
        "figures.tokenization_html x2": lambda: (figures.tokenization_html(lt, title="a"),
                                                figures.tokenization_html(gt, title="b")),
        "compare_boundaries + html": lambda: figures.boundaries_html(compare_boundaries(lt, gt), a_name="local", b_name="Gemma"),
        "tokens_code": lambda: tokens_code(text, local='Tokenizer("assets/tokenizer.json")',
                                           add_special_tokens=True, split_special=False),
    }
    print("breakdown (medians of each step alone):")
    for name, fn in steps.items():
        print(f"  {name:<30} {median(timed_ms(fn, max(10, args.runs // 2), warmup=2)):7.3f} ms")

    print(f"peak RSS of this process (Gemma loaded): {peak_rss_mb():.0f} MB")
    ok = median(ours) < TARGET_MS
    print(verdict(ok, f"handler median {median(ours):.2f} ms on {args.chars:,} characters (target < {TARGET_MS:.0f} ms)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
