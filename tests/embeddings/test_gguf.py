"""minilm's GGUF row reader against gguf's own reader and dequantiser, on small files written by gguf.

Expected rows come from `gguf.GGUFReader` + `gguf.quants.dequantize`, never from minilm: every type
must match exactly (the same float32 bits), for gathered rows and for blocks.
"""

import numpy as np
import pytest
from gguf import GGMLQuantizationType as Q
from gguf_files import TABLE, header_end, reference_rows, write_gguf

from minilm.embeddings.gguf import GGUFTable, find_tensor

ROWS, DIM = 37, 96  # 96 = 3 Q8_0 blocks per row; 37 rows so an off-by-one row is never past the end
IDS = [0, 5, 5, 36, 1, 17]


def _table(seed: int = 0) -> np.ndarray:
    """Values spread over several magnitudes, so a wrong scale or bit layout cannot hide."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((ROWS, DIM)) * rng.uniform(0.01, 30, size=(ROWS, 1))).astype(np.float32)


@pytest.mark.parametrize("qtype", [Q.F32, Q.F16, Q.BF16, Q.Q8_0], ids=lambda q: q.name)
def test_rows_and_blocks_equal_gguf_reader(tmp_path, qtype):
    """Each type minilm reads, dequantised exactly as gguf dequantises it."""
    path = write_gguf(tmp_path / "t.gguf", _table(), qtype)
    expected = reference_rows(path)
    table = GGUFTable.open(path)
    assert (table.n_rows, table.dim, table.place.ggml_type) == (ROWS, DIM, int(qtype))
    np.testing.assert_array_equal(table.rows(IDS), expected[IDS])
    np.testing.assert_array_equal(table.block(0, ROWS), expected)
    np.testing.assert_array_equal(table.block(10, 13), expected[10:13])
    assert table.rows(IDS).dtype == np.float32 and table.rows([]).shape == (0, DIM)


def test_f16_and_bf16_are_not_the_same_bits(tmp_path):
    """The table holds values that bf16 and f16 round differently, so decoding one as the other shows."""
    f16 = reference_rows(write_gguf(tmp_path / "f16.gguf", _table(), Q.F16))
    bf16 = reference_rows(write_gguf(tmp_path / "bf16.gguf", _table(), Q.BF16))
    assert not np.array_equal(f16, bf16)


@pytest.mark.parametrize("alignment", [64, 128, 256])
def test_custom_alignment(tmp_path, alignment):
    """general.alignment moves the data section; a reader that assumes 32 reads the wrong bytes."""
    for filler in ("", "x" * 8, "x" * 16, "x" * 24, "x" * 32, "x" * 40, "x" * 48, "x" * 56):
        path = write_gguf(tmp_path / f"a{alignment}.gguf", _table(1), Q.Q8_0, alignment=alignment, filler=filler)
        end = header_end(path)
        if -(-end // 32) * 32 != -(-end // alignment) * alignment:
            break  # this file tells a 32-byte alignment from the real one
    else:
        pytest.fail("no filler made the 32-byte and real alignments differ")
    expected = reference_rows(path)
    table = GGUFTable.open(path)
    np.testing.assert_array_equal(table.rows(IDS), expected[IDS])
    np.testing.assert_array_equal(table.block(0, ROWS), expected)


def test_header_walk_matches_gguf_reader(tmp_path):
    """Offset, dims and type of the table as gguf's reader finds them; scalar metadata kept, arrays skipped."""
    from gguf import GGUFReader

    path = write_gguf(tmp_path / "t.gguf", _table(), Q.Q8_0, alignment=64)
    place, meta = find_tensor(path, TABLE)
    tensor = next(t for t in GGUFReader(str(path)).tensors if t.name == TABLE)
    assert (place.offset, place.dims, place.ggml_type) == (tensor.data_offset, tuple(int(d) for d in tensor.shape), int(tensor.tensor_type))
    assert meta["gemma3.embedding_length"] == DIM and meta["general.alignment"] == 64
    assert "tokenizer.ggml.tokens" not in meta


@pytest.mark.parametrize("ids", [[ROWS], [-1], [0, ROWS + 5]], ids=["one past", "negative", "far past"])
def test_ids_out_of_range_raise(tmp_path, ids):
    table = GGUFTable.open(write_gguf(tmp_path / "t.gguf", _table(), Q.F16))
    with pytest.raises(ValueError, match=f"0..{ROWS - 1}"):
        table.rows(ids)


@pytest.mark.parametrize("start, stop", [(-1, 2), (5, ROWS + 1), (4, 3)])
def test_blocks_out_of_range_raise(tmp_path, start, stop):
    table = GGUFTable.open(write_gguf(tmp_path / "t.gguf", _table(), Q.F16))
    with pytest.raises(ValueError, match=f"0..{ROWS - 1}"):
        table.block(start, stop)


def test_not_a_gguf_file_raises(tmp_path):
    path = tmp_path / "model.gguf"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(ValueError, match="not a GGUF file"):
        GGUFTable.open(path)


def test_missing_tensor_raises(tmp_path):
    path = write_gguf(tmp_path / "t.gguf", _table(), Q.F32)
    with pytest.raises(ValueError, match="no tensor 'output.weight'"):
        GGUFTable.open(path, "output.weight")
