"""The Tokens tab: one text, a local tokenizer and Gemma 3 side by side, and where they cut.

Handlers read the tab's `TokensSettings` and turn core errors into messages on the page (and
`gr.Error` for API callers), so a bad request leaves the next one working. Gemma loads in the
background; until it is ready its column shows progress and a timer fills it in.
Not here: tokenization (`minilm.tokens`).
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from minilm.assets import CORPUS, corpus_text
from minilm.lang import EXAMPLES, Problem, say, words
from minilm.text import MAX_CHARS, read_text_file
from minilm.tokens import figures
from minilm.tokens.compare import compare_boundaries
from minilm.tokens.files import write_token_ids
from minilm.tokens.registry import check_tokenizer, gemma, get_tokenizer, tokenizer_entry
from minilm.tokens.sandbox import load_untrusted_tokenizer
from minilm.tokens.settings import OWN, TokensSettings, as_dict
from minilm.tokens import snippets
from minilm.tokens.tokenizer import Tokenization, Tokenizer
from minilm.tokens.vocab import MAX_VOCAB_SIZE, MIN_VOCAB_SIZE, build_bpe
from minilm.ui.page import T, TabParts, api_error, language, problem, say_md, tokenizer_choices
from minilm.values import whole_number

MAX_TRAIN_BYTES = 5 * 1024 * 1024


def pick_local(name: str, own: dict):
    """The tokenizer for a choice (a registry name, never a path); `own` holds this visitor's
    uploaded and trained ones."""
    if check_tokenizer(name, also=OWN) in OWN:
        if own.get(name) is None:
            raise Problem(f"no_{name}")
        return own[name]
    return get_tokenizer(name, wait=False)


def _title(name: str, tokenizer, own: dict, lang: str) -> str:
    if name == "trained":
        recipe = own.get("trained_recipe", {})
        label = say("my_bpe_title", lang, n=len(tokenizer), source=recipe.get("file") or CORPUS.name)
    else:
        label = tokenizer.name if name == "upload" else tokenizer_entry(name).label_in(lang)
    return say("vocab_title", lang, name=label, n=len(tokenizer))


def _local_code(name: str, tokenizer, own: dict):
    """How the shown code makes the local tokenizer: by name, from the uploaded file, or trained again."""
    if name == "upload":
        return snippets.file_source(tokenizer.name)
    if name == "trained":
        recipe = own.get("trained_recipe", {})
        return snippets.bpe_source(recipe.get("vocab_size", len(tokenizer)), recipe.get("file"))
    return snippets.registry_source(name)


def gemma_column(settings: TokensSettings, lang: str):
    """Gemma's tokenization and chips, or its loading progress; and whether the page should poll."""
    tok, title, notice, loading = _gemma_parts(settings, lang)
    if tok is None:
        return None, notice, loading
    return tok, figures.tokenization_html(tok, title=title, lang=lang, pick="gemma") + notice, False


def _gemma_parts(settings: TokensSettings, lang: str):
    """(tokenization or None, title, what to show after the chips or instead of them, still loading)."""
    try:
        loaded = gemma(wait=False)
    except Problem as err:
        tone = "progress" if err.key == "still_loading" else "error"
        return None, "", figures.message_html(err.words(lang), tone=tone), tone == "progress"
    tok = settings.analyze(loaded.tokenizer)
    said = (loaded.notice, *loaded.notes)  # why not the Hub; what the cache needed (rebuilt, elsewhere)
    notice = "".join(figures.message_html(item.words(lang)) for item in said if item is not None)
    title = say("vocab_title", lang, name=loaded.label_in(lang), n=len(loaded.tokenizer))
    return tok, title, notice, False


def tokenize_view(own: dict, request: gr.Request = None, **values):
    """Everything the tab shows for one text: (local, gemma, boundaries, code, status, timer)."""
    return tokenize_traced(own, request, **values)[:-1]


def tokenize_traced(own: dict, request: gr.Request = None, **values):
    """`tokenize_view`'s outputs, then what a selection needs to mark them again without tokenizing
    (`TokensTraced`, or None after an error)."""
    lang = language(request)
    try:
        settings = TokensSettings(**values)
        tokenizer = pick_local(settings.tokenizer, own)
        local = settings.analyze(tokenizer)
    except ValueError as err:
        shown = figures.message_html("⚠️ " + words(err, lang), tone="error")  # HTML: escaped there, not as Markdown
        return shown, "", "", "", problem(err, lang), gr.Timer(active=False), None
    gemma_tok, gemma_title, gemma_notice, loading = _gemma_parts(settings, lang)
    gemma_html = gemma_notice
    boundaries = ""
    if gemma_tok is not None:
        gemma_html = figures.tokenization_html(gemma_tok, title=gemma_title, lang=lang, pick="gemma") + gemma_notice
        diff = compare_boundaries(local, gemma_tok)
        boundaries = figures.boundaries_html(diff, a_name=say("boundary_local", lang), b_name="Gemma", lang=lang)
    notes = [note.words(lang) for note in settings.notes]
    if "special" in local.kinds[1:] and not settings.split_special:
        notes.append(say("typed_special", lang))
    code = snippets.tokens_code(settings.text, local=_local_code(settings.tokenizer, tokenizer, own),
                       add_special_tokens=settings.add_special_tokens, split_special=settings.split_special)
    status = say_md("note", lang, notes="; ".join(notes)) if notes else ""
    title = _title(settings.tokenizer, tokenizer, own, lang)
    local_html = figures.tokenization_html(local, title=title, lang=lang, pick="tokens")
    traced = TokensTraced(settings.tokenizer, local, local_html, gemma_tok, gemma_html if gemma_tok is not None else "")
    return local_html, gemma_html, boundaries, code, status, gr.Timer(active=loading), traced


@dataclass(frozen=True)
class TokensTraced:
    """What the Tokens tab drew: both tokenizations and their columns' HTML (a selection marks these)."""

    name: str  # the local tokenizer's registry name ("bpe", "upload", ...)
    local: Tokenization
    local_html: str  # the column as drawn, chips unmarked (`figures.mark_chips` marks them)
    gemma: Tokenization | None
    gemma_html: str


def upload_tokenizer(path, own, request: gr.Request = None):
    """Load an uploaded tokenizer.json in the sandbox and select it."""
    if not path:
        return own, gr.update(), ""
    try:
        handle = load_untrusted_tokenizer(Path(path).read_bytes(), name=Path(path).name)
    except ValueError as err:
        return own, gr.update(), problem(err, language(request))
    own = {**own, "upload": handle}
    return own, gr.update(value="upload"), say_md("loaded_tokenizer", language(request), name=handle.name, n=len(handle))


def build_own_bpe(source, path, vocab_size, own, request: gr.Request = None):
    """Learn a BPE from the corpus or an uploaded text and select it."""
    lang = language(request)
    try:
        if source == "corpus":
            text = corpus_text()
        elif not path:
            raise Problem("no_file")
        else:
            text = read_text_file(path, max_bytes=MAX_TRAIN_BYTES)
        vocab_size = whole_number("vocab_size", vocab_size, minimum=MIN_VOCAB_SIZE, maximum=MAX_VOCAB_SIZE)
        backend = build_bpe(text.splitlines(keepends=True), vocab_size=vocab_size)
    except ValueError as err:
        return own, gr.update(), problem(err, lang)
    tok = Tokenizer(backend=backend, name="my BPE")
    recipe = {"vocab_size": vocab_size, "file": Path(path).name if source != "corpus" else None}
    own = {**own, "trained": tok, "trained_recipe": recipe}
    return own, gr.update(value="trained"), say_md("built_bpe", lang, name=say("my_bpe", lang, n=len(tok)), n=len(text))


def token_ids_file(path=None, tokenizer: str = "bpe", add_special_tokens: bool = True, own=None,
                   request: gr.Request = None):
    """Seed step 4: encode a whole file (or the corpus) and offer token_ids.txt for download."""
    lang = language(request)
    try:
        text = read_text_file(path) if path else corpus_text()
        chosen = pick_local(tokenizer, own or {})
        ids = chosen.encode_long(text, add_special_tokens=add_special_tokens)
    except ValueError as err:
        return None, problem(err, lang)
    out = Path(tempfile.mkdtemp(prefix="minilm-")) / "token_ids.txt"
    write_token_ids(ids, out)
    name = Path(path).name if path else CORPUS.name
    label = chosen.name if tokenizer in OWN else tokenizer_entry(tokenizer).label_in(lang)
    return str(out), say_md("token_ids_made", lang, n=len(ids), file=name, chars=len(text), tokenizer=label)


def token_ids(path=None, tokenizer: str = "bpe", add_special_tokens: bool = True, request: gr.Request = None):
    """Encode a whole .txt file (or, with none, the bundled corpus) with a registered tokenizer; returns
    token_ids.txt (the ids, space-separated) and a note on what was encoded."""
    return token_ids_file(path, tokenizer, add_special_tokens, request=request)


def tokenize(text: str = EXAMPLES[0], tokenizer: str = "bpe", add_special_tokens: bool = True) -> dict:
    """Tokenize text with a local tokenizer (see `tokenizer_names`) and with Gemma 3.

    Returns {"local": {...}, "gemma": {...}}, each with ids, tokens, offsets and kinds; "gemma" is
    null while Gemma is still loading. Text is limited to 20,000 characters.
    """
    try:
        check_tokenizer(tokenizer, local_only=True)  # a visitor's own tokenizers live in their session only
        settings = TokensSettings(text=text, tokenizer=tokenizer, add_special_tokens=add_special_tokens)
        local = settings.analyze(get_tokenizer(tokenizer))
    except ValueError as err:
        raise api_error(err) from None
    try:
        gemma_tok = settings.analyze(gemma(wait=False).tokenizer)
    except Problem:
        gemma_tok = None
    return {"local": as_dict(local), "gemma": as_dict(gemma_tok) if gemma_tok else None}


def build_tokens_tab():
    """Lay out the tab; returns its text box and its `TabParts` (link fields, first render)."""
    own = gr.State({})
    gr.Markdown(T("tokens_what"), elem_classes="mlm-prose")
    local_choices = tokenizer_choices(local_only=True) + [(T("uploaded_choice"), "upload"), (T("trained_choice"), "trained")]
    with gr.Row():
        with gr.Column(scale=3):
            text = gr.Textbox(value=EXAMPLES[0], label=T("text_label"), lines=4, max_length=MAX_CHARS, elem_id="tokens-text")
            gr.Examples([[e] for e in EXAMPLES], inputs=[text], label=T("try"))
        with gr.Column(scale=2):
            tokenizer = gr.Radio(local_choices, value="bpe", label=T("local_tokenizer"), elem_id="tokens-local-choice")
            add_bos = gr.Checkbox(True, label=T("add_bos"), elem_id="tokens-add-bos")
            split_special = gr.Checkbox(False, label=T("split_special"))
            with gr.Accordion(T("own_tokenizer"), open=False):
                upload = gr.File(label=T("upload_tokenizer"), file_types=[".json"], type="filepath", elem_id="tokens-upload")
                gr.Markdown(T("train_help"))
                bpe_source = gr.Radio([(T("the_corpus"), "corpus"), (T("my_txt"), "file")], value="corpus", label=T("train_on"))
                bpe_file = gr.File(label=T("train_text"), file_types=[".txt"], type="filepath")
                vocab_size = gr.Slider(MIN_VOCAB_SIZE, 8000, value=1024, step=1, label=T("vocab_size"))
                bpe_button = gr.Button(T("train_bpe"))
                own_status = gr.Markdown(elem_id="tokens-own-status")
    status = gr.Markdown(elem_id="tokens-status")
    gr.Markdown(T("selection_help"), elem_classes="mlm-prose")
    selected = gr.Markdown(elem_id="tokens-selected")
    select_field = gr.Number(None, visible="hidden", precision=0, elem_id="mlm-select")  # the link's select=
    with gr.Row(equal_height=False):
        local_html = gr.HTML(label=T("local_tokenizer"), elem_id="tokens-local")
        gemma_html = gr.HTML(label=T("gemma3"), elem_id="tokens-gemma")
    gr.Markdown(T("boundaries_help"), elem_classes="mlm-prose")
    boundaries = gr.HTML(elem_id="tokens-boundaries")
    with gr.Accordion(T("show_code"), open=False):
        code = gr.Code(language="python", interactive=False, elem_id="tokens-code")
    with gr.Accordion(T("whole_file"), open=False):
        gr.Markdown(T("file_help"))
        with gr.Row():
            ids_source = gr.File(label=T("your_txt_or_corpus"), file_types=[".txt"], type="filepath")
            with gr.Column():
                ids_with = gr.Radio(tokenizer_choices(), value="bpe", label=T("tokenizer"))
                ids_button = gr.Button(T("make_ids"))
        ids_file = gr.File(label="token_ids.txt", interactive=False, elem_id="tokens-ids-file")
        ids_status = gr.Markdown(elem_id="tokens-ids-status")
    gr.Markdown(T("tokens_mistakes"), elem_classes="mlm-prose")
    timer = gr.Timer(1.0, active=False)

    fields = {"text": text, "tokenizer": tokenizer, "add_special_tokens": add_bos, "split_special": split_special}
    traced = gr.State(None)
    view = dict(fn=tokenize_traced, inputs=[own], inputs_kwargs=fields,
                outputs=[local_html, gemma_html, boundaries, code, status, timer, traced])
    # One event for all triggers, so "always_last" keeps a stale answer from overwriting a newer one. A load or a
    # language switch redraws through it too (`nudge`): a second view event beside it could finish out of order, as
    # the Windows and Embeddings tabs' did, and leave a link's text or tokenizer drawn with older values.
    nudge = gr.Number(visible=False)
    views = [gr.on([text.change, tokenizer.change, add_bos.change, split_special.change, timer.tick, nudge.change], **view,
                   api_name="tokenize_view", api_visibility="undocumented", show_progress="hidden", trigger_mode="always_last")]
    views.append(upload.upload(upload_tokenizer, [upload, own], [own, tokenizer, own_status], api_name="upload_tokenizer",
                               api_visibility="private").then(**view, api_name="tokenize_view_uploaded", api_visibility="private"))
    views.append(bpe_button.click(build_own_bpe, [bpe_source, bpe_file, vocab_size, own], [own, tokenizer, own_status],
                                  api_name="build_bpe", api_visibility="private",
                                  ).then(**view, api_name="tokenize_view_built", api_visibility="private"))
    ids_fields = {"path": ids_source, "tokenizer": ids_with, "add_special_tokens": add_bos}
    # The page's button may use the visitor's own tokenizers (session state, which API and MCP calls do not
    # share); the API's /token_ids, triggered by no event, offers the registered ones.
    ids_button.click(token_ids_file, inputs_kwargs={**ids_fields, "own": own}, outputs=[ids_file, ids_status],
                     api_name="token_ids_view", api_visibility="private")
    gr.on([], token_ids, inputs_kwargs=ids_fields, outputs=[ids_file, ids_status], api_name="token_ids")
    gr.api(tokenize, api_name="tokenize")
    def refresh(load):
        load.then(None, None, nudge, js="() => Date.now()", api_name="tokenize_view_load", api_visibility="private")

    shows = {"local": local_html, "gemma": gemma_html, "selected": selected}
    link = {"text": text, "tokenizer": tokenizer, "select": select_field}
    return text, TabParts(refresh, link, traced=traced, views=views, shows=shows)
