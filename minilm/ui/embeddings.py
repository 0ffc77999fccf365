"""The Embeddings tab: hand-made vectors, an untrained nn.Embedding, and Gemma's embed_tokens in 3D.

Not here: reading tables or projecting (`minilm.embeddings`, `minilm.embedding_lab`).
"""

from functools import lru_cache

import gradio as gr

from minilm import embeddings as emb
from minilm.assets import LOCAL_TOKENIZERS, local_tokenizer
from minilm.embedding_lab import MAX_POSITIONS, embedding_views, sentence_vectors, table_vectors
from minilm.ui import prose
from minilm.ui.i18n import T
from minilm.ui.links import TabParts
from minilm.ui.shared import GEMMA, NEIGHBOURS

SOURCES = [(T("hand_made"), "hand"), (T("random_embedding"), "random"), (T("gemma_embed"), "gemma")]
TOKENIZERS = [(T("local_bpe"), "bpe"), (T("local_word"), "word"), (T("gemma3"), "gemma")]
DEFAULT_DIMS = {"hand": "0, 1, 2", "random": "0, 1, 2", "gemma": "20, 21, 22"}
HAND_HEADERS = ["word", *emb.HAND_MADE_FEATURES]


def _tokenizer(kind: str):
    if kind in LOCAL_TOKENIZERS:
        return local_tokenizer(kind)
    if kind == "gemma":
        return _gemma().tokenizer
    raise ValueError(f"tokenizer must be one of bpe, word, gemma; got {kind!r}")


def _gemma():
    if GEMMA.start().value is None:
        raise ValueError(GEMMA.error or f"Gemma 3 is still loading ({GEMMA.stage}); try again in a few seconds.")
    return GEMMA.value


@lru_cache(maxsize=4)
def _random_table(num_embeddings: int, dim: int, seed: int):
    return emb.random_embedding(num_embeddings, dim, seed=seed)


def _hand_table(rows) -> dict:
    table = {}
    for row in rows:
        word, *values = row
        if str(word).strip():
            try:
                table[str(word).strip()] = tuple(float(v) for v in values)
            except (TypeError, ValueError):
                raise ValueError(f"the features of {word!r} must be numbers, got {values}") from None
    return table


def embeddings_view_fn(source, sentence_a, sentence_b, kind, table_for, dim, seed, dims, pca, positions, lines, hand):
    """(note, 3D scatter, heatmap, neighbour choices) for the current settings."""
    try:
        sets, title, names = _vectors(source, sentence_a, sentence_b, kind, table_for, dim, seed, positions, hand)
        scatter, heatmap, note = embedding_views(sets, dims=dims, pca=pca, lines=lines, axis_names=names, title=title)
    except ValueError as err:
        return f"⚠️ {err}", None, None, gr.update(choices=[], value=None)
    choices = [(f"{s.name} #{i}: {t}", f"{k}:{i}") for k, s in enumerate(sets) for i, t in enumerate(s.tokens)]
    return f"{title}. {note}".strip(" ."), scatter, heatmap, gr.update(choices=choices, value=choices[0][1] if choices else None)


def _vectors(source, sentence_a, sentence_b, kind, table_for, dim, seed, positions, hand):
    if source == "hand":
        return [table_vectors(_hand_table(hand))], "hand-made vectors (seed 6.1)", emb.HAND_MADE_FEATURES
    texts = [("A", sentence_a)] + ([("B", sentence_b)] if sentence_b and sentence_b.strip() else [])
    if source == "gemma":
        gemma = _gemma()
        if positions:
            raise ValueError(prose.GEMMA_NO_POSITIONS)
        embed = lambda ids: emb.gemma_embed_tokens(gemma, ids)  # noqa: E731
        sets = [sentence_vectors(t, name=n, tokenizer=gemma.tokenizer, embed=embed) for n, t in texts]
        return sets, emb.gemma_table_name(gemma), None
    if source != "random":
        raise ValueError(f"unknown source {source!r}")
    from minilm.windows import whole_number

    dim, seed = whole_number("embedding_dim", dim), whole_number("seed", seed, minimum=0)
    if not 2 <= dim <= 64:
        raise ValueError(f"embedding_dim must be from 2 to 64 here, got {dim}")
    vocab = len(_tokenizer(table_for))
    table = _random_table(vocab, dim, seed)
    name = f"nn.Embedding({vocab:,}, {dim}) for the {table_for} tokenizer, seed {seed}, untrained"
    embed = lambda ids: emb.embed_with(table, ids, tokenizer_name=f"the {kind} tokenizer", table_name=name)  # noqa: E731
    pos = _random_table(MAX_POSITIONS, dim, seed + 1) if positions else None
    add_positions = (lambda n: pos.weight[:n].detach()) if pos is not None else None
    sets = [sentence_vectors(t, name=n, tokenizer=_tokenizer(kind), embed=embed, positions=add_positions) for n, t in texts]
    return sets, name, None


def neighbours_fn(source, choice, sentence_a, sentence_b, kind, table_for, dim, seed, positions, hand, k=10):
    """The nearest tokens to the chosen one, by cosine in the full space of its table."""
    try:
        if not choice:
            raise ValueError("choose a token first")
        sets, _, _ = _vectors(source, sentence_a, sentence_b, kind, table_for, dim, seed, positions, hand)
        which, i = (int(p) for p in choice.split(":"))
        chosen = sets[which]
        vector = chosen.vectors[i]
        if source == "gemma":
            if NEIGHBOURS.start().value is None:
                raise ValueError(NEIGHBOURS.error or f"the neighbour index is being built ({NEIGHBOURS.stage}); try again in a few seconds.")
            tok = _gemma().tokenizer
            found = NEIGHBOURS.value.nearest(vector, k, exclude=chosen.ids[i])
            return [[tok.backend.id_to_token(j), j, round(c, 4)] for j, c in found], ""
        rows, labels = _all_rows(source, chosen, kind, table_for, dim, seed, hand)
        import torch

        cos = torch.nn.functional.normalize(rows.float(), dim=1) @ torch.nn.functional.normalize(vector.float(), dim=0)
        order = [j for j in torch.argsort(cos, descending=True).tolist() if j != chosen.ids[i]][:k]
        return [[labels(j), j, round(float(cos[j]), 4)] for j in order], ""
    except ValueError as err:
        return [], f"⚠️ {err}"


def _all_rows(source, chosen, kind, table_for, dim, seed, hand):
    if source == "hand":
        vectors = table_vectors(_hand_table(hand))
        return vectors.vectors, lambda j: vectors.tokens[j]
    tok = _tokenizer(table_for)
    table = _random_table(len(tok), int(dim), int(seed))  # validated by _vectors just before
    return table.weight.detach(), tok.backend.id_to_token


def embed(text: str, source: str = "gemma", dims: str = "20, 21, 22") -> dict:
    """Embed the tokens of `text` with Gemma 3's embed_tokens ("gemma") or a seeded 4-d nn.Embedding
    for the local BPE ("random"). Returns tokens, ids, the table's name, each vector's norm, the
    three chosen dimensions of each vector and the full vectors."""
    try:
        if source not in ("gemma", "random"):
            raise ValueError(f"source must be gemma or random, got {source!r}")
        sets, title, _ = _vectors(source, text, "", "gemma" if source == "gemma" else "bpe", "bpe", 4, 0, False, [])
        from minilm.projection import project_dims

        points = project_dims(sets[0].vectors, dims).points
    except ValueError as err:
        raise gr.Error(str(err), print_exception=False) from None
    s = sets[0]
    return {"table": title, "tokens": list(s.tokens), "ids": list(s.ids), "norms": s.vectors.norm(dim=1).tolist(),
            "points": [list(p) for p in points], "vectors": s.vectors.tolist()}


def build_embeddings_tab():
    gr.Markdown(T("embeddings_what"), elem_classes="mlm-prose")
    with gr.Row():
        with gr.Column(scale=3):
            source = gr.Radio(SOURCES, value="random", label=T("vectors_from"), elem_id="emb-source")
            sentence_a = gr.Textbox(prose.EMBEDDINGS_A, label=T("sentence_a"), elem_id="emb-a")
            sentence_b = gr.Textbox(prose.EMBEDDINGS_B, label=T("sentence_b"), elem_id="emb-b")
            hand = gr.Dataframe(
                [[w, *v] for w, v in emb.HAND_MADE_VECTORS.items()], headers=HAND_HEADERS, interactive=True,
                label=T("hand_table"), visible=False, datatype=["str"] + ["number"] * 4,
            )
        with gr.Column(scale=2):
            kind = gr.Radio(TOKENIZERS, value="bpe", label=T("tokenize_with"), elem_id="emb-kind")
            table_for = gr.Radio(TOKENIZERS, value="bpe", label=T("rows_for"), elem_id="emb-rows")
            with gr.Row():
                dim = gr.Slider(2, 64, value=4, step=1, label="embedding_dim")
                seed = gr.Number(0, precision=0, label="seed", minimum=0)
            with gr.Row():
                dims = gr.Textbox(DEFAULT_DIMS["random"], label=T("dims"), elem_id="emb-dims")
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
        neighbours = gr.Dataframe(headers=["token", "id", "cosine"], label=T("neighbours"),
                                  interactive=False, elem_id="emb-neighbours")
    gr.Markdown(T("embeddings_mistakes"), elem_classes="mlm-prose")

    settings = [sentence_a, sentence_b, kind, table_for, dim, seed]
    inputs = [source, *settings, dims, pca, positions, lines, hand]
    outputs = [note, scatter, heatmap, token]

    def switch(src):
        return gr.update(value=DEFAULT_DIMS[src]), gr.update(visible=src == "hand")

    neighbour_args = dict(fn=neighbours_fn, inputs=[source, token, *settings, positions, hand],
                          outputs=[neighbours, neighbour_note], api_visibility="undocumented")
    # User choices only (links set the source themselves): new default dims first, then the view.
    source.input(switch, source, [dims, hand], api_name="emb_switch", api_visibility="private").then(
        embeddings_view_fn, inputs, outputs, api_name="embeddings_view_switch", api_visibility="private"
    ).then(api_name="neighbours_after_switch", **neighbour_args)
    gr.on([sentence_a.submit, sentence_b.submit, kind.change, table_for.change, dim.release,
           seed.submit, dims.submit, pca.change, positions.change, lines.change, hand.input],
          embeddings_view_fn, inputs, outputs, api_name="embeddings_view", api_visibility="undocumented",
          trigger_mode="always_last").then(api_name="neighbours_after_view", **neighbour_args)
    token.input(api_name="neighbours", **neighbour_args)
    gr.api(embed, api_name="embed")
    def refresh(load):
        load.then(embeddings_view_fn, inputs, outputs, api_name="embeddings_view_load", api_visibility="private").then(
            api_name="neighbours_after_load", **neighbour_args)

    return TabParts(refresh, {"source": source, "dims": dims, "dim": dim})
