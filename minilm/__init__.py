"""minilm: the first chapter of language modelling, as code you can run.

    from minilm import get_tokenizer, create_data_loader
    tok = get_tokenizer("bpe")                     # or "word", "gemma", a registered name
    loader = create_data_loader(tok.encode(text), context_length=12, stride=12)

The package follows the guide's chapters: `minilm.tokens`, `minilm.windows`, `minilm.embeddings`
and `minilm.lm` (the tiny language model), each with its settings and its figures; `minilm.lang`
holds every word in English and Turkish. Imports stay light: torch, transformers and gradio load
only when a function needs them, and gradio only in `minilm.ui`.
"""

import os

# Matrix products bitwise the same at 1 and 2 threads (Intel MKL's "strict CNR" mode, documented for ?gemm on its
# AVX2 and AVX-512 branches): training switches thread counts mid-run (minilm.lm.threads) and a run, its share link
# and its notebook must print the same losses. Without it MKL on some CPUs (here: an AVX-512 Xeon with AMX) splits
# the sum of a product over ~1,024 terms or more between the threads. MKL reads this at its first product, so it is
# set on `import minilm`, before torch is used; a value set by the caller is kept.
os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")

from minilm.tokens.registry import get_tokenizer, register_tokenizer, tokenizer_names  # noqa: E402
from minilm.tokens.tokenizer import Tokenization, Tokenizer  # noqa: E402
from minilm.windows.loader import create_data_loader, window_stats  # noqa: E402

__all__ = [
    "Tokenization", "Tokenizer", "create_data_loader", "get_tokenizer", "register_tokenizer", "tokenizer_names",
    "window_stats",
]
