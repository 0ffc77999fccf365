"""The learner's path as a Jupyter notebook: the view a share link restores, section by section.

    >>> nb = notebook_from_link("?tab=windows&context_length=8&stride=4&steps=3&lang=tr")
    >>> [c.cell_type for c in nb.cells][:3], nb.cells[1].source.splitlines()[0]
    (['markdown', 'markdown', 'code'], '## 1. Bir sonraki token')

The guide's sections in order, each a Markdown cell in the link's language and a code cell built by the
tabs' own snippet modules: the tokenizers and their ids, `token_ids.txt`, `create_data_loader` and its
pairs, hand-made, `nn.Embedding` and Gemma vectors with their 3D pictures, and a short training run.
The cells run offline and print the numbers the app shows for the same link. What a visitor typed
reaches the notebook only inside code, as Python literals, never as Markdown.
Not here: reading a link's values (`minilm.share`) or the page's button (`minilm.ui.page`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from minilm.embeddings.settings import DEFAULT_DIMS, VECTORS, EmbeddingSettings
from minilm.embeddings.snippets import embeddings_code
from minilm.lang import EXAMPLES, say
from minilm.lm.settings import TrainSettings
from minilm.lm.snippets import train_code
from minilm.share import parse_state, state_url
from minilm.text import clean_text, markdown_literal
from minilm.tokens.registry import tokenizer_entry, tokenizer_names
from minilm.tokens.snippets import registry_source, tokens_code
from minilm.windows.settings import WindowSettings
from minilm.windows.snippets import windows_code

TOKEN_IDS = "token_ids.txt"  # the seed's file name, written in the notebook's folder
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


@dataclass(frozen=True)
class Lesson:
    """What a view's link selects, as the tabs' settings: the page's defaults where the link is silent."""

    lang: str
    tab: str
    text: str  # the Tokens tab's
    tokenizer: str  # the Tokens tab's local tokenizer
    windows: WindowSettings  # over the corpus, as the Windows tab starts
    embeddings: tuple[EmbeddingSettings, ...]  # hand-made, nn.Embedding, Gemma: the chosen one as the tab shows it
    train: TrainSettings  # follows the Windows tab (a local tokenizer only)


def lesson_from_state(state: dict) -> Lesson:
    """The tabs' settings for a checked link state (`minilm.share.parse_state`)."""
    context_length, stride = state.get("context_length", 12), state.get("stride", 12)
    windows_tokenizer = state.get("windows_tokenizer", "bpe")
    windows = WindowSettings(source="corpus", tokenizer=windows_tokenizer, context_length=context_length, stride=stride)
    chosen = state.get("vectors", "random")
    embedding_dim = state.get("embedding_dim", 4)
    embeddings = tuple(_embedding_settings(kind, chosen, state.get("dims", "0, 1, 2"), embedding_dim) for kind in VECTORS)
    # The Train tab follows the Windows tab's tokenizer unless it is Gemma's (262k rows: too big to train here).
    train_tokenizer = windows_tokenizer if windows_tokenizer in tokenizer_names(local_only=True) else "bpe"
    train = TrainSettings(source="corpus", tokenizer=train_tokenizer, context_length=context_length, stride=stride,
                          steps=state.get("steps", 600))
    return Lesson(state.get("lang", "en"), state.get("tab", "tokens"), clean_text(state.get("text", EXAMPLES[0]))[0],
                  state.get("tokenizer", "bpe"), windows, embeddings, train)


def _embedding_settings(kind: str, chosen: str, dims: str, embedding_dim: int) -> EmbeddingSettings:
    """The chosen vectors with the link's dims; the others with their own defaults (PCA where those do not fit)."""
    if kind == chosen:
        return EmbeddingSettings(vectors=kind, dims=dims, embedding_dim=embedding_dim)
    dims = DEFAULT_DIMS[kind]
    fits = kind != "random" or max(dims) < embedding_dim
    return EmbeddingSettings(vectors=kind, dims=dims, embedding_dim=embedding_dim, pca=not fits)


def link_state(link: str, *, lang: str = "en") -> dict:
    """The checked state of a share link or its query string; a refused value is a `ValueError` saying which."""
    query = urlsplit(link).query if "://" in link else link.lstrip("?")
    state, notes = parse_state(dict(parse_qsl(query)), lang=lang)
    if notes:
        raise ValueError("; ".join(notes))
    return state


def notebook_from_link(link: str, *, lang: str = "en"):
    """The notebook for the view a link (or its query string) restores; a refused value is a `ValueError`
    worded in `lang` (the notebook speaks the link's own language)."""
    return notebook_from_state(link_state(link, lang=lang))


def notebook_from_state(state: dict):
    """The notebook of a checked link state: the one function behind the CLI and the page's button."""
    # "?context_length=8&lang=tr&...": one view, one text, whatever order or page mode (`view`) the link had
    view = state_url("", dict(sorted((k, v) for k, v in state.items() if k != "view")))
    return lesson_notebook(lesson_from_state(state), view=view)


def _next_token_code(lesson: Lesson) -> str:
    return "\n".join([
        "from minilm import get_tokenizer",
        "",
        f"tokenizer = get_tokenizer({json.dumps(lesson.tokenizer)})",
        'ids = tokenizer.encode("the capital of france is paris")',
        "for i in range(1, len(ids)):  # every position asks: what comes next?",
        '    print("context", ids[:i], "-> next", ids[i], tokenizer.id_to_token(ids[i]))',
    ])


def _token_ids_code(lesson: Lesson) -> str:
    tokenizer = json.dumps(lesson.windows.tokenizer)
    return "\n".join([
        "from minilm import get_tokenizer",
        "from minilm.assets import corpus_text",
        "from minilm.tokens.files import write_token_ids",
        "",
        f"token_ids = get_tokenizer({tokenizer}).encode(corpus_text())  # assets/text.txt, <bos> first",
        f"write_token_ids(token_ids, {json.dumps(TOKEN_IDS)})  # one line of space-separated ids",
        f'print("{TOKEN_IDS}", len(token_ids), "ids, first", token_ids[:10])',
    ])


def _label(name: str, lang: str) -> str:
    return markdown_literal(tokenizer_entry(name).label_in(lang))


def lesson_sections(lesson: Lesson) -> list[tuple[str, str, str]]:
    """(name, Markdown, code) per section, in the guide's order; the title has no code."""
    lang, w, t = lesson.lang, lesson.windows, lesson.train
    hand, random, gemma = lesson.embeddings

    def md(key: str, **values) -> str:
        return say(key, lang, **values)

    return [
        ("title", md("nb_title", tab=markdown_literal(say(f"tab_{lesson.tab}", lang))), ""),
        ("next-token", md("nb_next_token", context_length=w.context_length), _next_token_code(lesson)),
        ("tokens", md("nb_tokens", tokenizer=_label(lesson.tokenizer, lang)),
         tokens_code(lesson.text, local=registry_source(lesson.tokenizer), add_special_tokens=True, split_special=False)),
        ("token-ids", md("nb_token_ids", tokenizer=_label(w.tokenizer, lang)), _token_ids_code(lesson)),
        ("windows", md("nb_windows", context_length=w.context_length, stride=w.stride),
         windows_code(w, token_ids_file=TOKEN_IDS)),
        ("hand", md("nb_hand"), embeddings_code(hand)),
        ("random", md("nb_random", embedding_dim=random.embedding_dim), embeddings_code(random)),
        ("gemma", md("nb_gemma"), embeddings_code(gemma)),
        ("train", md("nb_train", n_blocks=t.n_blocks, steps=t.steps, tokenizer=_label(t.tokenizer, lang)), train_code(t)),
        ("end", md("nb_end"), ""),
    ]


def lesson_notebook(lesson: Lesson, *, view: str = ""):
    """An nbformat v4 notebook of `lesson`; cell ids are fixed, so one view always gives the same file."""
    import nbformat

    cells = []
    for name, markdown, code in lesson_sections(lesson):
        cells.append(nbformat.v4.new_markdown_cell(markdown, id=f"{name}-text"))
        if code:
            cells.append(nbformat.v4.new_code_cell(code, id=f"{name}-code"))
    metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}, "minilm": {"view": view, "lang": lesson.lang}}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def write_notebook(nb, path: str | os.PathLike) -> Path:
    """Write `nb` as an .ipynb (checked against the format's schema first)."""
    import nbformat

    nbformat.validate(nb)
    path = Path(path)
    nbformat.write(nb, str(path))
    return path

