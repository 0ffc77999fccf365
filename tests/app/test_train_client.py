"""The Train tab end to end: updates stream to an API client, Start and Stop work in Chromium,
and the next-token panel compares the tiny model with the real Gemma 3."""

import math

import pytest

pytestmark = pytest.mark.slow
SMALL = dict(source="corpus", n_blocks=1, embedding_dim=32, context_length=16, stride=8, batch_size=16, steps=120)


def test_training_streams_updates_to_an_api_client(app_url):
    from gradio_client import Client

    job = Client(app_url, verbose=False).submit(**SMALL, api_name="/train")
    updates = list(job)  # every yield of the generator reaches the client
    assert len(updates) >= 5
    steps = [u["step"] for u in updates]
    assert steps == sorted(steps) and steps[-1] == SMALL["steps"] and updates[-1]["done"]
    assert updates[-1]["val_loss"] < math.log(1024) and {u["run"] for u in updates} == {"next_token"}


def test_start_then_stop_in_chromium(browser, app_url):
    page = browser.new_page(viewport={"width": 1300, "height": 1200})
    page.goto(f"{app_url}?tab=train")
    page.locator("#train-steps input[type=number]").fill("3000")
    page.locator("#train-steps input[type=number]").press("Enter")
    page.locator("#train-start").click()
    page.wait_for_function("() => /step (\\d+)\\/3000/.test(document.querySelector('#train-status')?.innerText || '')", timeout=60_000)
    first = page.locator("#train-status").inner_text()
    page.wait_for_function(f"() => document.querySelector('#train-status').innerText !== {first!r}", timeout=60_000)
    page.wait_for_selector("#train-chart .js-plotly-plot", timeout=30_000)  # Plotly draws after the status
    assert page.locator("#train-chart .js-plotly-plot").count() == 1  # the chart is drawn and redrawn
    page.locator("#train-stop").click()
    page.wait_for_timeout(3000)
    stopped = page.locator("#train-status").inner_text()
    page.wait_for_timeout(3000)
    assert page.locator("#train-status").inner_text() == stopped  # no more updates after Stop
    step = int(stopped.split("step ")[1].split("/")[0])
    assert step < 3000
    page.close()


def test_gemma_predicts_the_seeds_next_token(gemma, gemma_model):
    """Seed section 1: "the capital of france is" -> paris, from the real model."""
    from minilm.lm.gemma import gemma_next_tokens

    top = gemma_next_tokens(gemma_model, gemma, "the capital of france is", k=5)
    assert any("paris" in token.lower() for token, _, _ in top), top
    assert all(0 < p <= 1 for _, _, p in top) and top == sorted(top, key=lambda t: -t[2])
