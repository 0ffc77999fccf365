"""`python -m minilm`: the seed's steps from a terminal.

    python -m minilm tokenize assets/text.txt -o token_ids.txt [--tokenizer bpe|word|gemma|NAME|PATH]
    python -m minilm windows token_ids.txt --context-length 12 --stride 12 [--limit 5] [--jsonl pairs.jsonl]
    python -m minilm embed "the capital of france" [--vectors gemma|random] [--embedding-dim 4] -o vectors.json
    python -m minilm train-tokenizer [--corpus assets/text.txt] [--vocab-size 1024] [--out assets]
    python -m minilm notebook "http://127.0.0.1:7860/?tab=windows&stride=4" -o lesson.ipynb

Each command calls the same core functions as the app's tab. Tokenizer names come from the
registry (`minilm.tokenizer_names()`, plus any registered in this process); a path to a
tokenizer.json runs in the sandbox. Errors print one line to stderr and exit with status 2 (bad
input) or 1 (anything else).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import time
from pathlib import Path

from minilm.assets import ASSETS, CORPUS


def _tokenizer(name: str):
    from minilm.tokens.registry import GEMMA, GEMMA_NAME, get_tokenizer

    if name == GEMMA_NAME:
        GEMMA.on_stage = lambda stage: print(f"gemma: {stage}", file=sys.stderr)
    tokenizer = get_tokenizer(name)
    if name == GEMMA_NAME and GEMMA.value.notice:
        print(GEMMA.value.notice, file=sys.stderr)
    return tokenizer


def _folder(path: Path) -> Path:
    """`path` if it is a folder, else the same one-line FileNotFoundError as a missing input file.

    Checked before any work: a missing output folder would otherwise surface after the encoding (or
    as a traceback from the tokenizers library, which raises a bare Exception)."""
    if not path.is_dir():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    return path


def _cmd_tokenize(args) -> None:
    from minilm.tokens.files import tokenize_file

    _folder(args.out.parent)
    tokenizer = _tokenizer(args.tokenizer)
    start = time.perf_counter()
    def progress(done: int, total: int) -> None:
        print(f"\r{done / total:6.1%} of {total:,} characters", end="", file=sys.stderr, flush=True)

    ids = tokenize_file(args.text, tokenizer, args.out, add_special_tokens=not args.no_bos, progress=progress)
    print(file=sys.stderr)
    seconds = time.perf_counter() - start
    print(f"{len(ids):,} token ids from {args.text} ({tokenizer.name}) -> {args.out} in {seconds:.2f} s")


def _cmd_windows(args) -> None:
    import json

    from minilm.tokens.files import read_token_ids
    from minilm.windows.loader import WindowDataset, check_window_args, window_stats

    ids = read_token_ids(args.token_ids)
    context_length, stride = check_window_args(len(ids), args.context_length, args.stride, keep_tail=args.keep_tail)
    stats = window_stats(len(ids), context_length, stride, keep_tail=args.keep_tail)
    print(f"{stats.n_tokens:,} tokens -> {stats.n_windows:,} windows (context_length {context_length}, "
          f"stride {stride}); {stats.n_skipped:,} tokens in no input, overlap {stats.overlap}", file=sys.stderr)
    data = WindowDataset(ids, context_length, stride, keep_tail=args.keep_tail)
    out = open(args.jsonl, "w", encoding="utf-8") if args.jsonl else None
    step = 65_536  # windows gathered at a time: memory stays flat on long streams
    for start in range(0, len(data), step):
        x, y = data.__getitems__(range(start, min(start + step, len(data))))
        for k, (xs, ys) in enumerate(zip(x.tolist(), y.tolist()), start):
            if out:
                out.write(json.dumps({"window": k, "x": xs, "y": ys}) + "\n")
            elif k < args.limit:
                print(f"window {k}: x={xs} y={ys}")
        if out is None and start + step >= args.limit:
            break
    if out:
        out.close()
        print(f"wrote {len(data):,} pairs to {args.jsonl}", file=sys.stderr)


def _cmd_embed(args) -> None:
    import json

    from minilm.embeddings.settings import EmbeddingSettings
    from minilm.embeddings.vectors import vector_sets

    if args.vectors == "gemma":
        _tokenizer("gemma")  # progress on stderr while it loads
    settings = EmbeddingSettings(vectors=args.vectors, text=args.text, text_b="", tokenizer=args.tokenizer,
                                 table_tokenizer=args.tokenizer, embedding_dim=args.embedding_dim, seed=args.seed)
    shown = vector_sets(settings)
    s = shown.sets[0]
    record = {"table": shown.title, "tokens": list(s.tokens), "ids": list(s.ids), "vectors": s.vectors.tolist()}
    args.out.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    print(f"{len(s.ids)} vectors of {s.vectors.shape[1]} dimensions ({shown.title}) -> {args.out}")


def _cmd_train_tokenizer(args) -> None:
    from minilm.tokens.vocab import build_assets

    for path in build_assets(args.corpus, _folder(args.out), vocab_size=args.vocab_size):
        print(f"wrote {path}")


def _cmd_notebook(args) -> None:
    from minilm.notebook import notebook_from_link, write_notebook

    _folder(args.out.parent)
    nb = notebook_from_link(args.link)
    write_notebook(nb, args.out)
    n_code = sum(cell.cell_type == "code" for cell in nb.cells)
    print(f"{len(nb.cells)} cells ({n_code} of code, {nb.metadata['minilm']['lang']}) -> {args.out}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m minilm", description="minilm from the command line")
    sub = parser.add_subparsers(dest="command", required=True)
    tok = sub.add_parser("tokenize", help="encode a UTF-8 text file into token_ids.txt (seed step 4)")
    tok.add_argument("text", type=Path, help="the text file to encode")
    tok.add_argument("-o", "--out", type=Path, default=Path("token_ids.txt"), help="default: token_ids.txt")
    tok.add_argument("--tokenizer", default="bpe", help="a name (bpe, word, gemma, or registered) or a tokenizer.json path")
    tok.add_argument("--no-bos", action="store_true", help="do not prepend <bos>")
    tok.set_defaults(run=_cmd_tokenize)
    win = sub.add_parser("windows", help="cut token_ids.txt into (x, y) pairs (seed step 5)")
    win.add_argument("token_ids", type=Path, help="a token_ids.txt from the tokenize command")
    win.add_argument("--context-length", type=int, default=12)
    win.add_argument("--stride", type=int, default=12)
    win.add_argument("--keep-tail", action="store_true", help="pad the last window (targets -100)")
    win.add_argument("--limit", type=int, default=5, help="windows to print (without --jsonl)")
    win.add_argument("--jsonl", type=Path, help="write every pair to this JSON-lines file")
    win.set_defaults(run=_cmd_windows)
    emb = sub.add_parser("embed", help="export the vectors of a text's tokens as JSON (seed steps 6-7)")
    emb.add_argument("text")
    emb.add_argument("--vectors", "--source", dest="vectors", choices=["gemma", "random"], default="gemma")
    emb.add_argument("--tokenizer", default="bpe", help="a tokenizer name (random vectors)")
    emb.add_argument("--embedding-dim", "--dim", dest="embedding_dim", type=int, default=4,
                     help="embedding_dim (random vectors)")
    emb.add_argument("--seed", type=int, default=0)
    emb.add_argument("-o", "--out", type=Path, default=Path("vectors.json"))
    emb.set_defaults(run=_cmd_embed)
    train = sub.add_parser("train-tokenizer", help="rebuild assets/tokenizer.json and tokenizer_word.json")
    train.add_argument("--corpus", type=Path, default=CORPUS)
    train.add_argument("--vocab-size", type=int, default=1024)
    train.add_argument("--out", type=Path, default=ASSETS)
    train.set_defaults(run=_cmd_train_tokenizer)
    nb = sub.add_parser("notebook", help="write the notebook of the view a share link restores (every step, runnable)")
    nb.add_argument("link", help="a share link (Copy the link to this view) or its query string: tab=windows&stride=4")
    nb.add_argument("-o", "--out", type=Path, default=Path("lesson.ipynb"), help="default: lesson.ipynb")
    nb.set_defaults(run=_cmd_notebook)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (ValueError, FileNotFoundError, IsADirectoryError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
