"""An MLP whose linear layers carry PEFT-style LoRA branches, built through the public API.

Layer i computes ``h @ W_i + alpha * ((h @ A_iᵀ) @ B_iᵀ)`` (then Relu, except the last), with
A_i [max_rank, in] and B_i [out, max_rank] UPDATEABLE_STATIC and ``alpha`` a graph input —
the structure LoRA v2 expects. Adapters of lower rank are zero-padded to max_rank.
``reference`` computes the same thing independently, with merged weights W + alpha·(B·A)ᵀ.
"""
import numpy as np

from qnnpy import QnnTensor
from qnnpy.builder import BuilderError, GraphBuilder, make_tensor
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_TENSOR_TYPE_APP_READ, QNN_TENSOR_TYPE_APP_WRITE,
                            QNN_TENSOR_TYPE_NATIVE, QNN_TENSOR_TYPE_STATIC,
                            QNN_TENSOR_TYPE_UPDATEABLE_STATIC)

F32 = QNN_DATATYPE_FLOAT_32


def lora_names(i: int) -> tuple[str, str]:
    return f"layers.{i}.lora_A.weight", f"layers.{i}.lora_B.weight"


def make_base(dims: list[int], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32) for a, b in zip(dims, dims[1:])]


def _with_lora(dims, lora_layers):
    layers = range(len(dims) - 1)
    return [i for i in layers if lora_layers is None or i in lora_layers]


def make_adapter(dims: list[int], rank: int, max_rank: int, seed: int, lora_layers=None) -> dict[str, np.ndarray]:
    """PEFT-shaped A [rank, in] and B [out, rank], zero-padded to max_rank, for each layer
    in ``lora_layers`` (default: every layer)."""
    rng = np.random.default_rng(seed)
    adapter = {}
    for i in _with_lora(dims, lora_layers):
        a, b = dims[i], dims[i + 1]
        name_a, name_b = lora_names(i)
        adapter[name_a] = np.zeros((max_rank, a), np.float32)
        adapter[name_b] = np.zeros((b, max_rank), np.float32)
        adapter[name_a][:rank] = rng.standard_normal((rank, a)) / np.sqrt(a)
        adapter[name_b][:, :rank] = rng.standard_normal((b, rank)) * 0.5
    return adapter


def zero_adapter(dims: list[int], max_rank: int, lora_layers=None) -> dict[str, np.ndarray]:
    return {k: np.zeros_like(v) for k, v in make_adapter(dims, 0, max_rank, 0, lora_layers).items()}


def register_weights(handle: int, base: list[np.ndarray], max_rank: int, context: bool,
                     prefix: str = "", lora_layers=None) -> dict:
    """Register W_i (STATIC) and zero A_i/B_i (UPDATEABLE_STATIC) on a graph, or as context
    tensors that several graphs share. Registered names get ``prefix``; the returned dict
    is keyed by the plain names: {name: registered Qnn_Tensor_t}."""
    create = QnnTensor.QnnTensor_createContextTensor if context else QnnTensor.QnnTensor_createGraphTensor
    weights = {}
    with_lora = _with_lora([w.shape[0] for w in base] + [base[-1].shape[1]], lora_layers)
    for i, w in enumerate(base):
        name_a, name_b = lora_names(i)
        tensors = [(f"layers.{i}.weight", QNN_TENSOR_TYPE_STATIC, w)]
        if i in with_lora:
            tensors += [(name_a, QNN_TENSOR_TYPE_UPDATEABLE_STATIC, np.zeros((max_rank, w.shape[0]), np.float32)),
                        (name_b, QNN_TENSOR_TYPE_UPDATEABLE_STATIC, np.zeros((w.shape[1], max_rank), np.float32))]
        for name, kind, data in tensors:
            t = make_tensor(prefix + name, kind, F32, data.shape, data)
            err = create(handle, t)
            if err:
                raise BuilderError(f"registering '{name}'", err)
            weights[name] = t
    return weights


def build_qnn(graph: int, weights: dict, seq: int, prefix: str = "") -> dict:
    """Compose the MLP on ``graph`` from registered ``weights``; tensor names get ``prefix``
    (graphs of one context need distinct names). Returns the I/O structs x, alpha, y."""
    b = GraphBuilder(graph)
    n_layers = sum(1 for k in weights if k.endswith(".weight") and ".lora_" not in k)
    x = b.tensor(prefix + "x", QNN_TENSOR_TYPE_APP_WRITE, F32, (seq, weights["layers.0.weight"].v1.dimensions[0]))
    alpha = b.tensor(prefix + "alpha", QNN_TENSOR_TYPE_APP_WRITE, F32, (1,))
    h = x
    for i in range(n_layers):
        w = weights[f"layers.{i}.weight"]
        name_a, name_b = lora_names(i)
        out = w.v1.dimensions[1]
        last = i == n_layers - 1

        def native(tag, dims):
            return b.tensor(f"{prefix}layers.{i}.{tag}", QNN_TENSOR_TYPE_NATIVE, F32, dims)

        total = b.tensor(prefix + "y", QNN_TENSOR_TYPE_APP_READ, F32, (seq, out)) if last else native("sum", (seq, out))
        if name_a in weights:
            rank = weights[name_a].v1.dimensions[0]
            base, down, scaled, up = native("base", (seq, out)), native("lora_down", (seq, rank)), \
                native("lora_scaled", (seq, rank)), native("lora_up", (seq, out))
            b.node("MatMul", [h, w], [base])
            b.node("MatMul", [h, weights[name_a]], [down], transpose_in1=True)
            b.node("ElementWiseMultiply", [down, alpha], [scaled])
            b.node("MatMul", [scaled, weights[name_b]], [up], transpose_in1=True)
            b.node("ElementWiseAdd", [base, up], [total])
        else:
            b.node("MatMul", [h, w], [total])
        if not last:
            h = native("act", (seq, out))
            b.node("Relu", [total], [h])
        else:
            h = total
    return {"x": x, "alpha": alpha, "y": h}


def reference(x: np.ndarray, alpha: float, base: list[np.ndarray], adapter: dict) -> np.ndarray:
    """The independent answer: each layer with its merged weight W + alpha·(B·A)ᵀ, in float64."""
    h = x.astype(np.float64)
    for i, w in enumerate(base):
        name_a, name_b = lora_names(i)
        merged = w.astype(np.float64)
        if name_a in adapter:
            merged = merged + alpha * (adapter[name_b].astype(np.float64) @ adapter[name_a]).T
        h = h @ merged
        if i < len(base) - 1:
            h = np.maximum(h, 0)
    return h


def onnx_model(base: list[np.ndarray], max_rank: int, seq: int, lora_layers=None):
    """The same MLP as ONNX, LoRA tensors as graph inputs with same-named zero initializers
    (the layout onnxruntime's multi-LoRA overrides per run)."""
    from onnx import TensorProto, helper, numpy_helper
    nodes, inits = [], []
    dims = [w.shape[0] for w in base] + [base[-1].shape[1]]
    with_lora = _with_lora(dims, lora_layers)
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [seq, dims[0]]),
              helper.make_tensor_value_info("alpha", TensorProto.FLOAT, [1])]
    h = "x"
    for i, w in enumerate(base):
        inits.append(numpy_helper.from_array(w, f"layers.{i}.weight"))
        out = "y" if i == len(base) - 1 else f"h{i}"
        pre = out if i == len(base) - 1 else f"s{i}"
        if i in with_lora:
            name_a, name_b = lora_names(i)
            for name, shape in ((name_a, (max_rank, w.shape[0])), (name_b, (w.shape[1], max_rank))):
                inits.append(numpy_helper.from_array(np.zeros(shape, np.float32), name))
                inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)))
            nodes += [helper.make_node("MatMul", [h, f"layers.{i}.weight"], [f"b{i}"]),
                      helper.make_node("Transpose", [name_a], [f"at{i}"]),
                      helper.make_node("MatMul", [h, f"at{i}"], [f"d{i}"]),
                      helper.make_node("Mul", [f"d{i}", "alpha"], [f"m{i}"]),
                      helper.make_node("Transpose", [name_b], [f"bt{i}"]),
                      helper.make_node("MatMul", [f"m{i}", f"bt{i}"], [f"u{i}"]),
                      helper.make_node("Add", [f"b{i}", f"u{i}"], [pre])]
        else:
            nodes.append(helper.make_node("MatMul", [h, f"layers.{i}.weight"], [pre]))
        if i < len(base) - 1:
            nodes.append(helper.make_node("Relu", [pre], [out]))
        h = out
    graph = helper.make_graph(nodes, "lora_mlp", inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [seq, dims[-1]])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9)
