"""What all visitors share, read-only, each loaded once in the background: Gemma's tokenizer (the
registry's), the neighbour index over its 262,144 embeddings, and the whole Gemma model.

`LOADER.ready()` gives the value or raises the one "still loading" problem (a failure once, then
it tries again); `report_on_console()` prints the progress of all three where the app was
started. Not here: what they compute (`minilm.tokens.registry`, `minilm.embeddings.neighbours`,
`minilm.lm.gemma`).
"""

from minilm.background import BackgroundLoader, console_progress
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


NEIGHBOURS = BackgroundLoader(_neighbour_index, what="what_neighbour_index")
GEMMA_MODEL = BackgroundLoader(_gemma_model, what="what_gemma_model")


def report_on_console(stream=None) -> None:
    """Print each stage of Gemma, the neighbour index and Gemma's whole model (its one-time conversion
    among them), their readiness and failures (on stderr)."""
    for loader in (GEMMA, NEIGHBOURS, GEMMA_MODEL):
        loader.on_stage = console_progress(loader, stream=stream)


__all__ = ["GEMMA", "GEMMA_MODEL", "NEIGHBOURS", "report_on_console"]
