"""Every README example runs as a newcomer would paste it, and gives what the README shows.

Python blocks run one by one from the repository root, each in a fresh namespace (so a block that
uses a name it does not import fails). A `# -> value` comment after a line is a claim about that
line's value; a comment line that is a literal (`# {"local": ...}`) right after a statement is one
too; `...` inside a list stands for the rest, inside a dict for the other keys. `# prints: ...` lines
state what the block prints. The gradio_client block runs against the launched app, not port 7860.

Shell lines `.venv/bin/python -m minilm ...` run through bash in a temporary copy of the repository
(minilm/ and assets/, the venv linked as `.venv`), in README order, each followed by `# ...` lines:
what it prints. Their files are checked against references outside the CLI (the tokenizers library,
the seed's make_windows, the committed assets). Tests needing Gemma or the app are `slow`.
"""

import ast
import contextlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from helpers import make_windows

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_PREFIX = ".venv/bin/python -m minilm "


def _python_blocks() -> list[tuple[str, str]]:
    """(id, code) of every ```python block, the id named after its section."""
    blocks, counts = [], {}
    for match in re.finditer(r"^## ([^\n]+)$|^```python\n(.*?)^```", README, flags=re.S | re.M):
        if match.group(1):
            section = match.group(1).split()[0].lower()
        else:
            counts[section] = counts.get(section, 0) + 1
            blocks.append((f"{section}-{counts[section]}", match.group(2)))
    return blocks


BLOCKS = _python_blocks()


def _code_only(code: str) -> str:
    return "".join(t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.COMMENT)


def _needs_slow(code: str) -> bool:
    """Gemma by name, or the app: the slow fixtures (the comments do not count)."""
    code = _code_only(code)
    return '"gemma"' in code or "Client(" in code


# ---- the claims: parsing and matching ------------------------------------------------------------

def _literal(text: str):
    """A shown value: a Python literal where `...` may stand for the rest of a list or a dict."""
    text = re.sub(r"([{,]\s*)\.\.\.(\s*})", r'\1"...": ...\2', text)  # `{"a": 1, ...}`: other keys
    return ast.literal_eval(text)


def matches(shown, actual) -> bool:
    if shown is Ellipsis:
        return True
    if isinstance(shown, dict):
        if not isinstance(actual, dict):
            return False
        keys = set(shown) - {"..."}
        if not (keys <= set(actual) if "..." in shown else keys == set(actual)):
            return False
        return all(matches(shown[k], actual[k]) for k in keys)
    if isinstance(shown, (list, tuple)):
        if type(shown) is not type(actual):
            return False
        if Ellipsis in shown:
            cut = shown.index(Ellipsis)
            head, tail = shown[:cut], shown[cut + 1:]
            return (len(actual) >= len(head) + len(tail) and matches(head, actual[:len(head)])
                    and matches(tail, actual[len(actual) - len(tail):]))
        return len(shown) == len(actual) and all(matches(s, a) for s, a in zip(shown, actual))
    return type(shown) is type(actual) and shown == actual


def line_matches(shown: str, actual: str) -> bool:
    """A printed line against the README's: `...` matches anything, numbers shown with decimals match
    within 0.02 (training losses, printed rounded), everything else exactly."""
    pattern = "".join(".*" if part == "..." else re.escape(part) for part in re.split(r"(\.\.\.)", shown))
    if re.fullmatch(pattern, actual):
        return True
    s_words, a_words = shown.split(), actual.split()
    return len(s_words) == len(a_words) and all(
        s == a or (re.fullmatch(r"-?\d+\.\d+", s) and re.fullmatch(r"-?\d+\.\d+", a) and abs(float(s) - float(a)) <= 0.02)
        for s, a in zip(s_words, a_words))


@pytest.mark.parametrize(
    "shown, actual, ok",
    [
        ("[2, 719, ...]", [2, 719, 442], True),
        ("[2, 719, ...]", [2, 718, 442], False),
        ("[..., 909]", [2, 909], True),
        ("[2, 719]", [2, 719, 442], False),
        ("('bpe', 'word')", ["bpe", "word"], False),
        ('{"ids": [2, ...], ...}', {"ids": [2, 3], "tokens": []}, True),
        ('{"ids": [2, ...]}', {"ids": [2, 3], "tokens": []}, False),
        ('{"ids": [...], "gemma": None, ...}', {"ids": [], "gemma": 0}, False),
        ("2471", 2471.0, False),
    ],
    ids=["prefix", "prefix-wrong", "suffix", "longer", "tuple-vs-list", "dict-rest", "dict-extra-key",
         "none-vs-0", "int-vs-float"],
)
def test_shown_values_are_read_strictly(shown, actual, ok):
    """The matcher is the test's own: `...` is the only slack."""
    assert matches(_literal(shown), actual) is ok


def _claims(code: str) -> tuple[dict[int, str], list[str]]:
    """{line: shown value} of the `# -> ` comments and literal comment lines, and the `# prints:` lines."""
    claims, prints, lines = {}, [], code.splitlines()
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type != tokenize.COMMENT:
            continue
        text, row = tok.string[1:].strip(), tok.start[0]
        own_line = not lines[row - 1][:tok.start[1]].strip()
        if text.startswith("prints:"):
            prints.append(text[len("prints:"):].strip())
        elif text.startswith("->"):
            claims[row] = text[2:].strip()
        elif own_line and text[:1] in "{[":
            claims[row - 1] = text  # about the statement on the line above
    return claims, prints


def run_block(code: str) -> tuple[list[str], str]:
    """Run `code` statement by statement from the repository root; return the failed claims and stdout."""
    claims, _ = _claims(code)
    tree = ast.parse(code)
    namespace, failures, out = {"__name__": "readme"}, [], io.StringIO()
    checked = set()
    with contextlib.redirect_stdout(out):
        for stmt in tree.body:
            shown = claims.get(stmt.end_lineno)
            if shown is None:
                exec(compile(ast.Module([stmt], []), "README.md", "exec"), namespace)
                continue
            checked.add(stmt.end_lineno)
            if isinstance(stmt, ast.Expr):
                value = eval(compile(ast.Expression(stmt.value), "README.md", "eval"), namespace)
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                exec(compile(ast.Module([stmt], []), "README.md", "exec"), namespace)
                value = eval(ast.get_source_segment(code, stmt.targets[0]), namespace)
            else:
                failures.append(f"line {stmt.lineno}: a claim after a {type(stmt).__name__}, not a value")
                continue
            if not matches(_literal(shown), value):
                failures.append(f"{ast.get_source_segment(code, stmt)}\n    README: {shown}\n    actual: {value!r}")
    failures += [f"line {row}: `{claims[row]}` is after no statement" for row in set(claims) - checked]
    return failures, out.getvalue()


def check_block(code: str) -> str:
    """Run `code`: every claim holds, and it prints what `# prints:` shows (or something, unshown)."""
    failures, printed = run_block(code)
    assert not failures, "README examples that do not give what they show:\n" + "\n".join(failures)
    _, prints = _claims(code)
    lines = printed.splitlines()
    if prints:
        assert len(lines) == len(prints) and all(map(line_matches, prints, lines)), \
            f"printed {lines}, the README shows {prints}"
    elif "print(" in code:
        assert lines, "the example prints nothing"
    return printed


def test_the_readme_has_examples_for_every_chapter():
    joined = "\n".join(code for _, code in BLOCKS)
    for needle in ("get_tokenizer", "create_data_loader", "WindowSettings", "EmbeddingSettings", "TrainSettings",
                   'api_name="/train"', "# -> "):
        assert needle in joined, needle


@pytest.mark.parametrize("code", [pytest.param(code, id=name) for name, code in BLOCKS if not _needs_slow(code)])
def test_readme_example(code, monkeypatch):
    monkeypatch.chdir(ROOT)
    check_block(code)


@pytest.mark.slow
@pytest.mark.parametrize("code", [pytest.param(code, id=name) for name, code in BLOCKS if _needs_slow(code)])
def test_readme_example_with_gemma_or_the_app(code, gemma, request, monkeypatch):
    monkeypatch.chdir(ROOT)
    if "Client(" in code:
        app_url = request.getfixturevalue("app_url")
        code = code.replace('Client("http://127.0.0.1:7860/")', f"Client({app_url!r}, verbose=False)")
    printed = check_block(code)
    if 'api_name="/train"' in code:
        _check_train_stream(code, printed)


def _check_train_stream(code: str, printed: str) -> None:
    """The /train example prints step 0 (untrained: train_loss None), then every 10 steps to the last."""
    steps = int(re.search(r"steps=(\d+)", code).group(1))
    rows = [line.split() for line in printed.splitlines() if line.strip()]
    assert [int(row[0]) for row in rows] == list(range(0, steps + 1, 10)), printed
    assert rows[0][1] == "None" and all(math.isfinite(float(row[1])) for row in rows[1:]), printed


# ---- the shell examples ----------------------------------------------------------------------------

def cli_examples() -> list[tuple[str, list[str]]]:
    """(command, printed lines shown under it) for every `.venv/bin/python -m minilm` line, in order."""
    examples, shown = [], None
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            if line.startswith(CLI_PREFIX):
                shown = []
                examples.append((line.split("  #")[0].strip(), shown))
            elif line.startswith("# ") and shown is not None:
                shown.append(line[2:])
            else:
                shown = None  # comments under other commands are not this one's output
    return examples


def _needs_gemma(command: str) -> bool:
    return "--vectors gemma" in command or "--tokenizer gemma" in command


@pytest.fixture
def clone(tmp_path) -> Path:
    """What a reader's clone holds for the CLI: minilm/, assets/, pyproject.toml (mutmut's settings too), and
    the venv running these tests as .venv."""
    for folder in ("minilm", "assets"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return tmp_path


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=600)


def assert_prints(done: subprocess.CompletedProcess, shown: list[str]) -> None:
    """Each line the README shows under a command is printed (stdout or stderr), in that order."""
    printed = [line.split("\r")[-1] for line in (done.stdout + done.stderr).splitlines()]
    at = 0
    for want in shown:
        while at < len(printed) and not line_matches(want, printed[at]):
            at += 1
        assert at < len(printed), f"the README shows {want!r}; the command printed {printed}"
        at += 1


def test_cli_examples_run_and_print_what_the_readme_shows(clone):
    """tokenize, windows, embed (random table) and train-tokenizer, as written; their files checked."""
    from tokenizers import Tokenizer as Reference

    examples = [(c, shown) for c, shown in cli_examples() if not _needs_gemma(c)]
    assert {c.split()[3] for c, _ in examples} == {"tokenize", "windows", "train-tokenizer", "notebook"}
    for command, shown in examples:
        done = shell(command, clone)
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        assert_prints(done, shown)

    text = (ROOT / "assets" / "text.txt").read_text(encoding="utf-8")
    ids = Reference.from_file(str(ROOT / "assets" / "tokenizer.json")).encode(text).ids
    lines = (clone / "token_ids.txt").read_text(encoding="ascii").splitlines()
    assert len(lines) == 1 and [int(i) for i in lines[0].split()] == ids, "token_ids.txt: one line, a single encode's ids"
    pairs = [json.loads(line) for line in (clone / "pairs.jsonl").read_text().splitlines()]
    assert [(p["x"], p["y"]) for p in pairs] == make_windows(ids, 12, 12)
    assert [p["window"] for p in pairs] == list(range(len(pairs)))
    import nbformat

    lesson = nbformat.read(str(clone / "lesson.ipynb"), as_version=4)  # "in the page's language": Turkish here
    nbformat.validate(lesson)
    assert lesson.cells[1].source.startswith("## 1. Bir sonraki token") and "steps=20" in lesson.cells[-2].source
    for name in ("tokenizer.json", "tokenizer_word.json"):  # "the result is identical to the committed files"
        assert (clone / "assets" / name).read_bytes() == (ROOT / "assets" / name).read_bytes(), name


def test_cli_embed_random_variant(clone):
    """The embed line's "(or --vectors random --embedding-dim 4)": the same words, a seeded 4-d table."""
    line = next(c for c, _ in cli_examples() if c.split()[3] == "embed")
    assert "(or --vectors random --embedding-dim 4)" in README
    done = shell(line.replace("--vectors gemma", "--vectors random --embedding-dim 4"), clone)
    assert done.returncode == 0, done.stderr
    record = json.loads((clone / "vectors.json").read_text(encoding="utf-8"))
    # the README's local-BPE ids of "the capital of france is paris", without <bos>: the ▁capital ▁of ▁f rance
    assert record["ids"] == [719, 442, 405, 397, 854] and record["tokens"][:2] == ["the", "▁capital"]
    assert [len(v) for v in record["vectors"]] == [4] * 5


@pytest.mark.slow
def test_cli_embed_with_gemma(clone, gemma):
    """vectors.json from Gemma's table: the README's Gemma ids of the same words, 640 numbers each."""
    [(command, shown)] = [(c, s) for c, s in cli_examples() if _needs_gemma(c)]
    done = shell(command, clone)
    assert done.returncode == 0, done.stderr
    assert_prints(done, shown)
    record = json.loads((clone / "vectors.json").read_text(encoding="utf-8"))
    assert record["ids"] == [1437, 5279, 529, 61034]  # gemma.encode("the capital of france ...") without <bos>
    assert [len(v) for v in record["vectors"]] == [640] * 4


SUBCOMMANDS = ("tokenize", "windows", "embed", "train-tokenizer", "notebook")


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_each_command_has_help(clone, command):
    done = shell(f"{CLI_PREFIX}{command} --help", clone)
    assert done.returncode == 0 and done.stdout.startswith("usage:") and done.stderr == ""


@pytest.mark.parametrize(
    "args, message",
    [
        ("tokenize missing.txt", "No such file or directory: 'missing.txt'"),
        ("tokenize assets/text.txt --tokenizer nope", "unknown tokenizer 'nope'"),
        ("tokenize assets/text.txt -o no/such/folder/ids.txt", "No such file or directory: 'no/such/folder'"),
        ("windows missing.txt", "No such file or directory: 'missing.txt'"),
        ("windows ids.txt --stride 0", "stride must be at least 1, got 0"),
        ("embed 'the capital' --vectors random --tokenizer nope", "unknown tokenizer 'nope'"),
        ("embed 'the capital' --vectors random --embedding-dim 0", "embedding_dim must be at least"),
        ("train-tokenizer --vocab-size 10", "vocab_size must be between"),
        ("train-tokenizer --out no/such/folder", "No such file or directory: 'no/such/folder'"),
        ("notebook '?tab=windows&stride=0'", "stride: not a whole number from 1 to 256"),
        ("notebook 'tab=train' -o no/such/folder/lesson.ipynb", "No such file or directory: 'no/such/folder'"),
    ],
    ids=["tokenize-missing", "tokenize-tokenizer", "tokenize-out-folder", "windows-missing", "windows-stride-0",
         "embed-tokenizer", "embed-dim-0", "train-vocab-size", "train-out-folder", "notebook-link", "notebook-out-folder"],
)
def test_bad_input_prints_one_line_and_exits_2(clone, args, message):
    """The README's promise, with the venv's python as the README runs it: no traceback, nothing written."""
    (clone / "ids.txt").write_text("2 719 442 405 397 854 388 909\n", encoding="ascii")
    before = sorted(p.name for p in clone.iterdir())
    done = shell(CLI_PREFIX + args, clone)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [done.stderr.strip()] and done.stderr.startswith("error: "), done.stderr
    assert message in done.stderr and done.stdout == ""
    assert sorted(p.name for p in clone.iterdir()) == before


# ---- how the README tells a newcomer to run things ------------------------------------------------------

def test_every_command_uses_the_venvs_python():
    """A bare `python` is the system's (no packages: a traceback); only `python3 -m venv` may be bare."""
    bare = [m.group(0) for m in re.finditer(r"(?<![\w/.-])python3?(?= +(?:-m +(?!venv)\S+|-c|\S+\.py))[^\n`]*", README)]
    assert bare == [], bare


def test_cli_outputs_are_ignored_by_git():
    """What the README's commands write in the repository root, and the CLI's default names, stay out of commits."""
    from minilm.cli import build_parser

    named = set()
    for command, _ in cli_examples():
        named |= set(re.findall(r"(?:-o|--out|--jsonl) +(\S+)", command))
    defaults = {str(build_parser().parse_args(args).out) for args in (["tokenize", "x.txt"], ["embed", "x"], ["notebook", "x"])}
    outputs = sorted(named | defaults)
    assert {"token_ids.txt", "pairs.jsonl", "vectors.json", "lesson.ipynb"} <= set(outputs), outputs
    done = subprocess.run(["git", "check-ignore", "--no-index", *outputs], cwd=ROOT, capture_output=True, text=True)
    assert sorted(done.stdout.split()) == outputs, f"not ignored: {set(outputs) - set(done.stdout.split())}"
    kept = subprocess.run(["git", "check-ignore", "--no-index", "assets/text.txt", "minilm/cli.py"], cwd=ROOT,
                          capture_output=True, text=True)
    assert kept.stdout == "", "the ignore rules reach committed files"


def test_minilm_imports_from_the_clones_parent_folder(tmp_path):
    """`pip install -e .` (the README's set-up) must beat the clone's own folder: seen from its parent,
    a folder named minilm without __init__.py is a namespace package, and `from minilm import Tokenizer`
    failed there with "unknown location" before pyproject.toml made the install a path entry."""
    (tmp_path / "minilm").mkdir()  # the clone, as its parent folder sees it
    code = "import minilm; from minilm import Tokenizer; print(minilm.__file__)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{done.stderr}\n(is minilm installed? .venv/bin/pip install -e .)"
    assert Path(done.stdout.strip()) == ROOT / "minilm" / "__init__.py"
