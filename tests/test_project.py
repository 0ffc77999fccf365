"""The project's shape: Space front matter, the README's commands, a core that never imports gradio."""

import ast
import re
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
    assert run_app.endswith("app.py") and "requirements.txt" in run_app
    assert run_tests.endswith("pytest")
    assert run_tests in (ROOT / ".ci" / "run").read_text().splitlines()


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
