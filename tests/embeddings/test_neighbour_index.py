"""The neighbour index kept on disk: reused while it fits its GGUF, rebuilt when damaged or when the GGUF changed.

Why: building the index over Gemma's table takes ~20-60 s, so it is cached; a cache read at face
value after the GGUF changed would pick candidates by the old rows' codes (wrong neighbours, no
error), and a damaged one must not crash the app's start. Tables here are written with the `gguf`
package's `GGUFWriter`; expected neighbours are a float64 numpy brute force over the written array.
"""

import os

import numpy as np
import pytest
from test_neighbours import brute_force, table_of, write_gguf

from minilm.embeddings import neighbours
from minilm.embeddings.gguf import GGUFTable
from minilm.embeddings.index_cache import load_arrays
from minilm.embeddings.neighbours import NeighbourIndex

N_ROWS, DIM, CANDIDATES = 3000, 48, 300
PARAMS = {"n_rows": N_ROWS, "dim": DIM, "sample": 32_768, "clump_cos": 0.95}  # what a fitting file records


def random_table(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((N_ROWS, DIM)).astype(np.float32)


def assert_exact(index: NeighbourIndex, source: np.ndarray) -> None:
    """20 random queries: the index's top 10 are the brute force's, in order."""
    for query in np.random.default_rng(5).standard_normal((20, DIM)).astype(np.float32):
        assert [j for j, _ in index.nearest(query, 10)] == [j for j, _ in brute_force(source, query, 10)]


@pytest.fixture
def gguf(tmp_path):
    """(array, path of a GGUF holding it)."""
    source = random_table(1)
    return source, write_gguf(tmp_path / "table.gguf", source)


def open_index(path, cache):
    return NeighbourIndex(GGUFTable.open(path), candidates=CANDIDATES, cache=cache)


def refuse_to_build(table):
    raise AssertionError("built again although the cache fits")


def test_cache_is_written_then_reused(gguf, tmp_path, monkeypatch):
    """The second index comes from the file alone (building is made to fail) and answers exactly."""
    source, path = gguf
    cache = tmp_path / "index.npz"
    first = open_index(path, cache)
    assert cache.is_file() and first.note is None
    monkeypatch.setattr(neighbours, "build_arrays", refuse_to_build)
    again = open_index(path, cache)
    assert again.note is None
    assert_exact(again, source)


def test_default_cache_lives_in_the_cache_folder(gguf, tmp_path, monkeypatch):
    """cache=True: one file in $MINILM_CACHE, named after the GGUF; a second index reuses it."""
    source, path = gguf
    monkeypatch.setenv("MINILM_CACHE", str(tmp_path / "cache"))
    open_index(path, True)
    files = list((tmp_path / "cache").glob("*.neighbours.npz"))
    assert [f.name.startswith("table-") for f in files] == [True]
    monkeypatch.setattr(neighbours, "build_arrays", refuse_to_build)
    assert_exact(open_index(path, True), source)


def truncate(cache):
    cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])


def garbage(cache):
    cache.write_bytes(b"not a zip file at all")


def edited_array(cache):
    """An array changed and saved again under the old record: a valid zip only the digest can catch."""
    with np.load(cache) as saved:
        arrays = {name: saved[name] for name in saved.files}
    arrays["norms"] = arrays["norms"] * 2
    np.savez(cache, **arrays)


@pytest.mark.parametrize("damage", [truncate, garbage, edited_array], ids=["truncated", "garbage", "edited-array"])
def test_damaged_cache_is_rebuilt(gguf, tmp_path, damage):
    """A damaged file is said (cache_rebuilt_damaged), built again, written whole, and the answers are exact."""
    source, path = gguf
    cache = tmp_path / "index.npz"
    open_index(path, cache)
    damage(cache)
    index = open_index(path, cache)
    assert index.note is not None and index.note.key == "cache_rebuilt_damaged"
    assert index.note.values == {"file": str(cache), "source": "table.gguf"}  # which file, said on the console
    assert_exact(index, source)
    arrays, misfit = load_arrays(cache, path, PARAMS)
    assert arrays is not None and misfit is None  # the rebuilt file fits again


def test_changed_gguf_is_rebuilt(gguf, tmp_path):
    """Same shape, other rows, newer file: the old codes would pick the old rows' neighbours."""
    _, path = gguf
    cache = tmp_path / "index.npz"
    open_index(path, cache)
    stamp = path.stat()
    changed = random_table(2)
    write_gguf(path, changed)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 5_000_000_000))  # as a new download would be
    assert path.stat().st_size == stamp.st_size  # only the stamp's time tells the files apart
    index = open_index(path, cache)
    assert index.note is not None and index.note.key == "cache_rebuilt_stale"
    assert_exact(index, changed)


@pytest.mark.slow
def test_gemma_table_matches_float32_brute_force(gemma, tmp_path):
    """Gemma's 262,144 x 640 table, built into a fresh cache; 200 queries (seed 13): 100 rows with themselves
    excluded (as the Embeddings tab asks), 50 rows plus noise, 50 random directions. The reference shares no
    code with the index: the table as the `gguf` package reads and dequantises it, a numpy float32 matmul.
    Issue 13's bar: the top 1 identical in all 200, the top 10 (ids, in order) in at least 198."""
    from gguf import GGUFReader
    from gguf.quants import dequantize

    from minilm.embeddings.tables import gemma_table

    tensor = next(t for t in GGUFReader(gemma.path).tensors if t.name == "token_embd.weight")
    full = dequantize(tensor.data, tensor.tensor_type).astype(np.float32)
    unit = full / np.linalg.norm(full, axis=1, keepdims=True)
    rng = np.random.default_rng(13)
    rows, near = rng.choice(len(full), 100, replace=False), rng.choice(len(full), 50, replace=False)
    noise = rng.standard_normal((50, full.shape[1])).astype(np.float32) / np.sqrt(full.shape[1])
    perturbed = full[near] + 0.5 * np.linalg.norm(full[near], axis=1, keepdims=True) * noise
    queries = np.concatenate([full[rows], perturbed, rng.standard_normal((50, full.shape[1]))]).astype(np.float32)
    excludes = [int(r) for r in rows] + [None] * 100
    scores = (queries / np.linalg.norm(queries, axis=1, keepdims=True)) @ unit.T  # (200, 262,144)

    index = NeighbourIndex(gemma_table(gemma), cache=tmp_path / "gemma.neighbours.npz")
    top1 = top10 = 0
    for query, exclude, score in zip(queries, excludes, scores):
        best = np.argpartition(-score, 11)[:11]
        expected = [int(i) for i in best[np.argsort(-score[best])] if i != exclude][:10]
        got = index.nearest(query, 10, exclude=exclude)
        top1 += got[0][0] == expected[0]
        top10 += [i for i, _ in got] == expected
        assert [c for _, c in got] == pytest.approx([float(score[i]) for i, _ in got], abs=1e-5)  # exact cosines
    assert (top1, top10 >= 198) == (200, True), f"top-1 {top1}/200, top-10 {top10}/200"


def test_an_index_is_cached_unless_told_not_to(gguf, tmp_path, monkeypatch):
    """No `cache` argument: the index of a GGUF is kept in $MINILM_CACHE (so the app's start does not rebuild it)."""
    _, path = gguf
    monkeypatch.setenv("MINILM_CACHE", str(tmp_path / "cache"))
    NeighbourIndex(GGUFTable.open(path), candidates=CANDIDATES)
    assert len(list((tmp_path / "cache").glob("*.neighbours.npz"))) == 1


def test_a_table_without_a_file_is_indexed_in_memory(tmp_path, monkeypatch):
    """A table held in memory (no `path` or `file`) with the default `cache`: built in memory, nothing written."""
    monkeypatch.setenv("MINILM_CACHE", str(tmp_path / "cache"))
    source = random_table(3)
    assert_exact(NeighbourIndex(table_of(source), candidates=CANDIDATES), source)
    assert not list(tmp_path.rglob("*.npz"))


def test_a_safetensors_table_is_cached_too(tmp_path, monkeypatch):
    """A Hub folder's table names its file as `file` (not `path`): its index is kept and reused like a GGUF's."""
    import torch
    from safetensors.torch import save_file

    from minilm.embeddings.tables import SafetensorsTable

    source = random_table(4)
    save_file({"model.embed_tokens.weight": torch.from_numpy(source)}, str(tmp_path / "model.safetensors"))
    cache = tmp_path / "index.npz"
    NeighbourIndex(SafetensorsTable(tmp_path), candidates=CANDIDATES, cache=cache)
    assert cache.is_file()
    monkeypatch.setattr(neighbours, "build_arrays", refuse_to_build)
    assert_exact(NeighbourIndex(SafetensorsTable(tmp_path), candidates=CANDIDATES, cache=cache), source)


def test_a_bfloat16_hub_table_and_query(tmp_path, monkeypatch):
    """Gemma's Hub weights are bfloat16: rows and a bfloat16 query are read as float32 (numpy has no bfloat16),
    and the neighbours are the brute force's over the bfloat16 values."""
    import torch
    from safetensors.torch import save_file

    from minilm.embeddings.tables import SafetensorsTable

    monkeypatch.setenv("MINILM_CACHE", str(tmp_path / "cache"))
    weights = torch.from_numpy(random_table(6)).bfloat16()
    save_file({"model.embed_tokens.weight": weights}, str(tmp_path / "model.safetensors"))
    index = NeighbourIndex(SafetensorsTable(tmp_path), candidates=CANDIDATES)
    source = weights.float().numpy()
    assert_exact(index, source)
    query = torch.from_numpy(np.random.default_rng(9).standard_normal(DIM).astype(np.float32)).bfloat16()
    assert [j for j, _ in index.nearest(query, 10)] == [j for j, _ in brute_force(source, query.float().numpy(), 10)]
