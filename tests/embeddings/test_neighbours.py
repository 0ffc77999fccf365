"""Nearest neighbours by cosine, against numpy brute force on the array the table was written from.

Why: `NeighbourIndex` picks candidates by 4-bit codes of rotated rows and re-scores them exactly, and
scores a whole clump of near-copies when one of them reaches the top; a wrong rotation or centring, a
missing re-score, a skipped clump or an ignored `exclude` gives plausible but wrong neighbours. The
indexes here keep CANDIDATES (300 of 3,000 rows) small, so the codes must do real work. The reference
never goes through the code's table reader: a small table is written to a GGUF file with the `gguf`
package's own `GGUFWriter` (F32, and F16 as Gemma-like files may hold), and the expected neighbours are
a float64 brute force over the numpy array handed to the writer.
"""

import numpy as np
import pytest

from minilm.embeddings.gguf import GGUFTable
from minilm.embeddings.neighbours import NeighbourIndex, nearest_rows

N_ROWS, DIM = 3000, 48
CANDIDATES = 300


def index_over(table) -> NeighbourIndex:
    """An index that scores 300 of the 3,000 rows exactly, kept in memory (no cache file)."""
    return NeighbourIndex(table, candidates=CANDIDATES, cache=False)


def brute_force(table: np.ndarray, query: np.ndarray, k: int, exclude=None) -> list[tuple[int, float]]:
    """Every row's cosine with `query` in float64, best first, `exclude` left out."""
    table, query = table.astype(np.float64), np.asarray(query, dtype=np.float64)
    cos = table @ query / (np.linalg.norm(table, axis=1) * np.linalg.norm(query))
    order = [int(j) for j in np.argsort(-cos, kind="stable") if j != exclude]
    return [(j, float(cos[j])) for j in order[:k]]


def write_gguf(path, source: np.ndarray):
    """`source` as the `token_embd.weight` of a GGUF file written by the `gguf` package's own writer."""
    from gguf import GGUFWriter

    writer = GGUFWriter(str(path), "gemma3")
    writer.add_uint32("gemma3.embedding_length", source.shape[1])
    writer.add_array("tokenizer.ggml.tokens", [f"t{i}" for i in range(len(source))])  # an array the walk must skip
    writer.add_tensor("token_embd.weight", source)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture(scope="module", params=["f32", "f16"])
def written(request, tmp_path_factory):
    """(source array as the file holds it, GGUFTable over the file) for a random table."""
    rng = np.random.default_rng(7)
    source = rng.standard_normal((N_ROWS, DIM)).astype(np.float32 if request.param == "f32" else np.float16)
    path = write_gguf(tmp_path_factory.mktemp("gguf") / f"table-{request.param}.gguf", source)
    return source.astype(np.float32), GGUFTable.open(path)


def test_index_equals_brute_force_for_random_queries(written):
    """100 random query vectors: the top 10 ids are the brute force's, in order, cosines to 1e-5."""
    source, table = written
    index = index_over(table)
    queries = np.random.default_rng(1).standard_normal((100, DIM)).astype(np.float32)
    for query in queries:
        expected = brute_force(source, query, 10)
        got = index.nearest(query, 10)
        assert [j for j, _ in got] == [j for j, _ in expected]
        assert [c for _, c in got] == pytest.approx([c for _, c in expected], abs=1e-5)


def test_a_rows_neighbours_leave_the_row_out(written):
    """A row's own vector as the query, as the tab asks: itself (cosine 1) only when not excluded."""
    source, table = written
    index = index_over(table)
    for row in (0, 1, 17, 1234, N_ROWS - 1):
        own = index.nearest(source[row], 5)
        assert own[0][0] == row and own[0][1] == pytest.approx(1.0, abs=1e-6)
        got = index.nearest(source[row], 10, exclude=row)
        assert [j for j, _ in got] == [j for j, _ in brute_force(source, source[row], 10, exclude=row)]
        assert row not in [j for j, _ in got] and len(got) == 10


def test_top_one_is_exact_for_many_queries(written):
    """500 queries, each near a known row (the row plus small noise): the best match is that row."""
    source, table = written
    index = index_over(table)
    rng = np.random.default_rng(2)
    rows = rng.integers(0, N_ROWS, 500)
    queries = source[rows] + 0.05 * rng.standard_normal((500, DIM)).astype(np.float32)
    assert [index.nearest(q, 1)[0][0] for q in queries] == rows.tolist()


def test_a_clump_of_near_copies_is_ordered_exactly(tmp_path):
    """1,000 near-copies of one vector (cosine ~0.99 to it, as Gemma's ~6,000 untrained tokens are) among
    2,000 random rows, and only 100 candidates: the codes cannot tell the copies apart, so the top 10
    among them come out right only if the whole clump is scored exactly."""
    rng = np.random.default_rng(11)
    centre = rng.standard_normal(DIM)
    copies = centre + 0.1 * rng.standard_normal((1000, DIM))
    source = rng.permutation(np.concatenate([copies, rng.standard_normal((2000, DIM))])).astype(np.float32)
    index = NeighbourIndex(GGUFTable.open(write_gguf(tmp_path / "clump.gguf", source)), candidates=100, cache=False)
    copy_rows = np.flatnonzero(source @ centre / np.linalg.norm(source, axis=1) > 0.9 * np.linalg.norm(centre))
    assert len(copy_rows) == 1000  # the data is as described
    queries = [(centre + 0.1 * rng.standard_normal(DIM), None) for _ in range(10)]
    queries += [(source[row], int(row)) for row in copy_rows[:10]]
    for query, exclude in queries:
        expected = brute_force(source, query, 10, exclude=exclude)
        got = index.nearest(query.astype(np.float32), 10, exclude=exclude)
        assert [j for j, _ in got] == [j for j, _ in expected]
        assert [c for _, c in got] == pytest.approx([c for _, c in expected], abs=1e-5)


def test_a_near_clump_does_not_crowd_out_the_neighbours(tmp_path):
    """10 rows at cosine ~0.46 to the query, a clump of 1,000 near-copies at ~0.43, 2,000 random rows
    (dim 128, cosines ~0.09), 100 candidates: by their codes the copies outnumber the candidates and,
    let in freely, push true neighbours out (on Gemma's table, neighbours ranked ~6,000th by code).
    The top 10 must be the planted rows, in the brute force's order."""
    dim, rng = 128, np.random.default_rng(21)
    query = _unit(rng.standard_normal(dim))

    def at_cosine(cos, noise):  # unit rows whose cosine to `query` is `cos`
        across = _unit(noise - (noise @ query)[..., None] * query)
        return np.asarray(cos)[..., None] * query + np.sqrt(1 - np.asarray(cos)[..., None] ** 2) * across

    centre = at_cosine(0.43, rng.standard_normal(dim))
    clump = _unit(centre + 0.01 * rng.standard_normal((1000, dim)))
    planted = at_cosine(0.46 + 0.01 * rng.standard_normal(10), rng.standard_normal((10, dim)))
    source = rng.permutation(np.concatenate([rng.standard_normal((2000, dim)), clump, planted])).astype(np.float32)
    index = NeighbourIndex(GGUFTable.open(write_gguf(tmp_path / "near.gguf", source)), candidates=100, cache=False)
    expected = brute_force(source, query, 10)
    assert min(c for _, c in expected) > 0.44  # the planted rows, above the clump
    assert [j for j, _ in index.nearest(query.astype(np.float32), 10)] == [j for j, _ in expected]


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def test_small_table_neighbours_equal_brute_force():
    """`nearest_rows` (the hand-made and nn.Embedding tables): order, cosines rounded to 4 places, exclude."""
    rng = np.random.default_rng(3)
    table = rng.standard_normal((300, 6)).astype(np.float32)
    for query in rng.standard_normal((50, 6)).astype(np.float32):
        expected = brute_force(table, query, 10)
        got = nearest_rows(table, query, 10)
        assert [j for j, _ in got] == [j for j, _ in expected]
        assert [c for _, c in got] == pytest.approx([round(c, 4) for _, c in expected], abs=1e-4)
    got = nearest_rows(table, table[42], 10, exclude=42)
    assert [j for j, _ in got] == [j for j, _ in brute_force(table, table[42], 10, exclude=42)]
    assert nearest_rows(table, table[42], 1) == [(42, 1.0)]


def test_known_answers_in_two_dimensions():
    """Worked by hand: for (1, 0.1), (1, 0) is at 0.995, (0.7, 0.7) at 0.77/0.9949 = 0.774, (0, 1) at 0.0995."""
    rows = [[1.0, 0.0], [0.0, 1.0], [0.7, 0.7], [-1.0, 0.0]]
    assert nearest_rows(rows, [1.0, 0.1], k=4) == [(0, 0.995), (2, 0.774), (1, 0.0995), (3, -0.995)]
    assert nearest_rows(rows, [1.0, 0.1], k=2, exclude=0) == [(2, 0.774), (1, 0.0995)]


def test_default_k_is_ten():
    """Both searches give 10 neighbours unless asked otherwise (the tab's list length)."""
    table = np.random.default_rng(4).standard_normal((40, 6)).astype(np.float32)
    assert len(nearest_rows(table, table[0])) == 10
    assert len(NeighbourIndex(table_of(table), cache=False).nearest(table[0])) == 10


class table_of:
    """A plain in-memory table (no source file) that counts the rows each `rows` call reads."""

    def __init__(self, array):
        self.array, self.n_rows, self.dim, self.reads = array, len(array), array.shape[1], []

    def rows(self, ids):
        self.reads.append(len(ids))
        return self.array[np.asarray(ids, dtype=np.int64)]

    def block(self, start, stop):
        return self.array[start:stop]


@pytest.mark.parametrize("n_rows", [50, 300], ids=["fewer-rows-than-candidates", "as-many-rows-as-candidates"])
def test_small_table_is_searched_whole(n_rows):
    """A table no larger than `candidates` is scored whole, with its own row lengths (rows far from unit)."""
    rng = np.random.default_rng(8)
    source = (rng.standard_normal((n_rows, DIM)) * rng.uniform(0.01, 5, (n_rows, 1))).astype(np.float32)
    index = NeighbourIndex(table_of(source), candidates=300, cache=False)
    for query in rng.standard_normal((10, DIM)).astype(np.float32):
        expected = brute_force(source, query, 10)
        got = index.nearest(query, 10)
        assert [j for j, _ in got] == [j for j, _ in expected]
        assert [c for _, c in got] == pytest.approx([c for _, c in expected], abs=1e-5)


def test_a_query_reads_only_its_candidates():
    """An indexed table reads ~`candidates` rows per query, not all 3,000 (the point of the index)."""
    source = np.random.default_rng(9).standard_normal((N_ROWS, DIM)).astype(np.float32)
    table = table_of(source)
    index = NeighbourIndex(table, candidates=CANDIDATES, cache=False)
    table.reads.clear()
    index.nearest(source[5], 10, exclude=5)
    assert sum(table.reads) <= CANDIDATES + 8 * 32  # candidates plus at most each clump's probes


def scaled_rows(source):
    return source * 0.001, None


def tiny_query(source):
    return source, lambda q: q * 1e-4


def float16_query(source):
    return source, lambda q: q.astype(np.float16)


def row_shaped_query(source):
    return source, lambda q: q[None]


@pytest.mark.parametrize("case", [scaled_rows, tiny_query, float16_query, row_shaped_query],
                         ids=["rows-of-length-0.007", "query-of-length-0.0007", "float16-query", "query-of-shape-1-by-dim"])
def test_lengths_and_shapes_do_not_change_the_answer(case):
    """Cosine ignores length: short rows or a short query give the brute force's cosines; a float16 or (1, dim) query
    (a row as a table hands it out) is the same query."""
    rng = np.random.default_rng(10)
    source, shape = case(rng.standard_normal((N_ROWS, DIM)).astype(np.float32))
    source = source.astype(np.float32)
    index = NeighbourIndex(table_of(source), candidates=CANDIDATES, cache=False)
    for query in rng.standard_normal((10, DIM)).astype(np.float32):
        asked = shape(query) if shape else query
        expected = brute_force(source, np.asarray(asked, dtype=np.float64).reshape(-1), 10)
        got = index.nearest(asked, 10)
        assert [j for j, _ in got] == [j for j, _ in expected]
        assert [c for _, c in got] == pytest.approx([c for _, c in expected], abs=1e-5)


@pytest.mark.parametrize("k, exclude, length", [(200, None, 200), (200, 7, 200), (5000, None, 1000), (5000, 7, 999)],
                         ids=["k-above-candidates", "k-above-candidates-exclude", "k-above-rows", "k-above-rows-exclude"])
def test_large_k(k, exclude, length):
    """k beyond the candidate budget (100) still gives the brute force's k best; k beyond the table gives every row."""
    source = np.random.default_rng(12).standard_normal((1000, DIM)).astype(np.float32)
    index = NeighbourIndex(table_of(source), candidates=100, cache=False)
    got = index.nearest(source[7], k, exclude=exclude)
    assert len(got) == length
    assert [j for j, _ in got] == [j for j, _ in brute_force(source, source[7], k, exclude=exclude)]


@pytest.mark.parametrize("towards, scale", [("both", 1.0), ("a", 1.0), ("b", 1.0), ("both", 0.001)],
                         ids=["between-the-two", "at-clump-a", "at-clump-b", "rows-of-length-0.007"])
def test_two_clumps_are_each_scored_once(towards, scale):
    """Two clumps of 500 near-copies; a query between them (both reach the top) or at one of them: each clump's rows
    are scored once (no row twice, none missing) and the top 20 are the brute force's, also when every row is short."""
    rng = np.random.default_rng(14)
    a, b = rng.standard_normal(DIM), rng.standard_normal(DIM)
    clumps = np.concatenate([a + 0.1 * rng.standard_normal((500, DIM)), b + 0.1 * rng.standard_normal((500, DIM))])
    source = rng.permutation(np.concatenate([clumps, rng.standard_normal((2000, DIM))])).astype(np.float32) * scale
    index = NeighbourIndex(table_of(source), candidates=100, cache=False)
    query = {"both": a / np.linalg.norm(a) + b / np.linalg.norm(b), "a": a, "b": b}[towards].astype(np.float32)
    expected = brute_force(source, query, 20)
    got = index.nearest(query, 20)
    assert [j for j, _ in got] == [j for j, _ in expected]
    near_a = (source[[j for j, _ in got]] @ a > source[[j for j, _ in got]] @ b).sum()
    assert near_a == {"both": near_a if 0 < near_a < 20 else -1, "a": 20, "b": 0}[towards]
