"""The Tokens tab: one text, a local tokenizer and Gemma 3 side by side, and where they cut.

Handlers turn core `ValueError`s into messages on the page (and `gr.Error` for API callers), so a
bad request leaves the next one working. Gemma loads in the background; until it is ready its
column shows progress and a timer fills it in. Not here: tokenization logic (see `minilm`).
"""

import tempfile
from pathlib import Path

import gradio as gr

from minilm import render
from minilm.assets import CORPUS, LOCAL_TOKENIZERS, corpus_text, local_tokenizer
from minilm.compare import compare_boundaries
from minilm.sandbox import load_untrusted_tokenizer
from minilm.snippets import tokens_code
from minilm.text import MAX_CHARS, clean_text, read_text_file
from minilm.token_ids import write_token_ids
from minilm.train import MAX_VOCAB_SIZE, MIN_VOCAB_SIZE, train_bpe
from minilm.ui import prose
from minilm.ui.i18n import T
from minilm.ui.links import TabParts
from minilm.ui.shared import GEMMA

LOCAL_CHOICES = [
    (T("local_bpe_choice"), "bpe"),
    (T("local_word_choice"), "word"),
    (T("uploaded_choice"), "upload"),
    (T("trained_choice"), "trained"),
]
MAX_TRAIN_BYTES = 5 * 1024 * 1024


def pick_local(choice: str, own: dict):
    """The local tokenizer for a radio choice; `own` holds this visitor's uploaded and trained ones."""
    if choice in LOCAL_TOKENIZERS:
        return local_tokenizer(choice)
    if choice in ("upload", "trained"):
        if own.get(choice) is None:
            verb = "upload a tokenizer.json" if choice == "upload" else "train a BPE"
            raise ValueError(f"There is no {choice}ed tokenizer yet: {verb} under 'Your own tokenizer' first.")
        return own[choice]
    raise ValueError(f"unknown local tokenizer {choice!r}")


def _local_code(choice: str, tokenizer) -> str:
    if choice in LOCAL_TOKENIZERS:
        return f'Tokenizer("assets/{LOCAL_TOKENIZERS[choice][0]}")'
    return f'Tokenizer("{tokenizer.name}")  # your file'


def gemma_column(text: str, add_bos: bool, split_special: bool):
    """Gemma's chips, or its loading progress; and whether the page should keep polling."""
    GEMMA.start()
    if GEMMA.value is None:
        if GEMMA.error:
            return None, render.message_html(GEMMA.error, tone="error"), False
        message = f"Gemma 3 is loading: {GEMMA.stage} ({GEMMA.elapsed:.0f} s so far)…"
        return None, render.message_html(message, tone="progress"), True
    gemma = GEMMA.value
    tok = gemma.tokenizer.analyze(text, add_special_tokens=add_bos, split_special=split_special)
    notice = render.message_html(gemma.notice) if gemma.notice else ""
    title = f"{gemma.name} · {len(gemma.tokenizer):,} tokens in its vocabulary"
    return tok, render.tokenization_html(tok, title=title) + notice, False


def tokenize_view(text, choice, add_bos, split_special, own):
    """Everything the tab shows for one text: (local, gemma, boundaries, code, status, timer)."""
    try:
        text, notes = clean_text(text)
        tokenizer = pick_local(choice, own)
        local = tokenizer.analyze(text, add_special_tokens=add_bos, split_special=split_special)
    except ValueError as err:
        message = render.message_html(str(err), tone="error")
        return message, "", "", "", f"⚠️ {err}", gr.Timer(active=False)
    gemma_tok, gemma_html, loading = gemma_column(text, add_bos, split_special)
    title = f"{tokenizer.name} · {len(tokenizer):,} tokens in its vocabulary"
    local_html = render.tokenization_html(local, title=title)
    boundaries = ""
    if gemma_tok is not None:
        diff = compare_boundaries(local, gemma_tok)
        boundaries = render.boundaries_html(diff, a_name="local", b_name="Gemma")
    if "special" in local.kinds[1:] and not split_special:
        notes.append("the text spells a special token; it became that token's id (tick 'read typed special tokens as text')")
    code = tokens_code(text, local=_local_code(choice, tokenizer), add_special_tokens=add_bos, split_special=split_special)
    status = "Note: " + "; ".join(notes) if notes else ""
    return local_html, gemma_html, boundaries, code, status, gr.Timer(active=loading)


def upload_tokenizer(path, own):
    """Load an uploaded tokenizer.json in the sandbox and select it."""
    if not path:
        return own, gr.update(), ""
    try:
        handle = load_untrusted_tokenizer(Path(path).read_bytes(), name=Path(path).name)
    except ValueError as err:
        return own, gr.update(), f"⚠️ {err}"
    own = {**own, "upload": handle}
    return own, gr.update(value="upload"), f"Loaded {handle.name}: {len(handle):,} tokens."


def train_tokenizer(source, path, vocab_size, own):
    """Train a BPE on the corpus or an uploaded text and select it."""
    try:
        if source == "corpus":
            text = corpus_text()
        elif not path:
            raise ValueError("Upload a .txt file to train on, or choose the corpus.")
        else:
            text = read_text_file(path, max_bytes=MAX_TRAIN_BYTES)
        if not MIN_VOCAB_SIZE <= vocab_size <= MAX_VOCAB_SIZE or vocab_size != int(vocab_size):
            raise ValueError(f"vocab_size must be a whole number from {MIN_VOCAB_SIZE} to {MAX_VOCAB_SIZE}")
        backend = train_bpe(text.splitlines(keepends=True), vocab_size=int(vocab_size))
    except ValueError as err:
        return own, gr.update(), f"⚠️ {err}"
    from minilm import Tokenizer

    tok = Tokenizer(backend=backend, name=f"my BPE ({backend.get_vocab_size():,} tokens)")
    return {**own, "trained": tok}, gr.update(value="trained"), f"Trained {tok.name} on {len(text):,} characters."


def token_ids_file(path, which, add_bos, own):
    """Seed step 4: encode a whole file and offer token_ids.txt for download."""
    try:
        text = read_text_file(path) if path else corpus_text()
        if which == "gemma":
            if GEMMA.start().value is None:
                raise ValueError("Gemma 3 is still loading; try again in a few seconds.")
            tokenizer = GEMMA.value.tokenizer
        else:
            tokenizer = pick_local(which, own)
        ids = tokenizer.encode_long(text, add_special_tokens=add_bos)
    except ValueError as err:
        return None, f"⚠️ {err}"
    out = Path(tempfile.mkdtemp(prefix="minilm-")) / "token_ids.txt"
    write_token_ids(ids, out)
    name = Path(path).name if path else CORPUS.name
    return str(out), f"{len(ids):,} token ids from {name} ({len(text):,} characters) with {tokenizer.name}."


def tokenize(text: str, tokenizer: str = "bpe", add_special_tokens: bool = True) -> dict:
    """Tokenize text with a local tokenizer ("bpe" or "word") and with Gemma 3.

    Returns {"local": {...}, "gemma": {...}}, each with ids, tokens, offsets and kinds; "gemma" is
    null while Gemma is still loading. Text is limited to 20,000 characters.
    """
    try:
        text, _ = clean_text(text)
        if tokenizer not in LOCAL_TOKENIZERS:
            raise ValueError(f"tokenizer must be one of {sorted(LOCAL_TOKENIZERS)}, got {tokenizer!r}")
        local = local_tokenizer(tokenizer).analyze(text, add_special_tokens=bool(add_special_tokens))
    except ValueError as err:
        raise gr.Error(str(err), print_exception=False) from None
    gemma = GEMMA.start().value  # no chips to draw here: the ids only
    gemma_tok = gemma.tokenizer.analyze(text, add_special_tokens=bool(add_special_tokens)) if gemma else None
    return {"local": _as_dict(local), "gemma": _as_dict(gemma_tok) if gemma_tok else None}


def _as_dict(tok) -> dict:
    return {
        "ids": list(tok.ids),
        "tokens": list(tok.tokens),
        "offsets": [list(o) for o in tok.offsets],
        "kinds": list(tok.kinds),
        "round_trip": tok.round_trip,
    }


def build_tokens_tab():
    """Lay out the tab; returns its text box and its `TabParts` (link fields, first render)."""
    own = gr.State({})
    gr.Markdown(T("tokens_what"), elem_classes="mlm-prose")
    with gr.Row():
        with gr.Column(scale=3):
            text = gr.Textbox(
                value=prose.EXAMPLES[0], label=T("text_label"),
                lines=4, max_length=MAX_CHARS, elem_id="tokens-text",
            )
            gr.Examples([[e] for e in prose.EXAMPLES], inputs=[text], label=T("try"))
        with gr.Column(scale=2):
            choice = gr.Radio(LOCAL_CHOICES, value="bpe", label=T("local_tokenizer"), elem_id="tokens-local-choice")
            add_bos = gr.Checkbox(True, label=T("add_bos"), elem_id="tokens-add-bos")
            split_special = gr.Checkbox(False, label=T("split_special"))
            with gr.Accordion(T("own_tokenizer"), open=False):
                upload = gr.File(label=T("upload_tokenizer"), file_types=[".json"], type="filepath")
                gr.Markdown(T("train_help"))
                train_source = gr.Radio([(T("the_corpus"), "corpus"), (T("my_txt"), "file")], value="corpus", label=T("train_on"))
                train_file = gr.File(label=T("train_text"), file_types=[".txt"], type="filepath")
                vocab_size = gr.Slider(MIN_VOCAB_SIZE, 8000, value=1024, step=1, label=T("vocab_size"))
                train_button = gr.Button(T("train_bpe"))
                own_status = gr.Markdown()
    status = gr.Markdown(elem_id="tokens-status")
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
                ids_with = gr.Radio(LOCAL_CHOICES[:2] + [(T("gemma3"), "gemma")], value="bpe", label=T("tokenizer"))
                ids_button = gr.Button(T("make_ids"))
        ids_file = gr.File(label="token_ids.txt", interactive=False)
        ids_status = gr.Markdown()
    gr.Markdown(T("tokens_mistakes"), elem_classes="mlm-prose")
    timer = gr.Timer(1.0, active=False)

    inputs = [text, choice, add_bos, split_special, own]
    outputs = [local_html, gemma_html, boundaries, code, status, timer]
    # One event for all triggers, so "always_last" keeps a stale answer from overwriting a newer one.
    gr.on([text.change, choice.change, add_bos.change, split_special.change, timer.tick], tokenize_view, inputs,
          outputs, api_name="tokenize_view", api_visibility="undocumented", show_progress="hidden",
          trigger_mode="always_last")
    upload.upload(
        upload_tokenizer, [upload, own], [own, choice, own_status], api_name="upload_tokenizer", api_visibility="private"
    ).then(tokenize_view, inputs, outputs, api_name="tokenize_view_uploaded", api_visibility="private")
    train_button.click(
        train_tokenizer, [train_source, train_file, vocab_size, own], [own, choice, own_status],
        api_name="train_tokenizer", api_visibility="private",
    ).then(tokenize_view, inputs, outputs, api_name="tokenize_view_trained", api_visibility="private")
    ids_button.click(token_ids_file, [ids_source, ids_with, add_bos, own], [ids_file, ids_status], api_name="token_ids")
    gr.api(tokenize, api_name="tokenize")
    refresh = lambda load: load.then(tokenize_view, inputs, outputs, api_name="tokenize_view_load", api_visibility="private")  # noqa: E731
    return text, TabParts(refresh, {"text": text, "tokenizer": choice})
