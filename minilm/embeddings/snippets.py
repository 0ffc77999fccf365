"""The Python behind the Embeddings tab ("show the code"): its vectors, their numbers, its 3D picture.

    >>> from minilm.embeddings.settings import EmbeddingSettings
    >>> print(settings_line(EmbeddingSettings(vectors="gemma", text="paris", text_b="", dims="20 21 22")))
    settings = EmbeddingSettings(vectors="gemma", text="paris", text_b="", dims="20, 21, 22")

The code runs as printed from the repository root with minilm installed and prints, per sentence, its
tokens, the vectors' shape, the first vector's first values and the plotted points; for an
`nn.Embedding` it also builds the seed's table by hand and checks it gives the same vectors.
Comments stay English. Not here: running it (the tab calls the same functions directly).
"""

from __future__ import annotations


from minilm.embeddings.settings import HAND_FEATURES, HAND_MADE
from minilm.tokens.snippets import literal

FIRST_VALUES = 8  # of the first vector: Gemma's have 640


_q = literal  # a visitor's text as a Python string literal


def settings_line(settings) -> str:
    """`settings = EmbeddingSettings(...)` naming what this kind of vectors reads (`hand` set just before)."""
    s = settings
    args = [f"vectors={_q(s.vectors)}"]
    if s.vectors == "hand":
        args.append("hand=hand")
    else:
        args += [f"text={_q(s.text)}", f"text_b={_q(s.text_b)}"]
    if s.vectors == "random":
        args += [f"tokenizer={_q(s.tokenizer)}", f"table_tokenizer={_q(s.table_tokenizer)}",
                 f"embedding_dim={s.embedding_dim}", f"seed={s.seed}"]
        args += ["positions=True"] if s.positions else []
    args += ["pca=True"] if s.pca else [f"dims={_q(', '.join(map(str, s.dims)))}"]
    return f"settings = EmbeddingSettings({', '.join(args)})"


def _hand_lines(rows) -> list[str]:
    names = ", ".join(HAND_FEATURES[: len(rows[0][1])])
    lines = [f"hand = [  # the seed's hand-made vectors: {names}" if rows == HAND_MADE else "hand = [  # your table"]
    lines += [f"    ({_q(word)}, {tuple(features)!r})," for word, features in rows]
    return [*lines, "]"]


def _seed_route(settings) -> list[str]:
    """The seed's own `nn.Embedding`, seeded as the tab seeds it: the same vectors (when nothing is added)."""
    if settings.vectors != "random" or settings.positions or settings.tokenizer != settings.table_tokenizer:
        return []
    return [
        "",
        "import torch",
        "",
        (f"table = torch.nn.Embedding(num_embeddings=len(get_tokenizer({_q(settings.table_tokenizer)})), "
         f"embedding_dim={settings.embedding_dim})"),
        "with torch.no_grad():  # the tab draws its N(0, 1) weights from the seed",
        f"    table.weight.normal_(generator=torch.Generator().manual_seed({settings.seed}))",
        "a = shown.sets[0]",
        'print("same as nn.Embedding:", torch.equal(table(torch.tensor(a.ids)).detach(), a.vectors))',
    ]


def embeddings_code(settings) -> str:
    """Code for an `EmbeddingSettings`: the vectors by `vector_sets`, printed, and the tab's 3D scatter."""
    imports = ["from minilm import get_tokenizer"] if _seed_route(settings) else []
    lines = [
        *imports,
        "from minilm.embeddings.figures import embedding_figures",
        "from minilm.embeddings.settings import EmbeddingSettings",
        "from minilm.embeddings.vectors import vector_sets",
        "",
        *(_hand_lines(settings.hand) if settings.vectors == "hand" else []),
        settings_line(settings),
        "shown = vector_sets(settings)  # each sentence tokenized (no <bos>) and embedded",
        "for s in shown.sets:",
        '    print(s.name, "tokens", list(s.tokens))',
        '    print(s.name, "shape", list(s.vectors.shape))  # (n_tokens, dim)',
        f'    print(s.name, "first", s.vectors[0, :{FIRST_VALUES}].tolist())  # the first token\'s first values',
        "scatter, heatmap, notes = embedding_figures(list(shown.sets), dims=settings.dims, pca=settings.pca, title=shown.title_lines)",
        "for s, trace in zip(shown.sets, scatter.data):",
        '    print(s.name, "points", [list(p) for p in zip(trace.x, trace.y, trace.z)])',
        *_seed_route(settings),
        "scatter.show()  # the tab's 3D picture: in a notebook, or in a browser tab",
    ]
    return "\n".join(lines)
