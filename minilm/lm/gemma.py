"""Seed section 1: a real model's next-token probabilities, from the whole Gemma 3 model.

This is the only place minilm builds a whole Gemma (the bundled 270M GGUF: about half a minute and
2.6 GB, or a Hub-layout folder); the Tokens and Embeddings tabs read only the tokenizer and the table.
"""

from __future__ import annotations

from minilm.tokens.gemma import Gemma


def load_gemma_model(gemma: Gemma):
    """`Gemma3ForCausalLM` for a loaded Gemma, in eval mode."""
    import torch
    from transformers import Gemma3ForCausalLM

    if gemma.source == "bundled":
        model = Gemma3ForCausalLM.from_pretrained(str(gemma.path.parent), gguf_file=gemma.path.name, dtype=torch.float32)
    else:
        model = Gemma3ForCausalLM.from_pretrained(str(gemma.path))
    return model.eval()


def gemma_next_tokens(model, gemma: Gemma, text: str, *, k: int = 10) -> list[tuple[str, int, float]]:
    """The k likeliest next tokens after `text` (with <bos>, as Gemma was trained): [(token, id, p)]."""
    import torch

    ids = gemma.tokenizer.encode(text)
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0, -1].float()
    top = torch.topk(torch.softmax(logits, dim=-1), k)
    return [(gemma.tokenizer.convert_ids_to_tokens(int(i)), int(i), float(p)) for p, i in zip(top.values, top.indices)]
