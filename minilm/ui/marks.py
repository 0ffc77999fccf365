"""What each tab marks for one selected token, redrawn from what the tab drew (its "traced" state).

`marks(selection, tokens, windows, embeddings, model, drawn)` gives every update in `SHOWN`'s order:
both chip columns, the windows holding the token and the stream's `selected` trace, the 3D ring, the
heatmap's box and the neighbours, and with a trained model its next tokens, each head's attention row
and the before/after ring; the Embeddings tab marks its own pick instead, when it has one (`picked`).
A tab that has not drawn (or cannot, Gemma still loading) keeps its picture.
Not here: how a click becomes a selection (`minilm.ui.selection`).
"""

from __future__ import annotations

import gradio as gr

from minilm.embeddings.selection import VocabPick, mark_heatmap, mark_scatter, matching_points, points_with_id, twin_in_b
from minilm.lang import number, say, words
from minilm.tokens import figures as token_figures
from minilm.tokens.figures import escape, visible
from minilm.tokens.registry import get_tokenizer, tokenizer_entry
from minilm.tokens.selection import Selection, covering
from minilm.ui.page import language, say_md
from minilm.windows import figures as window_figures
from minilm.windows.selection import window_hits, window_ids

LOCAL = "local"  # a link's selection: the Tokens tab's local tokenizer, whichever it is once the text is cut
NEIGHBOURS = 10


def streams(tokens, windows) -> dict:
    """Every tokenization of the current text the tabs hold, by tokenizer name."""
    found = {}
    if windows is not None and windows.tok is not None:
        # The Windows tab's stream by its own key too: with <bos> unticked in Tokens, the same tokenizer's
        # positions differ by one there, so it is reached through characters like any other stream.
        found[windows.tokenizer] = found["windows"] = windows.tok
    if tokens is not None:
        if tokens.gemma is not None:
            found["gemma"] = tokens.gemma
        found[tokens.name] = found[LOCAL] = tokens.local
    return found


def positions_in(selection: Selection | None, held: dict, name: str) -> tuple[int, ...]:
    """The positions of tokenizer `name`'s stream that stand for the selected token."""
    if selection is None or name not in held or selection.tokenizer not in held:
        return ()
    source, target = held[selection.tokenizer], held[name]
    if source is target or selection.tokenizer == name:
        return (selection.position,) if selection.position < len(target.ids) else ()
    return covering(source, selection.position, target)


SHOWN = ("local", "gemma", "tokens_note", "pairs", "windows_note", "stream", "scatter", "heatmap", "emb_note", "neighbours",
         "train_text", "train_note", "train_next", "attention", "before_after")  # what `marks` updates, in order


def marks(selection, tokens, windows, embeddings, model, drawn=None, request: gr.Request = None, *,
          picked: VocabPick | None = None) -> list:
    """Updates for [tokens: local, gemma, note; windows: pairs, note, stream; embeddings: scatter,
    heatmap, note, neighbours; train: text, note, next tokens, attention, embeddings before/after]
    (`drawn`: the before/after figure as a dict; `picked`: the Embeddings tab's own pick)."""
    lang = language(request)
    held = streams(tokens, windows)
    parts = ((_tokens_marks, (selection, tokens, held, lang), 3), (_windows_marks, (selection, windows, held, lang), 3),
             (_embeddings_marks, (selection, embeddings, held, lang, picked), 4),
             (_train_marks, (selection, tokens, model, held, lang), 4), (_before_after_marks, (selection, tokens, model, drawn, held), 1))
    out = []
    for draw, args, n in parts:
        try:
            out += draw(*args)
        except ValueError:  # Gemma still loading for a tab that uses it: that tab keeps its picture, the others move
            out += [gr.update()] * n
    return out


def _tokens_marks(selection, tokens, held, lang):
    if tokens is None or selection is None:
        return [gr.update()] * 3
    local_html = token_figures.mark_chips(tokens.local_html, "tokens", positions_in(selection, held, tokens.name))
    gemma_html = gr.update()
    if tokens.gemma is not None:
        gemma_html = token_figures.mark_chips(tokens.gemma_html, "gemma", positions_in(selection, held, "gemma"))
    windows_name = next((k for k, v in held.items() if v is held.get("windows") and k != "windows"), tokens.name)
    return [local_html, gemma_html, _selected_note(selection, held, lang, tokens.name, windows_name)]


def _label(name: str, lang: str) -> str:
    try:
        return tokenizer_entry(name).label_in(lang)
    except ValueError:
        return name  # a visitor's own tokenizer: shown literally (say_md escapes it)


def _selected_note(selection, held, lang, tokens_name: str, windows_name: str | None) -> str:
    tok = held.get(selection.tokenizer)
    if tok is None or selection.position >= len(tok.ids):
        return say("selected_none", lang)
    i = selection.position
    name = {LOCAL: tokens_name, "windows": windows_name}.get(selection.tokenizer, selection.tokenizer)
    note = say_md("selected_token", lang, i=i, token=visible(tok.tokens[i]), id=tok.ids[i], tokenizer=_label(name, lang))
    other = "gemma" if selection.tokenizer != "gemma" else tokens_name
    if other in held:
        note += " " + say("selected_covered", lang, n=len(positions_in(selection, held, other)))
    return note


def _windows_marks(selection, windows, held, lang):
    if windows is None or selection is None:
        return [gr.update()] * 3
    if windows.tok is None:
        return [gr.update(), say("sel_windows_other_source", lang), gr.update()]
    found = positions_in(selection, held, "windows")
    if not found:
        return [gr.update(), say("sel_windows_elsewhere", lang), gr.update()]
    p, stats = found[0], windows.stats
    hits = window_hits(p, n_tokens=stats.n_tokens, context_length=stats.context_length, stride=stats.stride,
                       keep_tail=stats.n_padded > 0)
    shown = hits.shown[: window_figures.MAX_PAIRS]
    rows = [window_ids(windows.ids, k, context_length=stats.context_length, stride=stats.stride) for k in shown]
    tokenizer = get_tokenizer(windows.tokenizer, wait=False)
    pairs = window_figures.pairs_html([x for x, _ in rows], [y for _, y in rows], tokenizer.id_to_token, mistake=windows.mistake,
                                      total=len(hits.shown), lang=lang, stride=stats.stride, windows=shown, selected=p)
    note = say_md("sel_windows", lang, i=p, token=visible(windows.tok.tokens[p]), x=len(hits.inputs), n=hits.n_windows,
                  y=len(hits.targets))
    drawn = len(windows.stream["data"][1]["x"])  # the picture shows the stream's start only
    if p >= drawn:
        note += " " + say("sel_stream_beyond", lang, n=drawn)
    return [pairs, note, plot(window_figures.mark_stream(windows.stream, p))]


def _embeddings_marks(selection, embeddings, held, lang, picked: VocabPick | None):
    if embeddings is None or embeddings.tokenizer is None or (selection is None and picked is None):
        return [gr.update()] * 4
    if picked is not None and picked.tokenizer == embeddings.tokenizer:
        token_id = picked.token_id
    else:  # the selection's token; a pick among another tokenizer's ids (the tab has changed since) is not this tab's
        picked = None
        found = positions_in(selection, held, embeddings.tokenizer)
        if not found:
            return [plot(embeddings.scatter), plot(embeddings.heatmap), say("sel_emb_other_tokenizer", lang), ""]
        token_id = held[embeddings.tokenizer].ids[found[0]]
    text = held.get(embeddings.tokenizer)  # the Tokens tab's text in this tab's tokenizer, as it is now
    return _embeddings_for(token_id, embeddings, lang, outside=picked is not None and (text is None or token_id not in text.ids))


def selection_id(selection, held):
    tok = held.get(selection.tokenizer) if selection else None
    return tok.ids[selection.position] if tok is not None and selection.position < len(tok.ids) else None


def _embeddings_for(token_id: int, embeddings, lang: str, *, outside: bool):
    """Marks, note and neighbours (a table whose first row is the token itself) for one token id."""
    from minilm.embeddings.vectors import neighbours
    from minilm.ui.loaders import NEIGHBOURS as INDEX

    sets = embeddings.shown.sets
    tokenizer = get_tokenizer(embeddings.tokenizer, wait=False)
    token = visible(tokenizer.id_to_token(token_id) or "")
    points = matching_points([s.ids for s in sets], token_id)
    if not points:  # in no sentence: its neighbours all the same, from its row of the table
        return [plot(embeddings.scatter), plot(embeddings.heatmap), say_md("sel_emb_missing", lang, token=token),
                _neighbours_of_row(token_id, embeddings, lang)]
    offsets = [sum(len(s.ids) for s in sets[:k]) for k in range(len(sets))]
    k, i = points[0]
    notes = [say_md("sel_emb_outside" if outside else "sel_emb_here", lang, token=token, n=len(points))]
    shift = None
    if len(sets) == 2 and k == 0:
        j = twin_in_b(sets[0].ids, sets[1].ids, i)
        if j is not None:
            shift = ((0, i), (1, j))
            notes.append(say("sel_emb_shift", lang, j=j, d=float((sets[1].vectors[j] - sets[0].vectors[i]).norm())))
    scatter = plot(mark_scatter(embeddings.scatter, points, shift=shift))
    heatmap = plot(mark_heatmap(embeddings.heatmap, [offsets[a] + b for a, b in points]))
    try:
        index = INDEX.ready() if embeddings.settings.vectors == "gemma" else None
        found = neighbours(embeddings.settings, sets[k], i, k=NEIGHBOURS, index=index, wait=False)
        table = neighbours_html([(sets[k].tokens[i], token_id, 1.0), *found], lang)
    except ValueError as err:
        table = token_figures.message_html(words(err, lang))
    return [scatter, heatmap, "\n\n".join(notes), table]


def _neighbours_of_row(token_id: int, embeddings, lang: str) -> str:
    from minilm.embeddings.vectors import neighbours, token_vectors
    from minilm.ui.loaders import NEIGHBOURS as INDEX

    one = token_vectors(embeddings.settings, token_id, wait=False)
    if one is None:
        return ""
    index = INDEX.ready() if embeddings.settings.vectors == "gemma" else None
    found = neighbours(embeddings.settings, one, 0, k=NEIGHBOURS, index=index, wait=False)
    return neighbours_html([(one.tokens[0], token_id, 1.0), *found], lang)


def neighbours_html(rows, lang: str) -> str:
    """The selected token's row (class `minilm-selected`) and its neighbours; a click on a row selects it."""
    head = "".join(f"<th>{escape(say(k, lang))}</th>" for k in ("emb_col_token", "emb_col_id", "emb_col_cosine"))
    body = "".join(
        f'<tr{" class=" + chr(34) + "minilm-selected" + chr(34) if n == 0 else ""} data-mlm-pick="vocab {int(j)}">'
        f"<td>{escape(visible(t))}</td><td>{int(j)}</td><td>{escape(number(c, lang, '.3f'))}</td></tr>"
        for n, (t, j, c) in enumerate(rows)
    )
    style = ("<style>.mlm-near{border-collapse:collapse;font-size:13px}.mlm-near td,.mlm-near th{border:1px solid #d1d5db;"
             "padding:2px 6px}.mlm-near tr[data-mlm-pick]{cursor:pointer}.mlm-near tr.minilm-selected td{background:#fef3c7;"
             "font-weight:700}</style>")
    return f'{style}<table class="mlm-near"><tr>{head}</tr>{body}</table>'


def _train_marks(selection, tokens, model, held, lang):
    """The Tokens tab's text as the model's tokenizer cut it (clickable), and at the selected position the
    model's next tokens and every head's attention row."""
    if model is None or tokens is None:
        return [gr.update()] * 4
    if tokens.name != model.tokenizer:
        return ["", say_md("inspect_tokenizer", lang, tokenizer=_label(model.tokenizer, lang)), gr.update(), gr.update()]
    found = positions_in(selection, held, tokens.name)
    chips = token_figures.mark_chips(tokens.local_html.replace('data-mlm-pick="tokens ', 'data-mlm-pick="train '), "train", found[:1])
    if not found:
        return [chips, say("selected_none", lang), gr.update(), gr.update()]
    return [chips, *inspect_position(model, tokens.local, found[0], lang)]


def _before_after_marks(selection, tokens, model, drawn, held):
    """Ring the selected token in Train's embeddings before/after, with the line training moved it along."""
    if drawn is None or model is None or tokens is None or tokens.name != model.tokenizer:
        return [gr.update()]
    found = positions_in(selection, held, tokens.name)
    points = points_with_id(drawn, tokens.local.ids[found[0]]) if found else ()
    if not points:
        return [plot(drawn)]
    before, after = [p for p in points if p[0] == 0], [p for p in points if p[0] == 1]
    shift = (before[0], after[0]) if before and after else None
    return [plot(mark_scatter(drawn, points, shift=shift))]


def inspect_position(trained, tok, p: int, lang: str):
    """(note, next-token table, attention figure) for position `p` of tokenization `tok`."""
    import pandas as pd

    from minilm.lm import figures as lm_figures
    from minilm.lm.inspect import attention_figure, attention_weights
    from minilm.lm.model import next_token_probs

    model, context = trained.model, trained.model.config.context_length
    ids = list(tok.ids[: p + 1])[-context:]
    first = p + 1 - len(ids)
    tokenizer = get_tokenizer(trained.tokenizer, wait=False)
    rows, _ = lm_figures.next_token_rows(next_token_probs(model, ids), tokenizer, lang)
    table = pd.DataFrame(rows, columns=lm_figures.next_token_headers(lang))
    note = say_md("inspect_position", lang, i=p, token=visible(tok.tokens[p]), n=len(ids))
    weights = attention_weights(model, ids)
    if weights.shape[0] == 0:
        return note + "\n\n" + say("attention_none", lang), table, None
    return note, table, attention_figure(weights, position=len(ids) - 1, tokens=tok.tokens[first : p + 1], first=first, lang=lang)


def plot(figure: dict):
    """A figure kept as a dict, as gr.Plot sends it (JSON), skipping the validation of a Figure."""
    import plotly.io as pio
    from gradio.components.plot import PlotData

    return PlotData(type="plotly", plot=pio.to_json(figure, validate=False))
