"""From many dimensions to three: pick three axes (the seed's `[20, 21, 22]`) or take PCA's top three.

Both return a `Projection` that says what its axes are and, for PCA, how much of the spread each
one explains, the number that warns how much a 3D picture leaves out. Not here: drawing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from minilm.lang import Problem


@dataclass(frozen=True)
class Projection:
    """Points in 3D with what their axes mean."""

    points: tuple[tuple[float, float, float], ...]
    axes: tuple[str, str, str]
    explained: tuple[float, float, float] | None = None  # PCA: share of variance per axis
    dims: tuple[int, int, int] | None = None  # the kept dimensions, when three were picked


def parse_dims(text, dim: int | None = None) -> tuple[int, int, int]:
    """Three distinct dimensions from "20, 21, 22" (or a list), within 0..dim-1 when `dim` is given.

    >>> parse_dims("20, 21, 22", 640)
    (20, 21, 22)
    """
    parts = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    # a negative int is refused here, like "-1" typed in the box: no vectors have dimension -1
    if not all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 or isinstance(p, str) and p.isdecimal() for p in parts):
        raise Problem("dims_not_numbers", value=repr(text))
    dims = tuple(int(p) for p in parts)
    if len(dims) != 3:
        raise Problem("dims_not_three", n=len(dims))
    if len(set(dims)) != 3:
        raise Problem("dims_not_distinct", dims=", ".join(map(str, dims)))
    bad = [d for d in dims if dim is not None and d >= dim]
    if bad:
        raise Problem("dim_missing", dim=bad[0], last=dim - 1)
    return dims


def project_dims(vectors, dims, *, names=None) -> Projection:
    """Keep three coordinates of each vector, as the seed's plot does."""
    vectors = _float(vectors)
    dims = parse_dims(dims, vectors.shape[1])
    points = vectors[:, list(dims)]
    axes = tuple(names[d] if names else f"dim {d}" for d in dims)
    return Projection(_rows(points), axes, dims=dims)


def project_pca(vectors) -> Projection:
    """The three directions of largest spread (PCA through SVD of the centred vectors).

    >>> p = project_pca([[1.0, 0, 0, 0], [-1, 0, 0, 0], [0, 0.5, 0, 0], [0, -0.5, 0, 0]])
    >>> [round(e, 2) for e in p.explained]
    [0.8, 0.2, 0.0]
    """
    import torch

    vectors = _float(vectors)
    if len(vectors) < 2:
        raise Problem("pca_needs_two")
    centred = vectors - vectors.mean(0)
    _, s, vh = torch.linalg.svd(centred, full_matrices=False)
    k = min(3, vh.shape[0])
    points = centred @ vh[:k].T
    variance = s**2
    explained = [float(v) for v in variance[:k] / variance.sum().clamp_min(1e-12)]
    if k < 3:  # fewer vectors than axes: the rest explain nothing
        points = torch.cat([points, torch.zeros(len(points), 3 - k)], dim=1)
        explained += [0.0] * (3 - k)
    axes = tuple(f"PC{i + 1} ({e:.0%})" for i, e in enumerate(explained))
    return Projection(_rows(points), axes, tuple(explained))


def cosine_matrix(vectors):
    """Cosine similarity of every pair, in the full space: (n, n) nested lists."""
    import torch

    unit = torch.nn.functional.normalize(_float(vectors), dim=1)
    return (unit @ unit.T).tolist()


def _float(vectors):
    import torch

    return torch.as_tensor(vectors).detach().float()


def _rows(points) -> tuple[tuple[float, float, float], ...]:
    return tuple(tuple(float(v) for v in row) for row in points.tolist())
