"""HTML for token chips and boundary maps: self-contained, styled, and escaped everywhere.

Every piece of user or tokenizer text goes through `html.escape`; colours and classes come only
from this module. `$` and braces too, for template engines. That keeps `<img onerror=...>` and `${...}` inert and `<bos>` or `<0x0A>` visible. The output
works in `gr.HTML` (whose default template inserts raw HTML) and in a notebook's `display(HTML(...))`.
Every word comes from `minilm.lang` in the `lang` asked for ("en" or "tr"), numbers written its way.
Not here: the layout around it.
"""

from __future__ import annotations

import html
import unicodedata

from minilm.lang import say, say_count
from minilm.tokens.compare import BoundaryDiff
from minilm.tokens.tokenizer import Tokenization

MAX_CHIPS = 3_000  # more spans than this make a browser tab sluggish; counts still cover everything
MAX_MAP_CHARS = 6_000
PALETTE = ("#fde68a", "#bfdbfe", "#bbf7d0", "#fbcfe8", "#ddd6fe", "#fed7aa", "#a5f3fc", "#e5e7eb")
_VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥", "\r": "␍"}
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}
CSS = """<style>
.mlm-chips{display:flex;flex-wrap:wrap;gap:3px;line-height:1.1;font-size:14px}
.mlm-chip{display:inline-flex;flex-direction:column;align-items:center;border-radius:4px;
  padding:2px 4px;border:1px solid transparent;unicode-bidi:isolate;color:#111827}
.mlm-chips .mlm-chip .mlm-t{white-space:pre;font-family:ui-monospace,Menlo,Consolas,monospace;color:#111827!important}
.mlm-chips .mlm-chip .mlm-id{font-size:10px;color:#374151!important;font-family:ui-monospace,monospace}
.mlm-chips .mlm-special{background:#1e293b!important;border-color:#94a3b8}
.mlm-chips .mlm-special .mlm-t{color:#f8fafc!important}.mlm-chips .mlm-special .mlm-id{color:#cbd5e1!important}
.mlm-unknown{background:#fecaca!important;border-color:#dc2626}
.mlm-byte{border:1px dashed #6b7280}
.mlm-stats{font-size:13px;margin:4px 0 8px;color:inherit}
.mlm-map{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:14px;line-height:1.9;
  white-space:pre-wrap;word-break:break-all}
.mlm-cut{display:inline-block;width:3px;height:1.2em;vertical-align:middle;margin:0 1px;border-radius:1px}
.mlm-cut-both{background:#9ca3af}.mlm-cut-a{background:#2563eb}.mlm-cut-b{background:#ea580c}
.mlm-note{font-size:12px;color:#6b7280}
.mlm-head{font-weight:600;font-size:15px}
[data-mlm-pick]{cursor:pointer}
.mlm-chips .minilm-selected{outline:3px solid #f59e0b;outline-offset:1px}
</style>"""


def escape(text: str) -> str:
    """`html.escape` plus `$ { }`, so no template engine (JS `${}`, Handlebars `{{}}`) can see code."""
    return html.escape(text, quote=True).replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;")


def visible(piece: str) -> str:
    """Make whitespace and invisible characters visible: "a b\\n" -> "a␣b↵", ZWJ -> "⟨U+200D⟩"."""
    out = []
    for ch in piece:
        if ch in _VISIBLE:
            out.append(_VISIBLE[ch])
        elif unicodedata.category(ch) in _HIDDEN_CATEGORIES:
            out.append(f"⟨U+{ord(ch):04X}⟩")
        elif unicodedata.combining(ch):
            out.append("◌" + ch)
        else:
            out.append(ch)
    return "".join(out)


def chips_html(tok: Tokenization, *, max_chips: int = MAX_CHIPS, lang: str = "en", pick: str | None = None,
               selected=frozenset()) -> str:
    """One chip per token: the token (made visible) over its id, a hover with id, kind and bytes.

    `pick` names the column for the page's click bridge (`data-mlm-pick="tokens 3"`: a fixed word and
    a position, never text); chips at `selected` positions carry the class `minilm-selected`.
    """
    if pick is not None and not (pick.isascii() and pick.isalpha()):
        raise ValueError(f"pick is a fixed word, not {pick!r}")
    chips = []
    kinds = {kind: say(f"kind_{kind}", lang) for kind in ("text", "special", "unknown", "byte")}
    n_bytes = {}  # "1 byte", "2 bytes": worded once per length, not once per chip
    none = say("no_bytes", lang)
    for i, (id_, token, kind) in enumerate(zip(tok.ids[:max_chips], tok.tokens, tok.kinds)):
        raw = tok.token_bytes(i)
        if len(raw) not in n_bytes:
            n_bytes[len(raw)] = say_count("raw_bytes", lang, len(raw), n=len(raw))
        hover = f"id {id_} · {kinds[kind]} · {n_bytes[len(raw)]}: {raw.hex(' ') or none}"
        colour = "" if kind in ("special", "unknown") else f' style="background:{PALETTE[i % len(PALETTE)]}"'
        mark = "minilm-selected " if i in selected else ""
        target = f'data-mlm-pick="{pick} {i}" ' if pick else ""  # before the class: `mark_chips` finds it there
        chips.append(
            f'<span {target}class="{mark}mlm-chip mlm-{kind}"{colour} title="{escape(hover)}">'
            f'<span class="mlm-t">{escape(visible(token) or "∅")}</span>'
            f'<span class="mlm-id">{id_}</span></span>'
        )
    cut = len(tok.ids) - max_chips
    more = (f'<div class="mlm-note">{escape(say("chips_capped", lang, shown=max_chips, n=len(tok.ids)))}</div>'
            if cut > 0 else "")
    return f'<div class="mlm-chips">{"".join(chips)}</div>{more}'


def mark_chips(html: str, pick: str, positions) -> str:
    """Chips drawn by `chips_html(..., pick=pick)` with those at `positions` marked `minilm-selected`, by
    editing the drawn HTML: a selection moves in microseconds on thousands of chips.

    >>> from minilm.tokens.tokenizer import Tokenization
    >>> html = chips_html(Tokenization("ab", (1, 2), ("a", "b"), ((0, 1), (1, 2)), ("text", "text"), "ab"), pick="tokens")
    >>> mark_chips(html, "tokens", [1]) == chips_html(Tokenization("ab", (1, 2), ("a", "b"), ((0, 1), (1, 2)),
    ...     ("text", "text"), "ab"), pick="tokens", selected={1})
    True
    """
    for i in positions:
        at = f'data-mlm-pick="{pick} {int(i)}" class="'
        html = html.replace(at, at + "minilm-selected ", 1)
    return html


def stats_html(tok: Tokenization, *, lang: str = "en") -> str:
    """Counts and the round trip in one line: "8 tokens · 30 characters · … · 1 special", then ✓ or ✗."""
    trip = say("round_trip_ok", lang) if tok.round_trip else say("round_trip_lost", lang, decoded=repr(tok.decoded[:200]))
    flags = [say(f"count_{key}", lang, n=tok.kinds.count(kind)) for kind, key in
             (("unknown", "unknown"), ("byte", "byte_fallback"), ("special", "special")) if kind in tok.kinds]
    counts = [say_count(key, lang, n, n=n) for key, n in (("count_characters", tok.n_chars), ("count_bytes", tok.n_bytes))]
    line = " · ".join([*counts, say("chars_per_token", lang, x=tok.chars_per_token), *([", ".join(flags)] if flags else [])])
    n = len(tok.ids)
    return (f'<div class="mlm-stats"><b>{escape(say_count("count_tokens", lang, n, n=n))}</b> · {escape(line)}'
            f"<br>{escape(trip)}</div>")


def tokenization_html(tok: Tokenization, *, title: str = "", lang: str = "en", pick: str | None = None,
                      selected=frozenset()) -> str:
    head = f'<div class="mlm-head">{escape(title)}</div>' if title else ""
    return CSS + head + stats_html(tok, lang=lang) + chips_html(tok, lang=lang, pick=pick, selected=selected)


def boundaries_html(diff: BoundaryDiff, *, a_name: str, b_name: str, max_chars: int = MAX_MAP_CHARS,
                    lang: str = "en") -> str:
    """The text once, with a bar at every cut: grey where both cut, blue for A only, orange for B only."""
    parts, shown = [], 0
    for piece, cut in diff.segments():
        if shown >= max_chars:
            break
        piece = piece[: max_chars - shown]
        shown += len(piece)
        parts.append(escape(visible(piece)))
        if cut:
            parts.append(f'<span class="mlm-cut mlm-cut-{cut}"></span>')
    note = " " + say("map_capped", lang, n=max_chars) if len(diff.text) > max_chars else ""
    legend = (
        f'<div class="mlm-stats"><span class="mlm-cut mlm-cut-both"></span> {escape(say("cuts_both", lang, n=len(diff.shared)))} '
        f'<span class="mlm-cut mlm-cut-a"></span> {escape(say("cuts_only", lang, name=a_name, n=len(diff.only_a)))} '
        f'<span class="mlm-cut mlm-cut-b"></span> {escape(say("cuts_only", lang, name=b_name, n=len(diff.only_b)))} · '
        f"{escape(say('cuts_shared', lang, share=diff.agreement) + note)}</div>"
    )
    return CSS + legend + f'<div class="mlm-map">{"".join(parts)}</div>'


def message_html(message: str, *, tone: str = "note") -> str:
    """A plain message where chips would be (escaped like everything else)."""
    colour = {"note": "#6b7280", "error": "#b91c1c", "progress": "#1d4ed8"}[tone]
    return f'<div style="color:{colour};padding:6px 0">{escape(message)}</div>'
