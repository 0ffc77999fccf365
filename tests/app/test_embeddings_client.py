"""The Embeddings tab end to end: /embed over the API, and the 3D plot in Chromium with one point
per token of each sentence."""

import pytest
import torch

from helpers import block_off_host

pytestmark = pytest.mark.slow
A = "the capital of united states and the capital of france"
B = "the capital of united states and the capital of germany"


def test_embed_api_equals_in_process(app_url, gemma):
    from gradio_client import Client

    from minilm.embeddings.tables import gemma_embed_tokens

    out = Client(app_url, verbose=False).predict(text="paris and berlin", vectors="gemma", dims="20, 21, 22", api_name="/embed")
    ids = gemma.tokenizer.encode("paris and berlin", add_special_tokens=False)
    expected = gemma_embed_tokens(gemma, ids).float()
    assert out["ids"] == ids and "262,144 x 640" in out["table"]
    torch.testing.assert_close(torch.tensor(out["vectors"]), expected)
    assert out["points"] == expected[:, [20, 21, 22]].tolist()


def test_embed_api_refuses_bad_dims(app_url):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(app_url, verbose=False)
    with pytest.raises(AppError, match="must differ"):
        client.predict(text="paris", vectors="gemma", dims="1, 1, 2", api_name="/embed")
    assert client.predict(text="paris", vectors="random", dims="0, 1, 2", api_name="/embed")["ids"]


@pytest.mark.browser
def test_plot_has_a_point_per_token(browser, app_url, gemma):
    n_a = len(gemma.tokenizer.encode(A, add_special_tokens=False))
    n_b = len(gemma.tokenizer.encode(B, add_special_tokens=False))
    page = browser.new_page(viewport={"width": 1300, "height": 1400})
    block_off_host(page, app_url)
    page.goto(f"{app_url}?tab=embeddings&vectors=gemma&dims=20,21,22")
    page.wait_for_function("() => document.querySelector('#emb-note')?.innerText.includes('262,144 x 640')", timeout=60_000)
    page.wait_for_function("() => document.querySelector('#emb-scatter .js-plotly-plot')?.data?.length === 2", timeout=30_000)
    counts = page.evaluate("() => document.querySelector('#emb-scatter .js-plotly-plot').data.map(t => t.x.length)")
    labels = page.evaluate("() => document.querySelector('#emb-scatter .js-plotly-plot').data[1].text")
    assert counts == [n_a, n_b]
    assert labels[-1] == "▁germany"  # A1: only the last token differs between the sentences
    # the seed's tokenizer mismatch: Gemma ids into a table sized for the local BPE is explained
    page.locator("#emb-source input[value=random]").check()
    page.locator("#emb-note").filter(has_text="nn.Embedding(1,024, 4)").wait_for(timeout=30_000)
    page.locator("#emb-tokenizer input[value=gemma]").check()
    page.locator("#emb-note").filter(has_text="tokenizer-mismatch").wait_for(timeout=30_000)
    page.screenshot(path="/tmp/minilm_embeddings.png", full_page=True)
    page.close()
