"""Gemma 3's text model, forward pass only, in plain torch: the next-token logits after a list of ids.

Reads transformers' names and config (`config.json` of `Gemma3TextConfig`), so a folder written by
`Gemma3ForCausalLM.save_pretrained` loads as it is. A weight is a float tensor under its name, or
packed (`<name>.q`, `.scale`, `.min`; see `minilm.lm.gguf_quants`) and rebuilt in float32 each time
a layer runs: the bundled 270M then takes ~0.3 GB instead of 1.07 GB, and computes in float32 like
the seed's route. Every step follows transformers' `Gemma3ForCausalLM` (float32, no cache): scaled
embeddings, per layer RMSNorm (x * (1 + w)) around attention and the gated-GELU MLP, query and key
norms, RoPE with one base for local and one for global layers, local layers seeing the last
`sliding_window` positions. Not here: generation, caches, batches, attention soft-capping (Gemma 3
has none; such a config is refused).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from minilm.lm.gguf_quants import dequantize

# Rows of the tied embedding rebuilt at once for the logits: 2.5 MB of float32 at width 640 stays in the
# CPU cache and under malloc's mmap threshold; 16,384 rows (40 MB) made the projection 10x slower (1.1 s).
LM_HEAD_ROWS = 1024


class GemmaForward:
    """Gemma 3 text model from `config` (config.json as a dict) and `tensors` (name -> tensor).

    >>> model = GemmaForward(config, tensors)  # doctest: +SKIP
    >>> model.next_token_logits([2, 506, 5279]).shape  # doctest: +SKIP
    torch.Size([262144])
    """

    def __init__(self, config: dict, tensors: dict[str, torch.Tensor], *, notes: tuple = ()):
        self.notes = notes  # what the cache needed on the way (`minilm.lang.Note`s), as `Gemma.notes`
        if config.get("attn_logit_softcapping") is not None:
            raise ValueError("attention soft-capping is not supported (Gemma 3 has none)")
        self.config, self.tensors = config, tensors
        self.n_heads, self.n_kv = config["num_attention_heads"], config["num_key_value_heads"]
        self.head_dim, self.eps = config["head_dim"], config["rms_norm_eps"]
        self.layer_types = config["layer_types"][: config["num_hidden_layers"]]
        self.embed = "model.embed_tokens.weight"
        self.lm_head = self.embed if _has(tensors, self.embed) and not _has(tensors, "lm_head.weight") else "lm_head.weight"

    def weight(self, name: str) -> torch.Tensor:
        """The float32 weight `name`, rebuilt from its codes when it is packed."""
        if name in self.tensors:
            return self.tensors[name].float()
        return dequantize(self.tensors[name + ".q"], self.tensors[name + ".scale"], self.tensors.get(name + ".min"))

    @torch.no_grad()
    def next_token_logits(self, ids: list[int]) -> torch.Tensor:
        """float32 logits (vocab,) for the token after `ids` (give <bos> first, as Gemma was trained)."""
        if not ids:
            raise ValueError("ids must hold at least one token (Gemma's <bos>)")
        ids_t = torch.tensor(ids)
        x = self._embed(ids_t) * torch.tensor(self.config["hidden_size"] ** 0.5)  # (n_tokens, hidden)
        positions = torch.arange(len(ids))
        for i, layer_type in enumerate(self.layer_types):
            x = self._layer(x, f"model.layers.{i}.", layer_type, positions)
        last = self._norm(x[-1:], "model.norm.weight")  # only the last position's logits are needed
        logits = self._project(last[0])
        cap = self.config.get("final_logit_softcapping")
        return torch.tanh(logits / cap) * cap if cap else logits

    def _embed(self, ids: torch.Tensor) -> torch.Tensor:
        name = self.embed
        if name in self.tensors:
            return self.tensors[name][ids].float()
        minimum = self.tensors.get(name + ".min")
        return dequantize(self.tensors[name + ".q"][ids], self.tensors[name + ".scale"][ids],
                          None if minimum is None else minimum[ids])

    def _project(self, h: torch.Tensor) -> torch.Tensor:
        """(vocab,) = W_lm_head @ h, the packed table rebuilt a slice of rows at a time."""
        name = self.lm_head
        if name in self.tensors:
            return self.tensors[name].float() @ h
        q = self.tensors[name + ".q"]
        out = torch.empty(q.shape[0])
        for start in range(0, q.shape[0], LM_HEAD_ROWS):
            rows = slice(start, start + LM_HEAD_ROWS)
            minimum = self.tensors.get(name + ".min")
            w = dequantize(q[rows], self.tensors[name + ".scale"][rows], None if minimum is None else minimum[rows])
            out[rows] = w @ h
        return out

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        x = x.float()
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * (1.0 + self.weight(name))

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.linear(x, self.weight(name + ".weight"))

    def _layer(self, x, prefix: str, layer_type: str, positions) -> torch.Tensor:
        h = self._attention(self._norm(x, prefix + "input_layernorm.weight"), prefix + "self_attn.", layer_type, positions)
        x = x + self._norm(h, prefix + "post_attention_layernorm.weight")
        h = self._norm(x, prefix + "pre_feedforward_layernorm.weight")
        mlp = prefix + "mlp."
        h = F.gelu(self._linear(h, mlp + "gate_proj"), approximate="tanh") * self._linear(h, mlp + "up_proj")
        return x + self._norm(self._linear(h, mlp + "down_proj"), prefix + "post_feedforward_layernorm.weight")

    def _attention(self, x, prefix: str, layer_type: str, positions) -> torch.Tensor:
        n = x.shape[0]

        def heads(proj, count):  # (n, count * head_dim) -> (1, count, n, head_dim)
            return self._linear(x, prefix + proj).view(1, n, count, self.head_dim).transpose(1, 2)

        q = self._norm(heads("q_proj", self.n_heads), prefix + "q_norm.weight")
        k = self._norm(heads("k_proj", self.n_kv), prefix + "k_norm.weight")
        v = heads("v_proj", self.n_kv)
        cos, sin = self._rope(positions, layer_type)
        q, k = q * cos + _rotate_half(q) * sin, k * cos + _rotate_half(k) * sin
        mask = positions[None, :] <= positions[:, None]  # (query, key): causal
        if layer_type == "sliding_attention":
            mask &= positions[None, :] > positions[:, None] - self.config["sliding_window"]
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=self.config["query_pre_attn_scalar"] ** -0.5,
                                             enable_gqa=True)
        return self._linear(out.transpose(1, 2).reshape(n, -1), prefix + "o_proj")

    def _rope(self, positions, layer_type: str):
        params = self.config["rope_parameters"][layer_type]
        if params.get("rope_type", "default") != "default":
            raise ValueError(f"rope_type {params['rope_type']!r} is not supported")
        inv_freq = 1.0 / (params["rope_theta"] ** (torch.arange(0, self.head_dim, 2, dtype=torch.float) / self.head_dim))
        freqs = positions[:, None].float() * inv_freq
        emb = torch.cat((freqs, freqs), dim=-1)  # (n, head_dim)
        return emb.cos(), emb.sin()


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def _has(tensors: dict, name: str) -> bool:
    return name in tensors or name + ".q" in tensors
