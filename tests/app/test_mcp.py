"""The app as an MCP server: an assistant can list and call tokenize, windows and embed.

A second instance of the app is launched with `mcp_server=True` and spoken to with the `mcp`
package's own client over streamable HTTP, as an assistant would.
"""

import ast
import asyncio
import concurrent.futures

import pytest

from helpers import launch_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mcp_url(gemma):
    with launch_app(mcp_server=True) as url:
        yield f"{url}gradio_api/mcp/"


def _session(url, work):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    async def run():
        async with streamablehttp_client(url) as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await work(session)

    # In a thread of its own: Playwright's sync API may already run an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _result(call) -> dict:
    assert not call.isError, call.content
    return ast.literal_eval(call.content[0].text)  # gradio returns the dict's repr as text


def test_tools_are_listed_with_descriptions(mcp_url):
    tools = _session(mcp_url, lambda s: s.list_tools())
    by_name = {t.name: t for t in tools.tools}
    assert {"tokenize", "windows", "embed"} <= set(by_name)
    assert "Gemma 3" in by_name["tokenize"].description
    assert set(by_name["windows"].inputSchema["properties"]) >= {"text", "context_length", "stride"}
    assert not any(name.startswith("tokenize_view") for name in by_name)  # UI-only events stay out


def test_tokenize_windows_and_embed_through_mcp(mcp_url, gemma):
    from minilm import get_tokenizer
    from minilm.windows.loader import count_windows

    text = "the capital of france is paris"

    async def calls(session):
        return [await session.call_tool("tokenize", {"text": text, "tokenizer": "bpe", "add_special_tokens": True}),
                await session.call_tool("windows", {"text": text * 3, "tokenizer": "bpe", "context_length": 4,
                                                    "stride": 2, "batch_size": 1, "keep_tail": False}),
                await session.call_tool("embed", {"text": "paris", "vectors": "gemma", "dims": "20, 21, 22"}),
                await session.call_tool("tokenize", {"text": "", "tokenizer": "bpe", "add_special_tokens": True})]

    tokens, windows, embedded, empty = _session(mcp_url, calls)
    assert _result(tokens)["gemma"]["ids"] == gemma.tokenizer.encode(text)
    assert _result(tokens)["local"]["ids"] == get_tokenizer("bpe").encode(text)
    n = len(get_tokenizer("bpe").encode(text * 3))
    assert _result(windows)["n_windows"] == count_windows(n, 4, 2)
    assert _result(embedded)["ids"] == gemma.tokenizer.encode("paris", add_special_tokens=False)
    assert empty.isError and "empty" in empty.content[0].text
