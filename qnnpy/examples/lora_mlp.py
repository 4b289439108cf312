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


def make_adapter(dims: list[int], rank: int, max_rank: int, seed: int) -> dict[str, np.ndarray]:
    """PEFT-shaped A [rank, in] and B [out, rank], zero-padded to max_rank."""
    rng = np.random.default_rng(seed)
    adapter = {}
    for i, (a, b) in enumerate(zip(dims, dims[1:])):
        name_a, name_b = lora_names(i)
        adapter[name_a] = np.zeros((max_rank, a), np.float32)
        adapter[name_b] = np.zeros((b, max_rank), np.float32)
        adapter[name_a][:rank] = rng.standard_normal((rank, a)) / np.sqrt(a)
        adapter[name_b][:, :rank] = rng.standard_normal((b, rank)) * 0.5
    return adapter


def zero_adapter(dims: list[int], max_rank: int) -> dict[str, np.ndarray]:
    return {k: np.zeros_like(v) for k, v in make_adapter(dims, 0, max_rank, 0).items()}


def register_weights(handle: int, base: list[np.ndarray], max_rank: int, context: bool,
                     prefix: str = "") -> dict:
    """Register W_i (STATIC) and zero A_i/B_i (UPDATEABLE_STATIC) on a graph, or as context
    tensors that several graphs share. Registered names get ``prefix``; the returned dict
    is keyed by the plain names: {name: registered Qnn_Tensor_t}."""
    create = QnnTensor.QnnTensor_createContextTensor if context else QnnTensor.QnnTensor_createGraphTensor
    weights = {}
    for i, w in enumerate(base):
        name_a, name_b = lora_names(i)
        for name, kind, data in ((f"layers.{i}.weight", QNN_TENSOR_TYPE_STATIC, w),
                                 (name_a, QNN_TENSOR_TYPE_UPDATEABLE_STATIC, np.zeros((max_rank, w.shape[0]), np.float32)),
                                 (name_b, QNN_TENSOR_TYPE_UPDATEABLE_STATIC, np.zeros((w.shape[1], max_rank), np.float32))):
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
    n_layers = sum(1 for k in weights if k.endswith(".lora_A.weight"))
    x = b.tensor(prefix + "x", QNN_TENSOR_TYPE_APP_WRITE, F32, (seq, weights["layers.0.weight"].v1.dimensions[0]))
    alpha = b.tensor(prefix + "alpha", QNN_TENSOR_TYPE_APP_WRITE, F32, (1,))
    h = x
    for i in range(n_layers):
        w = weights[f"layers.{i}.weight"]
        name_a, name_b = lora_names(i)
        out, rank = w.v1.dimensions[1], weights[name_a].v1.dimensions[0]

        def native(tag, dims):
            return b.tensor(f"{prefix}layers.{i}.{tag}", QNN_TENSOR_TYPE_NATIVE, F32, dims)

        base, down, scaled, up = native("base", (seq, out)), native("lora_down", (seq, rank)), \
            native("lora_scaled", (seq, rank)), native("lora_up", (seq, out))
        b.node("MatMul", [h, w], [base])
        b.node("MatMul", [h, weights[name_a]], [down], transpose_in1=True)
        b.node("ElementWiseMultiply", [down, alpha], [scaled])
        b.node("MatMul", [scaled, weights[name_b]], [up], transpose_in1=True)
        last = i == n_layers - 1
        total = b.tensor(prefix + "y", QNN_TENSOR_TYPE_APP_READ, F32, (seq, out)) if last else native("sum", (seq, out))
        b.node("ElementWiseAdd", [base, up], [total])
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
        merged = w.astype(np.float64) + alpha * (adapter[name_b].astype(np.float64) @ adapter[name_a]).T
        h = h @ merged
        if i < len(base) - 1:
            h = np.maximum(h, 0)
    return h
