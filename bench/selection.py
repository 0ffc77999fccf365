"""Moving the selection (issue 14) against redrawing every tab from scratch, on a text cut from the corpus.

Target: `minilm.ui.selection.select` (a click: the new selection, then every tab's marks: both chip
columns, the windows that hold it, the stream picture, the 3D scatter, the heatmap, the neighbours,
and a trained model's next tokens and attention at that position) median under 100 ms of server time.
Reference, same run: each tab's own view from scratch (Tokens with Gemma, Windows, Embeddings with
its neighbours, Train's next-token table for the same context), which is what a selection would
cost if it redrew the tabs instead of their marks.

    python bench/selection.py [--runs 30] [--chars 20000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _util import ROOT, describe_ms, header, median, timed_ms, verdict  # noqa: E402  (bench/ is sys.path[0] when run as a script)

TARGET_MS = 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--chars", type=int, default=20_000)
    args = parser.parse_args()
    header(f"Selection: marks in every tab against every tab redrawn, {args.chars:,} characters of the corpus")

    import torch

    from minilm.lm.model import TinyLM, next_token_probs
    from minilm.lm.settings import ModelConfig, Trained
    from minilm.ui import embeddings as emb_tab
    from minilm.ui import marks as drawn_marks
    from minilm.ui import selection as sel
    from minilm.ui import tokens as tokens_tab
    from minilm.ui import windows as windows_tab
    from minilm.ui.loaders import GEMMA

    torch.set_num_threads(1)  # as the app does (app._warm_up)
    GEMMA.start().wait()
    text = (ROOT / "assets" / "text.txt").read_text(encoding="utf-8")[: args.chars]
    tokens_fields = dict(text=text, tokenizer="bpe", add_special_tokens=True, split_special=False)
    windows_fields = dict(source="text", text=text, path=None, tokenizer="bpe", context_length=12, stride=12, batch_size=1,
                          keep_tail=False)
    emb_fields = dict(vectors="random", tokenizer="bpe", table_tokenizer="bpe", embedding_dim=4, seed=0, dims="0, 1, 2",
                      pca=False, positions=False, lines=False)
    model = Trained(TinyLM(ModelConfig(1024, context_length=12, n_blocks=2, embedding_dim=64, n_heads=4)), "bpe")

    def sent(outputs):
        """What gradio does next with the outputs: every figure becomes JSON (gr.Plot's postprocess)."""
        for value in outputs:
            if hasattr(value, "to_json"):
                value.to_json()
        return outputs

    def redraw_all():
        tokens = sent(tokens_tab.tokenize_traced({}, None, **tokens_fields))
        windows = sent(windows_tab.windows_traced(False, None, **windows_fields))
        embeddings = sent(emb_tab.embeddings_traced(None, **emb_fields))
        emb_tab.neighbours_view("0:1", None, **emb_fields)
        next_token_probs(model.model, list(tokens[-1].local.ids[:12]))
        return tokens[-1], windows[-1], embeddings[-1]

    traced = redraw_all()
    n = len(traced[0].local.ids)
    print(f"text: assets/text.txt[:{args.chars:,}], {n:,} local BPE tokens, {len(traced[0].gemma.ids):,} Gemma tokens, "
          f"{traced[1].stats.n_windows:,} windows (context_length 12, stride 12)")
    positions = [1 + (k * 7919) % (n - 1) for k in range(args.runs + 3)]  # spread over the whole text
    picks = iter([f"tokens {p}" for p in positions] * 2)
    out = sel.select(next(picks), None, *traced, model)
    assert out[0] is not None and '"selected"' in out[6].plot, "the stream picture was not marked"

    ours = timed_ms(lambda: sent(sel.select(next(picks), None, *traced, model)), args.runs)
    scratch = timed_ms(redraw_all, max(5, args.runs // 3), warmup=1)
    print(f"ours: select('tokens p', ...) -> every tab's marks, figures to JSON   {describe_ms(ours)}")
    print(f"reference: every tab redrawn from scratch, figures to JSON          {describe_ms(scratch)}")
    print(f"ratio scratch/ours: {median(scratch) / median(ours):.1f}x")

    held = sel.streams(traced[0], traced[1])
    in_a = set(traced[2].shown.sets[0].ids)
    selection = sel.Selection("bpe", next(p for p in positions if traced[0].local.ids[p] in in_a))
    steps = {
        "tokens marks (both columns)": lambda: sent(drawn_marks._tokens_marks(selection, traced[0], held, "en")),
        "windows marks": lambda: sent(drawn_marks._windows_marks(selection, traced[1], held, "en")),
        "embeddings marks + neighbours": lambda: sent(drawn_marks._embeddings_marks(selection, traced[2], held, "en", None)),
        "train: next tokens + attention": lambda: sent(drawn_marks._train_marks(selection, traced[0], model, held, "en")),
    }
    print("breakdown (medians of each step alone):")
    for name, fn in steps.items():
        print(f"  {name:<32} {median(timed_ms(fn, max(10, args.runs // 2), warmup=2)):7.3f} ms")
    ok = median(ours) < TARGET_MS
    print(verdict(ok, f"select median {median(ours):.1f} ms on {n:,} tokens (target < {TARGET_MS:.0f} ms); "
                      f"redrawing every tab: {median(scratch):.1f} ms"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
