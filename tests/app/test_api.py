"""The public API speaks the project's vocabulary: every named endpoint takes keyword parameters with
defaults, so a caller names only what it changes (`client.predict(text=..., stride=6, api_name="/windows")`)."""

import pytest

pytestmark = pytest.mark.slow

VOCABULARY = {"text", "tokenizer", "add_special_tokens", "source", "path", "context_length", "stride", "batch_size",
              "keep_tail", "fmt", "vectors", "dims", "embedding_dim", "n_blocks", "steps", "lr", "seed", "mistake",
              "prompt", "temperature", "top_k", "k"}
PUBLIC = {"/tokenize", "/windows", "/embed", "/train", "/token_ids", "/download_pairs", "/sample", "/next_token"}


def test_every_public_endpoint_takes_named_parameters_with_defaults(app_url):
    from gradio_client import Client

    endpoints = Client(app_url, verbose=False).view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == PUBLIC  # the page's session-bound events (Sample, Next token) are not among them
    for name in PUBLIC:
        parameters = endpoints[name]["parameters"]
        names = [p["parameter_name"] for p in parameters]
        assert set(names) <= VOCABULARY, (name, set(names) - VOCABULARY)
        assert all(p["parameter_has_default"] for p in parameters), (name, [p["parameter_name"] for p in parameters
                                                                             if not p["parameter_has_default"]])


def test_named_calls_change_only_what_they_name(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    assert client.predict(stride=6, api_name="/windows")["x_shape"] == [1, 12]
    default = client.predict(api_name="/windows")
    assert client.predict(stride=6, api_name="/windows")["n_windows"] > default["n_windows"]
    updates = list(client.submit(steps=10, n_blocks=0, embedding_dim=16, api_name="/train"))
    assert updates[-1]["step"] == 10 and updates[-1]["done"] and updates[-1]["run"] == "next_token"
