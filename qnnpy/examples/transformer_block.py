"""A pre-norm transformer block, built twice from the same weights: as an ONNX model (the
independent reference for onnxruntime / onnx.reference) and through the public QNN API."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from qnnpy.builder import GraphBuilder
from qnnpy.QnnTypes import (QNN_DATATYPE_FLOAT_32, QNN_TENSOR_TYPE_APP_READ,
                            QNN_TENSOR_TYPE_APP_WRITE, QNN_TENSOR_TYPE_NATIVE)

F32 = QNN_DATATYPE_FLOAT_32


def make_weights(hidden: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)

    def mat(rows, cols):
        return (rng.standard_normal((rows, cols)) / np.sqrt(rows)).astype(np.float32)

    def vec(n, center=0.0):
        return (center + 0.1 * rng.standard_normal(n)).astype(np.float32)

    return {"ln1_g": vec(hidden, 1.0), "ln1_b": vec(hidden), "wq": mat(hidden, hidden),
            "wk": mat(hidden, hidden), "wv": mat(hidden, hidden), "wo": mat(hidden, hidden),
            "ln2_g": vec(hidden, 1.0), "ln2_b": vec(hidden), "w1": mat(hidden, 4 * hidden),
            "b1": vec(4 * hidden), "w2": mat(4 * hidden, hidden), "b2": vec(hidden)}


def onnx_model(w: dict, seq: int, hidden: int, heads: int) -> onnx.ModelProto:
    d = hidden // heads
    inits = [numpy_helper.from_array(v, k) for k, v in w.items()] + [
        numpy_helper.from_array(np.array([1, seq, heads, d], np.int64), "split_shape"),
        numpy_helper.from_array(np.array([1, seq, hidden], np.int64), "merge_shape"),
        numpy_helper.from_array(np.array([1.0 / np.sqrt(d)], np.float32), "scale")]
    n = helper.make_node
    nodes = [
        n("LayerNormalization", ["x", "ln1_g", "ln1_b"], ["ln1"], axis=-1, epsilon=1e-5),
        n("MatMul", ["ln1", "wq"], ["q"]), n("MatMul", ["ln1", "wk"], ["k"]),
        n("MatMul", ["ln1", "wv"], ["v"]),
        n("Reshape", ["q", "split_shape"], ["q4"]), n("Transpose", ["q4"], ["qh"], perm=[0, 2, 1, 3]),
        n("Reshape", ["k", "split_shape"], ["k4"]), n("Transpose", ["k4"], ["kt"], perm=[0, 2, 3, 1]),
        n("Reshape", ["v", "split_shape"], ["v4"]), n("Transpose", ["v4"], ["vh"], perm=[0, 2, 1, 3]),
        n("MatMul", ["qh", "kt"], ["s"]), n("Mul", ["s", "scale"], ["ss"]),
        n("Softmax", ["ss"], ["p"], axis=-1), n("MatMul", ["p", "vh"], ["a"]),
        n("Transpose", ["a"], ["at"], perm=[0, 2, 1, 3]), n("Reshape", ["at", "merge_shape"], ["am"]),
        n("MatMul", ["am", "wo"], ["o"]), n("Add", ["x", "o"], ["x2"]),
        n("LayerNormalization", ["x2", "ln2_g", "ln2_b"], ["ln2"], axis=-1, epsilon=1e-5),
        n("MatMul", ["ln2", "w1"], ["f1"]), n("Add", ["f1", "b1"], ["f1b"]),
        n("Gelu", ["f1b"], ["g"]), n("MatMul", ["g", "w2"], ["f2"]), n("Add", ["f2", "b2"], ["f2b"]),
        n("Add", ["x2", "f2b"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "transformer_block",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, seq, hidden])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, seq, hidden])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)], ir_version=9)


def build_qnn(graph_handle: int, w: dict, seq: int, hidden: int, heads: int):
    """Compose the block in a QNN graph; returns the registered input and output tensors."""
    d = hidden // heads
    b = GraphBuilder(graph_handle)

    def native(name, dims):
        return b.tensor(name, QNN_TENSOR_TYPE_NATIVE, F32, dims)

    seq3, heads4 = (1, seq, hidden), (1, heads, seq, d)
    x = b.tensor("x", QNN_TENSOR_TYPE_APP_WRITE, F32, seq3)
    weights = {k: b.static(k, v) for k, v in w.items()}
    scale = b.static("scale", np.array([1.0 / np.sqrt(d)], np.float32))
    ln1, q, k, v = (native(n, seq3) for n in ("ln1", "q", "k", "v"))
    b.node("LayerNorm", [x, weights["ln1_g"], weights["ln1_b"]], [ln1], epsilon=1e-5, axes=[2])
    for out, wname in ((q, "wq"), (k, "wk"), (v, "wv")):
        b.node("MatMul", [ln1, weights[wname]], [out])
    q4, k4, v4 = (native(n, (1, seq, heads, d)) for n in ("q4", "k4", "v4"))
    for src, dst in ((q, q4), (k, k4), (v, v4)):
        b.node("Reshape", [src], [dst])
    qh, vh, kt = native("qh", heads4), native("vh", heads4), native("kt", (1, heads, d, seq))
    b.node("Transpose", [q4], [qh], perm=[0, 2, 1, 3])
    b.node("Transpose", [k4], [kt], perm=[0, 2, 3, 1])
    b.node("Transpose", [v4], [vh], perm=[0, 2, 1, 3])
    s, ss, p = (native(n, (1, heads, seq, seq)) for n in ("s", "ss", "p"))
    b.node("MatMul", [qh, kt], [s])
    b.node("ElementWiseMultiply", [s, scale], [ss])
    b.node("Softmax", [ss], [p], axis=3)
    a, at, am = native("a", heads4), native("at", (1, seq, heads, d)), native("am", seq3)
    b.node("MatMul", [p, vh], [a])
    b.node("Transpose", [a], [at], perm=[0, 2, 1, 3])
    b.node("Reshape", [at], [am])
    o, x2, ln2 = native("o", seq3), native("x2", seq3), native("ln2", seq3)
    b.node("MatMul", [am, weights["wo"]], [o])
    b.node("ElementWiseAdd", [x, o], [x2])
    b.node("LayerNorm", [x2, weights["ln2_g"], weights["ln2_b"]], [ln2], epsilon=1e-5, axes=[2])
    f1, g = native("f1b", (1, seq, 4 * hidden)), native("g", (1, seq, 4 * hidden))
    f2 = native("f2b", seq3)
    b.node("MatMul", [ln2, weights["w1"], weights["b1"]], [f1])
    b.node("Gelu", [f1], [g])
    b.node("MatMul", [g, weights["w2"], weights["b2"]], [f2])
    y = b.tensor("y", QNN_TENSOR_TYPE_APP_READ, F32, seq3)
    b.node("ElementWiseAdd", [x2, f2], [y])
    return x, y
