"""The Tokens tab's handlers, called as gradio calls them: messages instead of crashes."""

import pytest

import minilm.ui.tokens as tab
from minilm.assets import ASSETS
from minilm import get_tokenizer
from minilm.tokens.files import read_token_ids


def view(text, tokenizer="bpe", own=None, add_special_tokens=True, split_special=False):
    """The handler as gradio calls it: the session's own tokenizers, then the fields by keyword."""
    return tab.tokenize_view(own or {}, text=text, tokenizer=tokenizer, add_special_tokens=add_special_tokens,
                             split_special=split_special)


def test_local_column_works_while_gemma_loads(loading_gemma):
    local, gemma, boundaries, code, status, timer = view("the capital of france is paris")
    assert "▁capital" in local and "mlm-chip" in local
    assert "Gemma 3 is still loading (converting the GGUF tokenizer" in gemma
    assert timer.active is True  # the page keeps polling until Gemma is there
    assert boundaries == "" and 'get_tokenizer("bpe")' in code


@pytest.mark.parametrize("text", ["", "  \n ", "x" * 20_001], ids=["empty", "whitespace", "over-cap"])
def test_bad_text_is_a_message_and_next_works(loading_gemma, text):
    local, _, _, _, status, timer = view(text)
    assert status.startswith("⚠️") and "mlm-chip" not in local and timer.active is False
    assert "mlm-chip" in view("paris")[0]


def test_surrogate_is_repaired_with_a_note(loading_gemma):
    local, _, _, _, status, _ = view("a\ud800b")
    assert "lone surrogate" in status and "mlm-chip" in local


def test_choosing_upload_before_uploading(loading_gemma):
    _, _, _, _, status, _ = view("paris", "upload")
    assert "upload a tokenizer.json" in status


def test_upload_then_use(loading_gemma, tmp_path):
    own, choice, message = tab.upload_tokenizer(str(ASSETS / "tokenizer_word.json"), {})
    assert choice["value"] == "upload" and "Loaded tokenizer_word.json" in message
    local = view("the capital of atlantis", "upload", own)[0]
    assert "&lt;unk&gt;" in local
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    own2, _, message = tab.upload_tokenizer(str(bad), own)
    assert "not valid JSON" in message and own2 is own  # the earlier upload is kept


def test_train_on_corpus_then_use(loading_gemma):
    own, choice, message = tab.build_own_bpe("corpus", None, 500, {})
    assert choice["value"] == "trained" and "500 tokens" in message
    assert "500 tokens in its vocabulary" in view("paris", "trained", own)[0]


@pytest.mark.parametrize(
    "source, path, vocab, message",
    [("file", None, 500, "Upload a .txt"), ("corpus", None, 10, "vocab_size"), ("corpus", None, 1000.5, "whole number")],
    ids=["no-file", "tiny-vocab", "fractional-vocab"],
)
def test_train_refusals(loading_gemma, source, path, vocab, message):
    own, _, status = tab.build_own_bpe(source, path, vocab, {})
    assert message in status and own == {}


def test_token_ids_file_for_the_corpus(loading_gemma):
    path, message = tab.token_ids_file(None, "bpe", True, {})
    assert read_token_ids(path) == get_tokenizer("bpe").encode_long((ASSETS / "text.txt").read_text())
    assert "token ids from text.txt" in message
    path, message = tab.token_ids_file(None, "gemma", True, {})
    assert path is None and message.startswith("⚠️ Gemma 3 is still loading (converting the GGUF tokenizer")


def test_token_ids_file_refuses_latin1(loading_gemma, tmp_path):
    src = tmp_path / "latin.txt"
    src.write_bytes("çay ve şeker".encode("cp1254"))
    path, message = tab.token_ids_file(str(src), "bpe", True, {})
    assert path is None and "not UTF-8" in message


def test_injection_inside_an_uploaded_tokenizer_stays_text(loading_gemma, tmp_path):
    """A stranger's tokenizer.json can carry markup in its vocabulary; its chips must show it as text."""
    import json
    import re

    from minilm.tokens.vocab import build_word_level

    evil = '<img src=x onerror="alert(1)">'
    backend = build_word_level(["paris " + evil.replace(" ", "_") + " ${alert(1)}"] * 3)
    path = tmp_path / "evil.json"
    path.write_text(backend.to_str())
    own, _, message = tab.upload_tokenizer(str(path), {})
    assert "Loaded evil.json" in message
    local = view("paris " + evil.replace(" ", "_") + " ${alert(1)}", "upload", own)[0]
    body = re.sub(r"<style>.*?</style>", "", local, flags=re.S)
    assert "<img" not in body and "${" not in body
    assert "&lt;img" in body and json.loads(backend.to_str())["model"]["vocab"]  # the token is there, escaped


def test_token_ids_takes_names_not_server_paths(loading_gemma):
    """get_tokenizer reads a tokenizer.json path for notebooks and the CLI; a page or API caller naming a
    file on the server must get the unknown-tokenizer message instead."""
    path, message = tab.token_ids_file(None, str(ASSETS / "tokenizer_word.json"), True, {})
    assert path is None and "unknown tokenizer" in message
