"""The Train tab: a tiny LM learns from the Windows tab's windows, live; then it samples and predicts.

Its source, tokenizer, context_length and stride follow the Windows tab's (and can be changed here),
and the page says which windows train and which are held out. Each visitor's model lives in their
session; runs are queued one at a time and Stop cancels. Not here: the model, the loop, the chart
(`minilm.lm`).
"""

from typing import Iterator

import gradio as gr

from minilm.lang import Problem, say
from minilm.lm import figures
from minilm.lm.settings import MAX_BATCH, MAX_BLOCKS, MAX_CONTEXT, MAX_EMBEDDING_DIM, MAX_STEPS, Trained, TrainSettings
from minilm.text import clean_text
from minilm.tokens.registry import get_tokenizer
from minilm.ui.loaders import GEMMA, GEMMA_MODEL
from minilm.ui.page import T, api_error, language, problem, tokenizer_choices
from minilm.values import whole_number

SOURCES = (("corpus_source", "corpus"), ("my_txt", "file"), ("prompt_source", "text"))
FOLLOWED = ("source", "tokenizer", "context_length", "stride")  # the Windows tab's, kept in step


def windows_note(request: gr.Request = None, **values) -> str:
    """Which of the Windows tab's windows the run will train on, before it starts."""
    lang = language(request)
    try:
        _, split = TrainSettings(**values).split(wait=False)
    except ValueError as err:
        return problem(err, lang)
    return figures.windows_used(split, values["source"], values["tokenizer"], lang)


def train_view(request: gr.Request = None, **values):
    """Stream (status, chart, trained model) while training; with `mistake`, a y = x run follows."""
    from minilm.lm.train import training_runs  # torch loads here, not when the app is built

    lang = language(request)
    try:
        settings = TrainSettings(**values)
        runs = training_runs(settings, wait=False)
    except ValueError as err:
        yield problem(err, lang), gr.update(), gr.update()
        return
    history, n_vocab = {}, settings.vocab_size()
    for run, config, event in runs:
        points = history.setdefault(run, {"step": [], "train": [], "val": []})
        points["step"].append(event.step)
        points["train"].append(event.train_loss)
        points["val"].append(event.val_loss if event.val_fresh else None)
        trained = Trained(event.model, settings.tokenizer) if run == "next_token" and event.model else gr.update()
        status = figures.status_line(run, event, config, lang)
        yield status, figures.loss_figure(history, n_vocab, lang), trained
    if settings.mistake:
        yield status + "\n\n" + say("train_mistake", lang), figures.loss_figure(history, n_vocab, lang), gr.update()


def train(source: str = "corpus", text: str = "", tokenizer: str = "bpe", context_length: int = 12, stride: int = 12,
          batch_size: int = 32, n_blocks: int = 2, embedding_dim: int = 64, steps: int = 600, lr: float = 3e-3,
          seed: int = 0, mistake: bool = False) -> Iterator[dict]:
    """Train the tiny LM on the windows of `source` ("corpus" or "text"), streaming its progress.

    Yields {"run", "step", "steps", "train_loss", "val_loss", "done", "stopped"} every 10 steps;
    run is "next_token", or "mistake" for the y = x run that follows when `mistake` is true.
    """
    from minilm.lm.train import training_runs

    try:
        if source not in ("corpus", "text"):
            raise Problem("not_choice", name="source", options="corpus, text", value=repr(source))
        settings = TrainSettings(source=source, text=text, tokenizer=tokenizer, context_length=context_length,
                                 stride=stride, batch_size=batch_size, n_blocks=n_blocks, embedding_dim=embedding_dim,
                                 steps=steps, lr=lr, seed=seed, mistake=mistake)
        runs = training_runs(settings, wait=False)
    except ValueError as err:
        raise api_error(err) from None
    for run, config, event in runs:
        yield {"run": run, "step": event.step, "steps": config.steps, "train_loss": event.train_loss,
               "val_loss": event.val_loss, "done": event.done, "stopped": event.stopped}


def sample_text(trained, prompt, temperature, top_k, request: gr.Request = None):
    lang = language(request)
    if trained is None:
        return say("train_first", lang)
    from minilm.lm.model import sample

    tokenizer = get_tokenizer(trained.tokenizer)
    try:
        ids = tokenizer.encode(clean_text(prompt)[0])
        top_k = whole_number("top_k", top_k, minimum=0) or None
        out = sample(trained.model, ids, max_new_tokens=60, temperature=float(temperature), top_k=top_k)
    except ValueError as err:
        return problem(err, lang)
    return tokenizer.decode(out)


def next_tokens(trained, prompt, request: gr.Request = None):
    """Top next tokens from the trained model and from Gemma 3 (loading it on first use)."""
    lang = language(request)
    try:
        text = clean_text(prompt)[0]
    except ValueError as err:
        return [], [], problem(err, lang)
    from minilm.lm.model import next_token_probs

    tiny = []
    if trained is not None:
        tokenizer = get_tokenizer(trained.tokenizer)
        tiny = [[tokenizer.id_to_token(i), i, round(p, 4)] for i, p in next_token_probs(trained.model, tokenizer.encode(text))]
    hint = "" if trained is not None else say("train_for_left", lang)
    try:
        model = GEMMA_MODEL.ready()
    except Problem as err:
        return tiny, [], f"{err.words(lang)} {hint}".strip()
    from minilm.lm.gemma import gemma_next_tokens

    gemma = [[t, i, round(p, 4)] for t, i, p in gemma_next_tokens(model, GEMMA.value, text)]
    return tiny, gemma, hint


def embeddings_before_after(trained, sentence, request: gr.Request = None):
    """The trained token embeddings against the same seeded ones before training, in one PCA view."""
    lang = language(request)
    if trained is None:
        return None, say("train_first", lang)
    try:
        return figures.before_after_figure(trained.model, get_tokenizer(trained.tokenizer), sentence, lang)
    except ValueError as err:
        return None, problem(err, lang)


def _follow(allowed: set | None = None):
    """Copy a Windows tab value here, unless this tab cannot take it (Gemma's 262k-token vocabulary)."""
    def follow(value):
        return value if allowed is None or value in allowed else gr.update()

    return follow


def build_train_tab(prompt: gr.Textbox, windows: dict):
    """Lay out the tab; `windows` are the Windows tab's components, whose settings this tab follows."""
    model = gr.State(None)
    gr.Markdown(T("train_what"), elem_classes="mlm-prose")
    with gr.Row():
        with gr.Column(scale=2):
            source = gr.Radio([(T(label), value) for label, value in SOURCES], value="corpus", label=T("train_source"))
            path = gr.File(label=T("your_txt"), file_types=[".txt"], type="filepath", visible=False)
            tokenizer = gr.Radio(tokenizer_choices(local_only=True), value="bpe", label=T("tokenizer"))
            mistake = gr.Checkbox(False, label=T("also_mistake"))
            with gr.Row():
                start = gr.Button(T("start"), variant="primary", elem_id="train-start")
                stop = gr.Button(T("stop"), elem_id="train-stop")
        with gr.Column(scale=3):
            with gr.Row():
                context_length = gr.Slider(1, MAX_CONTEXT, value=12, step=1, label="context_length")
                stride = gr.Slider(1, 256, value=12, step=1, label="stride")
                batch_size = gr.Slider(1, MAX_BATCH, value=32, step=1, label="batch_size")
            with gr.Row():
                n_blocks = gr.Slider(0, MAX_BLOCKS, value=2, step=1, label=T("n_blocks_label"))
                embedding_dim = gr.Slider(16, MAX_EMBEDDING_DIM, value=64, step=16, label="embedding_dim")
                steps = gr.Slider(10, MAX_STEPS, value=600, step=10, label="steps", elem_id="train-steps")
            lr = gr.Number(3e-3, label=T("learning_rate"), minimum=1e-5, maximum=1.0)
    used = gr.Markdown(elem_id="train-windows")
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

    fields = {"source": source, "text": prompt, "path": path, "tokenizer": tokenizer, "context_length": context_length,
              "stride": stride, "batch_size": batch_size, "n_blocks": n_blocks, "embedding_dim": embedding_dim,
              "steps": steps, "lr": lr, "mistake": mistake}
    local = {value for _, value in tokenizer_choices(local_only=True)}
    for name in FOLLOWED:  # the Windows tab leads; Gemma cannot be trained on here, so it is not followed
        windows[name].change(_follow(local if name == "tokenizer" else None), windows[name], fields[name], api_visibility="private", api_name=f"follow_{name}")
    source.change(lambda s: gr.update(visible=s == "file"), source, path, api_name="train_show_file", api_visibility="private")
    gr.on([fields[name].change for name in ("source", "text", "path", "tokenizer", "context_length", "stride")],
          windows_note, inputs_kwargs=fields, outputs=used, api_name="train_windows", api_visibility="private",
          show_progress="hidden")
    run = start.click(train_view, inputs_kwargs=fields, outputs=[status, chart, model], api_name="train_view",
                      api_visibility="private", concurrency_limit=1, concurrency_id="train")
    gr.api(train, api_name="train", concurrency_limit=1, concurrency_id="train")
    stop.click(None, None, None, cancels=[run])
    sample_button.click(sample_text, [model, sample_prompt, temperature, top_k], sampled, api_name="sample")
    emb_button.click(embeddings_before_after, [model, emb_sentence], [emb_plot, emb_note], api_name="embeddings_before_after")
    next_button.click(next_tokens, [model, next_prompt], [tiny_table, gemma_table, next_note], api_name="next_token",
                      concurrency_limit=1, concurrency_id="gemma-model")
    return lambda load: load.then(windows_note, inputs_kwargs=fields, outputs=used, api_name="train_windows_load",
                                  api_visibility="private")
