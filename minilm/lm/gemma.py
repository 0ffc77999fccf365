"""Seed section 1: a real model's next-token probabilities, from the whole Gemma 3 model.

This is the only place minilm builds a whole Gemma. The bundled 270M GGUF's weights are converted
once (a child process, ~40 s) and cached (`minilm.lm.gemma_cache`); later starts read them in about
a second and run them in float32 with `minilm.lm.gemma_forward` (~0.3 GB, the seed's probabilities
to 1e-5). A Hub-layout folder is read by transformers' `Gemma3ForCausalLM`. The Tokens and
Embeddings tabs read only the tokenizer and the table.
"""

from __future__ import annotations

from typing import Callable

from minilm.tokens.gemma import Gemma


def load_gemma_model(gemma: Gemma, *, progress: Callable[[str], None] | None = None):
    """The whole model for a loaded Gemma, ready for `gemma_next_tokens`; `progress` gets stage keys."""
    progress = progress or (lambda stage: None)
    if gemma.source == "bundled":
        from minilm.lm.gemma_cache import load_bundled_weights

        return load_bundled_weights(gemma.path, progress=progress)
    from transformers import Gemma3ForCausalLM

    progress("stage_gemma_model")
    return Gemma3ForCausalLM.from_pretrained(str(gemma.path)).eval()


def gemma_next_tokens(model, gemma: Gemma, text: str, *, k: int = 10) -> list[tuple[str, int, float]]:
    """The k likeliest next tokens after `text` (with <bos>, as Gemma was trained): [(token, id, p)]."""
    import torch

    ids = gemma.tokenizer.encode(text)
    top = torch.topk(torch.softmax(_next_token_logits(model, ids), dim=-1), k)
    return [(gemma.tokenizer.convert_ids_to_tokens(int(i)), int(i), float(p)) for p, i in zip(top.values, top.indices)]


def _next_token_logits(model, ids: list[int]):
    """float32 logits (vocab,) after `ids`, from our forward pass or from a transformers model."""
    import torch

    if hasattr(model, "next_token_logits"):
        return model.next_token_logits(ids)
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0, -1].float()
