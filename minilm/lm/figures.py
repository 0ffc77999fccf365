"""What the Train tab shows of a run, in the learner's language: the loss chart, the status line and
its notes (per-step losses in short runs, overfitting), which windows it trains on, the embeddings
before and after, the next-token tables.

Not here: the loop (`minilm.lm.train`) or the layout (`minilm.ui.train`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

from minilm.lang import number, plotly_separators, say, say_count
from minilm.lm.settings import SHORT_RUN, TrainConfig, WindowSplit
from minilm.text import markdown_literal
from minilm.tokens.figures import visible

RUNS = ("next_token", "mistake")  # the right targets (y = x shifted) and the seed's mistake (y = x)
FEW_WINDOWS = 100  # fewer training windows than this: the model can learn them by heart
OVERFIT_GAP = 2.0  # validation loss this far above training loss at the end: memorised (the corpus run ends about 1 apart)
MARKERS_UP_TO = 100  # steps: a short run's chart shows a marker at every reported step
SPECIAL = "◆"


def loss_figure(history: dict, vocab_size: int, lang: str = "en"):
    """Train and validation loss per step for each run in `history` ({run: {"step", "train", "val"}}),
    with ln(vocab size), the loss of a model that knows nothing, as a dotted line (the legend's last entry)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for run, points in history.items():
        dash = "dash" if run == "mistake" else "solid"
        name = say(f"run_{run}", lang)
        few = max(points["step"], default=0) <= MARKERS_UP_TO
        train = [(s, v) for s, v in zip(points["step"], points["train"]) if v is not None]  # none at step 0
        fig.add_trace(go.Scatter(x=[s for s, _ in train], y=[v for _, v in train], name=f"{name}: {say('train_loss', lang)}",
                                 mode="lines+markers" if few else "lines", line=dict(dash=dash, color="#2563eb")))
        val = [(s, v) for s, v in zip(points["step"], points["val"]) if v is not None]
        if val:
            fig.add_trace(go.Scatter(x=[s for s, _ in val], y=[v for _, v in val], mode="lines+markers",
                                     name=f"{name}: {say('val_loss', lang)}", line=dict(dash=dash, color="#ea580c")))
    ln = math.log(vocab_size)
    last = max((max(p["step"], default=0) for p in history.values()), default=0)
    # Named in the legend, not written on the plot: a label on the line sat on the curves that cross it (A4).
    fig.add_trace(go.Scatter(x=[0, max(last, 1)], y=[ln, ln], mode="lines", name=say("ln_vocab", lang, n=vocab_size, ln=ln),
                             line=dict(dash="dot", color="#334155", width=1.5), hoverinfo="skip"))
    if last <= 20:
        fig.update_xaxes(dtick=1)  # whole steps only: no "step 0.5" in a two-step run
    # The legend sits above the plot, clear of the axis titles, however many runs it names.
    fig.update_layout(xaxis_title=say("step", lang), yaxis_title=say("cross_entropy", lang), height=420,
                      margin=dict(l=60, r=20, t=70, b=50), separators=plotly_separators(lang),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0))
    return fig


def status_line(run: str, event, config: TrainConfig, lang: str = "en") -> str:
    """One run's progress in Markdown: step, losses, speed, and why it ended early if it did."""
    run_name = say(f"run_{run}", lang)
    if event.step == 0:
        line = say("train_untrained", lang, run=run_name, val=event.val_loss)
    else:
        line = say("train_progress", lang, run=run_name, step=event.step, steps=config.steps, train=event.train_loss,
                   val=event.val_loss, steps_per_s=event.steps_per_s, tokens_per_s=event.tokens_per_s)
    if event.stopped == "stopped":
        line += "\n\n" + (say("train_stopped_at", lang, step=event.step, steps=config.steps) if event.step
                          else say("train_stopped_before", lang))
    elif event.stopped:
        line += "\n\n" + say(f"train_{event.stopped}", lang, lr=plain_number(config.lr, lang))
    return line


def steps_table(points: dict, lang: str = "en") -> str:
    """Every step's losses as a Markdown table (a short run: exercise A4)."""
    rows = [say("train_steps_head", lang), "|---:|---:|---:|"]
    for step, train, val in zip(points["step"], points["train"], points["val"]):
        cells = [number(step, lang)] + ["–" if v is None else number(v, lang, ".3f") for v in (train, val)]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def run_notes(run: str, points: dict, event, split: WindowSplit, config: TrainConfig, lang: str = "en") -> list[str]:
    """What a finished run means, in words: the per-step losses of a short run, the loss going down, overfitting."""
    if run != "next_token" or not event.done:
        return []
    notes = []
    if config.steps <= SHORT_RUN:
        notes.append(steps_table(points, lang))
        first, last = points["val"][0], event.val_loss
        if first is not None and last is not None and event.step:
            notes.append(say("train_a4_down" if last < first else "train_a4_not_down", lang, first=first, last=last,
                             step=event.step))
    if event.step and event.val_loss is not None and event.val_loss - event.train_loss > OVERFIT_GAP:
        notes.append(say("train_overfitting", lang, n=split.n_train, train=event.train_loss, val=event.val_loss))
    elif split.n_train < FEW_WINDOWS:
        notes.append(say("train_tiny_text", lang, n=split.n_train))
    return notes


def windows_used(split: WindowSplit, source: str, tokenizer: str, lang: str = "en", *, windows_tab: bool | None = None,
                 tab_padded: int = 0) -> str:
    """Which windows this run trains on and which it holds out (Markdown): named the Windows tab's when
    `windows_tab` (that tab cuts the same ones), said to be this tab's own when False, neither when None (unknown).
    `tab_padded`: the padded windows the Windows tab adds after them (its tail kept), which training leaves out."""
    from minilm.tokens.registry import tokenizer_entry

    source_name = say({"corpus": "corpus_source", "file": "my_txt", "text": "prompt_source"}[source], lang)
    line = say("train_windows_tab" if windows_tab else "train_windows", lang, n=split.n_windows, last_train=split.n_train - 1,
               first_val=split.first_val, last=split.n_windows - 1, source=markdown_literal(source_name),
               context_length=split.context_length, tokenizer=markdown_literal(tokenizer_entry(tokenizer).label_in(lang)),
               stride=split.stride)
    skipped = split.first_val - split.n_train
    line += (" " + say("train_windows_gap", lang, skipped=skipped)) if skipped else ""
    line += (" " + say("train_windows_own", lang)) if windows_tab is False else ""
    line += (" " + say_count("train_windows_padded", lang, tab_padded, n=tab_padded, total=split.n_windows + tab_padded)) \
        if tab_padded else ""
    return line + ("\n\n" + say("train_tiny_text", lang, n=split.n_train) if split.n_train < FEW_WINDOWS else "")


def before_after_figure(model, tokenizer, sentence: str, lang: str = "en"):
    """The token embeddings of `sentence` before training (the same seed, untrained) and after, in one PCA view.

    Returns (figure, note).
    """
    import torch

    from minilm.embeddings.figures import embedding_figures
    from minilm.embeddings.projection import project_pca
    from minilm.embeddings.vectors import sentence_vectors
    from minilm.lm.model import untrained

    # One sentence twice: the legend names the model ("before", "after"), not the sentence.
    sets = [replace(sentence_vectors(sentence, name=say(name, lang), tokenizer=tokenizer,
                                     embed=lambda ids, m=m: m.tokens(torch.tensor(ids)).detach()), text="")
            for name, m in (("before", untrained(model)), ("after", model))]
    scatter, _, _ = embedding_figures(sets, pca=True, lines=True, title=say("before_after_title", lang), lang=lang)
    shown = sum(project_pca(torch.cat([s.vectors for s in sets])).explained)  # the scatter's one PCA for both
    return scatter, say("before_after_note", lang, share=shown)


def plain_number(value: float, lang: str = "en") -> str:
    """A number with as many decimals as it has (up to 8), as `lang` writes it: 0.003 -> '0,003' in Turkish."""
    digits = next((d for d in range(9) if round(value, d) == value), 8)
    return number(value, lang, f".{digits}f" if digits else ",")


def next_token_rows(pairs, tokenizer, lang: str = "en") -> tuple[list[list], list[str]]:
    """(rows, special tokens shown) of a next-token table from [(id, p), ...]: token, id, probability.

    Whitespace shows as `␣ ↵ ⇥`; special tokens (Gemma's `<start_of_image>`, `<eos>`) carry a ◆.
    """
    special = special_ids(tokenizer) if pairs else frozenset()
    rows, shown = [], []
    for i, p in pairs:
        token = tokenizer.id_to_token(i) or ""
        if i in special:
            shown.append(token)
        rows.append([f"{SPECIAL} {token}" if i in special else visible(token) or "∅", i, number(p, lang, ".4f")])
    return rows, shown


def next_token_headers(lang: str = "en") -> list[str]:
    return [say("col_next_token", lang), say("col_token_id", lang), say("col_probability", lang)]


@lru_cache(maxsize=8)
def special_ids(tokenizer) -> frozenset[int]:
    """The tokenizer's special tokens, plus Gemma's image and placeholder tokens, which its file does not mark
    special (`<start_of_image>`, `<end_of_image>`, `[multimodal]`); its HTML tags (`<b>`) are text."""
    import re

    control = re.compile(r"<(start|end)_of_\w+>|\[\w+\]")
    added = tokenizer.backend.get_added_tokens_decoder()
    return frozenset(tokenizer.special_ids) | {i for i, t in added.items() if control.fullmatch(t.content)}
