"""What all visitors share, read-only: Gemma's tokenizer and its neighbour index, each loaded once
in the background."""

from minilm.background import BackgroundLoader
from minilm.gemma import load_gemma


def _neighbour_index(progress):
    from minilm.embeddings import NeighbourIndex, gemma_table

    gemma = GEMMA.wait()
    progress("normalising the 262,144 rows of Gemma's embedding table")
    return NeighbourIndex(gemma_table(gemma))


GEMMA = BackgroundLoader(load_gemma, what="Gemma 3")
NEIGHBOURS = BackgroundLoader(_neighbour_index, what="the neighbour index")


def _gemma_model(progress):
    from minilm.next_token import load_gemma_model

    gemma = GEMMA.wait()
    progress(f"building the whole {gemma.name} model (about half a minute, 2.6 GB)")
    return load_gemma_model(gemma)


GEMMA_MODEL = BackgroundLoader(_gemma_model, what="Gemma 3's whole model")
