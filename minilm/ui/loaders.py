"""What all visitors share, read-only, each loaded once in the background: Gemma's tokenizer (the
registry's), the neighbour index over its 262,144 embeddings, and the whole Gemma model.

`LOADER.ready()` gives the value or raises the one "still loading" problem. Not here: what they
compute (`minilm.tokens.registry`, `minilm.embeddings.neighbours`, `minilm.lm.gemma`).
"""

from minilm.background import BackgroundLoader
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
    progress("stage_gemma_model")
    return load_gemma_model(gemma)


NEIGHBOURS = BackgroundLoader(_neighbour_index, what="what_neighbour_index")
GEMMA_MODEL = BackgroundLoader(_gemma_model, what="what_gemma_model")

__all__ = ["GEMMA", "GEMMA_MODEL", "NEIGHBOURS"]
