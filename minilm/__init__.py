"""minilm: the first chapter of language modelling, as code you can run.

    from minilm import Tokenizer, create_data_loader
    tok = Tokenizer("assets/tokenizer.json")
    loader = create_data_loader(tok.encode(text), context_length=12, stride=12)

Imports stay light: torch, transformers and gradio load only when a function needs them.
"""

from minilm.tokenizer import Tokenization, Tokenizer

__all__ = ["Tokenization", "Tokenizer", "create_data_loader"]


def __getattr__(name: str):
    if name == "create_data_loader":  # torch loads with the windows module, not with `import minilm`
        from minilm.windows import create_data_loader

        return create_data_loader
    raise AttributeError(f"module 'minilm' has no attribute {name!r}")
