"""Build the two local tokenizers the app ships: a byte-fallback BPE and the seed's word-level one.

Both are plain Hugging Face `tokenizers` objects, saved as `tokenizer.json`, so `Tokenizer(path)`
and any other tool that reads that format load them. The BPE copies Gemma's layout (spaces become
"▁", unknown characters fall back to `<0xNN>` byte tokens, decode is exact) at a vocabulary a learner
can read through. Not here: learning from more than a few megabytes, or any other model type.
"""

from __future__ import annotations

import json
from pathlib import Path

from minilm.lang import Problem
from minilm.tokens.tokenizer import PRE_TOKEN_PATTERN, SPACE

SPECIAL_TOKENS = ("<pad>", "<unk>", "<bos>", "<eos>")
BYTE_TOKENS = tuple(f"<0x{b:02X}>" for b in range(256))
MIN_VOCAB_SIZE = len(SPECIAL_TOKENS) + len(BYTE_TOKENS) + 40
MAX_VOCAB_SIZE = 32_000


def build_bpe(texts: list[str], *, vocab_size: int = 1024, min_frequency: int = 2):
    """Learn a byte-fallback BPE whose ids are: 4 specials, 256 byte tokens, then learned tokens.

    >>> tok = build_bpe(["the capital of france is paris"] * 3, vocab_size=300)
    >>> tok.encode("the capital").tokens
    ['<bos>', 'the', '▁capital']
    """
    from tokenizers import Tokenizer, models, trainers

    _check_vocab_size(vocab_size)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size - len(BYTE_TOKENS),
        min_frequency=min_frequency,
        special_tokens=list(SPECIAL_TOKENS),
        show_progress=False,
    )
    scratch = Tokenizer(models.BPE(unk_token="<unk>"))
    _set_pipeline(scratch)
    scratch.train_from_iterator(texts, trainer=trainer)
    learned = json.loads(scratch.to_str())["model"]
    # Byte tokens go right after the specials so ids 4..259 mean the same in every vocab size.
    vocab = {t: i for i, t in enumerate(SPECIAL_TOKENS + BYTE_TOKENS)}
    for token, _ in sorted(learned["vocab"].items(), key=lambda kv: kv[1]):
        vocab.setdefault(token, len(vocab))
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in learned["merges"]]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<unk>", byte_fallback=True))
    _set_pipeline(tok)
    _add_specials(tok)
    return tok


def build_word_level(texts: list[str], *, vocab_size: int = 2000, min_frequency: int = 2):
    """Learn the seed's simplest tokenizer: split on whitespace, one id per known word, `<unk>` else.

    >>> tok = build_word_level(["the capital of france is paris"] * 2)
    >>> tok.encode("the capital of germany").tokens
    ['<bos>', 'the', 'capital', 'of', '<unk>']
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    _check_vocab_size(vocab_size, low=len(SPECIAL_TOKENS) + 1)
    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.WordLevelTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(SPECIAL_TOKENS),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    _add_specials(tok)
    return tok


def _check_vocab_size(vocab_size: int, *, low: int = MIN_VOCAB_SIZE) -> None:
    if not low <= vocab_size <= MAX_VOCAB_SIZE:
        raise Problem("vocab_size_range", low=low, high=MAX_VOCAB_SIZE, value=vocab_size)


def _set_pipeline(tok) -> None:
    from tokenizers import Regex, decoders, normalizers, pre_tokenizers

    tok.normalizer = normalizers.Replace(" ", SPACE)
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(PRE_TOKEN_PATTERN), behavior="isolated")
    tok.decoder = decoders.Sequence(
        [decoders.Replace(SPACE, " "), decoders.ByteFallback(), decoders.Fuse()]
    )


def _add_specials(tok) -> None:
    """Mark the specials as special and prepend `<bos>` on encode, as Gemma's tokenizer does."""
    from tokenizers import processors

    tok.add_special_tokens(list(SPECIAL_TOKENS))
    bos = tok.token_to_id("<bos>")
    tok.post_processor = processors.TemplateProcessing(
        single="<bos> $A", pair="<bos> $A <bos> $B", special_tokens=[("<bos>", bos)]
    )


def build_assets(corpus: Path, out_dir: Path, *, vocab_size: int = 1024) -> list[Path]:
    """Rebuild `tokenizer.json` (BPE) and `tokenizer_word.json` (word level) from the corpus."""
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    written = []
    for name, tok in (
        ("tokenizer.json", build_bpe(lines, vocab_size=vocab_size)),
        ("tokenizer_word.json", build_word_level(lines)),
    ):
        path = out_dir / name
        tok.save(str(path), pretty=True)
        written.append(path)
    return written
