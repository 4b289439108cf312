"""LoRA branches in an ONNX graph, found by structure, whatever the exporter named the weights.

A branch is ``x -> MatMul(down) -> [Mul] -> MatMul(up) -> [Mul] -> Add(base, ·)`` where
``base`` is a MatMul (or Gemm) of the same ``x`` — possibly with a bias added and reshapes
around it (``Linear`` with a bias; GPT-2's ``Conv1D``, exported as a Gemm on a flattened
``x``). Scaling constants may be computed (a Constant cast to the activation type): they are
evaluated. Each weight is an initializer read directly,
through a 2-D ``Transpose``, or by ``Gemm`` with ``transB``; its *transform* says how the
PEFT layout (A [r, in], B [out, r]) becomes the initializer's: ``none`` when the initializer
holds the PEFT layout (the graph transposes at run time), ``transpose`` when it holds the
transposed matrix (PyTorch's exporter folded the transpose into a new initializer). ``scale``
is the product of constant multipliers on the branch (PEFT's ``lora_alpha / r`` as exported);
a multiplier that is a graph input (the run-time alpha) is left out.
"""
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import numpy_helper

from qnnpy.tools.onnx_eval import evaluate_node


@dataclass
class WeightUse:
    name: str        # the initializer
    transform: str   # "none" or "transpose": PEFT layout -> initializer layout
    shape: tuple


@dataclass
class Branch:
    down: WeightUse
    up: WeightUse
    scale: float
    base_weight: str | None   # the base projection's initializer, when it is one
    order: int                # position of the branch's Add in the graph


class _Graph:
    def __init__(self, model: onnx.ModelProto):
        g = model.graph
        self.inits = {i.name: i for i in g.initializer}
        self.inputs = {i.name for i in g.input}
        self.producer = {o: n for n in g.node for o in n.output}
        self.nodes = list(g.node)
        self.opsets = list(model.opset_import)
        self.model = model

    def constant(self, name, depth=0):
        """The value of ``name`` when it is a constant, evaluating small constant subgraphs."""
        if name in self.inits:
            return numpy_helper.to_array(self.inits[name])
        node = self.producer.get(name)
        if node is None or depth > 8 or node.op_type.startswith("Random"):
            return None
        if node.op_type == "Constant":
            return numpy_helper.to_array(node.attribute[0].t) if node.attribute[0].name == "value" else None
        values = [self.constant(i, depth + 1) if i else None for i in node.input]
        if not node.input or any(v is None for v, i in zip(values, node.input) if i):
            return None
        results = evaluate_node(node, {i: v for i, v in zip(node.input, values) if i}, self.opsets, self.model)
        return None if not results else results[0]

    def through_reshapes(self, name) -> str:
        while (node := self.producer.get(name)) is not None and node.op_type in ("Reshape", "Flatten", "Squeeze",
                                                                                   "Unsqueeze"):
            name = node.input[0]
        return name

    def _without_bias(self, add) -> list[str]:
        """The inputs of ``add`` that are not a bias (a constant of at most one dimension),
        each constant evaluated once."""
        return [i for i in add.input if (c := self.constant(i)) is None or c.ndim > 1]

    def base_projection(self, name) -> tuple[str | None, "WeightUse | None"]:
        """(activation, weight) of a projection, through reshapes and an added bias."""
        while (node := self.producer.get(name)) is not None:
            if node.op_type in ("Reshape", "Flatten", "Squeeze", "Unsqueeze"):
                name = node.input[0]
            elif node.op_type == "Add" and len(node.input) == 2 and len(rest := self._without_bias(node)) == 1:
                name = rest[0]
            else:
                break
        x, weight = self.weight_of(self.producer.get(name))
        return (self.through_reshapes(x) if x is not None else None), weight

    def weight_of(self, node) -> tuple[str | None, WeightUse | None]:
        """(activation input, weight) of a MatMul/Gemm whose second operand is a weight."""
        if node is None or node.op_type not in ("MatMul", "Gemm") or len(node.input) < 2:
            return None, None
        source, flipped = node.input[1], False
        producer = self.producer.get(source)
        if producer is not None and producer.op_type == "Transpose":
            perm = [a.ints for a in producer.attribute if a.name == "perm"]
            if perm and list(perm[0]) != [1, 0]:
                return None, None
            source, flipped = producer.input[0], True
        if node.op_type == "Gemm":
            flipped ^= any(a.name == "transB" and a.i for a in node.attribute)
        if source not in self.inits:
            return None, None
        shape = tuple(self.inits[source].dims)
        if len(shape) != 2:
            return None, None
        # MatMul(x, W) computes x @ W, so PEFT's A [r, in] appears as W = Aᵀ unless flipped back
        return node.input[0], WeightUse(source, "none" if flipped else "transpose", shape)

    def through_muls(self, name) -> tuple[str, float]:
        """Walk back over Mul nodes; returns (the tensor before them, product of constants)."""
        scale = 1.0
        while (node := self.producer.get(name)) is not None and node.op_type == "Mul":
            a, b = node.input
            if (value := self.constant(b)) is not None and value.size == 1:
                scale *= float(value.reshape(-1)[0])
                name = a
            elif (value := self.constant(a)) is not None and value.size == 1:
                scale *= float(value.reshape(-1)[0])
                name = b
            elif b in self.inputs and b not in self.inits:
                name = a
            elif a in self.inputs and a not in self.inits:
                name = b
            else:
                break
        return name, scale


def find_branches(model: onnx.ModelProto) -> list[Branch]:
    g = _Graph(model)
    branches = []
    for order, node in enumerate(g.nodes):
        if node.op_type != "Add" or len(node.input) != 2:
            continue
        for base_name, lora_name in (node.input, node.input[::-1]):
            base_x, base_w = g.base_projection(base_name)
            up_in, scale_after = g.through_muls(lora_name)
            mid, up = g.weight_of(g.producer.get(up_in))
            if base_x is None or up is None:
                continue
            down_out, scale_between = g.through_muls(mid)
            x, down = g.weight_of(g.producer.get(down_out))
            if down is None or g.through_reshapes(x) != base_x:
                continue
            branches.append(Branch(down, up, scale_after * scale_between, base_w.name, order))
            break
    return branches


def flip(value: np.ndarray, transform: str) -> np.ndarray:
    """Between PEFT's layout and an initializer's (the transform is its own inverse)."""
    return value.T if transform == "transpose" else value


def peft_shape(shape: tuple, transform: str) -> tuple:
    """An initializer's shape read in PEFT's layout."""
    return tuple(shape)[::-1] if transform == "transpose" else tuple(shape)
