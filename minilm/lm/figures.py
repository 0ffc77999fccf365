"""What the Train tab shows of a run: the loss chart, the status line, which windows it trains on.

Not here: the loop (`minilm.lm.train`).
"""

from __future__ import annotations

import math

from minilm.lang import say
from minilm.lm.settings import TrainConfig, WindowSplit

RUNS = ("next_token", "mistake")  # the right targets (y = x shifted) and the seed's mistake (y = x)


def loss_figure(history: dict, vocab_size: int, lang: str = "en"):
    """Train and validation loss per step for each run in `history` ({run: {"step", "train", "val"}}),
    with ln(vocab size), the loss of a model that knows nothing, as a dotted line."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for run, points in history.items():
        dash = "dash" if run == "mistake" else "solid"
        name = say(f"run_{run}", lang)
        fig.add_trace(go.Scatter(x=points["step"], y=points["train"], name=f"{name}: {say('train_loss', lang)}",
                                 line=dict(dash=dash, color="#2563eb")))
        val = [(s, v) for s, v in zip(points["step"], points["val"]) if v is not None]
        if val:
            fig.add_trace(go.Scatter(x=[s for s, _ in val], y=[v for _, v in val], mode="lines+markers",
                                     name=f"{name}: {say('val_loss', lang)}", line=dict(dash=dash, color="#ea580c")))
    fig.add_hline(y=math.log(vocab_size), line_dash="dot", annotation_text=f"ln {vocab_size} = {math.log(vocab_size):.2f}")
    fig.update_layout(xaxis_title=say("step", lang), yaxis_title=say("cross_entropy", lang), height=380,
                      margin=dict(l=50, r=20, t=30, b=40), legend=dict(orientation="h"))
    return fig


def status_line(run: str, event, config: TrainConfig, lang: str = "en") -> str:
    """One run's progress in Markdown: step, losses, speed, and why it ended early if it did."""
    val = f"{event.val_loss:.3f}" if event.val_loss is not None else "–"
    line = say("train_status", lang, run=say(f"run_{run}", lang), step=event.step, steps=config.steps,
               train=f"{event.train_loss:.3f}", val=val, steps_per_s=f"{event.steps_per_s:.1f}",
               tokens_per_s=f"{event.tokens_per_s:,.0f}")
    if event.stopped:
        line += "\n\n" + say(f"train_{event.stopped}", lang, lr=f"{config.lr:g}")
    return line


def windows_used(split: WindowSplit, source: str, tokenizer: str, lang: str = "en") -> str:
    """Which of the Windows tab's windows this run trains on and which it holds out."""
    line = say("train_windows", lang, n=split.n_windows, last_train=split.n_train - 1, first_val=split.first_val,
               last=split.n_windows - 1, source=source, tokenizer=tokenizer, context_length=split.context_length,
               stride=split.stride)
    skipped = split.first_val - split.n_train
    return line + (" " + say("train_windows_gap", lang, skipped=skipped) if skipped else "")


def before_after_figure(model, tokenizer, sentence: str, lang: str = "en"):
    """The token embeddings of `sentence` before training (the same seed, untrained) and after, in one PCA view.

    Returns (figure, note).
    """
    import torch

    from minilm.embeddings.figures import embedding_figures
    from minilm.embeddings.vectors import sentence_vectors
    from minilm.lm.model import untrained

    sets = [sentence_vectors(sentence, name=say(name, lang), tokenizer=tokenizer,
                             embed=lambda ids, m=m: m.tokens(torch.tensor(ids)).detach())
            for name, m in (("before", untrained(model)), ("after", model))]
    scatter, _, note = embedding_figures(sets, pca=True, lines=True, title=say("before_after_title", lang))
    return scatter, note
