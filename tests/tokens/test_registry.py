"""One tokenizer registry: names, the one message for an unknown name or a loading Gemma, and a
tokenizer registered before `build_demo()` offered in every tab, the CLI and the links."""

import shutil

import pytest

import minilm.tokens.registry as registry
from minilm import Tokenizer, get_tokenizer, register_tokenizer, tokenizer_names
from minilm.assets import ASSETS
from minilm.lang import Problem


@pytest.fixture
def mine(tmp_path):
    """A copy of the word-level tokenizer registered as "mine"; unregistered afterwards."""
    path = tmp_path / "my_tokenizer.json"
    shutil.copy(ASSETS / "tokenizer_word.json", path)
    register_tokenizer("mine", path, label="My word level")
    yield path
    registry._ENTRIES.pop("mine", None)
    registry._local.cache_clear()


def test_names_and_the_shipped_tokenizers():
    assert tokenizer_names() == ("bpe", "word", "gemma") and tokenizer_names(local_only=True) == ("bpe", "word")
    text = "the capital of france is paris"
    assert get_tokenizer("bpe").encode(text) == Tokenizer(str(ASSETS / "tokenizer.json")).encode(text)
    assert get_tokenizer("word").encode(text) == Tokenizer(str(ASSETS / "tokenizer_word.json")).encode(text)
    assert get_tokenizer("bpe") is get_tokenizer("bpe")  # read once, shared


def test_unknown_name_has_one_message():
    with pytest.raises(Problem, match="unknown tokenizer 'nope': choose one of bpe, word, gemma$") as err:
        get_tokenizer("nope")
    assert err.value.key == "unknown_tokenizer" and "bilinmeyen tokenizer" in err.value.words("tr")


def test_a_path_is_a_strangers_file_and_runs_in_the_sandbox(tmp_path):
    from minilm.tokens.sandbox import UntrustedTokenizer

    path = tmp_path / "t.json"
    shutil.copy(ASSETS / "tokenizer_word.json", path)
    tok = get_tokenizer(str(path))
    assert isinstance(tok, UntrustedTokenizer)
    assert tok.encode("the capital") == get_tokenizer("word").encode("the capital")


def test_gemma_still_loading_is_one_message(loading_gemma):
    with pytest.raises(Problem, match=r"Gemma 3 is still loading \(converting") as err:
        get_tokenizer("gemma", wait=False)
    assert err.value.key == "still_loading"


@pytest.mark.parametrize("name", ["bpe", "gemma", "Bad Name", ""], ids=["shipped", "gemma", "spaces", "empty"])
def test_register_refuses_shipped_and_bad_names(name):
    with pytest.raises(ValueError):
        register_tokenizer(name, ASSETS / "tokenizer_word.json")


def test_registered_tokenizer_everywhere(mine, tmp_path, monkeypatch):
    """Registered before build_demo(): a choice in all four tabs, accepted by the CLI and by a link,
    and used by the handlers with no other file edited."""
    import app
    from minilm.cli import main
    from minilm.share import parse_state
    from minilm.tokens.files import read_token_ids
    from minilm.ui import windows as windows_ui

    assert tokenizer_names() == ("bpe", "word", "gemma", "mine")
    demo = app.build_demo()
    offered = {tab_of(block) for block in demo.blocks.values()
               if type(block).__name__ == "Radio" and ("My word level", "mine") in block.choices}
    assert offered == {"tokens", "windows", "embeddings", "train"}

    out = tmp_path / "ids.txt"
    assert main(["tokenize", str(ASSETS / "text.txt"), "-o", str(out), "--tokenizer", "mine"]) == 0
    assert read_token_ids(out) == Tokenizer(str(mine)).encode(open(ASSETS / "text.txt", encoding="utf-8").read())

    state, notes = parse_state({"windows_tokenizer": "mine", "tokenizer": "mine"})
    assert state == {"windows_tokenizer": "mine", "tokenizer": "mine"} and notes == []

    summary = windows_ui.windows_view(source="text", text="the capital of france is paris and the capital",
                                      path=None, tokenizer="mine", context_length=4, stride=2, batch_size=1,
                                      keep_tail=False)[0]
    n = len(Tokenizer(str(mine)).encode("the capital of france is paris and the capital"))
    assert f"**{n} tokens" in summary


def tab_of(block) -> str | None:
    """The id of the gr.Tab a component sits in."""
    while block is not None:
        if type(block).__name__ == "Tab":
            return block.id
        block = getattr(block, "parent", None)
    return None
