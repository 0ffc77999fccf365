"""The neighbour index's arrays kept on disk, tied to the file its table was read from.

Building the index over Gemma's 262,144 rows takes about a minute on two busy cores, so its arrays
(the faiss codes, the rotation, the mean, the clumps) are saved as one `.npz` in the cache folder,
stamped with the source file's size and modification time and a digest of every array. A damaged
file or one made from another version of the source is rebuilt (and said on the console), never
used. Not here: what the arrays mean (`minilm.embeddings.neighbours`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

from minilm.assets import cache_dir, cache_note, file_stamp

FORMAT = 1  # bump when the arrays change meaning: an old file then reads as stale


def neighbour_cache(source: str | Path) -> Path:
    """Where the index for the table in `source` is kept: `<stem>-<path digest>.neighbours.npz` in the cache
    folder (two Hub folders both hold a `model.safetensors`)."""
    where = hashlib.sha256(str(Path(source).resolve()).encode()).hexdigest()[:8]
    return cache_dir() / f"{Path(source).stem}-{where}.neighbours.npz"


def load_arrays(cache: Path, source: Path, params: dict) -> tuple[dict | None, str | None]:
    """The saved arrays if whole and made from this very `source` with these `params`; else why not.

    The reason is a `minilm.lang` key (damaged, stale), or None when there is no file yet.
    """
    import numpy as np

    try:
        with np.load(cache, allow_pickle=False) as saved:
            arrays = {name: saved[name] for name in saved.files}
    except FileNotFoundError:
        return None, None
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):  # what np.load raises on a damaged zip
        return None, "cache_rebuilt_damaged"
    meta = arrays.pop("meta", None)
    try:
        meta = json.loads(str(meta))
    except (TypeError, ValueError):
        return None, "cache_rebuilt_damaged"
    if not isinstance(meta, dict) or meta.get("digest") != _digest(arrays):
        return None, "cache_rebuilt_damaged"  # bytes rotted or edited after writing
    if meta.get("file") != file_stamp(source) or meta.get("params") != {**params, "format": FORMAT}:
        return None, "cache_rebuilt_stale"  # the source changed: codes of old rows would rank wrong rows
    return arrays, None


def save_arrays(cache: Path, source: Path, params: dict, arrays: dict) -> None:
    """Write `arrays` with their stamp under a temporary name, then rename: readers see all or nothing.

    A cache that cannot be written is said on the console and skipped: the index is then built each start.
    """
    import numpy as np

    meta = {"file": file_stamp(source), "params": {**params, "format": FORMAT}, "digest": _digest(arrays)}
    try:
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=f".{cache.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, meta=np.array(json.dumps(meta)), **arrays)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; the cache is as shared as its folder
            os.replace(tmp, cache)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        cache_note("cache_not_written", file=str(cache), error=f"{type(err).__name__}: {err}")


def misfit_note(misfit: str, cache: Path, source: Path):
    """Say on the console that the cache did not fit and is being made again."""
    return cache_note(misfit, file=str(cache), source=Path(source).name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _digest(arrays: dict) -> str:
    import numpy as np

    h = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()
