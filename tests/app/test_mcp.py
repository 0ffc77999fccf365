"""The app as an MCP server: every tool it lists works through MCP alone, under its API name.

The quick tests build the MCP server without launching anything. The slow ones launch a second
instance with `mcp_server=True` and talk to it with the `mcp` package's own client over streamable
HTTP, as an assistant would, with no session in between calls; every answer is checked against a
reference from outside the app: the `tokenizers` library on assets/tokenizer.json, the seed's
windowing loop, transformers' Gemma forward pass, and ln(vocabulary size), an untrained model's loss.
"""

import ast
import asyncio
import concurrent.futures
import contextlib
import io
import json
import math
import warnings
from pathlib import Path

import pytest

from helpers import launch_app, make_windows

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"tokenize", "token_ids", "windows", "download_pairs", "embed", "train", "sample", "next_token"}
TEXT = "the capital of france is paris"


def _reference():
    """The shipped BPE, read by the tokenizers library itself."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(ROOT / "assets" / "tokenizer.json"))


def _mcp_server():
    """The app's MCP server as `launch(mcp_server=True)` builds it, and the warnings it gave."""
    import app
    from gradio.mcp import GradioMCPServer

    demo = app.build_demo()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        server = GradioMCPServer(demo)
    return demo, server, [str(w.message) for w in caught]


def test_tools_are_the_public_api_under_its_names():
    """gradio names a tool after the function (`token_ids_file`, `next_tokens` once), not its api_name."""
    demo, server, _ = _mcp_server()
    endpoints = {name.lstrip("/") for name in demo.get_api_info()["named_endpoints"]}
    assert set(server.tool_to_endpoint) == endpoints == TOOLS
    assert all(server.tool_to_endpoint[name] == "/" + name for name in TOOLS)


def test_no_tool_reads_session_state():
    """A gr.State input would get its default on every MCP call: the model "trained" on the page never arrives."""
    import gradio as gr

    _, server, caught = _mcp_server()
    assert not [m for m in caught if "gr.State" in m], caught
    for name, endpoint in server.tool_to_endpoint.items():
        inputs = server.get_block_fn_from_endpoint_name(endpoint).inputs
        assert not any(isinstance(c, gr.State) for c in inputs), name


@pytest.fixture(scope="module")
def mcp_app(gemma):
    """(app url, MCP url, what launching printed and warned)."""
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        warnings.simplefilter("always")
        launched = launch_app(mcp_server=True)
        url = launched.__enter__()
    said = out.getvalue() + "\n".join(str(w.message) for w in caught)
    try:
        yield url, f"{url}gradio_api/mcp/", said
    finally:
        launched.__exit__(None, None, None)


def _session(url, work):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run():
        async with streamable_http_client(url) as (read, write, _):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await work(session)

    # In a thread of its own: Playwright's sync API may already run an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def _result(call):
    assert not call.isError, call.content
    return ast.literal_eval(call.content[0].text)  # gradio returns the value's repr as text


def _files(call) -> list[str]:
    """The text of each file a call returned, then its note. gradio answers a queued event with several
    outputs as one text: the repr of [file, ..., note], each file a dict with its URL."""
    import httpx

    *files, note = _result(call)
    return [httpx.get(f["url"], timeout=60).text for f in files] + [note]


@pytest.mark.slow
def test_launching_with_mcp_warns_of_no_state(mcp_app):
    _, _, said = mcp_app
    assert "gr.State" not in said, said


@pytest.mark.slow
def test_tool_names_equal_the_named_endpoints(mcp_app):
    from gradio_client import Client

    url, mcp_url, _ = mcp_app
    tools = _session(mcp_url, lambda s: s.list_tools()).tools
    endpoints = Client(url, verbose=False).view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {t.name for t in tools} == {name.lstrip("/") for name in endpoints} == TOOLS
    by_name = {t.name: t for t in tools}
    assert "Gemma 3" in by_name["tokenize"].description
    assert set(by_name["windows"].inputSchema["properties"]) >= {"text", "context_length", "stride"}


CALLS = {  # one call per tool, as an assistant would make it: settings by name, nothing else
    "tokenize": {"text": TEXT, "tokenizer": "bpe", "add_special_tokens": True},
    "token_ids": {"tokenizer": "bpe"},
    "windows": {"text": TEXT * 3, "tokenizer": "bpe", "context_length": 4, "stride": 2},
    "download_pairs": {"source": "text", "text": TEXT * 3, "context_length": 4, "stride": 2, "fmt": "jsonl"},
    "embed": {"text": "paris", "vectors": "gemma", "dims": "20, 21, 22"},
    "train": {"source": "corpus", "steps": 30, "n_blocks": 0, "embedding_dim": 16, "lr": 0.01, "seed": 1},
    "sample": {"prompt": "the capital of", "steps": 30, "n_blocks": 0, "embedding_dim": 16, "lr": 0.01, "temperature": 0},
    "next_token": {"text": "the capital of france is", "k": 5},
}


@pytest.fixture(scope="module")
def answers(mcp_app):
    """Every listed tool called once through MCP, plus a one-step run (its loss is the untrained model's)."""
    async def calls(session):
        listed = [t.name for t in (await session.list_tools()).tools]
        assert set(listed) == set(CALLS), "a listed tool without a call and a check here, or a check for no tool"
        out = {name: await session.call_tool(name, CALLS[name]) for name in listed}
        out["train_one_step"] = await session.call_tool("train", {**CALLS["train"], "steps": 1})
        out["empty_text"] = await session.call_tool("tokenize", {"text": "", "tokenizer": "bpe"})
        return out

    return _session(mcp_app[1], calls)


@pytest.mark.slow
def test_tokenize(answers, gemma):
    out = _result(answers["tokenize"])
    assert out["local"]["ids"] == _reference().encode(TEXT).ids
    assert out["gemma"]["ids"] == gemma.tokenizer.encode(TEXT)  # transformers' tokenizer for the bundled GGUF


@pytest.mark.slow
def test_token_ids_encodes_the_corpus(answers):
    ids, note = _files(answers["token_ids"])
    corpus = (ROOT / "assets" / "text.txt").read_text(encoding="utf-8")
    reference = _reference().encode(corpus).ids
    assert list(map(int, ids.split())) == reference
    assert note.startswith(f"{len(reference):,} token ids from text")


@pytest.mark.slow
def test_windows_are_the_seeds(answers):
    out = _result(answers["windows"])
    reference = make_windows(_reference().encode(TEXT * 3).ids, 4, 2)
    assert out["n_windows"] == len(reference) > 0
    assert out["x"] == [x for x, _ in reference][: len(out["x"])] and out["y"] == [y for _, y in reference][: len(out["y"])]


@pytest.mark.slow
def test_download_pairs_are_the_seeds(answers):
    pairs, ids, _ = _files(answers["download_pairs"])
    stream = _reference().encode(TEXT * 3).ids
    assert [(p["x"], p["y"]) for p in map(json.loads, pairs.splitlines())] == [tuple(w) for w in make_windows(stream, 4, 2)]
    assert list(map(int, ids.split())) == stream


@pytest.mark.slow
def test_embed_gives_gemmas_embed_tokens(answers, gemma, gemma_model):
    import torch

    out = _result(answers["embed"])
    ids = gemma.tokenizer.encode("paris", add_special_tokens=False)
    assert out["ids"] == ids
    with torch.no_grad():  # the seed's float32 transformers model (tests/conftest.py)
        expected = gemma_model.model.embed_tokens(torch.tensor(ids))
    torch.testing.assert_close(torch.tensor(out["vectors"]), expected.float())


@pytest.mark.slow
def test_train_learns(answers):
    """Step 1's loss is the untrained model's, about ln(vocabulary size); 30 steps later it is lower."""
    first, last = _result(answers["train_one_step"]), _result(answers["train"])
    assert first["step"] == 1 and last["step"] == 30 and last["done"] and last["run"] == "next_token"
    assert first["train_loss"] == pytest.approx(math.log(_reference().get_vocab_size()), abs=0.05)
    assert math.isfinite(last["train_loss"]) and math.isfinite(last["val_loss"])
    assert last["train_loss"] < first["train_loss"] - 0.5


@pytest.mark.slow
def test_sample_continues_the_prompt(answers):
    out, reference = _result(answers["sample"]), _reference()
    prompt = reference.encode("the capital of").ids
    assert out["n_prompt"] == len(prompt) and out["ids"][: len(prompt)] == prompt
    assert len(out["ids"]) == len(prompt) + 60 and all(0 <= i < reference.get_vocab_size() for i in out["ids"])
    assert out["text"] == reference.decode(out["ids"])
    assert math.isfinite(out["train_loss"]) and out["train_loss"] < math.log(reference.get_vocab_size()) - 0.5


@pytest.mark.slow
def test_next_token_is_gemmas(answers, gemma, gemma_model):
    """Seed section 1: "the capital of france is" -> paris, as transformers' forward pass ranks it."""
    import torch

    out = _result(answers["next_token"])
    with torch.no_grad():  # the seed's float32 transformers model (tests/conftest.py)
        logits = gemma_model(torch.tensor([gemma.tokenizer.encode("the capital of france is")])).logits
    top = torch.topk(torch.softmax(logits[0, -1].float(), dim=-1), 5)
    assert [t["id"] for t in out] == top.indices.tolist()
    assert [t["p"] for t in out] == pytest.approx(top.values.tolist(), abs=1e-5)
    assert "paris" in out[0]["token"].lower()


@pytest.mark.slow
def test_a_mistake_is_an_error_result(answers):
    assert answers["empty_text"].isError and "empty" in answers["empty_text"].content[0].text
