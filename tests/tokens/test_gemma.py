"""Gemma 3's tokenizer: the same ids as transformers' own conversion, from the GGUF or the Hub layout."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from minilm.assets import corpus_text
from minilm.background import BackgroundLoader
from minilm.tokens.gemma import cache_dir, load_gemma

ROOT = Path(__file__).resolve().parents[2]

# Multilingual prose, scripts without spaces, emoji sequences, whitespace runs, controls and code.
TEXTS = [
    "the capital of france is paris",
    "the capital of the united states is not ",
    "Türkiye'nin başkenti Ankara'dır. İstanbul ise en kalabalık şehirdir; ılık, ĞÜŞİÖÇ.",
    "Die Hauptstadt von Deutschland ist Berlin. Straße, Größe, Äpfel.",
    "La capitale de la France est Paris — « très » belle, n'est-ce pas ?",
    "Столица России — Москва. Київ — столиця України.",
    "東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.",
    "القاهرة هي عاصمة مصر. ירושלים",
    "नई दिल्ली भारत की राजधानी है। กรุงเทพฯ",
    "Emoji: 👩‍👩‍👧 🇹🇷 ❤️ 👍🏽 🦊🦊🦊",
    "   leading spaces, trailing spaces   ",
    "tabs\tand\n\nnewlines\r\nand\u00a0nbsp",
    "zero\u200bwidth\u200d joiner \u200f rtl \u202e override",
    "nul \x00 bell \x07 escape \x1b[31m",
    "def f(x):\n    return {'a': [1, 2, 3]}  # code\n",
    "<bos>typed special<eos> and <start_of_turn>user",
    "<0x0A> looks like a byte token",
    "1234567890 3.14159 1e-9 0x1F 2026-11-27",
    "e\u0301 (combining) vs é (precomposed)",
    "https://example.org/path?q=1&r=%20",
    "a" * 500,
    "",
]


@pytest.fixture(scope="module")
def transformers_tokenizer(gemma):
    """The seed's route: transformers converts the same GGUF (~18 s, ~1 GB)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(gemma.path.parent), gguf_file=gemma.path.name)


@pytest.mark.slow
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_same_ids_as_transformers(gemma, transformers_tokenizer, text):
    ours = gemma.tokenizer
    ids = transformers_tokenizer.encode(text)
    assert ours.encode(text) == ids
    assert ours.convert_ids_to_tokens(ids) == transformers_tokenizer.convert_ids_to_tokens(ids)
    assert ours.decode(ids) == transformers_tokenizer.decode(ids)
    assert ours.decode(ids, skip_special_tokens=True) == transformers_tokenizer.decode(ids, skip_special_tokens=True)


@pytest.mark.slow
def test_known_ids_and_specials(gemma):
    """Facts from docs/gemma.md: BOS 2 first, "" is [2], vocab 262,144."""
    tok = gemma.tokenizer
    assert tok.encode("the capital of france is paris") == [2, 1437, 5279, 529, 61034, 563, 48117]
    assert tok.encode("") == [2]
    assert (tok.pad_token_id, tok.eos_token_id, tok.bos_token_id, tok.unk_token_id) == (0, 1, 2, 3)
    assert len(tok) == tok.vocab_size == 262_144
    assert gemma.source == "bundled" and "270M" in gemma.name


@pytest.mark.slow
def test_encode_long_equals_encode(gemma):
    text = corpus_text() * 4
    assert gemma.tokenizer.can_cut_after_newline
    assert gemma.tokenizer.encode_long(text) == gemma.tokenizer.encode(text)


@pytest.fixture(scope="module")
def hub_folder(gemma, tmp_path_factory):
    """A folder laid out like google/gemma-3-1b-it: tokenizer.json and config.json."""
    folder = tmp_path_factory.mktemp("gemma-3-1b-it")
    converted = next(cache_dir().glob("gemma-3-270m-*/tokenizer.json"))
    (folder / "tokenizer.json").write_bytes(converted.read_bytes())
    (folder / "config.json").write_text(json.dumps({"model_type": "gemma3_text", "hidden_size": 1152}))
    return folder


@pytest.fixture
def hub_offline(monkeypatch):
    """HF_HUB_OFFLINE=1 for this test: huggingface_hub refuses every request (OfflineModeIsEnabled), so a
    route that slips past a monkeypatch cannot reach the network. Its constant is set too, because
    huggingface_hub reads the variable once, at import, which an earlier test may have done."""
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)


@pytest.mark.slow
def test_local_folder_in_hub_layout(gemma, hub_folder, hub_offline):
    local = load_gemma(repo=str(hub_folder))
    assert local.source == "local" and local.notice is None
    assert local.tokenizer.encode(TEXTS[2]) == gemma.tokenizer.encode(TEXTS[2])


def _in_child(code: str, env: dict) -> dict:
    """Run `code` in a fresh interpreter (huggingface_hub reads HF_* variables at import)."""
    import os

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


_REPORT = """
import json
from minilm.tokens.gemma import load_gemma
g = load_gemma(repo="google/gemma-3-1b-it", token={token!r})
print(json.dumps({{"source": g.source, "notice": g.notice and str(g.notice), "tr": g.notice and g.notice.words("tr"),
                  "ids": g.tokenizer.encode("the capital of france is paris")}}))
"""


@pytest.mark.slow
def test_hub_route_reads_the_hub_cache(hub_folder, tmp_path):
    """hf_hub_download, offline, finds the files in a Hub cache as a download would leave them."""
    snapshot = tmp_path / "models--google--gemma-3-1b-it" / "snapshots" / "0123abc"
    snapshot.mkdir(parents=True)
    for name in ("tokenizer.json", "config.json"):
        (snapshot / name).write_bytes((hub_folder / name).read_bytes())
    (tmp_path / "models--google--gemma-3-1b-it" / "refs").mkdir()
    (tmp_path / "models--google--gemma-3-1b-it" / "refs" / "main").write_text("0123abc")
    got = _in_child(_REPORT.format(token="hf_test"), {"HF_HUB_CACHE": str(tmp_path), "HF_HUB_OFFLINE": "1"})
    assert got == {"source": "hub", "notice": None, "tr": None, "ids": [2, 1437, 5279, 529, 61034, 563, 48117]}


@pytest.mark.slow
@pytest.mark.parametrize(
    "token, message",
    [(None, ("HF_TOKEN is not set", "HF_TOKEN tanımlı değil")),
     ("hf_test", ("could not reach the Hugging Face Hub", "Hugging Face Hub’a ulaşılamadı"))],
    ids=["no-token", "network-down"],
)
def test_hub_unavailable_falls_back_to_bundled(gemma, tmp_path, token, message):
    env = {"HF_HUB_CACHE": str(tmp_path), "HF_HUB_OFFLINE": "1", "HF_TOKEN": "", "MINILM_CACHE": str(cache_dir())}
    got = _in_child(_REPORT.format(token=token), env)
    english, turkish = message
    assert got["source"] == "bundled" and english in got["notice"] and turkish in got["tr"]
    assert got["ids"] == gemma.tokenizer.encode("the capital of france is paris")


@pytest.mark.slow
def test_gated_repo_says_so(gemma, monkeypatch, hub_offline):
    import httpx2
    import huggingface_hub
    from huggingface_hub import errors

    def gated(repo, filename, token=None):
        response = httpx2.Response(403, request=httpx2.Request("GET", f"https://huggingface.co/{repo}"))
        raise errors.GatedRepoError("Access to model is restricted", response=response)

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", gated)
    got = load_gemma(repo="google/gemma-3-1b-it", token="hf_test")
    assert got.source == "bundled" and "gated" in str(got.notice) and "ai.google.dev/gemma/terms" in str(got.notice)
    assert "erişimi kısıtlı" in got.notice.words("tr")


def test_loader_reports_progress_without_blocking():
    """The first conversion takes ~20 s: the loader must show its stage and let callers go on."""
    release = threading.Event()

    def slow_load(progress):
        progress("converting")
        release.wait(10)
        return "gemma"

    loader = BackgroundLoader(slow_load).start()
    for _ in range(100):
        if loader.stage == "converting":
            break
        threading.Event().wait(0.01)
    assert loader.stage == "converting" and loader.value is None
    release.set()
    assert loader.wait(10) == "gemma" and loader.stage == "ready"


def test_loader_failure_is_a_message():
    def broken(progress):
        raise OSError("disk full")

    loader = BackgroundLoader(broken).start()
    with pytest.raises(ValueError, match="disk full"):
        loader.wait(10)
    assert loader.stage == "failed" and "disk full" in loader.error
