"""Issue 16: a damaged, stale or unwritable cache heals itself and never gives wrong ids or vectors.

Each test injects one fault into a temporary `$MINILM_CACHE` and checks the outcome against a clean
cache: the same ids and bit-identical rows, or a clear message with the rest working. A small GGUF
(written by gguf's own `GGUFWriter`) stands in for the 250 MB bundled one, and the ~20 s conversion
is replaced by copying `assets/tokenizer.json`, counted, so a test sees whether it ran again.
Expected ids come from `tokenizers` reading that file, expected rows from gguf's reader.
"""

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from gguf import GGMLQuantizationType as Q
from gguf_files import TABLE, reference_rows, write_gguf
from tokenizers import Tokenizer

import minilm.tokens.gemma as gemma_module
from minilm.embeddings.gguf import GGUFTable
from minilm.embeddings.tables import gemma_table
from minilm.tokens.gemma import BundledSource, load_bundled

ROOT = Path(__file__).resolve().parents[2]
CONVERTED = ROOT / "assets" / "tokenizer.json"  # stands in for the converted Gemma tokenizer.json
TEXT = "the capital of france"
IDS = [0, 3, 17, 36]
NAME = "gemma-test.gguf"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _table(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((37, 64)).astype(np.float32)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MINILM_CACHE", str(folder))
    return folder


@pytest.fixture
def bundle(tmp_path, monkeypatch, cache):
    """The bundled GGUF and its conversion, small and counted."""
    original = write_gguf(tmp_path / "original.gguf", _table(0), Q.Q8_0)
    calls = {"assemble": 0, "convert": 0}

    def assemble(path):
        calls["assemble"] += 1
        shutil.copyfile(original, path)

    def convert(gguf_path, out_dir):
        calls["convert"] += 1
        shutil.copyfile(CONVERTED, Path(out_dir) / "tokenizer.json")

    monkeypatch.setattr(gemma_module, "bundled_source", lambda: BundledSource(NAME, _sha256(original), assemble))
    monkeypatch.setattr(gemma_module, "run_converter", convert)
    return SimpleNamespace(calls=calls, ids=Tokenizer.from_file(str(CONVERTED)).encode(TEXT).ids,
                           rows=reference_rows(original)[IDS], folder=cache / f"gemma-3-270m-{_sha256(original)[:12]}",
                           gguf=cache / NAME, place=cache / "gemma-test.token_embd.json")


def _same_as_clean(gemma, bundle):
    """What a clean cache gives: the tokenizer's ids and the GGUF's rows, bit for bit."""
    assert gemma.tokenizer.encode(TEXT) == bundle.ids
    np.testing.assert_array_equal(gemma_table(gemma).rows(IDS), bundle.rows)


def _keys(gemma):
    return [note.key for note in gemma.notes]


def test_clean_cache_converts_once(bundle):
    first = load_bundled()
    _same_as_clean(first, bundle)
    again = load_bundled()
    _same_as_clean(again, bundle)
    assert bundle.calls == {"assemble": 1, "convert": 1} and _keys(first) == _keys(again) == []


@pytest.mark.parametrize("damage", ["truncated", "emptied", "deleted"])
def test_damaged_tokenizer_json_is_rebuilt(bundle, caplog, damage):
    """Was: `Exception: EOF while parsing a value` on every start until the cache was deleted by hand."""
    load_bundled()
    converted = bundle.folder / "tokenizer.json"
    data = converted.read_bytes()
    if damage == "deleted":
        converted.unlink()
    else:
        converted.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"")
    with caplog.at_level(logging.WARNING, logger="minilm"):
        healed = load_bundled()
    _same_as_clean(healed, bundle)
    assert bundle.calls["convert"] == 2 and _keys(healed) == ["cache_rebuilt_damaged"]
    assert "tokenizer.json was damaged" in caplog.text and "bozuktu" in healed.notes[0].words("tr")
    assert _keys(load_bundled()) == [] and bundle.calls["convert"] == 2  # healed for good


def test_same_size_corruption_is_caught_by_the_hash(bundle):
    """A tokenizer.json that still loads, same size, with two vocabulary ids swapped: other ids, so rebuilt."""
    load_bundled()
    converted = bundle.folder / "tokenizer.json"
    text = converted.read_text(encoding="utf-8")
    swapped = text.replace('"the": 719,', '"the": 442,').replace('"▁capital": 442,', '"▁capital": 719,')
    assert swapped != text and len(swapped) == len(text)
    converted.write_text(swapped, encoding="utf-8")
    assert Tokenizer.from_file(str(converted)).encode(TEXT).ids != bundle.ids  # loads, and lies
    healed = load_bundled()
    _same_as_clean(healed, bundle)
    assert bundle.calls["convert"] == 2 and _keys(healed) == ["cache_rebuilt_damaged"]


def test_cache_from_before_manifests_is_adopted_or_rebuilt(bundle):
    """A folder made by an older minilm (config.json names only the GGUF): kept if it loads, else rebuilt."""
    load_bundled()
    manifest = bundle.folder / "config.json"
    manifest.write_text(json.dumps({"gguf_file": str(bundle.gguf)}))
    _same_as_clean(load_bundled(), bundle)
    assert bundle.calls["convert"] == 1 and "tokenizer_sha256" in json.loads(manifest.read_text())
    manifest.write_text(json.dumps({"gguf_file": str(bundle.gguf)}))
    converted = bundle.folder / "tokenizer.json"
    converted.write_bytes(converted.read_bytes()[:1000])
    _same_as_clean(load_bundled(), bundle)
    assert bundle.calls["convert"] == 2


@pytest.mark.parametrize("record", [{"other": 1}, "not json {", [1, 2]], ids=["other keys", "not json", "a list"])
def test_place_json_with_other_content_is_rebuilt(bundle, record):
    """Was: `KeyError: 'dims'` on every start."""
    load_bundled()
    bundle.place.write_text(record if isinstance(record, str) else json.dumps(record))
    healed = load_bundled()
    _same_as_clean(healed, bundle)
    assert _keys(healed) == ["cache_rebuilt_damaged"] and "offset" in json.loads(bundle.place.read_text())


def test_place_json_with_a_plausible_wrong_offset_is_not_used(bundle):
    """Was: no error, wrong vectors. The offset of the row after the one asked for, as a hand edit would leave it."""
    load_bundled()
    record = json.loads(bundle.place.read_text())
    record["offset"] += 68  # one Q8_0 row of 64 values further on: plausible, and wrong
    bundle.place.write_text(json.dumps(record))
    healed = load_bundled()
    _same_as_clean(healed, bundle)
    assert _keys(healed) == ["cache_rebuilt_damaged"]


def test_gguf_replaced_under_the_same_name(tmp_path, cache):
    """The place of an old GGUF is never read in a new one: after the swap, the new file's rows."""
    path, place = tmp_path / "model.gguf", cache / "model.token_embd.json"
    cache.mkdir()
    write_gguf(path, _table(0), Q.Q8_0)
    first = GGUFTable.open(path, TABLE, cache=place)
    np.testing.assert_array_equal(first.rows(IDS), reference_rows(path)[IDS])
    write_gguf(path, _table(1), Q.F16, filler="x" * 40)  # the same name, another offset and type
    again = GGUFTable.open(path, TABLE, cache=place)
    np.testing.assert_array_equal(again.rows(IDS), reference_rows(path)[IDS])
    assert json.loads(place.read_text())["offset"] == again.place.offset != first.place.offset


def test_same_offset_new_values_are_read(tmp_path, cache):
    """A new GGUF whose table sits at the same offset: the stamp changes, so the place is walked again."""
    path, place = tmp_path / "model.gguf", cache / "model.token_embd.json"
    cache.mkdir()
    write_gguf(path, _table(0), Q.Q8_0)
    GGUFTable.open(path, TABLE, cache=place)
    old = json.loads(place.read_text())
    write_gguf(path, _table(2), Q.Q8_0)
    os.utime(path, ns=(time.time_ns(), old["file"]["mtime_ns"] + 1))
    np.testing.assert_array_equal(GGUFTable.open(path, TABLE, cache=place).rows(IDS), reference_rows(path)[IDS])


def test_bundled_gguf_replaced_is_assembled_again(bundle, tmp_path):
    """Someone else's GGUF under the bundled name: assembled again; the tokenizer, tied to the sha256, is kept."""
    load_bundled()
    write_gguf(bundle.gguf, _table(5), Q.F32)
    healed = load_bundled()
    _same_as_clean(healed, bundle)
    assert bundle.calls == {"assemble": 2, "convert": 1}
    assert _keys(healed) == ["cache_gguf_replaced", "cache_rebuilt_stale"]


@pytest.mark.parametrize("blocker", ["file in the way", "file at the cache path"])
def test_unwritable_cache_works_in_a_temporary_folder(bundle, tmp_path, monkeypatch, caplog, blocker):
    """Was: `NotADirectoryError`, Gemma never loaded. Now a temporary folder, said once, where and why."""
    (tmp_path / "home").write_text("a file where a folder should be")
    wanted = tmp_path / "home" / "minilm" if blocker == "file in the way" else tmp_path / "home"
    monkeypatch.setenv("MINILM_CACHE", str(wanted))
    with caplog.at_level(logging.WARNING, logger="minilm"):
        first = load_bundled()
        second = load_bundled()
    _same_as_clean(first, bundle)
    _same_as_clean(second, bundle)
    assert _keys(first) == ["cache_unwritable"] and first.notes[0].values["wanted"] == str(wanted)
    used = Path(first.notes[0].values["used"])
    assert used.is_dir() and (used / NAME).is_file() and bundle.calls["convert"] == 1
    assert caplog.text.count("cannot be written") == 1 and str(used) in caplog.text


def test_leftovers_of_killed_runs_are_cleaned(bundle, cache):
    """Scratch folders and .tmp files older than half an hour are removed; a young one may be in use."""
    cache.mkdir()
    old, young, tmp = cache / ".convert-old", cache / ".convert-young", cache / f".{NAME}.x.tmp"
    for folder in (old, young):
        folder.mkdir()
        (folder / "tokenizer.json").write_text('{"trunc')
    tmp.write_bytes(b"GGUF")
    hour_ago = time.time() - 3600
    for path in (old, tmp):
        os.utime(path, (hour_ago, hour_ago))
    _same_as_clean(load_bundled(), bundle)
    assert not old.exists() and not tmp.exists() and young.exists()


def test_conversion_killed_with_sigkill_then_next_start_works(bundle, tmp_path, cache):
    """A real SIGKILL in the middle of a conversion: the next start converts again and works."""
    started = tmp_path / "started"
    script = textwrap.dedent(f"""
        import shutil, sys, time
        from pathlib import Path
        sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / "tests")!r})
        import minilm.tokens.gemma as g
        def convert(gguf_path, out_dir):
            (Path(out_dir) / "tokenizer.json").write_text('{{"half')
            Path({str(started)!r}).touch()
            time.sleep(60)
        g.bundled_source = lambda: g.BundledSource({NAME!r}, {gemma_module.bundled_source().sha256!r},
                                                   lambda p: shutil.copyfile({str(tmp_path / 'original.gguf')!r}, p))
        g.run_converter = convert
        g.load_bundled()
    """)
    child = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "MINILM_CACHE": str(cache)})
    try:
        for _ in range(300):
            if started.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert started.exists(), "the child never reached the conversion"
    finally:
        child.kill()
        child.wait()
    assert not bundle.folder.exists() and list(cache.glob(".convert-*"))  # killed halfway: scratch left over
    _same_as_clean(load_bundled(), bundle)
    assert bundle.calls["convert"] == 1


def test_two_conversions_at_once_leave_one_valid_cache(bundle, monkeypatch):
    slow = gemma_module.run_converter

    def overlapping(gguf_path, out_dir):
        slow(gguf_path, out_dir)
        time.sleep(0.3)  # both are converting at once

    monkeypatch.setattr(gemma_module, "run_converter", overlapping)
    results, errors = [], []

    def load():
        try:
            results.append(load_bundled())
        except Exception as err:  # noqa: BLE001 -- any failure fails the test below
            errors.append(err)

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and len(results) == 2
    for gemma in results:
        _same_as_clean(gemma, bundle)
    assert gemma_module._tokenizer_misfit(bundle.folder) is None and not list(bundle.folder.parent.glob(".convert-*"))


def test_gemma_that_cannot_load_says_why_and_retries_without_restart(bundle, monkeypatch):
    """The page says why and what to do; the local tokenizers keep working; the next request tries again."""
    import minilm.tokens.registry as registry
    from minilm.background import BackgroundLoader
    from minilm.lang import words

    def broken(gguf_path, out_dir):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gemma_module, "run_converter", broken)
    loader = BackgroundLoader(gemma_module.load_gemma, what="Gemma 3")
    monkeypatch.setattr(registry, "GEMMA", loader)
    with pytest.raises(ValueError) as failed:
        registry.gemma(wait=True)
    message = str(failed.value)
    assert "No space left on device" in message and "MINILM_CACHE" in message and "tries again" in message
    assert "MINILM_CACHE" in words(failed.value, "tr") and "yeniden dener" in words(failed.value, "tr")
    assert registry.get_tokenizer("bpe").encode(TEXT) == bundle.ids  # the rest works
    monkeypatch.setattr(gemma_module, "run_converter", lambda gguf_path, out_dir: shutil.copyfile(CONVERTED, out_dir / "tokenizer.json"))
    _same_as_clean(registry.gemma(wait=True), bundle)  # no restart needed


def test_the_page_says_what_the_cache_needed(bundle, monkeypatch):
    """The Tokens tab's Gemma column says a rebuild in the visitor's language, beside Gemma's tokens."""
    import minilm.tokens.registry as registry
    from minilm.background import BackgroundLoader
    from minilm.tokens.settings import TokensSettings
    from minilm.ui.tokens import gemma_column

    load_bundled()
    bundle.place.write_text(json.dumps({"other": 1}))
    loader = BackgroundLoader(gemma_module.load_gemma, what="Gemma 3")
    monkeypatch.setattr(registry, "GEMMA", loader)
    loader.wait(30)
    settings = TokensSettings(text=TEXT, tokenizer="bpe")
    tok, html_en, polling = gemma_column(settings, "en")
    assert list(tok.ids) == bundle.ids and not polling and "was damaged; it was removed and made again" in html_en
    assert "bozuktu; silindi" in gemma_column(settings, "tr")[1]


@pytest.mark.slow
def test_real_conversion_heals_a_truncated_bundled_tokenizer(gemma, tmp_path, monkeypatch):
    """Once for real: the bundled GGUF's converted tokenizer.json cut short, converted again by transformers
    in a child process, gives the ids of the intact cache."""
    cache = tmp_path / "cache"
    cache.mkdir()
    gguf_path = cache / gemma.path.name
    try:
        os.link(gemma.path, gguf_path)  # 250 MB: shared, not copied, and the same stamp
    except OSError:
        shutil.copyfile(gemma.path, gguf_path)
    folder = gemma.path.parent / f"gemma-3-270m-{gemma_module.bundled_source().sha256[:12]}"  # not the -weights one
    shutil.copytree(folder, cache / folder.name)
    converted = cache / folder.name / "tokenizer.json"
    converted.write_bytes(converted.read_bytes()[:1_000_000])
    monkeypatch.setenv("MINILM_CACHE", str(cache))
    healed = load_bundled()
    assert _keys(healed)[:1] == ["cache_rebuilt_damaged"]
    for text in (TEXT, "Merhaba dünya! 🌍 <start_of_turn>user", "   tabs\tand\nnewlines"):
        assert healed.tokenizer.encode(text) == gemma.tokenizer.encode(text)
    np.testing.assert_array_equal(gemma_table(healed).rows([2, 5, 262143]), gemma_table(gemma).rows([2, 5, 262143]))
