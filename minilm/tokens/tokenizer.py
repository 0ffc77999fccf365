"""The seed's `Tokenizer("tokenizer.json")`, backed by Hugging Face `tokenizers`.

`encode`, `tokenize` and `decode` are the seed's interface; `analyze` returns a `Tokenization` with
everything the Tokens tab shows (ids, tokens, character offsets, what kind each token is, the round
trip). `encode_long` tokenizes whole files on both cores with the same ids as one `encode` call.
Not here: building vocabularies (`minilm.tokens.vocab`), untrusted files (`minilm.tokens.sandbox`), Gemma (`minilm.tokens.gemma`).
"""

from __future__ import annotations

import re
import threading
from itertools import chain
from dataclasses import dataclass
from functools import cached_property, lru_cache

from minilm.lang import Problem

_BYTE_TOKEN = re.compile(r"<0x([0-9A-Fa-f]{2})>")
SPACE = "\u2581"  # "▁", the sentencepiece space marker Gemma uses too
# minilm's BPE pre-tokenizer: letters, single digits and punctuation runs each take at most one
# leading "▁"; whitespace runs leave their last space to the word after them, as GPT-2's `\s+(?!\S)` does.
PRE_TOKEN_PATTERN = (
    rf"{SPACE}?\p{{L}}+\p{{M}}*|{SPACE}?\p{{N}}|{SPACE}?[^\s\p{{L}}\p{{N}}{SPACE}]+"
    rf"|[\s{SPACE}]+(?![^\s{SPACE}])|[\s{SPACE}]+"
)
_CHUNK_CHARS = 4096  # regex pre-tokenizers cost more per character on longer inputs (bench/tokenize_file.py)


@lru_cache(maxsize=1)
def _newline_safe_pre_tokenizers() -> frozenset[bytes]:
    """Serialised pre-tokenizers known to cut right after "\\n" + non-space, or never to cut."""
    from tokenizers import Regex, pre_tokenizers

    known = (
        pre_tokenizers.Split(" ", behavior="merged_with_previous"),  # Gemma 3: no spaces left to split
        pre_tokenizers.Split(Regex(PRE_TOKEN_PATTERN), behavior="isolated"),  # minilm's BPE
    )
    return frozenset(p.__getstate__() for p in known)


@dataclass(frozen=True)
class Tokenization:
    """One text cut by one tokenizer; `offsets` are character spans of `text`."""

    text: str
    ids: tuple[int, ...]
    tokens: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]
    kinds: tuple[str, ...]  # "text", "special", "unknown" or "byte" per token
    decoded: str  # decode(ids) without special tokens

    @property
    def n_chars(self) -> int:
        return len(self.text)

    @property
    def n_bytes(self) -> int:
        return len(self.text.encode("utf-8"))

    @property
    def chars_per_token(self) -> float:
        n_text = sum(kind != "special" for kind in self.kinds)
        return self.n_chars / n_text if n_text else 0.0

    @property
    def round_trip(self) -> bool:
        return self.decoded == self.text

    def token_bytes(self, i: int) -> bytes:
        """The UTF-8 bytes token `i` stands for: one byte for `<0xNN>`, its span of text otherwise."""
        if self.kinds[i] == "byte":
            return bytes([int(_BYTE_TOKEN.fullmatch(self.tokens[i]).group(1), 16)])
        if self.kinds[i] == "special":
            return b""
        start, end = self.offsets[i]
        return self.text[start:end].encode("utf-8")

    @property
    def boundaries(self) -> frozenset[int]:
        """Character positions where one token ends and the next begins (specials ignored)."""
        ends = {end for (start, end), kind in zip(self.offsets, self.kinds) if kind != "special"}
        return frozenset(ends - {0, len(self.text)})


class Tokenizer:
    """A tokenizer loaded from a Hugging Face `tokenizer.json`.

    >>> tok = Tokenizer("assets/tokenizer.json")
    >>> tok.decode(tok.encode("the capital of france is paris"))
    'the capital of france is paris'
    """

    def __init__(self, path: str | None = None, *, backend=None, name: str | None = None):
        if (path is None) == (backend is None):
            raise Problem("tokenizer_one_source")
        if backend is None:
            from tokenizers import Tokenizer as Backend

            backend = Backend.from_file(str(path))
        self.backend = backend
        self.name = name or (str(path) if path else "tokenizer")
        # `encode_special_tokens` is a flag on the shared backend: flip it only under this lock.
        self._lock = threading.Lock()

    @classmethod
    def from_str(cls, json_text: str, *, name: str = "uploaded tokenizer") -> "Tokenizer":
        from tokenizers import Tokenizer as Backend

        return cls(backend=Backend.from_str(json_text), name=name)

    def __len__(self) -> int:
        return self.backend.get_vocab_size(with_added_tokens=True)

    def __repr__(self) -> str:
        return f"Tokenizer({self.name!r}, vocab_size={len(self)})"

    def encode(self, text: str, *, add_special_tokens: bool = True, split_special: bool = False) -> list[int]:
        """Token ids of `text`; `split_special=True` reads a typed "<bos>" as plain characters."""
        return self._encode(text, add_special_tokens, split_special).ids

    def tokenize(self, text: str, *, add_special_tokens: bool = False, split_special: bool = False) -> list[str]:
        return self._encode(text, add_special_tokens, split_special).tokens

    def decode(self, ids, *, skip_special_tokens: bool = True) -> str:
        return self.backend.decode(list(ids), skip_special_tokens=skip_special_tokens)

    def id_to_token(self, id_: int) -> str | None:
        return self.backend.id_to_token(id_)

    def analyze(self, text: str, *, add_special_tokens: bool = True, split_special: bool = False) -> Tokenization:
        """Everything about how this tokenizer cuts `text`."""
        enc = self._encode(text, add_special_tokens, split_special)
        return Tokenization(
            text=text,
            ids=tuple(enc.ids),
            tokens=tuple(enc.tokens),
            offsets=tuple(enc.offsets),
            kinds=tuple(self._kind(i, t) for i, t in zip(enc.ids, enc.tokens)),
            decoded=self.backend.decode(enc.ids, skip_special_tokens=True),
        )

    def encode_long(self, text: str, *, add_special_tokens: bool = True, chunk_chars: int = _CHUNK_CHARS,
                    progress=None) -> list[int]:
        """`encode(text)` for long texts, on every core: cut after newlines, where no token can span.

        Equal to `encode(text)` when `can_cut_after_newline` holds (checked on the vocabulary).
        `progress(done_chars, total_chars)` is called after every ~4 MB when given.
        """
        if not self.can_cut_after_newline or len(text) <= chunk_chars:
            return self.encode(text, add_special_tokens=add_special_tokens)
        pieces, ids, done, sample = _chunks(text, chunk_chars), [], 0, None
        group = 1024 if progress else len(pieces)  # chunks per encode_batch call
        for start in range(0, len(pieces), group):
            batch = pieces[start : start + group]
            encodings = self.backend.encode_batch(batch, add_special_tokens=False)
            ids.extend(chain.from_iterable(enc.ids for enc in encodings))
            sample = sample or next((enc for enc in encodings if enc.ids), None)
            done += sum(map(len, batch))
            if progress:
                progress(done, len(text))
        return self._specials_around(ids, sample) if add_special_tokens else ids

    @cached_property
    def can_cut_after_newline(self) -> bool:
        """True when splitting text after a newline run (before a non-space) cannot change the ids.

        That needs a pre-tokenizer known to split there or not at all, and no vocabulary entry that
        joins a newline to the character after it, so no BPE merge can cross the cut.
        """
        model = type(self.backend.model).__name__
        pre = self.backend.pre_tokenizer
        known_pre = (
            pre is None
            or type(pre).__name__ in ("WhitespaceSplit", "Whitespace")
            or pre.__getstate__() in _newline_safe_pre_tokenizers()
        )
        if model not in ("BPE", "WordLevel") or not known_pre:
            return False
        return not any("\n" in token and re.search(r"\n[^\n]", token) for token in self.backend.get_vocab())

    @cached_property
    def special_ids(self) -> frozenset[int]:
        return frozenset(i for i, t in self.backend.get_added_tokens_decoder().items() if t.special)

    @cached_property
    def unk_id(self) -> int | None:
        return self.backend.token_to_id("<unk>")

    def _kind(self, id_: int, token: str) -> str:
        if id_ == self.unk_id:
            return "unknown"
        if id_ in self.special_ids:
            return "special"
        return "byte" if _BYTE_TOKEN.fullmatch(token) else "text"

    def _encode(self, text: str, add_special_tokens: bool, split_special: bool):
        with self._lock:
            self.backend.encode_special_tokens = split_special
            try:
                return self.backend.encode(text, add_special_tokens=add_special_tokens)
            finally:
                self.backend.encode_special_tokens = False

    def _specials_around(self, ids: list[int], sample) -> list[int]:
        """Apply the post-processor (`<bos>` before, maybe `</s>` after) to ids encoded without it.

        `sample`, one non-empty encoding of the same text (None if no piece had a token), shows by its
        special-tokens mask which of the post-processor's tokens go before the text and which after.
        """
        if sample is None:  # no piece had a token, so `ids` is empty: the bare template is the answer
            return self.backend.post_process(self.backend.encode("", add_special_tokens=False)).ids
        done = self.backend.post_process(sample)
        mask = done.special_tokens_mask
        before, after = mask.index(0), len(mask) - mask[::-1].index(0)
        return [*done.ids[:before], *ids, *done.ids[after:]]


def _chunks(text: str, size: int) -> list[str]:
    """Split `text` into pieces of about `size` characters, each cut right after a newline run."""
    pieces, start = [], 0
    cut = re.compile(r"\n(?=[^\s\u2581])")
    while len(text) - start > size:
        match = cut.search(text, start + size)
        if match is None:
            break
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    return pieces
