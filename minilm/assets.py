"""The files minilm ships in `assets/` and the folder where it keeps what it converts.

The cache folder is `$MINILM_CACHE`, else `~/.cache/minilm`; when that cannot be written (a file in
the way, a read-only home) a temporary folder stands in and the console says so once. What goes in
is written atomically (a temporary name, then a rename), stamped with the file it came from
(`file_stamp`), and leftovers of killed runs are cleaned (`clean_leftovers`). Not here: what is
cached (`minilm.tokens.gemma`, `minilm.embeddings.gguf`) or the tokenizers made from these files
(`minilm.tokens.registry`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path

from minilm.lang import Note, Problem, say

ASSETS = Path(__file__).resolve().parent.parent / "assets"
CORPUS = ASSETS / "text.txt"
CONVERT_TIMEOUT_S = 600
LEFTOVER_AGE_S = 30 * 60  # a conversion times out after 10 min: older scratch is from a killed run
log = logging.getLogger("minilm")

_chosen: dict[Path, tuple[Path, Note | None]] = {}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def corpus_text() -> str:
    """`assets/text.txt`: the original English and Turkish corpus the local tokenizers learned from."""
    return CORPUS.read_text(encoding="utf-8")


def cache_dir() -> Path:
    """Where converted files live: `$MINILM_CACHE`, else `~/.cache/minilm`, else a temporary folder.

    The choice is made once per wanted folder; `cache_fallback()` says why when it was not the wanted one.
    """
    return _choose()[0]


def cache_fallback() -> Note | None:
    """Why `cache_dir()` is a temporary folder (a `Note` already written to the console), or None."""
    return _choose()[1]


def _choose() -> tuple[Path, Note | None]:
    wanted = Path(os.environ.get("MINILM_CACHE") or Path.home() / ".cache" / "minilm")
    with _lock:
        if wanted not in _chosen:
            _chosen[wanted] = _writable_or_temporary(wanted)
        return _chosen[wanted]


def _writable_or_temporary(wanted: Path) -> tuple[Path, Note | None]:
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=wanted, prefix=".probe-", suffix=".tmp"):
            pass
        return wanted, None
    except OSError as err:  # NotADirectoryError, PermissionError, a read-only file system...
        used = Path(tempfile.mkdtemp(prefix="minilm-cache-"))
        return used, cache_note("cache_unwritable", wanted=str(wanted), used=str(used), error=f"{type(err).__name__}: {err}")


def cache_note(key: str, **values) -> Note:
    """A note about the cache, said once on the console (the `minilm` logger) and kept for the page."""
    log.warning("minilm: %s", say(key, "en", **values))
    return Note(key, values)


def file_stamp(path: Path) -> dict:
    """What ties a cached entry to the exact file it came from: its size and modification time."""
    st = Path(path).stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def write_atomic(path: Path, text: str) -> None:
    """Write `text` under a temporary name beside `path`, then rename: readers see all of it or nothing."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; the cache is as shared as its folder
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def put_folder(out_dir: Path, fill) -> None:
    """Make `out_dir` whole or not at all: `fill(scratch)` writes a scratch folder beside it, which is then
    renamed into place. When another process puts it first, its copy is as good."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=".convert-"))
    try:
        fill(scratch)
        os.chmod(scratch, 0o777 & ~_umask())  # mkdtemp makes it private; the cache is as shared as its folder
        try:
            scratch.rename(out_dir)
        except OSError:
            pass
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def convert_in_child(module: str, gguf_path: Path, out_dir: Path) -> None:
    """`python -m <module> convert <gguf> <out_dir>`: a conversion's ~1 GB and GIL-bound work stay out of the app."""
    cmd = [sys.executable, "-m", module, "convert", str(gguf_path), str(out_dir)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S)
    if done.returncode != 0:
        raise Problem("gemma_convert_failed", name=gguf_path.name, error=done.stderr[-2000:])


def remove_folder(folder: Path) -> None:
    """Move a damaged folder aside first, so no reader sees it half deleted; then delete it."""
    aside = folder.with_name(f".convert-damaged-{os.getpid()}-{folder.name}")
    try:
        folder.rename(aside)
    except FileNotFoundError:
        return
    shutil.rmtree(aside, ignore_errors=True)


def read_json(path: Path):
    """The JSON in `path`, or None when it is missing or not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def clean_leftovers(folder: Path, *, older_than_s: float = LEFTOVER_AGE_S) -> list[Path]:
    """Remove `.convert-*` scratch folders and `*.tmp` files of killed runs; young ones may be in use."""
    if not folder.is_dir():
        return []
    cutoff, removed = time.time() - older_than_s, []
    for leftover in {*folder.glob(".convert-*"), *folder.glob("*.tmp")}:  # pathlib's * matches dot-files too
        try:
            if leftover.lstat().st_mtime > cutoff:
                continue
            shutil.rmtree(leftover) if leftover.is_dir() and not leftover.is_symlink() else leftover.unlink()
            removed.append(leftover)
        except OSError:  # another process removed it first, or it is not ours to remove
            continue
    return removed
