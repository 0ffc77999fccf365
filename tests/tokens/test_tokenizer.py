"""The local tokenizers: known answers, round trips, token kinds and whole-file encoding."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minilm import Tokenizer
from minilm.assets import ASSETS, corpus_text
from minilm import get_tokenizer
from minilm.tokens.tokenizer import _chunks

# Text a byte-fallback BPE must give back exactly: anything but lone surrogates, the "▁" marker
# itself (it decodes to a space, as in Gemma) and text that spells a special token.
round_trip_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\u2581"), min_size=1, max_size=200
).filter(lambda t: "<" not in t)


@pytest.fixture(scope="module")
def bpe():
    return get_tokenizer("bpe")


@pytest.fixture(scope="module")
def word():
    return get_tokenizer("word")


def test_seed_interface(bpe):
    """The seed calls Tokenizer("tokenizer.json") then encode, tokenize and decode."""
    tok = Tokenizer(str(ASSETS / "tokenizer.json"))
    ids = tok.encode("the capital of france is paris")
    assert ids[0] == 2  # <bos>, as Gemma's encode does
    assert tok.tokenize("the capital of france is paris") == ["the", "▁capital", "▁of", "▁f", "rance", "▁is", "▁paris"]
    assert tok.decode(ids) == "the capital of france is paris"
    assert len(tok) == 1024


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("the", ["special", "text"]),
        ("<bos>", ["special", "special"]),  # typed special text becomes the special token
        ("🦊", ["special", "byte", "byte", "byte", "byte"]),  # 4 UTF-8 bytes, none in the vocab
    ],
    ids=["word", "typed-bos", "emoji-bytes"],
)
def test_kinds(bpe, text, kinds):
    assert list(bpe.analyze(text).kinds) == kinds


def test_byte_fallback_bytes_and_ids(bpe):
    """Byte tokens sit at ids 4..259 so <0xNN> is id 4 + NN in every vocab size."""
    tok = bpe.analyze("🦊", add_special_tokens=False)
    assert [tok.token_bytes(i) for i in range(len(tok.ids))] == [bytes([b]) for b in "🦊".encode()]
    assert list(tok.ids) == [4 + b for b in "🦊".encode()]
    assert tok.round_trip


def test_split_special_reads_bos_as_text(bpe):
    tok = bpe.analyze("<bos>", add_special_tokens=False, split_special=True)
    assert 2 not in tok.ids and tok.decoded == "<bos>"
    # and the shared backend is left as it was
    assert bpe.encode("<bos>", add_special_tokens=False) == [2]


def test_word_level_unknown_and_lossy_decode(word):
    """The seed's simplest tokenizer: unknown words become <unk>, decode cannot give them back."""
    tok = word.analyze("the capital of zanzibarland")
    assert tok.tokens[-1] == "<unk>" and tok.kinds[-1] == "unknown"
    assert not tok.round_trip
    assert tok.decoded == "the capital of"


def test_counts(bpe):
    tok = bpe.analyze("çay 🦊")
    assert (tok.n_chars, tok.n_bytes) == (5, 9)  # ç is 2 bytes, 🦊 is 4
    assert tok.chars_per_token == pytest.approx(5 / (len(tok.ids) - 1))  # <bos> is not text


def test_boundaries_are_token_ends(bpe):
    tok = bpe.analyze("the capital of", add_special_tokens=True)
    assert tok.boundaries == {3, 11}


@settings(max_examples=200, deadline=None)
@given(text=round_trip_text)
def test_bpe_round_trip(bpe, text):
    assert bpe.decode(bpe.encode(text)) == text


@settings(max_examples=100, deadline=None)
@given(text=round_trip_text)
def test_offsets_cover_text(bpe, text):
    """Offsets of the text tokens tile the text: what the chips and the boundary map rely on."""
    tok = bpe.analyze(text, add_special_tokens=False)
    spans = sorted({o for o, k in zip(tok.offsets, tok.kinds)})
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.text(alphabet="ab \n\t▁çğ.🦊", max_size=40), min_size=1, max_size=60), size=st.integers(1, 50))
def test_chunks_cut_only_after_newlines(lines, size):
    text = "\n".join(lines)
    pieces = _chunks(text, size)
    assert "".join(pieces) == text
    assert all(p.endswith("\n") and not nxt[0].isspace() for p, nxt in zip(pieces, pieces[1:]))


@pytest.mark.parametrize("kind", ["bpe", "word"])
def test_encode_long_equals_encode(kind):
    """encode_long cuts the text and encodes pieces in parallel; the ids must not change."""
    tok = get_tokenizer(kind)
    text = corpus_text() * 3
    assert tok.can_cut_after_newline
    assert tok.encode_long(text) == tok.encode(text)


@settings(max_examples=30, deadline=None)
@given(text=st.text(alphabet="ab c\n\n\t▁.çğ🦊", min_size=1, max_size=400))
def test_encode_long_on_awkward_newlines(text):
    """Tiny chunks, so that hypothesis' short texts are really cut, at every awkward newline."""
    tok = get_tokenizer("bpe")
    assert tok.encode_long(text, chunk_chars=8) == tok.encode(text)


def test_byte_level_tokenizer_is_never_cut():
    """GPT-2 style byte-level BPE writes newlines as 'Ċ': the vocabulary check cannot vouch for cuts."""
    from tokenizers import Tokenizer as Backend
    from tokenizers import models, pre_tokenizers

    backend = Backend(models.BPE(vocab={"a": 0, "Ċ": 1}, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel()
    assert not Tokenizer(backend=backend).can_cut_after_newline


def test_constructor_needs_one_source():
    with pytest.raises(ValueError, match="either"):
        Tokenizer()


def _word_level(vocab, *, specials=(), template=None):
    """A tiny in-memory WordLevel tokenizer: whitespace words, `specials` added on top of `vocab`."""
    from tokenizers import Tokenizer as Backend
    from tokenizers import models, pre_tokenizers, processors

    backend = Backend(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    backend.add_special_tokens(list(specials))
    if template:
        backend.post_processor = processors.TemplateProcessing(
            single=template, special_tokens=[(s, backend.token_to_id(s)) for s in specials]
        )
    return backend


def test_token_bytes_per_kind(bpe):
    """A special token stands for no text, even a typed "<bos>" that spans 5 characters; words give their bytes."""
    tok = bpe.analyze("<bos>the")
    assert list(tok.kinds) == ["special", "special", "text"]
    assert [tok.token_bytes(i) for i in range(3)] == [b"", b"", b"the"]


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: Tokenizer(str(ASSETS / "tokenizer.json")), str(ASSETS / "tokenizer.json")),
        (lambda: Tokenizer(backend=_word_level({"<unk>": 0})), "tokenizer"),
        (lambda: Tokenizer(backend=_word_level({"<unk>": 0}), name="mine"), "mine"),
        (lambda: Tokenizer.from_str(_word_level({"<unk>": 0}).to_str()), "uploaded tokenizer"),
        (lambda: Tokenizer.from_str(_word_level({"<unk>": 0}).to_str(), name="mine"), "mine"),
    ],
    ids=["path", "backend", "backend-named", "from-str", "from-str-named"],
)
def test_names(make, name):
    """The name the CLI prints: the one given, else the file path, else a generic word."""
    tok = make()
    assert tok.name == name
    assert repr(tok) == f"Tokenizer({name!r}, vocab_size={len(tok)})"


def test_len_counts_added_tokens():
    """Two model words plus one added special token: the ids a model must embed go up to 2."""
    tok = Tokenizer(backend=_word_level({"<unk>": 0, "a": 1}, specials=["<eos>"]))
    assert len(tok) == 3
    assert repr(tok) == "Tokenizer('tokenizer', vocab_size=3)"


def test_specials_by_default(bpe):
    """By default a typed "<bos>" is the special token, and decode can be asked to keep specials."""
    assert bpe.tokenize("<bos>") == ["<bos>"]
    assert bpe.decode(bpe.encode("the")) == "the"
    assert bpe.decode(bpe.encode("the"), skip_special_tokens=False) == "<bos>the"


@pytest.mark.parametrize("text", ["the cat", "the cat\nsat\n" * 4], ids=["short", "cut"])
def test_encode_long_without_specials(bpe, text):
    """add_special_tokens=False is honoured whether or not the text is long enough to be cut."""
    ids = bpe.encode_long(text, add_special_tokens=False, chunk_chars=8)
    assert 2 not in ids
    assert ids == bpe.encode(text, add_special_tokens=False)


def test_encode_long_keeps_specials_before_and_after():
    """A post-processor that puts <s> before and </s> after the text: the cut text gets them in the same places."""
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2, "a": 3, "b": 4}
    tok = Tokenizer(backend=_word_level(vocab, specials=["<s>", "</s>"], template="<s> $A </s>"))
    text = "a b\n" * 10
    assert tok.can_cut_after_newline
    assert tok.encode_long(text, chunk_chars=4) == [1] + [3, 4] * 10 + [2]
    # a first piece with no token at all (WhitespaceSplit drops it) must not lose where </s> goes
    assert tok.encode_long(" " * 10 + "\n" + text, chunk_chars=4) == [1] + [3, 4] * 10 + [2]
    assert tok.encode_long("   \n" * 5 + "   ", chunk_chars=4) == [1, 2] == tok.encode("   \n" * 5 + "   ")


def test_encode_long_does_not_cut_when_a_merge_crosses_newlines():
    """A BPE that merges "\\n" with "a": cutting after the newline would lose that merge, so encode_long does not."""
    from tokenizers import Tokenizer as Backend
    from tokenizers import models

    backend = Backend(models.BPE(vocab={"\n": 0, "a": 1, "\na": 2}, merges=[("\n", "a")]))
    tok = Tokenizer(backend=backend)
    assert not tok.can_cut_after_newline
    assert tok.encode_long("a\na\na\n", chunk_chars=2) == [1, 2, 2, 0]


@pytest.mark.parametrize(
    "n_lines, chunk_chars, reports",
    [
        (2, 4, []),  # 4 characters: not longer than chunk_chars, one encode call, nothing to report
        (2, 3, [(4, 4)]),  # one character more: cut, and the end is reported
        (2049, 1, [(2048, 4098), (4096, 4098), (4098, 4098)]),  # every 1024 pieces (~4 MB at the default size)
    ],
    ids=["exactly-chunk-chars", "one-more", "every-1024-pieces"],
)
def test_encode_long_progress(bpe, n_lines, chunk_chars, reports):
    """progress(done_chars, total_chars) counts the characters encoded so far, in 1024-piece groups."""
    calls = []
    text = "a\n" * n_lines
    assert bpe.encode_long(text, chunk_chars=chunk_chars, progress=lambda *a: calls.append(a)) == bpe.encode(text)
    assert calls == reports


@pytest.mark.timeout(5)  # a wrong search start finds the same newline forever: fail, do not hang
@pytest.mark.parametrize(
    "text, size, pieces",
    [
        ("ab\ncd\nef\n", 2, ["ab\n", "cd\n", "ef\n"]),  # the trailing newline has nothing after it: no cut
        ("abc\nd", 5, ["abc\nd"]),  # exactly size characters: one piece
        ("abc\nd", 3, ["abc\n", "d"]),  # the newline right at size
        ("ab\ncd\nef", 4, ["ab\ncd\n", "ef"]),  # a newline before size is passed over for the next one
        ("ab\n cd\nef", 1, ["ab\n cd\n", "ef"]),  # never before a space: it belongs to the next word
        ("abcdef", 2, ["abcdef"]),  # no newline, no cut
    ],
    ids=["three-lines", "exactly-size", "newline-at-size", "next-newline", "space-after-newline", "no-newline"],
)
def test_chunks_known_answers(text, size, pieces):
    assert _chunks(text, size) == pieces


def test_split_special_is_undone_after_each_call():
    """`split_special=True` is a per-call switch on the shared backend: a later call that reads the backend
    directly (encode_long's batches) must see a typed "<bos>" as the special token again. The reference
    is the tokenizers library's own encode of the same text."""
    from tokenizers import Tokenizer as Backend

    tok = Tokenizer(str(ASSETS / "tokenizer.json"))
    text = "the capital <bos> of\n" * 40
    assert tok.encode("a <bos>", split_special=True) != tok.encode("a <bos>")  # the switch does something
    expected = Backend.from_file(str(ASSETS / "tokenizer.json")).encode(text).ids
    assert tok.encode_long(text, chunk_chars=64) == expected
