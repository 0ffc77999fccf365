"""`python -m minilm`: the seed's steps from a terminal.

    python -m minilm tokenize assets/text.txt -o token_ids.txt [--tokenizer bpe|word|gemma|PATH]
    python -m minilm train-tokenizer [--corpus assets/text.txt] [--vocab-size 1024] [--out assets]

Errors print one line to stderr and exit with status 2 (bad input) or 1 (anything else).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from minilm.assets import ASSETS, CORPUS, LOCAL_TOKENIZERS


def _tokenizer(spec: str):
    from minilm.assets import local_tokenizer

    if spec in LOCAL_TOKENIZERS:
        return local_tokenizer(spec)
    if spec == "gemma":
        from minilm.gemma import load_gemma

        gemma = load_gemma(progress=lambda stage: print(f"gemma: {stage}", file=sys.stderr))
        if gemma.notice:
            print(gemma.notice, file=sys.stderr)
        return gemma.tokenizer
    from minilm.sandbox import load_untrusted_tokenizer

    return load_untrusted_tokenizer(Path(spec).read_bytes(), name=spec)


def _cmd_tokenize(args) -> None:
    from minilm.token_ids import tokenize_file

    tokenizer = _tokenizer(args.tokenizer)
    start = time.perf_counter()
    ids = tokenize_file(args.text, tokenizer, args.out, add_special_tokens=not args.no_bos)
    seconds = time.perf_counter() - start
    print(f"{len(ids):,} token ids from {args.text} ({tokenizer.name}) -> {args.out} in {seconds:.2f} s")


def _cmd_train_tokenizer(args) -> None:
    from minilm.train import build_assets

    for path in build_assets(args.corpus, args.out, vocab_size=args.vocab_size):
        print(f"wrote {path}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m minilm", description="minilm from the command line")
    sub = parser.add_subparsers(dest="command", required=True)
    tok = sub.add_parser("tokenize", help="encode a UTF-8 text file into token_ids.txt (seed step 4)")
    tok.add_argument("text", type=Path, help="the text file to encode")
    tok.add_argument("-o", "--out", type=Path, default=Path("token_ids.txt"), help="default: token_ids.txt")
    tok.add_argument("--tokenizer", default="bpe", help="bpe, word, gemma, or a tokenizer.json path")
    tok.add_argument("--no-bos", action="store_true", help="do not prepend <bos>")
    tok.set_defaults(run=_cmd_tokenize)
    train = sub.add_parser("train-tokenizer", help="rebuild assets/tokenizer.json and tokenizer_word.json")
    train.add_argument("--corpus", type=Path, default=CORPUS)
    train.add_argument("--vocab-size", type=int, default=1024)
    train.add_argument("--out", type=Path, default=ASSETS)
    train.set_defaults(run=_cmd_train_tokenizer)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (ValueError, FileNotFoundError, IsADirectoryError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
