"""minilm: the first chapter of language modelling, as code you can run.

    from minilm import get_tokenizer, create_data_loader
    tok = get_tokenizer("bpe")                     # or "word", "gemma", a registered name
    loader = create_data_loader(tok.encode(text), context_length=12, stride=12)

The package follows the guide's chapters: `minilm.tokens`, `minilm.windows`, `minilm.embeddings`
and `minilm.lm` (the tiny language model), each with its settings and its figures; `minilm.lang`
holds every word in English and Turkish. Imports stay light: torch, transformers and gradio load
only when a function needs them, and gradio only in `minilm.ui`.
"""

from minilm.tokens.registry import get_tokenizer, register_tokenizer, tokenizer_names
from minilm.tokens.tokenizer import Tokenization, Tokenizer
from minilm.windows.loader import create_data_loader, window_stats

__all__ = [
    "Tokenization", "Tokenizer", "create_data_loader", "get_tokenizer", "register_tokenizer", "tokenizer_names",
    "window_stats",
]
