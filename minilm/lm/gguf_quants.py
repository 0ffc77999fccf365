"""GGUF weights kept small but exact: each quantised tensor as int8 codes with a scale (and a min) per group.

Every block type the bundled Gemma 3 270M uses decodes to `scale * q - min` over groups of 16 or 32
values, with small integer codes `q`: Q8_0 and Q5_0 (a float16 scale per 32), Q4_K (per 32, a scale
and a min built from a float16 and 6 bits) and Q6_K (per 16, a float16 times an int8). `unpack`
turns a GGUF tensor's raw blocks into those codes (1 byte a value, plus 4 or 8 bytes a group) and
`dequantize` rebuilds the float32 weights with the same float32 operations, in the same order, as
`gguf.quants.dequantize`: bit for bit the values transformers loads. Not here: other block types
(the converter keeps those as float32) and reading the GGUF file (`minilm.lm.gemma_cache`).
"""

from __future__ import annotations

import numpy as np

Q8_0, Q5_0, Q4_K, Q6_K = 8, 6, 12, 14  # ggml type numbers (gguf.GGMLQuantizationType)
SUPPORTED = (Q8_0, Q5_0, Q4_K, Q6_K)


def unpack(blocks: np.ndarray, qtype: int, shape: tuple[int, int]) -> dict[str, np.ndarray]:
    """Raw blocks (uint8, as `GGUFReader` gives them) -> {"q": int8 (rows, cols), "scale": float32
    (rows, groups)[, "min": float32 (rows, groups)]}.

    >>> unpack(np.array([[0, 60] + [1] * 32], np.uint8), Q8_0, (1, 32))["scale"]  # float16 0x3c00 = 1.0
    array([[1.]], dtype=float32)
    """
    rows, cols = shape
    unpackers = {Q8_0: (_q8_0, 34), Q5_0: (_q5_0, 22), Q4_K: (_q4_k, 144), Q6_K: (_q6_k, 210)}
    if qtype not in unpackers:
        raise ValueError(f"ggml type {qtype} is not one of {SUPPORTED}")
    decode, type_size = unpackers[qtype]
    parts = decode(np.ascontiguousarray(blocks).reshape(-1, type_size))
    return {name: part.reshape(rows, -1) for name, part in parts.items()}


def _f16(raw: np.ndarray) -> np.ndarray:
    return raw.copy().view(np.float16).astype(np.float32)


def _q8_0(blocks):
    return {"q": blocks[:, 2:].copy().view(np.int8), "scale": _f16(blocks[:, :2])}


def _q5_0(blocks):
    n = blocks.shape[0]
    d, qh, qs = blocks[:, :2], blocks[:, 2:6].copy().view(np.uint32), blocks[:, 6:]
    high = ((qh.reshape(n, 1) >> np.arange(32, dtype=np.uint32)) & 1).astype(np.uint8)
    low = (qs.reshape(n, 1, 16) >> np.array([0, 4], np.uint8).reshape(1, 2, 1)) & 0x0F  # low nibbles first
    q = (low.reshape(n, 32) | (high << 4)).astype(np.int8) - np.int8(16)
    return {"q": q, "scale": _f16(d)}


def _q4_k(blocks):
    n = blocks.shape[0]
    d, dmin, scales, qs = _f16(blocks[:, :2]), _f16(blocks[:, 2:4]), blocks[:, 4:16], blocks[:, 16:]
    low6, high6, mixed = np.split(scales.reshape(n, 3, 4), 3, axis=1)  # 8 six-bit scales and mins in 12 bytes
    sc = np.concatenate([low6 & 0x3F, (mixed & 0x0F) | ((low6 >> 2) & 0x30)], axis=-1).reshape(n, 8)
    mins = np.concatenate([high6 & 0x3F, (mixed >> 4) | ((high6 >> 2) & 0x30)], axis=-1).reshape(n, 8)
    q = (qs.reshape(n, 4, 1, 32) >> np.array([0, 4], np.uint8).reshape(1, 1, 2, 1)) & 0x0F
    return {"q": q.reshape(n, 256).astype(np.int8), "scale": d * sc.astype(np.float32),
            "min": dmin * mins.astype(np.float32)}


def _q6_k(blocks):
    n = blocks.shape[0]
    ql, qh, scales, d = blocks[:, :128], blocks[:, 128:192], blocks[:, 192:208], _f16(blocks[:, 208:])
    low = (ql.reshape(n, 2, 1, 64) >> np.array([0, 4], np.uint8).reshape(1, 1, 2, 1)) & 0x0F
    high = (qh.reshape(n, 2, 1, 32) >> np.array([0, 2, 4, 6], np.uint8).reshape(1, 1, 4, 1)) & 0x03
    q = (low.reshape(n, 8, 32) | (high.reshape(n, 8, 32) << 4)).astype(np.int8) - np.int8(32)
    return {"q": q.reshape(n, 256), "scale": d * scales.copy().view(np.int8).astype(np.float32)}


def dequantize(q, scale, minimum=None):
    """float32 weights (rows, cols) from int8 codes and per-group scales (torch tensors), as gguf computes them.

    >>> import torch
    >>> dequantize(torch.tensor([[1, -2]], dtype=torch.int8), torch.tensor([[0.5]])).tolist()
    [[0.5, -1.0]]
    """
    rows, cols = q.shape
    groups = scale.shape[1]
    w = q.view(rows, groups, cols // groups).float() * scale.unsqueeze(-1)  # (rows, groups, group size)
    if minimum is not None:
        w = w - minimum.unsqueeze(-1)  # a separate step, as gguf's `d * q - dm`: no fused multiply-add
    return w.view(rows, cols)
