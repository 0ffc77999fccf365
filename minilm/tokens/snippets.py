"""The Python a learner can paste to reproduce what a tab shows ("show the code").

Not here: running it; the tabs call the same functions directly.
"""

from __future__ import annotations

_SHORT_TEXT = 300


def tokens_code(text: str, *, local: str, add_special_tokens: bool, split_special: bool) -> str:
    """Code for the Tokens tab: `local` is how the local tokenizer is made, e.g. 'get_tokenizer("bpe")'."""
    if len(text) <= _SHORT_TEXT:
        text_line = f"text = {text!r}"
    else:
        text_line = f"text = {text[:_SHORT_TEXT]!r} + ...  # {len(text):,} characters in all"
    options = []
    if not add_special_tokens:
        options.append("add_special_tokens=False")
    if split_special:
        options.append("split_special=True")
    local_opts = ", ".join(options)
    gemma_opts = ", add_special_tokens=False" if not add_special_tokens else ""
    lines = [
        "from minilm import Tokenizer, get_tokenizer",
        "",
        text_line,
        f"local = {local}",
        f"ids = local.encode(text{', ' + local_opts if local_opts else ''})",
        f"tokens = local.tokenize(text{', split_special=True' if split_special else ''})",
        "assert local.decode(ids) == text  # the round trip (false for word level: whitespace and <unk>)",
        "",
        'gemma = get_tokenizer("gemma")  # bundled Gemma 3 GGUF, or the Hub with HF_TOKEN',
        f"gemma_ids = gemma.encode(text{gemma_opts}{', split_special=True' if split_special else ''})",
        "gemma_tokens = gemma.convert_ids_to_tokens(gemma_ids)",
        "",
        "# the seed's route gives the same ids (but takes ~18 s to convert the GGUF every time):",
        "# AutoTokenizer.from_pretrained(folder, gguf_file=name).encode(text)",
    ]
    return "\n".join(lines)
