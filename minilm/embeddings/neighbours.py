"""Nearest tokens by cosine: over Gemma's whole vocabulary (an index built once), or a small table.

Neighbours are measured in the full space of the table, never in the three plotted axes.
Not here: where the vectors come from (`minilm.embeddings.vectors`).
"""

from __future__ import annotations


def nearest_rows(rows, vector, k: int = 10, *, exclude: int | None = None) -> list[tuple[int, float]]:
    """The k rows of a small (n, dim) table most similar to `vector`, best first: [(row, cosine), ...].

    >>> nearest_rows([[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]], [1.0, 0.1], k=2)
    [(0, 0.995), (2, 0.774)]
    """
    import torch
    from torch.nn.functional import normalize

    rows, vector = _as_tensor(rows).float(), _as_tensor(vector).float().reshape(-1)
    cos = normalize(rows, dim=1) @ normalize(vector, dim=0)
    order = [j for j in torch.argsort(cos, descending=True).tolist() if j != exclude][:k]
    return [(j, round(float(cos[j]), 4)) for j in order]


class NeighbourIndex:
    """Cosine nearest neighbours over every row of a table.

    The unit-length table is kept in bfloat16 (half the memory of float32) for a first pass over
    all rows; the best candidates are then re-scored exactly in float32, so the order is exact
    unless a true neighbour falls outside 8x the requested count in bf16, which rounding cannot do
    for any but near-ties.
    """

    def __init__(self, table, *, chunk: int = 16_384):
        import torch

        self.table = table
        self.unit = torch.empty((table.n_rows, table.dim), dtype=torch.bfloat16)
        for start in range(0, table.n_rows, chunk):  # a chunk at a time: no float32 copy of it all
            stop = min(start + chunk, table.n_rows)  # a table's reader may refuse rows past its end
            block = _as_tensor(table.block(start, stop)).float()
            self.unit[start:stop] = torch.nn.functional.normalize(block, dim=1)

    def nearest(self, vector, k: int = 10, *, exclude: int | None = None) -> list[tuple[int, float]]:
        """The k rows most similar to `vector` by cosine, best first: [(id, cosine), ...]."""
        import torch

        query = torch.nn.functional.normalize(_as_tensor(vector).float().reshape(-1), dim=0)
        rough = self.unit @ query.to(torch.bfloat16)  # (n_rows,)
        candidates = torch.topk(rough.float(), min(8 * k + 1, len(rough))).indices
        exact = torch.nn.functional.normalize(_as_tensor(self.table.rows(candidates.tolist())).float(), dim=1) @ query
        order = torch.argsort(exact, descending=True)
        pairs = [(int(candidates[i]), float(exact[i])) for i in order if int(candidates[i]) != exclude]
        return pairs[:k]


def _as_tensor(x):
    import torch

    return x if isinstance(x, torch.Tensor) else torch.as_tensor(x)
