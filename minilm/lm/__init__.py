"""Guide sections 1, 9 and 13: a tiny causal language model trained on the windows, and Gemma 3's.

`model` (TinyLM), `train` (the loop and its settings), `compiled` (its step by torch.compile), `figures` (the loss chart),
`gemma` (the whole Gemma 3 model, for next-token probabilities), with `gemma_cache` (its weights
converted once from the GGUF), `gguf_quants` (their exact packed form) and `gemma_forward` (its forward pass).
"""
