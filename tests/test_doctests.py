"""Every docstring example in `minilm/` runs: an example that no longer matches the code fails here."""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import minilm

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(minilm.__path__, "minilm.")
    if name != "minilm.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples name files as a reader at the repository root would
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see the output above)"


def test_the_core_has_examples():
    """Not a formality: the chapters' entry points each show one."""
    counted = {}
    for name in MODULES:
        finder = doctest.DocTestFinder()
        counted[name] = sum(len(t.examples) for t in finder.find(importlib.import_module(name)))
    for name in ("minilm.tokens.registry", "minilm.windows.loader", "minilm.windows.settings", "minilm.share",
                 "minilm.embeddings.projection", "minilm.embeddings.settings", "minilm.lm.settings", "minilm.values",
                 "minilm.lang"):
        assert counted[name] > 0, name
