"""minilm's GGUF row reader against gguf's own reader and dequantiser, on small files written by gguf.

Expected rows come from `gguf.GGUFReader` + `gguf.quants.dequantize`, never from minilm: every type
must match exactly (the same float32 bits), for gathered rows and for blocks. Also: refusals with their
words (blocks past the end, unsupported tables, unknown value types in a patched header), a non-UTF-8
string that must not stop the walk, and the place cache (used without a walk, independent of key order,
rebuilt when well signed but unusable, said on the console when it cannot be written).
"""

import hashlib
import json
import logging
import re
import struct

import numpy as np
import pytest
from gguf import GGMLQuantizationType as Q
from gguf_files import TABLE, header_end, reference_rows, write_gguf

import minilm.embeddings.gguf as gguf_module
from minilm.embeddings.gguf import GGUFTable, TensorPlace, cached_place, find_tensor

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


@pytest.mark.parametrize("keep", [14, 30, 200], ids=["inside the counts", "inside the first key", "inside the tensors"])
def test_a_cut_header_is_a_clear_value_error(tmp_path, keep):
    """A GGUF cut short (a killed download) says so as a ValueError the app words, not a struct.error."""
    whole = write_gguf(tmp_path / "whole.gguf", _table(), Q.F32)
    assert keep < header_end(whole)
    cut = tmp_path / "model.gguf"
    cut.write_bytes(whole.read_bytes()[:keep])
    with pytest.raises(ValueError, match="truncated or damaged GGUF header"):
        GGUFTable.open(cut)


def test_missing_tensor_raises(tmp_path):
    path = write_gguf(tmp_path / "t.gguf", _table(), Q.F32)
    with pytest.raises(ValueError, match="no tensor 'output.weight'"):
        GGUFTable.open(path, "output.weight")


def test_empty_blocks_and_the_out_of_range_message(tmp_path):
    """start == stop is an empty block, also at the very end; a block past the end names its rows and the table's."""
    table = GGUFTable.open(write_gguf(tmp_path / "t.gguf", _table(), Q.Q8_0))
    assert table.block(5, 5).shape == (0, DIM) and table.block(ROWS, ROWS).shape == (0, DIM)
    with pytest.raises(ValueError) as err:
        table.block(5, ROWS + 1)
    assert str(err.value) == "rows 5..37 are outside this table's 0..36"


@pytest.mark.parametrize("place, words", [
    (TensorPlace(0, (DIM, ROWS), int(Q.Q4_0)), "ggml type 2, dims (96, 37)"),
    (TensorPlace(0, (DIM,), int(Q.F32)), "ggml type 0, dims (96,)"),
    (TensorPlace(0, (DIM, ROWS, 2), int(Q.F16)), "ggml type 1, dims (96, 37, 2)"),
], ids=["Q4_0 table", "1-D F32", "3-D F16"])
def test_unsupported_tables_are_refused(tmp_path, place, words):
    """Another quantisation, even as a 2-D table, or a supported type that is not 2-D: refused, saying which."""
    with pytest.raises(ValueError) as err:
        GGUFTable(tmp_path / "t.gguf", place)
    assert str(err.value) == f"unsupported table: {words}"


def test_q4_0_file_is_refused_on_open(tmp_path):
    """A real Q4_0 GGUF (written by gguf): its table is found, then refused rather than read as garbage."""
    path = write_gguf(tmp_path / "t.gguf", _table(), Q.Q4_0)
    with pytest.raises(ValueError, match="unsupported table: ggml type 2, dims"):
        GGUFTable.open(path)


def _patched(path, old: bytes, new: bytes):
    """`path` with the one occurrence of `old` replaced by `new` (same length), as a damaged or foreign file."""
    data = path.read_bytes()
    assert data.count(old) == 1 and len(old) == len(new)
    path.write_bytes(data.replace(old, new))
    return path


@pytest.mark.parametrize("key, before, kind", [
    ("gemma3.embedding_length", b"", 4),  # a uint32 value: the kind follows the key
    ("tokenizer.ggml.tokens", struct.pack("<I", 9), 8),  # a string array: the item kind follows the array's
], ids=["value type", "array item type"])
def test_unknown_value_type_is_refused_with_its_number(tmp_path, key, before, kind):
    """Type 0xFFFFFFFF (unsigned, as GGUF stores it) is no GGUF type: the walk stops saying so, not a wrong place."""
    path = write_gguf(tmp_path / "t.gguf", _table(), Q.F32)
    prefix = struct.pack("<Q", len(key)) + key.encode() + before
    _patched(path, prefix + struct.pack("<I", kind), prefix + b"\xff\xff\xff\xff")
    with pytest.raises(ValueError) as err:
        find_tensor(path, TABLE)
    assert str(err.value) == "unknown GGUF value type 4294967295"


def test_invalid_utf8_in_a_string_is_replaced_not_fatal(tmp_path):
    """A metadata string with a byte that is not UTF-8 (0xFF) still lets the table be found; the byte reads as U+FFFD."""
    path = _patched(write_gguf(tmp_path / "t.gguf", _table(), Q.F16, filler="x"), b"tablex", b"table\xff")
    place, meta = find_tensor(path, TABLE)
    assert meta["general.name"] == "minilm test table\ufffd"
    np.testing.assert_array_equal(GGUFTable(path, place).rows(IDS), reference_rows(path)[IDS])


# The place cache: a JSON entry whose "digest" is the sha256 of its other fields as canonical JSON (sorted keys).

def _signed(record: dict) -> str:
    digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
    return json.dumps({**record, "digest": digest})


def test_a_fitting_cache_is_used_without_walking_the_header(tmp_path, monkeypatch):
    """The second open reads the place from the cache: the header walk is not run again, and nothing is said."""
    path, cache = write_gguf(tmp_path / "t.gguf", _table(), Q.Q8_0), tmp_path / "t.token_embd.json"
    first, note = cached_place(path, TABLE, cache=cache)
    assert note is None and json.loads(cache.read_text())["offset"] == first.offset

    def walked(*args, **kwargs):
        raise AssertionError("the header was walked although the cache fits")

    monkeypatch.setattr(gguf_module, "find_tensor", walked)
    assert cached_place(path, TABLE, cache=cache) == (first, None)


def test_cache_entry_with_keys_in_another_order_still_fits(tmp_path):
    """Key order is no part of the entry (as `jq -S` would rewrite it): sorted, reversed, nested, it still fits."""
    path, cache = write_gguf(tmp_path / "t.gguf", _table(), Q.Q8_0), tmp_path / "t.token_embd.json"
    first, _ = cached_place(path, TABLE, cache=cache)
    record = {k: v for k, v in json.loads(cache.read_text()).items() if k != "digest"}
    reordered = {k: (dict(reversed(v.items())) if isinstance(v, dict) else v) for k, v in reversed(record.items())}
    cache.write_text(_signed(reordered))
    assert cached_place(path, TABLE, cache=cache) == (first, None)


@pytest.mark.parametrize("damage", [
    lambda r: {k: v for k, v in r.items() if k != "dims"},
    lambda r: {**r, "offset": "far"},
    lambda r: {**r, "dims": 96},
], ids=["no dims", "offset not a number", "dims not a list"])
def test_signed_entry_with_unusable_fields_is_rebuilt(tmp_path, damage):
    """A well-signed entry of another shape (an older minilm's, say) is damaged: walked again, named in the note."""
    path, cache = write_gguf(tmp_path / "model.gguf", _table(), Q.Q8_0), tmp_path / "model.token_embd.json"
    first, _ = cached_place(path, TABLE, cache=cache)
    record = {k: v for k, v in json.loads(cache.read_text()).items() if k != "digest"}
    cache.write_text(_signed(damage(record)))
    place, note = cached_place(path, TABLE, cache=cache)
    assert place == first
    assert (note.key, note.values) == ("cache_rebuilt_damaged", {"file": str(cache), "source": "model.gguf"})
    assert json.loads(cache.read_text())["dims"] == [DIM, ROWS]  # made again


def test_unwritable_cache_is_said_and_the_place_still_found(tmp_path, caplog):
    """A cache in a folder that does not exist: the place is walked and returned, and the console says why."""
    path = write_gguf(tmp_path / "model.gguf", _table(), Q.Q8_0)
    cache = tmp_path / "gone" / "model.token_embd.json"
    with caplog.at_level(logging.WARNING, logger="minilm"):
        place, note = cached_place(path, TABLE, cache=cache)
    assert note is None and place == find_tensor(path, TABLE)[0] and not cache.exists()
    [said] = [r.getMessage() for r in caplog.records if r.name == "minilm"]
    assert re.fullmatch(rf"minilm: {re.escape(str(cache))} could not be written "
                        r"\(FileNotFoundError: \[Errno 2\] No such file or directory: '.+'\); working without it", said)
