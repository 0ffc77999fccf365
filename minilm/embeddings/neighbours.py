"""Nearest tokens by cosine: over Gemma's whole vocabulary (an index built once), or a small table.

Neighbours are measured in the full space of the table, never in the three plotted axes.
`NeighbourIndex` reads little per query: 4-bit codes of every row (faiss' product quantiser with
SIMD "fast scan", 40 MiB for Gemma, after a random rotation) pick 1,500 candidates, which are then
scored exactly in float32 from the table itself, so every cosine shown is exact. Rows in a tight
clump (Gemma's ~6,000 untrained tokens are near copies of one vector) are too alike for 4-bit codes
to order, and would crowd every other row out of the candidates: a clump gets a few probes instead,
and when one comes near the top the whole clump is scored exactly. bench/neighbours.py measures it
against float32 brute force. Not here: where the vectors come from (`minilm.embeddings.vectors`),
the file the index is kept in (`minilm.embeddings.index_cache`).
"""

from __future__ import annotations

from pathlib import Path

from minilm.embeddings.index_cache import (
    load_arrays,
    misfit_note,
    neighbour_cache,
    save_arrays,
)

# Rows scored exactly per query. On Gemma, 200 queries for each of 7 seeds: 1,000 took 3.6-4.0 ms (median, two
# busy cores) and got 197-200 top-10 lists right; 1,500 takes 4.4 ms and gets 198-200. What is still missed:
# float32 near-ties among the clump's rows (cosines ~1e-7 apart), which no other order of summation fixes.
CANDIDATES = 1_500
SAMPLE = 32_768  # rows the quantiser learns from
CLUMP_COS = 0.95  # a row at least this close to a clump's centre belongs to the clump
CLUMP_PROBES = 32  # a clump's best rows by their codes, scored exactly to tell whether it reaches the top
CLUMP_MARGIN = 0.05  # ... within this of the k-th cosine: the near-copies' cosines spread ~0.02 around their best
CHUNK = 16_384
DIMS_PER_CODE = 2  # 4 bits per 2 dimensions: 40 MiB for Gemma's table


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
    """Cosine nearest neighbours over every row of a table (`rows(ids)`, `block(start, stop)`, `n_rows`, `dim`).

    `cache`: True keeps the index beside the table's source file in the cache folder (rebuilt when
    that file changes or the cache is damaged), a Path keeps it there, False builds it in memory.
    `note` is the console note said when a cache did not fit, else None.
    """

    def __init__(self, table, *, candidates: int = CANDIDATES, cache: bool | Path = True):
        self.table, self.candidates, self.note = table, candidates, None
        if table.n_rows <= candidates:  # every row is a candidate: nothing to index
            self.codes = None
            return
        source = _source_file(table)
        if cache is True:
            cache = neighbour_cache(source) if source else False
        arrays = self._cached(Path(cache), source) if cache and source else build_arrays(table)
        self._use(arrays)

    def _cached(self, cache: Path, source: Path) -> dict:
        params = {"n_rows": self.table.n_rows, "dim": self.table.dim, "sample": SAMPLE, "clump_cos": CLUMP_COS}
        arrays, misfit = load_arrays(cache, source, params)
        if arrays is None:
            self.note = misfit_note(misfit, cache, source) if misfit else None
            arrays = build_arrays(self.table)
            save_arrays(cache, source, params, arrays)
        return arrays

    def _use(self, arrays: dict) -> None:
        import faiss
        import numpy as np

        faiss.omp_set_num_threads(1)  # one query at a time gains nothing from threads that spin on a busy core
        self.codes = faiss.deserialize_index(arrays["codes"])
        self.rotation, self.centres, self.norms = arrays["rotation"], arrays["centres"], arrays["norms"]
        order = np.argsort(arrays["clump_label"], kind="stable")  # each clump's rows together: sliced, not gathered
        self.clump_ids, labels = arrays["clump_ids"][order], arrays["clump_label"][order]
        self.clump_bounds = np.searchsorted(labels, np.arange(len(self.centres) + 1))
        self.clump_of = np.full(self.table.n_rows, -1, dtype=np.int16)
        self.clump_of[self.clump_ids] = labels
        self.clump_rows = _unit_rows(_as_numpy(self.table.rows(self.clump_ids))) if len(self.clump_ids) else None

    def nearest(self, vector, k: int = 10, *, exclude: int | None = None) -> list[tuple[int, float]]:
        """The k rows most similar to `vector` by cosine, best first: [(id, cosine), ...]."""
        import numpy as np

        query = np.asarray(_as_numpy(vector), dtype=np.float32).reshape(-1)
        query = query / max(float(np.linalg.norm(query)), 1e-12)
        want = k + (exclude is not None)
        ids = self._rough(query, max(self.candidates, 4 * want))
        rows = _as_numpy(self.table.rows(ids))  # exact: the table's own float32 rows
        norms = self.norms[ids] if self.codes is not None else np.linalg.norm(rows, axis=1)
        cos = _dot(rows, query) / np.maximum(norms, 1e-12)
        ids, cos = self._with_clumps(query, ids, cos, want)
        order = np.argsort(-cos, kind="stable")[:want]
        return [(int(ids[i]), float(cos[i])) for i in order if ids[i] != exclude][:k]

    def _rough(self, query, count: int):
        """Ids of the `count` best rows outside clumps by their 4-bit codes, and each clump's few best.

        A clump's thousands of near-copies score alike and would take the whole budget from other rows
        when it is near the query (it did: true neighbours ranked ~6,000th). In row order (kinder to the
        memory map).
        """
        import numpy as np

        if self.codes is None:
            return np.arange(self.table.n_rows)
        rotated = _pad(_dot(self.rotation.T, query)[None], self.codes.d)  # rows were centred: scores shift alike
        _, found = self.codes.search(rotated, min(count + len(self.clump_ids), self.table.n_rows))
        found = found[0][found[0] >= 0]
        label = self.clump_of[found]
        probes = [found[label == c][:CLUMP_PROBES] for c in range(len(self.centres))]
        return np.sort(np.concatenate([found[label < 0][:count], *probes]))

    def _with_clumps(self, query, ids, cos, want: int):
        """Score every row of each clump whose probes come near the `want` best: its rows differ by ~1e-4."""
        import numpy as np

        if self.codes is None or not len(self.clump_ids):
            return ids, cos
        nth = min(want, len(cos)) - 1
        kth = -np.partition(-cos, nth)[nth]
        label = self.clump_of[ids]
        hit = np.unique(label[(label >= 0) & (cos >= kth - CLUMP_MARGIN)])
        if not len(hit):
            return ids, cos
        keep = ~np.isin(label, hit)
        spans = [slice(self.clump_bounds[c], self.clump_bounds[c + 1]) for c in hit]
        return (np.concatenate([ids[keep], *(self.clump_ids[s] for s in spans)]),
                np.concatenate([cos[keep], *(_dot(self.clump_rows[s], query) for s in spans)]))


def build_arrays(table) -> dict:
    """The index's arrays: faiss codes of every unit row (centred, rotated), the rotation, the clumps."""
    import faiss
    import numpy as np

    rng = np.random.default_rng(0)
    sample_ids = np.sort(rng.choice(table.n_rows, min(SAMPLE, table.n_rows), replace=False))
    sample = _unit_rows(_as_numpy(table.rows(sample_ids)))
    codes, encode, rotation = _trained_codes(sample, rng)
    centres = _clump_centres(sample[rng.permutation(len(sample))[:4096]])  # sample_ids are sorted: mix them
    clump_ids, clump_label, norms = [], [], []
    for start in range(0, table.n_rows, CHUNK):
        rows = _as_numpy(table.block(start, min(start + CHUNK, table.n_rows))).astype(np.float32)
        norms.append(np.linalg.norm(rows, axis=1))
        rows = _unit_rows(rows)
        codes.add(encode(rows))
        near = rows @ centres.T  # (rows, clumps)
        inside = np.flatnonzero(near.max(axis=1, initial=-1.0) >= CLUMP_COS)
        clump_ids.append(start + inside)
        clump_label.append(near[inside].argmax(axis=1) if len(centres) else inside)
    return {"codes": faiss.serialize_index(codes), "rotation": rotation, "centres": centres,
            "norms": np.concatenate(norms).astype(np.float32),
            "clump_ids": np.concatenate(clump_ids).astype(np.int64), "clump_label": np.concatenate(clump_label).astype(np.int16)}


def _trained_codes(sample, rng):
    """(empty faiss fast-scan index trained on `sample`, rows -> its input, the rotation).

    Centred: Gemma's unit rows share a mean of length 0.45, which would take bits from what differs.
    Rotated at random: one of Gemma's 640 dimensions has 6x the spread of the others; spread over all,
    every pair of dimensions fits its 16 codes alike (without it 179 of 200 top-10 lists were right, not 200).
    """
    import faiss
    import numpy as np

    dim = sample.shape[1]
    mean = sample.mean(axis=0)
    rotation = np.linalg.qr(rng.standard_normal((dim, dim)))[0].astype(np.float32)
    width = -(-dim // DIMS_PER_CODE) * DIMS_PER_CODE  # zero-padded to whole codes
    codes = faiss.IndexPQFastScan(width, width // DIMS_PER_CODE, 4, faiss.METRIC_INNER_PRODUCT)

    def encode(rows):
        return _pad((rows - mean) @ rotation, width)  # the mean shifts every score of a query alike

    codes.train(encode(sample))
    return codes, encode, rotation


def _clump_centres(sample, *, share: float = 0.01, most: int = 8):
    """Unit centres of up to `most` clumps, each holding >= `share` of the sample within CLUMP_COS of one row."""
    import numpy as np

    close = (sample @ sample.T) >= CLUMP_COS  # (n, n); a row is close to itself
    alive, centres = np.ones(len(sample), dtype=bool), []
    while len(centres) < most:
        counts = (close & alive).sum(axis=1) * alive
        seed = int(counts.argmax())
        if counts[seed] < max(8, share * len(sample)):
            break
        members = close[seed] & alive
        centres.append(_unit_rows(sample[members].mean(axis=0, keepdims=True))[0])
        alive &= ~members
    return np.array(centres, dtype=np.float32).reshape(len(centres), sample.shape[1])


def _dot(matrix, vector):
    """`matrix @ vector` without BLAS: numpy's threaded OpenBLAS takes ~8 ms for a 1,000 x 640 product
    on two busy cores, where this loop takes 0.1 ms."""
    import numpy as np

    return np.einsum("ij,j->i", matrix, vector)


def _unit_rows(rows):
    import numpy as np

    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def _pad(x, width: int):
    import numpy as np

    x = np.ascontiguousarray(x, dtype=np.float32)
    return x if x.shape[1] == width else np.ascontiguousarray(np.pad(x, ((0, 0), (0, width - x.shape[1]))))


def _source_file(table) -> Path | None:
    """The file a table reads from (GGUF or safetensors), which a cached index is tied to."""
    source = getattr(table, "path", None) or getattr(table, "file", None)
    return Path(source) if source and Path(source).is_file() else None


def _as_numpy(x):
    import numpy as np

    return x.float().numpy() if hasattr(x, "numpy") and hasattr(x, "float") else np.asarray(x)


def _as_tensor(x):
    import torch

    return x if isinstance(x, torch.Tensor) else torch.as_tensor(x)
