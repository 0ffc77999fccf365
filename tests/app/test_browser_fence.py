"""Every browser test is fenced off the network: each page it opens goes through `block_off_host`.

docs/security.md and STYLE's "no test needs the network": a page left unfenced fetches whatever the
app's HTML names (fonts, CDNs) from the internet, so a test could pass only online, and would tell a
third party what it tested. A static check over the test files, so it runs in the quick loop without a
browser: in each function, every `browser.new_context(...)` and `new_page(...)` must be fenced,
the context (which fences its pages) or the page itself, by `block_off_host(<that name>, ...)`.
"""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers import block_off_host

TESTS = Path(__file__).resolve().parents[1]


def unfenced(source: str) -> list[str]:
    """`line: code` of each page or context that `source` opens without fencing it in the same function."""
    found = []
    for func in ast.walk(ast.parse(source)):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        fenced = {ast.unparse(call.args[0]) for call in ast.walk(func) if isinstance(call, ast.Call)
                  and ast.unparse(call.func).endswith("block_off_host") and call.args}
        opened = {id(node.value): ast.unparse(node.targets[0]) for node in ast.walk(func)
                  if isinstance(node, ast.Assign) and len(node.targets) == 1}
        for call in ast.walk(func):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr in ("new_page", "new_context")):
                continue
            name = opened.get(id(call))
            owner_fenced = call.func.attr == "new_page" and ast.unparse(call.func.value) in fenced
            if name not in fenced and not owner_fenced:
                found.append(f"{call.lineno}: {ast.unparse(call)}")
    return found


def test_every_page_in_the_tests_is_fenced():
    files = [p for p in TESTS.rglob("*.py") if "new_page" in p.read_text(encoding="utf-8")
             or "new_context" in p.read_text(encoding="utf-8")]
    assert len(files) >= 9  # the browser tests exist, so the check below looks at them
    problems = {str(p.relative_to(TESTS)): bad for p in files
                if p.name != Path(__file__).name and (bad := unfenced(p.read_text(encoding="utf-8")))}
    assert problems == {}


@pytest.mark.parametrize(
    "source, n_unfenced",
    [
        ("def t(browser):\n    page = browser.new_page()\n    page.goto('x')", 1),
        ("def t(browser, url):\n    page = browser.new_page()\n    block_off_host(page, url)", 0),
        ("def t(browser, url):\n    c = browser.new_context()\n    block_off_host(c, url)\n    a = c.new_page()\n    b = c.new_page()", 0),
        ("def t(browser, url):\n    c = browser.new_context()\n    a = c.new_page()\n    block_off_host(a, url)\n    b = c.new_page()", 2),
        ("def t(browser, url):\n    browser.new_page().goto(url)", 1),
        ("class P:\n    def __init__(self, browser, url):\n        self.c = browser.new_context()\n"
         "        self.p = self.c.new_page()\n        block_off_host(self.p, url)", 1),
    ],
    ids=["page-unfenced", "page-fenced", "context-fenced", "one-page-of-two", "not-even-named", "context-unfenced"],
)
def test_the_check_sees_an_unfenced_page(source, n_unfenced):
    """Control: the check finds what it is meant to find, and accepts the fenced forms."""
    assert len(unfenced(source)) == n_unfenced


class FakeRoute:
    """A Playwright route's two outcomes, recorded."""

    def __init__(self, url):
        self.request, self.outcome = SimpleNamespace(url=url), None

    def continue_(self):
        self.outcome = "continued"

    def abort(self):
        self.outcome = "aborted"


@pytest.mark.parametrize(
    "origins, url, outcome",
    [
        (("http://127.0.0.1:7860/",), "http://127.0.0.1:7860/gradio_api/info", "continued"),
        (("http://127.0.0.1:7860/",), "http://127.0.0.1:7861/", "aborted"),  # another local server
        (("http://127.0.0.1:7860",), "http://127.0.0.1:78601/", "aborted"),  # a prefix is no origin
        (("http://127.0.0.1:7860/",), "https://fonts.googleapis.com/css2?family=Inter", "aborted"),
        ((), "http://localhost:9000/index.html", "continued"),
        ((), "http://127.0.0.1:8000/", "continued"),
        ((), "http://127.0.0.1.nip.io/", "aborted"),
        ((), "http://localhost.example.com/", "aborted"),
        ((), "https://cdn.jsdelivr.net/npm/x.js", "aborted"),
    ],
)
def test_the_fence_lets_only_the_app_through(origins, url, outcome):
    routes = []
    page = SimpleNamespace(route=lambda pattern, handler: routes.append((pattern, handler)))
    block_off_host(page, *origins)
    (pattern, handler), = routes
    route = FakeRoute(url)
    handler(route)
    assert pattern == "**/*" and route.outcome == outcome
