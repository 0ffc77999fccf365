"""The Tokens tab's handlers, called as gradio calls them: messages instead of crashes."""

import html
import re
import shutil

import pytest
from markdown_it import MarkdownIt

import minilm.ui.tokens as tab
from minilm.assets import ASSETS
from minilm import get_tokenizer
from minilm.tokens.files import read_token_ids

SEED = "the capital of france is paris"


def rendered(markdown: str) -> str:
    """The HTML a Markdown status becomes (CommonMark, as the page's Markdown renderer reads it)."""
    return MarkdownIt("commonmark").render(markdown)


def seen(markdown: str) -> str:
    """The text a visitor reads in a Markdown status: escapes resolved, tags gone."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered(markdown))).strip()


def chip_ids(chips: str) -> list[int]:
    return [int(i) for i in re.findall(r'<span class="mlm-id">(\d+)</span>', chips)]


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
    assert "lone surrogate" in seen(status) and "mlm-chip" in local


def test_choosing_upload_before_uploading(loading_gemma):
    _, _, _, _, status, _ = view("paris", "upload")
    assert "upload a tokenizer.json" in seen(status)


def test_upload_then_use(loading_gemma, tmp_path):
    own, choice, message = tab.upload_tokenizer(str(ASSETS / "tokenizer_word.json"), {})
    assert choice["value"] == "upload" and "Loaded tokenizer_word.json" in seen(message)
    local = view("the capital of atlantis", "upload", own)[0]
    assert "&lt;unk&gt;" in local
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    own2, _, message = tab.upload_tokenizer(str(bad), own)
    assert "not valid JSON" in seen(message) and own2 is own  # the earlier upload is kept


def test_train_on_corpus_then_use(loading_gemma):
    own, choice, message = tab.build_own_bpe("corpus", None, 500, {})
    assert choice["value"] == "trained" and "500 tokens" in seen(message)
    assert "500 tokens in its vocabulary" in view("paris", "trained", own)[0]


@pytest.mark.parametrize(
    "source, path, vocab, message",
    [("file", None, 500, "Upload a .txt"), ("corpus", None, 10, "vocab_size"), ("corpus", None, 1000.5, "whole number")],
    ids=["no-file", "tiny-vocab", "fractional-vocab"],
)
def test_train_refusals(loading_gemma, source, path, vocab, message):
    own, _, status = tab.build_own_bpe(source, path, vocab, {})
    assert message in seen(status) and own == {}


def test_token_ids_file_for_the_corpus(loading_gemma):
    path, message = tab.token_ids_file(None, "bpe", True, {})
    assert read_token_ids(path) == get_tokenizer("bpe").encode_long((ASSETS / "text.txt").read_text())
    assert "token ids from text.txt" in seen(message)
    path, message = tab.token_ids_file(None, "gemma", True, {})
    assert path is None and seen(message).startswith("⚠️ Gemma 3 is still loading (converting the GGUF tokenizer")


def test_token_ids_file_refuses_latin1(loading_gemma, tmp_path):
    src = tmp_path / "latin.txt"
    src.write_bytes("çay ve şeker".encode("cp1254"))
    path, message = tab.token_ids_file(str(src), "bpe", True, {})
    assert path is None and "not UTF-8" in seen(message)


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
    assert "Loaded evil.json" in seen(message)
    local = view("paris " + evil.replace(" ", "_") + " ${alert(1)}", "upload", own)[0]
    body = re.sub(r"<style>.*?</style>", "", local, flags=re.S)
    assert "<img" not in body and "${" not in body
    assert "&lt;img" in body and json.loads(backend.to_str())["model"]["vocab"]  # the token is there, escaped


def test_token_ids_takes_names_not_server_paths(loading_gemma):
    """get_tokenizer reads a tokenizer.json path for notebooks and the CLI; a page or API caller naming a
    file on the server must get the unknown-tokenizer message instead."""
    path, message = tab.token_ids_file(None, str(ASSETS / "tokenizer_word.json"), True, {})
    assert path is None and "unknown tokenizer" in seen(message)


# --- Turkish, file names, and the code the tab shows (issue 11) ---------------------------------

@pytest.fixture
def turkish(monkeypatch):
    """A visitor whose page is in Turkish (however the page tells the handlers)."""
    monkeypatch.setattr(tab, "language", lambda request=None: "tr")


@pytest.fixture
def ready_gemma(monkeypatch):
    """A loaded "bundled Gemma" that is the local BPE in disguise: Gemma's column without its 20 s."""
    from minilm.background import BackgroundLoader
    import minilm.tokens.registry as registry
    from minilm.tokens.gemma import Gemma, GemmaTokenizer

    fake = Gemma(GemmaTokenizer(str(ASSETS / "tokenizer.json")), name="Gemma 3 270M (bundled GGUF)", source="bundled",
                 path=ASSETS / "tokenizer.json")
    loader = BackgroundLoader(lambda progress: fake, what="Gemma 3")
    loader.wait(10)
    monkeypatch.setattr(registry, "GEMMA", loader)
    return fake


def test_turkish_visitor_reads_cards_notes_and_progress_in_turkish(loading_gemma, turkish):
    local, gemma, _, _, status, _ = view("a\ud800b")
    card = html.unescape(re.sub(r"<[^>]+>", "", local.split("</style>")[-1]))
    # a, U+FFFD as its 3 byte tokens, b, after <bos>: 6 tokens, 3 characters, 5 bytes, 3 / 5 = 0,60 per token
    assert "6 token · 3 karakter · 5 UTF-8 bayt · token başına 0,60 karakter · 3 byte-fallback token, 1 özel" in card
    assert "characters" not in local
    assert "Gemma 3 hâlâ yükleniyor" in gemma
    assert seen(status) == "Not: 1 tekil vekil karakter (geçerli Unicode değil) U+FFFD ile değiştirildi"


def test_turkish_errors_from_the_core(loading_gemma, turkish):
    assert seen(view("")[4]) == "⚠️ Metin boş: token’lara ayırmak için bir şey yazın."
    assert "Metinde 20.001 karakter var; buradaki sınır 20.000" in seen(view("x" * 20_001)[4])


def test_gemma_title_and_legend_in_turkish(ready_gemma, turkish):
    _, gemma, boundaries, _, _, _ = view(SEED)
    assert "Gemma 3 270M (uygulamayla gelen GGUF) · sözlüğünde 1.024 token" in html.unescape(gemma)
    assert "bundled" not in gemma
    assert "yalnızca yerel (0)" in boundaries and "yalnızca Gemma (0)" in boundaries
    assert "ortak kesimler: %100" in boundaries


def test_gemma_title_in_english(ready_gemma):
    assert "Gemma 3 270M (bundled GGUF) · 1,024 tokens in its vocabulary" in view(SEED)[1]


def test_gemma_legend_in_english(ready_gemma):
    """The cut legend under both columns, in English words and numbers; the Turkish test's counterpart. The
    "Gemma" here is the local BPE in disguise, so neither tokenizer cuts anywhere the other does not."""
    boundaries = html.unescape(view(SEED)[2])
    assert "only local (0)" in boundaries and "only Gemma (0)" in boundaries
    assert "100% of cuts shared" in boundaries
    assert "yalnızca" not in boundaries and "ortak" not in boundaries


MARKUP_NAMES = ["**bold**", "[x](y)", "_em_ `code` # h", "<img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("stem", MARKUP_NAMES, ids=["bold", "link", "em-code", "img"])
def test_file_names_in_statuses_stay_text(loading_gemma, tmp_path, stem):
    """A file's name is the visitor's text: each status shows it as typed, never as bold, link or tag."""
    uploaded = tmp_path / f"{stem}.json"
    shutil.copy(ASSETS / "tokenizer_word.json", uploaded)
    text_file = tmp_path / f"{stem}.txt"
    text_file.write_text(SEED + "\n", encoding="utf-8")
    bad = tmp_path / f"{stem}!.json"
    bad.write_text("{")
    own, _, loaded = tab.upload_tokenizer(str(uploaded), {})
    _, refused = tab.upload_tokenizer(str(bad), own)[::2]
    _, made = tab.token_ids_file(str(text_file), "bpe", True, {})
    _, unreadable = tab.token_ids_file(str(bad), "bpe", True, {})
    for status in (loaded, refused, made, unreadable):
        markup = rendered(status)
        assert not re.search(r"<(strong|em|a|code|img|h1)\b", markup), markup
        assert stem in seen(status), status


def _run(code: str, folder, monkeypatch) -> dict:
    """The shown code, pasted into a fresh interpreter namespace whose working folder is `folder`."""
    monkeypatch.chdir(folder)
    namespace = {}
    exec(compile(code, "<shown code>", "exec"), namespace)
    return namespace


@pytest.mark.slow
def test_code_for_a_bpe_trained_on_the_corpus_gives_the_page_ids(gemma, tmp_path, monkeypatch):
    own, _, _ = tab.build_own_bpe("corpus", None, 1500, {})
    local, _, _, code, _, _ = view(SEED, "trained", own)
    assert "my BPE" not in code
    assert _run(code, tmp_path, monkeypatch)["ids"] == chip_ids(local)


def _server_and_visitor(tmp_path):
    """Where gradio keeps an upload (a server path) and the visitor's own folder, where pasted code runs."""
    server, mine = tmp_path / "gradio" / "0a1b", tmp_path / "mine"
    server.mkdir(parents=True)
    mine.mkdir()
    return server, mine


@pytest.mark.slow
def test_code_for_a_bpe_trained_on_a_file_gives_the_page_ids(gemma, tmp_path, monkeypatch):
    """The visitor's file arrives under a server path; the code names it as the visitor has it."""
    server, mine = _server_and_visitor(tmp_path)
    lines = (ASSETS / "text.txt").read_text(encoding="utf-8").splitlines(keepends=True)[:200]
    for folder in (server, mine):
        (folder / "notlarım.txt").write_text("".join(lines), encoding="utf-8")
    own, _, _ = tab.build_own_bpe("file", str(server / "notlarım.txt"), 400, {})
    local, _, _, code, _, _ = view(SEED, "trained", own)
    assert "notlarım.txt" in code and str(server) not in code
    assert _run(code, mine, monkeypatch)["ids"] == chip_ids(local)


@pytest.mark.slow
def test_code_for_an_uploaded_tokenizer_gives_the_page_ids(gemma, tmp_path, monkeypatch):
    server, mine = _server_and_visitor(tmp_path)
    for folder in (server, mine):
        shutil.copy(ASSETS / "tokenizer_word.json", folder / "kelime.json")
    own, _, _ = tab.upload_tokenizer(str(server / "kelime.json"), {})
    local, _, _, code, _, _ = view(SEED, "upload", own)
    assert 'Tokenizer("kelime.json")' in code
    assert _run(code, mine, monkeypatch)["ids"] == chip_ids(local)


# --- an uploaded tokenizer runs in the sandbox's worker, not here (issue 12, docs/security.md) --------

def _panicking_upload(tmp_path) -> str:
    """A valid tokenizer.json whose pre-tokenizer regex `(a+)+$` panics in Rust on a long run of 'a'
    (Oniguruma's retry limit), raising pyo3's PanicException, a BaseException no handler catches."""
    import json

    config = json.loads((ASSETS / "tokenizer.json").read_text(encoding="utf-8"))
    config["pre_tokenizer"] = {"type": "Split", "pattern": {"Regex": "(a+)+$"}, "behavior": "Isolated", "invert": False}
    path = tmp_path / "panics.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return str(path)


def test_uploaded_tokenizer_runs_in_the_worker(loading_gemma, tmp_path):
    """The upload is checked in the sandbox and must also be used there: its panic comes back as a
    message on the page, and the same upload then tokenizes ordinary text."""
    own, choice, message = tab.upload_tokenizer(_panicking_upload(tmp_path), {})
    assert choice["value"] == "upload" and "Loaded panics.json" in seen(message)
    local, _, _, _, status, _ = view("a" * 19_999 + "!", "upload", own)
    assert "mlm-chip" not in local and seen(status).startswith("⚠️ panics.json: PanicException"), status
    long_a = tmp_path / "long.txt"
    long_a.write_text("a" * 5_000 + "!\n", encoding="utf-8")
    path, message = tab.token_ids_file(str(long_a), "upload", True, own)  # the whole-file route too
    assert path is None and seen(message).startswith("⚠️ panics.json: PanicException"), message
    assert "▁capital" in view(SEED, "upload", own)[0]


# --- the caps, as the README states them (numbers written here, never read from the code) ------------

def test_text_cap_through_the_tab_and_the_api(loading_gemma):
    """20,000 characters are tokenized; 20,001 are a message on the page and a gr.Error for API callers."""
    import gradio as gr

    local, _, _, _, status, _ = view("a" * 20_000)
    assert "mlm-chip" in local and "20,000 characters" in html.unescape(local) and not status.startswith("⚠️")
    local, _, _, _, status, _ = view("a" * 20_001)
    assert "mlm-chip" not in local
    assert seen(status) == "⚠️ The text has 20,001 characters; the limit here is 20,000. Use a text file for longer input."
    assert len(tab.tokenize("a" * 20_000)["local"]["ids"]) > 1
    with pytest.raises(gr.Error, match="20,001 characters; the limit here is 20,000"):
        tab.tokenize("a" * 20_001)


def test_text_file_over_20_mib_is_refused_by_the_tab(loading_gemma, tmp_path):
    src = tmp_path / "big.txt"
    src.write_bytes(b"a" * (20 * 1024 * 1024 + 1))
    path, message = tab.token_ids_file(str(src), "bpe", True, {})
    assert path is None
    assert seen(message) == "⚠️ big.txt is 20,971,521 bytes; the limit is 20,971,520 bytes (20 MiB)."


def test_launch_caps_uploads_at_60_mib(monkeypatch):
    """app.launch hands gradio max_file_size; gradio reads "60mb" as 60 MiB (checked live in test_abuse)."""
    from types import SimpleNamespace

    from gradio.utils import _parse_file_size

    import app
    import minilm.ui.loaders as loaders

    idle = SimpleNamespace(start=lambda: None)  # no Gemma, no neighbour index: only the options matter
    monkeypatch.setattr(loaders, "GEMMA", idle)
    monkeypatch.setattr(loaders, "NEIGHBOURS", idle)
    monkeypatch.setattr(app, "_warm_up", lambda: None)
    given = {}
    demo = SimpleNamespace(queue=lambda **options: given.update(queue=options),
                           launch=lambda **options: given.update(launch=options))
    app.launch(demo)
    assert _parse_file_size(given["launch"]["max_file_size"]) == 60 * 1024 * 1024
