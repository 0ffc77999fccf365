"""Gemma 3 270M's weights, converted once from the bundled GGUF and cached, loaded in about a second.

The conversion runs in a child process (its memory and GIL-bound work stay out of the app): the
config as transformers reads it from the GGUF, and every tensor under transformers' name, packed as
int8 codes with per-group scales (`minilm.lm.gguf_quants`, exact) or as float32 (the norms, stored as
transformers keeps them: the GGUF's value minus 1). It writes `model.safetensors` and `config.json`
into a scratch folder with a manifest (the GGUF's sha256, the weights' size, mtime and sha256) and
renames it into place, so a reader sees all of it or nothing. Every load checks the folder against
its manifest, as the GGUF is checked: trusted while the weights' size and mtime are the recorded
ones, else hashed; a damaged or stale one is removed and converted again, said in `notes` and on the
console.
Not here: the forward pass (`minilm.lm.gemma_forward`) or the GGUF's own checks (`minilm.tokens.gemma`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

from minilm.assets import cache_note, convert_in_child, file_stamp, put_folder, read_json, remove_folder, sha256_file, write_atomic

WEIGHTS, CONFIG, MANIFEST = "model.safetensors", "config.json", "manifest.json"
Progress = Callable[[str], None]

_LAYER_NAMES = {  # GGUF name inside blk.N -> transformers' name inside model.layers.N
    "attn_norm": "input_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj", "attn_q_norm": "self_attn.q_norm",
    "attn_k_norm": "self_attn.k_norm", "post_attention_norm": "post_attention_layernorm",
    "ffn_norm": "pre_feedforward_layernorm", "post_ffw_norm": "post_feedforward_layernorm",
    "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
}
_TOP_NAMES = {"token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head"}


def load_bundled_weights(gguf_path: Path, *, gguf_sha256: str | None = None, progress: Progress | None = None):
    """`GemmaForward` for the bundled GGUF (checked by `load_bundled`), its converted weights cached beside it.

    `notes` on the model say what the cache needed (rebuilt, stale), as `Gemma.notes` do for the tokenizer.
    """
    from minilm.lm.gemma_forward import GemmaForward

    if gguf_sha256 is None:
        from minilm.tokens.gemma import bundled_source

        gguf_sha256 = bundled_source().sha256
    notes: list = []
    folder = weights_folder(gguf_path.parent, gguf_sha256)
    config, tensors = cached_weights(gguf_path, gguf_sha256, folder=folder, progress=progress or (lambda stage: None),
                                     notes=notes)
    return GemmaForward(config, tensors, notes=tuple(notes))


def weights_folder(cache: Path, gguf_sha256: str) -> Path:
    """Where the weights converted from the GGUF with this sha256 live (beside its tokenizer's folder)."""
    return cache / f"gemma-3-270m-{gguf_sha256[:12]}-weights"


def cached_weights(gguf_path: Path, gguf_sha256: str, *, folder: Path, progress: Progress, notes: list):
    """(config dict, tensors) from `folder`, converted (again) when it is missing or does not fit its manifest."""
    misfit = weights_misfit(folder, gguf_sha256)
    for attempt in range(2):
        if misfit is not None:
            if misfit != "missing":
                notes.append(cache_note(misfit, file=str(folder / WEIGHTS), source=gguf_path.name))
                remove_folder(folder)
            progress("stage_gemma_convert" if misfit == "missing" else "stage_gemma_reconvert")
            convert(gguf_path, folder, gguf_sha256=gguf_sha256)
        progress("stage_gemma_load_cached")
        try:
            return _read(folder)
        except (OSError, ValueError, KeyError):  # it fitted its manifest yet does not load: rebuilt once
            if attempt:
                raise
            misfit = "cache_rebuilt_damaged"
    raise AssertionError("unreachable")


def weights_misfit(folder: Path, gguf_sha256: str) -> str | None:
    """None when `folder` holds the weights its manifest names, made from this GGUF; else "missing" or a note key."""
    if not folder.exists():
        return "missing"
    manifest = read_json(folder / MANIFEST)
    weights = folder / WEIGHTS
    if not isinstance(manifest, dict) or not weights.is_file() or not isinstance(read_json(folder / CONFIG), dict):
        return "cache_rebuilt_damaged"
    if manifest.get("gguf_sha256") != gguf_sha256:
        return "cache_rebuilt_stale"
    if manifest.get("weights_stamp") == file_stamp(weights):
        return None  # as the GGUF: trusted while size and mtime are the ones recorded (hashing costs ~0.3 s)
    if manifest.get("weights_size") != weights.stat().st_size:  # a truncated file fails here, unhashed
        return "cache_rebuilt_damaged"
    if manifest.get("weights_sha256") != sha256_file(weights):
        return "cache_rebuilt_damaged"
    try:  # the same bytes with a new mtime (a copied cache): record it, so the next start trusts it again
        write_atomic(folder / MANIFEST, json.dumps({**manifest, "weights_stamp": file_stamp(weights)}))
    except OSError:
        pass  # a read-only cache: hashed again next time
    return None


def _read(folder: Path):
    from safetensors.torch import load_file

    config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    return config, load_file(str(folder / WEIGHTS))


def convert(gguf_path: Path, out_dir: Path, *, gguf_sha256: str) -> None:
    """Convert the GGUF's weights (`run_converter`) and put `out_dir` whole, with its manifest, or not at all."""
    def fill(scratch: Path) -> None:
        run_converter(gguf_path, scratch)
        weights = scratch / WEIGHTS
        manifest = {"gguf_file": gguf_path.name, "gguf_sha256": gguf_sha256, "weights_size": weights.stat().st_size,
                    "weights_sha256": sha256_file(weights), "weights_stamp": file_stamp(weights)}
        (scratch / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    put_folder(out_dir, fill)


def run_converter(gguf_path: Path, out_dir: Path) -> None:
    """`write_weights` in a child process: it peaks at ~1 GB, which the app should never hold."""
    convert_in_child("minilm.lm.gemma_cache", gguf_path, out_dir)


def write_weights(gguf_path: Path, out_dir: Path) -> None:
    """`out_dir/config.json` (transformers' config for the GGUF) and `out_dir/model.safetensors`."""
    import numpy as np
    import torch
    from gguf import GGUFReader
    from gguf.quants import dequantize
    from safetensors.torch import save_file

    from minilm.lm.gguf_quants import SUPPORTED, unpack

    reader = GGUFReader(str(gguf_path))  # first: a file that is no GGUF fails before transformers is imported
    from transformers import AutoConfig

    AutoConfig.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name).save_pretrained(str(out_dir))
    tensors = {}
    for tensor in reader.tensors:
        name, qtype = hf_name(tensor.name), int(tensor.tensor_type)
        shape = tuple(int(n) for n in reversed(tensor.shape))  # GGUF lists the fastest dimension first
        if qtype in SUPPORTED and len(shape) == 2 and "norm" not in name:
            for part, values in unpack(tensor.data, qtype, shape).items():
                tensors[f"{name}.{part}"] = torch.from_numpy(values)
            continue
        values = np.asarray(dequantize(tensor.data, tensor.tensor_type), dtype=np.float32).reshape(shape)
        if tensor.name.endswith("norm.weight"):
            values = values - np.float32(1)  # llama.cpp stores Gemma's norms as 1 + w; transformers subtracts it back
        tensors[name] = torch.from_numpy(np.ascontiguousarray(values))
    save_file(tensors, str(out_dir / WEIGHTS), metadata={"format": "pt"})


def hf_name(gguf_name: str) -> str:
    """transformers' name for a GGUF tensor: "blk.3.ffn_up.weight" -> "model.layers.3.mlp.up_proj.weight"."""
    stem, _, kind = gguf_name.rpartition(".")
    if stem.startswith("blk."):
        _, index, part = stem.split(".", 2)
        return f"model.layers.{index}.{_LAYER_NAMES[part]}.{kind}"
    return f"{_TOP_NAMES[stem]}.{kind}"










if __name__ == "__main__" and sys.argv[1:2] == ["convert"]:
    write_weights(Path(sys.argv[2]), Path(sys.argv[3]))
