"""The project's shape: Space front matter, the README's commands, a core that never imports gradio."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_space_front_matter():
    front = README.split("---")[1]
    for key in ("title:", "emoji:", "sdk: gradio", "sdk_version: 6.31.0", "app_file: app.py", "license:"):
        assert key in front, key
    assert "gradio[mcp]==6.31.0" in (ROOT / "requirements.txt").read_text()


def test_readme_has_two_commands_and_ci_runs_the_test_one():
    commands = re.findall(r"```bash\n(.+?)\n```", README.split("## What is here")[0])
    assert len(commands) == 2
    run_app, run_tests = commands
    assert run_app.endswith(".venv/bin/python app.py") and "requirements.txt -e ." in run_app
    assert run_tests.endswith(".venv/bin/python -m pytest") and "requirements-test.txt -e ." in run_tests
    for command in commands:  # Debian's python3 has no venv module without python3-venv
        assert -1 < command.find("apt-get install -y") < command.find("python3-venv") < command.find("python3 -m venv")
    assert run_tests in (ROOT / ".ci" / "run").read_text().splitlines()


def _stub(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def test_ci_starts_from_an_empty_minilm_cache(tmp_path):
    """.ci/run (a copy, in a scratch checkout, apt-get and python3 stubbed) must hand the test command a
    new, empty MINILM_CACHE every run, whatever the machine kept: else the first-run conversion of the
    bundled Gemma is never tested on a reused machine. The folder is removed afterwards."""
    (tmp_path / "repo" / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", tmp_path / "repo" / ".ci" / "run")
    bin_dir, record = tmp_path / "bin", tmp_path / "record"
    bin_dir.mkdir()
    _stub(bin_dir / "apt-get", "exit 0\n")
    # `python3 -m venv .venv` makes a venv whose pip does nothing and whose python, as pytest, records
    # the cache folder it was given and what that folder held.
    _stub(bin_dir / "python3", f"""mkdir -p .venv/bin
printf '#!/bin/sh\\nexit 0\\n' > .venv/bin/pip
printf '#!/bin/sh\\necho "$MINILM_CACHE $(ls -A "$MINILM_CACHE" | wc -l) $*" >> {record}\\n' > .venv/bin/python
chmod +x .venv/bin/pip .venv/bin/python
""")
    # What a reused machine kept: a cache named by the environment, and the default one.
    warm, default = tmp_path / "warm", tmp_path / ".cache" / "minilm"
    for folder in (warm, default):
        (folder / "gemma-3-270m-x").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "MINILM_CACHE"}
    env |= {"PATH": f"{bin_dir}:{os.environ['PATH']}", "HOME": str(tmp_path)}
    for extra in ({"MINILM_CACHE": str(warm)}, {}):
        done = subprocess.run(["bash", str(tmp_path / "repo" / ".ci" / "run")], env=env | extra, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    runs = [line.split(" ") for line in record.read_text().splitlines()]
    assert [run[2:] for run in runs] == [["-m", "pytest"]] * 2, runs
    caches = [Path(run[0]) for run in runs]
    assert all(run[0] and run[1] == "0" for run in runs), f"not a new, empty folder: {runs}"
    assert caches[0] != caches[1] and not {warm, default} & set(caches), runs
    assert not any(cache.exists() for cache in caches), "the CI cache folder was left behind"


def test_gemma_terms_are_stated():
    assert "Gemma Terms of Use" in README and "https://ai.google.dev/gemma/terms" in README


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "path", sorted(p for p in (ROOT / "minilm").rglob("*.py") if "ui" not in p.parts), ids=lambda p: p.name
)
def test_core_never_imports_gradio(path):
    assert "gradio" not in _imports(path)


def test_import_and_build_load_no_model():
    """Nothing heavy at import or build: no torch, no transformers, Gemma not started."""
    code = (
        "import sys, app; app.build_demo();"
        "from minilm.ui.loaders import GEMMA;"
        "print(sorted(m for m in ('torch', 'transformers', 'tokenizers') if m in sys.modules), GEMMA.stage)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[] not started"


@pytest.mark.parametrize("module", ["minilm.text", "minilm.tokens.compare", "minilm.tokens.vocab", "minilm.tokens.tokenizer"])
def test_doctests(module):
    import doctest
    import importlib
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)  # examples load assets/ by relative path, as in the README
    try:
        result = doctest.testmod(importlib.import_module(module))
    finally:
        os.chdir(cwd)
    assert result.attempted > 0 and result.failed == 0
