"""minilm: the first chapter of language modelling, as code you can run.

    from minilm import Tokenizer
    tok = Tokenizer("assets/tokenizer.json")
    tok.encode("the capital of france is paris")

Imports stay light: torch, transformers and gradio load only when a function needs them.
"""

from minilm.tokenizer import Tokenization, Tokenizer

__all__ = ["Tokenization", "Tokenizer"]
