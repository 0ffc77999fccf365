"""What people type and upload: repaired where possible, refused with a reason otherwise."""

import codecs

import pytest

from minilm.text import MAX_CHARS, clean_text, decode_upload, read_text_file


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
