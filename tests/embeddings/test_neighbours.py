"""Nearest neighbours by cosine, against numpy brute force on the array the table was written from.

Why: `NeighbourIndex` picks candidates by 4-bit codes of rotated rows and re-scores them exactly, and
scores a whole clump of near-copies when one of them reaches the top; a wrong rotation or centring, a
missing re-score, a skipped clump or an ignored `exclude` gives plausible but wrong neighbours. The
indexes here keep CANDIDATES (300 of 3,000 rows) small, so the codes must do real work. The reference
never goes through the code's table reader: a small table is written to a GGUF file with the `gguf`
package's own `GGUFWriter` (F32, and F16 as Gemma-like files may hold), and the expected neighbours are
a float64 brute force over the numpy array handed to the writer. The clump finder is checked on its stated
bounds (1% of the sample and at least 8 rows, cosine 0.95 included, at most 8 clumps), with samples built to sit
exactly on them.
"""

import numpy as np
import pytest

from minilm.embeddings import neighbours
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
    centre = _at_cosine(query, 0.43, rng.standard_normal(dim))
    clump = _unit(centre + 0.01 * rng.standard_normal((1000, dim)))
    planted = _at_cosine(query, 0.46 + 0.01 * rng.standard_normal(10), rng.standard_normal((10, dim)))
    source = rng.permutation(np.concatenate([rng.standard_normal((2000, dim)), clump, planted])).astype(np.float32)
    index = NeighbourIndex(GGUFTable.open(write_gguf(tmp_path / "near.gguf", source)), candidates=100, cache=False)
    expected = brute_force(source, query, 10)
    assert min(c for _, c in expected) > 0.44  # the planted rows, above the clump
    assert [j for j, _ in index.nearest(query.astype(np.float32), 10)] == [j for j, _ in expected]


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _at_cosine(query, cos, noise):
    """Unit rows whose cosine to the unit `query` is `cos` (one per row of `noise`, which picks the direction across)."""
    across = _unit(noise - (noise @ query)[..., None] * query)
    return np.asarray(cos)[..., None] * query + np.sqrt(1 - np.asarray(cos)[..., None] ** 2) * across


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


def test_a_small_table_is_not_indexed(monkeypatch):
    """A table of exactly `candidates` rows is scored whole: no index is built for it (building is made to fail)."""
    def refuse_to_build(table):
        raise AssertionError("built an index for a table the candidates cover")

    monkeypatch.setattr(neighbours, "build_arrays", refuse_to_build)
    source = np.random.default_rng(8).standard_normal((300, DIM)).astype(np.float32)
    got = NeighbourIndex(table_of(source), candidates=300, cache=False).nearest(source[3], 5, exclude=3)
    assert [j for j, _ in got] == [j for j, _ in brute_force(source, source[3], 5, exclude=3)]


def test_a_query_runs_on_one_faiss_thread(monkeypatch):
    """An index set up from its arrays (as from a cache) makes faiss search on one thread: on two busy cores its
    spinning threads cost more than a one-query search gains (the quick test loop timed out with two)."""
    import faiss

    table = table_of(np.random.default_rng(9).standard_normal((1000, DIM)).astype(np.float32))
    arrays = neighbours.build_arrays(table)
    monkeypatch.setattr(neighbours, "build_arrays", lambda table: arrays)
    faiss.omp_set_num_threads(2)
    NeighbourIndex(table, candidates=100, cache=False)
    assert faiss.omp_get_max_threads() == 1


def test_exact_copies_are_listed_by_id():
    """200 identical rows (a clump whose cosines tie exactly) among 2,800 random ones: the copies come in id order,
    as the brute force's stable sort gives them."""
    rng = np.random.default_rng(15)
    source = rng.standard_normal((3000, DIM)).astype(np.float32)
    copies = np.sort(rng.choice(3000, 200, replace=False))
    source[copies] = rng.standard_normal(DIM).astype(np.float32)
    index = NeighbourIndex(table_of(source), candidates=100, cache=False)
    assert [j for j, _ in index.nearest(source[copies[0]], 20)] == copies[:20].tolist()
    assert [j for j, _ in index.nearest(source[copies[0]], 20, exclude=int(copies[0]))] == copies[1:21].tolist()


def clump_table(rng, query, *, clump_cos, others_cos, planted=()):
    """3,000 unit rows (dim 128): a clump of 1,000 near-copies at ~`clump_cos` to `query` (cosines ~0.003 apart, too
    close for the 4-bit codes to order), rows at `planted` cosines, the rest at ~`others_cos`; shuffled."""
    dim = len(query)
    clump = _unit(_at_cosine(query, clump_cos, rng.standard_normal(dim)) + 0.003 * rng.standard_normal((1000, dim)))
    n_others = 2000 - len(planted)
    others = _at_cosine(query, others_cos + 0.02 * rng.standard_normal(n_others), rng.standard_normal((n_others, dim)))
    rows = [clump, others] + ([_at_cosine(query, np.asarray(planted), rng.standard_normal((len(planted), dim)))]
                             if planted else [])
    return rng.permutation(np.concatenate(rows)).astype(np.float32)


@pytest.mark.parametrize("k, planted, others_cos", [(2, (0.9,), 0.1), (3, (0.9, 0.8), 0.1), (10, (), -0.8)],
                         ids=["clump-in-2nd-place", "clump-in-3rd-place", "every-cosine-negative"])
def test_a_clump_is_scored_whole_when_it_reaches_the_top_k(k, planted, others_cos):
    """A clump of 1,000 near-copies whose best rows belong in the top k: only at the k-th place (after rows far
    above it), or at cosine -0.3 where every other row is at -0.8 (the k-th cosine is negative). The codes cannot
    order the copies, so the list is the brute force's only if the whole clump is scored."""
    rng = np.random.default_rng(16)
    query = _unit(rng.standard_normal(128))
    source = clump_table(rng, query, clump_cos=0.43 if planted else -0.3, others_cos=others_cos, planted=planted)
    index = NeighbourIndex(table_of(source), candidates=100, cache=False)
    expected = brute_force(source, query, k)
    got = index.nearest(query.astype(np.float32), k)
    assert [j for j, _ in got] == [j for j, _ in expected]
    assert [c for _, c in got] == pytest.approx([c for _, c in expected], abs=1e-5)


def test_k_above_the_rows_of_a_table_with_a_clump():
    """k larger than the table, a clump among the rows: every row comes back once, the best first."""
    rng = np.random.default_rng(17)
    query = _unit(rng.standard_normal(128))
    source = clump_table(rng, query, clump_cos=0.43, others_cos=0.1)
    got = NeighbourIndex(table_of(source), candidates=100, cache=False).nearest(query.astype(np.float32), 5000)
    assert sorted(j for j, _ in got) == list(range(3000))
    assert [j for j, _ in got[:50]] == [j for j, _ in brute_force(source, query, 50)]


def two_clump_table(rng, dtype=np.float32, dim=DIM):
    """(rows, a, b): two clumps of 500 near-copies of `a` and `b` among 2,000 random rows."""
    a, b = rng.standard_normal(dim), rng.standard_normal(dim)
    clumps = np.concatenate([a + 0.1 * rng.standard_normal((500, dim)), b + 0.1 * rng.standard_normal((500, dim))])
    return rng.permutation(np.concatenate([clumps, rng.standard_normal((2000, dim))])).astype(dtype), a, b


@pytest.mark.parametrize("dtype, dim", [(np.float16, DIM), (np.float32, 47)], ids=["float16-rows", "odd-dim-47"])
def test_other_row_types_and_widths(dtype, dim):
    """A table that hands out float16 rows (an F16 file read as stored) is scored in float32, not float16; an odd
    width is zero-padded to whole 4-bit codes (2 dims each). Queries at each clump and at random: the brute
    force's top 20 and cosines; k above the table gives every row."""
    rng = np.random.default_rng(18)
    source, a, b = two_clump_table(rng, dtype, dim)
    index = NeighbourIndex(table_of(source), candidates=CANDIDATES, cache=False)
    source = source.astype(np.float32)
    for query in [a, b, *rng.standard_normal((5, dim))]:
        query = query.astype(np.float32)
        expected = brute_force(source, query, 20)
        got = index.nearest(query, 20)
        assert [j for j, _ in got] == [j for j, _ in expected]
        assert [c for _, c in got] == pytest.approx([c for _, c in expected], abs=1e-5)
    assert sorted(j for j, _ in index.nearest(a.astype(np.float32), 5000)) == list(range(3000))


def clumped_rows(n_rows, sizes, *, seed=19, dim=DIM):
    """(float32 unit rows, planted unit centres): clumps of `sizes` near-copies (cosine ~0.9999 to their centre)
    at the start of `n_rows` random unit rows (pairwise cosines below 0.7 in 48 dimensions)."""
    rng = np.random.default_rng(seed)
    centres = _unit(rng.standard_normal((len(sizes), dim)))
    clumps = [_unit(c + 0.001 * rng.standard_normal((size, dim))) for c, size in zip(centres, sizes)]
    rows = np.concatenate([*clumps, _unit(rng.standard_normal((n_rows - sum(sizes), dim)))])
    return rows.astype(np.float32), centres


@pytest.mark.parametrize("n_rows, sizes, found", [
    (1000, (10,), 1), (1000, (9,), 0), (800, (8,), 1), (800, (7,), 0), (1000, (20, 15), 2), (1000, (12,) * 9, 8)],
    ids=["1%-of-1000-rows", "9-of-1000", "8-of-800-rows", "7-of-800", "two-clumps", "nine-clumps-gives-8"])
def test_clump_centres(n_rows, sizes, found):
    """A clump is at least 1% of the sample and at least 8 rows, within cosine 0.95 of one row; at most 8 are kept,
    each once, the biggest first; a centre is the unit mean of its rows (so near the planted centre)."""
    rows, planted = clumped_rows(n_rows, sizes)
    centres = neighbours._clump_centres(rows)
    assert centres.shape == (found, DIM)
    assert np.linalg.norm(centres, axis=1) == pytest.approx(np.ones(found), abs=1e-6)
    assert (centres @ planted[:found].T).diagonal() == pytest.approx(np.ones(found), abs=1e-5)


def test_a_row_exactly_at_the_clump_cosine_belongs_to_the_clump():
    """Nine rows at cosine exactly float32(0.95) to one row ("at least this close"), 990 random rows: the ten make a
    clump of 1% of the sample; with the boundary left out there would be none."""
    rows = np.zeros((10, DIM), dtype=np.float32)
    rows[:, 0] = np.float32(0.95)
    rows[0, 0] = 1.0
    rows[np.arange(1, 10), np.arange(1, 10)] = np.sqrt(1 - np.float32(0.95) ** 2)
    rng = np.random.default_rng(20)
    sample = np.concatenate([rows, _unit(rng.standard_normal((990, DIM))).astype(np.float32)])
    assert (sample[1:10] @ sample[0] == np.float32(0.95)).all()  # the data is as described
    assert len(neighbours._clump_centres(sample)) == 1


def test_every_row_of_a_small_table_is_in_the_sample():
    """A table smaller than the quantiser's sample is sampled whole (not with replacement): each of 8 clumps of
    exactly 1% of 1,000 rows is found, and its rows are the index's clump rows."""
    rows, _ = clumped_rows(1000, (10,) * 8, seed=22)
    arrays = neighbours.build_arrays(table_of(rows))
    assert len(arrays["centres"]) == 8
    assert sorted(arrays["clump_ids"].tolist()) == list(range(80))
    assert sorted(np.bincount(arrays["clump_label"]).tolist()) == [10] * 8


def test_a_row_exactly_at_the_clump_cosine_from_its_centre_is_a_clump_row():
    """20 copies of e1 and two unit rows (0.95, ±0.31225, 0, ...) around them (so the clump's centre is e1 exactly),
    among 978 random rows: the two, at cosine exactly float32(0.95) to the centre, are clump rows too."""
    rows = np.zeros((22, DIM), dtype=np.float32)
    rows[:20, 0] = 1.0
    rows[20:, 0], rows[20:, 1] = np.float32(0.95), [np.float32(0.31224993), -np.float32(0.31224993)]
    assert (np.linalg.norm(rows, axis=1) == 1).all()  # unit already: dividing by the length leaves them as they are
    rng = np.random.default_rng(23)
    source = np.concatenate([rows, _unit(rng.standard_normal((978, DIM))).astype(np.float32)])
    arrays = neighbours.build_arrays(table_of(source))
    assert arrays["centres"].tolist() == [[1.0] + [0.0] * (DIM - 1)]
    assert sorted(arrays["clump_ids"].tolist()) == list(range(22))
