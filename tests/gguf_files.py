"""Small GGUF files written with gguf's own `GGUFWriter`, for tests of minilm's reader and its cache.

Each holds a few metadata keys (a string array among them, which the header walk must skip), a
small tensor before the table (so the table is not first) and one after it.
"""

from pathlib import Path

import numpy as np

TABLE = "token_embd.weight"


def write_gguf(path: Path, table: np.ndarray, qtype, *, alignment: int | None = None, filler: str = "", seed: int = 0) -> Path:
    """`table` (rows, dim) as `qtype` at `path`, between two other tensors; `filler` shifts the header's end."""
    from gguf import GGMLQuantizationType, GGUFWriter
    from gguf.quants import quantize

    rng = np.random.default_rng(seed)
    writer = GGUFWriter(str(path), "gemma3")
    if alignment is not None:
        writer.add_custom_alignment(alignment)
    writer.add_name("minilm test table" + filler)
    writer.add_uint32("gemma3.embedding_length", table.shape[1])
    writer.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(table.shape[0])])
    writer.add_array("tokenizer.ggml.scores", [float(i) for i in range(table.shape[0])])
    writer.add_tensor("before.weight", rng.standard_normal((3, 5)).astype(np.float32))
    if qtype == GGMLQuantizationType.F32:
        writer.add_tensor(TABLE, table.astype(np.float32))
    else:
        writer.add_tensor(TABLE, quantize(table.astype(np.float32), qtype), raw_dtype=qtype)
    writer.add_tensor("after.weight", rng.standard_normal((2, 33)).astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def reference_rows(path: Path, name: str = TABLE) -> np.ndarray:
    """The table as gguf's own reader and dequantiser give it: float32 (rows, dim)."""
    from gguf import GGUFReader
    from gguf.quants import dequantize

    tensor = next(t for t in GGUFReader(str(path)).tensors if t.name == name)
    return np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32)


def header_end(path: Path) -> int:
    """Where gguf's reader finds the header's end, before the data section's alignment padding."""
    from gguf import GGUFReader

    field = GGUFReader(str(path)).tensors[-1].field
    return field.offset + sum(part.nbytes for part in field.parts)
