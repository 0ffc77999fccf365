"""One selected token, shared by every tab: pick it anywhere (a chip, a window's cell, a 3D point, a
neighbour, a position in Train), see it marked everywhere.

The selection is one `Selection` (a position in the token stream of the Tokens tab's text, with its
tokenizer) in a `gr.State`; a token picked in the Embeddings tab that the text lacks is that tab's own
`VocabPick`, in a second one. Each tab keeps what it drew (its "traced" state); `marks` redraws only the
marks from those, so moving the selection never tokenizes or embeds again; after every view (a language
switch redraws them all) they are redrawn, the Embeddings tab's pick too, in the page's language. The page's clicks reach
the server through one hidden textbox: a fixed word and integers (`tokens 3`, `emb 0 5`), checked
here; no text a visitor typed ever travels that way or lands in markup unescaped.
Not here: drawing the marks (`minilm.ui.marks`), what each one means (`minilm.tokens.selection`,
`minilm.windows.selection`, `minilm.embeddings.selection`, `minilm.lm.inspect`).
"""


import re

import gradio as gr

from minilm.embeddings.selection import VocabPick
from minilm.tokens.registry import get_tokenizer
from minilm.tokens.selection import Selection
from minilm.ui.marks import LOCAL, SHOWN, marks, positions_in, streams  # noqa: F401 - the page's names for them
from minilm.ui.page import LINK_QUERY_JS

PICK = re.compile(r"(tokens|gemma|windows|train|vocab) (\d{1,7})|(emb|ba) (\d{1,2}) (\d{1,4})")

# Installed once on load: clicks on elements carrying data-mlm-pick, and Plotly's own plotly_click on
# the 3D plots (Embeddings', Train's before/after), write "word n" into the hidden box and fire its input event. Plots are
# redrawn by gradio, so a timer rebinds the handler to whichever plot element is current.
PICK_JS = """() => {
  if (window.__minilmPicks) return;
  window.__minilmPicks = true;
  const send = (value) => {
    const box = document.querySelector('#mlm-pick textarea, #mlm-pick input');
    if (!box) return;
    window.__minilmSelected = true;  // from now on the views' marks are redrawn (MARKS_GATE_JS)
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


# Before the marks that follow each view, in the browser: nothing selected yet (no pick on this page, no
# select= in its link) and no model trained here (whose clickable text the marks draw), so nothing to
# draw, and the marks' server event is skipped (the gate's failure ends the chain quietly). Each server
# event costs the page a walk over every output it ever drew (bench/page_latency.py).
MARKS_GATE_JS = f"""() => {{
  if (!window.__minilmSelected && !window.__minilmTrained && !new URLSearchParams(({LINK_QUERY_JS})()).get('select'))
    throw new Error('minilm: nothing selected to mark');
  return [];
}}"""
# On Start and A4: from then on the marks draw the trained model's text (MARKS_GATE_JS).
TRAINED_JS = "() => { window.__minilmTrained = true; return []; }"
# A neighbour row picked (its pick travels through the server, not PICK_JS's send).
SELECTED_JS = "() => { window.__minilmSelected = true; return []; }"


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


def first_with_id(tok, token_id: int) -> int | None:
    return next((i for i, id_ in enumerate(tok.ids) if id_ == token_id), None)


def select(value, selection, tokens, windows, embeddings, model, drawn=None, picked=None, request: gr.Request = None):
    """A click on the page (the hidden box's "word n"): the new selection, every tab's marks, then the
    Embeddings tab's own pick (`VocabPick`: a token the text lacks; None once a token of the text is picked).
    A pick refused changes neither."""
    parsed = parse_pick(value)
    held = streams(tokens, windows)
    if parsed is not None:
        word, numbers = parsed
        if word == "ba":
            new, vocab = _from_before_after(numbers, tokens, model, drawn), None
        else:
            new, vocab = _selection_from(word, numbers, held, tokens, embeddings)
        if new is not None:
            selection, picked = new, None
        elif vocab is not None:
            picked = vocab
    return [selection, *marks(selection, tokens, windows, embeddings, model, drawn, request, picked=picked), picked]


def marks_again(selection, tokens, windows, embeddings, model, drawn=None, picked=None, request: gr.Request = None):
    """Every tab's marks after a view redrew (a language switch redraws every view): the selection's, and
    the Embeddings tab's own pick, in the page's language now."""
    return marks(selection, tokens, windows, embeddings, model, drawn, request, picked=picked)


def _from_before_after(numbers, tokens, model, drawn) -> Selection | None:
    """A point of Train's before/after plot: its token (the figure's customdata) at its first place in the text."""
    k, i = numbers
    if drawn is None or tokens is None or model is None or tokens.name != model.tokenizer or k >= 2:
        return None  # k >= 2: the "selected" ring itself
    points = drawn["data"][k].get("customdata") or ()
    if i >= len(points):
        return None
    at = first_with_id(tokens.local, points[i][0])
    return Selection(tokens.name, at) if at is not None else None


def _selection_from(word, numbers, held, tokens, embeddings) -> tuple[Selection | None, VocabPick | None]:
    """(the selection one pick makes, the Embeddings tab's own pick when its token is not in the text);
    (None, None) for a pick refused."""
    where = {"tokens": tokens.name if tokens else None, "train": tokens.name if tokens else None, "gemma": "gemma",
             "windows": "windows"}
    if word in where:
        name, (i,) = where[word], numbers
        tok = held.get(name)
        return (Selection(name, i) if tok is not None and i < len(tok.ids) else None), None
    if embeddings is None or embeddings.tokenizer is None:
        return None, None
    if word == "vocab":
        token_id = numbers[0]
        if token_id >= _vocab_size(embeddings.tokenizer):
            return None, None  # no such row: refused, not kept to be marked after every view
    else:
        k, i = numbers
        if k >= len(embeddings.shown.sets) or i >= len(embeddings.shown.sets[k].ids):
            return None, None  # the "selected" ring itself, or a stale plot
        token_id = embeddings.shown.sets[k].ids[i]
    tok = held.get(embeddings.tokenizer)
    at = first_with_id(tok, token_id) if tok is not None else None
    if at is None:
        return None, VocabPick(embeddings.tokenizer, token_id)
    return Selection(embeddings.tokenizer, at), None


def _vocab_size(name: str) -> int:
    """How many ids `name`'s vocabulary has (0 while it cannot be had: every id refused)."""
    try:
        return len(get_tokenizer(name, wait=False))
    except ValueError:
        return 0


def wire_selection(demo: gr.Blocks, tokens, windows, embeddings, train, select_field) -> None:
    """The shared state, the click bridge, and the marks redrawn after every tab's own view.

    `tokens`, `windows`, `embeddings`, `train` are the tabs' `TabParts`; `select_field` is the link's
    hidden `select` value (a position of the Tokens tab's local stream).
    """
    selection = gr.State(None)
    picked = gr.State(None)  # the Embeddings tab's own pick (`VocabPick`)
    box = gr.Textbox(visible="hidden", elem_id="mlm-pick")
    traced = [tokens.traced, windows.traced, embeddings.traced, train.traced, train.shows["drawn"]]
    shows = [tokens.shows[k] for k in ("local", "gemma", "selected")] + \
        [windows.shows[k] for k in ("pairs", "selected", "stream")] + \
        [embeddings.shows[k] for k in ("scatter", "heatmap", "selected", "neighbours")] + \
        [train.shows[k] for k in ("text", "note", "next", "attention", "before_after")]
    box.change(select, [box, selection, *traced, picked], [selection, *shows, picked], api_name="select", api_visibility="private",
              show_progress="hidden", trigger_mode="always_last").then(
        link_value, [selection, tokens.traced], select_field, api_name="select_link_value", api_visibility="private",
        show_progress="hidden")
    # "always_last": a view that redraws while the previous marks still run must be marked again after
    # them (a "once" chain would be skipped and leave the view unmarked).
    again = dict(fn=marks_again, inputs=[selection, *traced, picked], outputs=shows, api_visibility="private",
                 show_progress="hidden", trigger_mode="always_last")
    for n, button in enumerate(train.starts):
        button.click(None, js=TRAINED_JS, api_visibility="private", api_name=f"trained_{n}")
    for n, event in enumerate([*tokens.views, *windows.views, *embeddings.views, *train.views]):
        event.then(None, js=MARKS_GATE_JS, api_visibility="private", api_name=f"marks_gate_{n}").success(**again, api_name=f"marks_{n}")
    select_field.change(restore, [select_field, selection, *traced], [selection, *shows, picked], api_name="select_from_link",
                        api_visibility="private", show_progress="hidden")
    # The dropdown's neighbours table (a gr.Dataframe): a click on a row picks that neighbour by its id.
    embeddings.shows["table"].select(pick_row, embeddings.shows["table"], box, api_name="pick_neighbour", api_visibility="private",
                                     show_progress="hidden")
    embeddings.shows["table"].select(None, js=SELECTED_JS, api_visibility="private", api_name="picked_neighbour")
    demo.load(None, js=PICK_JS, api_visibility="private", api_name="pick_bridge")


def pick_row(table, event: gr.SelectData):
    """A click in the neighbours table (a DataFrame: token, id, cosine) as the pick "vocab <id>"."""
    try:
        row = int(event.index[0])
        return f"vocab {int(table.iloc[row, 1])}"
    except (TypeError, ValueError, IndexError, AttributeError):
        return gr.update()


def link_value(selection, tokens):
    """The copy-link's `select`: the selection as a position of the Tokens tab's local stream, when it is one."""
    if selection is None or tokens is None or selection.tokenizer not in (tokens.name, LOCAL):
        return gr.update()
    return selection.position


def restore(value, selection, tokens, windows, embeddings, model, drawn=None, request: gr.Request = None):
    """The link's `select=` (or the page's own echo of a click, which changes nothing): selection, marks, and
    no Embeddings pick of its own (the link's token is the one to mark there too)."""
    restored = from_link(value, selection)
    if isinstance(restored, dict):  # gr.update(): nothing new
        return [restored] + [gr.update()] * (len(SHOWN) + 1)
    return [restored, *marks(restored, tokens, windows, embeddings, model, drawn, request), None]


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
