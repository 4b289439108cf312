"""Pattern fusions on the ONNX graph before conversion: the erf form of Gelu
(x · 0.5 · (1 + erf(x / √2))) into Gelu, and RMSNorm as PyTorch writes it out (Pow /
ReduceMean / Add / Sqrt / Div / Mul) into RmsNorm. The parts of a decomposition that does not
match convert op by op."""
import math

import numpy as np
import onnx
from onnx import numpy_helper

from qnnpy.tools.converter.onnx_import import attributes


class _Fusion:
    """What the pattern fusions decided: node indices to skip, and replacement ops keyed by
    the index of the last node of each fused pattern: (QNN op, inputs, params)."""

    def __init__(self, graph):
        self.skip, self.fused = set(), {}
        self.nodes = list(graph.node)  # protobuf hands out new wrappers per access: use indices
        self.producers = {o: k for k, n in enumerate(self.nodes) for o in n.output}
        self.consumers = {}
        for k, n in enumerate(self.nodes):
            for i in n.input:
                self.consumers.setdefault(i, []).append(k)
        self.consts = {}
        tensors = [(i.name, i) for i in graph.initializer if i.data_location != onnx.TensorProto.EXTERNAL]
        tensors += [(n.output[0], n.attribute[0].t) for n in self.nodes
                    if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value"]
        for name, proto in tensors:
            try:
                self.consts[name] = numpy_helper.to_array(proto)
            except Exception:  # a type numpy cannot hold: no pattern uses it
                pass

    def scalar(self, name, value=None):
        c = self.consts.get(name)
        if c is None or c.size != 1:
            return None
        v = float(c.reshape(-1)[0])
        return v if value is None or math.isclose(v, value, rel_tol=1e-3) else None

    def single(self, name):
        users = self.consumers.get(name, [])
        return users[0] if len(users) == 1 else None

    def node(self, k):
        return None if k is None else self.nodes[k]

    def op(self, k, *types):
        n = self.node(k)
        return n is not None and n.op_type in types

    def other_input(self, k, name):
        rest = [i for i in self.nodes[k].input if i != name]
        return rest[0] if len(rest) == 1 else None

    def record(self, chain, last, op_type, inputs, params=None):
        if any(k in self.skip or k in self.fused for k in chain):
            return
        self.skip.update(k for k in chain if k != last)
        self.fused[last] = (op_type, inputs, params or {})


def fuse_patterns(graph) -> _Fusion:
    fusion = _Fusion(graph)
    _fuse_erf_gelu(fusion)
    _fuse_rms_norm(fusion)
    return fusion


def _fuse_erf_gelu(f: _Fusion) -> None:
    """x → Div(√2) | Mul(1/√2) → Erf → Add(1) → Mul(x) → Mul(0.5), or with x · 0.5 first."""
    for erf_k, erf in enumerate(f.nodes):
        if erf.op_type != "Erf":
            continue
        scale_k = f.producers.get(erf.input[0])
        scale = f.node(scale_k)
        if scale is None or not ((scale.op_type == "Div" and f.scalar(scale.input[1], math.sqrt(2)) is not None)
                                 or (scale.op_type == "Mul" and f.scalar(scale.input[1], 1 / math.sqrt(2)) is not None)):
            continue
        x = scale.input[0]
        add_k = f.single(erf.output[0])
        if not f.op(add_k, "Add") or f.scalar(f.other_input(add_k, erf.output[0]), 1.0) is None:
            continue
        mul_k = f.single(f.nodes[add_k].output[0])
        if not f.op(mul_k, "Mul"):
            continue
        other = f.other_input(mul_k, f.nodes[add_k].output[0])
        if other == x:  # x · (1 + erf) first, then · 0.5
            half_k = f.single(f.nodes[mul_k].output[0])
            if not f.op(half_k, "Mul") or f.scalar(f.other_input(half_k, f.nodes[mul_k].output[0]), 0.5) is None:
                continue
            last = half_k
        else:  # (x · 0.5) · (1 + erf)
            half_k = f.producers.get(other)
            if not f.op(half_k, "Mul") or x not in f.nodes[half_k].input or f.single(other) is None \
                    or f.scalar(f.other_input(half_k, x), 0.5) is None:
                continue
            last = mul_k
        f.record([scale_k, erf_k, add_k, mul_k, half_k], last, "Gelu", [x])


def _fuse_rms_norm(f: _Fusion) -> None:
    """Pow(x, 2) | Mul(x, x) → ReduceMean(last axis, keepdims) → Add(eps) → Sqrt →
    Reciprocal | Div(1, ·) → Mul(x) [→ Mul(gamma)], or Sqrt → Div(x, ·) [→ Mul(gamma)]:
    RMSNorm as PyTorch exports it, fused into RmsNorm."""
    for mean_k, mean in enumerate(f.nodes):
        if mean.op_type != "ReduceMean":
            continue
        square_k = f.producers.get(mean.input[0])
        square = f.node(square_k)
        if square is None:
            continue
        if square.op_type == "Pow" and f.scalar(square.input[1], 2.0) is not None:
            x = square.input[0]
        elif square.op_type == "Mul" and square.input[0] == square.input[1]:
            x = square.input[0]
        else:
            continue
        mean_attrs = attributes(mean)
        axes = list(mean_attrs["axes"]) if "axes" in mean_attrs else None
        if axes is None and len(mean.input) > 1:
            axes = f.consts.get(mean.input[1])
            axes = None if axes is None else list(np.ravel(axes))
        keep = mean_attrs.get("keepdims", 1)
        if axes is None or len(axes) != 1 or axes[0] != -1 or not keep or f.single(square.output[0]) != mean_k:
            continue
        add_k = f.single(mean.output[0])
        if not f.op(add_k, "Add"):
            continue
        eps = f.scalar(f.other_input(add_k, mean.output[0]))
        sqrt_k = f.single(f.nodes[add_k].output[0])
        if eps is None or not f.op(sqrt_k, "Sqrt"):
            continue
        root = f.nodes[sqrt_k].output[0]
        inv_k = f.single(root)
        inv = f.node(inv_k)
        if inv is None:
            continue
        chain = [square_k, mean_k, add_k, sqrt_k, inv_k]
        if inv.op_type == "Div" and inv.input[0] == x and inv.input[1] == root:
            normed_k = inv_k
        elif (inv.op_type == "Reciprocal") or (inv.op_type == "Div" and inv.input[1] == root
                                               and f.scalar(inv.input[0], 1.0) is not None):
            normed_k = f.single(inv.output[0])
            if not f.op(normed_k, "Mul") or f.other_input(normed_k, inv.output[0]) != x:
                continue
            chain.append(normed_k)
        else:
            continue
        inputs, last = [x], normed_k
        gamma_k = f.single(f.nodes[normed_k].output[0])
        if f.op(gamma_k, "Mul"):
            gamma = f.other_input(gamma_k, f.nodes[normed_k].output[0])
            if gamma in f.consts and f.consts[gamma].ndim == 1:
                inputs.append(gamma)
                chain.append(gamma_k)
                last = gamma_k
        f.record(chain, last, "RmsNorm", inputs, {"epsilon": eps})
