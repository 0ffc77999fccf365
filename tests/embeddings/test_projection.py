"""Projections to 3D: which dimensions `parse_dims` accepts and how it words a refusal, the axis names
of a pick of three dimensions, and PCA's known answers, including fewer vectors (or dimensions) than axes.

PCA's expected values are worked out by hand in each case's comment; a direction's sign is SVD's
choice, so coordinates are compared without it.
"""

import pytest
import torch

from minilm.embeddings.projection import parse_dims, project_dims, project_pca
from minilm.lang import Problem


@pytest.mark.parametrize(
    "dims, dim, expected",
    [("0, 1, 639", 640, (0, 1, 639)), ([2, 0, 1], 3, (2, 0, 1)), ("5 4 3", None, (5, 4, 3))],
    ids=["first-and-last-of-640", "list-of-ints", "spaces-and-no-bound"],
)
def test_good_dims(dims, dim, expected):
    """Dimension 0 and dimension dim-1 both exist; without `dim` any non-negative number will do."""
    assert parse_dims(dims, dim) == expected


@pytest.mark.parametrize(
    "dims, dim, key, values",
    [
        ("1, 1, 2", 640, "dims_not_distinct", {"dims": "1, 1, 2"}),
        ([7, 3, 7], None, "dims_not_distinct", {"dims": "7, 3, 7"}),
        ("0, 1, 640", 640, "dim_missing", {"dim": 640, "last": 639}),
        ("3, 4, 2", 3, "dim_missing", {"dim": 3, "last": 2}),
        ([-1, 0, 1], 640, "dims_not_numbers", {"value": "[-1, 0, 1]"}),
        ([-1, 0, 1], None, "dims_not_numbers", {"value": "[-1, 0, 1]"}),
        ("-1, 0, 1", None, "dims_not_numbers", {"value": "'-1, 0, 1'"}),
        ("2², 3, 4", 640, "dims_not_numbers", {"value": "'2², 3, 4'"}),  # "²".isdigit(), but int("²") fails
    ],
    ids=["repeated", "repeated-list", "one-past-640", "one-past-3", "negative-int", "negative-int-no-bound", "negative-text",
         "superscript"],
)
def test_refused_dims_say_what_and_why(dims, dim, key, values):
    """The refusal carries the values its message shows: the dims as typed, the last dimension that exists.

    A negative number is not a dimension whether it comes typed or as an int (it used to be reported as
    "dimension -1 does not exist: these vectors have dimensions 0 to 0" when no bound was known).
    """
    with pytest.raises(Problem) as caught:
        parse_dims(dims, dim)
    assert (caught.value.key, caught.value.values) == (key, values)


def test_refused_dims_message_in_english():
    with pytest.raises(Problem, match=r"^dimension 640 does not exist: these vectors have dimensions 0 to 639$"):
        parse_dims("20, 21, 640", 640)
    with pytest.raises(Problem, match=r"^the three dimensions must differ, got 20, 20, 21$"):
        parse_dims("20, 20, 21", 640)


@pytest.mark.parametrize(
    "names, axes",
    [(None, ("dim 3", "dim 0", "dim 1")), (["size", "colour", "speed", "age"], ("age", "size", "colour"))],
    ids=["numbered", "named"],
)
def test_project_dims_names_its_axes(names, axes):
    """Axes follow the order asked for; hand-made features are named by their column, the rest by number."""
    vectors = torch.tensor([[1.0, 2, 3, 4], [5, 6, 7, 8]])
    projection = project_dims(vectors, "3, 0, 1", names=names)
    assert projection.axes == axes and projection.dims == (3, 0, 1)
    assert projection.points == ((4.0, 1.0, 2.0), (8.0, 5.0, 6.0)) and projection.explained is None


DOCTEST = [[1.0, 0, 0, 0], [-1, 0, 0, 0], [0, 0.5, 0, 0], [0, -0.5, 0, 0]]


@pytest.mark.parametrize(
    "vectors, points, explained, axes",
    [
        # spread 2 along dim 0 and 0.5 along dim 1: 80% and 20%, nothing left for a third axis
        (DOCTEST, [(1, 0, 0), (1, 0, 0), (0, 0.5, 0), (0, 0.5, 0)], (0.8, 0.2, 0.0), ("PC1 (80%)", "PC2 (20%)", "PC3 (0%)")),
        # the same shape a hundred times smaller: shares do not depend on scale (total variance 2.5e-4)
        ([[v / 100 for v in row] for row in DOCTEST], [(0.01, 0, 0), (0.01, 0, 0), (0, 0.005, 0), (0, 0.005, 0)],
         (0.8, 0.2, 0.0), ("PC1 (80%)", "PC2 (20%)", "PC3 (0%)")),
        # two vectors span one direction: half their distance each side, two axes padded with zeros
        ([[1.0, 2, 3, 4], [3, 2, 3, 4]], [(1, 0, 0), (1, 0, 0)], (1.0, 0.0, 0.0), ("PC1 (100%)", "PC2 (0%)", "PC3 (0%)")),
        # one dimension only: the mean 4/3 taken off, the other two axes padded
        ([[0.0], [1], [3]], [(4 / 3, 0, 0), (1 / 3, 0, 0), (5 / 3, 0, 0)], (1.0, 0.0, 0.0), ("PC1 (100%)", "PC2 (0%)", "PC3 (0%)")),
        # all alike: no spread to explain, and no division by zero
        ([[2.0, 5, 1]] * 3, [(0, 0, 0)] * 3, (0.0, 0.0, 0.0), ("PC1 (0%)", "PC2 (0%)", "PC3 (0%)")),
    ],
    ids=["doctest", "tiny-scale", "two-vectors", "one-dimension", "identical"],
)
def test_pca_known_answers(vectors, points, explained, axes):
    pca = project_pca(torch.tensor(vectors))
    assert [tuple(abs(v) for v in p) for p in pca.points] == [pytest.approx(p, abs=1e-5) for p in points]
    assert all(len(p) == 3 for p in pca.points)
    assert len(pca.explained) == 3 and pca.explained == pytest.approx(explained, abs=1e-6)
    assert pca.axes == axes and pca.dims is None


@pytest.mark.parametrize("vectors", [torch.zeros(0, 4), torch.tensor([[1.0, 2, 3]])], ids=["none", "one"])
def test_pca_needs_two_vectors(vectors):
    with pytest.raises(Problem, match="^PCA needs at least two vectors$") as caught:
        project_pca(vectors)
    assert caught.value.key == "pca_needs_two"
