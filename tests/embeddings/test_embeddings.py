"""Embeddings: equal to transformers' embed_tokens, read from the table alone; projections and figures."""

import json

import pytest
import torch

from minilm import get_tokenizer
from minilm.assets import cache_dir
from minilm.embeddings import tables as emb
from minilm.embeddings.figures import embedding_figures as embedding_views
from minilm.embeddings.gguf import GGUFTable, find_tensor
from minilm.embeddings.neighbours import NeighbourIndex
from minilm.embeddings.settings import HAND_FEATURES, HAND_MADE
from minilm.embeddings.vectors import sentence_vectors, table_vectors
from minilm.tokens.gemma import load_gemma
from minilm.embeddings.projection import cosine_matrix, parse_dims, project_dims, project_pca

IDS = [2, 1437, 5279, 529, 61034, 563, 48117, 0, 262_143, 236_743]


@pytest.mark.slow
def test_bundled_equals_transformers_embed_tokens(gemma, gemma_model):
    """The seed's route: the whole model from the GGUF, then embed_tokens."""
    expected = gemma_model.model.embed_tokens(torch.tensor(IDS))
    ours = emb.gemma_embed_tokens(gemma, IDS)
    torch.testing.assert_close(ours, expected, rtol=0, atol=0)  # bit for bit
    assert ours.shape == (len(IDS), 640) and "262,144 x 640" in " ".join(emb.gemma_table_title(gemma))


@pytest.mark.slow
def test_header_walk_matches_gguf_reader(gemma):
    from gguf import GGUFReader

    place, meta = find_tensor(gemma.path, "token_embd.weight")
    tensor = next(t for t in GGUFReader(gemma.path).tensors if t.name == "token_embd.weight")
    assert (place.offset, place.dims, place.ggml_type) == (tensor.data_offset, tuple(tensor.shape), int(tensor.tensor_type))
    assert meta["gemma3.embedding_length"] == 640


@pytest.mark.slow
def test_table_place_is_cached(gemma, tmp_path):
    cache = tmp_path / "place.json"
    first = GGUFTable.open(gemma.path, cache=cache)
    assert json.loads(cache.read_text())["offset"] == first.place.offset
    again = GGUFTable.open(gemma.path, cache=cache)
    assert again.place == first.place
    assert (again.rows([5, 7]) == first.rows([5, 7])).all()


@pytest.fixture(scope="module")
def tiny_hub_folder(tmp_path_factory, gemma):
    """A tiny Gemma 3 saved in the Hub layout (bf16 safetensors + config + the real tokenizer.json)."""
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    torch.manual_seed(0)
    config = Gemma3TextConfig(vocab_size=262_144, hidden_size=48, intermediate_size=64, num_hidden_layers=1,
                              num_attention_heads=2, num_key_value_heads=1, head_dim=24)
    model = Gemma3ForCausalLM(config).to(torch.bfloat16)
    folder = tmp_path_factory.mktemp("tiny-gemma")
    model.save_pretrained(folder)
    converted = next(cache_dir().glob("gemma-3-270m-*/tokenizer.json"))
    (folder / "tokenizer.json").write_bytes(converted.read_bytes())
    return folder, model


@pytest.mark.slow
def test_hub_layout_equals_transformers_embed_tokens(tiny_hub_folder):
    folder, model = tiny_hub_folder
    local = load_gemma(repo=str(folder))
    ours = emb.gemma_embed_tokens(local, IDS)
    expected = model.model.embed_tokens(torch.tensor(IDS))
    assert ours.dtype == torch.bfloat16  # the scale is cast to bf16 first, as transformers does
    torch.testing.assert_close(ours, expected, rtol=0, atol=0)
    assert "262,144 x 48" in " ".join(emb.gemma_table_title(local))


@pytest.mark.slow
def test_neighbours_equal_brute_force(gemma):
    """Over Gemma's whole vocabulary, against a reference that shares no code with the index: the table
    as the `gguf` package reads and dequantises it, and a numpy brute force. (Fast checks on small
    GGUFs written by `gguf.GGUFWriter`: test_neighbours.py.)"""
    import numpy as np
    from gguf import GGUFReader
    from gguf.quants import dequantize

    tensor = next(t for t in GGUFReader(gemma.path).tensors if t.name == "token_embd.weight")
    full = dequantize(tensor.data, tensor.tensor_type).astype(np.float64)
    full /= np.linalg.norm(full, axis=1, keepdims=True)
    index = NeighbourIndex(emb.gemma_table(gemma))
    for token_id in (5279, 61034, 48117, 236_743):
        scores = full @ full[token_id]
        expected = [int(i) for i in np.argsort(-scores) if i != token_id][:10]
        got = index.nearest(full[token_id].astype(np.float32), 10, exclude=token_id)
        assert [i for i, _ in got] == expected
        assert [c for _, c in got] == pytest.approx([float(scores[i]) for i in expected], abs=1e-5)


def test_random_embedding_is_seeded():
    a, b, c = (emb.random_embedding(100, 4, seed=s) for s in (1, 1, 2))
    assert torch.equal(a.weight, b.weight) and not torch.equal(a.weight, c.weight)


def test_tokenizer_mismatch_is_explained():
    table = emb.random_embedding(64, 4)
    with pytest.raises(ValueError, match="tokenizer-mismatch"):
        emb.embed_with(table, [3, 70], tokenizer_name="Gemma", table_name="nn.Embedding(64, 4)")
    assert emb.embed_with(table, [3, 63], tokenizer_name="x", table_name="y").shape == (2, 4)


@pytest.mark.parametrize(
    "dims, message",
    [("20, 21", "exactly three"), ("1, 1, 2", "must differ"), ("0, 1, 640", "does not exist"), ("a, b, c", "whole numbers")],
    ids=["two", "repeated", "out-of-range", "words"],
)
def test_bad_dims(dims, message):
    with pytest.raises(ValueError, match=message):
        parse_dims(dims, 640)


def test_project_dims_and_pca():
    vectors = torch.tensor([[1.0, 2, 3, 4], [5, 6, 7, 8], [0, 1, 0, 1]])
    assert project_dims(vectors, "3, 0, 1").points[1] == (8.0, 5.0, 6.0)
    pca = project_pca(vectors)
    assert pca.explained[0] >= pca.explained[1] >= pca.explained[2] and sum(pca.explained) == pytest.approx(1.0)
    # PCA keeps distances: 3 points span 2 dimensions, so nothing is lost
    original = torch.cdist(vectors, vectors)
    torch.testing.assert_close(torch.cdist(torch.tensor(pca.points), torch.tensor(pca.points)), original, atol=1e-4, rtol=0)


def test_cosine_matrix():
    m = cosine_matrix(torch.tensor([[1.0, 0], [0, 2], [-3, 0]]))
    torch.testing.assert_close(torch.tensor(m), torch.tensor([[1.0, 0, -1], [0, 1, 0], [-1, 0, 1]]))


def test_figures_hold_their_data():
    tok = get_tokenizer("bpe")
    table = emb.random_embedding(len(tok), 4, seed=0)
    embed = lambda ids: emb.embed_with(table, ids, tokenizer_name="bpe", table_name="t")  # noqa: E731
    a = sentence_vectors("the capital of france", name="A", tokenizer=tok, embed=embed)
    b = sentence_vectors("the capital of germany", name="B", tokenizer=tok, embed=embed)
    scatter, heatmap, _ = embedding_views([a, b], dims="0, 1, 2", lines=True)
    assert len(scatter.data) == 2 and [len(t.x) for t in scatter.data] == [len(a.ids), len(b.ids)]
    from tokenizers import Tokenizer

    ids = Tokenizer.from_file("assets/tokenizer.json").encode("the capital of france", add_special_tokens=False).ids
    torch.manual_seed(0)  # the seed's untrained table: torch.manual_seed, then nn.Embedding
    seeds_rows = torch.nn.Embedding(len(tok), 4).weight.detach()[ids]
    assert list(scatter.data[0].x) == pytest.approx(seeds_rows[:, 0].tolist())
    assert list(scatter.data[0].z) == pytest.approx(seeds_rows[:, 2].tolist())
    assert [row[0] for row in scatter.data[0].customdata] == ids
    assert "lines" in scatter.data[0].mode and scatter.layout.scene.xaxis.title.text == "dim 0"
    assert len(heatmap.data[0].z) == len(a.ids) + len(b.ids) and heatmap.data[0].z[0][0] == pytest.approx(1.0)


def test_hand_made_table_is_plotted_directly():
    vectors = table_vectors(HAND_MADE)
    scatter, _, _ = embedding_views([vectors], dims=(0, 1, 2), axis_names=HAND_FEATURES)
    assert list(scatter.data[0].text) == [word for word, _ in HAND_MADE]
    assert scatter.layout.scene.zaxis.title.text == "redness"
    assert scatter.data[0].y[1] == pytest.approx(dict(HAND_MADE)["capital"][1])  # float32


def test_too_many_tokens_are_cut_and_said():
    """600 words: only the first 256 tokens are drawn (more are unreadable as labels), and the note says
    how many were left out (the token count from the `tokenizers` library reading the file itself)."""
    from tokenizers import Tokenizer

    n = len(Tokenizer.from_file("assets/tokenizer.json").encode("paris " * 600, add_special_tokens=False).ids)
    tok = get_tokenizer("bpe")
    table = emb.random_embedding(len(tok), 4, seed=0)
    long = sentence_vectors("paris " * 600, name="A", tokenizer=tok, embed=lambda ids: table(torch.tensor(ids)).detach())
    scatter, _, notes = embedding_views([long], dims=(0, 1, 2))
    assert len(long.ids) == 256 and len(scatter.data[0].x) == 256
    words = " ".join(n.words("en") for n in notes)
    assert f"A: {n - 256} tokens beyond 256 not drawn" in words, words
