"""Embedding tables: Gemma 3's embed_tokens read from its file, and the seed's untrained nn.Embedding.

`gemma_embed_tokens(gemma, ids)` equals the seed's `gemma_model.model.embed_tokens(ids)` for the
same checkpoint (rows times sqrt(hidden_size) in the weight's dtype) while reading only the
embedding table: rows of the GGUF for the bundled model, one tensor of the safetensors for a Hub
folder. `random_embedding` is the seed's untrained `nn.Embedding`, seeded so a link reproduces it.
Not here: which vectors a view shows (`minilm.embeddings.vectors`), neighbours
(`minilm.embeddings.neighbours`), projections and pictures.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from minilm.embeddings.gguf import GGUFTable, place_cache
from minilm.lang import Problem, say, say_lines
from minilm.tokens.gemma import Gemma


class SafetensorsTable:
    """`embed_tokens.weight` of a Hub-layout folder, read from its safetensors file(s) alone."""

    def __init__(self, folder: Path):
        self.file, self.key = _find_embedding(folder)
        from safetensors import safe_open

        with safe_open(str(self.file), "pt") as f:
            self.n_rows, self.dim = f.get_slice(self.key).get_shape()

    def rows(self, ids):
        """Rows in the stored dtype (bf16 for Gemma checkpoints): (len(ids), dim)."""
        import torch
        from safetensors import safe_open

        ids = [int(i) for i in ids]
        _check_ids(ids, self.n_rows)
        with safe_open(str(self.file), "pt") as f:
            table = f.get_slice(self.key)
            if not ids:
                return table[0:0]
            return torch.cat([table[i : i + 1] for i in ids])

    def block(self, start: int, stop: int):
        """Rows start..stop-1 in the stored dtype."""
        from safetensors import safe_open

        with safe_open(str(self.file), "pt") as f:
            return f.get_slice(self.key)[start:stop]


def _find_embedding(folder: Path) -> tuple[Path, str]:
    index = folder / "model.safetensors.index.json"
    if index.exists():
        weight_map = json.loads(index.read_text())["weight_map"]
        key = next((k for k in weight_map if k.endswith("embed_tokens.weight")), None)
        if key:
            return folder / weight_map[key], key
    for file in sorted(folder.glob("*.safetensors")):
        from safetensors import safe_open

        with safe_open(str(file), "pt") as f:
            key = next((k for k in f.keys() if k.endswith("embed_tokens.weight")), None)
        if key:
            return file, key
    raise ValueError(f"{folder} has no safetensors file with an embed_tokens.weight tensor")


def _check_ids(ids, n_rows: int) -> None:
    bad = [i for i in ids if not 0 <= i < n_rows]
    if bad:
        raise ValueError(f"token id {bad[0]} is outside this table's 0..{n_rows - 1}")


@lru_cache(maxsize=4)
def gemma_table(gemma: Gemma):
    """The embedding table behind a loaded Gemma: GGUF rows, or a safetensors tensor."""
    if gemma.source == "bundled":
        return GGUFTable.open(gemma.path, cache=place_cache(gemma.path))
    return SafetensorsTable(gemma.path)


def gemma_table_title(gemma: Gemma, lang: str = "en") -> tuple[str, ...]:
    """The Gemma table's name in `lang`, on the lines a plot's title breaks it into:
    ("Gemma 3 270M (bundled GGUF):", "embed_tokens, 262,144 x 640")."""
    table = gemma_table(gemma)
    name = say("emb_gemma_bundled", lang) if gemma.source == "bundled" else gemma.name
    return say_lines("emb_gemma_table", lang, name=name, rows=table.n_rows, dim=table.dim)


def gemma_embed_tokens(gemma: Gemma, ids):
    """What `Gemma3ForCausalLM.model.embed_tokens(torch.tensor(ids))` returns: (len(ids), hidden_size).

    Gemma scales embeddings by sqrt(hidden_size), cast to the weight's dtype first: in bf16 that
    is 25.25 for 640 and 34.0 for 1152 (transformers' Gemma3TextScaledWordEmbedding).
    """
    import torch

    rows = gemma_table(gemma).rows(list(ids) if not isinstance(ids, torch.Tensor) else ids.tolist())
    rows = torch.from_numpy(rows) if not isinstance(rows, torch.Tensor) else rows
    scale = torch.tensor(math.sqrt(rows.shape[1]), dtype=torch.float32).to(rows.dtype)
    return rows * scale


def random_embedding(num_embeddings: int, embedding_dim: int, *, seed: int = 0):
    """The seed's untrained `nn.Embedding`, its N(0, 1) weights drawn from `seed`."""
    import torch

    if not 1 <= embedding_dim <= 4096 or num_embeddings < 1:
        raise ValueError(f"embedding_dim must be 1..4096 and num_embeddings at least 1, got {embedding_dim}, {num_embeddings}")
    embedding = torch.nn.Embedding(num_embeddings, embedding_dim)
    with torch.no_grad():
        embedding.weight.normal_(generator=torch.Generator().manual_seed(seed))
    return embedding


def embed_with(embedding, ids, *, tokenizer_name: str, table_name: str):
    """`embedding(torch.tensor(ids))`, with the seed's tokenizer-mismatch mistake explained."""
    import torch

    too_big = [i for i in ids if i >= embedding.num_embeddings]
    if too_big:
        raise Problem("id_not_in_table", id=too_big[0], tokenizer=tokenizer_name, table=table_name,
                      rows=embedding.num_embeddings)
    with torch.no_grad():
        return embedding(torch.tensor(ids, dtype=torch.long))
