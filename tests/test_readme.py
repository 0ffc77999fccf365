"""Every Python example in the README runs, as a newcomer would paste it (from the repository root).

The gradio_client example runs against the launched app instead of port 7860. A README example that
no longer matches the code fails here, not in a reader's terminal.
"""

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_examples_for_every_chapter():
    joined = "\n".join(BLOCKS)
    for needle in ("get_tokenizer", "create_data_loader", "WindowSettings", "EmbeddingSettings", "TrainSettings",
                   'api_name="/train"'):
        assert needle in joined, needle


@pytest.mark.slow
@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, app_url, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = code.replace('Client("http://127.0.0.1:7860/")', f"Client({app_url!r}, verbose=False)")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    if "print(" in code:
        assert out.getvalue().strip(), "the example prints nothing"
    assert os.getcwd() == str(ROOT)
