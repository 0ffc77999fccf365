"""One selected token, shared by every tab: pick it anywhere (a chip, a window's cell, a 3D point, a
neighbour, a position in Train), see it marked everywhere.

The selection is one `Selection` (a position in the token stream of the Tokens tab's text, with its
tokenizer) in a `gr.State`. Each tab keeps what it drew (its "traced" state); `marks` redraws only the
marks from those, so moving the selection never tokenizes or embeds again. The page's clicks reach
the server through one hidden textbox: a fixed word and integers (`tokens 3`, `emb 0 5`), checked
here; no text a visitor typed ever travels that way or lands in markup unescaped.
Not here: what each mark means (`minilm.tokens.selection`, `minilm.windows.selection`,
`minilm.embeddings.selection`, `minilm.lm.inspect`).
"""

from __future__ import annotations

import re

import gradio as gr

from minilm.embeddings.selection import mark_heatmap, mark_scatter, matching_points, points_with_id, twin_in_b
from minilm.lang import number, say, words
from minilm.tokens import figures as token_figures
from minilm.tokens.figures import escape, visible
from minilm.tokens.registry import get_tokenizer, tokenizer_entry
from minilm.tokens.selection import Selection, covering
from minilm.ui.page import language, say_md
from minilm.windows import figures as window_figures
from minilm.windows.selection import window_hits, window_ids

PICK = re.compile(r"(tokens|gemma|windows|train|vocab) (\d{1,7})|(emb|ba) (\d{1,2}) (\d{1,4})")
LOCAL = "local"  # a link's selection: the Tokens tab's local tokenizer, whichever it is once the text is cut
NEIGHBOURS = 10

# Installed once on load: clicks on elements carrying data-mlm-pick, and Plotly's own plotly_click on
# the 3D plots (Embeddings', Train's before/after), write "word n" into the hidden box and fire its input event. Plots are
# redrawn by gradio, so a timer rebinds the handler to whichever plot element is current.
PICK_JS = """() => {
  if (window.__minilmPicks) return;
  window.__minilmPicks = true;
  const send = (value) => {
    const box = document.querySelector('#mlm-pick textarea, #mlm-pick input');
    if (!box) return;
    box.value = value;
    box.dispatchEvent(new Event('input', {bubbles: true}));
  };
  document.addEventListener('click', (e) => {
    const el = e.target && e.target.closest ? e.target.closest('[data-mlm-pick]') : null;
    if (el) send(el.getAttribute('data-mlm-pick'));
  });
  const onPoint = (word) => (ev) => {
    const p = ev && ev.points && ev.points[0];
    if (p && Number.isInteger(p.curveNumber) && Number.isInteger(p.pointNumber)) send(`${word} ${p.curveNumber} ${p.pointNumber}`);
  };
  const handlers = {'emb-scatter': onPoint('emb'), 'train-before-after': onPoint('ba')};
  const bind = () => Object.entries(handlers).forEach(([id, handler]) => document.querySelectorAll(`#${id} .js-plotly-plot`).forEach((gd) => {
    const bound = gd._ev && gd._ev.listeners ? gd._ev.listeners('plotly_click').includes(handler) : gd.__minilmBound;
    if (!bound && gd.on) { gd.on('plotly_click', handler); gd.__minilmBound = true; }
  }));
  setInterval(bind, 300);
}"""


def parse_pick(value) -> tuple[str, tuple[int, ...]] | None:
    """("tokens", (3,)) from "tokens 3"; None for anything else (the page's values are ours, but anyone can post).

    >>> parse_pick("emb 1 4"), parse_pick("tokens 3"), parse_pick("tokens 3; x"), parse_pick(None)
    (('emb', (1, 4)), ('tokens', (3,)), None, None)
    """
    match = PICK.fullmatch(str(value or "").strip())
    if match is None:
        return None
    if match[1]:
        return match[1], (int(match[2]),)
    return match[3], (int(match[4]), int(match[5]))


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


def first_with_id(tok, token_id: int) -> int | None:
    return next((i for i, id_ in enumerate(tok.ids) if id_ == token_id), None)


def select(value, selection, tokens, windows, embeddings, model, drawn=None, request: gr.Request = None):
    """A click on the page (the hidden box's "word n"): the new selection, then every tab's marks."""
    picked = parse_pick(value)
    held = streams(tokens, windows)
    point = None
    if picked is not None:
        word, numbers = picked
        if word == "ba":
            selection = _from_before_after(numbers, selection, tokens, model, drawn)
        else:
            selection, point = _selection_from(word, numbers, selection, held, tokens, windows, embeddings)
    return [selection, *marks(selection, tokens, windows, embeddings, model, drawn, request, point=point)]


def _from_before_after(numbers, selection, tokens, model, drawn):
    """A point of Train's before/after plot: its token (the figure's customdata) at its first place in the text."""
    k, i = numbers
    if drawn is None or tokens is None or model is None or tokens.name != model.tokenizer or k >= 2:
        return selection  # k >= 2: the "selected" ring itself
    points = drawn["data"][k].get("customdata") or ()
    if i >= len(points):
        return selection
    at = first_with_id(tokens.local, points[i][0])
    return Selection(tokens.name, at) if at is not None else selection


def _selection_from(word, numbers, selection, held, tokens, windows, embeddings):
    """(selection, the 3D point clicked when its token is not in the text) for one pick."""
    where = {"tokens": tokens.name if tokens else None, "train": tokens.name if tokens else None, "gemma": "gemma",
             "windows": "windows"}
    if word in where:
        name, (i,) = where[word], numbers
        tok = held.get(name)
        return (Selection(name, i) if tok is not None and i < len(tok.ids) else selection), None
    if embeddings is None or embeddings.tokenizer is None:
        return selection, None
    if word == "vocab":
        token_id, point = numbers[0], None
    else:
        k, i = numbers
        if k >= len(embeddings.shown.sets) or i >= len(embeddings.shown.sets[k].ids):
            return selection, None  # the "selected" ring itself, or a stale plot
        token_id, point = embeddings.shown.sets[k].ids[i], (k, i)
    tok = held.get(embeddings.tokenizer)
    at = first_with_id(tok, token_id) if tok is not None else None
    if at is None:
        return selection, point if point else ("vocab", token_id)
    return Selection(embeddings.tokenizer, at), point


def marks(selection, tokens, windows, embeddings, model, drawn=None, request: gr.Request = None, *, point=None) -> list:
    """Updates for [tokens: local, gemma, note; windows: pairs, note, stream; embeddings: scatter,
    heatmap, note, neighbours; train: text, note, next tokens, attention, embeddings before/after]
    (`drawn`: the before/after figure as a dict)."""
    lang = language(request)
    held = streams(tokens, windows)
    parts = ((_tokens_marks, (selection, tokens, held, lang), 3), (_windows_marks, (selection, windows, held, lang), 3),
             (_embeddings_marks, (selection, embeddings, held, lang, point), 4),
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
    return [pairs, note, plot(window_figures.mark_stream(windows.stream, p))]


def _embeddings_marks(selection, embeddings, held, lang, point):
    if embeddings is None or embeddings.tokenizer is None or (selection is None and point is None):
        return [gr.update()] * 4
    sets = embeddings.shown.sets
    if isinstance(point, tuple) and point[0] == "vocab":
        token_id = point[1]
    elif point is not None:
        token_id = sets[point[0]].ids[point[1]]
    else:
        found = positions_in(selection, held, embeddings.tokenizer)
        if not found:
            return [gr.update(), gr.update(), say("sel_emb_other_tokenizer", lang), ""]
        token_id = held[embeddings.tokenizer].ids[found[0]]
    return _embeddings_for(token_id, embeddings, lang, outside=point is not None and selection_id(selection, held) != token_id)


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
    if not points:
        return [gr.update(), gr.update(), say_md("sel_emb_missing", lang, token=token), ""]
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


def wire_selection(demo: gr.Blocks, tokens, windows, embeddings, train, select_field) -> None:
    """The shared state, the click bridge, and the marks redrawn after every tab's own view.

    `tokens`, `windows`, `embeddings`, `train` are the tabs' `TabParts`; `select_field` is the link's
    hidden `select` value (a position of the Tokens tab's local stream).
    """
    selection = gr.State(None)
    box = gr.Textbox(visible="hidden", elem_id="mlm-pick")
    traced = [tokens.traced, windows.traced, embeddings.traced, train.traced, train.shows["drawn"]]
    shows = [tokens.shows[k] for k in ("local", "gemma", "selected")] + \
        [windows.shows[k] for k in ("pairs", "selected", "stream")] + \
        [embeddings.shows[k] for k in ("scatter", "heatmap", "selected", "neighbours")] + \
        [train.shows[k] for k in ("text", "note", "next", "attention", "before_after")]
    box.change(select, [box, selection, *traced], [selection, *shows], api_name="select", api_visibility="private",
              show_progress="hidden", trigger_mode="always_last").then(
        link_value, [selection, tokens.traced], select_field, api_name="select_link_value", api_visibility="private",
        show_progress="hidden")
    again = dict(fn=marks, inputs=[selection, *traced], outputs=shows, api_visibility="private", show_progress="hidden")
    for n, event in enumerate([*tokens.views, *windows.views, *embeddings.views, *train.views]):
        event.then(**again, api_name=f"marks_{n}")
    select_field.change(restore, [select_field, selection, *traced], [selection, *shows], api_name="select_from_link",
                        api_visibility="private", show_progress="hidden")
    demo.load(None, js=PICK_JS, api_visibility="private", api_name="pick_bridge")


def link_value(selection, tokens):
    """The copy-link's `select`: the selection as a position of the Tokens tab's local stream, when it is one."""
    if selection is None or tokens is None or selection.tokenizer not in (tokens.name, LOCAL):
        return gr.update()
    return selection.position


def restore(value, selection, tokens, windows, embeddings, model, drawn=None, request: gr.Request = None):
    """The link's `select=` (or the page's own echo of a click, which changes nothing): selection, then marks."""
    restored = from_link(value, selection)
    if isinstance(restored, dict):  # gr.update(): nothing new
        return [restored] + [gr.update()] * (len(SHOWN))
    return [restored, *marks(restored, tokens, windows, embeddings, model, drawn, request)]


SHOWN = ("local", "gemma", "tokens_note", "pairs", "windows_note", "stream", "scatter", "heatmap", "emb_note", "neighbours",
         "train_text", "train_note", "train_next", "attention", "before_after")  # what `marks` updates, in order


def from_link(value, selection):
    """The link's `select=5` (checked by `minilm.share`): position 5 of the Tokens tab's local stream."""
    if value is None or value == "":
        return gr.update()
    try:
        position = int(value)
    except (TypeError, ValueError):
        return gr.update()
    if selection is not None and selection.position == position:
        return gr.update()  # the page's own selection, echoed back into the link's value
    return Selection(LOCAL, position) if position >= 0 else gr.update()
