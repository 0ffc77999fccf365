"""The Tokens tab's public API, end to end: `gradio_client` against the launched app.

Why: API callers skip the browser, so they skip the Textbox's max_length and any front-end check.
Whatever the core refuses must come back as a clear `gr.Error` (not a generic "error"), the queue
must stay usable after it, and the ids must equal what the same tokenizers give in-process: a
Space that answers fluently with wrong ids is worse than one that fails.
"""

from pathlib import Path

import pytest

from helpers import post_to_queue
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from minilm.assets import corpus_text
from minilm import get_tokenizer
from minilm.text import MAX_CHARS


def seen(markdown: str) -> str:
    """The text a visitor reads in a Markdown status (CommonMark): escapes resolved, tags gone."""
    import html
    import re

    from markdown_it import MarkdownIt

    return html.unescape(re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").render(markdown))).strip()

pytestmark = pytest.mark.slow
CAPITAL = "the capital of france is paris"


@pytest.fixture(scope="module")
def client(app_url):
    return Client(app_url, verbose=False)


def tokenize(client, text, tokenizer="bpe", add_special_tokens=True):
    return client.predict(text=text, tokenizer=tokenizer, add_special_tokens=add_special_tokens, api_name="/tokenize")


def assert_still_works(client):
    """After a refused request, the very next one must be answered normally."""
    assert tokenize(client, CAPITAL)["gemma"]["ids"] == [2, 1437, 5279, 529, 61034, 563, 48117]


def test_gemma_known_answer(client, gemma):
    """Gemma 3's ids for the seed sentence are fixed by the published tokenizer: a wrong
    conversion of the GGUF, or a lost <bos>, shows up here first."""
    result = tokenize(client, CAPITAL)
    assert result["gemma"]["ids"] == [2, 1437, 5279, 529, 61034, 563, 48117]
    assert result["gemma"]["tokens"] == ["<bos>", "the", "▁capital", "▁of", "▁france", "▁is", "▁paris"]
    assert result["gemma"]["kinds"][0] == "special" and result["gemma"]["round_trip"] is True
    assert result["gemma"]["ids"] == gemma.tokenizer.encode(CAPITAL)
    without = tokenize(client, CAPITAL, add_special_tokens=False)
    assert without["gemma"]["ids"] == [1437, 5279, 529, 61034, 563, 48117]


@pytest.mark.parametrize("add", [True, False])
@pytest.mark.parametrize("text", [CAPITAL, "Hello, World!\n\tnew line", "naïve café über 東京 123"])
def test_local_bpe_equals_in_process(client, text, add):
    """The served BPE must be the shipped assets/tokenizer.json, used the same way."""
    local = tokenize(client, text, add_special_tokens=add)["local"]
    expected = get_tokenizer("bpe").analyze(text, add_special_tokens=add)
    assert local["ids"] == list(expected.ids)
    assert local["tokens"] == list(expected.tokens)
    assert [tuple(o) for o in local["offsets"]] == list(expected.offsets)
    assert local["round_trip"] is True


def test_word_level_marks_unknown_words(client):
    """A word-level vocabulary has no fallback: an unseen word must become <unk>, flagged as
    unknown, and the round trip must honestly report the loss."""
    text = "the zyxwqvut of france"
    local = tokenize(client, text, tokenizer="word")["local"]
    word = get_tokenizer("word")
    assert local["ids"] == word.encode(text)
    assert "<unk>" in local["tokens"]
    unk_at = local["tokens"].index("<unk>")
    assert local["ids"][unk_at] == word.unk_id and local["kinds"][unk_at] == "unknown"
    start = text.index("zyxwqvut")
    assert local["offsets"][unk_at] == [start, start + len("zyxwqvut")]  # the unknown word's span
    assert local["round_trip"] is False


@pytest.mark.parametrize(
    "text, tokenizer, message",
    [
        ("", "bpe", "The text is empty"),
        ("   \n\t  ", "bpe", "The text is only whitespace"),
        ("a" * (MAX_CHARS + 1), "bpe", "The text has 20,001 characters; the limit here is 20,000"),
        ("hello", "nope", r"unknown tokenizer 'nope': choose one of bpe, word$"),
        ("hello", "upload", r"unknown tokenizer 'upload': choose one of bpe, word$"),  # UI-only choices are not API choices
    ],
    ids=["empty", "whitespace", "too-long", "unknown-tokenizer", "ui-only-tokenizer"],
)
def test_bad_input_gives_clear_error_and_next_request_works(client, text, tokenizer, message):
    """show_error=False hides plain exceptions, so only a gr.Error message reaches the caller;
    the too-long case proves the 20,000-character cap is enforced in the core, not just the Textbox."""
    with pytest.raises(AppError, match=message):
        tokenize(client, text, tokenizer=tokenizer)
    assert_still_works(client)


def test_text_at_the_limit_is_accepted(client):
    """The cap is inclusive: exactly MAX_CHARS characters must still be tokenized."""
    text = "ab " * (MAX_CHARS // 3) + "a" * (MAX_CHARS % 3)
    assert len(text) == MAX_CHARS
    local = tokenize(client, text)["local"]
    assert local["ids"] == get_tokenizer("bpe").encode(text)


@pytest.mark.parametrize(
    "text, must_contain",
    [
        ("a\x00b", "<0x00>"),  # NUL becomes a byte token, not a crash
        ("a\u200fb", None),  # RTL mark
        ("👩\u200d👩\u200d👧", None),  # ZWJ family emoji
        ("<img src=x onerror=alert(1)>", None),
        ("${alert(1)}", None),
    ],
    ids=["nul", "rtl-mark", "zwj-emoji", "img-onerror", "template-literal"],
)
def test_odd_text_is_tokenized_like_in_process(client, gemma, text, must_contain):
    """Odd but valid text must neither error nor be altered on its way through JSON and the queue."""
    result = tokenize(client, text)
    assert result["local"]["ids"] == get_tokenizer("bpe").encode(text)
    assert result["gemma"]["ids"] == gemma.tokenizer.encode(text)
    assert list(gemma.tokenizer.analyze(text).tokens) == result["gemma"]["tokens"]
    assert result["local"]["round_trip"] and result["gemma"]["round_trip"]
    if must_contain:
        assert must_contain in result["local"]["tokens"] and must_contain in result["gemma"]["tokens"]


def test_typed_bos_becomes_the_special_token(client):
    """By default (as with AutoTokenizer) a typed "<bos>" is read as the special token, id 2:
    the seed's 'text that spells a special token' mistake, shown rather than hidden."""
    gemma_result = tokenize(client, "<bos>")["gemma"]
    assert gemma_result["ids"] == [2, 2]
    assert gemma_result["kinds"] == ["special", "special"]


def test_lone_surrogate_is_repaired(client, app_url, gemma):
    """A lone surrogate cannot be UTF-8 encoded; tokenizers raises TypeError on it (a generic error).
    The core must replace it with U+FFFD and tokenize. gradio_client cannot send one (it encodes
    the JSON body as UTF-8 and raises UnicodeEncodeError on the client side), so this posts the
    same queue request by hand with the JSON escape "\\ud800", which any other client could send."""
    message = post_to_queue(app_url, client, "tokenize", ["a\ud800b", "bpe", True])
    assert message["msg"] == "process_completed" and message.get("success", True), message
    result = message["output"]["data"][0]
    assert result["local"]["ids"] == get_tokenizer("bpe").encode("a\ufffdb")
    assert result["gemma"]["ids"] == gemma.tokenizer.encode("a\ufffdb")
    assert "\ufffd" in result["gemma"]["tokens"]
    assert_still_works(client)


def token_ids(client, path=None, which="bpe", add_bos=True):
    return client.predict(handle_file(str(path)) if path else None, which, add_bos, api_name="/token_ids")


def test_token_ids_of_the_corpus(client):
    """Seed step 4 with no upload: the downloaded token_ids.txt must hold exactly the ids of
    assets/text.txt (encode_long cuts the long text; its ids must not change)."""
    out, status = token_ids(client)
    ids = get_tokenizer("bpe").encode_long(corpus_text())
    assert Path(out).name == "token_ids.txt"
    assert Path(out).read_text(encoding="ascii") == " ".join(map(str, ids)) + "\n"
    assert seen(status).startswith(f"{len(ids):,} token ids from text.txt")


@pytest.mark.parametrize("which", ["bpe", "word", "gemma"])
def test_token_ids_of_an_uploaded_file(client, gemma, tmp_path, which):
    """An uploaded UTF-8 .txt is encoded with the chosen tokenizer, ids as in-process."""
    text = "the capital of france is paris\nçay, naïve, 東京\n" * 50
    src = tmp_path / "mine.txt"
    src.write_text(text, encoding="utf-8")
    out, status = token_ids(client, src, which=which)
    tok = gemma.tokenizer if which == "gemma" else get_tokenizer(which)
    assert [int(i) for i in Path(out).read_text(encoding="ascii").split()] == tok.encode_long(text)
    assert "from mine.txt" in seen(status)


def test_latin1_upload_gives_a_clear_message(client, tmp_path):
    """A Latin-1 file is the most common wrong upload: the status must say what is wrong and how
    to fix it (no exception, no file), and the next request must work."""
    src = tmp_path / "latin.txt"
    src.write_bytes("the café is naïve".encode("latin-1"))
    out, status = token_ids(client, src)
    assert out is None
    status = seen(status)
    assert "latin.txt is not UTF-8 text" in status and "0xE9" in status and "Save it as UTF-8" in status
    out, status = token_ids(client)
    assert out is not None and "token ids from text.txt" in seen(status)


def test_view_api_documents_tokenize(client):
    """The API page is how callers discover /tokenize; the private UI events must stay hidden."""
    api = client.view_api(print_info=False, return_format="dict")
    endpoint = api["named_endpoints"]["/tokenize"]
    assert endpoint["description"].startswith("Tokenize text with a local tokenizer")
    assert "20,000 characters" in endpoint["description"]
    assert [p["parameter_name"] for p in endpoint["parameters"]] == ["text", "tokenizer", "add_special_tokens"]
    assert "/token_ids" in api["named_endpoints"]
    hidden = {"/tokenize_view", "/tokenize_view_1", "/upload_tokenizer", "/build_bpe", "/tokenize_view_load"}
    assert hidden.isdisjoint(api["named_endpoints"]), sorted(api["named_endpoints"])
