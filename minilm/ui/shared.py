"""What all visitors share, read-only: the Gemma tokenizer, loaded once in the background."""

from minilm.gemma import GemmaLoader

GEMMA = GemmaLoader()
