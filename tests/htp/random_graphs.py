"""Random chains of ops over a [rows, cols] activation, built by Twin (QNN API + ONNX)."""
import numpy as np
from hypothesis import strategies as st

OPS = ("matmul", "add", "sub", "mul", "div", "relu", "gelu", "sigmoid", "tanh", "softmax",
       "layernorm", "rmsnorm", "transpose", "concat")


@st.composite
def recipes(draw, max_ops=5):
    rows, cols = draw(st.integers(1, 4)), draw(st.integers(2, 16))
    ops = draw(st.lists(st.sampled_from(OPS), min_size=1, max_size=max_ops))
    seed = draw(st.integers(0, 2**16))
    return rows, cols, ops, seed


class Built:
    """What ``build`` made: the output, a float input, and facts about normalization ops."""

    def __init__(self, output, x, norm_width, norm_inputs):
        self.output, self.x, self.norm_width, self.norm_inputs = output, x, norm_width, norm_inputs


def build(twin, recipe) -> Built:
    """Add the recipe's ops to ``twin``."""
    rows, cols, ops, seed = recipe
    rng = np.random.default_rng(seed)
    cur = twin.input("x", (rows, cols))
    shape = (rows, cols)
    norm_width, norm_inputs = float("inf"), []
    for op in ops:
        r, c = shape
        if op == "matmul":
            c2 = int(rng.integers(2, 17))
            shape = (r, c2)
            cur = twin.op("MatMul", "MatMul", [cur, twin.const(rng.standard_normal((c, c2)) / np.sqrt(c))], (r, c2))
        elif op in ("add", "sub", "mul", "div"):
            values = rng.uniform(0.5, 2.0, c) if op == "div" else rng.standard_normal(c)
            qnn = {"add": "ElementWiseAdd", "sub": "ElementWiseSubtract", "mul": "ElementWiseMultiply",
                   "div": "ElementWiseDivide"}[op]
            cur = twin.op(qnn, op.capitalize(), [cur, twin.const(values)], shape)
        elif op in ("relu", "gelu", "sigmoid", "tanh"):
            cur = twin.op(op.capitalize(), op.capitalize(), [cur], shape)
        elif op == "softmax":
            cur = twin.op("Softmax", "Softmax", [cur], shape, {"axis": 1}, {"axis": 1})
        elif op in ("layernorm", "rmsnorm"):
            norm_width = min(norm_width, c)
            norm_inputs.append(cur[0])
        if op == "layernorm":
            g, b = twin.const(rng.uniform(0.5, 1.5, c)), twin.const(rng.standard_normal(c) * 0.1)
            cur = twin.op("LayerNorm", "LayerNormalization", [cur, g, b], shape,
                          {"axes": [1], "epsilon": 1e-5}, {"axis": -1, "epsilon": 1e-5})
        elif op == "rmsnorm":
            g = twin.const(rng.uniform(0.5, 1.5, c))
            cur = twin.op("RmsNorm", "RMSNormalization", [cur, g], shape,
                          {"axes": [1], "epsilon": 1e-5}, {"axis": -1, "epsilon": 1e-5})
        elif op == "transpose":
            shape = (c, r)
            cur = twin.op("Transpose", "Transpose", [cur], shape, {"perm": [1, 0]}, {"perm": [1, 0]})
        elif op == "concat":
            k = int(rng.integers(1, 4))
            shape = (r, c + k)
            cur = twin.op("Concat", "Concat", [cur, twin.const(rng.standard_normal((r, k)))], shape,
                          {"axis": 1}, {"axis": 1})
    return Built(cur, rng.standard_normal((rows, cols)).astype(np.float32) * 2, norm_width, norm_inputs)
