"""The Train tab: a tiny LM learns from the windows, live; then it samples and predicts next tokens.

Each visitor's run lives in their session state; runs are queued one at a time (gradio shows the
queue position), and Stop cancels the run. Not here: the model or the loop (`minilm.model`,
`minilm.training`).
"""

import math

import gradio as gr

from minilm.assets import corpus_text, local_tokenizer
from minilm.embedding_lab import embedding_views, sentence_vectors
from minilm.text import clean_text, read_text_file
from minilm.ui import prose
from minilm.ui.i18n import T, language, say
from minilm.ui.shared import GEMMA, GEMMA_MODEL
from minilm.windows import whole_number

SOURCES = [(T("corpus_source"), "corpus"), (T("my_txt"), "file"), (T("prompt_source"), "prompt")]


def _ids(source, path, prompt) -> list[int]:
    tok = local_tokenizer("bpe")
    if source == "corpus":
        return tok.encode_long(corpus_text())
    if source == "file":
        if not path:
            raise ValueError("Upload a .txt file, or choose another source.")
        return tok.encode_long(read_text_file(path))
    return tok.encode(clean_text(prompt)[0])


def _config(n_blocks, width, context_length, stride, batch_size, steps, lr, shift=True):
    from minilm.training import TrainConfig, capped

    values = {name: whole_number(name, v, minimum=0 if name == "n_blocks" else 1) for name, v in
              (("n_blocks", n_blocks), ("width", width), ("context_length", context_length), ("stride", stride),
               ("batch_size", batch_size), ("steps", steps))}
    if not isinstance(lr, (int, float)) or not 0 < lr <= 1:
        raise ValueError(f"learning rate must be between 0 and 1, got {lr!r}")
    if values["width"] % 4:
        raise ValueError(f"width must be a multiple of 4 (the number of attention heads), got {values['width']}")
    return capped(TrainConfig(**values, lr=float(lr), warmup=max(1, values["steps"] // 10), shift=shift))


def loss_figure(history: dict, vocab_size: int):
    """Train and validation loss per step for each run, with ln(vocab size) as the starting line."""
    import plotly.graph_objects as go

    fig = go.Figure()
    styles = {"next token (y = x shifted)": "solid", "mistake (y = x)": "dash"}
    for run, points in history.items():
        dash = styles.get(run, "solid")
        fig.add_trace(go.Scatter(x=points["step"], y=points["train"], name=f"{run}: train", line=dict(dash=dash, color="#2563eb")))
        val = [(s, v) for s, v in zip(points["step"], points["val"]) if v is not None]
        if val:
            fig.add_trace(go.Scatter(x=[s for s, _ in val], y=[v for _, v in val], name=f"{run}: validation",
                                     line=dict(dash=dash, color="#ea580c"), mode="lines+markers"))
    fig.add_hline(y=math.log(vocab_size), line_dash="dot", annotation_text=f"ln {vocab_size} = {math.log(vocab_size):.2f}")
    fig.update_layout(xaxis_title="step", yaxis_title="cross-entropy loss", height=380, margin=dict(l=50, r=20, t=30, b=40),
                      legend=dict(orientation="h"))
    return fig


def train_run(source, path, prompt, n_blocks, width, context_length, stride, batch_size, steps, lr, mistake,
              request: gr.Request = None):
    """Stream (status, chart, model) while training; with `mistake`, a y = x run follows."""
    from minilm.training import train  # torch loads here, not when the app is built

    tok = local_tokenizer("bpe")
    try:
        ids = _ids(source, path, prompt)
        runs = [True, False] if mistake else [True]
        configs = [_config(n_blocks, width, context_length, stride, batch_size, steps, lr, shift=s) for s in runs]
    except ValueError as err:
        yield f"⚠️ {err}", gr.update(), gr.update()
        return
    history, model, notes = {}, None, configs[0][1]
    for config, _ in configs:
        run = "next token (y = x shifted)" if config.shift else "mistake (y = x)"
        points = history.setdefault(run, {"step": [], "train": [], "val": []})
        try:
            for event in train(ids, len(tok), config):
                points["step"].append(event.step)
                points["train"].append(event.train_loss)
                points["val"].append(event.val_loss if event.val_fresh else None)
                status = _status(run, event, config, notes)
                if config.shift and event.model is not None:
                    model = event.model
                yield status, loss_figure(history, len(tok)), model if event.done else gr.update()
        except ValueError as err:
            yield f"⚠️ {err}", gr.update(), gr.update()
            return
    if mistake:
        yield status + "\n\n" + say("train_mistake", language(request)), loss_figure(history, len(tok)), model


def _status(run, event, config, notes) -> str:
    val = f"{event.val_loss:.3f}" if event.val_loss is not None else "–"
    lines = [f"**{run}**: step {event.step}/{config.steps} · train loss {event.train_loss:.3f} · validation {val} · "
             f"{event.steps_per_s:.1f} steps/s · {event.tokens_per_s:,.0f} tokens/s"]
    if event.stopped:
        lines.append(f"⚠️ {event.stopped}" if event.stopped != "stopped" else "Stopped.")
    lines += [f"Note: {n}" for n in notes]
    return "\n\n".join(lines)


def sample_text(model, prompt, temperature, top_k):
    if model is None:
        return "Train a model first."
    from minilm.model import sample

    tok = local_tokenizer("bpe")
    try:
        ids = tok.encode(clean_text(prompt)[0])
        top_k = whole_number("top_k", top_k) if top_k else None
        out = sample(model, ids, max_new_tokens=60, temperature=float(temperature), top_k=top_k)
    except ValueError as err:
        return f"⚠️ {err}"
    return tok.decode(out)


def next_tokens(model, prompt):
    """Top next tokens from the trained model and from Gemma 3 (loading it on first use)."""
    try:
        text = clean_text(prompt)[0]
    except ValueError as err:
        return [], [], f"⚠️ {err}"
    from minilm.model import next_token_probs

    tok = local_tokenizer("bpe")
    tiny = [[tok.backend.id_to_token(i), i, round(p, 4)] for i, p in next_token_probs(model, tok.encode(text))] if model else []
    GEMMA_MODEL.start()
    if GEMMA_MODEL.value is None:
        message = GEMMA_MODEL.error or f"Gemma 3 270M is loading ({GEMMA_MODEL.stage}, {GEMMA_MODEL.elapsed:.0f} s); ask again shortly."
        return tiny, [], message + ("" if model else " Train a model for the left column.")
    from minilm.next_token import gemma_next_tokens

    gemma = [[t, i, round(p, 4)] for t, i, p in gemma_next_tokens(GEMMA_MODEL.value, GEMMA.value, text)]
    return tiny, gemma, "" if model else "Train a model for the left column."


def embeddings_before_after(model, sentence):
    """The trained token embeddings against the same seeded ones before training, in one PCA view."""
    if model is None:
        return None, "Train a model first."
    import torch

    from minilm.model import TinyLM
    from minilm.training import TrainConfig

    tok = local_tokenizer("bpe")
    torch.manual_seed(TrainConfig().seed)
    before = TinyLM(model.config)
    try:
        sets = [sentence_vectors(sentence, name=name, tokenizer=tok, embed=lambda ids, m=m: m.tokens(torch.tensor(ids)).detach())
                for name, m in (("before", before), ("after", model))]
        scatter, _, note = embedding_views(sets, pca=True, lines=True, title="token embeddings before and after training")
    except ValueError as err:
        return None, f"⚠️ {err}"
    return scatter, note


def build_train_tab(prompt: gr.Textbox):
    model = gr.State(None)
    gr.Markdown(T("train_what"), elem_classes="mlm-prose")
    with gr.Row():
        with gr.Column(scale=2):
            source = gr.Radio(SOURCES, value="corpus", label=T("train_source"))
            path = gr.File(label=T("your_txt"), file_types=[".txt"], type="filepath", visible=False)
            mistake = gr.Checkbox(False, label=T("also_mistake"))
            with gr.Row():
                start = gr.Button(T("start"), variant="primary", elem_id="train-start")
                stop = gr.Button(T("stop"), elem_id="train-stop")
        with gr.Column(scale=3):
            with gr.Row():
                n_blocks = gr.Slider(0, 4, value=2, step=1, label=T("blocks"))
                width = gr.Slider(16, 256, value=64, step=16, label=T("width"))
                context_length = gr.Slider(4, 128, value=32, step=1, label="context_length")
            with gr.Row():
                stride = gr.Slider(1, 128, value=8, step=1, label="stride")
                batch_size = gr.Slider(1, 64, value=32, step=1, label="batch_size")
                steps = gr.Slider(10, 3000, value=600, step=10, label="steps", elem_id="train-steps")
            lr = gr.Number(3e-3, label=T("learning_rate"), minimum=1e-5, maximum=1.0)
    status = gr.Markdown(elem_id="train-status")
    chart = gr.Plot(label=T("loss"), elem_id="train-chart")
    with gr.Row():
        with gr.Column():
            sample_prompt = gr.Textbox("the capital of", label=T("continue_this"))
            with gr.Row():
                temperature = gr.Slider(0, 2, value=0.8, step=0.05, label=T("temperature"))
                top_k = gr.Slider(0, 100, value=40, step=1, label=T("top_k"))
            sample_button = gr.Button(T("sample"))
            sampled = gr.Textbox(label=T("sample_out"), interactive=False, lines=3, elem_id="train-sample")
        with gr.Column():
            emb_sentence = gr.Textbox("the capital of france is paris", label=T("embeddings_of"))
            emb_button = gr.Button(T("before_after"))
            emb_plot = gr.Plot(label=T("embeddings_pca"))
            emb_note = gr.Markdown()
    gr.Markdown(T("next_token_what"), elem_classes="mlm-prose")
    with gr.Row():
        next_prompt = gr.Textbox("the capital of france is", label=T("context"), scale=3)
        next_button = gr.Button(T("next_token"), scale=1)
    next_note = gr.Markdown()
    with gr.Row():
        tiny_table = gr.Dataframe(headers=["token", "id", "p"], label=T("your_tiny_model"), interactive=False)
        gemma_table = gr.Dataframe(headers=["token", "id", "p"], label=T("gemma_270m"), interactive=False)
    gr.Markdown(T("train_mistake"), elem_classes="mlm-prose")

    source.change(lambda s: gr.update(visible=s == "file"), source, path, api_name="train_show_file", api_visibility="private")
    run = start.click(train_run, [source, path, prompt, n_blocks, width, context_length, stride, batch_size, steps, lr, mistake],
                      [status, chart, model], api_name="train", concurrency_limit=1, concurrency_id="train")
    stop.click(None, None, None, cancels=[run])
    sample_button.click(sample_text, [model, sample_prompt, temperature, top_k], sampled, api_name="sample")
    emb_button.click(embeddings_before_after, [model, emb_sentence], [emb_plot, emb_note], api_name="embeddings_before_after")
    next_button.click(next_tokens, [model, next_prompt], [tiny_table, gemma_table, next_note], api_name="next_token",
                      concurrency_limit=1, concurrency_id="gemma-model")
