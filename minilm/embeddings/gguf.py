"""Read one tensor's rows out of a GGUF file without parsing the rest: Gemma's embedding table.

`gguf.GGUFReader` decodes all 262,144 token strings on open (~10 s). Here the header is walked
once, skipping arrays by their lengths, to find `token_embd.weight`; its place is cached as JSON,
stamped with the GGUF's size and modification time and a digest of its own fields, so a changed GGUF
or a damaged entry is walked again (and said on the console), never read at an old place. Rows are
dequantised on demand from a memory map: F32, F16, BF16 (the top half of a float32) and Q8_0 (per 32
values, a float16 scale and 32 int8s). Not here: any other quantisation type, or tensors other than
a 2-D table.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import struct
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

from minilm.assets import cache_dir, cache_note, file_stamp, write_atomic
from minilm.lang import Note

GGML_F32, GGML_F16, GGML_Q8_0, GGML_BF16 = 0, 1, 8, 30
_BYTES_PER_VALUE = {GGML_F32: 4, GGML_F16: 2, GGML_BF16: 2}
_SCALAR = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}
_STRING, _ARRAY = 8, 9
Q8_0_BLOCK, Q8_0_BYTES = 32, 34


def _q8_0_dtype():
    import numpy as np

    return np.dtype([("scale", "<f2"), ("values", "i1", (Q8_0_BLOCK,))])


@dataclass(frozen=True)
class TensorPlace:
    """Where a tensor's bytes are: absolute offset, GGUF dims (fastest first) and ggml type."""

    offset: int
    dims: tuple[int, ...]
    ggml_type: int


def find_tensor(path: str | Path, name: str) -> tuple[TensorPlace, dict]:
    """Walk the GGUF header for tensor `name`; also return the scalar metadata (strings, numbers)."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        if buf[:4] != b"GGUF":
            raise ValueError(f"{path} is not a GGUF file")
        try:
            places, meta, data_start = _walk(buf)
        except struct.error:  # the header ends before its own counts say it does: a cut or damaged file
            raise ValueError(f"{path} has a truncated or damaged GGUF header") from None
    if name not in places:
        raise ValueError(f"{path} has no tensor {name!r}")
    dims, ggml_type, offset = places[name]
    return TensorPlace(data_start + offset, tuple(dims), ggml_type), meta


def _walk(buf) -> tuple[dict, dict, int]:
    """({tensor: (dims, ggml type, offset)}, scalar metadata, where the tensor data starts)."""
    version, n_tensors, n_kv = struct.unpack_from("<IQQ", buf, 4)
    pos, meta = 24, {}
    for _ in range(n_kv):
        key, pos = _string(buf, pos)
        (kind,), pos = struct.unpack_from("<I", buf, pos), pos + 4
        value, pos = _value(buf, pos, kind)
        if value is not None:
            meta[key] = value
    places = {}
    for _ in range(n_tensors):
        tensor, pos = _string(buf, pos)
        (n_dims,) = struct.unpack_from("<I", buf, pos)
        dims = struct.unpack_from(f"<{n_dims}Q", buf, pos + 4)
        ggml_type, offset = struct.unpack_from("<IQ", buf, pos + 4 + 8 * n_dims)
        pos += 4 + 8 * n_dims + 12
        places[tensor] = (dims, ggml_type, offset)
    alignment = int(meta.get("general.alignment", 32))
    return places, meta, -(-pos // alignment) * alignment


def _string(buf, pos: int) -> tuple[str, int]:
    (length,) = struct.unpack_from("<Q", buf, pos)
    return bytes(buf[pos + 8 : pos + 8 + length]).decode("utf-8", "replace"), pos + 8 + length


def _value(buf, pos: int, kind: int):
    """One metadata value; arrays are skipped (None), which is the whole point of this module."""
    if kind in _SCALAR:
        fmt = "<" + _SCALAR[kind]
        return struct.unpack_from(fmt, buf, pos)[0], pos + struct.calcsize(fmt)
    if kind == _STRING:
        return _string(buf, pos)
    if kind == _ARRAY:
        item, count = struct.unpack_from("<IQ", buf, pos)
        pos += 12
        if item in _SCALAR:
            return None, pos + count * struct.calcsize("<" + _SCALAR[item])
        for _ in range(count):
            _, pos = _value(buf, pos, item)
        return None, pos
    raise ValueError(f"unknown GGUF value type {kind}")


class GGUFTable:
    """A (rows, dim) table inside a GGUF file, read row by row from a memory map."""

    def __init__(self, path: str | Path, place: TensorPlace):
        if place.ggml_type not in (*_BYTES_PER_VALUE, GGML_Q8_0) or len(place.dims) != 2:
            raise ValueError(f"unsupported table: ggml type {place.ggml_type}, dims {place.dims}")
        self.path, self.place = Path(path), place
        self.dim, self.n_rows = place.dims  # GGUF lists the fastest dimension first

    @classmethod
    def open(cls, path: str | Path, name: str = "token_embd.weight", *, cache: Path | None = None) -> "GGUFTable":
        """Find `name` in `path`, reusing the place recorded in `cache` (a JSON file) while it fits `path`."""
        place, _ = cached_place(path, name, cache=cache)
        return cls(path, place)

    @property
    def row_bytes(self) -> int:
        if self.place.ggml_type == GGML_Q8_0:
            return self.dim // Q8_0_BLOCK * Q8_0_BYTES
        return self.dim * _BYTES_PER_VALUE[self.place.ggml_type]

    @cached_property
    def _raw(self):
        import numpy as np

        size = self.n_rows * self.row_bytes
        return np.memmap(self.path, dtype=np.uint8, mode="r", offset=self.place.offset, shape=(self.n_rows, self.row_bytes))[:size]

    def rows(self, ids):
        """Float32 rows for `ids`, as the values transformers dequantises them to: (len(ids), dim)."""
        import numpy as np

        ids = np.asarray(ids, dtype=np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.n_rows):
            raise ValueError(f"token ids must be in 0..{self.n_rows - 1}; got {ids.min()}..{ids.max()}")
        return self._decode(np.asarray(self._raw[ids]))

    def block(self, start: int, stop: int):
        """Float32 rows start..stop-1: (stop - start, dim)."""
        import numpy as np

        if not 0 <= start <= stop <= self.n_rows:
            raise ValueError(f"rows {start}..{stop - 1} are outside this table's 0..{self.n_rows - 1}")
        return self._decode(np.asarray(self._raw[start:stop]))

    def _decode(self, raw):
        import numpy as np

        if self.place.ggml_type == GGML_F32:
            return raw.view(np.float32).reshape(len(raw), self.dim).copy()
        if self.place.ggml_type == GGML_F16:
            return raw.view(np.float16).reshape(len(raw), self.dim).astype(np.float32)
        if self.place.ggml_type == GGML_BF16:  # bfloat16 is the top 16 bits of a float32
            return (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32).reshape(len(raw), self.dim)
        blocks = np.ascontiguousarray(raw).view(_q8_0_dtype())  # (rows, blocks): a float16 scale, 32 int8s
        out = np.empty((*blocks.shape, Q8_0_BLOCK), dtype=np.float32)
        np.multiply(blocks["scale"].astype(np.float32)[..., None], blocks["values"], out=out)  # float32 * int8 stays float32
        return out.reshape(len(raw), self.dim)


def place_cache(path: Path) -> Path:
    """Where the place of `path`'s embedding table is cached: `<stem>.token_embd.json` in the cache folder."""
    return cache_dir() / f"{Path(path).stem}.token_embd.json"


def cached_place(path: str | Path, name: str, *, cache: Path | None) -> tuple[TensorPlace, Note | None]:
    """`name`'s place in `path`, from `cache` while it fits; else walked and cached again.

    Also returns the note said on the console when a cache did not fit and was rebuilt, or None.
    A cache that cannot be written is skipped: the place is then walked on every open.
    """
    stamp = file_stamp(Path(path))
    if cache is None:
        return find_tensor(path, name)[0], None
    place, misfit = _read_place(cache, name, stamp)
    if place is not None:
        return place, None
    note = cache_note(misfit, file=str(cache), source=Path(path).name) if misfit is not None else None
    place, _ = find_tensor(path, name)
    record = {**asdict(place), "tensor": name, "file": stamp}
    try:
        write_atomic(cache, json.dumps({**record, "digest": _digest(record)}))
    except OSError as err:
        cache_note("cache_not_written", file=str(cache), error=f"{type(err).__name__}: {err}")
    return place, note


def _read_place(cache: Path, name: str, stamp: dict) -> tuple[TensorPlace | None, str | None]:
    """The recorded place if it is whole and made from this very file; else why not (None: no cache yet)."""
    try:
        record = json.loads(cache.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError):  # unreadable, truncated, not JSON
        return None, "cache_rebuilt_damaged"
    if not isinstance(record, dict) or record.get("digest") != _digest({k: v for k, v in record.items() if k != "digest"}):
        return None, "cache_rebuilt_damaged"  # other keys, or fields edited or rotted after writing
    if record.get("file") != stamp or record.get("tensor") != name:
        return None, "cache_rebuilt_stale"  # the GGUF changed since: its old offset would read wrong rows
    try:
        place = TensorPlace(int(record["offset"]), tuple(int(d) for d in record["dims"]), int(record["ggml_type"]))
    except (KeyError, TypeError, ValueError):
        return None, "cache_rebuilt_damaged"
    return place, None


def _digest(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
