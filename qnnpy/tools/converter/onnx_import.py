"""ONNX model -> converter Graph (float). One handler per ONNX op, in ONNX_OPS.

- Shapes come from ONNX shape inference; every tensor must end up with a static shape.
- Nodes whose inputs are all constants are folded with onnx's reference evaluator — except
  where a LoRA weight (--lora_weight_list) is involved: those keep their ONNX names and are
  never folded, fused or transposed away. A Transpose of a LoRA weight that feeds a MatMul
  becomes MatMul's transpose_in1, so the weight keeps its ONNX layout (no transform needed
  at import time).
- The erf form of Gelu (x · 0.5 · (1 + erf(x / √2))) is fused into Gelu, and RMSNorm as
  PyTorch writes it out (Pow / ReduceMean / Add / Sqrt / Div / Mul) into RmsNorm; the parts
  of a decomposition that does not match convert op by op.
- Every unsupported op is collected; the conversion fails with one message listing them all.
"""
import math

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

from qnnpy.tools.converter.model import INPUT, NATIVE, OUTPUT, STATIC, UPDATABLE, Graph, Node, Tensor


class ConversionError(Exception):
    """A model qnnpy cannot convert; the message says what and what to do."""


ONNX_OPS = {}


def handles(*names):
    def register(fn):
        for name in names:
            ONNX_OPS[name] = fn
        return fn
    return register


_DTYPES = {np.dtype(np.float32): "FLOAT_32", np.dtype(np.float16): "FLOAT_16", np.dtype(np.int32): "INT_32",
           np.dtype(np.int64): "INT_32", np.dtype(np.bool_): "BOOL_8", np.dtype(np.uint8): "UINT_8",
           np.dtype(np.int8): "INT_8"}


class Importer:
    def __init__(self, model: onnx.ModelProto, lora_names: set[str], graph_name: str):
        self.model = shape_inference.infer_shapes(model, data_prop=True)
        self.g = self.model.graph
        self.lora = lora_names
        self.out = Graph(graph_name, lora_weights=sorted(lora_names))
        self.consts: dict[str, np.ndarray] = {i.name: numpy_helper.to_array(i) for i in self.g.initializer}
        self.alias: dict[str, str] = {}
        self.lora_transposes: dict[str, tuple[str, list[int]]] = {}
        self.shapes, self.types = {}, {}
        for vi in list(self.g.input) + list(self.g.value_info) + list(self.g.output):
            t = vi.type.tensor_type
            if t.HasField("shape"):
                self.shapes[vi.name] = tuple(d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim)
            self.types[vi.name] = helper.tensor_dtype_to_np_dtype(t.elem_type) if t.elem_type else None
        self.unsupported: list[str] = []
        self.count = 0

    # -- helpers for handlers -------------------------------------------------------------
    def name(self, n: str) -> str:
        while n in self.alias:
            n = self.alias[n]
        return n

    def const(self, n: str):
        n = self.name(n)
        return None if n in self.lora else self.consts.get(n)

    def shape(self, n: str) -> tuple[int, ...]:
        n = self.name(n)
        if n in self.consts:
            return tuple(self.consts[n].shape)
        if n in self.out.tensors:
            return self.out.tensors[n].shape
        shape = self.shapes.get(n)
        if shape is None or any(d is None or d <= 0 for d in shape):
            raise ConversionError(f"tensor '{n}' has no static shape ({shape}); export the model with fixed "
                                  "input shapes")
        return shape

    def tensor(self, n: str) -> str:
        """The converter tensor for an ONNX value, making constants into static tensors."""
        n = self.name(n)
        if n in self.out.tensors:
            return n
        if n in self.consts:
            data = self.consts[n]
            if data.dtype == np.float64:
                data = data.astype(np.float32)
            if data.dtype == np.int64:
                data = data.astype(np.int32)
            role = UPDATABLE if n in self.lora else STATIC
            self.out.tensors[n] = Tensor(n, role, _DTYPES[data.dtype], tuple(data.shape), np.ascontiguousarray(data))
            return n
        raise ConversionError(f"tensor '{n}' is used before any node produces it")

    def static(self, array: np.ndarray, hint: str) -> str:
        self.count += 1
        name = f"{hint}__const{self.count}"
        self.consts[name] = np.asarray(array)
        return self.tensor(name)

    def emit(self, op_type, inputs, outputs, params=None, name=None, shapes=None, dtype="FLOAT_32"):
        for i, o in enumerate(outputs):
            if o not in self.out.tensors:
                shape = shapes[i] if shapes else self.shape(o)
                self.out.tensors[o] = Tensor(o, NATIVE, dtype, tuple(shape))
        self.count += 1
        self.out.nodes.append(Node(name or f"{op_type}_{self.count}", op_type, [self.tensor(i) for i in inputs],
                                   outputs, params or {}))

    # -- the walk --------------------------------------------------------------------------
    def run(self) -> Graph:
        init_names = set(self.consts)
        for vi in self.g.input:
            if vi.name in init_names:
                continue  # an overridable initializer: a constant for the converter
            dtype = self.types.get(vi.name)
            self.out.tensors[vi.name] = Tensor(vi.name, INPUT, _DTYPES.get(np.dtype(dtype), "FLOAT_32"),
                                               self.shape(vi.name))
            self.out.inputs.append(vi.name)
        fused = _fuse_patterns(self.g)
        for index, node in enumerate(self.g.node):
            if index in fused.skip:
                continue
            if index in fused.fused:
                op_type, inputs, params = fused.fused[index]
                if op_type == "RmsNorm":
                    rank = len(self.shape(inputs[0]))
                    params = {"axes": np.array([rank - 1], np.uint32), **params}
                self.emit(op_type, inputs, [node.output[0]], params, name=node.name or None)
                continue
            self._node(node)
        if self.unsupported:
            raise ConversionError("the model uses ops qnnpy cannot convert: " + "; ".join(self.unsupported)
                                  + ". Nothing was written.")
        for o in self.g.output:
            src = self.name(o.name)
            if src in self.out.tensors and self.out.tensors[src].role == NATIVE:
                self.out.tensors[src].role = OUTPUT
                if src != o.name:  # keep the ONNX output name visible to clients
                    self._rename(src, o.name)
                self.out.outputs.append(o.name)
            else:
                raise ConversionError(f"graph output '{o.name}' is not computed by any node (a constant?)")
        return self.out

    def _rename(self, old, new):
        t = self.out.tensors.pop(old)
        t.name = new
        self.out.tensors[new] = t
        for n in self.out.nodes:
            n.inputs = [new if i == old else i for i in n.inputs]
            n.outputs = [new if o == old else o for o in n.outputs]

    def _node(self, node):
        if node.op_type == "Constant":
            value = next(a for a in node.attribute if a.name in ("value", "value_float", "value_int",
                                                                  "value_floats", "value_ints"))
            self.consts[node.output[0]] = numpy_helper.to_array(value.t) if value.name == "value" \
                else np.array(helper.get_attribute_value(value))
            return
        ins = [i for i in node.input]
        touches_lora = any(self.name(i) in self.lora for i in ins if i)
        if node.op_type == "Transpose" and touches_lora and self.name(ins[0]) in self.consts:
            perm = list(helper.get_attribute_value(node.attribute[0])) if node.attribute else None
            self.lora_transposes[node.output[0]] = (self.name(ins[0]), perm)
            return
        if not touches_lora and all(self.const(i) is not None for i in ins if i) and node.op_type in FOLDABLE:
            self._fold(node)
            return
        if node.op_type == "Shape" and all(d is not None for d in self.shapes.get(self.name(ins[0]), (None,))):
            self.consts[node.output[0]] = np.array(self.shape(ins[0]), np.int64)
            return
        handler = ONNX_OPS.get(node.op_type)
        if handler is None:
            self.unsupported.append(f"{node.op_type} (node '{node.name or node.output[0]}')")
            return
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        handler(self, node, attrs)

    def _fold(self, node):
        from onnx.reference import ReferenceEvaluator
        inputs = [i for i in node.input]
        graph = helper.make_graph([node], "fold", [], [helper.make_tensor_value_info(o, 0, None) for o in node.output])
        model = helper.make_model(graph, opset_imports=self.model.opset_import, ir_version=self.model.ir_version)
        feeds = {i: self.const(i) for i in inputs if i}
        for name, value in zip(node.output, ReferenceEvaluator(model).run(None, feeds)):
            self.consts[name] = np.asarray(value)

    def transposed_lora(self, n):
        return self.lora_transposes.get(n)


FOLDABLE = {"Add", "Sub", "Mul", "Div", "Cast", "Concat", "Gather", "Unsqueeze", "Squeeze", "Reshape", "Shape",
            "Slice", "Transpose", "ConstantOfShape", "Range", "Expand", "Where", "Equal", "Sqrt", "Pow",
            "Neg", "Reciprocal", "Identity", "ReduceProd", "Flatten", "Split", "Min", "Max", "Not", "Less",
            "Greater", "Floor", "Ceil", "Tile"}


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
        self.consts = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        for n in self.nodes:
            if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value":
                self.consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)

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


def _fuse_patterns(graph) -> _Fusion:
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
        axes = next((list(helper.get_attribute_value(a)) for a in mean.attribute if a.name == "axes"), None)
        if axes is None and len(mean.input) > 1:
            axes = f.consts.get(mean.input[1])
            axes = None if axes is None else list(np.ravel(axes))
        keep = next((helper.get_attribute_value(a) for a in mean.attribute if a.name == "keepdims"), 1)
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


# -- handlers --------------------------------------------------------------------------------

def _binary(qnn_type):
    def handler(im, node, attrs):
        im.emit(qnn_type, [node.input[0], node.input[1]], [node.output[0]])
    return handler


for _onnx, _qnn in (("Add", "ElementWiseAdd"), ("Sub", "ElementWiseSubtract"), ("Mul", "ElementWiseMultiply"),
                    ("Div", "ElementWiseDivide"), ("Max", "ElementWiseMaximum"), ("Min", "ElementWiseMinimum")):
    handles(_onnx)(_binary(_qnn))


def _unary(qnn_type):
    def handler(im, node, attrs):
        im.emit(qnn_type, [node.input[0]], [node.output[0]])
    return handler


for _onnx, _qnn in (("Relu", "Relu"), ("Sigmoid", "Sigmoid"), ("Tanh", "Tanh"), ("Gelu", "Gelu"),
                    ("Sqrt", "ElementWiseSquareRoot"), ("Exp", "ElementWiseExp"), ("Neg", "ElementWiseNeg")):
    handles(_onnx)(_unary(_qnn))


@handles("Gelu")
def _gelu(im, node, attrs):
    if attrs.get("approximate", b"none") not in (b"none", "none"):
        im.unsupported.append(f"Gelu with approximate='tanh' (node '{node.name}'); qnnpy's Gelu is the exact erf form")
        return
    im.emit("Gelu", [node.input[0]], [node.output[0]])


@handles("Reciprocal")
def _reciprocal(im, node, attrs):
    im.emit("ElementWiseDivide", [im.static(np.float32(1.0).reshape(()), node.output[0]), node.input[0]], [node.output[0]])


@handles("Pow")
def _pow(im, node, attrs):
    exponent = im.const(node.input[1])
    if exponent is not None and exponent.size == 1 and float(exponent) == 2.0:
        im.emit("ElementWiseMultiply", [node.input[0], node.input[0]], [node.output[0]])
    elif exponent is not None and exponent.size == 1 and float(exponent) == 0.5:
        im.emit("ElementWiseSquareRoot", [node.input[0]], [node.output[0]])
    else:
        im.emit("ElementWisePower", [node.input[0], node.input[1]], [node.output[0]])


@handles("MatMul")
def _matmul(im, node, attrs):
    a, b = node.input
    params = {}
    lora_t = im.transposed_lora(b)
    if lora_t is not None and (lora_t[1] is None or lora_t[1] == [1, 0]):
        b, params = lora_t[0], {"transpose_in1": True}
    elif lora_t is not None:
        im.unsupported.append(f"MatMul of a LoRA weight transposed by {lora_t[1]} (node '{node.name}')")
        return
    im.emit("MatMul", [a, b], [node.output[0]], params)


@handles("Gemm")
def _gemm(im, node, attrs):
    a, b = node.input[0], node.input[1]
    alpha, beta = attrs.get("alpha", 1.0), attrs.get("beta", 1.0)
    params = {"transpose_in0": bool(attrs.get("transA", 0)), "transpose_in1": bool(attrs.get("transB", 0))}
    if alpha != 1.0:
        w = im.const(b)
        if w is None:
            im.unsupported.append(f"Gemm with alpha != 1 on a non-constant B (node '{node.name}')")
            return
        b = im.static(w * np.float32(alpha), node.output[0])
    inputs = [a, b]
    if len(node.input) > 2 and node.input[2]:
        c = im.const(node.input[2])
        out_cols = im.shape(node.output[0])[-1]
        if c is not None and c.size in (1, out_cols) and c.ndim <= 1:
            inputs.append(im.static(np.broadcast_to(c * np.float32(beta), (out_cols,)).astype(np.float32),
                                    node.output[0]))
        else:
            product = node.output[0] + "__product"
            im.emit("MatMul", inputs, [product], params, shapes=[im.shape(node.output[0])])
            bias = c * np.float32(beta) if c is not None else None
            im.emit("ElementWiseAdd", [product, im.static(bias, node.output[0]) if bias is not None else node.input[2]],
                    [node.output[0]])
            return
    im.emit("MatMul", inputs, [node.output[0]], params)


@handles("Softmax")
def _softmax(im, node, attrs):
    rank = len(im.shape(node.input[0]))
    im.emit("Softmax", [node.input[0]], [node.output[0]], {"axis": attrs.get("axis", -1) % rank})


@handles("LayerNormalization")
def _layernorm(im, node, attrs):
    rank = len(im.shape(node.input[0]))
    axis = attrs.get("axis", -1) % rank
    inputs = [node.input[0]] + [i for i in node.input[1:3] if i]
    im.emit("LayerNorm", inputs, [node.output[0]],
            {"axes": np.arange(axis, rank, dtype=np.uint32), "epsilon": float(attrs.get("epsilon", 1e-5))})


def _reduce(qnn_type):
    def handler(im, node, attrs):
        rank = len(im.shape(node.input[0]))
        axes = attrs.get("axes")
        if axes is None and len(node.input) > 1 and node.input[1]:
            axes = im.const(node.input[1])
        axes = range(rank) if axes is None or len(axes) == 0 else [int(a) % rank for a in np.ravel(axes)]
        im.emit(qnn_type, [node.input[0]], [node.output[0]],
                {"axes": np.array(sorted(axes), np.uint32), "keep_dims": bool(attrs.get("keepdims", 1))})
    return handler


for _onnx, _qnn in (("ReduceMean", "ReduceMean"), ("ReduceSum", "ReduceSum"), ("ReduceMax", "ReduceMax")):
    handles(_onnx)(_reduce(_qnn))


@handles("Reshape", "Unsqueeze", "Squeeze", "Flatten")
def _reshape(im, node, attrs):
    im.emit("Reshape", [node.input[0]], [node.output[0]])


@handles("Identity", "Dropout")
def _identity(im, node, attrs):
    im.alias[node.output[0]] = im.name(node.input[0])


@handles("Transpose")
def _transpose(im, node, attrs):
    perm = attrs.get("perm") or list(reversed(range(len(im.shape(node.input[0])))))
    im.emit("Transpose", [node.input[0]], [node.output[0]], {"perm": np.array(perm, np.uint32)})


@handles("Concat")
def _concat(im, node, attrs):
    rank = len(im.shape(node.output[0]))
    im.emit("Concat", list(node.input), [node.output[0]], {"axis": attrs["axis"] % rank})


@handles("Split")
def _split(im, node, attrs):
    rank = len(im.shape(node.input[0]))
    axis = attrs.get("axis", 0) % rank
    sizes = [im.shape(o)[axis] for o in node.output]
    im.emit("Split", [node.input[0]], list(node.output),
            {"axis": axis, "split_index": np.cumsum(sizes[:-1]).astype(np.uint32)})


@handles("Gather")
def _gather(im, node, attrs):
    rank = len(im.shape(node.input[0]))
    indices = im.const(node.input[1])
    idx = im.static(indices.astype(np.int32), node.output[0]) if indices is not None else node.input[1]
    im.emit("Gather", [node.input[0], idx], [node.output[0]], {"axis": attrs.get("axis", 0) % rank})


@handles("Slice")
def _slice(im, node, attrs):
    shape = im.shape(node.input[0])
    values = [im.const(i) if i else None for i in node.input[1:]]
    if any(v is None for v in values[:2]) or any(v is None for v, i in zip(values[2:], node.input[3:]) if i):
        im.unsupported.append(f"Slice with non-constant starts/ends (node '{node.name}')")
        return
    starts, ends = values[0], values[1]
    axes = values[2] if len(values) > 2 and values[2] is not None else np.arange(len(starts))
    steps = values[3] if len(values) > 3 and values[3] is not None else np.ones(len(starts), np.int64)
    ranges = np.array([[0, d, 1] for d in shape], np.int64)
    for s, e, a, st in zip(starts, ends, axes, steps):
        a = int(a) % len(shape)
        s, e, st = int(s), int(e), int(st)
        ranges[a] = [s, max(min(e, shape[a]), -shape[a] - 1) if st > 0 else max(e, -shape[a] - 1), st]
    im.emit("StridedSlice", [node.input[0]], [node.output[0]], {"ranges": ranges.astype(np.int32)})


@handles("Cast")
def _cast(im, node, attrs):
    target = helper.tensor_dtype_to_np_dtype(attrs["to"])
    source = im.types.get(im.name(node.input[0]))
    if source is not None and np.dtype(source) == np.dtype(target) or target == np.float32 and source is None:
        im.alias[node.output[0]] = im.name(node.input[0])
        return
    im.emit("Cast", [node.input[0]], [node.output[0]], dtype=_DTYPES.get(np.dtype(target), "FLOAT_32"))


@handles("Where")
def _where(im, node, attrs):
    cond = im.const(node.input[0])
    cond_name = im.static(cond.astype(np.bool_).astype(np.uint8), node.output[0]) if cond is not None else node.input[0]
    if cond is not None:
        im.out.tensors[cond_name].dtype = "BOOL_8"
    im.emit("ElementWiseSelect", [cond_name, node.input[1], node.input[2]], [node.output[0]])


@handles("Expand")
def _expand(im, node, attrs):
    shape = im.shape(node.output[0])
    im.emit("ElementWiseAdd", [node.input[0], im.static(np.zeros(shape, np.float32), node.output[0])], [node.output[0]])


@handles("Conv")
def _conv(im, node, attrs):
    x_shape = im.shape(node.input[0])
    w = im.const(node.input[1])
    if len(x_shape) != 4 or w is None or attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        im.unsupported.append(f"Conv other than 2-D with constant weights and explicit pads (node '{node.name}')")
        return
    pads = attrs.get("pads", [0, 0, 0, 0])
    out = node.output[0]
    n, c, h, wd = x_shape
    o_shape = im.shape(out)
    nhwc_in, nhwc_out = out + "__nhwc_in", out + "__nhwc_out"
    im.emit("Transpose", [node.input[0]], [nhwc_in], {"perm": np.array([0, 2, 3, 1], np.uint32)},
            shapes=[(n, h, wd, c)])
    inputs = [nhwc_in, im.static(np.ascontiguousarray(w.transpose(2, 3, 1, 0)).astype(np.float32), out)]
    if len(node.input) > 2 and node.input[2]:
        inputs.append(node.input[2])
    im.emit("Conv2d", inputs, [nhwc_out],
            {"stride": np.array(attrs.get("strides", [1, 1]), np.uint32),
             "pad_amount": np.array([[pads[0], pads[2]], [pads[1], pads[3]]], np.uint32),
             "dilation": np.array(attrs.get("dilations", [1, 1]), np.uint32), "group": int(attrs.get("group", 1))},
            shapes=[(o_shape[0], o_shape[2], o_shape[3], o_shape[1])])
    im.emit("Transpose", [nhwc_out], [out], {"perm": np.array([0, 3, 1, 2], np.uint32)})


def import_onnx(model: onnx.ModelProto, lora_names: set[str], graph_name: str) -> Graph:
    return Importer(model, lora_names, graph_name).run()
