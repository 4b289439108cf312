"""A small decoder-style transformer with PEFT-style LoRA on q and v, as onnx.helper writes it
(no torch needed), and PEFT adapters for it.

Per layer: RMSNorm (written out as Pow / ReduceMean / Add / Sqrt / Div / Mul, the way PyTorch
exports it) -> q, k, v projections, where q and v carry a LoRA branch
``x -> MatMul(Transpose(lora_A)) -> Mul(alpha) -> MatMul(Transpose(lora_B)) -> Add`` ->
causal attention -> output projection -> residual -> RMSNorm -> MLP with the erf form of
Gelu -> residual. The LoRA initializers are named like a PEFT export's
(``layers.0.self_attn.q_proj.lora_A.weight``) and hold the max-rank shape; adapters of lower
rank are zero-padded. ``alpha`` scales every LoRA branch (PEFT's scaling is folded into B by
the importer).
"""
import json
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper

LAYERS, HIDDEN, HEADS, SEQ, FFN = 2, 256, 4, 64, 512
# The causal mask adds -20, not the -1e4 (or float min) many exporters use: e^-20 masks just as
# well, while a mask of -1e4 stretches the range of the masked scores so far that 8-bit
# activations have no resolution left for the unmasked ones (measured: 11 dB instead of 30+).
MASK = -20.0
LORA_TARGETS = ("q_proj", "v_proj")


def lora_keys(layers=LAYERS):
    for i in range(layers):
        for target in LORA_TARGETS:
            yield f"layers.{i}.self_attn.{target}"


def make_model(max_rank: int = 16, seed: int = 0, layers=LAYERS, hidden=HIDDEN, heads=HEADS, seq=SEQ, ffn=FFN):
    rng = np.random.default_rng(seed)
    inits, nodes = [], []

    def init(name, array):
        inits.append(numpy_helper.from_array(np.asarray(array, np.float32) if np.asarray(array).dtype.kind == "f"
                                             else np.asarray(array), name))
        return name

    def linear(name, rows, cols):
        return init(name, rng.standard_normal((rows, cols)) / np.sqrt(rows))

    def node(op, ins, out, **attrs):
        nodes.append(helper.make_node(op, ins, [out], name=out, **attrs))
        return out

    init("two", np.float32(2.0))
    init("one", np.float32(1.0))
    init("half", np.float32(0.5))
    init("sqrt2", np.float32(np.sqrt(2.0)))
    init("eps", np.float32(1e-6))
    init("att_scale", np.float32(1.0 / np.sqrt(hidden // heads)))
    init("causal", np.triu(np.full((seq, seq), MASK, np.float32), 1))
    init("heads_shape", np.array([1, seq, heads, hidden // heads], np.int64))
    init("merge_shape", np.array([1, seq, hidden], np.int64))
    init("axes_last", np.array([-1], np.int64))

    def rmsnorm(x, prefix):
        weight = init(f"{prefix}.weight", 1 + 0.1 * rng.standard_normal(hidden))
        sq = node("Pow", [x, "two"], f"{prefix}.pow")
        mean = node("ReduceMean", [sq, "axes_last"], f"{prefix}.mean", keepdims=1)
        var = node("Add", [mean, "eps"], f"{prefix}.add")
        root = node("Sqrt", [var], f"{prefix}.sqrt")
        inv = node("Div", ["one", root], f"{prefix}.inv")
        normed = node("Mul", [x, inv], f"{prefix}.normed")
        return node("Mul", [normed, weight], f"{prefix}.out")

    def projection(x, prefix, lora):
        base = node("MatMul", [x, linear(f"{prefix}.weight", hidden, hidden)], f"{prefix}.base")
        if not lora:
            return base
        a = init(f"{prefix}.lora_A.weight", np.zeros((max_rank, hidden)))
        b = init(f"{prefix}.lora_B.weight", np.zeros((hidden, max_rank)))
        at = node("Transpose", [a], f"{prefix}.lora_A.t", perm=[1, 0])
        down = node("MatMul", [x, at], f"{prefix}.lora_down")
        scaled = node("Mul", [down, "alpha"], f"{prefix}.lora_scaled")
        bt = node("Transpose", [b], f"{prefix}.lora_B.t", perm=[1, 0])
        up = node("MatMul", [scaled, bt], f"{prefix}.lora_up")
        return node("Add", [base, up], f"{prefix}.out")

    def gelu(x, prefix):
        scaled = node("Div", [x, "sqrt2"], f"{prefix}.div")
        erf = node("Erf", [scaled], f"{prefix}.erf")
        plus = node("Add", [erf, "one"], f"{prefix}.add")
        prod = node("Mul", [x, plus], f"{prefix}.mul")
        return node("Mul", [prod, "half"], f"{prefix}.out")

    h = "x"
    for i in range(layers):
        p = f"layers.{i}"
        n = rmsnorm(h, f"{p}.input_layernorm")
        q, k, v = (projection(n, f"{p}.self_attn.{t}_proj", f"{t}_proj" in LORA_TARGETS) for t in "qkv")
        heads_of = {}
        for t, value in (("q", q), ("k", k), ("v", v)):
            r = node("Reshape", [value, "heads_shape"], f"{p}.self_attn.{t}_heads")
            heads_of[t] = node("Transpose", [r], f"{p}.self_attn.{t}_t", perm=[0, 2, 3, 1] if t == "k" else [0, 2, 1, 3])
        scores = node("MatMul", [heads_of["q"], heads_of["k"]], f"{p}.self_attn.scores")
        scaled = node("Mul", [scores, "att_scale"], f"{p}.self_attn.scaled")
        masked = node("Add", [scaled, "causal"], f"{p}.self_attn.masked")
        probs = node("Softmax", [masked], f"{p}.self_attn.probs", axis=-1)
        ctx = node("MatMul", [probs, heads_of["v"]], f"{p}.self_attn.ctx")
        ctx_t = node("Transpose", [ctx], f"{p}.self_attn.ctx_t", perm=[0, 2, 1, 3])
        merged = node("Reshape", [ctx_t, "merge_shape"], f"{p}.self_attn.merged")
        o = node("MatMul", [merged, linear(f"{p}.self_attn.o_proj.weight", hidden, hidden)], f"{p}.self_attn.o")
        h = node("Add", [h, o], f"{p}.residual1")
        n2 = rmsnorm(h, f"{p}.post_attention_layernorm")
        up = node("MatMul", [n2, linear(f"{p}.mlp.up_proj.weight", hidden, ffn)], f"{p}.mlp.up")
        act = gelu(up, f"{p}.mlp.act")
        down = node("MatMul", [act, linear(f"{p}.mlp.down_proj.weight", ffn, hidden)], f"{p}.mlp.down")
        h = node("Add", [h, down], f"{p}.residual2")
    nodes.append(helper.make_node("Identity", [h], ["logits"], name="logits"))
    graph = helper.make_graph(nodes, "decoder", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, seq, hidden]),
                                                 helper.make_tensor_value_info("alpha", TensorProto.FLOAT, [1])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, seq, hidden])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=9)


def lora_weight_names(layers=LAYERS) -> list[str]:
    return [f"{key}.lora_{ab}.weight" for key in lora_keys(layers) for ab in "AB"]


def write_peft_adapter(folder: str, rank: int, lora_alpha: float, seed: int, layers=LAYERS, hidden=HIDDEN) -> dict:
    """A PEFT adapter folder (adapter_config.json + adapter_model.safetensors) with PEFT's key
    names (``base_model.model.<module>.lora_A.weight``, A [r, in], B [out, r]). Returns the
    tensors by key."""
    from safetensors.numpy import save_file
    rng = np.random.default_rng(seed)
    tensors = {}
    for key in lora_keys(layers):
        tensors[f"base_model.model.{key}.lora_A.weight"] = (rng.standard_normal((rank, hidden)) / np.sqrt(hidden)).astype(np.float32)
        tensors[f"base_model.model.{key}.lora_B.weight"] = (rng.standard_normal((hidden, rank)) * 0.2).astype(np.float32)
    os.makedirs(folder, exist_ok=True)
    save_file(tensors, os.path.join(folder, "adapter_model.safetensors"))
    config = {"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": rank, "lora_alpha": lora_alpha,
              "target_modules": list(LORA_TARGETS), "lora_dropout": 0.0, "fan_in_fan_out": False, "bias": "none",
              "use_rslora": False}
    with open(os.path.join(folder, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=1)
    return tensors


def padded_onnx_weights(tensors: dict, rank: int, lora_alpha: float, max_rank: int) -> dict:
    """The adapter as ONNX initializer values: zero-padded to max_rank, PEFT's scaling
    (lora_alpha / r) folded into B."""
    out = {}
    for key in lora_keys():
        a = tensors[f"base_model.model.{key}.lora_A.weight"]
        b = tensors[f"base_model.model.{key}.lora_B.weight"] * np.float32(lora_alpha / rank)
        out[f"{key}.lora_A.weight"] = np.pad(a, ((0, max_rank - rank), (0, 0)))
        out[f"{key}.lora_B.weight"] = np.pad(b, ((0, 0), (0, max_rank - rank)))
    return out


def merged_model(model, tensors: dict, rank: int, lora_alpha: float, alpha: float):
    """An independent reference for an adapter: a copy of ``model`` whose q/v projection
    weights have the adapter merged in (W + alpha * (lora_alpha / r) * Aᵀ Bᵀ for y = x W), in
    float64 before rounding, and whose LoRA branch is all zero. ``tensors`` has PEFT keys."""
    import copy
    merged = copy.deepcopy(model)
    by_name = {init.name: init for init in merged.graph.initializer}
    for key in lora_keys():
        a = tensors[f"base_model.model.{key}.lora_A.weight"].astype(np.float64)
        b = tensors[f"base_model.model.{key}.lora_B.weight"].astype(np.float64)
        weight = by_name[f"{key}.weight"]
        w = numpy_helper.to_array(weight).astype(np.float64) + alpha * (lora_alpha / rank) * (a.T @ b.T)
        weight.CopyFrom(numpy_helper.from_array(w.astype(np.float32), weight.name))
        for ab in "AB":
            lora = by_name[f"{key}.lora_{ab}.weight"]
            lora.CopyFrom(numpy_helper.from_array(np.zeros_like(numpy_helper.to_array(lora)), lora.name))
    return merged
