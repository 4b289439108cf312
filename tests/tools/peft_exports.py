"""ONNX models shaped like torch.onnx.export's output for a PEFT-wrapped model, written with
onnx.helper, in the two forms users meet (issue: LoRA tensors lose their names):

- ``dynamo``: the exporter's default optimization folded every weight transpose into a new
  initializer named ``val_<n>`` — LoRA A appears as Aᵀ [in, r], B as Bᵀ [r, out], consumed by
  MatMul directly; the base weights too, unless ``base_names`` keeps them.
- ``plain`` (``optimize=False``): names survive with the wrapper's prefix and PEFT's adapter
  segment (``m.model.layers.0.self_attn.q_proj.lora_A.default.weight``) and the transposes
  stay as Transpose nodes.

Either way PEFT multiplies the branch by ``scaling`` (lora_alpha / r) after B. Per layer:
``h = h + sigmoid(q(h)) * v(h)`` with LoRA on q and v.
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

HIDDEN, LAYERS = 32, 2
TARGETS = ("q_proj", "v_proj")


def module_names(layers=LAYERS):
    return [f"model.layers.{i}.self_attn.{t}" for i in range(layers) for t in TARGETS]


def base_weights(seed=0, hidden=HIDDEN):
    """{module: W [in, out]} (the projection computes x @ W)."""
    rng = np.random.default_rng(seed)
    return {m: (rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)).astype(np.float32) for m in module_names()}


def adapter(rank, seed, hidden=HIDDEN):
    """PEFT keys -> A [r, in], B [out, r]."""
    rng = np.random.default_rng(seed)
    tensors = {}
    for m in module_names():
        tensors[f"base_model.model.{m}.lora_A.weight"] = (rng.standard_normal((rank, hidden)) / np.sqrt(hidden)).astype(np.float32)
        tensors[f"base_model.model.{m}.lora_B.weight"] = (rng.standard_normal((hidden, rank)) * 0.3).astype(np.float32)
    return tensors


def export(base: dict, lora: dict, scaling: float, style: str, base_names: bool = False, hidden=HIDDEN):
    """The ONNX model. ``lora``: PEFT keys -> values (the adapter at export time, or zeros)."""
    inits, nodes, counter = [], [], iter(range(100, 10_000))

    def init(name, value):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value, np.float32), name))
        return name

    def node(op, ins, **attrs):
        out = f"n{next(counter)}"
        nodes.append(helper.make_node(op, ins, [out], name=out, **attrs))
        return out

    def weight(value_in_peft_layout, name, keep_name=False):
        """x @ weight: dynamo folds the transpose into a renamed initializer; plain keeps it."""
        if style == "dynamo":
            return init(name if keep_name else f"val_{next(counter)}", value_in_peft_layout.T)
        return node("Transpose", [init(name, value_in_peft_layout)], perm=[1, 0])

    scale = init(f"val_{next(counter)}" if style == "dynamo" else "scaling", np.float32(scaling))

    def projection(h, module):
        base_name = f"m.{module}.base_layer.weight" if style == "plain" else f"{module}.base_layer.weight"
        y = node("MatMul", [h, weight(base[module].T, base_name, base_names)])
        a = lora[f"base_model.model.{module}.lora_A.weight"]
        b = lora[f"base_model.model.{module}.lora_B.weight"]
        down = node("MatMul", [h, weight(a, f"m.{module}.lora_A.default.weight")])
        up = node("MatMul", [down, weight(b, f"m.{module}.lora_B.default.weight")])
        return node("Add", [y, node("Mul", [up, scale])])

    h = "x"
    for i in range(LAYERS):
        q = projection(h, f"model.layers.{i}.self_attn.q_proj")
        v = projection(h, f"model.layers.{i}.self_attn.v_proj")
        h = node("Add", [h, node("Mul", [node("Sigmoid", [q]), v])])
    nodes.append(helper.make_node("Identity", [h], ["y"], name="y"))
    graph = helper.make_graph(nodes, "peft", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, hidden])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, hidden])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=9)


def merged(base: dict, tensors: dict, scaling: float, max_rank: int):
    """The independent reference: base weights with the adapter merged in (float64), a
    zero LoRA branch of the export's rank."""
    new_base, zeros = {}, {}
    for m in module_names():
        a = tensors[f"base_model.model.{m}.lora_A.weight"].astype(np.float64)
        b = tensors[f"base_model.model.{m}.lora_B.weight"].astype(np.float64)
        new_base[m] = (base[m] + scaling * (a.T @ b.T)).astype(np.float32)
        zeros[f"base_model.model.{m}.lora_A.weight"] = np.zeros((max_rank, a.shape[1]), np.float32)
        zeros[f"base_model.model.{m}.lora_B.weight"] = np.zeros((b.shape[0], max_rank), np.float32)
    return new_base, zeros
