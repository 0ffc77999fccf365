"""What people type and upload: repaired where possible, refused with a reason otherwise, and
escaped so Markdown and Plotly show it as typed.

The caps are the README's ("Limits and hostile input", docs/security.md's "Server-side limits"),
written here as numbers, never read from `minilm.text`: 20,000 characters per request, 20 MiB per text file.
"""

import codecs

import pytest

from minilm.lang import Problem
from minilm.text import (
    clean_text,
    decode_upload,
    markdown_literal,
    plotly_literal,
    read_text_file,
)

MAX_CHARS = 20_000  # the README's cap, as the learner reads it
MIB = 1024 * 1024


@pytest.mark.parametrize(
    "text, message",
    [("", "empty"), ("   \n\t ", "only whitespace"), ("a" * (MAX_CHARS + 1), "limit"), (None, "string"), (12, "string")],
    ids=["empty", "whitespace", "over-cap", "none", "number"],
)
def test_refused_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        clean_text(text)


@pytest.mark.parametrize(
    "text, repaired, n_notes",
    [
        ("a\ud800b", "a\ufffdb", 1),  # lone surrogate: tokenizers would raise TypeError
        ("x\udc00\ud800", "x\ufffd\ufffd", 1),
        ("nul\x00 rtl\u200f zwj 👩\u200d👧", "nul\x00 rtl\u200f zwj 👩\u200d👧", 0),  # valid Unicode stays as is
        ("a" * MAX_CHARS, "a" * MAX_CHARS, 0),
    ],
    ids=["surrogate", "two-surrogates", "controls-kept", "at-cap"],
)
def test_repaired_or_kept(text, repaired, n_notes):
    out, notes = clean_text(text)
    assert out == repaired and len(notes) == n_notes


@pytest.mark.parametrize(
    "data, text",
    [
        ("çay".encode(), "çay"),
        (codecs.BOM_UTF8 + "çay".encode(), "çay"),
        ("çay".encode("utf-16"), "çay"),  # UTF-16 with its BOM
        ("çay".encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]), "çay"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom"],
)
def test_uploads_decoded(data, text):
    assert decode_upload(data) == text


@pytest.mark.parametrize(
    "data, message",
    [("çay".encode("latin-1"), "not UTF-8"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")],
    ids=["latin-1", "binary"],
)
def test_uploads_refused(data, message):
    with pytest.raises(ValueError, match=message):
        decode_upload(data, name="x.txt")


def test_read_text_file_limits(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(ValueError, match="limit"):
        read_text_file(big, max_bytes=1024)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(ValueError, match="empty"):
        read_text_file(empty)
    assert read_text_file(big) == "a" * 2048


def test_text_cap_is_20000_characters():
    """20,000 characters pass untouched; one more is refused with both numbers in the message."""
    assert clean_text("a" * 20_000) == ("a" * 20_000, [])
    with pytest.raises(ValueError, match="The text has 20,001 characters; the limit here is 20,000"):
        clean_text("a" * 20_001)


@pytest.fixture(scope="module")
def files_at_the_cap(tmp_path_factory):
    """Text files of exactly 20 MiB and 20 MiB + 1 byte (plain ASCII: only the size can be wrong)."""
    folder = tmp_path_factory.mktemp("cap")
    at, over = folder / "at.txt", folder / "over.txt"
    at.write_bytes(b"a" * (20 * MIB))
    over.write_bytes(b"a" * (20 * MIB + 1))
    return at, over


def test_text_file_cap_is_20_mib(files_at_the_cap):
    at, over = files_at_the_cap
    assert len(read_text_file(at)) == 20 * MIB
    with pytest.raises(ValueError, match=r"over.txt is 20,971,521 bytes; the limit is 20,971,520 bytes \(20 MiB\)"):
        read_text_file(over)


def test_cli_refuses_a_text_file_over_20_mib(files_at_the_cap, tmp_path, capsys):
    """`python -m minilm tokenize` reads files as the tab does: one byte over is an error line, status 2."""
    from minilm.cli import main

    out = tmp_path / "token_ids.txt"
    assert main(["tokenize", str(files_at_the_cap[1]), "-o", str(out)]) == 2
    assert "error: over.txt is 20,971,521 bytes; the limit is 20,971,520 bytes" in capsys.readouterr().err
    assert not out.exists()


def _problem(call, *args, **kwargs):
    """The Problem `call` raises, for its key and values (what the page words in either language)."""
    with pytest.raises(Problem) as err:
        call(*args, **kwargs)
    return err.value


@pytest.mark.parametrize(
    "call, args, kwargs, key, values",
    [
        (clean_text, (12,), {}, "text_not_str", {"kind": "int"}),
        (decode_upload, (b"ab\xe7d",), {"name": "x.txt"}, "file_not_utf8", {"name": "x.txt", "byte": "E7", "pos": 2}),
        (decode_upload, (b"\x89PNG\r\n\x1a\n\x00\x00",), {"name": "x.png"}, "file_binary", {"name": "x.png"}),
        (decode_upload, (b"\x00\x01",), {}, "file_binary", {"name": "the file"}),
    ],
    ids=["not-str-names-its-type", "latin-1-names-byte-and-position", "binary-names-the-file", "binary-default-name"],
)
def test_refusals_carry_what_the_learner_needs(call, args, kwargs, key, values):
    """A refusal says which file, which byte where, which type: the page words these values, so each must arrive."""
    err = _problem(call, *args, **kwargs)
    assert (err.key, err.values) == (key, values)


@pytest.mark.parametrize(
    "content, key",
    [(b"\x89PNG\r\n\x1a\n\x00\x00", "file_binary"), ("çay".encode("cp1254"), "file_not_utf8")],
    ids=["binary", "latin-1"],
)
def test_read_text_file_names_the_file_it_refuses(tmp_path, content, key):
    """The name in the message is the file's own name (no folder), for every refusal, not only for size."""
    path = tmp_path / "notes şişe.txt"
    path.write_bytes(content)
    err = _problem(read_text_file, path)
    assert (err.key, err.values["name"]) == (key, "notes şişe.txt")


def test_nul_bytes_are_sniffed_in_the_first_8_kib_only():
    """A NUL in the first 8,192 bytes means binary (as git and grep guess); after that it is text, NUL kept."""
    assert _problem(decode_upload, b"a" * 8191 + b"\x00", name="x").key == "file_binary"
    assert decode_upload(b"a" * 8192 + b"\x00") == "a" * 8192 + "\x00"


@pytest.mark.parametrize(
    "data, text",
    [
        (codecs.BOM_UTF8 + b"a\xffb", "a\ufffdb"),  # 0xFF never occurs in UTF-8
        ("ab".encode("utf-16") + b"c", "ab\ufffd"),  # odd length: half a UTF-16 code unit left over
    ],
    ids=["utf8-bom-bad-byte", "utf16-odd-length"],
)
def test_after_a_bom_broken_bytes_become_replacement_characters(data, text):
    """A BOM settles the encoding, so a damaged byte is shown as U+FFFD rather than refusing the whole file."""
    assert decode_upload(data) == text


@pytest.mark.parametrize(
    "text, markdown",
    [
        ("X & Y", "X &amp; Y"),  # a capital X, an ampersand: plain letters stay, & becomes an entity
        ("<i>x</i>", "&lt;i&gt;x&lt;/i&gt;"),
        ("$$x$$ `c` 1.5", "\\$\\$x\\$\\$ \\`c\\` 1\\.5"),
    ],
    ids=["ampersand", "tag", "katex-code-dot"],
)
def test_markdown_literal_known_answers(text, markdown):
    assert markdown_literal(text) == markdown


def test_plotly_literal_escapes_tags_and_entities_but_not_quotes():
    """Plotly reads tags and entities, not quotes: BPE tokens like 's stay as typed in the figure's data."""
    assert plotly_literal("it's \"<b>\" &amp;") == "it's \"&lt;b&gt;\" &amp;amp;"
