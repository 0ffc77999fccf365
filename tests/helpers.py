"""Helpers the test modules share: the seed's reference windows, launching the app, Chromium's settings
and its network fence, hand-made queue posts."""

import contextlib
import json
import shutil
import socket
import uuid
from urllib.parse import urlsplit

from bench.seed_route import make_windows  # noqa: F401 - the seed's section 12 loop, verbatim: the reference

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def block_off_host(target, *origins: str) -> None:
    """Abort every request of `target` (a Playwright page, or a context: all its pages) that does not
    start with one of `origins` (the app's URL), or, with none given, does not go to this machine.
    No browser test may reach the network: tests/app/test_browser_fence.py checks every page has this."""
    prefixes = tuple(o if o.endswith("/") else o + "/" for o in origins)

    def allowed(url: str) -> bool:
        return url.startswith(prefixes) if prefixes else urlsplit(url).hostname in LOOPBACK

    target.route("**/*", lambda route: route.continue_() if allowed(route.request.url) else route.abort())


@contextlib.contextmanager
def launch_app(**options):
    """The real app, launched as `python app.py` would, on a free loopback port; Gemma ready."""
    import app
    from minilm.ui.loaders import GEMMA

    demo = app.build_demo()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **options)
    GEMMA.wait(timeout=600)
    try:
        yield demo.local_url
    finally:
        demo.close()


def post_to_queue(app_url: str, client, api_name: str, data: list) -> dict:
    """Send one request through the queue by hand, as any HTTP client could, and return the final
    message. For inputs gradio_client refuses to send (a lone surrogate, NaN) but JSON can carry."""
    import httpx

    fn_index = next(d["id"] for d in client.config["dependencies"] if d.get("api_name") == api_name)
    base = app_url.rstrip("/") + "/gradio_api"
    session = uuid.uuid4().hex
    body = json.dumps({"data": data, "fn_index": fn_index, "session_hash": session})
    message = None
    with httpx.Client(timeout=60) as http:
        joined = http.post(f"{base}/queue/join", content=body, headers={"content-type": "application/json"})
        assert joined.status_code == 200, joined.text
        with http.stream("GET", f"{base}/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("msg") == "process_completed":
                        break
    assert message is not None
    return message
