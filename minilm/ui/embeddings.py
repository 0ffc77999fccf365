"""The Embeddings tab: hand-made vectors, an untrained nn.Embedding, and Gemma's embed_tokens in 3D.

Handlers read the tab's `EmbeddingSettings`. Not here: which vectors, their neighbours, the figures
(`minilm.embeddings.vectors`, `minilm.embeddings.figures`).
"""

import gradio as gr

from minilm.embeddings.figures import embedding_figures
from minilm.embeddings.projection import project_dims
from minilm.embeddings.settings import DEFAULT_DIMS, HAND_FEATURES, HAND_MADE, MAX_EMBEDDING_DIM, EmbeddingSettings
from minilm.embeddings.vectors import neighbours, vector_sets
from minilm.lang import EMBEDDINGS_A, EMBEDDINGS_B, Problem, say
from minilm.ui.loaders import NEIGHBOURS
from minilm.ui.page import T, TabParts, api_error, language, problem, tokenizer_choices

VECTORS = (("hand_made", "hand"), ("random_embedding", "random"), ("gemma_embed", "gemma"))


def embeddings_view(request: gr.Request = None, **values):
    """(note, 3D scatter, heatmap, neighbour choices) for the current settings."""
    lang = language(request)
    try:
        settings = EmbeddingSettings(**values)
        shown = vector_sets(settings, wait=False, lang=lang)
        scatter, heatmap, note = embedding_figures(list(shown.sets), dims=settings.dims, pca=settings.pca,
                                                   lines=settings.lines, axis_names=shown.axis_names, title=shown.title)
    except ValueError as err:
        return problem(err, lang), None, None, gr.update(choices=[], value=None)
    choices = [(f"{s.name} #{i}: {t}", f"{k}:{i}") for k, s in enumerate(shown.sets) for i, t in enumerate(s.tokens)]
    return f"{shown.title}. {note}".strip(" ."), scatter, heatmap, gr.update(choices=choices, value=choices[0][1])


def neighbours_view(token: str | None = None, request: gr.Request = None, **values):
    """The nearest tokens to the chosen one ("set:position"), by cosine in the full space of its table."""
    lang = language(request)
    try:
        if not token:
            raise Problem("choose_token")
        settings = EmbeddingSettings(**values)
        which, i = (int(p) for p in token.split(":"))
        chosen = vector_sets(settings, wait=False, lang=lang).sets[which]
        index = NEIGHBOURS.ready() if settings.vectors == "gemma" else None
        found = neighbours(settings, chosen, i, index=index, wait=False)
    except ValueError as err:
        return [], problem(err, lang)
    return [list(row) for row in found], ""


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
            text = gr.Textbox(EMBEDDINGS_A, label=T("sentence_a"), elem_id="emb-a")
            text_b = gr.Textbox(EMBEDDINGS_B, label=T("sentence_b"), elem_id="emb-b")
            hand = gr.Dataframe(
                [[w, *v] for w, v in HAND_MADE], headers=["word", *(say(f"feature_{f}") for f in HAND_FEATURES)],
                interactive=True, label=T("hand_table"), visible=False, datatype=["str"] + ["number"] * 4,
            )
        with gr.Column(scale=2):
            tokenizer = gr.Radio(tokenizer_choices(), value="bpe", label=T("tokenize_with"), elem_id="emb-kind")
            table_tokenizer = gr.Radio(tokenizer_choices(), value="bpe", label=T("rows_for"), elem_id="emb-rows")
            with gr.Row():
                embedding_dim = gr.Slider(2, MAX_EMBEDDING_DIM, value=4, step=1, label="embedding_dim")
                seed = gr.Number(0, precision=0, label="seed", minimum=0)
            with gr.Row():
                dims = gr.Textbox("0, 1, 2", label=T("dims"), elem_id="emb-dims")
                pca = gr.Checkbox(False, label=T("pca"))
            with gr.Row():
                positions = gr.Checkbox(False, label=T("positions"))
                lines = gr.Checkbox(False, label=T("lines"))
    note = gr.Markdown(elem_id="emb-note")
    with gr.Row():
        scatter = gr.Plot(label=T("scatter"), elem_id="emb-scatter")
        heatmap = gr.Plot(label=T("heatmap"), elem_id="emb-heatmap")
    with gr.Row():
        with gr.Column(scale=1):
            token = gr.Dropdown(label=T("neighbours_of"), choices=[], elem_id="emb-token")
            neighbour_note = gr.Markdown()
        neighbour_table = gr.Dataframe(headers=["token", "id", "cosine"], label=T("neighbours"),
                                       interactive=False, elem_id="emb-neighbours")
    gr.Markdown(T("embeddings_mistakes"), elem_classes="mlm-prose")

    fields = {"vectors": vectors, "text": text, "text_b": text_b, "tokenizer": tokenizer, "table_tokenizer": table_tokenizer,
              "embedding_dim": embedding_dim, "seed": seed, "dims": dims, "pca": pca, "positions": positions,
              "lines": lines, "hand": hand}
    view = dict(fn=embeddings_view, inputs_kwargs=fields, outputs=[note, scatter, heatmap, token])
    near = dict(fn=neighbours_view, inputs_kwargs={**fields, "token": token}, outputs=[neighbour_table, neighbour_note],
                api_visibility="undocumented")

    def switch(chosen):
        return gr.update(value=", ".join(map(str, DEFAULT_DIMS[chosen]))), gr.update(visible=chosen == "hand")

    # User choices only (links set the vectors themselves): new default dims first, then the view.
    vectors.input(switch, vectors, [dims, hand], api_name="emb_switch", api_visibility="private").then(
        **view, api_name="embeddings_view_switch", api_visibility="private"
    ).then(api_name="neighbours_after_switch", **near)
    gr.on([text.submit, text_b.submit, tokenizer.change, table_tokenizer.change, embedding_dim.release,
           seed.submit, dims.submit, pca.change, positions.change, lines.change, hand.input],
          **view, api_name="embeddings_view", api_visibility="undocumented",
          trigger_mode="always_last").then(api_name="neighbours_after_view", **near)
    token.input(api_name="neighbours", **near)
    gr.api(embed, api_name="embed")

    def refresh(load):
        load.then(**view, api_name="embeddings_view_load", api_visibility="private").then(
            api_name="neighbours_after_load", **near)

    return TabParts(refresh, {"vectors": vectors, "dims": dims, "embedding_dim": embedding_dim})
