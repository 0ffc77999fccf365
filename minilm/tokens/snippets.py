"""The Python a learner can paste to reproduce what a tab shows ("show the code").

Every snippet runs as printed, from a folder holding the files it names: a registered tokenizer by
name, an uploaded `tokenizer.json` by the name the learner gave it, a BPE trained in the tab by the
`build_bpe` call that trains it again (training is deterministic, so the ids are the page's).
Not here: running it; the tabs call the same functions directly.

    >>> print(bpe_source(1500)[1])
    Tokenizer(backend=build_bpe(lines, vocab_size=1500))  # local.backend.save("tokenizer.json") keeps it
"""

from __future__ import annotations

import json

Source = tuple[list[str], str]  # (lines that prepare it, the expression that makes the local tokenizer)


def literal(text: str) -> str:
    r"""A Python string literal in double quotes, as the seed writes `Tokenizer("tokenizer.json")`.

    Lone surrogates (not valid Unicode: no file or page can hold them) become U+FFFD, as the app
    repairs them before tokenizing, so the code still gives the page's numbers.

    >>> print(literal('say "hi"\nyes\ud800'))
    "say \"hi\"\nyes\ufffd"
    """
    return json.dumps(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace"), ensure_ascii=False)



def registry_source(name: str) -> Source:
    return [], f"get_tokenizer({literal(name)})"


def file_source(file_name: str) -> Source:
    """An uploaded tokenizer.json, read from the learner's own copy next to the code."""
    return [], f"Tokenizer({literal(file_name)})  # the tokenizer.json you uploaded, in this folder"


def bpe_source(vocab_size: int, file_name: str | None = None) -> Source:
    """A BPE trained on the corpus (`file_name` None) or on the learner's text file, trained again."""
    if file_name is None:
        setup = ["from minilm.assets import corpus_text", "lines = corpus_text().splitlines(keepends=True)  # assets/text.txt"]
    else:
        setup = ["from minilm.text import read_text_file",
                 f"lines = read_text_file({literal(file_name)}).splitlines(keepends=True)  # your text, in this folder"]
    setup = ["from minilm.tokens.vocab import build_bpe", *setup]
    return setup, f'Tokenizer(backend=build_bpe(lines, vocab_size={vocab_size}))  # local.backend.save("tokenizer.json") keeps it'


def tokens_code(text: str, *, local: Source | str, add_special_tokens: bool, split_special: bool) -> str:
    """Code for the Tokens tab: `local` is how the local tokenizer is made (`registry_source("bpe")`, ...)."""
    setup, local = ([], local) if isinstance(local, str) else local
    text_line = f"text = {text!r}"  # whole, however long: the code must run as shown
    options = []
    if not add_special_tokens:
        options.append("add_special_tokens=False")
    if split_special:
        options.append("split_special=True")
    local_opts = ", ".join(options)
    gemma_opts = ", add_special_tokens=False" if not add_special_tokens else ""
    lines = [
        "from minilm import Tokenizer, get_tokenizer",
        *setup,
        "",
        text_line,
        f"local = {local}",
        f"ids = local.encode(text{', ' + local_opts if local_opts else ''})",
        f"tokens = local.tokenize(text{', split_special=True' if split_special else ''})",
        'print("local ids", ids)',
        'print("local tokens", tokens)',
        "print(local.decode(ids) == text)  # the round trip: False for word level (whitespace, <unk>)",
        "",
        'gemma = get_tokenizer("gemma")  # bundled Gemma 3 GGUF, or the Hub with HF_TOKEN',
        f"gemma_ids = gemma.encode(text{gemma_opts}{', split_special=True' if split_special else ''})",
        "gemma_tokens = gemma.convert_ids_to_tokens(gemma_ids)",
        'print("gemma ids", gemma_ids)',
        "",
        "# the seed's route gives the same ids (but takes ~18 s to convert the GGUF every time):",
        "# AutoTokenizer.from_pretrained(folder, gguf_file=name).encode(text)",
    ]
    return "\n".join(lines)
