"""ONNX model -> converter Graph (float): the walk, constants, shapes and types.

- Every node whose inputs are all known constants is folded with onnx's reference
  evaluator, whatever its op (shape and mask arithmetic: Shape, Range, ConstantOfShape,
  Equal, Where, Trilu, CumSum, ...), except where a LoRA weight (--lora_weight_list) is
  involved: those keep their ONNX names and are never folded, fused or transposed away.
- Shapes and types of what stays come from ONNX shape inference, node by node, fed with
  the shapes found so far and the values of small constants, so that shapes computed from
  other shapes are static too. A tensor with a zero-size dimension (an empty past KV
  cache) holds no data: it becomes an empty constant and folds away.
- Types: the HTP has bool, int8/16/32, uint8/16/32, float16 and float32 tensors. int64 is
  stored as INT_32, as qairt-converter does (a constant that does not fit is refused); every
  other type is refused by name, never substituted.
- What cannot be converted is collected as one problem per node — ``[class] node 'n' (Op):
  reason`` — and reported together; a node fed by a refused node is not reported again.
- The ops themselves are lowered by the handlers in ``onnx_ops`` (one entry per ONNX op,
  with the attributes it understands: any other attribute is refused, never ignored).
"""
import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference

from qnnpy.tools.converter.model import INPUT, NATIVE, OUTPUT, STATIC, UPDATABLE, Graph, Node, Tensor
from qnnpy.tools.onnx_eval import evaluate_node, single_node_model


class ConversionError(Exception):
    """A model qnnpy cannot convert; the message says what and what to do."""


class Refusal(Exception):
    """One node that cannot be converted: ``kind`` is the reason class (unsupported op,
    datatype, attribute, dynamic shape, runtime input)."""

    def __init__(self, kind: str, text: str):
        super().__init__(text)
        self.kind = kind


# ONNX element type -> QNN data type name (int64 is narrowed, see the module docstring)
_QNN_TYPES = {np.dtype(np.float32): "FLOAT_32", np.dtype(np.float16): "FLOAT_16", np.dtype(np.bool_): "BOOL_8",
              np.dtype(np.int8): "INT_8", np.dtype(np.int16): "INT_16", np.dtype(np.int32): "INT_32",
              np.dtype(np.int64): "INT_32", np.dtype(np.uint8): "UINT_8", np.dtype(np.uint16): "UINT_16",
              np.dtype(np.uint32): "UINT_32"}
# what a constant of another type is stored as when it must become a static tensor
_CONST_STORAGE = {np.dtype(np.int64): np.int32, np.dtype(np.uint64): np.uint32, np.dtype(np.float64): np.float32}
# ops whose result is not a function of their inputs: never folded
_NONDETERMINISTIC = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial",
                     "Bernoulli"}
_INFER_VALUES_UP_TO = 4096  # constants this small are handed to shape inference with their values


def type_name(dtype) -> str:
    try:
        return helper.tensor_dtype_to_string(helper.np_dtype_to_tensor_dtype(np.dtype(dtype))).removeprefix(
            "TensorProto.")
    except Exception:  # ml_dtypes and others onnx cannot name
        return str(dtype)


def qnn_type(dtype, what: str) -> str:
    """The QNN data type for a runtime tensor of numpy ``dtype``; refuses the others."""
    name = _QNN_TYPES.get(np.dtype(dtype)) if dtype is not None else None
    if name is None:
        raise Refusal("datatype", f"{what} is {type_name(dtype)}, which the HTP backend has no type for "
                                  "(it has bool, int8/16/32, uint8/16/32, float16, float32)")
    return name


def onnx_opset(opsets, default: int) -> int:
    """The version of the default ONNX domain among ``opsets``."""
    return next((o.version for o in opsets if o.domain in ("", "ai.onnx")), default)


def attributes(node) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def elem_dtype(elem_type: int):
    try:
        return np.dtype(helper.tensor_dtype_to_np_dtype(elem_type))
    except Exception:
        return None


class Importer:
    def __init__(self, model: onnx.ModelProto, lora_names: set[str], graph_name: str,
                 input_shapes: dict | None = None, symbols: dict | None = None):
        self.model = model
        self.g = model.graph
        self.opset = onnx_opset(model.opset_import, 1)
        self.lora = lora_names
        self.out = Graph(graph_name, lora_weights=sorted(lora_names))
        self.consts: dict[str, np.ndarray] = {}
        self.values: dict[str, tuple] = {}   # runtime tensor -> (numpy dtype, shape)
        self.alias: dict[str, str] = {}
        self.lora_transposes: dict[str, tuple[str, list[int]]] = {}
        self.problems: list[str] = []
        self.input_shapes = dict(input_shapes or {})  # --desired_input_shape: name -> dims
        self.symbols = dict(symbols or {})            # --onnx_define_symbol: dim name -> size
        self.refused: set[str] = set()      # outputs of refused nodes
        self.sequences: dict[str, list[str]] = {}  # a tensor sequence -> its element tensors
        self.count = 0
        for init in self.g.initializer:
            try:
                self.consts[init.name] = numpy_helper.to_array(init)
            except Exception as err:  # external data that cannot be found, unknown types
                self.problems.append(f"[datatype] initializer '{init.name}' cannot be read: {err}")

    # -- helpers for handlers -------------------------------------------------------------
    def name(self, n: str) -> str:
        while n in self.alias:
            n = self.alias[n]
        return n

    def const(self, n: str):
        """The constant value of ``n`` (never a LoRA weight), or None."""
        n = self.name(n)
        return None if n in self.lora else self.consts.get(n)

    def info(self, n: str) -> tuple:
        n = self.name(n)
        if n in self.consts:
            return self.consts[n].dtype, tuple(self.consts[n].shape)
        return self.values[n]

    def shape(self, n: str) -> tuple[int, ...]:
        return self.info(n)[1]

    def dtype(self, n: str) -> np.dtype:
        return np.dtype(self.info(n)[0])

    def tensor(self, n: str) -> str:
        """The converter tensor for an ONNX value, making constants into static tensors."""
        n = self.name(n)
        if n in self.out.tensors:
            return n
        if n in self.consts:
            data = self._storable(n, self.consts[n])
            role = UPDATABLE if n in self.lora else STATIC
            self.out.tensors[n] = Tensor(n, role, qnn_type(data.dtype, f"constant '{n}'"), tuple(data.shape),
                                         np.ascontiguousarray(data))
            return n
        dtype, shape = self.values[n]  # a KeyError here is a converter bug, reported as such
        self.out.tensors[n] = Tensor(n, NATIVE, qnn_type(dtype, f"tensor '{n}'"), shape)
        return n

    @staticmethod
    def _storable(name: str, data: np.ndarray) -> np.ndarray:
        target = _CONST_STORAGE.get(data.dtype)
        if target is None:
            return data
        if data.dtype.kind in "iu" and data.size:
            info = np.iinfo(target)
            if data.min() < info.min or data.max() > info.max:
                raise Refusal("datatype", f"constant '{name}' holds {type_name(data.dtype)} values outside "
                                          f"{type_name(target)}, the type the HTP stores it as")
        return data.astype(target)

    def static(self, array: np.ndarray, hint: str) -> str:
        """A new constant (a static tensor once used), named after ``hint``."""
        self.count += 1
        name = f"{hint}__const{self.count}"
        self.consts[name] = np.asarray(array)
        return name

    def temp(self, hint: str, dtype, shape) -> str:
        """A new intermediate tensor for a lowering that takes several QNN ops."""
        self.count += 1
        name = f"{hint}__{self.count}"
        self.values[name] = (np.dtype(dtype), tuple(int(d) for d in shape))
        return name

    def emit(self, op_type, inputs, outputs, params=None, name=None):
        for o in outputs:
            self.tensor(o)
        self.count += 1
        self.out.nodes.append(Node(name or f"{op_type}_{self.count}", op_type,
                                   [self.tensor(i) if i else "" for i in inputs], list(outputs), params or {}))

    def transposed_lora(self, n):
        return self.lora_transposes.get(n)

    def refuse(self, kind: str, text: str):
        raise Refusal(kind, text)

    # -- the walk --------------------------------------------------------------------------
    def run(self) -> Graph:
        from qnnpy.tools.converter.onnx_fusions import fuse_patterns
        from qnnpy.tools.converter.onnx_ops import HANDLERS
        from qnnpy.tools.converter.onnx_ops.sequence import SEQUENCE_HANDLERS
        self.handlers, self.sequence_handlers = HANDLERS, SEQUENCE_HANDLERS
        self._inputs()
        fused = fuse_patterns(self.g)
        for index, node in enumerate(self.g.node):
            if index in fused.skip:
                continue
            self._guarded(node, fused.fused.get(index))
        self._outputs()
        self._drop_unread_inputs()
        if self.problems:
            raise ConversionError(f"{len(self.problems)} problem(s) prevent the conversion; nothing was written:\n  "
                                  + "\n  ".join(self.problems))
        return self.out

    def _inputs(self) -> None:
        declared = {vi.name for vi in self.g.input if vi.name not in self.consts}
        for name in sorted(set(self.input_shapes) - declared):
            self.problems.append(f"[invalid model] --desired_input_shape names '{name}', which is not a graph input "
                                 f"(inputs: {sorted(declared)})")
        for vi in self.g.input:
            if vi.name in self.consts:
                continue  # an overridable initializer: a constant for the converter
            try:
                dtype, shape = self._declared(vi)
                if 0 in shape:
                    self.consts[vi.name] = np.zeros(shape, dtype)  # no data: nothing to feed
                    continue
                self.values[vi.name] = (dtype, shape)
                self.out.tensors[vi.name] = Tensor(vi.name, INPUT, qnn_type(dtype, f"input '{vi.name}'"), shape)
                self.out.inputs.append(vi.name)
            except Refusal as err:
                self.problems.append(f"[{err.kind}] {err}")
                self.refused.add(vi.name)

    def _declared(self, vi) -> tuple:
        """An input's type and static shape: as declared, with --onnx_define_symbol sizes for
        named dimensions, or as --desired_input_shape gives it (which must fit the declaration)."""
        kind = vi.type.WhichOneof("value")
        if kind != "tensor_type":
            raise Refusal("datatype", f"input '{vi.name}' is a {kind or 'value of no type'}; the HTP takes tensors")
        t = vi.type.tensor_type
        dtype = elem_dtype(t.elem_type)
        qnn_type(dtype, f"input '{vi.name}'")
        declared = [d.dim_value if d.HasField("dim_value") else self.symbols.get(d.dim_param) for d in t.shape.dim] \
            if t.HasField("shape") else None
        wanted = self.input_shapes.get(vi.name)
        if wanted is not None:
            if declared is not None and (len(wanted) != len(declared)
                                         or any(d is not None and d != w for d, w in zip(declared, wanted))):
                raise Refusal("dynamic shape", f"--desired_input_shape {vi.name} {list(wanted)} does not fit its "
                                               f"declared shape {declared}")
            return dtype, tuple(wanted)
        if declared is None or any(d is None for d in declared):
            dims = [d.dim_param or "?" for d in t.shape.dim] if t.HasField("shape") else "unknown"
            raise Refusal("dynamic shape", f"input '{vi.name}' has no static shape ({dims}); give it with "
                                           "--desired_input_shape (or the dimensions with --onnx_define_symbol), or "
                                           "export with fixed input shapes")
        return dtype, tuple(declared)

    def _outputs(self) -> None:
        for o in self.g.output:
            if self.name(o.name) in self.refused:
                continue
            src = self.name(o.name)
            if src in self.out.tensors and self.out.tensors[src].role == NATIVE:
                self.out.tensors[src].role = OUTPUT
                if src != o.name:  # keep the ONNX output name visible to clients
                    self._rename(src, o.name)
                self.out.outputs.append(o.name)
            elif src in self.sequences:
                self.problems.append(f"[datatype] graph output '{o.name}' is a tensor sequence; QNN graph outputs "
                                     "are tensors")
            elif src in self.consts and self.consts[src].size == 0:
                self.problems.append(f"[unsupported graph] graph output '{o.name}' is an empty tensor; QNN "
                                     "tensors have no zero-size dimensions")
            elif src in self.consts or src in self.out.inputs:
                # a QNN graph output is written by an op: a constant or an input passed
                # through is copied there by a Reshape to its own shape
                self.values[o.name] = self.info(src)
                self.alias.pop(o.name, None)
                if src == o.name:  # the constant itself bears the output's name: rename it
                    src = self.static(self.consts.pop(o.name), o.name)
                    if o.name in self.out.tensors:
                        self._rename(o.name, src)
                try:
                    self.emit("Reshape", [src], [o.name])
                except Refusal as err:
                    self.problems.append(f"[{err.kind}] graph output '{o.name}': {err}")
                    continue
                self.out.tensors[o.name].role = OUTPUT
                self.out.outputs.append(o.name)
            else:
                self.problems.append(f"[internal] graph output '{o.name}' was not produced by the conversion")

    def _drop_unread_inputs(self) -> None:
        """An input only whose shape is used (folded away) is no graph input: nothing reads it."""
        read = {i for n in self.out.nodes for i in n.inputs}
        for name in [i for i in self.out.inputs if i not in read]:
            self.out.inputs.remove(name)
            del self.out.tensors[name]

    def _rename(self, old, new):
        t = self.out.tensors.pop(old)
        t.name = new
        self.out.tensors[new] = t
        for n in self.out.nodes:
            n.inputs = [new if i == old else i for i in n.inputs]
            n.outputs = [new if o == old else o for o in n.outputs]

    def _guarded(self, node, fused) -> None:
        where = f"node '{node.name or node.output[0]}' ({node.op_type})"
        if any(i and self.name(i) in self.refused for i in (fused[1] if fused else node.input)):
            self.refused.update(node.output)  # reported where it started
            return
        try:
            if fused is not None:
                self._fused(node, fused)
            else:
                self._node(node)
        except Refusal as err:
            self.problems.append(f"[{err.kind}] {where}: {err}")
            self.refused.update(node.output)
        except Exception as err:  # a converter bug: named, never a traceback for the user
            self.problems.append(f"[internal] {where}: the converter failed ({type(err).__name__}: {err}); "
                                 "please report this model")
            self.refused.update(node.output)

    def _fused(self, node, fused) -> None:
        op_type, inputs, params = fused
        out = node.output[0]
        self.values[out] = self.info(inputs[0])
        if op_type == "RmsNorm":
            rank = len(self.shape(inputs[0]))
            params = {"axes": np.array([rank - 1], np.uint32), **params}
        self.emit(op_type, inputs, [out], params, name=node.name or None)

    def _node(self, node, opsets=None) -> None:
        if node.domain not in ("", "ai.onnx"):
            self.refuse("unsupported op", f"op domain '{node.domain}' is not ONNX's; qnnpy converts standard "
                                          "ONNX ops only")
        ins = [i for i in node.input]
        touches_lora = any(i and self.name(i) in self.lora for i in ins)
        if node.op_type == "Transpose" and touches_lora and self.name(ins[0]) in self.consts:
            attrs = attributes(node)
            perm = list(attrs["perm"]) if "perm" in attrs else None
            weight = self.consts[self.name(ins[0])]
            self.lora_transposes[node.output[0]] = (self.name(ins[0]), perm)
            self.values[node.output[0]] = (weight.dtype, tuple(np.transpose(weight, perm).shape))
            return
        opsets = opsets or self.model.opset_import
        if node.op_type in self.sequence_handlers:
            self.sequence_handlers[node.op_type](self, node, attributes(node))
            return
        if not touches_lora and node.op_type not in _NONDETERMINISTIC and \
                all(self.const(i) is not None for i in ins if i) and self._fold(node, opsets):
            return
        self._infer(node, opsets)
        if all(o in self.consts for o in node.output if o):
            return  # every output is empty: nothing to compute
        entry = self.handlers.get(node.op_type)
        if entry is None:
            self._expand(node, opsets)
            return
        handler, known = entry
        attrs = attributes(node)
        unknown = sorted(set(attrs) - known)
        if unknown:
            self.refuse("attribute", f"attribute(s) {unknown} are not supported (qnnpy reads {sorted(known)})")
        handler(self, node, attrs)

    def _expand(self, node, opsets) -> None:
        """An op without a handler that ONNX defines as a function: convert its body."""
        from qnnpy.tools.converter.onnx_functions import function_body
        opset = onnx_opset(opsets, self.opset)
        types = [helper.make_tensor_type_proto(helper.np_dtype_to_tensor_dtype(self.dtype(i)), self.shape(i))
                 if i else onnx.TypeProto() for i in node.input]
        body = function_body(node, opset, types)
        if body is None:
            self.refuse("unsupported op", f"ONNX op {node.op_type} has no HTP lowering in qnnpy")
        nodes, body_opsets = body
        outer = self.opset
        try:
            for inner in nodes:
                self.opset = onnx_opset(body_opsets, outer)
                if any(i and self.name(i) in self.refused for i in inner.input):
                    self.refused.update(inner.output)
                    continue
                self._node(inner, body_opsets)
        finally:
            self.opset = outer

    def _fold(self, node, opsets) -> bool:
        """Evaluate a node of constants; False when the reference evaluator cannot."""
        results = evaluate_node(node, {i: self.const(i) for i in node.input if i}, opsets, self.model)
        if results is None:
            return False
        for name, value in zip([o for o in node.output if o], results):
            self.consts[name] = value
        return True

    def _infer(self, node, opsets) -> None:
        """Record the dtype and static shape of every output of ``node``."""
        inputs, initializers = [], []
        for i in dict.fromkeys(i for i in node.input if i):
            dtype, shape = self.info(i)
            value = self.const(i)
            if value is not None and value.size <= _INFER_VALUES_UP_TO:
                initializers.append(numpy_helper.from_array(value, i))
            else:
                inputs.append(helper.make_tensor_value_info(i, helper.np_dtype_to_tensor_dtype(dtype), shape))
        graph = helper.make_graph([node], "infer", inputs, [], initializer=initializers)
        model = single_node_model(graph, opsets, self.model)
        try:
            inferred = shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
        except Exception as err:
            self.refuse("invalid model", f"ONNX shape inference rejects this node: {str(err).splitlines()[0]}")
        found = {vi.name: vi for vi in inferred.graph.value_info}
        for o in node.output:
            if not o:
                continue
            vi = found.get(o)
            kind = vi.type.WhichOneof("value") if vi is not None else None
            if kind is not None and kind != "tensor_type":
                self.refuse("datatype", f"output '{o}' is a {kind}; the HTP has tensors only")
            t = vi.type.tensor_type if vi is not None else None
            if t is None or not t.HasField("shape") or any(not d.HasField("dim_value") for d in t.shape.dim):
                runtime = [i for i in node.input if i and self.const(i) is None and self.dtype(i).kind in "iu"]
                cause = f"on the values of {runtime}, known only at run time" if runtime else "on input values"
                self.refuse("dynamic shape", f"the shape of output '{o}' depends {cause}; the HTP needs static "
                                             "shapes (export with fixed shapes so that such values fold)")
            dtype = elem_dtype(t.elem_type)
            shape = tuple(d.dim_value for d in t.shape.dim)
            if 0 in shape:
                self.consts[o] = np.zeros(shape, dtype if dtype is not None else np.float32)
            else:
                qnn_type(dtype, f"output '{o}'")
                self.values[o] = (dtype, shape)


def import_onnx(model: onnx.ModelProto, lora_names: set[str], graph_name: str, input_shapes: dict | None = None,
                symbols: dict | None = None) -> Graph:
    return Importer(model, lora_names, graph_name, input_shapes, symbols).run()
