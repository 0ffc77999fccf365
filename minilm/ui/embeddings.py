"""The Embeddings tab: hand-made vectors, an untrained nn.Embedding, and Gemma's embed_tokens in 3D.

Handlers read the tab's `EmbeddingSettings` and answer in the visitor's language; what a visitor typed
reaches the page only as literal text (Markdown escaped, Plotly text escaped by the figures).
Not here: which vectors, their neighbours, the figures (`minilm.embeddings.vectors`, `minilm.embeddings.figures`).
"""

from dataclasses import dataclass

import gradio as gr

from minilm.embeddings.figures import embedding_figures
from minilm.embeddings.projection import parse_dims, project_dims
from minilm.embeddings.settings import (DEFAULT_DIMS, HAND_FEATURES, HAND_MADE, MAX_EMBEDDING_DIM, EmbeddingSettings,
                                        hand_rows, unused_fields)
from minilm.embeddings.snippets import embeddings_code
from minilm.embeddings.vectors import VectorSets, feature_names, neighbours, vector_sets
from minilm.lang import EMBEDDINGS_A, EMBEDDINGS_B, Problem, number, say
from minilm.text import markdown_literal
from minilm.tokens.figures import visible
from minilm.ui.loaders import NEIGHBOURS
from minilm.ui.page import T, TabParts, api_error, language, problem, say_md, tokenizer_choices
from minilm.ui.plot import Plot

VECTORS = (("hand_made", "hand"), ("random_embedding", "random"), ("gemma_embed", "gemma"))
# The inputs whose use depends on the chosen vectors, in the order `controls_view` updates them.
CONTROLLED = ("text", "text_b", "tokenizer", "table_tokenizer", "embedding_dim", "seed", "positions", "dims")
HINTS = {"text": "emb_live_info", "text_b": "emb_live_info", "embedding_dim": "emb_a3_dim_info", "dims": "emb_dims_info"}


def embeddings_view(request: gr.Request = None, **values):
    """(note, 3D scatter, heatmap, neighbour choices, A3's fix button) for the current settings."""
    return embeddings_traced(request, **values)[:-1]


@dataclass(frozen=True)
class EmbeddingsTraced:
    """What the Embeddings tab drew, for a selection to mark again without embedding: its settings,
    vectors, figures, and the tokenizer that cut its sentences (None for the hand-made table)."""

    settings: EmbeddingSettings
    shown: VectorSets
    scatter: dict  # the figures as dicts: marks copy them in microseconds
    heatmap: dict
    tokenizer: str | None


def embeddings_traced(request: gr.Request = None, **values):
    """`embeddings_view`'s outputs, then an `EmbeddingsTraced` (None after an error)."""
    lang = language(request)
    try:
        settings = EmbeddingSettings(**values)
        shown = vector_sets(settings, wait=False, lang=lang)
        scatter, heatmap, notes = embedding_figures(list(shown.sets), dims=settings.dims, pca=settings.pca, lines=settings.lines,
                                                    axis_names=shown.axis_names, title=shown.title_lines, lang=lang)
    except ValueError as err:
        return problem(err, lang), None, None, gr.update(choices=[], value=None), a3_button(err, lang), None
    choices = [(say("emb_token_choice", lang, name=s.name, i=i, token=visible(t)), f"{k}:{i}")
               for k, s in enumerate(shown.sets) for i, t in enumerate(s.tokens)]
    note = "\n\n".join([markdown_literal(shown.title)] + [say_md(n.key, lang, **n.values) for n in (*shown.notes, *notes)])
    cut_by = {"hand": None, "gemma": "gemma"}.get(settings.vectors, settings.tokenizer)
    traced = EmbeddingsTraced(settings, shown, scatter.to_dict(), heatmap.to_dict(), cut_by)
    return note, scatter, heatmap, gr.update(choices=choices, value=choices[0][1]), gr.update(visible=False), traced


def embeddings_code_view(**values) -> str:
    """The code that reproduces the tab for these settings; empty while they are wrong (the note says why)."""
    try:
        return embeddings_code(EmbeddingSettings(**values))
    except ValueError:
        return ""


def embeddings_shown(request: gr.Request = None, **values):
    """`embeddings_traced`'s outputs, the code, and the neighbours of the token it picks (the first), in
    one event: every event costs the page a walk over all its outputs (bench/page_latency.py)."""
    shown = embeddings_traced(request, **values)
    token, traced = shown[3].get("value"), shown[-1]  # the dropdown's first token; None (both) after an error
    near = _neighbours(token, lambda: (traced.settings, traced.shown), language(request))
    return *shown, embeddings_code_view(**values), *near


def a3_button(err: Exception, lang: str):
    """A3 with dims beyond embedding_dim: one click sets the smallest embedding_dim that has them."""
    if getattr(err, "key", None) != "emb_a3_dims":
        return gr.update(visible=False)
    return gr.update(visible=True, value=say("emb_a3_fix", lang, needed=err.values["needed"]))


def a3_fix(dims: str) -> int:
    """The embedding_dim the A3 button sets: one more than the largest dimension asked for."""
    return min(max(parse_dims(dims)) + 1, MAX_EMBEDDING_DIM)


def neighbours_view(token: str | None = None, request: gr.Request = None, **values):
    """The nearest tokens to the chosen one ("set:position"), by cosine in the full space of its table."""
    lang = language(request)

    def shown():
        settings = EmbeddingSettings(**values)
        return settings, vector_sets(settings, wait=False, lang=lang)

    return _neighbours(token, shown, lang)


def _neighbours(token: str | None, shown, lang: str):
    """(table, note) for `token` of the vectors `shown()` gives as (settings, VectorSets)."""
    import pandas as pd

    headers = [say(k, lang) for k in ("emb_col_token", "emb_col_id", "emb_col_cosine")]
    try:
        if not token:
            raise Problem("choose_token")
        settings, vectors = shown()
        which, i = (int(p) for p in token.split(":"))
        index = NEIGHBOURS.ready() if settings.vectors == "gemma" else None
        found = neighbours(settings, vectors.sets[which], i, index=index, wait=False)
    except ValueError as err:
        return pd.DataFrame([], columns=headers), problem(err, lang)
    rows = [[visible(t), j, number(c, lang, ".3f")] for t, j, c in found]
    return pd.DataFrame(rows, columns=headers), ""


def hand_table(value, lang: str):
    """The hand-made table with its headers in `lang` (the guide's Sertlik, Parlaklık, Kırmızılık);
    None while the learner's edits do not read as a table (they stay as typed)."""
    import pandas as pd

    try:
        rows = hand_rows(value)
    except ValueError:
        return None
    headers = [say("emb_col_word", lang), *feature_names(len(rows[0][1]), lang)]
    return pd.DataFrame([[w, *f] for w, f in rows], columns=headers)


def controls_view(vectors: str, pca: bool, hand=None, request: gr.Request = None):
    """Disable what the chosen vectors leave unread, saying why; show the hand table only for "hand"."""
    lang = language(request)
    unused = unused_fields(vectors if vectors in DEFAULT_DIMS else "random", pca=bool(pca))
    updates = []
    for name in CONTROLLED:
        reason = unused.get(name)
        info = say(reason, lang) if reason else (say(HINTS[name], lang) if name in HINTS else "")
        update = gr.update(interactive=reason is None, info=info)
        if name == "positions" and reason:
            update = gr.update(interactive=False, info=info, value=False)
        updates.append(update)
    table = hand_table(HAND_MADE if hand is None else hand, lang)
    return [*updates, gr.update(visible=vectors == "hand") if table is None else gr.update(visible=vectors == "hand", value=table)]


def embed(text: str = EMBEDDINGS_A, vectors: str = "gemma", dims: str = "20, 21, 22") -> dict:
    """Embed the tokens of `text` with Gemma 3's embed_tokens ("gemma") or a seeded 4-d nn.Embedding
    for the local BPE ("random"). Returns tokens, ids, the table's name, each vector's norm, the
    three chosen dimensions of each vector and the full vectors."""
    try:
        if vectors not in ("gemma", "random"):
            raise Problem("not_choice", name="vectors", options="gemma, random", value=repr(vectors))
        settings = EmbeddingSettings(vectors=vectors, text=text, text_b="", dims=dims)
        shown = vector_sets(settings, wait=False)
        s = shown.sets[0]
        points = project_dims(s.vectors, settings.dims).points
    except ValueError as err:
        raise api_error(err) from None
    return {"table": shown.title, "tokens": list(s.tokens), "ids": list(s.ids), "norms": s.vectors.norm(dim=1).tolist(),
            "points": [list(p) for p in points], "vectors": s.vectors.tolist()}


def build_embeddings_tab():
    gr.Markdown(T("embeddings_what"), elem_classes="mlm-prose")
    with gr.Row():
        with gr.Column(scale=3):
            vectors = gr.Radio([(T(label), value) for label, value in VECTORS], value="random", label=T("vectors_from"),
                               elem_id="emb-source")
            text = gr.Textbox(EMBEDDINGS_A, label=T("sentence_a"), info=T("emb_live_info"), elem_id="emb-a")
            text_b = gr.Textbox(EMBEDDINGS_B, label=T("sentence_b"), info=T("emb_live_info"), elem_id="emb-b")
            hand = gr.Dataframe(hand_table(HAND_MADE, "en"), interactive=True, label=T("hand_table"), visible=False,
                                datatype=["str"] + ["number"] * len(HAND_FEATURES), elem_id="emb-hand")
        with gr.Column(scale=2):
            tokenizer = gr.Radio(tokenizer_choices(), value="bpe", label=T("tokenize_with"), elem_id="emb-tokenizer")
            table_tokenizer = gr.Radio(tokenizer_choices(), value="bpe", label=T("rows_for"), elem_id="emb-rows")
            with gr.Row():
                embedding_dim = gr.Slider(2, MAX_EMBEDDING_DIM, value=4, step=1, label="embedding_dim",
                                          info=T("emb_a3_dim_info"), elem_id="emb-dim")
                seed = gr.Number(0, label="seed", elem_id="emb-seed")  # no rounding, no bounds: the core says what is wrong (3.5, -1)
            with gr.Row():
                dims = gr.Textbox("0, 1, 2", label=T("dims"), info=T("emb_dims_info"), elem_id="emb-dims")
                pca = gr.Checkbox(False, label=T("pca"), elem_id="emb-pca")
            with gr.Row():
                positions = gr.Checkbox(False, label=T("positions"), elem_id="emb-positions")
                lines = gr.Checkbox(False, label=T("lines"))
    note = gr.Markdown(elem_id="emb-note")
    fix = gr.Button(visible=False, variant="primary", size="sm", elem_id="emb-a3-fix")
    with gr.Row():
        scatter = Plot(label=T("scatter"), elem_id="emb-scatter")
        heatmap = Plot(label=T("heatmap"), elem_id="emb-heatmap")
    with gr.Accordion(T("show_code"), open=False):
        code = gr.Code(language="python", interactive=False, elem_id="emb-code")
    with gr.Row():
        with gr.Column(scale=1):
            token = gr.Dropdown(label=T("neighbours_of"), choices=[], elem_id="emb-token")
            neighbour_note = gr.Markdown()
        neighbour_table = gr.Dataframe(headers=["token", "id", "cosine"], label=T("neighbours"),
                                       interactive=False, elem_id="emb-neighbours")
    with gr.Row():
        selected = gr.Markdown(elem_id="emb-selected")
        selected_near = gr.HTML(elem_id="emb-selected-neighbours")
    gr.Markdown(T("embeddings_mistakes"), elem_classes="mlm-prose")

    fields = {"vectors": vectors, "text": text, "text_b": text_b, "tokenizer": tokenizer, "table_tokenizer": table_tokenizer,
              "embedding_dim": embedding_dim, "seed": seed, "dims": dims, "pca": pca, "positions": positions,
              "lines": lines, "hand": hand}
    traced = gr.State(None)
    view = dict(fn=embeddings_shown, inputs_kwargs=fields,
                outputs=[note, scatter, heatmap, token, fix, traced, code, neighbour_table, neighbour_note])
    near = dict(fn=neighbours_view, inputs_kwargs={**fields, "token": token}, outputs=[neighbour_table, neighbour_note],
                api_visibility="undocumented")
    controls = dict(fn=controls_view, inputs=[vectors, pca, hand], outputs=[*(fields[k] for k in CONTROLLED), hand],
                    api_visibility="private", show_progress="hidden")

    def switch(chosen):
        return gr.update(value=", ".join(map(str, DEFAULT_DIMS.get(chosen, (0, 1, 2)))))

    # User choices only (links set the vectors themselves): new default dims, which the view follows.
    vectors.input(switch, vectors, dims, api_name="emb_switch", api_visibility="private", show_progress="hidden")
    # Not deferred ("multiple"): it shares two triggers with the view, and gradio 6.31 reruns a deferred
    # ("always_last") listener by firing its trigger again for every listener of it, so two deferred
    # listeners of one change kept deferring each other and the page never went idle.
    gr.on([vectors.change, pca.change], **controls, api_name="emb_controls", trigger_mode="multiple")
    # One deferred listener for every field: typing (and dragging) redraws as it goes, dropping the values
    # a busy server has not reached yet, and a view never overwrites a later one (two listeners could
    # finish out of order and leave the page showing older settings). It brings the code and the neighbours.
    # A load or a language switch redraws through it too (`nudge`): a link sets dims and embedding_dim at once, and
    # gradio 6.31 runs this listener for both side by side (one read embedding_dim 4); the load's own view did not
    # wait for that one, which could finish last: A3's error instead of the link's plot, 5 loads in 104 in Chromium.
    nudge = gr.Number(visible=False)
    viewed = gr.on([vectors.change, text.change, text_b.change, dims.change, seed.change, embedding_dim.change,
                    tokenizer.change, table_tokenizer.change, pca.change, positions.change, lines.change, hand.input,
                    nudge.change],
                   **view, api_name="embeddings_view", api_visibility="undocumented", trigger_mode="always_last",
                   show_progress="minimal")
    views = [viewed]
    fix.click(a3_fix, dims, embedding_dim, api_name="emb_a3_fix", api_visibility="private")
    token.input(api_name="neighbours", **near)
    gr.api(embed, api_name="embed")

    def refresh(load):
        # The nudge after the controls, so the view reads what they write (positions off where the vectors have none).
        controlled = load.then(**controls, api_name="emb_controls_load")
        controlled.then(None, None, nudge, js="() => Date.now()", api_name="embeddings_view_load",
                        api_visibility="private")

    shows = {"scatter": scatter, "heatmap": heatmap, "selected": selected, "neighbours": selected_near, "table": neighbour_table}
    return TabParts(refresh, {"vectors": vectors, "dims": dims, "embedding_dim": embedding_dim}, traced=traced, views=views,
                    shows=shows)
