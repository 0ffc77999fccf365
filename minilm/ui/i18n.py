"""English and Turkish for everything static on the page, chosen in the browser from its language.

`T("key")` goes where a label or a Markdown text would; the browser shows the string of its
language (Turkish for `tr`, English otherwise; Settings in the footer switches it). Text the server
computes (summaries, messages) is chosen with `language(request)` and `say(key, lang)`.
"""

import gradio as gr

from minilm.ui import prose
from minilm.ui.labels import LABELS
from minilm.ui.prose_tr import TR

EN = {
    **LABELS,
    "intro": prose.INTRO,
    "tokens_what": prose.TOKENS_WHAT,
    "tokens_mistakes": prose.TOKENS_MISTAKES,
    "boundaries_help": prose.BOUNDARIES_HELP,
    "file_help": prose.FILE_HELP,
    "train_help": prose.TRAIN_HELP,
    "licence": prose.GEMMA_LICENCE,
    "windows_what": prose.WINDOWS_WHAT,
    "windows_mistake": prose.WINDOWS_MISTAKE,
    "windows_mistakes": prose.WINDOWS_MISTAKES,
    "embeddings_what": prose.EMBEDDINGS_WHAT,
    "embeddings_mistakes": prose.EMBEDDINGS_MISTAKES,
    "gemma_no_positions": prose.GEMMA_NO_POSITIONS,
    "train_what": prose.TRAIN_WHAT,
    "train_mistake": prose.TRAIN_MISTAKE,
    "next_token_what": prose.NEXT_TOKEN_WHAT,
}

I18N = gr.I18n(en=EN, tr={**EN, **TR})


def T(key: str):  # noqa: N802 - reads like the gettext `_` it stands for
    if key not in EN:
        raise KeyError(f"no English text for {key!r}")
    return I18N(key)


def language(request: gr.Request | None) -> str:
    """"tr" when the browser asks for Turkish first, else "en"."""
    header = (request.headers.get("accept-language", "") if request is not None else "").strip().lower()
    return "tr" if header.startswith("tr") else "en"


def say(key: str, lang: str) -> str:
    return (TR if lang == "tr" else EN).get(key, EN[key])
