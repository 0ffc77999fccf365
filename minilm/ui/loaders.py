"""What all visitors share, read-only, each loaded once in the background: Gemma's tokenizer (the
registry's), the neighbour index over its 262,144 embeddings, the whole Gemma model, and the Train
tab's default training step compiled (`minilm.lm.compiled`; a default run started sooner waits for it).

`LOADER.ready()` gives the value or raises the one "still loading" problem (a failure once, then
it tries again); `report_on_console()` prints the progress of all four where the app was
started. Not here: what they compute (`minilm.tokens.registry`, `minilm.embeddings.neighbours`,
`minilm.lm.gemma`).
"""

from minilm.background import BackgroundLoader, console_progress
from minilm.lang import Problem
from minilm.tokens.registry import GEMMA


def _neighbour_index(progress):
    from minilm.embeddings.neighbours import NeighbourIndex
    from minilm.embeddings.tables import gemma_table

    gemma = GEMMA.wait()
    progress("stage_neighbour_index")  # keys of minilm.lang: the page words them in the learner's language
    return NeighbourIndex(gemma_table(gemma))


def _gemma_model(progress):
    from minilm.lm.gemma import load_gemma_model

    gemma = GEMMA.wait()
    return load_gemma_model(gemma, progress=progress)  # converting (first start), loading the cached weights


def _training_step(progress):
    from minilm.lm.compiled import default_model_config, enabled, warm

    if not enabled():
        raise RuntimeError("MINILM_COMPILE=0: training steps run eagerly")
    try:
        NEIGHBOURS.wait()  # first what a visitor's first page needs: compiling keeps both cores busy
    except Problem:
        pass  # the index failed: compile all the same
    progress("stage_compiling_step")
    compiled = warm(default_model_config()).result()  # a default run started before this waits for it
    if compiled is None:
        raise RuntimeError("torch.compile failed (see the warning above); training steps run eagerly")
    return compiled


NEIGHBOURS = BackgroundLoader(_neighbour_index, what="what_neighbour_index")
GEMMA_MODEL = BackgroundLoader(_gemma_model, what="what_gemma_model")
TRAINING_STEP = BackgroundLoader(_training_step, what="what_training_step")


def report_on_console(stream=None) -> None:
    """Print each stage of Gemma, the neighbour index, Gemma's whole model (its one-time conversion
    among them) and the compiled training step, their readiness and failures (on stderr)."""
    for loader in (GEMMA, NEIGHBOURS, GEMMA_MODEL, TRAINING_STEP):
        loader.on_stage = console_progress(loader, stream=stream)


__all__ = ["GEMMA", "GEMMA_MODEL", "NEIGHBOURS", "TRAINING_STEP", "report_on_console"]
