"""The Train tab: a tiny LM learns from the Windows tab's windows, live; then it samples and predicts.

Its source, tokenizer, context_length and stride follow the Windows tab's (and can be changed here),
and the page says which windows train and which are held out, and whether the Windows tab shows those.
Each visitor's model lives in their session; runs are queued one at a time. Stop asks the run to end
after its current step (a flag the loop reads, not a cancelled event), so the model trained so far
reaches the session. Not here: the model, the loop, the chart and the words (`minilm.lm`, `minilm.lang`);
the session-free API (`minilm.ui.train_api`).
"""

import json

import gradio as gr
import pandas as pd

from minilm.lang import Problem, say, words
from minilm.lm import figures
from minilm.lm.settings import MAX_BATCH, MAX_BLOCKS, MAX_CONTEXT, MAX_EMBEDDING_DIM, MAX_STEPS, Trained, TrainSettings
from minilm.lm.snippets import train_code
from minilm.lm.stop import StopFlags
from minilm.text import clean_text
from minilm.tokens.registry import get_tokenizer
from minilm.ui.loaders import GEMMA, GEMMA_MODEL
from minilm.ui.page import T, TabParts, language, problem, say_md, tokenizer_choices
from minilm.ui.train_api import next_token, sample, train
from minilm.values import whole_number
from minilm.windows.loader import window_stats
from minilm.windows.settings import WindowSettings

SOURCES = (("corpus_source", "corpus"), ("my_txt", "file"), ("prompt_source", "text"))
FOLLOWED = ("source", "tokenizer", "context_length", "stride")  # the Windows tab's, kept in step
# The Windows tab's values the note compares with this tab's (its text box is this tab's too), passed as
# `windows_<name>`: whether the windows trained on are the ones that tab shows. Its keep_tail only adds padded
# windows at the end, which training never uses: the others stay the same, and the note counts the padded ones.
COMPARED = ("source", "path", "tokenizer", "context_length", "stride", "keep_tail")


def windows_note(request: gr.Request = None, windows_tab: dict | None = None, **values) -> str:
    """Which windows the run will train on, before it starts; called the Windows tab's only when that tab's
    values (`windows_tab`, by `COMPARED` name) cut the same ones."""
    lang = language(request)
    try:
        settings = TrainSettings(**values)
        ids, split = settings.split(wait=False)
    except ValueError as err:
        return problem(err, lang)
    same = _same_as_tab(settings, windows_tab)
    padded = window_stats(len(ids), split.context_length, split.stride, keep_tail=True).n_padded \
        if same and windows_tab.get("keep_tail") else 0
    return figures.windows_used(split, values["source"], values["tokenizer"], lang, windows_tab=same, tab_padded=padded)


def _same_as_tab(settings: TrainSettings, windows_tab: dict | None) -> bool | None:
    """True when the Windows tab's values cut `settings`' windows (besides the padded ones its kept tail adds),
    False when not (or they are wrong), None unknown."""
    if windows_tab is None:
        return None
    try:
        shown = WindowSettings(text=settings.text, **{**windows_tab, "keep_tail": False})
    except ValueError:
        return False
    return settings.windows().same_windows(shown)


def train_code_view(**values) -> str:
    """The code that runs the same training; empty while the settings are wrong (the page says why)."""
    try:
        return train_code(TrainSettings(**values))
    except ValueError:
        return ""


def settings_view(request: gr.Request = None, **values) -> tuple[str, str]:
    """(`windows_note`, `train_code_view`) for this tab's values and the Windows tab's (`windows_<name>`): one
    event for both, as every event costs the page a walk over all its outputs (bench/page_latency.py)."""
    windows_tab = {name: values.pop(f"windows_{name}") for name in COMPARED if f"windows_{name}" in values} or None
    return windows_note(request, windows_tab, **values), train_code_view(**values)


STOPS = StopFlags()  # one per browser session


def _session(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or "no session"


def arm_stop(request: gr.Request = None) -> None:
    STOPS.arm(_session(request))


def request_stop(request: gr.Request = None) -> None:
    STOPS.stop(_session(request))


def forget_stops(request: gr.Request) -> None:
    """The page closed: runs it asked for and that never started need no flag."""
    STOPS.forget(_session(request))


def train_view(request: gr.Request = None, **values):
    """Stream (status, chart, trained model) while training; with `mistake`, a y = x run follows.

    Stop (`request_stop`) ends the run after its current step: the last update carries that model.
    """
    from minilm.lm.train import training_runs  # torch loads here, not when the app is built

    lang, session = language(request), _session(request)
    flag = STOPS.take(session)
    try:
        settings = TrainSettings(**values)
        _, split = settings.split(wait=False)
        runs = training_runs(settings, wait=False, stop=flag)
    except ValueError as err:
        STOPS.end(session, flag)
        yield problem(err, lang), gr.update(), gr.update()
        return
    try:
        from minilm.lm.compiled import will_wait

        if will_wait(settings.config().model_config(settings.vocab_size())):  # the app started moments ago
            yield say("train_compiling", lang), gr.update(), gr.update()
        yield from _stream(runs, settings, split, lang)
    finally:
        STOPS.end(session, flag)


def _stream(runs, settings: TrainSettings, split, lang: str):
    history, n_vocab, finished, status, stopped = {}, settings.vocab_size(), [], "", False
    for run, config, event in runs:
        points = history.setdefault(run, {"step": [], "train": [], "val": []})
        points["step"].append(event.step)
        points["train"].append(event.train_loss)
        points["val"].append(event.val_loss if event.val_fresh else None)
        # step 0 is the untrained model: stopping there keeps the model the session had
        trained = Trained(event.model, settings.tokenizer) if run == "next_token" and event.model and event.step else gr.update()
        line = "\n\n".join([figures.status_line(run, event, config, lang),
                             *figures.run_notes(run, points, event, split, config, lang)])
        status = "\n\n".join([*finished, line])  # a finished run's last word stays above the next run's
        finished += [line] if event.done else []
        stopped = stopped or event.stopped == "stopped"  # a diverged run still shows the y = x run's lesson
        yield status, figures.loss_figure(history, n_vocab, lang), trained
    if settings.mistake and not stopped:
        yield status + "\n\n" + say("train_mistake", lang), figures.loss_figure(history, n_vocab, lang), gr.update()


def sample_text(trained, prompt, temperature, top_k, request: gr.Request = None):
    """The trained model's continuation of `prompt`, or what is wrong, for a Textbox (plain text, no Markdown)."""
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
        return "⚠️ " + words(err, lang)
    return tokenizer.decode(out)


def next_tokens(trained, prompt, request: gr.Request = None):
    """Top next tokens from the trained model and from Gemma 3: (tiny table, Gemma table, note, timer).

    Gemma's whole model loads on first use; until it is ready the timer ticks and this runs again.
    """
    lang = language(request)
    empty = pd.DataFrame(columns=figures.next_token_headers(lang))
    try:
        text = clean_text(prompt)[0]
    except ValueError as err:
        return empty, empty, problem(err, lang), gr.Timer(active=False)
    from minilm.lm.model import next_token_probs

    tiny, specials, notes = empty, [], []
    if trained is not None:
        tokenizer = get_tokenizer(trained.tokenizer)
        tiny, specials = _table(next_token_probs(trained.model, tokenizer.encode(text)), tokenizer, lang)
    else:
        notes.append(say("train_for_left", lang))
    try:
        model = GEMMA_MODEL.ready()
    except Problem as err:
        loading = GEMMA_MODEL.error is None
        notes.append(say("gemma_model_loading", lang, seconds=round(GEMMA_MODEL.elapsed)) if loading else problem(err, lang))
        return tiny, empty, _note(notes, specials, lang), gr.Timer(active=loading)
    from minilm.lm.gemma import gemma_next_tokens

    pairs = [(i, p) for _, i, p in gemma_next_tokens(model, GEMMA.value, text)]
    gemma, gemma_specials = _table(pairs, GEMMA.value.tokenizer, lang)
    return tiny, gemma, _note(notes, specials + gemma_specials, lang), gr.Timer(active=False)


def table_headers(tiny=None, gemma=None, request: gr.Request = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two next-token tables with their headers in the visitor's language (on load, and after a
    language switch, which keeps the rows a click already filled)."""
    headers = figures.next_token_headers(language(request))

    def relabel(table):
        rows = table.values.tolist() if isinstance(table, pd.DataFrame) and table.shape[1] == len(headers) else []
        return pd.DataFrame(rows, columns=headers)

    return relabel(tiny), relabel(gemma)


def inspect_headers(table=None, request: gr.Request = None) -> pd.DataFrame:
    """The look-inside table's headers in the visitor's language (as `table_headers`)."""
    return table_headers(table, None, request)[0]


def _table(pairs, tokenizer, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """A next-token table with headers in `lang`, and the special tokens in it."""
    rows, specials = figures.next_token_rows(pairs, tokenizer, lang)
    return pd.DataFrame(rows, columns=figures.next_token_headers(lang)), specials


def _note(notes: list[str], specials: list[str], lang: str) -> str:
    if specials:
        notes.append(say_md("special_tokens_note", lang, tokens=", ".join(dict.fromkeys(specials))))
    return "\n\n".join(notes)


def embeddings_before_after(trained, sentence, request: gr.Request = None):
    """The trained token embeddings against the same seeded ones before training, in one PCA view."""
    lang = language(request)
    if trained is None:
        return None, say("train_first", lang)
    try:
        return figures.before_after_figure(trained.model, get_tokenizer(trained.tokenizer), sentence, lang)
    except ValueError as err:
        return None, problem(err, lang)


def embeddings_before_after_traced(trained, sentence, request: gr.Request = None):
    """`embeddings_before_after`, then its figure as a dict (None without one)."""
    figure, note = embeddings_before_after(trained, sentence, request)
    return figure, note, figure.to_dict() if figure is not None else None


def _follow_js(allowed: set | None = None) -> str:
    """JavaScript that copies a Windows tab value here, unless this tab cannot take it (Gemma's 262k-token
    vocabulary). In the browser: a server event would cost every later event on the page (`settings_view`)."""
    if allowed is None:
        return "(value) => value"
    return f"(value) => {json.dumps(sorted(allowed))}.includes(value) ? value : {{__type__: 'update'}}"


def _follow_once_js(allowed: set) -> str:
    """`_follow_js` for all of `FOLLOWED` at once ([source, tokenizer, context_length, stride]), on the page's
    first load only: after a language switch the values stay as the visitor left them."""
    return f"""(source, tokenizer, ...rest) => {{
  if (window.__minilmTrainFollowed) return [source, tokenizer, ...rest].map(() => ({{__type__: 'update'}}));
  window.__minilmTrainFollowed = true;
  return [source, ({_follow_js(allowed)})(tokenizer), ...rest];
}}"""


def build_train_tab(prompt: gr.Textbox, windows: dict, tab: gr.Tab):
    """Lay out the tab (inside `tab`); `windows` are the Windows tab's components, whose settings this tab
    follows. Returns its `TabParts` (a link sets `steps`)."""
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
                context_length = gr.Slider(1, MAX_CONTEXT, value=12, step=1, label="context_length", elem_id="train-context")
                stride = gr.Slider(1, 256, value=12, step=1, label="stride", elem_id="train-stride")
                batch_size = gr.Slider(1, MAX_BATCH, value=32, step=1, label="batch_size")
            with gr.Row():
                n_blocks = gr.Slider(0, MAX_BLOCKS, value=2, step=1, label=T("n_blocks_label"), elem_id="train-blocks")
                embedding_dim = gr.Slider(16, MAX_EMBEDDING_DIM, value=64, step=16, label="embedding_dim")
                steps = gr.Slider(1, MAX_STEPS, value=600, step=1, label=T("steps_label"), elem_id="train-steps")
            with gr.Row():
                # No bounds or rounding in the boxes: gradio would round 3.5 to 4 or answer in English;
                # the core checks both and says why in the learner's language.
                lr = gr.Number(3e-3, label=T("learning_rate"), elem_id="train-lr")
                seed = gr.Number(0, precision=None, label=T("seed_label"), elem_id="train-seed")
            with gr.Row():
                a4 = gr.Button(T("a4_button"), size="sm", scale=0, elem_id="train-a4")
                gr.Markdown(T("a4_help"))
    used = gr.Markdown(elem_id="train-windows")
    status = gr.Markdown(elem_id="train-status")
    chart = gr.Plot(label=T("loss"), elem_id="train-chart")
    with gr.Accordion(T("show_code"), open=False):
        code = gr.Code(language="python", interactive=False, elem_id="train-code")
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
            emb_button = gr.Button(T("before_after"), elem_id="train-before-after-button")
            emb_plot = gr.Plot(label=T("embeddings_pca"), elem_id="train-before-after")
            emb_note = gr.Markdown()
    gr.Markdown(T("next_token_what"), elem_classes="mlm-prose")
    with gr.Row():
        next_prompt = gr.Textbox("the capital of france is", label=T("context"), scale=3)
        next_button = gr.Button(T("next_token"), scale=1)
    next_note = gr.Markdown(elem_id="next-note")
    with gr.Row():
        # Headers are filled in the visitor's language on load (`table_headers`): gr.Dataframe shows
        # translation keys in its headers as raw text.
        tiny_table = gr.Dataframe(table_headers()[0], label=T("your_tiny_model"), interactive=False, elem_id="next-tiny")
        gemma_table = gr.Dataframe(table_headers()[1], label=T("gemma_270m"), interactive=False, elem_id="next-gemma")
    gemma_timer = gr.Timer(1.0, active=False)  # ticks while Gemma loads, so its column fills in by itself
    with gr.Accordion(T("inspect_title"), open=True):
        gr.Markdown(T("inspect_help"), elem_classes="mlm-prose")
        inspect_text = gr.HTML(elem_id="train-inspect-text")
        inspect_note = gr.Markdown(elem_id="train-inspect-note")
        with gr.Row():
            inspect_next = gr.Dataframe(table_headers()[0], label=T("your_tiny_model"), interactive=False, elem_id="train-inspect-next",
                                        scale=1)
            attention = gr.Plot(label=T("attention_label"), elem_id="train-attention", scale=2)
    gr.Markdown(T("train_mistake"), elem_classes="mlm-prose")

    fields = {"source": source, "text": prompt, "path": path, "tokenizer": tokenizer, "context_length": context_length,
              "stride": stride, "batch_size": batch_size, "n_blocks": n_blocks, "embedding_dim": embedding_dim,
              "steps": steps, "lr": lr, "seed": seed, "mistake": mistake}
    local = {value for _, value in tokenizer_choices(local_only=True)}
    for name in FOLLOWED:  # the Windows tab leads; Gemma cannot be trained on here, so it is not followed
        windows[name].change(None, windows[name], fields[name], js=_follow_js(local if name == "tokenizer" else None),
                             api_visibility="private", api_name=f"follow_{name}")
    source.change(lambda s: gr.update(visible=s == "file"), source, path, api_name="train_show_file", api_visibility="private")
    compared = {f"windows_{name}": windows[name] for name in COMPARED}
    shown = dict(fn=settings_view, inputs_kwargs={**fields, **compared}, outputs=[used, code], api_visibility="private",
                 show_progress="hidden")
    # Redrawn when a visitor edits this tab or opens it, not on every change: the values the Windows and
    # Tokens tabs hand over while this tab is hidden would each cost a server event (`settings_view`).
    # "always_last": typing 16 in a box or dragging a slider sends input after input, and the default "once"
    # dropped those that came while one ran, leaving the note and code at 1 while the box said 16.
    own = [c.input for name, c in fields.items() if name not in ("text", "path")] + [path.change, tab.select]
    gr.on(own, **shown, api_name="train_windows", trigger_mode="always_last")
    # Armed at the click, before the run waits in the queue, so Stop works on a queued run too.
    run = dict(fn=train_view, inputs_kwargs=fields, outputs=[status, chart, model], concurrency_limit=1, concurrency_id="train")
    views = [start.click(arm_stop, None, None, api_name="train_arm", api_visibility="private", concurrency_limit=None,
                         show_progress="hidden").then(**run, api_name="train_view", api_visibility="private")]
    gr.api(train, api_name="train", concurrency_limit=1, concurrency_id="train")
    stop.click(request_stop, None, None, api_name="train_stop", api_visibility="private", concurrency_limit=None,
               show_progress="hidden")
    # One click sets A4 up and runs it, in one chain: a Start clicked the moment the boxes change could
    # still send the old values (seen under load: the boxes showed 0 and 2, the run got 2 and 600).
    a4_set = a4.click(lambda: (0, 2), None, [n_blocks, steps], api_name="train_a4", api_visibility="private", show_progress="hidden")
    a4_set.then(**shown, api_name="train_windows_a4")
    views.append(a4_set.then(arm_stop, None, None, api_name="train_a4_arm", api_visibility="private", concurrency_limit=None,
                                 show_progress="hidden").then(**run, api_name="train_a4_view", api_visibility="private"))
    # The page's Sample, Before/after and Next token read the session's model, which API and MCP calls do
    # not share: private here; `sample` and `next_token` are their session-free API (and MCP) twins.
    sample_button.click(sample_text, [model, sample_prompt, temperature, top_k], sampled, api_name="sample_view",
                        api_visibility="private")
    gr.api(sample, api_name="sample", concurrency_limit=1, concurrency_id="train")
    drawn = gr.State(None)  # the before/after figure as a dict, for the selection to ring its token
    views.append(emb_button.click(embeddings_before_after_traced, [model, emb_sentence], [emb_plot, emb_note, drawn],
                                  api_name="embeddings_before_after", api_visibility="private"))
    next_view = dict(fn=next_tokens, inputs=[model, next_prompt], outputs=[tiny_table, gemma_table, next_note, gemma_timer],
                     concurrency_limit=1, concurrency_id="gemma-model")
    next_button.click(**next_view, api_name="next_token_view", api_visibility="private")
    gr.api(next_token, api_name="next_token", concurrency_limit=1, concurrency_id="gemma-model")
    gemma_timer.tick(**next_view, api_name="next_token_tick", api_visibility="private", show_progress="hidden")
    def refresh(load):
        load.then(table_headers, [tiny_table, gemma_table], [tiny_table, gemma_table], api_name="next_token_headers",
                  api_visibility="private")
        load.then(inspect_headers, inspect_next, inspect_next, api_name="inspect_headers", api_visibility="private")
        # A link's Windows values reach this tab by the copies above, which may land after the note (a link
        # into Train showed context_length 12's windows): copy them first, then redraw the note.
        copied = load.then(None, [windows[n] for n in FOLLOWED], [fields[n] for n in FOLLOWED], js=_follow_once_js(local),
                           api_visibility="private", api_name="train_follow_load")
        return copied.then(**shown, api_name="train_windows_load")

    shows = {"text": inspect_text, "note": inspect_note, "next": inspect_next, "attention": attention, "before_after": emb_plot,
             "drawn": drawn}
    # a link sets how long to train (a notebook from it trains as long)
    return TabParts(refresh, {"steps": steps}, traced=model, views=views, shows=shows, starts=[start, a4])
